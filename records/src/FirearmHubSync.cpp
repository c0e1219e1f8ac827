// The hub's firearm side as the store keeps it: records sent, notices and alerts pulled.
#include "striae/records/FirearmHubSync.h"

#include "AttachedFiles.h"
#include "StoreImpl.h"

namespace striae::records {

std::vector<RecordForHub> FirearmHubSync::recordsForHub(const std::string& agency) const {
    // Only those the hub lacks as they are now, found by SQL (a push should not read every record of a large store):
    // shared and not sent as of their last change, or sent and since unshared or withdrawn.
    SQLite::Statement q(impl_.db, "SELECT r.id, r.shared = 1 AND r.withdrawn = 0 FROM firearm_record r "
                                  "LEFT JOIN firearm_record_sent s ON s.record_id = r.id WHERE r.owner_agency = ? AND ("
                                  "(r.shared = 1 AND r.withdrawn = 0 AND (s.record_id IS NULL OR s.state <> 'shared' OR s.sent_updated_at <> r.updated_at)) "
                                  "OR ((r.shared = 0 OR r.withdrawn = 1) AND s.state = 'shared')) ORDER BY r.id");
    q.bind(1, agency);
    std::vector<std::pair<Id, bool>> due;
    while (q.executeStep()) due.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt() != 0);
    const FirearmRecords records(impl_);
    std::vector<RecordForHub> out;
    for (const auto& [id, wanted] : due) out.push_back({records.ownedRecord(agency, id), !wanted});
    return out;
}

void FirearmHubSync::markSent(Id recordId, const std::string& updatedAt, bool withdrawn) {
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "INSERT INTO firearm_record_sent(record_id, sent_updated_at, state, sent_at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT(record_id) DO UPDATE SET sent_updated_at = excluded.sent_updated_at, state = excluded.state, "
                                  "sent_at = excluded.sent_at");
    q.bind(1, recordId);
    q.bind(2, updatedAt);
    q.bind(3, withdrawn ? "withdrawn" : "shared");
    q.bind(4, nowUtc());
    q.exec();
    t.commit();
}

std::vector<PhotoForHub> FirearmHubSync::photosForHub(const std::string& agency) const {
    SQLite::Statement q(impl_.db, "SELECT p.id, r.uid, p.name, p.sha256, p.media_type, p.size, p.added_at, p.record_id FROM firearm_record_photo p "
                                  "JOIN firearm_record r ON r.id = p.record_id JOIN firearm_record_sent s ON s.record_id = r.id AND s.state = 'shared' "
                                  "WHERE r.owner_agency = ? AND r.shared = 1 AND r.withdrawn = 0 "
                                  "AND NOT EXISTS (SELECT 1 FROM firearm_photo_sent x WHERE x.photo_id = p.id) ORDER BY p.id");
    q.bind(1, agency);
    std::vector<PhotoForHub> out;
    while (q.executeStep()) {
        PhotoForHub p;
        p.photo.id = q.getColumn(0).getInt64();
        p.recordUid = q.getColumn(1).getString();
        p.photo.name = q.getColumn(2).getString();
        p.photo.sha256 = q.getColumn(3).getString();
        p.photo.mediaType = q.getColumn(4).getString();
        p.photo.size = q.getColumn(5).getInt64();
        p.photo.addedAt = q.getColumn(6).getString();
        p.photo.recordId = q.getColumn(7).getInt64();
        p.path = checkedAttachedFile(impl_, p.photo.sha256, "photograph " + std::to_string(p.photo.id) + " (" + p.photo.name + ")");
        out.push_back(std::move(p));
    }
    return out;
}

void FirearmHubSync::markPhotoSent(Id photoId, std::int64_t hubId) {
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "INSERT OR IGNORE INTO firearm_photo_sent(photo_id, hub_id, sent_at) VALUES (?, ?, ?)");
    q.bind(1, photoId);
    q.bind(2, hubId);
    q.bind(3, nowUtc());
    q.exec();
    t.commit();
}

int FirearmHubSync::storeNotices(const std::vector<HubNoticeEntry>& notices) {
    WriteTransaction t(impl_);
    int added = 0;
    const std::string now = nowUtc();
    for (const auto& n : notices) {
        SQLite::Statement q(impl_.db, "INSERT OR IGNORE INTO hub_notice(seq, kind, agency, subject_id, record_uid, summary, at, received_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, n.seq);
        q.bind(2, n.kind);
        q.bind(3, n.agency);
        q.bind(4, n.subjectId);
        q.bind(5, n.recordUid);
        q.bind(6, n.summary);
        q.bind(7, n.at);
        q.bind(8, now);
        added += q.exec();
    }
    t.commit();
    return added;
}

std::vector<HubNoticeEntry> FirearmHubSync::notices(bool unreadOnly) const {
    SQLite::Statement q(impl_.db, std::string("SELECT seq, kind, agency, subject_id, record_uid, summary, at, received_at, read_at FROM hub_notice") +
                                      (unreadOnly ? " WHERE read_at = ''" : "") + " ORDER BY seq DESC");
    std::vector<HubNoticeEntry> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getInt64(), q.getColumn(7).getString(),
                       q.getColumn(8).getString()});
    return out;
}

void FirearmHubSync::markNoticeRead(const User& viewer, std::int64_t seq) {
    if (!viewer.active) fail(RecordsError::Kind::PermissionDenied, "user " + viewer.username + " is deactivated");
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "UPDATE hub_notice SET read_at = ? WHERE seq = ? AND read_at = ''");
    q.bind(1, nowUtc());
    q.bind(2, seq);
    if (q.exec() == 0) {
        SQLite::Statement exists(impl_.db, "SELECT 1 FROM hub_notice WHERE seq = ?");
        exists.bind(1, seq);
        if (!exists.executeStep()) fail(RecordsError::Kind::NotFound, "no hub notice " + std::to_string(seq));
    }
    impl_.audit(viewer.id, "read_hub_notice", "hub_notice", seq, "{}");
    t.commit();
}

void FirearmHubSync::noteHubAction(const User& actor, const std::string& action, const std::string& entity, std::int64_t hubId,
                                   const std::string& details) {
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    WriteTransaction t(impl_);
    impl_.audit(actor.id, action, entity, hubId, details);
    t.commit();
}

void FirearmHubSync::storeAlerts(const std::vector<FirearmAlert>& alerts) {
    WriteTransaction t(impl_);
    for (const auto& a : alerts) {
        SQLite::Statement q(impl_.db, "INSERT INTO hub_alert(hub_id, agency, kind, title, description, serial, make, model, caliber, circulated_by, "
                                      "circulated_at, withdrawn_at, withdrawal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                      "ON CONFLICT(hub_id) DO UPDATE SET withdrawn_at = excluded.withdrawn_at, "
                                      "withdrawal_reason = excluded.withdrawal_reason");
        int at = 1;
        q.bind(at++, a.id);
        for (const auto* v : {&a.agency, &a.kind, &a.title, &a.description, &a.serial, &a.make, &a.model, &a.caliber, &a.circulatedBy,
                              &a.circulatedAt, &a.withdrawnAt, &a.withdrawalReason})
            q.bind(at++, *v);
        q.exec();
    }
    t.commit();
}

std::vector<FirearmAlert> FirearmHubSync::networkAlerts(bool activeOnly) const {
    SQLite::Statement q(impl_.db, std::string("SELECT hub_id, agency, kind, title, description, serial, make, model, caliber, circulated_by, "
                                              "circulated_at, withdrawn_at, withdrawal_reason FROM hub_alert") +
                                      (activeOnly ? " WHERE withdrawn_at = ''" : "") + " ORDER BY hub_id DESC");
    std::vector<FirearmAlert> out;
    while (q.executeStep()) {
        FirearmAlert a;
        a.id = q.getColumn(0).getInt64();
        int c = 1;
        for (auto* v : {&a.agency, &a.kind, &a.title, &a.description, &a.serial, &a.make, &a.model, &a.caliber, &a.circulatedBy,
                        &a.circulatedAt, &a.withdrawnAt, &a.withdrawalReason})
            *v = q.getColumn(c++).getString();
        a.withdrawn = !a.withdrawnAt.empty();
        out.push_back(std::move(a));
    }
    return out;
}

FirearmHubSync Store::firearmHubSync() { return FirearmHubSync(*impl_); }

}  // namespace striae::records
