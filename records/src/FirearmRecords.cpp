// Firearm records: lost, stolen, trafficked, smuggled; found, seized, recovered, cleared.
#include "striae/records/FirearmRecords.h"

#include <algorithm>
#include <random>

#include "AttachedFiles.h"
#include "StoreImpl.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/SerialNumber.h"

namespace striae::records {

const std::vector<std::string> kFirearmRecordStatuses{"lost", "stolen", "trafficked", "smuggled", "found", "seized", "recovered", "cleared"};
const std::vector<std::string> kFirearmTypes{"pistol", "revolver", "rifle", "shotgun", "submachine_gun", "machine_gun", "other"};

namespace {

const char* kColumns =
    "r.id, r.uid, r.owner_agency, r.status, r.serial, r.serial_normalized, r.serial_obliterated, r.serial_partial, r.make, r.model, "
    "r.caliber, r.caliber_listed, r.type, r.country_of_manufacture, r.country_of_import, r.importer, r.other_markings, r.event_date, "
    "r.reported_at, r.agency_case_number, r.remarks, r.shared, r.withdrawn, coalesce(u.username, ''), r.created_at, r.updated_at";

FirearmRecord fromRow(SQLite::Statement& q) {
    FirearmRecord r;
    int c = 0;
    r.id = q.getColumn(c++).getInt64();
    r.uid = q.getColumn(c++).getString();
    r.ownerAgency = q.getColumn(c++).getString();
    auto& f = r.fields;
    f.status = q.getColumn(c++).getString();
    f.serial = q.getColumn(c++).getString();
    r.serialNormalized = q.getColumn(c++).getString();
    f.serialObliterated = q.getColumn(c++).getInt() != 0;
    f.serialPartial = q.getColumn(c++).getInt() != 0;
    f.make = q.getColumn(c++).getString();
    f.model = q.getColumn(c++).getString();
    f.caliber = q.getColumn(c++).getString();
    r.caliberListed = q.getColumn(c++).getInt() != 0;
    f.type = q.getColumn(c++).getString();
    f.countryOfManufacture = q.getColumn(c++).getString();
    f.countryOfImport = q.getColumn(c++).getString();
    f.importer = q.getColumn(c++).getString();
    f.otherMarkings = q.getColumn(c++).getString();
    f.eventDate = q.getColumn(c++).getString();
    f.reportedAt = q.getColumn(c++).getString();
    f.agencyCaseNumber = q.getColumn(c++).getString();
    f.remarks = q.getColumn(c++).getString();
    r.shared = q.getColumn(c++).getInt() != 0;
    r.withdrawn = q.getColumn(c++).getInt() != 0;
    r.createdBy = q.getColumn(c++).getString();
    r.createdAt = q.getColumn(c++).getString();
    r.updatedAt = q.getColumn(c++).getString();
    return r;
}

std::string randomHex(int bytes) {
    std::random_device device;
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        const unsigned v = device() & 0xffu;
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

std::string fieldsJson(const FirearmRecordFields& f) {
    return jsonObject({{"status", f.status},
                       {"serial", f.serial},
                       {"serial_obliterated", f.serialObliterated ? "1" : "0"},
                       {"serial_partial", f.serialPartial ? "1" : "0"},
                       {"make", f.make},
                       {"model", f.model},
                       {"caliber", f.caliber},
                       {"type", f.type},
                       {"country_of_manufacture", f.countryOfManufacture},
                       {"country_of_import", f.countryOfImport},
                       {"importer", f.importer},
                       {"other_markings", f.otherMarkings},
                       {"event_date", f.eventDate},
                       {"reported_at", f.reportedAt},
                       {"agency_case_number", f.agencyCaseNumber},
                       {"remarks", f.remarks}});
}

void bindFields(SQLite::Statement& q, int& at, const FirearmRecordFields& f, const std::string& normalized, bool caliberListed) {
    q.bind(at++, f.status);
    q.bind(at++, f.serial);
    q.bind(at++, normalized);
    q.bind(at++, std::string(normalized.rbegin(), normalized.rend()));
    q.bind(at++, f.serialObliterated ? 1 : 0);
    q.bind(at++, f.serialPartial ? 1 : 0);
    q.bind(at++, f.make);
    q.bind(at++, f.model);
    q.bind(at++, f.caliber);
    q.bind(at++, caliberListed ? 1 : 0);
    q.bind(at++, f.type);
    q.bind(at++, f.countryOfManufacture);
    q.bind(at++, f.countryOfImport);
    q.bind(at++, f.importer);
    q.bind(at++, f.otherMarkings);
    q.bind(at++, f.eventDate);
    q.bind(at++, f.reportedAt);
    q.bind(at++, f.agencyCaseNumber);
    q.bind(at++, f.remarks);
}

const char* kFieldColumns =
    "status, serial, serial_normalized, serial_reversed, serial_obliterated, serial_partial, make, model, caliber, caliber_listed, type, "
    "country_of_manufacture, country_of_import, importer, other_markings, event_date, reported_at, agency_case_number, remarks";

}  // namespace

FirearmRecordFields FirearmRecords::checked(const FirearmRecordFields& input, bool allowUnlistedCaliber, bool& caliberListed) const {
    return checkedRecordFields(input, Calibers(impl_).all(), allowUnlistedCaliber, caliberListed);
}

FirearmRecord FirearmRecords::create(const User& actor, const FirearmRecordFields& input, bool allowUnlistedCaliber) {
    requireRole(actor, Role::RecordsOfficer, "record firearms");
    bool caliberListed = true;
    const FirearmRecordFields f = checked(input, allowUnlistedCaliber, caliberListed);
    const std::string normalized = f.serial.empty() ? std::string() : normalizeSerial(f.serial);
    WriteTransaction t(impl_);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    const std::string now = nowUtc();
    SQLite::Statement q(impl_.db, std::string("INSERT INTO firearm_record(uid, owner_agency, ") + kFieldColumns +
                                      ", created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int at = 1;
    q.bind(at++, agency + "-" + randomHex(8));
    q.bind(at++, agency);
    bindFields(q, at, f, normalized, caliberListed);
    q.bind(at++, actor.id);
    q.bind(at++, now);
    q.bind(at++, now);
    q.exec();
    const Id id = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "record_firearm", "firearm_record", id, fieldsJson(f), {{"firearm_record", id}});
    t.commit();
    return get(actor, id);
}

FirearmRecord FirearmRecords::ownedForChange(const User& actor, Id id, const std::string& action) const {
    requireRole(actor, Role::RecordsOfficer, action);
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns + " FROM firearm_record r LEFT JOIN user u ON u.id = r.created_by WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no firearm record " + std::to_string(id));
    FirearmRecord r = fromRow(q);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    if (r.ownerAgency != agency && !r.shared) fail(RecordsError::Kind::NotFound, "no firearm record " + std::to_string(id));
    if (r.ownerAgency != agency)
        fail(RecordsError::Kind::PermissionDenied,
             "firearm record " + std::to_string(id) + " belongs to " + r.ownerAgency + ": only that agency may " + action);
    if (r.withdrawn) fail(RecordsError::Kind::WorkflowViolation, "firearm record " + std::to_string(id) + " was withdrawn");
    return r;
}

FirearmRecord FirearmRecords::update(const User& actor, Id id, const FirearmRecordFields& input, bool allowUnlistedCaliber) {
    bool caliberListed = true;
    const FirearmRecordFields f = checked(input, allowUnlistedCaliber, caliberListed);
    const std::string normalized = f.serial.empty() ? std::string() : normalizeSerial(f.serial);
    WriteTransaction t(impl_);
    ownedForChange(actor, id, "change it");
    SQLite::Statement q(impl_.db, "UPDATE firearm_record SET status = ?, serial = ?, serial_normalized = ?, serial_reversed = ?, serial_obliterated = ?, "
                                  "serial_partial = ?, make = ?, model = ?, caliber = ?, caliber_listed = ?, type = ?, "
                                  "country_of_manufacture = ?, country_of_import = ?, importer = ?, other_markings = ?, event_date = ?, "
                                  "reported_at = ?, agency_case_number = ?, remarks = ?, updated_at = ? WHERE id = ?");
    int at = 1;
    bindFields(q, at, f, normalized, caliberListed);
    q.bind(at++, nowUtc());
    q.bind(at++, id);
    q.exec();
    impl_.audit(actor.id, "update_firearm_record", "firearm_record", id, fieldsJson(f), {{"firearm_record", id}});
    t.commit();
    return get(actor, id);
}

FirearmRecord FirearmRecords::setShared(const User& actor, Id id, bool shared) {
    WriteTransaction t(impl_);
    ownedForChange(actor, id, shared ? "share it" : "stop sharing it");
    SQLite::Statement q(impl_.db, "UPDATE firearm_record SET shared = ?, updated_at = ? WHERE id = ?");
    q.bind(1, shared ? 1 : 0);
    q.bind(2, nowUtc());
    q.bind(3, id);
    q.exec();
    impl_.audit(actor.id, shared ? "share_firearm_record" : "unshare_firearm_record", "firearm_record", id, "{}", {{"firearm_record", id}});
    t.commit();
    return get(actor, id);
}

FirearmRecord FirearmRecords::withdraw(const User& actor, Id id, const std::string& reason) {
    validateText("reason", reason, true);
    WriteTransaction t(impl_);
    ownedForChange(actor, id, "withdraw it");
    SQLite::Statement q(impl_.db, "UPDATE firearm_record SET withdrawn = 1, updated_at = ? WHERE id = ?");
    q.bind(1, nowUtc());
    q.bind(2, id);
    q.exec();
    impl_.audit(actor.id, "withdraw_firearm_record", "firearm_record", id, jsonObject({{"reason", reason}}), {{"firearm_record", id}});
    t.commit();
    return get(actor, id);
}

FirearmRecord FirearmRecords::get(const User& viewer, Id id) const {
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns + " FROM firearm_record r LEFT JOIN user u ON u.id = r.created_by WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no firearm record " + std::to_string(id));
    FirearmRecord r = fromRow(q);
    // Another agency's record is seen only once it is shared (it is not said to exist otherwise).
    if (r.ownerAgency != agencyCodeOf(impl_.db, viewer.agencyId) && !r.shared)
        fail(RecordsError::Kind::NotFound, "no firearm record " + std::to_string(id));
    return r;
}

std::vector<FirearmRecord> FirearmRecords::search(const User& viewer, const FirearmSearch& s) const {
    std::string where = " WHERE (r.owner_agency = ? OR r.shared = 1)";
    std::vector<std::string> values{agencyCodeOf(impl_.db, viewer.agencyId)};
    if (!s.includeWithdrawn) where += " AND r.withdrawn = 0";
    if (!s.serial.empty()) {
        const SerialQuery query = parseSerialQuery(s.serial, s.serialPrefix);
        if (query.mode == SerialQuery::Mode::Exact) {
            where += " AND r.serial_normalized = ?";
            values.push_back(query.normalized);
        } else {
            std::string any;
            for (const auto& glob : query.globs) {
                // A pattern whose start is unknown but whose end is not is matched on the reversed serial: its index
                // then serves the known end ("*2345" is "5432*"), instead of a scan of every record.
                const bool unknownStart = glob.front() == '*' || glob.front() == '?';
                const bool knownEnd = glob.back() != '*' && glob.back() != '?';
                any += std::string(any.empty() ? "" : " OR ") + (unknownStart && knownEnd ? "r.serial_reversed GLOB ?" : "r.serial_normalized GLOB ?");
                values.push_back(unknownStart && knownEnd ? std::string(glob.rbegin(), glob.rend()) : glob);
            }
            where += " AND (" + any + ")";
        }
    }
    if (!s.make.empty()) {
        where += " AND r.make = ? COLLATE NOCASE";
        values.push_back(s.make);
    }
    if (!s.model.empty()) {
        where += " AND r.model = ? COLLATE NOCASE";
        values.push_back(s.model);
    }
    if (!s.caliber.empty()) {
        const auto listed = Calibers(impl_).resolve(s.caliber);
        where += " AND r.caliber = ?";
        values.push_back(listed ? *listed : s.caliber);
    }
    if (!s.status.empty()) {
        if (!oneOf(s.status, kFirearmRecordStatuses))
            fail(RecordsError::Kind::InvalidInput, "status '" + s.status.substr(0, 40) + "': expected one of " + listOf(kFirearmRecordStatuses));
        where += " AND r.status = ?";
        values.push_back(s.status);
    }
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns + " FROM firearm_record r LEFT JOIN user u ON u.id = r.created_by" + where +
                                      " ORDER BY r.serial_normalized, r.id LIMIT ?");
    int at = 1;
    for (const auto& v : values) q.bind(at++, v);
    q.bind(at, std::clamp(s.limit, 1, 10000));
    std::vector<FirearmRecord> out;
    while (q.executeStep()) out.push_back(fromRow(q));
    return out;
}

FirearmRecord FirearmRecords::ownedRecord(const std::string& agency, Id id) const {
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns +
                                      " FROM firearm_record r LEFT JOIN user u ON u.id = r.created_by WHERE r.owner_agency = ? AND r.id = ?");
    q.bind(1, agency);
    q.bind(2, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no firearm record " + std::to_string(id) + " of " + agency);
    return fromRow(q);
}

std::vector<FirearmRecord> FirearmRecords::ownedBy(const std::string& agency) const {
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns +
                                      " FROM firearm_record r LEFT JOIN user u ON u.id = r.created_by WHERE r.owner_agency = ? ORDER BY r.id");
    q.bind(1, agency);
    std::vector<FirearmRecord> out;
    while (q.executeStep()) out.push_back(fromRow(q));
    return out;
}

SeizureCheck FirearmRecords::checkSeizure(const User& actor, const FirearmRecordFields& input) {
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    const SeizureQuery query = seizureQuery(input, Calibers(impl_).all());
    const FirearmRecordFields& found = query.found;
    const std::string& how = query.how;
    const auto candidates = search(actor, query.search);

    WriteTransaction t(impl_);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    const std::string now = nowUtc();
    SQLite::Statement insert(impl_.db, "INSERT INTO seizure_check(agency, checked_by, checked_at, status, serial, serial_partial, make, model, "
                                       "caliber, agency_case_number, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, agency);
    insert.bind(2, actor.id);
    insert.bind(3, now);
    insert.bind(4, found.status);
    insert.bind(5, found.serial);
    insert.bind(6, query.partial ? 1 : 0);
    insert.bind(7, found.make);
    insert.bind(8, found.model);
    insert.bind(9, found.caliber);
    insert.bind(10, found.agencyCaseNumber);
    insert.bind(11, found.remarks);
    insert.exec();
    const Id checkId = impl_.db.getLastInsertRowid();
    std::string matchedIds;
    for (const auto& record : candidates) {
        SQLite::Statement m(impl_.db, "INSERT INTO seizure_match(check_id, record_id, how) VALUES (?, ?, ?)");
        m.bind(1, checkId);
        m.bind(2, record.id);
        m.bind(3, how);
        m.exec();
        SQLite::Statement n(impl_.db, "INSERT INTO firearm_notification(agency, kind, record_id, check_id, created_at) VALUES (?, 'seizure_match', ?, ?, ?)");
        n.bind(1, record.ownerAgency);
        n.bind(2, record.id);
        n.bind(3, checkId);
        n.bind(4, now);
        n.exec();
        if (!matchedIds.empty()) matchedIds += ',';  // appended: GCC 12 -O3 warns falsely (-Wrestrict) on "literal" + std::string
        matchedIds += std::to_string(record.id);
    }
    impl_.audit(actor.id, "check_seizure", "seizure_check", checkId,
                jsonObject({{"serial", found.serial}, {"make", found.make}, {"caliber", found.caliber}, {"matched_records", matchedIds}}),
                {{"seizure_check", checkId}});
    t.commit();
    return seizureCheck(actor, checkId);
}

SeizureCheck FirearmRecords::seizureCheck(const User& viewer, Id checkId) const {
    SQLite::Statement q(impl_.db, "SELECT c.id, c.agency, coalesce(u.username, ''), c.checked_at, c.status, c.serial, c.make, c.model, c.caliber, "
                                  "c.agency_case_number, c.remarks, c.serial_partial FROM seizure_check c LEFT JOIN user u ON u.id = c.checked_by "
                                  "WHERE c.id = ?");
    q.bind(1, checkId);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no seizure check " + std::to_string(checkId));
    SeizureCheck c{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                   q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString(), q.getColumn(7).getString(),
                   q.getColumn(8).getString(), q.getColumn(9).getString(), q.getColumn(10).getString(), q.getColumn(11).getInt() != 0, {}};
    const std::string agency = agencyCodeOf(impl_.db, viewer.agencyId);
    SQLite::Statement m(impl_.db, "SELECT m.record_id, m.how FROM seizure_match m WHERE m.check_id = ? ORDER BY m.record_id");
    m.bind(1, checkId);
    bool concernsViewer = c.agency == agency;
    while (m.executeStep()) {
        SeizureMatch match;
        try {
            match.record = get(viewer, m.getColumn(0).getInt64());
        } catch (const RecordsError&) {
            continue;  // a record no longer shared with the viewer
        }
        match.how = m.getColumn(1).getString();
        match.wanted = isWantedStatus(match.record.fields.status);
        match.makeAgrees = makesAgree(c.make, match.record.fields.make);
        concernsViewer = concernsViewer || match.record.ownerAgency == agency;
        c.matches.push_back(std::move(match));
    }
    // Another agency's check is the viewer's business only where it matched the viewer's own records.
    if (!concernsViewer) fail(RecordsError::Kind::NotFound, "no seizure check " + std::to_string(checkId));
    if (c.agency != agency)
        c.matches.erase(std::remove_if(c.matches.begin(), c.matches.end(), [&](const SeizureMatch& x) { return x.record.ownerAgency != agency; }),
                        c.matches.end());
    return c;
}

std::vector<SeizureCheck> FirearmRecords::checksMatching(const User& viewer, Id recordId) const {
    get(viewer, recordId);  // NotFound when the viewer may not see it
    SQLite::Statement q(impl_.db, "SELECT check_id FROM seizure_match WHERE record_id = ? ORDER BY check_id DESC");
    q.bind(1, recordId);
    std::vector<SeizureCheck> out;
    while (q.executeStep()) {
        try {
            out.push_back(seizureCheck(viewer, q.getColumn(0).getInt64()));
        } catch (const RecordsError&) {
        }
    }
    return out;
}

std::vector<FirearmNotification> FirearmRecords::notifications(const User& viewer, bool unreadOnly) const {
    SQLite::Statement q(impl_.db, std::string("SELECT n.id, n.kind, n.record_id, n.check_id, c.agency, coalesce(u.username, ''), n.created_at, "
                                              "n.read_at <> '' FROM firearm_notification n JOIN seizure_check c ON c.id = n.check_id "
                                              "LEFT JOIN user u ON u.id = c.checked_by WHERE n.agency = ?") +
                                      (unreadOnly ? " AND n.read_at = ''" : "") + " ORDER BY n.id DESC");
    q.bind(1, agencyCodeOf(impl_.db, viewer.agencyId));
    std::vector<FirearmNotification> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString(), q.getColumn(7).getInt() != 0});
    return out;
}

void FirearmRecords::markNotificationRead(const User& viewer, Id notificationId) {
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "UPDATE firearm_notification SET read_at = ? WHERE id = ? AND agency = ? AND read_at = ''");
    q.bind(1, nowUtc());
    q.bind(2, notificationId);
    q.bind(3, agencyCodeOf(impl_.db, viewer.agencyId));
    if (q.exec() == 0) {
        SQLite::Statement exists(impl_.db, "SELECT 1 FROM firearm_notification WHERE id = ? AND agency = ?");
        exists.bind(1, notificationId);
        exists.bind(2, agencyCodeOf(impl_.db, viewer.agencyId));
        if (!exists.executeStep()) fail(RecordsError::Kind::NotFound, "no notification " + std::to_string(notificationId));
    }
    t.commit();
}

FirearmRecordLink FirearmRecords::linkFirearm(const User& actor, Id recordId, Id firearmId) {
    if (!actor.has(Role::RecordsOfficer) && !actor.has(Role::Examiner)) requireRole(actor, Role::Technician, "link firearms to records");
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    WriteTransaction t(impl_);
    const auto record = get(actor, recordId);  // NotFound unless the actor's agency sees it
    if (record.withdrawn) fail(RecordsError::Kind::WorkflowViolation, "firearm record " + std::to_string(recordId) + " was withdrawn");
    SQLite::Statement f(impl_.db, "SELECT 1 FROM firearm WHERE id = ?");
    f.bind(1, firearmId);
    if (!f.executeStep()) fail(RecordsError::Kind::NotFound, "no firearm " + std::to_string(firearmId) + " in this store");
    SQLite::Statement dup(impl_.db, "SELECT 1 FROM firearm_record_link WHERE record_id = ? AND firearm_id = ?");
    dup.bind(1, recordId);
    dup.bind(2, firearmId);
    if (dup.executeStep())
        fail(RecordsError::Kind::Conflict, "firearm " + std::to_string(firearmId) + " is linked to record " + std::to_string(recordId) + " already");
    SQLite::Statement q(impl_.db, "INSERT INTO firearm_record_link(record_id, firearm_id, linked_by, linked_at) VALUES (?, ?, ?, ?)");
    q.bind(1, recordId);
    q.bind(2, firearmId);
    q.bind(3, actor.id);
    q.bind(4, nowUtc());
    q.exec();
    const Id linkId = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "link_firearm_record", "firearm_record", recordId, jsonObject({{"firearm", std::to_string(firearmId)}}),
                {{"firearm_record_link", linkId}});
    t.commit();
    for (auto& link : firearmLinks(actor, recordId))
        if (link.id == linkId) return link;
    fail(RecordsError::Kind::Storage, "the link was not stored");
}

std::vector<FirearmRecordLink> FirearmRecords::firearmLinks(const User& viewer, Id recordId) const {
    get(viewer, recordId);
    SQLite::Statement q(impl_.db, "SELECT l.id, l.firearm_id, f.make, f.model, f.caliber, f.serial, f.country, coalesce(u.username, ''), l.linked_at "
                                  "FROM firearm_record_link l JOIN firearm f ON f.id = l.firearm_id LEFT JOIN user u ON u.id = l.linked_by "
                                  "WHERE l.record_id = ? ORDER BY l.id");
    q.bind(1, recordId);
    std::vector<FirearmRecordLink> out;
    while (q.executeStep()) {
        FirearmRecordLink link;
        link.id = q.getColumn(0).getInt64();
        link.recordId = recordId;
        link.firearm = {q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getString(), q.getColumn(4).getString(),
                        q.getColumn(5).getString(), q.getColumn(6).getString()};
        link.linkedBy = q.getColumn(7).getString();
        link.linkedAt = q.getColumn(8).getString();
        SQLite::Statement items(impl_.db, "SELECT c.number, i.label FROM item i JOIN case_file c ON c.id = i.case_id WHERE i.firearm_id = ? ORDER BY i.id");
        items.bind(1, link.firearm.id);
        while (items.executeStep()) link.testFires.emplace_back(items.getColumn(0).getString(), items.getColumn(1).getString());
        out.push_back(std::move(link));
    }
    return out;
}

namespace {
const char* kPhotoColumns =
    "SELECT p.id, p.record_id, p.name, p.sha256, p.media_type, p.size, coalesce(u.username, ''), p.added_at FROM firearm_record_photo p "
    "LEFT JOIN user u ON u.id = p.added_by ";
FirearmPhotograph photoFrom(SQLite::Statement& q) {
    return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getString(),
            q.getColumn(4).getString(), q.getColumn(5).getInt64(), q.getColumn(6).getString(), q.getColumn(7).getString()};
}
}  // namespace

FirearmPhotograph FirearmRecords::addPhotograph(const User& actor, Id recordId, const std::string& imagePath, const std::string& name) {
    requireRole(actor, Role::RecordsOfficer, "add photographs");
    const AttachedFile file = readAttachedFile(imagePath, name, kMaxPhotographBytes, "photograph");
    const std::string type = imageMediaType(file.bytes);
    if (type.empty()) fail(RecordsError::Kind::InvalidInput, imagePath + ": not a PNG, JPEG or TIFF image");
    WriteTransaction t(impl_);
    ownedForChange(actor, recordId, "add photographs to it");
    const bool added = storeAttachedFile(impl_, file);
    try {
        SQLite::Statement q(impl_.db, "INSERT INTO firearm_record_photo(record_id, name, sha256, media_type, size, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, recordId);
        q.bind(2, file.name);
        q.bind(3, file.sha256);
        q.bind(4, type);
        q.bind(5, file.size);
        q.bind(6, actor.id);
        q.bind(7, nowUtc());
        q.exec();
        const Id photoId = impl_.db.getLastInsertRowid();
        impl_.audit(actor.id, "add_firearm_photograph", "firearm_record", recordId,
                    jsonObject({{"name", file.name}, {"sha256", file.sha256}, {"type", type}}), {{"firearm_record_photo", photoId}});
        t.commit();
        SQLite::Statement back(impl_.db, std::string(kPhotoColumns) + "WHERE p.id = ?");
        back.bind(1, photoId);
        back.executeStep();
        return photoFrom(back);
    } catch (...) {
        if (added) removeAttachedFile(impl_, file.sha256);
        throw;
    }
}

std::vector<FirearmPhotograph> FirearmRecords::photographs(const User& viewer, Id recordId) const {
    get(viewer, recordId);
    SQLite::Statement q(impl_.db, std::string(kPhotoColumns) + "WHERE p.record_id = ? ORDER BY p.id");
    q.bind(1, recordId);
    std::vector<FirearmPhotograph> out;
    while (q.executeStep()) out.push_back(photoFrom(q));
    return out;
}

std::string FirearmRecords::photographPath(const User& viewer, Id photographId) const {
    SQLite::Statement q(impl_.db, std::string(kPhotoColumns) + "WHERE p.id = ?");
    q.bind(1, photographId);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no photograph " + std::to_string(photographId));
    const FirearmPhotograph p = photoFrom(q);
    get(viewer, p.recordId);
    return checkedAttachedFile(impl_, p.sha256, "photograph " + std::to_string(photographId) + " (" + p.name + ")");
}

FirearmRecords Store::firearmRecords() { return FirearmRecords(*impl_); }
Calibers Store::calibers() const { return Calibers(*impl_); }

}  // namespace striae::records
