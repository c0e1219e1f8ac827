#pragma once
// The hub's correlation workers: each new acquisition is compared with the
// holdings of the same caliber, item type and region, and its ranked lead
// list stored. Jobs live in the database (HubStore), which is the queue:
// each thread claims a job under a lease it renews while it works, so any
// number of these queues, in the serving hub or in `striae-hub worker`
// processes on other machines, share one PostgreSQL queue; a killed
// worker's job is taken again once its lease runs out, and a result only
// lands while its lease is held (exactly once).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <set>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "striae/imaging/LandSignature.h"
#include "striae/imaging/Surface.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/records/Types.h"
#include "striae/sync/HubTypes.h"

namespace striae::matching {
class StageSurfaceFiles;
}

namespace striae::sync {

class HubSearch;
class HubStore;
class SurfaceCache;

struct WorkerLease {
    std::string worker;            // the queue's name in the job table (default: hub@host:pid)
    std::int64_t leaseMs = 60000;  // a job not renewed for this long is taken again
    int pollMs = 1000;             // how often an idle thread looks for jobs pushed elsewhere
    std::string indexPath;         // the first-stage index's journal (default: <data>/search.index)
};

class CorrelationQueue {
public:
    // `shortlist`: how many of a partition's holdings CMC compares after the
    // first stage ranks them (docs/search.md); Shortlist::all() compares all.
    CorrelationQueue(HubStore& store, int threads, int listSize, const records::Shortlist& shortlist = {}, WorkerLease lease = {});
    ~CorrelationQueue();
    void start();
    void stop();  // a job in progress goes back to the queue
    void enqueue(const std::string& acquisitionId);  // a job was queued here: wake an idle thread now
    // A pushed breech face's search signature, computed from the surface the
    // push read anyway and stored; a failure is logged, never the push's.
    void signOnPush(const HubAcquisition& acquisition, const imaging::Surface& surface);
    const std::string& worker() const { return lease_.worker; }
    // Breech-face candidates then carry the model's likelihood ratio (details
    // "lr", naming the model) when the job's CMC parameters match it; set
    // before start().
    void setCalibrationModel(std::optional<matching::CalibrationModel> model) { model_ = std::move(model); }

private:
    void work();
    void renewLeases();
    bool correlate(const std::string& acquisitionId);  // false: stopped, or the lease was lost
    bool onThreads(std::size_t n, const std::function<void(std::size_t)>& work);
    bool correlateBullet(const HubAcquisition& land);
    std::vector<imaging::LandSignature> signaturesOf(const std::vector<HubAcquisition>& lands);

    HubStore& store_;
    int threads_, listSize_;
    records::Shortlist shortlist_;
    std::optional<matching::CalibrationModel> model_;
    std::unique_ptr<SurfaceCache> cache_;
    std::unique_ptr<HubSearch> search_;
    std::unique_ptr<matching::StageSurfaceFiles> stageSurfaces_;
    std::mutex mutex_;
    std::condition_variable wake_;
    WorkerLease lease_;
    int wakeups_ = 0;
    bool stopping_ = false;
    std::set<std::string> active_;  // jobs this queue's threads hold
    std::vector<std::thread> workers_;
    std::thread heartbeat_;
    std::mutex signatureMutex_;
    std::map<std::string, imaging::LandSignature> signatures_;  // by scan SHA-256
};

}  // namespace striae::sync
