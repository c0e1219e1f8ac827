#include "striae/sync/PeerReplicator.h"


#include <filesystem>

#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"
#include "PollingLoop.h"

namespace fs = std::filesystem;

namespace striae::sync {

PeerReplicator::PeerReplicator(HubStore& store, PeerConfig peer, int intervalMs,
                               std::function<void(const std::string&)> onNewAcquisition)
    : store_(store), peer_(std::move(peer)), intervalMs_(intervalMs), onNewAcquisition_(std::move(onNewAcquisition)),
      loop_(std::make_unique<PollingLoop>("replication from " + peer_.name, intervalMs_, [this] { return pullOnce(); })) {}

PeerReplicator::~PeerReplicator() { stop(); }

void PeerReplicator::start() { loop_->start(); }

void PeerReplicator::stop() { loop_->stop(); }

int PeerReplicator::pullOnce() {
    HubClient client(peer_.url, peer_.token, 60);
    const std::string key = "peer:" + peer_.name;
    std::int64_t cursor = 0;
    const auto changes = client.changes(store_.peerCursor(key), 200, cursor);
    int applied = 0;
    for (const auto& change : changes) {
        const auto& a = change.acquisition;
        if (change.kind == "withdrawal" || a.withdrawn) {
            store_.applyReplicatedWithdrawal(a.id);
        } else if (change.kind == "acquisition") {
            if (!store_.findAcquisition(a.id)) {
                if (a.sha256.size() != 64 || a.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
                    throw HubError(502, "peer " + peer_.name + " sent a bad scan hash for " + a.id);
                const std::string tempPath = store_.tempFile("peer-" + a.id);
                client.downloadScan(a.id, tempPath);
                const std::string sha = store_.storeScanFile(tempPath);
                if (sha != a.sha256) throw HubError(502, "scan of " + a.id + " from " + peer_.name + " does not match its hash");
                if (store_.applyReplicatedAcquisition(a) && onNewAcquisition_) onNewAcquisition_(a.id);
            }
        } else if (change.kind == "update") {
            store_.applyReplicatedUpdate(a);
        }
        store_.setPeerCursor(key, change.seq);
        ++applied;
    }
    // Outcomes of leads (the feedback loop), once the acquisitions they name are here.
    if (changes.size() < 200) {
        const std::string feedbackKey = "peer-feedback:" + peer_.name;
        std::int64_t feedbackCursor = 0;
        const auto feedback = client.feedback(store_.peerCursor(feedbackKey), 200, feedbackCursor);
        for (const auto& f : feedback) store_.applyReplicatedFeedback(f);  // idempotent: known ones are skipped
        if (!feedback.empty()) store_.setPeerCursor(feedbackKey, feedbackCursor);
        applied += int(feedback.size());
    }
    return applied;
}

}  // namespace striae::sync
