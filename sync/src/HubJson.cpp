#include "striae/sync/HubJson.h"
#include "striae/records/Statistics.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

#include "striae/sync/HubError.h"
#include "JsonFields.h"

namespace striae::sync::json {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr object(const AcquisitionMetadata& m) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("case_ref", m.caseRef);
    o->set("item_label", m.itemLabel);
    o->set("item_type", m.itemType);
    o->set("region", m.region);
    o->set("caliber", m.caliber);
    Poco::JSON::Parser parser;
    o->set("class", parser.parse(m.classJson.empty() ? "{}" : m.classJson));
    o->set("acquired_at", m.acquiredAt);
    if (!m.recoveredAt.empty()) o->set("recovered_at", m.recoveredAt);
    if (m.land > 0) o->set("land", m.land);
    if (m.lands > 0) o->set("lands", m.lands);
    if (m.landsScanned > 0) o->set("lands_scanned", m.landsScanned);
    if (!m.scope.empty()) o->set("scope", m.scope);
    return o;
}

Object::Ptr object(const HubAcquisition& a) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", a.id);
    o->set("agency", a.agency);
    o->set("origin_hub", a.originHub);
    o->set("sha256", a.sha256);
    o->set("size", a.size);
    o->set("metadata", object(a.metadata));
    o->set("disclosed", a.disclosed);
    o->set("withdrawn", a.withdrawn);
    o->set("uploaded_at", a.uploadedAt);
    o->set("updated_at", a.updatedAt);
    if (!a.country.empty()) o->set("country", a.country);
    if (!a.viaHub.empty()) o->set("via_hub", a.viaHub);
    if (!a.acquiredFor.empty()) o->set("acquired_for", a.acquiredFor);
    if (!a.submissionId.empty()) o->set("submission", a.submissionId);
    return o;
}

AcquisitionMetadata metadataFrom(const Object::Ptr& o) {
    AcquisitionMetadata m;
    m.caseRef = str(o, "case_ref", true);
    m.itemLabel = str(o, "item_label", true);
    m.itemType = str(o, "item_type", true);
    if (std::find(kHubItemTypes.begin(), kHubItemTypes.end(), m.itemType) == kHubItemTypes.end())
        throw HubError(400, "field 'item_type' is '" + m.itemType + "': expected cartridge_case or bullet");
    m.region = str(o, "region", false, m.itemType == "bullet" ? "land" : "breech_face");
    if (m.itemType == "cartridge_case" && std::find(kHubCaseRegions.begin(), kHubCaseRegions.end(), m.region) == kHubCaseRegions.end())
        throw HubError(400, "field 'region' is '" + m.region.substr(0, 40) + "': a cartridge case's region is breech_face, firing_pin or ejector");
    m.caliber = str(o, "caliber", true);
    if (m.caliber.empty()) throw HubError(400, "field 'caliber' is empty: correlation compares within a caliber");
    if (o->has("class") && !o->isNull("class")) {
        if (!o->isObject("class")) throw HubError(400, "field 'class' must be an object");
        m.classJson = text(o->get("class"));
    }
    m.acquiredAt = str(o, "acquired_at", false);
    m.recoveredAt = str(o, "recovered_at", false);
    if (!m.recoveredAt.empty() && !records::parseIsoTime(m.recoveredAt))
        throw HubError(400, "field 'recovered_at' is '" + m.recoveredAt.substr(0, 40) + "': expected an ISO date or time");
    auto optionalInt = [&](const std::string& field) {
        if (!o->has(field) || o->isNull(field)) return 0;
        const auto v = o->get(field);
        if (!v.isInteger()) throw HubError(400, "field '" + field + "' must be an integer");
        const auto n = v.convert<std::int64_t>();
        if (n < 0 || n > 64) throw HubError(400, "field '" + field + "' is " + std::to_string(n) + ": expected 0 to 64");
        return int(n);
    };
    m.land = optionalInt("land");
    m.lands = optionalInt("lands");
    m.landsScanned = optionalInt("lands_scanned");
    if (m.itemType == "bullet") {
        if (m.region != "land") throw HubError(400, "a bullet is pushed as its land scans: field 'region' must be 'land'");
        if (m.lands < 2 || m.land < 1 || m.land > m.lands)
            throw HubError(400, "a bullet's land scan needs 'land' (1 to 'lands') and 'lands' (how many lands, at least 2); got land " +
                                    std::to_string(m.land) + " of " + std::to_string(m.lands));
        if (m.landsScanned > m.lands || m.landsScanned == 1)
            throw HubError(400, "field 'lands_scanned' is " + std::to_string(m.landsScanned) + ": expected 2 to 'lands' (" +
                                    std::to_string(m.lands) + "), or left out when every land was scanned");
    } else if (m.landsScanned != 0) {
        throw HubError(400, "field 'lands_scanned' is for bullets only");
    }
    m.scope = str(o, "scope", false);
    if (!m.scope.empty() && std::find(kSearchScopes.begin(), kSearchScopes.end(), m.scope) == kSearchScopes.end())
        throw HubError(400, "field 'scope' is '" + m.scope.substr(0, 40) + "': expected national, international or both");
    return m;
}

HubAcquisition acquisitionFrom(const Object::Ptr& o) {
    HubAcquisition a;
    a.id = str(o, "id", true);
    a.agency = str(o, "agency", true);
    a.originHub = str(o, "origin_hub", true);
    a.sha256 = str(o, "sha256", true);
    a.size = integer(o, "size");
    if (!o->isObject("metadata")) throw HubError(400, "field 'metadata' must be an object");
    a.metadata = metadataFrom(o->getObject("metadata"));
    a.disclosed = boolean(o, "disclosed");
    a.withdrawn = boolean(o, "withdrawn");
    a.uploadedAt = integer(o, "uploaded_at");
    a.updatedAt = integer(o, "updated_at");
    a.country = str(o, "country", false);
    a.viaHub = str(o, "via_hub", false);
    a.acquiredFor = str(o, "acquired_for", false);
    a.submissionId = str(o, "submission", false);
    return a;
}

Array::Ptr arrayField(const Object::Ptr& o, const std::string& field) {
    if (!o->isArray(field)) throw HubError(400, "field '" + field + "' must be an array");
    return o->getArray(field);
}

}  // namespace

std::string write(const HubAcquisition& a) { return text(object(a)); }

std::string write(const std::vector<HubAcquisition>& acquisitions) {
    Object::Ptr root = new Object;
    Array::Ptr out = new Array;
    for (const auto& a : acquisitions) out->add(object(a));
    root->set("acquisitions", out);
    return text(root);
}

std::vector<HubAcquisition> readAcquisitions(const std::string& body) {
    const auto root = parseObject(body);
    const auto list = arrayField(root, "acquisitions");
    std::vector<HubAcquisition> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto o = list->getObject(unsigned(i));
        if (!o) throw HubError(400, "acquisitions[" + std::to_string(i) + "] must be an object");
        out.push_back(acquisitionFrom(o));
    }
    return out;
}

std::string writeMetadata(const AcquisitionMetadata& m, const std::string& sha256) {
    auto o = object(m);
    if (!sha256.empty()) o->set("sha256", sha256);
    return text(o);
}

std::string write(const std::vector<LeadList>& lists, std::int64_t cursor) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("cursor", cursor);
    Array::Ptr out = new Array;
    for (const auto& l : lists) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("acquisition", l.acquisitionId);
        o->set("case_ref", l.caseRef);
        o->set("item_label", l.itemLabel);
        o->set("cursor", l.cursor);
        o->set("correlated_at", l.correlatedAt);
        o->set("status", l.status);
        o->set("tier", l.tier);
        if (l.holdings >= 0) {
            o->set("holdings", l.holdings);
            o->set("fully_compared", l.fullyCompared);
            o->set("shortlist", l.shortlist);
        }
        Array::Ptr cs = new Array;
        for (const auto& c : l.candidates) {
            Object::Ptr k = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
            k->set("id", c.id);
            k->set("acquisition", c.acquisitionId);
            k->set("rank", c.rank);
            k->set("score", c.score);
            k->set("score_high", c.scoreHigh);
            Poco::JSON::Parser parser;
            k->set("details", parser.parse(c.details.empty() ? "{}" : c.details));
            k->set("agency", c.agency);
            k->set("caliber", c.caliber);
            k->set("item_type", c.itemType);
            k->set("case_ref", c.caseRef);
            k->set("disclosed", c.disclosed);
            k->set("outcome", c.outcome);
            if (!c.country.empty()) k->set("country", c.country);  // where the hub has tiers; the list says the tier for all its candidates
            cs->add(k);
        }
        o->set("candidates", cs);
        out->add(o);
    }
    root->set("lists", out);
    return text(root);
}

std::string write(const std::vector<HubChange>& changes, std::int64_t cursor) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("cursor", cursor);
    Array::Ptr out = new Array;
    for (const auto& c : changes) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("seq", c.seq);
        o->set("kind", c.kind);
        o->set("acquisition", object(c.acquisition));
        out->add(o);
    }
    root->set("changes", out);
    return text(root);
}

std::string write(const std::vector<AgencyStats>& stats, const std::string& statistics, const std::string& tiers) {
    Array::Ptr out = new Array;
    for (const auto& s : stats) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("agency", s.agency);
        o->set("acquisitions", s.acquisitions);
        o->set("withdrawn", s.withdrawn);
        o->set("leads", s.leads);
        o->set("hits", s.hits);
        o->set("eliminated", s.eliminated);
        o->set("median_hours_to_lead", s.medianHoursToLead);
        out->add(o);
    }
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("agencies", out);
    if (!statistics.empty()) root->set("statistics", Poco::JSON::Parser().parse(statistics));
    if (!tiers.empty()) root->set("tiers", Poco::JSON::Parser().parse(tiers));
    return text(root);
}

namespace {
Object::Ptr object(const HubFeedback& f) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", f.id);
    o->set("list_acquisition", f.listAcquisitionId);
    o->set("candidate_acquisition", f.candidateAcquisitionId);
    o->set("agency", f.agency);
    o->set("kind", f.kind);
    o->set("note", f.note);
    o->set("recorded_by", f.recordedBy);
    o->set("recorded_at", f.recordedAt);
    o->set("origin_hub", f.originHub);
    o->set("origin_id", f.originId);
    return o;
}
}  // namespace

std::string write(const HubFeedback& f) { return text(object(f)); }

std::string write(const std::vector<HubFeedback>& feedback, std::int64_t cursor) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("cursor", cursor);
    Array::Ptr out = new Array;
    for (const auto& f : feedback) out->add(object(f));
    root->set("feedback", out);
    return text(root);
}

std::string writeFeedbackInput(const HubFeedback& f) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", f.kind);
    o->set("note", f.note);
    o->set("recorded_by", f.recordedBy);
    o->set("recorded_at", f.recordedAt);
    return text(o);
}

HubFeedback readFeedbackInput(const std::string& body) {
    const auto o = parseObject(body);
    HubFeedback f;
    f.kind = str(o, "kind", true);
    f.note = str(o, "note", false);
    f.recordedBy = str(o, "recorded_by", true);
    f.recordedAt = str(o, "recorded_at", true);
    return f;
}

namespace {
HubFeedback feedbackFrom(const Object::Ptr& o) {
    HubFeedback f;
    f.id = integer(o, "id");
    f.listAcquisitionId = str(o, "list_acquisition", true);
    f.candidateAcquisitionId = str(o, "candidate_acquisition", true);
    f.agency = str(o, "agency", true);
    f.kind = str(o, "kind", true);
    f.note = str(o, "note", false);
    f.recordedBy = str(o, "recorded_by", false);
    f.recordedAt = str(o, "recorded_at", true);
    f.originHub = str(o, "origin_hub", false);
    f.originId = o->has("origin_id") ? integer(o, "origin_id") : 0;
    return f;
}
}  // namespace

HubFeedback readFeedbackItem(const std::string& body) { return feedbackFrom(parseObject(body)); }

std::vector<HubFeedback> readFeedback(const std::string& body, std::int64_t& cursor) {
    const auto root = parseObject(body);
    cursor = root->getValue<std::int64_t>("cursor");
    std::vector<HubFeedback> out;
    const auto list = root->getArray("feedback");
    if (!list) throw HubError(502, "the hub's answer has no 'feedback' list");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto o = list->getObject(unsigned(i));
        if (!o) throw HubError(502, "the hub's feedback list holds something other than objects");
        out.push_back(feedbackFrom(o));
    }
    return out;
}

std::string error(int status, const std::string& message) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("status", status);
    o.set("error", message);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

AcquisitionMetadata readMetadata(const std::string& body, std::string* sha256) {
    const auto o = parseObject(body);
    if (sha256) *sha256 = str(o, "sha256", false);
    return metadataFrom(o);
}
HubAcquisition readAcquisition(const std::string& body) { return acquisitionFrom(parseObject(body)); }

std::vector<LeadList> readLeadLists(const std::string& body, std::int64_t& cursor) {
    const auto root = parseObject(body);
    cursor = integer(root, "cursor");
    std::vector<LeadList> out;
    const auto lists = arrayField(root, "lists");
    for (std::size_t i = 0; i < lists->size(); ++i) {
        const auto o = lists->getObject(unsigned(i));
        if (!o) throw HubError(400, "lists[" + std::to_string(i) + "] must be an object");
        LeadList l;
        l.acquisitionId = str(o, "acquisition", true);
        l.caseRef = str(o, "case_ref", false);
        l.itemLabel = str(o, "item_label", false);
        l.cursor = integer(o, "cursor");
        l.correlatedAt = integer(o, "correlated_at");
        l.status = str(o, "status", true);
        l.tier = str(o, "tier", false, "national");
        if (o->has("holdings")) {
            l.holdings = int(integer(o, "holdings"));
            l.fullyCompared = int(integer(o, "fully_compared"));
            l.shortlist = str(o, "shortlist", false);
        }
        const auto cs = arrayField(o, "candidates");
        for (std::size_t j = 0; j < cs->size(); ++j) {
            const auto k = cs->getObject(unsigned(j));
            if (!k) throw HubError(400, "candidates[" + std::to_string(j) + "] must be an object");
            HubCandidate c;
            c.id = integer(k, "id");
            c.listAcquisitionId = l.acquisitionId;
            c.acquisitionId = str(k, "acquisition", true);
            c.rank = int(integer(k, "rank"));
            c.score = real(k, "score");
            c.scoreHigh = real(k, "score_high");
            c.details = k->has("details") ? text(k->get("details")) : "{}";
            c.agency = str(k, "agency", true);
            c.caliber = str(k, "caliber", false);
            c.itemType = str(k, "item_type", false);
            c.caseRef = str(k, "case_ref", false);
            c.disclosed = boolean(k, "disclosed");
            c.outcome = str(k, "outcome", false);
            c.country = str(k, "country", false);
            c.tier = str(k, "tier", false, l.tier);
            l.candidates.push_back(std::move(c));
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<HubChange> readChanges(const std::string& body, std::int64_t& cursor) {
    const auto root = parseObject(body);
    cursor = integer(root, "cursor");
    std::vector<HubChange> out;
    const auto changes = arrayField(root, "changes");
    for (std::size_t i = 0; i < changes->size(); ++i) {
        const auto o = changes->getObject(unsigned(i));
        if (!o) throw HubError(400, "changes[" + std::to_string(i) + "] must be an object");
        HubChange c;
        c.seq = integer(o, "seq");
        c.kind = str(o, "kind", true);
        if (!o->isObject("acquisition")) throw HubError(400, "field 'acquisition' must be an object");
        const auto a = o->getObject("acquisition");
        if (c.kind == "withdrawal") {
            c.acquisition.id = str(a, "id", true);
            c.acquisition.agency = str(a, "agency", false);
            c.acquisition.withdrawn = true;
        } else {
            c.acquisition = acquisitionFrom(a);
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<AgencyStats> readStats(const std::string& body) {
    const auto root = parseObject(body);
    std::vector<AgencyStats> out;
    const auto agencies = arrayField(root, "agencies");
    for (std::size_t i = 0; i < agencies->size(); ++i) {
        const auto o = agencies->getObject(unsigned(i));
        if (!o) throw HubError(400, "agencies[" + std::to_string(i) + "] must be an object");
        AgencyStats s;
        s.agency = str(o, "agency", true);
        s.acquisitions = integer(o, "acquisitions");
        s.withdrawn = integer(o, "withdrawn");
        s.leads = integer(o, "leads");
        s.hits = integer(o, "hits");
        s.eliminated = integer(o, "eliminated");
        s.medianHoursToLead = real(o, "median_hours_to_lead");
        out.push_back(s);
    }
    return out;
}

std::string readString(const std::string& body, const std::string& field) { return str(parseObject(body), field, true); }

}  // namespace striae::sync::json

namespace striae::sync::json {
bool readBool(const std::string& body, const std::string& field) {
    const auto o = parseObject(body);
    if (!o->has(field)) throw HubError(400, "field '" + field + "' is missing");
    return boolean(o, field);
}
}  // namespace striae::sync::json
