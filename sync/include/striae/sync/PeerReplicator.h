#pragma once
// Replication from one peer hub: pulls the peer's change feed from the last
// cursor, fetches the scans of new acquisitions, applies updates and
// withdrawals, and passes on what agencies reported came of leads (the
// feedback loop). Applying is idempotent and the cursor advances only after a
// change is applied, so a hub that was down catches up without duplicates.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace striae::sync {

class HubStore;
class PollingLoop;

struct PeerConfig {
    std::string name, url, token;
};

class PeerReplicator {
public:
    PeerReplicator(HubStore& store, PeerConfig peer, int intervalMs, std::function<void(const std::string&)> onNewAcquisition);
    ~PeerReplicator();
    void start();
    void stop();
    // One pass over the feed, then (once it is drained) over the peer's outcomes of
    // leads; returns the number of changes and outcomes read. Throws HubError.
    int pullOnce();

private:
    HubStore& store_;
    PeerConfig peer_;
    int intervalMs_;
    std::function<void(const std::string&)> onNewAcquisition_;
    std::unique_ptr<PollingLoop> loop_;
};

}  // namespace striae::sync
