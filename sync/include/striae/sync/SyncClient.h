#pragma once
// The workstation's side of a hub: pushes the local store's acquisitions
// through its outbox (retried with backoff), pulls lead lists into the
// store as correlation runs of scope "hub" (other agencies' acquisitions as
// stand-ins, their scans fetched when disclosed), and reports the review
// outcomes back. Used by `striae sync` and the workstation's background sync.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::sync {

struct SyncReport {
    int queued = 0;            // newly put in the outbox
    int pushed = 0;            // accepted as new by the hub
    int alreadyHeld = 0;       // the hub had them (a retry after a lost reply)
    int failed = 0;
    int listsPulled = 0, candidates = 0, scansFetched = 0;
    int outcomesReported = 0;  // review outcomes (lead, hit, eliminated)
    int feedbackSent = 0, outcomesReceived = 0;  // the feedback loop: what came of leads
    int recordsShared = 0, recordsWithdrawn = 0;  // firearm records sent to the hub, withdrawn there
    int photosSent = 0;                           // their photographs
    int noticesPulled = 0, alertsPulled = 0;      // seizure matches, alerts and trace steps; the network's alerts
    int referencesTaken = 0;                      // of the hub's reference table, when it had a newer version
    std::int64_t referenceVersion = 0;
    std::vector<std::string> errors;
};

class HubClient;

// A client of the hub the store is configured for (its URL and token); RecordsError(InvalidInput) when none is.
HubClient hubClientFor(const records::Store& store, int timeoutSeconds = 30);

class SyncClient {
public:
    // The hub's address, token and this agency's code come from the store's sync settings.
    SyncClient(records::Store& store, records::User actor, int timeoutSeconds = 30);

    // progress(done, total) may return false to stop between acquisitions.
    SyncReport push(const std::function<bool(int, int)>& progress = {});
    SyncReport pull();
    records::SyncStatus status() const { return store_.syncStatus(); }
    // The owner's decisions on an acquisition it pushed (for a bullet's land: every land of
    // the bullet): let other agencies fetch it, or take it back from the hub altogether.
    // Returns how many hub acquisitions changed.
    int disclose(records::Id acquisitionId, bool disclosed);
    int withdraw(records::Id acquisitionId);
    // Where the hub searches an acquisition it holds (national, international or both: the case flag a
    // national hub's participation agreement forwards by). New pushes take the store's "search_scope".
    int setScope(records::Id acquisitionId, const std::string& scope);

    // Seconds to wait before attempt n+1 after n failures: 30 s doubling, at most an hour.
    static int backoffSeconds(int attempts);

private:
    records::Store& store_;
    records::User actor_;
    int timeout_;
};

}  // namespace striae::sync
