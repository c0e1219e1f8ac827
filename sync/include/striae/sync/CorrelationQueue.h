#pragma once
// The hub's correlation workers: each new acquisition is compared with the
// holdings of the same caliber, item type and region, and its ranked lead
// list stored. Jobs live in the database (HubStore), so a restart resumes
// them; this class only feeds them to threads.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "striae/imaging/LandSignature.h"
#include "striae/records/Types.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

class HubSearch;
class HubStore;
class SurfaceCache;

class CorrelationQueue {
public:
    // `shortlist`: how many of a partition's holdings CMC compares after the
    // first stage ranks them (docs/search.md); Shortlist::all() compares all.
    CorrelationQueue(HubStore& store, int threads, int listSize, const records::Shortlist& shortlist = {});
    ~CorrelationQueue();
    void start();  // loads the queued jobs from the store
    void stop();
    void enqueue(const std::string& acquisitionId);

private:
    void work();
    void correlate(const std::string& acquisitionId);
    void correlateBullet(const HubAcquisition& land);
    std::vector<imaging::LandSignature> signaturesOf(const std::vector<HubAcquisition>& lands);

    HubStore& store_;
    int threads_, listSize_;
    records::Shortlist shortlist_;
    std::unique_ptr<SurfaceCache> cache_;
    std::unique_ptr<HubSearch> search_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
    std::mutex signatureMutex_;
    std::map<std::string, imaging::LandSignature> signatures_;  // by scan SHA-256
};

}  // namespace striae::sync
