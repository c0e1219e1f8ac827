#pragma once
// The hub's holdings: agencies and their tokens, acquisitions (metadata in
// the database, scans as files named by SHA-256), the correlation queue, lead
// lists with the outcomes agencies report, and the change feed peers pull.
// Ownership is enforced here: only the submitting agency changes its data.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

struct PushResult {
    HubAcquisition acquisition;
    bool created = false;  // false: the same agency had pushed the same scan before
};

struct CorrelationJob {
    std::string acquisitionId;
    int attempts = 0;
};

class HubStore {
public:
    // `dataDir` holds the scans (and hub.db when `databaseUrl` is empty).
    // `ownsUploads`: this is the serving process, which removes the leftovers
    // of uploads a killed hub never finished (a worker or an admin command
    // beside a running hub must not touch the uploads in flight).
    HubStore(const std::string& dataDir, const std::string& databaseUrl, const std::string& hubName, bool ownsUploads = false);

    const std::string& hubName() const { return hubName_; }
    std::string filePath(const std::string& sha256) const;
    void removeScanFiles(const std::string& sha256);  // the scan and its derived files
    const std::string& dataDir() const { return dataDir_; }
    // The shared connection, for the concerns kept beside the holdings (HubSearch).
    HubDatabase& database() { return db_; }
    // A temporary file beside the scans (same file system, so it can be renamed into place).
    std::string tempFile(const std::string& name) const;

    // Agencies and tokens. Tokens are returned once and kept as SHA-256.
    void addAgency(const std::string& code, const std::string& name, bool peer = false);
    // An account of kAccountKinds; `country` an ISO 3166 code (national and ncb accounts need one).
    void addAccount(const std::string& code, const std::string& name, const std::string& kind, const std::string& country);
    // The hub's tier (national, the default, or international) and, for a national hub, its country
    // (read when the store opens: a serving hub takes a change of tier at its next start).
    std::string tier();
    std::string country();
    void setTier(const std::string& tier, const std::string& country);
    // `scopes`: "all", or some of kTokenScopes joined by commas (HubError 400 otherwise).
    std::string issueToken(const std::string& agency, const std::string& scopes = "all");
    void revokeToken(const std::string& token);
    Caller authenticate(const std::string& token);  // HubError 401

    // Moves a received scan (already validated) into the file store; returns its SHA-256
    // (hashed here unless the caller hashed it as it arrived).
    std::string storeScanFile(const std::string& tempPath, std::string sha256 = {});
    static std::string acquisitionIdFor(const std::string& agency, const std::string& sha256);

    PushResult push(const Caller& caller, const AcquisitionMetadata& metadata, const std::string& sha256, std::int64_t size);
    // Moves the uploaded scan into the files and records the push; if the push
    // is refused, the file is removed again unless another acquisition holds it.
    PushResult pushWithScan(const Caller& caller, const AcquisitionMetadata& metadata, const std::string& tempPath,
                            const std::string& sha256, std::int64_t size);
    // An acquisition made elsewhere (forwarded by a national hub, or acquired on a country's behalf), with its
    // scan moved into the files; its id is derived here from its agency and scan. As pushWithScan otherwise.
    PushResult insertWithScan(const HubAcquisition& acquisition, const std::string& tempPath);
    // Whether `caller` acts for the acquisition's owner (its agency, the national hub that forwarded it, the
    // operator who acquired it on a country's behalf), and whether it may see its scan and case reference.
    static bool actsFor(const Caller& caller, const HubAcquisition& acquisition);
    static bool maySee(const Caller& caller, const HubAcquisition& acquisition);
    // The acquisition if the caller may see it (its own, disclosed, or a peer);
    // otherwise the same 404 as for an id that does not exist, so that another
    // agency cannot learn what is held.
    HubAcquisition visibleAcquisition(const Caller& caller, const std::string& id);
    HubAcquisition acquisition(const std::string& id);  // HubError 404
    std::optional<HubAcquisition> findAcquisition(const std::string& id);
    HubAcquisition update(const Caller& caller, const std::string& id, const AcquisitionMetadata& metadata);
    HubAcquisition disclose(const Caller& caller, const std::string& id, bool disclosed);
    void withdraw(const Caller& caller, const std::string& id);
    // The scan's path if `caller` may read it: owner, disclosed, or a peer hub.
    std::string scanPathFor(const Caller& caller, const std::string& id);

    // Correlation queue (kept in the database: survives a restart). Jobs are
    // leased: claimJob takes the oldest queued job, or one whose lease ran
    // out (its worker died), for `worker` until now + leaseMs, skipping rows
    // another worker is claiming (FOR UPDATE SKIP LOCKED on PostgreSQL); a
    // job that has been claimed 5 times without finishing is failed instead.
    std::vector<CorrelationJob> queuedJobs();
    std::optional<std::string> claimJob(const std::string& worker, std::int64_t leaseMs);
    bool renewLease(const std::string& acquisitionId, const std::string& worker, std::int64_t leaseMs);
    void releaseJob(const std::string& acquisitionId, const std::string& worker);  // back to the queue (a worker stopping)
    bool finishJob(const std::string& acquisitionId, const std::string& worker);   // done without a list of its own (false: lease lost)
    std::vector<HubAcquisition> holdingsFor(const HubAcquisition& query);
    // The land acquisitions of the bullet `land` belongs to (same agency, case and item), in land order.
    std::vector<HubAcquisition> bulletOf(const HubAcquisition& land);
    // With `worker`, only while that worker holds the job's lease: a result
    // computed by a worker whose lease ran out (another took the job over)
    // is discarded and false returned, so each job's result lands once.
    // Stores the new acquisition's list, and enters it in the lists of the
    // holdings it was compared with (`reverse`: one candidate per holding,
    // listAcquisitionId = the holding) where it ranks within `listSize`, so
    // every pair reaches both owners whichever arrived first.
    bool storeLeadList(const std::string& acquisitionId, std::vector<HubCandidate> candidates, const std::string& status,
                       const std::vector<HubCandidate>& reverse = {}, int listSize = 20, const SearchScope& scope = {},
                       const std::string& worker = {});
    void failJob(const std::string& acquisitionId, const std::string& error);

    // Lead lists of the caller's acquisitions changed after `since`.
    std::vector<LeadList> leads(const Caller& caller, std::int64_t since, int limit);
    // One acquisition's lead list, if the caller may see the acquisition and it has one.
    std::optional<LeadList> leadList(const Caller& caller, const std::string& acquisitionId);
    void reportOutcome(const Caller& caller, std::int64_t candidateId, const std::string& outcome);
    std::vector<AgencyStats> stats(const std::string& agency = {});
    // The feedback loop (HubFeedback.cpp): what came of a lead on the caller's
    // list, passed on to every agency holding either acquisition of the pair.
    HubFeedback addFeedback(const Caller& caller, std::int64_t candidateId, const HubFeedback& input);
    std::vector<HubFeedback> feedback(const Caller& caller, std::int64_t since, int limit);
    // An outcome a peer hub passed on (false: this hub has it already, from wherever).
    bool applyReplicatedFeedback(const HubFeedback& feedback);

    // Replication. changes(): what happened at this hub (not what it replicated).
    std::vector<HubChange> changes(std::int64_t since, int limit);
    bool applyReplicatedAcquisition(const HubAcquisition& acquisition);  // false: known already
    void applyReplicatedUpdate(const HubAcquisition& acquisition);
    void applyReplicatedWithdrawal(const std::string& id);
    std::int64_t peerCursor(const std::string& peer);
    // The next position in the hub's feeds (lead lists, changes), shared by the concerns beside the store.
    std::int64_t nextSeq();
    void setPeerCursor(const std::string& peer, std::int64_t cursor);


private:
    void migrate();
    PushResult insertNew(HubAcquisition acquisition);
    // The lists whose ids `pageQuery` selects (with `page` for its parameters), with their candidates.
    std::vector<LeadList> loadLists(const Caller& caller, const std::string& pageQuery, const std::vector<SqlValue>& page);
    void recordChange(const std::string& kind, const std::string& acquisitionId);
    HubAcquisition ownedBy(const Caller& caller, const std::string& id);
    std::mutex filesMutex_;  // storing a pushed scan vs removing an unreferenced one
    void loadTier();
    std::mutex tierMutex_;
    std::string tier_ = "national", country_;
    void insertAcquisition(const HubAcquisition& a);
    void removeFromLists(const std::string& id);
    void touchListsNaming(const std::string& id);
    void enterInList(const HubCandidate& candidate, int listSize);

    std::string dataDir_;
    std::string hubName_;
    HubDatabase db_;
};

std::int64_t nowMs();

}  // namespace striae::sync
