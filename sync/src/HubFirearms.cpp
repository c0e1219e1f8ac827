// Firearm records, seizure checks, trace requests and alerts between agencies at the hub.
#include "striae/sync/HubFirearms.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "striae/records/Clock.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/SerialNumber.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"
#include "TextFields.h"

namespace striae::sync {

using records::FirearmAlert;
using records::FirearmRecord;
using records::FirearmRecordFields;
using records::RecordsError;
using records::SeizureCheck;
using records::TraceRequest;

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS firearm_record(uid TEXT PRIMARY KEY, agency TEXT NOT NULL, status TEXT NOT NULL, serial TEXT NOT NULL,
  serial_normalized TEXT NOT NULL, serial_reversed TEXT NOT NULL, serial_obliterated BIGINT NOT NULL, serial_partial BIGINT NOT NULL, make TEXT NOT NULL,
  model TEXT NOT NULL, caliber TEXT NOT NULL, caliber_listed BIGINT NOT NULL, type TEXT NOT NULL, country_of_manufacture TEXT NOT NULL,
  country_of_import TEXT NOT NULL, importer TEXT NOT NULL, other_markings TEXT NOT NULL, event_date TEXT NOT NULL,
  reported_at TEXT NOT NULL, agency_case_number TEXT NOT NULL, remarks TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, withdrawn BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS firearm_record_agency ON firearm_record(agency);
CREATE TABLE IF NOT EXISTS seizure_check(id BIGINT PRIMARY KEY, agency TEXT NOT NULL, checked_by TEXT NOT NULL, checked_at TEXT NOT NULL,
  status TEXT NOT NULL, serial TEXT NOT NULL, serial_partial BIGINT NOT NULL, make TEXT NOT NULL, model TEXT NOT NULL,
  caliber TEXT NOT NULL, agency_case_number TEXT NOT NULL, remarks TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seizure_match(check_id BIGINT NOT NULL, record_uid TEXT NOT NULL, how TEXT NOT NULL,
  PRIMARY KEY(check_id, record_uid));
CREATE INDEX IF NOT EXISTS seizure_match_record ON seizure_match(record_uid);
CREATE TABLE IF NOT EXISTS firearm_alert(id BIGINT PRIMARY KEY, agency TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
  description TEXT NOT NULL, serial TEXT NOT NULL, make TEXT NOT NULL, model TEXT NOT NULL, caliber TEXT NOT NULL,
  circulated_by TEXT NOT NULL, circulated_at TEXT NOT NULL, withdrawn_at TEXT NOT NULL, withdrawal_reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trace_request(id BIGINT PRIMARY KEY, from_agency TEXT NOT NULL, to_agency TEXT NOT NULL, serial TEXT NOT NULL,
  make TEXT NOT NULL, model TEXT NOT NULL, caliber TEXT NOT NULL, type TEXT NOT NULL, country_of_manufacture TEXT NOT NULL,
  record_uid TEXT NOT NULL, reason TEXT NOT NULL, priority TEXT NOT NULL, justification TEXT NOT NULL, due_date TEXT NOT NULL,
  status TEXT NOT NULL, response TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS trace_request_from ON trace_request(from_agency);
CREATE INDEX IF NOT EXISTS trace_request_to ON trace_request(to_agency);
CREATE TABLE IF NOT EXISTS trace_event(id BIGINT PRIMARY KEY, trace_id BIGINT NOT NULL, at TEXT NOT NULL, by_user TEXT NOT NULL,
  agency TEXT NOT NULL, kind TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS trace_event_trace ON trace_event(trace_id);
CREATE TABLE IF NOT EXISTS trace_attachment(id BIGINT PRIMARY KEY, trace_id BIGINT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
  size BIGINT NOT NULL, agency TEXT NOT NULL, by_user TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS trace_attachment_trace ON trace_attachment(trace_id);
INSERT INTO counter(name, value) SELECT 'trace_attachment', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'trace_attachment');
CREATE TABLE IF NOT EXISTS firearm_photo(id BIGINT PRIMARY KEY, record_uid TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
  media_type TEXT NOT NULL, size BIGINT NOT NULL, by_user TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS firearm_photo_record ON firearm_photo(record_uid);
INSERT INTO counter(name, value) SELECT 'firearm_photo', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'firearm_photo');
CREATE TABLE IF NOT EXISTS reference_table(version BIGINT PRIMARY KEY, body TEXT NOT NULL, reference_count BIGINT NOT NULL,
  imported_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS notice(seq BIGINT PRIMARY KEY, recipient TEXT NOT NULL, kind TEXT NOT NULL, agency TEXT NOT NULL,
  subject_id BIGINT NOT NULL, record_uid TEXT NOT NULL, summary TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS notice_recipient ON notice(recipient, seq);
INSERT INTO counter(name, value) SELECT 'seizure_check', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'seizure_check');
INSERT INTO counter(name, value) SELECT 'firearm_alert', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'firearm_alert');
INSERT INTO counter(name, value) SELECT 'trace_request', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'trace_request');
INSERT INTO counter(name, value) SELECT 'trace_event', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'trace_event');
INSERT INTO counter(name, value) SELECT 'notice', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'notice')
)SQL";

// Serial searches through an index on both databases: SQLite's GLOB and
// PostgreSQL's LIKE on text_pattern_ops use one for a known start; a pattern
// whose start is obliterated but whose end is known is matched on the
// reversed serial ("*2345" is "5432*").
const char* kSqliteSerialIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS firearm_record_serial ON firearm_record(serial_normalized);
CREATE INDEX IF NOT EXISTS firearm_record_serial_reversed ON firearm_record(serial_reversed)
)SQL";
const char* kPostgresSerialIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS firearm_record_serial ON firearm_record(serial_normalized text_pattern_ops);
CREATE INDEX IF NOT EXISTS firearm_record_serial_reversed ON firearm_record(serial_reversed text_pattern_ops)
)SQL";

const char* kRecordColumns =
    "uid, agency, status, serial, serial_normalized, serial_obliterated, serial_partial, make, model, caliber, caliber_listed, type, "
    "country_of_manufacture, country_of_import, importer, other_markings, event_date, reported_at, agency_case_number, remarks, "
    "created_by, created_at, updated_at, withdrawn";

// The columns written: the read ones with the reversed serial after the normalised one.
const char* kWriteColumns =
    "uid, agency, status, serial, serial_normalized, serial_reversed, serial_obliterated, serial_partial, make, model, caliber, caliber_listed, "
    "type, country_of_manufacture, country_of_import, importer, other_markings, event_date, reported_at, agency_case_number, remarks, "
    "created_by, created_at, updated_at, withdrawn";

const char* kTraceColumns =
    "id, from_agency, to_agency, serial, make, model, caliber, type, country_of_manufacture, record_uid, reason, priority, justification, "
    "due_date, status, response, created_by, created_at, updated_at";

// The library's refusals as the API's statuses (the message is the library's).
template <typename F>
auto hubErrors(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const RecordsError& e) {
        switch (e.kind()) {
        case RecordsError::Kind::InvalidInput: throw HubError(400, e.what());
        case RecordsError::Kind::NotFound: throw HubError(404, e.what());
        case RecordsError::Kind::PermissionDenied: throw HubError(403, e.what());
        case RecordsError::Kind::WorkflowViolation:
        case RecordsError::Kind::Conflict: throw HubError(409, e.what());
        default: throw;
        }
    }
}

void checkBy(const std::string& by) {
    if (by.empty()) throw HubError(400, "field 'by' is missing: who at the agency did it");
    checkTextField("by", by, 200, false);
}

void checkReason(const std::string& field, const std::string& text, bool required) {
    checkTextField(field, text, 4000, true);
    if (required && text.find_first_not_of(" \n\t") == std::string::npos) throw HubError(400, "field '" + field + "' is empty");
}

FirearmRecord recordFrom(const SqlRow& r) {
    FirearmRecord x;
    std::size_t c = 0;
    x.uid = r.text(c++);
    x.ownerAgency = r.text(c++);
    auto& f = x.fields;
    f.status = r.text(c++);
    f.serial = r.text(c++);
    x.serialNormalized = r.text(c++);
    f.serialObliterated = r.integer(c++) != 0;
    f.serialPartial = r.integer(c++) != 0;
    f.make = r.text(c++);
    f.model = r.text(c++);
    f.caliber = r.text(c++);
    x.caliberListed = r.integer(c++) != 0;
    for (auto* field : {&f.type, &f.countryOfManufacture, &f.countryOfImport, &f.importer, &f.otherMarkings, &f.eventDate, &f.reportedAt,
                        &f.agencyCaseNumber, &f.remarks, &x.createdBy, &x.createdAt, &x.updatedAt})
        *field = r.text(c++);
    x.withdrawn = r.integer(c++) != 0;
    x.shared = true;  // the hub holds only what its owner shared
    return x;
}

std::vector<SqlValue> fieldValues(const FirearmRecordFields& f, const std::string& normalized, bool caliberListed) {
    return {f.status, f.serial, normalized, std::string(normalized.rbegin(), normalized.rend()), std::int64_t(f.serialObliterated), std::int64_t(f.serialPartial), f.make, f.model, f.caliber,
            std::int64_t(caliberListed), f.type, f.countryOfManufacture, f.countryOfImport, f.importer, f.otherMarkings, f.eventDate,
            f.reportedAt, f.agencyCaseNumber, f.remarks};
}

// A record's uid: the owner's code, a dash, then letters, digits or dashes (the store makes CODE-16hex).
void checkUid(const Caller& caller, const std::string& uid) {
    const std::string prefix = caller.agency + "-";
    bool ok = uid.size() > prefix.size() && uid.size() <= 100;
    for (unsigned char c : uid) ok = ok && (std::isalnum(c) || c == '-' || c == '_');
    if (!ok) throw HubError(400, "record id '" + uid.substr(0, 60) + "': expected the agency's code, a dash and up to 100 letters, digits or dashes");
    if (uid.rfind(prefix, 0) != 0)
        throw HubError(403, "record id '" + uid.substr(0, 60) + "' is not " + caller.agency + "'s: an agency shares its own records (ids " + prefix + "...)");
}

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

HubFirearms::HubFirearms(HubDatabase& db, std::string attachmentsDir) : db_(db), attachmentsDir_(std::move(attachmentsDir)) {
    db_.withSchemaLock([&] {
        db_.executeScript(kSchema);
        db_.executeScript(db_.isPostgres() ? kPostgresSerialIndexes : kSqliteSerialIndexes);
    });
}

std::int64_t HubFirearms::next(const std::string& counter) {
    return db_.query("UPDATE counter SET value = value + 1 WHERE name = ? RETURNING value", {counter}).at(0).integer(0);
}

void HubFirearms::notify(const std::string& recipient, const std::string& kind, const std::string& agency, std::int64_t subjectId,
                         const std::string& recordUid, const std::string& summary) {
    db_.execute("INSERT INTO notice(seq, recipient, kind, agency, subject_id, record_uid, summary, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {next("notice"), recipient, kind, agency, subjectId, recordUid, summary.substr(0, 300), nowMs()});
}

std::vector<FirearmRecord> HubFirearms::selectRecords(const std::string& where, const std::vector<SqlValue>& parameters) {
    std::vector<FirearmRecord> out;
    for (const auto& r : db_.query(std::string("SELECT ") + kRecordColumns + " FROM firearm_record " + where, parameters))
        out.push_back(recordFrom(r));
    return out;
}

FirearmRecord HubFirearms::share(const Caller& caller, const std::string& uid, const FirearmRecordFields& input, bool allowUnlistedCaliber,
                                 const std::string& by) {
    checkUid(caller, uid);
    checkBy(by);
    bool caliberListed = true;
    const FirearmRecordFields f =
        hubErrors([&] { return records::checkedRecordFields(input, records::starterCalibers(), allowUnlistedCaliber, caliberListed); });
    const std::string normalized = f.serial.empty() ? std::string() : hubErrors([&] { return records::normalizeSerial(f.serial); });
    HubTransaction t(db_);
    const std::string now = records::nowUtc();
    const auto before = selectRecords("WHERE uid = ?", {uid});
    std::vector<SqlValue> values = fieldValues(f, normalized, caliberListed);
    if (before.empty()) {
        std::vector<SqlValue> row{uid, caller.agency};
        row.insert(row.end(), values.begin(), values.end());
        row.insert(row.end(), {by, now, now, std::int64_t(0)});
        db_.execute(std::string("INSERT INTO firearm_record(") + kWriteColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row);
    } else {
        if (before[0].withdrawn) throw HubError(409, "record " + uid + " was withdrawn from the network");
        values.insert(values.end(), {now, uid});
        db_.execute("UPDATE firearm_record SET status = ?, serial = ?, serial_normalized = ?, serial_reversed = ?, serial_obliterated = ?, "
                    "serial_partial = ?, "
                    "make = ?, model = ?, caliber = ?, caliber_listed = ?, type = ?, country_of_manufacture = ?, country_of_import = ?, "
                    "importer = ?, other_markings = ?, event_date = ?, reported_at = ?, agency_case_number = ?, remarks = ?, "
                    "updated_at = ? WHERE uid = ?",
                    values);
    }
    t.commit();
    return selectRecords("WHERE uid = ?", {uid}).at(0);
}

FirearmRecord HubFirearms::withdraw(const Caller& caller, const std::string& uid, const std::string& reason, const std::string& by) {
    checkBy(by);
    checkReason("reason", reason, false);
    HubTransaction t(db_);
    const auto found = selectRecords("WHERE uid = ?", {uid});
    if (found.empty() || found[0].withdrawn) throw HubError(404, "no firearm record " + uid.substr(0, 100));
    if (found[0].ownerAgency != caller.agency)
        throw HubError(403, "firearm record " + uid + " belongs to " + found[0].ownerAgency + ": only that agency may withdraw it");
    db_.execute("UPDATE firearm_record SET withdrawn = 1, updated_at = ? WHERE uid = ?", {records::nowUtc(), uid});
    t.commit();
    return selectRecords("WHERE uid = ?", {uid}).at(0);
}

FirearmRecord HubFirearms::record(const Caller&, const std::string& uid) {
    const auto found = selectRecords("WHERE uid = ? AND withdrawn = 0", {uid});
    if (found.empty()) throw HubError(404, "no firearm record " + uid.substr(0, 100));
    return found[0];
}

std::vector<FirearmRecord> HubFirearms::search(const Caller&, const records::FirearmSearch& s) {
    std::string where = "WHERE withdrawn = 0";
    std::vector<SqlValue> values;
    if (!s.serial.empty()) {
        const records::SerialQuery query = hubErrors([&] { return records::parseSerialQuery(s.serial, s.serialPrefix); });
        if (query.mode == records::SerialQuery::Mode::Exact) {
            where += " AND serial_normalized = ?";
            values.push_back(query.normalized);
        } else {
            // SQLite: GLOB as the store does; PostgreSQL: the same pattern as LIKE (serials hold only [0-9A-Z]).
            const bool postgres = db_.isPostgres();
            std::string any;
            for (std::string glob : query.globs) {
                const bool unknownStart = glob.front() == '*' || glob.front() == '?';
                const bool knownEnd = glob.back() != '*' && glob.back() != '?';
                const bool reversed = unknownStart && knownEnd;
                if (reversed) glob.assign(glob.rbegin(), glob.rend());
                if (postgres) {
                    std::replace(glob.begin(), glob.end(), '*', '%');
                    std::replace(glob.begin(), glob.end(), '?', '_');
                }
                any += std::string(any.empty() ? "" : " OR ") + (reversed ? "serial_reversed" : "serial_normalized") + (postgres ? " LIKE ?" : " GLOB ?");
                values.push_back(glob);
            }
            where += " AND (" + any + ")";
        }
    }
    if (!s.make.empty()) {
        where += " AND lower(make) = ?";
        values.push_back(lower(s.make));
    }
    if (!s.model.empty()) {
        where += " AND lower(model) = ?";
        values.push_back(lower(s.model));
    }
    if (!s.caliber.empty()) {
        const auto listed = records::resolveCaliber(records::starterCalibers(), s.caliber);
        where += " AND caliber = ?";
        values.push_back(listed ? *listed : s.caliber);
    }
    if (!s.status.empty()) {
        if (std::find(records::kFirearmRecordStatuses.begin(), records::kFirearmRecordStatuses.end(), s.status) == records::kFirearmRecordStatuses.end())
            throw HubError(400, "status '" + s.status.substr(0, 40) + "': not a record status");
        where += " AND status = ?";
        values.push_back(s.status);
    }
    values.push_back(std::int64_t(std::clamp(s.limit, 1, 10000)));
    return selectRecords(where + " ORDER BY serial_normalized, uid LIMIT ?", values);
}

SeizureCheck HubFirearms::checkSeizure(const Caller& caller, const FirearmRecordFields& input, const std::string& by) {
    checkBy(by);
    const records::SeizureQuery query = hubErrors([&] { return records::seizureQuery(input, records::starterCalibers()); });
    const auto candidates = search(caller, query.search);
    const FirearmRecordFields& f = query.found;
    HubTransaction t(db_);
    const std::int64_t id = next("seizure_check");
    db_.execute("INSERT INTO seizure_check(id, agency, checked_by, checked_at, status, serial, serial_partial, make, model, caliber, "
                "agency_case_number, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {id, caller.agency, by, records::nowUtc(), f.status, f.serial, std::int64_t(query.partial), f.make, f.model, f.caliber,
                 f.agencyCaseNumber, f.remarks});
    for (const auto& record : candidates) {
        db_.execute("INSERT INTO seizure_match(check_id, record_uid, how) VALUES (?, ?, ?)", {id, record.uid, query.how});
        notify(record.ownerAgency, "seizure_match", caller.agency, id, record.uid,
               caller.agency + " checked a firearm " + f.status + " (" + query.how + " " + (f.serial.empty() ? f.make : f.serial) +
                   ") that matches your record " + record.uid + " (" + record.fields.status + ")");
    }
    t.commit();
    return seizureCheck(caller, id);
}

SeizureCheck HubFirearms::loadCheck(std::int64_t id) {
    const auto rows = db_.query("SELECT id, agency, checked_by, checked_at, status, serial, make, model, caliber, agency_case_number, remarks, "
                                "serial_partial FROM seizure_check WHERE id = ?",
                                {id});
    if (rows.empty()) throw HubError(404, "no seizure check " + std::to_string(id));
    const SqlRow& r = rows[0];
    SeizureCheck c{r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8), r.text(9), r.text(10),
                   r.integer(11) != 0, {}};
    for (const auto& m : db_.query("SELECT m.how, " + std::string(kRecordColumns) +
                                       " FROM seizure_match m JOIN firearm_record r ON r.uid = m.record_uid WHERE m.check_id = ? ORDER BY m.record_uid",
                                   {id})) {
        records::SeizureMatch match;
        std::vector<std::string> cells;
        // The record's columns follow the match's `how`.
        for (std::size_t i = 1; i <= 24; ++i) cells.push_back(m.text(i));
        match.record = recordFrom(SqlRow(cells));
        if (match.record.withdrawn) continue;
        match.how = m.text(0);
        match.wanted = records::isWantedStatus(match.record.fields.status);
        match.makeAgrees = records::makesAgree(c.make, match.record.fields.make);
        c.matches.push_back(std::move(match));
    }
    return c;
}

SeizureCheck HubFirearms::seizureCheck(const Caller& caller, std::int64_t id) {
    SeizureCheck c = loadCheck(id);
    if (caller.peer || c.agency == caller.agency) return c;
    // Another agency's check is the caller's business only where it matched the caller's own records.
    c.matches.erase(std::remove_if(c.matches.begin(), c.matches.end(), [&](const auto& m) { return m.record.ownerAgency != caller.agency; }),
                    c.matches.end());
    if (c.matches.empty()) throw HubError(404, "no seizure check " + std::to_string(id));
    return c;
}

std::vector<SeizureCheck> HubFirearms::checksMatching(const Caller& caller, const std::string& uid) {
    const FirearmRecord r = record(caller, uid);
    std::vector<SeizureCheck> out;
    for (const auto& row : db_.query("SELECT check_id FROM seizure_match WHERE record_uid = ? ORDER BY check_id DESC", {uid})) {
        const SeizureCheck c = loadCheck(row.integer(0));
        // The owner sees every check of its record; another agency its own checks.
        if (r.ownerAgency == caller.agency || c.agency == caller.agency || caller.peer) out.push_back(c);
    }
    return out;
}

FirearmAlert HubFirearms::circulate(const Caller& caller, const FirearmAlert& input, const std::string& by) {
    checkBy(by);
    const FirearmAlert a = hubErrors([&] { return records::checkedAlert(input, records::starterCalibers()); });
    HubTransaction t(db_);
    const std::int64_t id = next("firearm_alert");
    db_.execute("INSERT INTO firearm_alert(id, agency, kind, title, description, serial, make, model, caliber, circulated_by, circulated_at, "
                "withdrawn_at, withdrawal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
                {id, caller.agency, a.kind, a.title, a.description, a.serial, a.make, a.model, a.caliber, by, records::nowUtc()});
    notify("*", "alert", caller.agency, id, "", caller.agency + " circulated an alert: " + a.title);
    t.commit();
    return alert(id);
}

FirearmAlert HubFirearms::withdrawAlert(const Caller& caller, std::int64_t id, const std::string& reason) {
    checkReason("reason", reason, true);
    HubTransaction t(db_);
    const auto rows = db_.query("SELECT agency, withdrawn_at, title FROM firearm_alert WHERE id = ?", {id});
    if (rows.empty()) throw HubError(404, "no alert " + std::to_string(id));
    if (rows[0].text(0) != caller.agency)
        throw HubError(403, "alert " + std::to_string(id) + " was circulated by " + rows[0].text(0) + ": only it withdraws it");
    if (!rows[0].text(1).empty()) throw HubError(409, "alert " + std::to_string(id) + " was withdrawn already");
    db_.execute("UPDATE firearm_alert SET withdrawn_at = ?, withdrawal_reason = ? WHERE id = ?", {records::nowUtc(), reason, id});
    notify("*", "alert_withdrawn", caller.agency, id, "", caller.agency + " withdrew its alert: " + rows[0].text(2));
    t.commit();
    return alert(id);
}

FirearmAlert HubFirearms::alert(std::int64_t id) {
    const auto found = selectAlerts("WHERE id = ?", {id});
    if (found.empty()) throw HubError(404, "no alert " + std::to_string(id));
    return found[0];
}

std::vector<FirearmAlert> HubFirearms::alerts(bool activeOnly) { return selectAlerts(activeOnly ? "WHERE withdrawn_at = ''" : "", {}); }

std::vector<FirearmAlert> HubFirearms::selectAlerts(const std::string& where, const std::vector<SqlValue>& parameters) {
    std::vector<FirearmAlert> out;
    for (const auto& r : db_.query("SELECT id, agency, kind, title, description, serial, make, model, caliber, circulated_by, circulated_at, "
                                   "withdrawn_at, withdrawal_reason FROM firearm_alert " + where + " ORDER BY id DESC",
                                   parameters)) {
        FirearmAlert a;
        a.id = r.integer(0);
        std::size_t c = 1;
        for (auto* field : {&a.agency, &a.kind, &a.title, &a.description, &a.serial, &a.make, &a.model, &a.caliber, &a.circulatedBy,
                            &a.circulatedAt, &a.withdrawnAt, &a.withdrawalReason})
            *field = r.text(c++);
        a.withdrawn = !a.withdrawnAt.empty();
        out.push_back(std::move(a));
    }
    return out;
}

TraceRequest HubFirearms::loadTrace(std::int64_t id) {
    const auto rows = db_.query(std::string("SELECT ") + kTraceColumns + " FROM trace_request WHERE id = ?", {id});
    if (rows.empty()) throw HubError(404, "no trace request " + std::to_string(id));
    const SqlRow& r = rows[0];
    TraceRequest t;
    t.id = r.integer(0);
    std::size_t c = 1;
    for (auto* field : {&t.fromAgency, &t.toAgency, &t.firearm.serial, &t.firearm.make, &t.firearm.model, &t.firearm.caliber, &t.firearm.type,
                        &t.firearm.countryOfManufacture, &t.firearm.recordUid, &t.reason, &t.priority, &t.justification, &t.dueDate, &t.status,
                        &t.response, &t.createdBy, &t.createdAt, &t.updatedAt})
        *field = r.text(c++);
    t.overdue = records::traceOverdue(t.status, t.dueDate, records::nowUtc());
    for (const auto& e : db_.query("SELECT at, by_user, agency, kind, from_status, to_status, text FROM trace_event WHERE trace_id = ? ORDER BY id", {id}))
        t.history.push_back({e.text(0), e.text(1), e.text(2), e.text(3), e.text(4), e.text(5), e.text(6)});
    return t;
}

TraceRequest HubFirearms::trace(const Caller& caller, std::int64_t id) {
    TraceRequest t = loadTrace(id);
    // Only the two agencies; others are not told it exists.
    if (caller.agency != t.fromAgency && caller.agency != t.toAgency) throw HubError(404, "no trace request " + std::to_string(id));
    return t;
}

TraceRequest HubFirearms::submitTrace(const Caller& caller, const records::TraceRequestInput& input, const std::string& by) {
    checkBy(by);
    const records::TraceRequestInput in = hubErrors([&] { return records::checkedTraceInput(input, caller.agency, records::starterCalibers()); });
    HubTransaction t(db_);
    if (db_.query("SELECT 1 FROM agency WHERE code = ? AND peer = 0", {in.toAgency}).empty())
        throw HubError(400, "recipient agency '" + in.toAgency + "' is not known at this hub");
    if (!in.firearm.recordUid.empty() && selectRecords("WHERE uid = ? AND withdrawn = 0", {in.firearm.recordUid}).empty())
        throw HubError(400, "firearm record '" + in.firearm.recordUid.substr(0, 100) + "' is not shared at this hub");
    const std::int64_t id = next("trace_request");
    const std::string now = records::nowUtc();
    db_.execute(std::string("INSERT INTO trace_request(") + kTraceColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {id, caller.agency, in.toAgency, in.firearm.serial, in.firearm.make, in.firearm.model, in.firearm.caliber, in.firearm.type,
                 in.firearm.countryOfManufacture, in.firearm.recordUid, in.reason, in.priority, in.justification, in.dueDate,
                 std::string("submitted"), std::string(), by, now, now});
    db_.execute("INSERT INTO trace_event(id, trace_id, at, by_user, agency, kind, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {next("trace_event"), id, now, by, caller.agency, std::string("status"), std::string("draft"), std::string("submitted"), in.reason});
    notify(in.toAgency, "trace_submitted", caller.agency, id, "",
           caller.agency + " asks for a trace (" + in.priority + ", due " + in.dueDate + "): " +
               (in.firearm.serial.empty() ? in.firearm.make : in.firearm.serial));
    t.commit();
    return loadTrace(id);
}

TraceRequest HubFirearms::traceStep(const Caller& caller, std::int64_t id, const std::string& action, const std::string& text,
                                    const std::string& by) {
    checkBy(by);
    const records::TraceStep& step = hubErrors([&]() -> const records::TraceStep& { return records::traceStep(action); });
    checkReason("text", text, step.needsText);
    HubTransaction t(db_);
    const TraceRequest before = trace(caller, id);
    const std::string& side = step.requesterSide ? before.fromAgency : before.toAgency;
    if (caller.agency != side)
        throw HubError(403, "trace request " + std::to_string(id) + ": only " + side + " (the " +
                                (step.requesterSide ? "requester" : "recipient") + ") may " + action + " it");
    if (std::find(step.from.begin(), step.from.end(), before.status) == step.from.end()) {
        std::string allowed;
        for (const auto& s : step.from) allowed += (allowed.empty() ? "" : ", ") + s;
        throw HubError(409, "trace request " + std::to_string(id) + " is " + before.status + ": to " + action + " it, it must be " + allowed);
    }
    const std::string now = records::nowUtc();
    if (step.needsText) db_.execute("UPDATE trace_request SET status = ?, response = ?, updated_at = ? WHERE id = ?", {step.to, text, now, id});
    else db_.execute("UPDATE trace_request SET status = ?, updated_at = ? WHERE id = ?", {step.to, now, id});
    db_.execute("INSERT INTO trace_event(id, trace_id, at, by_user, agency, kind, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {next("trace_event"), id, now, by, caller.agency, std::string("status"), before.status, step.to, text});
    const std::string other = caller.agency == before.fromAgency ? before.toAgency : before.fromAgency;
    notify(other, "trace_status", caller.agency, id, "", "trace request " + std::to_string(id) + " is " + step.to + " (" + caller.agency + ")");
    t.commit();
    return loadTrace(id);
}

TraceRequest HubFirearms::commentTrace(const Caller& caller, std::int64_t id, const std::string& text, const std::string& by) {
    checkBy(by);
    checkReason("text", text, true);
    HubTransaction t(db_);
    const TraceRequest before = trace(caller, id);
    if (before.status == "closed") throw HubError(409, "trace request " + std::to_string(id) + " is closed");
    db_.execute("INSERT INTO trace_event(id, trace_id, at, by_user, agency, kind, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {next("trace_event"), id, records::nowUtc(), by, caller.agency, std::string("comment"), before.status, before.status, text});
    const std::string other = caller.agency == before.fromAgency ? before.toAgency : before.fromAgency;
    notify(other, "trace_comment", caller.agency, id, "", caller.agency + " commented on trace request " + std::to_string(id));
    t.commit();
    return loadTrace(id);
}

std::vector<TraceRequest> HubFirearms::traces(const Caller& caller, const std::string& box) {
    if (box != "incoming" && box != "outgoing") throw HubError(400, "box '" + box.substr(0, 40) + "': expected incoming or outgoing");
    std::vector<TraceRequest> out;
    for (const auto& r : db_.query(std::string("SELECT id FROM trace_request WHERE ") + (box == "incoming" ? "to_agency" : "from_agency") +
                                       " = ? ORDER BY id DESC",
                                   {caller.agency}))
        out.push_back(loadTrace(r.integer(0)));
    return out;
}

HubFirearms::ReferenceTableImport HubFirearms::importReferenceTable(const std::string& json) {
    Poco::JSON::Array::Ptr list;
    try {
        const auto parsed = Poco::JSON::Parser().parse(json);
        if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) list = parsed.extract<Poco::JSON::Array::Ptr>();
        else if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) list = parsed.extract<Poco::JSON::Object::Ptr>()->getArray("references");
    } catch (const std::exception& e) {
        throw HubError(400, std::string("the reference table is not JSON: ") + e.what());
    }
    if (!list) throw HubError(400, "the reference table: expected an array of references or an object with a 'references' array");
    if (list->size() > 2000000) throw HubError(400, "the reference table has more than 2,000,000 references");
    // Each agency's store checks every field again when it takes the table in; here, its shape.
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto o = list->getObject(unsigned(i));
        const std::string where = "reference " + std::to_string(i + 1);
        if (!o) throw HubError(400, where + " is not an object");
        for (const char* field : {"make", "model"})
            if (!o->has(field) || !o->get(field).isString() || o->getValue<std::string>(field).empty())
                throw HubError(400, where + ": '" + field + "' is missing or not text");
    }
    HubTransaction t(db_);
    const auto rows = db_.query("SELECT coalesce(max(version), 0) FROM reference_table");
    const std::int64_t version = (rows.empty() ? 0 : rows[0].integer(0)) + 1;
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("format", "striae-firearm-reference/1");
    body.set("version", version);
    body.set("references", list);
    std::ostringstream text;
    body.stringify(text);
    db_.execute("INSERT INTO reference_table(version, body, reference_count, imported_at) VALUES (?, ?, ?, ?)",
                {version, text.str(), std::int64_t(list->size()), nowMs()});
    t.commit();
    return {version, std::int64_t(list->size())};
}

std::optional<std::pair<std::int64_t, std::string>> HubFirearms::referenceTable() {
    const auto rows = db_.query("SELECT version, body FROM reference_table ORDER BY version DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    return std::make_pair(rows[0].integer(0), rows[0].text(1));
}

namespace {
std::string attachmentPath(const std::string& dir, const std::string& sha) {
    return (std::filesystem::path(dir) / sha.substr(0, 2) / sha).string();
}
records::TraceAttachment attachmentFrom(const SqlRow& r) {
    return {r.integer(0), r.integer(1), r.text(2), r.text(3), r.integer(4), r.text(5), r.text(6), r.text(7)};
}
}  // namespace

void HubFirearms::keepFile(const std::string& tempPath, const std::string& sha256) {
    std::error_code ec;
    const std::string target = attachmentPath(attachmentsDir_, sha256);
    if (std::filesystem::exists(target)) {
        std::filesystem::remove(tempPath, ec);
        return;
    }
    std::filesystem::create_directories(std::filesystem::path(target).parent_path());
    std::filesystem::permissions(attachmentsDir_, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    std::filesystem::rename(tempPath, target);
    std::filesystem::permissions(target, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, std::filesystem::perm_options::replace,
                                 ec);
}

namespace {
// The first bytes of a received file (to tell an image by them).
std::string firstBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(8, '\0');
    in.read(head.data(), 8);
    head.resize(std::size_t(in.gcount()));
    return head;
}

// A received file that goes into the attachments or away: removed unless kept() was called.
class ReceivedFile {
public:
    explicit ReceivedFile(std::string path) : path_(std::move(path)) {}
    ~ReceivedFile() {
        std::error_code e;
        if (!path_.empty()) std::filesystem::remove(path_, e);
    }
    void kept() { path_.clear(); }

private:
    std::string path_;
};

records::FirearmPhotograph photoFrom(const SqlRow& r) {
    return {r.integer(0), 0, r.text(2), r.text(3), r.text(4), r.integer(5), r.text(6), r.text(7)};
}
}  // namespace

records::FirearmPhotograph HubFirearms::addRecordPhoto(const Caller& caller, const std::string& uid, const std::string& name, const std::string& by,
                                                       const std::string& tempPath, const std::string& sha256, std::int64_t size) {
    ReceivedFile received(tempPath);
    if (attachmentsDir_.empty()) throw HubError(500, "this hub keeps no photographs");
    checkBy(by);
    hubErrors([&] { records::checkFileName("photograph", name); return 0; });
    const std::string type = records::imageMediaType(firstBytes(tempPath));
    if (type.empty()) throw HubError(400, "the photograph is not a PNG, JPEG or TIFF image");
    HubTransaction t(db_);
    const auto found = selectRecords("WHERE uid = ?", {uid});
    if (found.empty() || found[0].withdrawn) throw HubError(404, "no firearm record " + uid.substr(0, 100));
    if (found[0].ownerAgency != caller.agency)
        throw HubError(403, "firearm record " + uid + " belongs to " + found[0].ownerAgency + ": only that agency adds its photographs");
    keepFile(tempPath, sha256);
    received.kept();
    const std::int64_t id = next("firearm_photo");
    db_.execute("INSERT INTO firearm_photo(id, record_uid, name, sha256, media_type, size, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {id, uid, name, sha256, type, size, by, records::nowUtc()});
    t.commit();
    return recordPhotos(caller, uid).back();
}

std::vector<records::FirearmPhotograph> HubFirearms::recordPhotos(const Caller& caller, const std::string& uid) {
    record(caller, uid);
    std::vector<records::FirearmPhotograph> out;
    for (const auto& r : db_.query("SELECT id, record_uid, name, sha256, media_type, size, by_user, at FROM firearm_photo WHERE record_uid = ? ORDER BY id",
                                   {uid}))
        out.push_back(photoFrom(r));
    return out;
}

std::pair<std::string, std::string> HubFirearms::recordPhotoFile(const Caller& caller, const std::string& uid, std::int64_t photoId) {
    for (const auto& p : recordPhotos(caller, uid))
        if (p.id == photoId) {
            const std::string path = attachmentPath(attachmentsDir_, p.sha256);
            if (!std::filesystem::exists(path)) throw HubError(500, "photograph " + std::to_string(photoId) + " is missing from the hub's files");
            return {path, p.mediaType};
        }
    throw HubError(404, "record " + uid.substr(0, 100) + " has no photograph " + std::to_string(photoId));
}

records::TraceAttachment HubFirearms::attachToTrace(const Caller& caller, std::int64_t traceId, const std::string& name, const std::string& by,
                                                    const std::string& tempPath, const std::string& sha256, std::int64_t size) {
    ReceivedFile received(tempPath);  // a refused attachment leaves nothing
    if (attachmentsDir_.empty()) throw HubError(500, "this hub keeps no attachments");
    checkBy(by);
    hubErrors([&] { records::checkFileName("attachment", name); return 0; });
    HubTransaction t(db_);
    const TraceRequest before = trace(caller, traceId);
    if (before.status == "closed") throw HubError(409, "trace request " + std::to_string(traceId) + " is closed");
    keepFile(tempPath, sha256);
    received.kept();
    const std::int64_t id = next("trace_attachment");
    const std::string now = records::nowUtc();
    db_.execute("INSERT INTO trace_attachment(id, trace_id, name, sha256, size, agency, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {id, traceId, name, sha256, size, caller.agency, by, now});
    db_.execute("INSERT INTO trace_event(id, trace_id, at, by_user, agency, kind, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {next("trace_event"), traceId, now, by, caller.agency, std::string("comment"), before.status, before.status,
                 "attached " + name + " (" + std::to_string(size) + " bytes, SHA-256 " + sha256.substr(0, 12) + "…)"});
    const std::string other = caller.agency == before.fromAgency ? before.toAgency : before.fromAgency;
    notify(other, "trace_comment", caller.agency, traceId, "", caller.agency + " attached " + name + " to trace request " + std::to_string(traceId));
    t.commit();
    return traceAttachments(caller, traceId).back();
}

std::vector<records::TraceAttachment> HubFirearms::traceAttachments(const Caller& caller, std::int64_t traceId) {
    trace(caller, traceId);  // the two agencies only
    std::vector<records::TraceAttachment> out;
    for (const auto& r : db_.query("SELECT id, trace_id, name, sha256, size, agency, by_user, at FROM trace_attachment WHERE trace_id = ? ORDER BY id",
                                   {traceId}))
        out.push_back(attachmentFrom(r));
    return out;
}

std::string HubFirearms::traceAttachmentFile(const Caller& caller, std::int64_t traceId, std::int64_t attachmentId) {
    for (const auto& a : traceAttachments(caller, traceId))
        if (a.id == attachmentId) {
            const std::string path = attachmentPath(attachmentsDir_, a.sha256);
            if (!std::filesystem::exists(path)) throw HubError(500, "attachment " + std::to_string(attachmentId) + " is missing from the hub's files");
            return path;
        }
    throw HubError(404, "trace request " + std::to_string(traceId) + " has no attachment " + std::to_string(attachmentId));
}

std::vector<HubNotice> HubFirearms::notices(const Caller& caller, std::int64_t since, int limit) {
    std::vector<HubNotice> out;
    // Each token sees the notices of its role: seizure matches are records officers', trace steps trace officers'.
    std::string kinds;
    if (!caller.may("records")) kinds += " AND kind <> 'seizure_match'";
    if (!caller.may("traces")) kinds += " AND kind NOT LIKE 'trace%'";
    for (const auto& r : db_.query("SELECT seq, kind, agency, subject_id, record_uid, summary, at FROM notice WHERE seq > ? "
                                   "AND (recipient = ? OR recipient = '*')" + kinds + " ORDER BY seq LIMIT ?",
                                   {since, caller.agency, std::int64_t(std::clamp(limit, 1, 1000))}))
        out.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3), r.text(4), r.text(5), r.integer(6)});
    return out;
}

}  // namespace striae::sync
