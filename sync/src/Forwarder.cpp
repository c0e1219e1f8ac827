#include "striae/sync/Forwarder.h"

#include <Poco/Logger.h>

#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFederation.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/HubStore.h"
#include "PollingLoop.h"

namespace striae::sync {

namespace {
constexpr const char* kAgreementCursor = "forward-agreement";  // the agreement version last reconciled
constexpr const char* kFeedCursor = "forward-feed";            // this hub's change feed, as far as forwarded
}  // namespace

Forwarder::Forwarder(HubStore& store, HubFederation& federation, std::vector<PeerConfig> internationalHubs, int intervalMs)
    : store_(store), federation_(federation), hubs_(std::move(internationalHubs)),
      loop_(std::make_unique<PollingLoop>("forwarding to the international tier", intervalMs, [this] { return passOnce(); })) {}

Forwarder::~Forwarder() { stop(); }

void Forwarder::start() { loop_->start(); }

void Forwarder::stop() { loop_->stop(); }

void Forwarder::wake() { loop_->wake(); }

void Forwarder::withInternational(const std::function<void(HubClient&, const std::string&)>& call) {
    std::string unreachable;
    for (const auto& hub : hubs_) {
        HubClient client(hub.url, hub.token, 120);
        try {
            call(client, hub.name);
            return;
        } catch (const HubError& e) {
            if (e.status() != 0) throw;
            unreachable += (unreachable.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    throw HubError(0, "no international hub could be reached: " + unreachable);
}

bool Forwarder::reconcile(const std::string& id, const ParticipationAgreement& agreement) {
    const auto acquisition = store_.findAcquisition(id);
    const auto state = federation_.forwardState(id);
    const bool forwarded = state && state->state == "forwarded";
    const bool wanted = acquisition && HubFederation::refusal(agreement, *acquisition, store_.hubName()).empty();
    if (wanted && !state) {
        try {
            withInternational([&](HubClient& client, const std::string&) { client.forward(store_.filePath(acquisition->sha256), *acquisition); });
            federation_.markForwarded(id, acquisition->updatedAt);
        } catch (const HubError& e) {
            if (e.status() == 0 || e.status() >= 500 || e.status() == 429 || e.status() == 401) throw;  // try again later
            federation_.markRefused(id, e.what());  // the international hub's answer, kept and shown; not retried
            Poco::Logger::get("striae-hub").warning("the international hub refused " + id + ": " + e.what());
        }
        return true;
    }
    if (wanted && forwarded && acquisition->updatedAt != state->sentUpdatedAt) {
        withInternational([&](HubClient& client, const std::string&) {
            client.call("PUT", "/v1/federation/acquisitions/" + id, json::write(*acquisition));
        });
        federation_.markForwarded(id, acquisition->updatedAt);
        return true;
    }
    if (!wanted && forwarded) {
        withInternational([&](HubClient& client, const std::string&) {
            try {
                client.call("DELETE", "/v1/federation/acquisitions/" + id);
            } catch (const HubError& e) {
                if (e.status() != 404 && e.status() != 409) throw;  // gone there already
            }
        });
        federation_.markWithdrawn(id);
        return true;
    }
    return false;
}

int Forwarder::reconcileAll(const ParticipationAgreement& agreement) {
    int sent = 0;
    std::vector<std::string> ids;
    for (const auto& r : store_.database().query("SELECT id FROM acquisition WHERE origin_hub = ? AND withdrawn = 0 ORDER BY uploaded_at, id",
                                                 {store_.hubName()}))
        ids.push_back(r.text(0));
    for (const auto& f : federation_.forwardStates())
        if (f.state == "forwarded") ids.push_back(f.acquisitionId);
    for (const auto& id : ids) sent += reconcile(id, agreement) ? 1 : 0;
    return sent;
}

int Forwarder::pullLists() {
    int pulled = 0;
    withInternational([&](HubClient& client, const std::string& hubName) {
        const std::string key = "intl-leads:" + hubName;
        std::int64_t cursor = store_.peerCursor(key);
        const auto lists = json::readLeadLists(client.call("GET", "/v1/federation/leads?since=" + std::to_string(cursor) + "&limit=200"), cursor);
        if (lists.empty()) return;
        federation_.mirrorInternationalLists(lists, hubName);
        store_.setPeerCursor(key, cursor);
        pulled = int(lists.size());
    });
    return pulled;
}

int Forwarder::passOnce() {
    int done = 0;
    const ParticipationAgreement agreement = federation_.agreement();
    if (agreement.version != store_.peerCursor(kAgreementCursor)) {
        // A new agreement (or its revocation): every acquisition is weighed against it once.
        const auto feedEnd = store_.database().query("SELECT value FROM counter WHERE name = 'seq'").at(0).integer(0);
        const int sent = reconcileAll(agreement);
        store_.setPeerCursor(kFeedCursor, feedEnd);
        store_.setPeerCursor(kAgreementCursor, agreement.version);
        if (sent > 0)
            federation_.audit().append(store_.hubName(), "agreement.applied",
                                       "version " + std::to_string(agreement.version) + (agreement.active ? "" : " (revoked)") + ": " +
                                           std::to_string(sent) + " acquisitions forwarded, updated or withdrawn at the international tier");
        done += sent + 1;
    }
    const auto changes = store_.changes(store_.peerCursor(kFeedCursor), 200);
    for (const auto& change : changes) {
        reconcile(change.acquisition.id, agreement);
        store_.setPeerCursor(kFeedCursor, change.seq);
        ++done;
    }
    if (agreement.version > 0) done += pullLists();
    return done;
}

}  // namespace striae::sync
