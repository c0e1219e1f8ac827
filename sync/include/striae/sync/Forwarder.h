#pragma once
// A national hub's link to the international tier (docs/hub-api.md, "Tiers"):
// forwards under the participation agreement what its agencies pushed (the
// scan with its metadata), passes on their updates, disclosures and
// withdrawals, withdraws everything it forwarded when the agreement is
// revoked (or what a narrowed agreement no longer allows), and mirrors the
// international lead lists of the country's acquisitions. The international
// hubs are tried in order (a pair on two continents: when the first cannot
// be reached, the second is used). Each step is idempotent and the cursors
// advance only after it, so a hub or a link that was down catches up.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "striae/sync/PeerReplicator.h"

namespace striae::sync {

class HubClient;
class HubFederation;
struct ParticipationAgreement;
class HubStore;
class PollingLoop;

class Forwarder {
public:
    Forwarder(HubStore& store, HubFederation& federation, std::vector<PeerConfig> internationalHubs, int intervalMs);
    ~Forwarder();
    void start();
    void stop();
    void wake();  // something changed here: do not wait for the interval
    // One pass: the agreement (a full reconciliation when its version changed), this hub's
    // changes since the cursor, the international lists. Returns what it did; throws HubError.
    int passOnce();
    // A call to the first international hub that answers (HubError status 0 from one: the next is tried).
    // `hubName` is the name of the hub that answered.
    void withInternational(const std::function<void(HubClient&, const std::string& hubName)>& call);

private:
    // Brings one acquisition's state at the international tier to what the agreement wants; returns whether it sent anything.
    bool reconcile(const std::string& acquisitionId, const ParticipationAgreement& agreement);
    int reconcileAll(const ParticipationAgreement& agreement);
    int pullLists();

    HubStore& store_;
    HubFederation& federation_;
    std::vector<PeerConfig> hubs_;
    std::unique_ptr<PollingLoop> loop_;
};

}  // namespace striae::sync
