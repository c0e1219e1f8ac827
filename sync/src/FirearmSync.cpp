#include "FirearmSync.h"

#include "striae/records/FirearmHubSync.h"
#include "striae/records/ReferenceTable.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmClient.h"

namespace striae::sync {

bool pushFirearmRecords(records::Store& store, HubClient& hub, const records::User& actor, SyncReport& report) {
    auto sync = store.firearmHubSync();
    HubFirearmClient firearms(hub);
    for (const auto& r : sync.recordsForHub(store.syncSetting("agency"))) {
        try {
            // The record's own maker names it at the hub; a withdrawal names who synced it.
            const std::string by = r.record.createdBy.empty() ? actor.username : r.record.createdBy;
            if (r.withdraw) {
                try {
                    firearms.withdraw(r.record.uid, r.record.withdrawn ? "withdrawn by its agency" : "no longer shared by its agency", actor.username);
                } catch (const HubError& e) {
                    if (e.status() != 404) throw;  // the hub has it no more: what was wanted
                }
                sync.markSent(r.record.id, r.record.updatedAt, true);
                ++report.recordsWithdrawn;
            } else {
                firearms.share(r.record.uid, r.record.fields, by, !r.record.caliberListed);
                sync.markSent(r.record.id, r.record.updatedAt, false);
                ++report.recordsShared;
            }
        } catch (const HubError& e) {
            report.errors.push_back("firearm record " + r.record.uid + ": " + e.what());
            if (e.status() == 0) return false;
        }
    }
    // Their photographs, once the hub has the record.
    for (const auto& p : sync.photosForHub(store.syncSetting("agency"))) {
        try {
            const auto sent = firearms.addPhoto(p.recordUid, p.path, p.photo.name, actor.username);
            sync.markPhotoSent(p.photo.id, sent.id);
            ++report.photosSent;
        } catch (const HubError& e) {
            report.errors.push_back("photograph " + std::to_string(p.photo.id) + " of " + p.recordUid + ": " + e.what());
            if (e.status() == 0) return false;
        }
    }
    return true;
}

void pullFirearmNotices(records::Store& store, HubClient& hub, const records::User& actor, SyncReport& report) {
    auto sync = store.firearmHubSync();
    HubFirearmClient firearms(hub);
    for (;;) {
        const std::string stored = store.syncSetting("notice_cursor");
        const std::int64_t since = stored.empty() ? 0 : std::stoll(stored);
        std::int64_t cursor = since;
        const auto batch = firearms.notices(since, 200, cursor);
        if (batch.empty()) break;
        std::vector<records::HubNoticeEntry> entries;
        for (const auto& n : batch) entries.push_back({n.seq, n.kind, n.agency, n.subjectId, n.recordUid, n.summary, n.at, "", ""});
        report.noticesPulled += sync.storeNotices(entries);
        store.setSyncSetting(actor, "notice_cursor", std::to_string(cursor));
        if (batch.size() < 200) break;
    }
    const auto alerts = firearms.alerts(/*includeWithdrawn=*/true);
    sync.storeAlerts(alerts);
    report.alertsPulled = int(alerts.size());

    // The firearms reference table the hub distributes, when it has a newer version than the store took.
    const std::string stored = store.syncSetting("reftable_version");
    std::int64_t version = 0;
    std::optional<std::string> table;
    try {
        table = firearms.referenceTable(stored.empty() ? 0 : std::stoll(stored), version);
    } catch (const HubError& e) {
        if (e.status() != 404) throw;  // 404: the hub distributes none
    }
    if (table) {
        const auto imported = store.referenceTable().importFromHub(actor, *table, version);
        report.referencesTaken = imported.added + imported.updated + imported.unchanged;
        report.referenceVersion = version;
        if (!imported.rejected.empty())
            report.errors.push_back("reference table version " + std::to_string(version) + ": " + std::to_string(imported.rejected.size()) +
                                    " reference(s) refused, the first: row " + std::to_string(imported.rejected[0].row) + ", " +
                                    imported.rejected[0].reason);
        store.setSyncSetting(actor, "reftable_version", std::to_string(version));
    }
}

}  // namespace striae::sync
