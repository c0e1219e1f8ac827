#include "striae/sync/HubFirearmJson.h"

#include <Poco/JSON/Array.h>

#include "JsonFields.h"

namespace striae::sync::json {

using Poco::JSON::Array;
using records::FirearmAlert;
using records::FirearmRecord;
using records::FirearmRecordFields;
using records::SeizureCheck;
using records::TraceRequest;

namespace {

// The text fields of each form by their JSON names.
const std::vector<std::pair<const char*, std::string FirearmRecordFields::*>> kRecordText{
    {"status", &FirearmRecordFields::status},
    {"serial", &FirearmRecordFields::serial},
    {"make", &FirearmRecordFields::make},
    {"model", &FirearmRecordFields::model},
    {"caliber", &FirearmRecordFields::caliber},
    {"type", &FirearmRecordFields::type},
    {"country_of_manufacture", &FirearmRecordFields::countryOfManufacture},
    {"country_of_import", &FirearmRecordFields::countryOfImport},
    {"importer", &FirearmRecordFields::importer},
    {"other_markings", &FirearmRecordFields::otherMarkings},
    {"event_date", &FirearmRecordFields::eventDate},
    {"reported_at", &FirearmRecordFields::reportedAt},
    {"agency_case_number", &FirearmRecordFields::agencyCaseNumber},
    {"remarks", &FirearmRecordFields::remarks},
};

const std::vector<std::pair<const char*, std::string FirearmAlert::*>> kAlertText{
    {"agency", &FirearmAlert::agency},          {"kind", &FirearmAlert::kind},
    {"title", &FirearmAlert::title},            {"description", &FirearmAlert::description},
    {"serial", &FirearmAlert::serial},          {"make", &FirearmAlert::make},
    {"model", &FirearmAlert::model},            {"caliber", &FirearmAlert::caliber},
    {"circulated_by", &FirearmAlert::circulatedBy}, {"circulated_at", &FirearmAlert::circulatedAt},
    {"withdrawn_at", &FirearmAlert::withdrawnAt},   {"withdrawal_reason", &FirearmAlert::withdrawalReason},
};

const std::vector<std::pair<const char*, std::string records::TraceFirearm::*>> kTraceFirearmText{
    {"serial", &records::TraceFirearm::serial},
    {"make", &records::TraceFirearm::make},
    {"model", &records::TraceFirearm::model},
    {"caliber", &records::TraceFirearm::caliber},
    {"type", &records::TraceFirearm::type},
    {"country_of_manufacture", &records::TraceFirearm::countryOfManufacture},
    {"record_uid", &records::TraceFirearm::recordUid},
};

Object::Ptr newObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Object::Ptr child(const Object::Ptr& o, const std::string& field) {
    if (!o->has(field)) throw HubError(400, "field '" + field + "' is missing");
    if (!o->isObject(field)) throw HubError(400, "field '" + field + "' must be an object");
    return o->getObject(field);
}

template <typename F>
void eachObject(const Object::Ptr& o, const std::string& field, F&& f) {
    if (!o->has(field) || !o->isArray(field)) throw HubError(400, "field '" + field + "' must be an array");
    const auto a = o->getArray(field);
    for (std::size_t i = 0; i < a->size(); ++i) {
        if (!a->isObject(i)) throw HubError(400, "field '" + field + "' must hold objects");
        f(a->getObject(unsigned(i)));
    }
}

Object::Ptr object(const FirearmRecordFields& f) {
    Object::Ptr o = newObject();
    for (const auto& [name, member] : kRecordText) o->set(name, f.*member);
    o->set("serial_obliterated", f.serialObliterated);
    o->set("serial_partial", f.serialPartial);
    return o;
}

FirearmRecordFields fieldsFrom(const Object::Ptr& o) {
    FirearmRecordFields f;
    for (const auto& [name, member] : kRecordText) f.*member = str(o, name, std::string(name) == "status");
    f.serialObliterated = boolean(o, "serial_obliterated");
    f.serialPartial = boolean(o, "serial_partial");
    return f;
}

Object::Ptr object(const FirearmRecord& r) {
    Object::Ptr o = newObject();
    o->set("uid", r.uid);
    o->set("agency", r.ownerAgency);
    o->set("fields", object(r.fields));
    o->set("serial_normalized", r.serialNormalized);
    o->set("caliber_listed", r.caliberListed);
    o->set("withdrawn", r.withdrawn);
    o->set("created_by", r.createdBy);
    o->set("created_at", r.createdAt);
    o->set("updated_at", r.updatedAt);
    return o;
}

FirearmRecord recordFrom(const Object::Ptr& o) {
    FirearmRecord r;
    r.uid = str(o, "uid", true);
    r.ownerAgency = str(o, "agency", true);
    r.fields = fieldsFrom(child(o, "fields"));
    r.serialNormalized = str(o, "serial_normalized", false);
    r.caliberListed = boolean(o, "caliber_listed");
    r.withdrawn = boolean(o, "withdrawn");
    r.createdBy = str(o, "created_by", false);
    r.createdAt = str(o, "created_at", false);
    r.updatedAt = str(o, "updated_at", false);
    r.shared = true;
    return r;
}

Object::Ptr object(const SeizureCheck& c) {
    Object::Ptr o = newObject();
    o->set("id", c.id);
    o->set("agency", c.agency);
    o->set("checked_by", c.checkedBy);
    o->set("checked_at", c.checkedAt);
    o->set("status", c.status);
    o->set("serial", c.serial);
    o->set("serial_partial", c.serialPartial);
    o->set("make", c.make);
    o->set("model", c.model);
    o->set("caliber", c.caliber);
    o->set("agency_case_number", c.agencyCaseNumber);
    o->set("remarks", c.remarks);
    Array::Ptr matches = new Array;
    for (const auto& m : c.matches) {
        Object::Ptr x = newObject();
        x->set("record", object(m.record));
        x->set("how", m.how);
        x->set("wanted", m.wanted);
        x->set("make_agrees", m.makeAgrees);
        matches->add(x);
    }
    o->set("matches", matches);
    return o;
}

SeizureCheck checkFrom(const Object::Ptr& o) {
    SeizureCheck c;
    c.id = integer(o, "id");
    c.agency = str(o, "agency", true);
    c.checkedBy = str(o, "checked_by", false);
    c.checkedAt = str(o, "checked_at", false);
    c.status = str(o, "status", true);
    c.serial = str(o, "serial", false);
    c.serialPartial = boolean(o, "serial_partial");
    c.make = str(o, "make", false);
    c.model = str(o, "model", false);
    c.caliber = str(o, "caliber", false);
    c.agencyCaseNumber = str(o, "agency_case_number", false);
    c.remarks = str(o, "remarks", false);
    eachObject(o, "matches", [&](const Object::Ptr& x) {
        records::SeizureMatch m;
        m.record = recordFrom(child(x, "record"));
        m.how = str(x, "how", true);
        m.wanted = boolean(x, "wanted");
        m.makeAgrees = boolean(x, "make_agrees");
        c.matches.push_back(std::move(m));
    });
    return c;
}

Object::Ptr object(const FirearmAlert& a) {
    Object::Ptr o = newObject();
    o->set("id", a.id);
    for (const auto& [name, member] : kAlertText) o->set(name, a.*member);
    o->set("withdrawn", a.withdrawn);
    return o;
}

FirearmAlert alertFrom(const Object::Ptr& o) {
    FirearmAlert a;
    a.id = integer(o, "id");
    for (const auto& [name, member] : kAlertText) a.*member = str(o, name, false);
    a.withdrawn = boolean(o, "withdrawn");
    return a;
}

Object::Ptr object(const records::TraceFirearm& f) {
    Object::Ptr o = newObject();
    for (const auto& [name, member] : kTraceFirearmText) o->set(name, f.*member);
    return o;
}

records::TraceFirearm traceFirearmFrom(const Object::Ptr& o) {
    records::TraceFirearm f;
    for (const auto& [name, member] : kTraceFirearmText) f.*member = str(o, name, false);
    return f;
}

Object::Ptr object(const TraceRequest& t) {
    Object::Ptr o = newObject();
    o->set("id", t.id);
    o->set("from_agency", t.fromAgency);
    o->set("to_agency", t.toAgency);
    o->set("firearm", object(t.firearm));
    o->set("reason", t.reason);
    o->set("priority", t.priority);
    o->set("justification", t.justification);
    o->set("due_date", t.dueDate);
    o->set("status", t.status);
    o->set("response", t.response);
    o->set("created_by", t.createdBy);
    o->set("created_at", t.createdAt);
    o->set("updated_at", t.updatedAt);
    o->set("overdue", t.overdue);
    Array::Ptr history = new Array;
    for (const auto& e : t.history) {
        Object::Ptr x = newObject();
        x->set("at", e.at);
        x->set("by", e.by);
        x->set("agency", e.agency);
        x->set("kind", e.kind);
        x->set("from_status", e.fromStatus);
        x->set("to_status", e.toStatus);
        x->set("text", e.text);
        history->add(x);
    }
    o->set("history", history);
    return o;
}

TraceRequest traceFrom(const Object::Ptr& o) {
    TraceRequest t;
    t.id = integer(o, "id");
    t.fromAgency = str(o, "from_agency", true);
    t.toAgency = str(o, "to_agency", true);
    t.firearm = traceFirearmFrom(child(o, "firearm"));
    for (const auto& [name, field] : {std::pair{"reason", &t.reason}, std::pair{"priority", &t.priority},
                                      std::pair{"justification", &t.justification}, std::pair{"due_date", &t.dueDate},
                                      std::pair{"status", &t.status}, std::pair{"response", &t.response},
                                      std::pair{"created_by", &t.createdBy}, std::pair{"created_at", &t.createdAt},
                                      std::pair{"updated_at", &t.updatedAt}})
        *field = str(o, name, false);
    t.overdue = boolean(o, "overdue");
    eachObject(o, "history", [&](const Object::Ptr& x) {
        t.history.push_back({str(x, "at", false), str(x, "by", false), str(x, "agency", false), str(x, "kind", false),
                             str(x, "from_status", false), str(x, "to_status", false), str(x, "text", false)});
    });
    return t;
}

Object::Ptr object(const records::TraceAttachment& a) {
    Object::Ptr o = newObject();
    o->set("id", a.id);
    o->set("trace", a.traceId);
    o->set("name", a.name);
    o->set("sha256", a.sha256);
    o->set("size", a.size);
    o->set("agency", a.agency);
    o->set("by", a.addedBy);
    o->set("at", a.addedAt);
    return o;
}

records::TraceAttachment attachmentFrom(const Object::Ptr& o) {
    return {integer(o, "id"), integer(o, "trace"), str(o, "name", true), str(o, "sha256", true), integer(o, "size"), str(o, "agency", false),
            str(o, "by", false), str(o, "at", false)};
}

Object::Ptr object(const records::FirearmPhotograph& p) {
    Object::Ptr o = newObject();
    o->set("id", p.id);
    o->set("name", p.name);
    o->set("sha256", p.sha256);
    o->set("media_type", p.mediaType);
    o->set("size", p.size);
    o->set("by", p.addedBy);
    o->set("at", p.addedAt);
    return o;
}

records::FirearmPhotograph photoFrom(const Object::Ptr& o) {
    return {integer(o, "id"), 0, str(o, "name", true), str(o, "sha256", true), str(o, "media_type", true), integer(o, "size"), str(o, "by", false),
            str(o, "at", false)};
}

template <typename T>
std::string writeList(const char* name, const std::vector<T>& items) {
    Object::Ptr o = newObject();
    Array::Ptr a = new Array;
    for (const auto& x : items) a->add(object(x));
    o->set(name, a);
    return text(o);
}

template <typename T, typename F>
std::vector<T> readList(const std::string& body, const char* name, F&& from) {
    std::vector<T> out;
    eachObject(parseObject(body), name, [&](const Object::Ptr& x) { out.push_back(from(x)); });
    return out;
}

}  // namespace

std::string writeRecordFields(const FirearmRecordFields& fields, const FirearmWrite& w) {
    Object::Ptr o = newObject();
    o->set("fields", object(fields));
    o->set("allow_unlisted_caliber", w.allowUnlistedCaliber);
    o->set("by", w.by);
    return text(o);
}

FirearmRecordFields readRecordFields(const std::string& body, FirearmWrite& w) {
    const Object::Ptr o = parseObject(body);
    w.by = str(o, "by", true);
    w.allowUnlistedCaliber = boolean(o, "allow_unlisted_caliber");
    return fieldsFrom(child(o, "fields"));
}

std::string write(const FirearmRecord& record) { return text(object(record)); }
std::string write(const std::vector<FirearmRecord>& list) { return writeList("records", list); }
FirearmRecord readRecord(const std::string& body) { return recordFrom(parseObject(body)); }
std::vector<FirearmRecord> readRecords(const std::string& body) { return readList<FirearmRecord>(body, "records", recordFrom); }

std::string write(const SeizureCheck& check) { return text(object(check)); }
std::string write(const std::vector<SeizureCheck>& checks) { return writeList("checks", checks); }
SeizureCheck readSeizureCheck(const std::string& body) { return checkFrom(parseObject(body)); }
std::vector<SeizureCheck> readSeizureChecks(const std::string& body) { return readList<SeizureCheck>(body, "checks", checkFrom); }

std::string writeAlertInput(const FirearmAlert& a, const std::string& by) {
    Object::Ptr o = newObject();
    for (const char* name : {"kind", "title", "description", "serial", "make", "model", "caliber"})
        for (const auto& [n, member] : kAlertText)
            if (std::string(n) == name) o->set(name, a.*member);
    o->set("by", by);
    return text(o);
}

FirearmAlert readAlertInput(const std::string& body, std::string& by) {
    const Object::Ptr o = parseObject(body);
    FirearmAlert a;
    a.kind = str(o, "kind", true);
    a.title = str(o, "title", true);
    a.description = str(o, "description", true);
    a.serial = str(o, "serial", false);
    a.make = str(o, "make", false);
    a.model = str(o, "model", false);
    a.caliber = str(o, "caliber", false);
    by = str(o, "by", true);
    return a;
}

std::string write(const FirearmAlert& alert) { return text(object(alert)); }
std::string write(const std::vector<FirearmAlert>& alerts) { return writeList("alerts", alerts); }
FirearmAlert readAlert(const std::string& body) { return alertFrom(parseObject(body)); }
std::vector<FirearmAlert> readAlerts(const std::string& body) { return readList<FirearmAlert>(body, "alerts", alertFrom); }

std::string writeTraceInput(const records::TraceRequestInput& in, const std::string& by) {
    Object::Ptr o = newObject();
    o->set("to_agency", in.toAgency);
    o->set("firearm", object(in.firearm));
    o->set("reason", in.reason);
    o->set("priority", in.priority);
    o->set("justification", in.justification);
    o->set("due_date", in.dueDate);
    o->set("by", by);
    return text(o);
}

records::TraceRequestInput readTraceInput(const std::string& body, std::string& by) {
    const Object::Ptr o = parseObject(body);
    records::TraceRequestInput in;
    in.toAgency = str(o, "to_agency", true);
    in.firearm = traceFirearmFrom(child(o, "firearm"));
    in.reason = str(o, "reason", true);
    in.priority = str(o, "priority", false, "routine");
    in.justification = str(o, "justification", false);
    in.dueDate = str(o, "due_date", true);
    by = str(o, "by", true);
    return in;
}

std::string write(const TraceRequest& trace) { return text(object(trace)); }
std::string write(const std::vector<TraceRequest>& traces) { return writeList("traces", traces); }
TraceRequest readTrace(const std::string& body) { return traceFrom(parseObject(body)); }
std::vector<TraceRequest> readTraces(const std::string& body) { return readList<TraceRequest>(body, "traces", traceFrom); }

std::string write(const std::vector<records::TraceAttachment>& attachments) { return writeList("attachments", attachments); }
std::string write(const std::vector<records::FirearmPhotograph>& photos) { return writeList("photos", photos); }
std::vector<records::FirearmPhotograph> readPhotos(const std::string& body) { return readList<records::FirearmPhotograph>(body, "photos", photoFrom); }

std::vector<records::TraceAttachment> readAttachments(const std::string& body) {
    return readList<records::TraceAttachment>(body, "attachments", attachmentFrom);
}

std::string write(const std::vector<HubNotice>& notices, std::int64_t cursor) {
    Object::Ptr o = newObject();
    o->set("cursor", cursor);
    Array::Ptr a = new Array;
    for (const auto& n : notices) {
        Object::Ptr x = newObject();
        x->set("seq", n.seq);
        x->set("kind", n.kind);
        x->set("agency", n.agency);
        x->set("subject_id", n.subjectId);
        if (!n.recordUid.empty()) x->set("record_uid", n.recordUid);
        x->set("summary", n.summary);
        x->set("at", n.at);
        a->add(x);
    }
    o->set("notices", a);
    return text(o);
}

std::vector<HubNotice> readNotices(const std::string& body, std::int64_t& cursor) {
    const Object::Ptr o = parseObject(body);
    cursor = integer(o, "cursor");
    std::vector<HubNotice> out;
    eachObject(o, "notices", [&](const Object::Ptr& x) {
        out.push_back({integer(x, "seq"), str(x, "kind", true), str(x, "agency", true), integer(x, "subject_id"), str(x, "record_uid", false),
                       str(x, "summary", false), integer(x, "at")});
    });
    return out;
}

std::string writeAction(const std::string& by, const std::string& body) {
    Object::Ptr o = newObject();
    o->set("by", by);
    o->set("text", body);
    return text(o);
}

void readAction(const std::string& body, std::string& by, std::string& textOut) {
    const Object::Ptr o = parseObject(body);
    by = str(o, "by", true);
    textOut = str(o, "text", false);
}

}  // namespace striae::sync::json
