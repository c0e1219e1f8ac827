#include "striae/sync/SyncClient.h"
#include "striae/records/LeadOutcomes.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "FileHash.h"
#include "FirearmSync.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"

namespace fs = std::filesystem;

namespace striae::sync {

namespace {

std::string isoUtc(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, int(ms));
    return out;
}

std::string isoFromMs(std::int64_t ms) { return isoUtc(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms))); }

std::string classJson(const records::Item& item) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!item.firingPinShape.empty()) o.set("firing_pin_shape", item.firingPinShape);
    if (!item.breechFaceMarks.empty()) o.set("breech_face_marks", item.breechFaceMarks);
    if (item.lands) o.set("lands", *item.lands);
    if (!item.twist.empty()) o.set("twist", item.twist);
    if (!item.ammunition.empty()) o.set("ammunition", item.ammunition);
    if (!item.headstamp.empty()) o.set("headstamp", item.headstamp);
    o.set("origin", item.origin);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace

HubClient hubClientFor(const records::Store& store, int timeout) {
    const std::string url = store.syncSetting("hub_url");
    const std::string token = store.syncSetting("hub_token");
    if (url.empty()) throw records::RecordsError(records::RecordsError::Kind::InvalidInput,
                                                 "no hub configured (striae sync configure --hub URL --token-stdin)");
    if (token.empty()) throw records::RecordsError(records::RecordsError::Kind::InvalidInput, "no hub token configured");
    return HubClient(url, token, timeout);
}

namespace {
// What the hub is told of a pushed acquisition: its item's case, label, type, caliber and class.
AcquisitionMetadata metadataOf(records::Store& store, const records::Acquisition& a) {
    const records::Item item = store.item(a.itemId);
    AcquisitionMetadata m;
    m.caseRef = item.caseNumber;
    m.itemLabel = item.label;
    m.itemType = item.kind == "bullet" ? "bullet" : "cartridge_case";
    m.region = a.region;
    m.caliber = item.caliber;
    m.classJson = classJson(item);
    m.acquiredAt = a.acquiredAt;
    m.recoveredAt = item.recoveredAt;
    if (m.itemType == "bullet") {
        // A bullet goes land by land: which land, of how many.
        m.region = "land";
        m.land = a.land.value_or(0);
        int held = 0;
        for (const auto& other : store.acquisitionsOfItem(item.id)) held += other.region == "land";
        m.lands = item.lands.value_or(held);
        // Lands not scanned (damaged) are not waited for at the hub.
        if (held < m.lands) m.landsScanned = held;
    }
    return m;
}
}  // namespace

SyncClient::SyncClient(records::Store& store, records::User actor, int timeoutSeconds)
    : store_(store), actor_(std::move(actor)), timeout_(timeoutSeconds) {}

int SyncClient::backoffSeconds(int attempts) {
    return attempts >= 7 ? 3600 : std::min(3600, 30 << std::max(0, attempts));
}

SyncReport SyncClient::push(const std::function<bool(int, int)>& progress) {
    SyncReport report;
    HubClient hub = hubClientFor(store_, timeout_);
    // Scans are a technician's to send; a records officer's sync carries the shared firearm records only.
    const bool sendsScans = actor_.has(records::Role::Technician);
    if (sendsScans) report.queued = store_.enqueueForSync(actor_);
    const auto now = std::chrono::system_clock::now();
    const auto due = sendsScans ? store_.dueOutbox(isoUtc(now)) : std::vector<records::OutboxEntry>{};
    bool reachable = true;
    for (std::size_t i = 0; i < due.size() && reachable; ++i) {
        if (progress && !progress(int(i), int(due.size()))) break;
        const auto& entry = due[i];
        try {
            const records::Acquisition a = store_.acquisition(entry.acquisitionId);
            AcquisitionMetadata m = metadataOf(store_, a);
            m.scope = store_.syncSetting("search_scope");  // "": national
            // A scan altered in the store's files is not sent: the hub would take it as evidence.
            if (sha256OfFile(store_.filePath(a.processedSha256)) != a.processedSha256)
                throw records::RecordsError(records::RecordsError::Kind::Tampered,
                                            "its stored scan no longer matches its SHA-256; not sent (run `striae audit verify`)");
            const PushReply reply = hub.push(store_.filePath(a.processedSha256), m);
            store_.markOutboxSent(entry.id, reply.acquisition.id);
            (reply.created ? report.pushed : report.alreadyHeld)++;
        } catch (const std::exception& e) {
            const auto* hubError = dynamic_cast<const HubError*>(&e);
            reachable = !(hubError && hubError->status() == 0);
            store_.markOutboxFailed(entry.id, e.what(),
                                    isoUtc(now + std::chrono::seconds(backoffSeconds(entry.attempts))));
            ++report.failed;
            report.errors.push_back("acquisition " + std::to_string(entry.acquisitionId) + ": " + e.what());
        }
    }
    if (progress) progress(int(due.size()), int(due.size()));
    // Outcomes of reviewed hub candidates.
    if (reachable) {
        for (const auto& o : store_.outcomesToReport()) {
            try {
                hub.reportOutcome(o.hubCandidateId, o.outcome);
                store_.markOutcomeReported(o.candidateId, o.outcome);
                ++report.outcomesReported;
            } catch (const std::exception& e) {
                report.errors.push_back("outcome of candidate " + std::to_string(o.candidateId) + ": " + e.what());
                if (const auto* h = dynamic_cast<const HubError*>(&e); h && h->status() == 0) {
                    reachable = false;
                    break;
                }
            }
        }
    }
    // What investigators reported came of leads on hub candidates.
    if (reachable) {
        auto outcomes = store_.outcomes();
        for (const auto& o : outcomes.toSend()) {
            try {
                HubFeedback f;
                f.kind = o.kind;
                f.note = o.note;
                f.recordedBy = o.recordedBy;
                f.recordedAt = o.recordedAt;
                outcomes.markSent(o.outcomeId, hub.sendFeedback(o.hubCandidateId, f).id);
                ++report.feedbackSent;
            } catch (const std::exception& e) {
                report.errors.push_back("outcome " + std::to_string(o.outcomeId) + ": " + e.what());
                if (const auto* h = dynamic_cast<const HubError*>(&e); h && h->status() == 0) {
                    reachable = false;
                    break;
                }
            }
        }
    }
    // The agency's shared firearm records (and withdrawals of those no longer shared).
    if (reachable) reachable = pushFirearmRecords(store_, hub, actor_, report);
    store_.noteHubContact(reachable ? "" : report.errors.back());
    return report;
}

namespace {
// The hub ids of an acquisition this store pushed, or of all the lands of its bullet.
std::vector<std::string> hubIdsFor(records::Store& store, records::Id acquisitionId) {
    const auto a = store.acquisition(acquisitionId);
    if (store.isRemoteAcquisition(acquisitionId))
        throw records::RecordsError(records::RecordsError::Kind::PermissionDenied,
                                    "acquisition " + std::to_string(acquisitionId) + " is another agency's; only its owner decides");
    std::vector<records::Id> ids{acquisitionId};
    if (a.region == "land") {
        ids.clear();
        for (const auto& other : store.acquisitionsOfItem(a.itemId))
            if (other.region == "land") ids.push_back(other.id);
    }
    std::vector<std::string> hubIds;
    for (auto id : ids)
        if (auto h = store.hubIdOfAcquisition(id); !h.empty()) hubIds.push_back(h);
    if (hubIds.empty())
        throw records::RecordsError(records::RecordsError::Kind::InvalidInput,
                                    "acquisition " + std::to_string(acquisitionId) + " has not been sent to the hub (striae sync push)");
    return hubIds;
}
}  // namespace

int SyncClient::disclose(records::Id acquisitionId, bool disclosed) {
    if (!actor_.has(records::Role::Examiner) && !actor_.has(records::Role::Supervisor) && !actor_.has(records::Role::Technician))
        throw records::RecordsError(records::RecordsError::Kind::PermissionDenied, "user " + actor_.username + " may not disclose scans");
    HubClient hub = hubClientFor(store_, timeout_);
    int n = 0;
    for (const auto& id : hubIdsFor(store_, acquisitionId)) {
        hub.disclose(id, disclosed);
        ++n;
    }
    store_.noteHubContact("");
    return n;
}

int SyncClient::setScope(records::Id acquisitionId, const std::string& scope) {
    if (!actor_.has(records::Role::Examiner) && !actor_.has(records::Role::Supervisor) && !actor_.has(records::Role::Technician))
        throw records::RecordsError(records::RecordsError::Kind::PermissionDenied, "user " + actor_.username + " may not change a scan's search scope");
    if (scope != "national" && scope != "international" && scope != "both")
        throw records::RecordsError(records::RecordsError::Kind::InvalidInput, "search scope '" + scope + "': expected national, international or both");
    HubClient hub = hubClientFor(store_, timeout_);
    const auto ids = hubIdsFor(store_, acquisitionId);
    int n = 0;
    for (const auto& id : ids) {
        // Each land of a bullet with its own land number, as it was pushed.
        const auto held = hub.acquisition(id);
        AcquisitionMetadata m = held.metadata;
        m.scope = scope;
        hub.update(id, m);
        ++n;
    }
    store_.noteHubContact("");
    return n;
}

int SyncClient::withdraw(records::Id acquisitionId) {
    HubClient hub = hubClientFor(store_, timeout_);
    int n = 0;
    for (const auto& id : hubIdsFor(store_, acquisitionId)) {
        hub.withdraw(id);
        ++n;
    }
    store_.noteHubContact("");
    return n;
}

SyncReport SyncClient::pull() {
    SyncReport report;
    HubClient hub = hubClientFor(store_, timeout_);
    // Lead lists and what came of leads are a technician's to pull; anyone's sync brings the firearm notices.
    const bool pullsLeads = actor_.has(records::Role::Technician);
    try {
        for (; pullsLeads;) {
            const std::string cursorText = store_.syncSetting("leads_cursor");
            const std::int64_t since = cursorText.empty() ? 0 : std::stoll(cursorText);
            std::int64_t cursor = since;
            const auto lists = hub.leads(since, 50, cursor);
            if (lists.empty()) break;
            for (const auto& list : lists) {
                const auto query = store_.acquisitionOfHubId(list.acquisitionId);
                // Only correlated lists carry candidates ("waiting": a bullet's other lands are still to
                // come; "grouped": a bullet's list is on its land 1).
                if (query && list.status == "correlated") {
                    std::vector<records::HubCandidateLink> links;
                    for (const auto& c : list.candidates) {
                        const bool bullet = c.itemType == "bullet";
                        records::RemoteAcquisition remote{c.acquisitionId, c.agency, c.caliber, c.caseRef, c.itemType,
                                                          bullet ? c.acquisitionId : std::string(), bullet ? 1 : 0};
                        const records::Id local = store_.remoteAcquisition(actor_, remote);
                        if (c.disclosed && store_.isRemoteAcquisition(local)) {
                            // The scan, or for a bullet the scans of all its lands, for side-by-side review.
                            std::vector<std::pair<records::Id, std::string>> wanted;  // local acquisition, hub id
                            if (bullet) {
                                for (const auto& land : hub.bulletLands(c.acquisitionId)) {
                                    if (!land.disclosed && land.agency != store_.syncSetting("agency")) continue;
                                    records::RemoteAcquisition r = remote;
                                    r.hubId = land.id;
                                    r.land = land.metadata.land;
                                    wanted.push_back({store_.remoteAcquisition(actor_, r), land.id});
                                }
                            } else {
                                wanted.push_back({local, c.acquisitionId});
                            }
                            for (const auto& [acquisitionId, hubId] : wanted) {
                                if (!store_.acquisition(acquisitionId).processedSha256.empty()) continue;
                                const std::string temp =
                                    (fs::path(store_.folder()) / "files" / ".tmp" / ("hub-" + hubId + ".x3p")).string();
                                fs::create_directories(fs::path(temp).parent_path());
                                hub.downloadScan(hubId, temp);
                                store_.attachScan(actor_, acquisitionId, temp);
                                fs::remove(temp);
                                ++report.scansFetched;
                            }
                        }
                        links.push_back({local, c.id, c.score, c.scoreHigh, c.details});
                    }
                    // How the hub searched, kept with the run so the workstation says it above the list.
                    Poco::JSON::Object searched(Poco::JSON_PRESERVE_KEY_ORDER);
                    searched.set("method", "hub");
                    searched.set("tier", list.tier);  // national, or the international tier's list mirrored by the agency's hub
                    if (list.holdings >= 0) {
                        searched.set("holdings", list.holdings);
                        searched.set("fullyCompared", list.fullyCompared);
                        searched.set("shortlist", list.shortlist);
                    }
                    std::ostringstream parameters;
                    searched.stringify(parameters);
                    store_.recordHubLeadList(actor_, *query, isoFromMs(list.correlatedAt), links, parameters.str());
                    ++report.listsPulled;
                    report.candidates += int(links.size());
                }
                store_.setSyncSetting(actor_, "leads_cursor", std::to_string(list.cursor));
            }
        }
        // What other agencies reported came of leads on pairs we hold (the feedback loop).
        auto outcomes = store_.outcomes();
        for (; pullsLeads;) {
            const std::string stored = store_.syncSetting("feedback_cursor");
            const std::int64_t since = stored.empty() ? 0 : std::stoll(stored);
            std::int64_t cursor = since;
            const auto batch = hub.feedback(since, 200, cursor);
            if (batch.empty()) break;
            for (const auto& f : batch)
                if (outcomes.receive(actor_, {f.id, f.listAcquisitionId, f.candidateAcquisitionId, f.kind, f.note, f.agency, f.recordedBy,
                                              f.recordedAt}))
                    ++report.outcomesReceived;
            store_.setSyncSetting(actor_, "feedback_cursor", std::to_string(cursor));
            if (batch.size() < 200) break;
        }
        // Seizure matches of our records, alerts and trace steps; the network's alerts.
        pullFirearmNotices(store_, hub, actor_, report);
        store_.noteHubContact("");
    } catch (const HubError& e) {
        store_.noteHubContact(e.what());
        throw;
    }
    return report;
}

}  // namespace striae::sync
