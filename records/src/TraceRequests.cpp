// Trace requests: a firearm traced by another agency, through its whole life.
#include "striae/records/TraceRequests.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "AttachedFiles.h"
#include "StoreImpl.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/SerialNumber.h"

namespace striae::records {

const std::vector<std::string> kTraceStatuses{"draft", "submitted", "acknowledged", "in_progress", "answered", "rejected", "closed"};

namespace {

const char* kColumns =
    "t.id, t.from_agency, t.to_agency, t.serial, t.make, t.model, t.caliber, t.type, t.country_of_manufacture, coalesce(t.record_id, 0), "
    "t.reason, t.priority, t.justification, t.due_date, t.status, t.response, coalesce(u.username, ''), t.created_at, t.updated_at";

TraceRequest fromRow(SQLite::Statement& q) {
    TraceRequest t;
    int c = 0;
    t.id = q.getColumn(c++).getInt64();
    t.fromAgency = q.getColumn(c++).getString();
    t.toAgency = q.getColumn(c++).getString();
    t.firearm.serial = q.getColumn(c++).getString();
    t.firearm.make = q.getColumn(c++).getString();
    t.firearm.model = q.getColumn(c++).getString();
    t.firearm.caliber = q.getColumn(c++).getString();
    t.firearm.type = q.getColumn(c++).getString();
    t.firearm.countryOfManufacture = q.getColumn(c++).getString();
    t.firearm.recordId = q.getColumn(c++).getInt64();
    t.reason = q.getColumn(c++).getString();
    t.priority = q.getColumn(c++).getString();
    t.justification = q.getColumn(c++).getString();
    t.dueDate = q.getColumn(c++).getString();
    t.status = q.getColumn(c++).getString();
    t.response = q.getColumn(c++).getString();
    t.createdBy = q.getColumn(c++).getString();
    t.createdAt = q.getColumn(c++).getString();
    t.updatedAt = q.getColumn(c++).getString();
    t.overdue = traceOverdue(t.status, t.dueDate, nowUtc());
    return t;
}

void event(Store::Impl& impl, Id traceId, const User& actor, const std::string& agency, const std::string& kind, const std::string& from,
           const std::string& to, const std::string& text) {
    SQLite::Statement q(impl.db, "INSERT INTO trace_event(trace_id, at, user_id, agency, kind, from_status, to_status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, traceId);
    q.bind(2, nowUtc());
    q.bind(3, actor.id);
    q.bind(4, agency);
    q.bind(5, kind);
    q.bind(6, from);
    q.bind(7, to);
    q.bind(8, text);
    q.exec();
}

}  // namespace

namespace {
// The input checked; the caliber by its listed name where the list has it (a trace may name one it lacks: kept as written).
TraceRequestInput checkedInput(Store::Impl& impl, const User& actor, const TraceRequestInput& input) {
    const TraceRequestInput in = checkedTraceInput(input, agencyCodeOf(impl.db, actor.agencyId), Calibers(impl).all());
    SQLite::Statement agency(impl.db, "SELECT 1 FROM agency WHERE code = ?");
    agency.bind(1, in.toAgency);
    if (!agency.executeStep()) fail(RecordsError::Kind::InvalidInput, "recipient agency '" + in.toAgency + "' is not known");
    if (in.firearm.recordId) FirearmRecords(impl).get(actor, in.firearm.recordId);  // one the requester may see
    return in;
}

void bindInput(SQLite::Statement& q, int& at, const TraceRequestInput& in) {
    q.bind(at++, in.toAgency);
    for (const auto* v : {&in.firearm.serial, &in.firearm.make, &in.firearm.model, &in.firearm.caliber, &in.firearm.type,
                          &in.firearm.countryOfManufacture})
        q.bind(at++, *v);
    if (in.firearm.recordId) q.bind(at++, in.firearm.recordId);
    else q.bind(at++);
    q.bind(at++, in.reason);
    q.bind(at++, in.priority);
    q.bind(at++, in.justification);
    q.bind(at++, in.dueDate);
}
}  // namespace

TraceRequest TraceRequests::draft(const User& actor, const TraceRequestInput& input) {
    requireRole(actor, Role::TraceOfficer, "request traces");
    const TraceRequestInput in = checkedInput(impl_, actor, input);
    WriteTransaction t(impl_);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId), now = nowUtc();
    SQLite::Statement q(impl_.db, "INSERT INTO trace_request(to_agency, serial, make, model, caliber, type, country_of_manufacture, record_id, "
                                  "reason, priority, justification, due_date, from_agency, status, created_by, created_at, updated_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)");
    int at = 1;
    bindInput(q, at, in);
    q.bind(at++, agency);
    q.bind(at++, actor.id);
    q.bind(at++, now);
    q.bind(at++, now);
    q.exec();
    const Id id = impl_.db.getLastInsertRowid();
    event(impl_, id, actor, agency, "created", "", "draft", in.reason);
    const Id eventId = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "draft_trace", "trace_request", id, jsonObject({{"to", in.toAgency}, {"priority", in.priority}, {"due", in.dueDate}}),
                {{"trace_request", id}, {"trace_event", eventId}});
    t.commit();
    return get(actor, id);
}

TraceRequest TraceRequests::edit(const User& actor, Id id, const TraceRequestInput& input) {
    requireRole(actor, Role::TraceOfficer, "edit trace requests");
    const TraceRequestInput in = checkedInput(impl_, actor, input);
    WriteTransaction t(impl_);
    const auto before = get(actor, id);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    if (before.fromAgency != agency) fail(RecordsError::Kind::PermissionDenied, "only " + before.fromAgency + " edits its trace request " + std::to_string(id));
    if (before.status != "draft")
        fail(RecordsError::Kind::WorkflowViolation, "trace request " + std::to_string(id) + " is " + before.status + ": only a draft is edited; comment instead");
    SQLite::Statement q(impl_.db, "UPDATE trace_request SET to_agency = ?, serial = ?, make = ?, model = ?, caliber = ?, type = ?, "
                                  "country_of_manufacture = ?, record_id = ?, reason = ?, priority = ?, justification = ?, due_date = ?, "
                                  "updated_at = ? WHERE id = ?");
    int at = 1;
    bindInput(q, at, in);
    q.bind(at++, nowUtc());
    q.bind(at++, id);
    q.exec();
    event(impl_, id, actor, agency, "edited", "draft", "draft", "");
    const Id eventId = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "edit_trace", "trace_request", id, jsonObject({{"to", in.toAgency}}), {{"trace_request", id}, {"trace_event", eventId}});
    t.commit();
    return get(actor, id);
}

TraceRequest TraceRequests::move(const User& actor, Id id, const std::string& action, const std::string& text) {
    const TraceStep& step = traceStep(action);
    requireRole(actor, Role::TraceOfficer, action + " trace requests");
    validateText("text", text, true);
    if (step.needsText && text.find_first_not_of(" \n\t") == std::string::npos)
        fail(RecordsError::Kind::InvalidInput, step.to == "answered" ? "the answer is empty" : "a rejection needs its reason");
    WriteTransaction t(impl_);
    const auto before = get(actor, id);
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    const std::string side = step.requesterSide ? before.fromAgency : before.toAgency;
    if (agency != side)
        fail(RecordsError::Kind::PermissionDenied, "trace request " + std::to_string(id) + ": only " + side + " (the " +
                                                       (step.requesterSide ? "requester" : "recipient") + ") may " + action + " it");
    if (!oneOf(before.status, step.from))
        fail(RecordsError::Kind::WorkflowViolation,
             "trace request " + std::to_string(id) + " is " + before.status + ": to " + action + " it, it must be " + listOf(step.from));
    const std::string& to = step.to;
    SQLite::Statement q(impl_.db, std::string("UPDATE trace_request SET status = ?, updated_at = ?") + (step.needsText ? ", response = ?" : "") +
                                      " WHERE id = ?");
    int at = 1;
    q.bind(at++, to);
    q.bind(at++, nowUtc());
    if (step.needsText) q.bind(at++, text);
    q.bind(at++, id);
    q.exec();
    event(impl_, id, actor, agency, "status", before.status, to, text);
    const Id eventId = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, action + "_trace", "trace_request", id, jsonObject({{"from", before.status}, {"to", to}, {"text", text}}),
                {{"trace_request", id}, {"trace_event", eventId}});
    t.commit();
    return get(actor, id);
}

TraceRequest TraceRequests::submit(const User& actor, Id id) { return move(actor, id, "submit", ""); }
TraceRequest TraceRequests::acknowledge(const User& actor, Id id) { return move(actor, id, "acknowledge", ""); }
TraceRequest TraceRequests::startWork(const User& actor, Id id) { return move(actor, id, "start", ""); }
TraceRequest TraceRequests::answer(const User& actor, Id id, const std::string& response) { return move(actor, id, "answer", response); }
TraceRequest TraceRequests::reject(const User& actor, Id id, const std::string& reason) { return move(actor, id, "reject", reason); }
TraceRequest TraceRequests::close(const User& actor, Id id, const std::string& note) { return move(actor, id, "close", note); }

TraceRequest TraceRequests::comment(const User& actor, Id id, const std::string& text) {
    requireRole(actor, Role::TraceOfficer, "comment on trace requests");
    validateText("comment", text, true);
    if (text.find_first_not_of(" \n\t") == std::string::npos) fail(RecordsError::Kind::InvalidInput, "the comment is empty");
    WriteTransaction t(impl_);
    const auto before = get(actor, id);
    if (before.status == "closed") fail(RecordsError::Kind::WorkflowViolation, "trace request " + std::to_string(id) + " is closed");
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    event(impl_, id, actor, agency, "comment", before.status, before.status, text);
    const Id eventId = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "comment_trace", "trace_request", id, jsonObject({{"text", text}}), {{"trace_event", eventId}});
    t.commit();
    return get(actor, id);
}

TraceRequest TraceRequests::get(const User& viewer, Id id) const {
    SQLite::Statement q(impl_.db, std::string("SELECT ") + kColumns + " FROM trace_request t LEFT JOIN user u ON u.id = t.created_by WHERE t.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no trace request " + std::to_string(id));
    TraceRequest t = fromRow(q);
    const std::string agency = agencyCodeOf(impl_.db, viewer.agencyId);
    // Only the two agencies; a draft is the requester's alone. Others are not told it exists.
    if (!(agency == t.fromAgency || (agency == t.toAgency && t.status != "draft")))
        fail(RecordsError::Kind::NotFound, "no trace request " + std::to_string(id));
    SQLite::Statement h(impl_.db, "SELECT e.at, coalesce(u.username, ''), e.agency, e.kind, e.from_status, e.to_status, e.text FROM trace_event e "
                                  "LEFT JOIN user u ON u.id = e.user_id WHERE e.trace_id = ? ORDER BY e.id");
    h.bind(1, id);
    while (h.executeStep())
        t.history.push_back({h.getColumn(0).getString(), h.getColumn(1).getString(), h.getColumn(2).getString(), h.getColumn(3).getString(),
                             h.getColumn(4).getString(), h.getColumn(5).getString(), h.getColumn(6).getString()});
    return t;
}

std::vector<TraceRequest> TraceRequests::outgoing(const User& viewer) const {
    SQLite::Statement q(impl_.db, "SELECT id FROM trace_request WHERE from_agency = ? ORDER BY id DESC");
    q.bind(1, agencyCodeOf(impl_.db, viewer.agencyId));
    std::vector<TraceRequest> out;
    while (q.executeStep()) out.push_back(get(viewer, q.getColumn(0).getInt64()));
    return out;
}

std::vector<TraceRequest> TraceRequests::incoming(const User& viewer) const {
    SQLite::Statement q(impl_.db, "SELECT id FROM trace_request WHERE to_agency = ? AND status <> 'draft' ORDER BY id DESC");
    q.bind(1, agencyCodeOf(impl_.db, viewer.agencyId));
    std::vector<TraceRequest> out;
    while (q.executeStep()) out.push_back(get(viewer, q.getColumn(0).getInt64()));
    return out;
}

namespace {
TraceAttachment attachmentFrom(SQLite::Statement& q) {
    return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getString(),
            q.getColumn(4).getInt64(), q.getColumn(5).getString(), q.getColumn(6).getString(), q.getColumn(7).getString()};
}
const char* kAttachmentColumns =
    "SELECT a.id, a.trace_id, a.name, a.sha256, a.size, a.agency, coalesce(u.username, ''), a.added_at FROM trace_attachment a "
    "LEFT JOIN user u ON u.id = a.added_by ";
}  // namespace

TraceAttachment TraceRequests::attach(const User& actor, Id id, const std::string& filePath, const std::string& givenName) {
    requireRole(actor, Role::TraceOfficer, "attach files to trace requests");
    const AttachedFile file = readAttachedFile(filePath, givenName, kMaxAttachmentBytes, "attachment");
    WriteTransaction t(impl_);
    const auto before = get(actor, id);  // the two agencies only
    if (before.status == "closed") fail(RecordsError::Kind::WorkflowViolation, "trace request " + std::to_string(id) + " is closed");
    const std::string agency = agencyCodeOf(impl_.db, actor.agencyId);
    // The bytes first (content-addressed: a retry or a second request with the same file shares them), then the row.
    const bool added = storeAttachedFile(impl_, file);
    try {
        SQLite::Statement q(impl_.db, "INSERT INTO trace_attachment(trace_id, name, sha256, size, agency, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, id);
        q.bind(2, file.name);
        q.bind(3, file.sha256);
        q.bind(4, file.size);
        q.bind(5, agency);
        q.bind(6, actor.id);
        q.bind(7, nowUtc());
        q.exec();
        const Id attachmentId = impl_.db.getLastInsertRowid();
        event(impl_, id, actor, agency, "comment", before.status, before.status,
              "attached " + file.name + " (" + std::to_string(file.size) + " bytes, SHA-256 " + file.sha256.substr(0, 12) + "…)");
        const Id eventId = impl_.db.getLastInsertRowid();
        impl_.audit(actor.id, "attach_trace", "trace_request", id,
                    jsonObject({{"name", file.name}, {"sha256", file.sha256}, {"size", std::to_string(file.size)}}),
                    {{"trace_attachment", attachmentId}, {"trace_event", eventId}});
        t.commit();
        SQLite::Statement back(impl_.db, std::string(kAttachmentColumns) + "WHERE a.id = ?");
        back.bind(1, attachmentId);
        back.executeStep();
        return attachmentFrom(back);
    } catch (...) {
        if (added) removeAttachedFile(impl_, file.sha256);  // nothing left of a refused attachment
        throw;
    }
}

std::vector<TraceAttachment> TraceRequests::attachments(const User& viewer, Id id) const {
    get(viewer, id);
    SQLite::Statement q(impl_.db, std::string(kAttachmentColumns) + "WHERE a.trace_id = ? ORDER BY a.id");
    q.bind(1, id);
    std::vector<TraceAttachment> out;
    while (q.executeStep()) out.push_back(attachmentFrom(q));
    return out;
}

std::string TraceRequests::attachmentPath(const User& viewer, Id attachmentId) const {
    SQLite::Statement q(impl_.db, std::string(kAttachmentColumns) + "WHERE a.id = ?");
    q.bind(1, attachmentId);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no trace attachment " + std::to_string(attachmentId));
    const TraceAttachment a = attachmentFrom(q);
    get(viewer, a.traceId);  // NotFound unless one of the two agencies
    return checkedAttachedFile(impl_, a.sha256, "trace attachment " + std::to_string(attachmentId) + " (" + a.name + ")");
}

TraceRequests Store::traceRequests() { return TraceRequests(*impl_); }

}  // namespace striae::records
