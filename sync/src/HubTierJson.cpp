#include "striae/sync/HubTierJson.h"

#include <Poco/JSON/Array.h>

#include "JsonFields.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/TierStatistics.h"

namespace striae::sync::json {

using Poco::JSON::Array;

namespace {

Array::Ptr array(const std::vector<std::string>& values) {
    Array::Ptr out = new Array;
    for (const auto& v : values) out->add(v);
    return out;
}

std::vector<std::string> strings(const Object::Ptr& o, const std::string& field) {
    std::vector<std::string> out;
    if (!o->has(field) || o->isNull(field)) return out;
    if (!o->isArray(field)) throw HubError(400, "field '" + field + "' must be an array of strings");
    const auto list = o->getArray(field);
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto v = list->get(unsigned(i));
        if (!v.isString()) throw HubError(400, "field '" + field + "' must be an array of strings");
        out.push_back(v.convert<std::string>());
    }
    return out;
}

Object::Ptr parsed(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }

}  // namespace

std::string writeAgreementRules(const ParticipationAgreement& a) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("calibers", array(a.calibers));
    o->set("item_types", array(a.itemTypes));
    o->set("agencies", array(a.agencies));
    o->set("flagged_only", a.flaggedOnly);
    return text(o);
}

ParticipationAgreement readAgreementRules(const std::string& body) {
    const auto o = parseObject(body);
    ParticipationAgreement a;
    a.calibers = strings(o, "calibers");
    a.itemTypes = strings(o, "item_types");
    a.agencies = strings(o, "agencies");
    a.flaggedOnly = o->has("flagged_only") ? boolean(o, "flagged_only") : true;
    return a;
}

std::string write(const ParticipationAgreement& a) {
    Object::Ptr o = parsed(writeAgreementRules(a));
    o->set("version", a.version);
    o->set("active", a.active);
    o->set("recorded_by", a.recordedBy);
    o->set("recorded_at", a.recordedAt);
    o->set("note", a.note);
    return text(o);
}

namespace {
Object::Ptr object(const Submission& s) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", s.id);
    o->set("country", s.country);
    o->set("owner", s.owner);
    o->set("ncb_reference", s.ncbReference);
    o->set("material", s.material);
    o->set("question", s.question);
    o->set("status", s.status);
    o->set("acquisitions", s.acquisitions);
    o->set("correlated", s.correlated);
    o->set("registered_by", s.registeredBy);
    o->set("operator", s.operatorAccount);
    o->set("registered_at", s.registeredAt);
    o->set("updated_at", s.updatedAt);
    o->set("conclusion", s.conclusion);
    o->set("reviewed_by", s.reviewedBy);
    o->set("reported_by", s.reportedBy);
    o->set("report_sha256", s.reportSha256);
    o->set("report_pdf_sha256", s.reportPdfSha256);
    Array::Ptr history = new Array;
    for (const auto& e : s.history) {
        Object::Ptr h = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        h->set("at", e.at);
        h->set("actor", e.actor);
        h->set("step", e.step);
        h->set("detail", e.detail);
        history->add(h);
    }
    o->set("history", history);
    return o;
}
}  // namespace

std::string write(const Submission& s) { return text(object(s)); }

std::string write(const std::vector<Submission>& submissions) {
    Object::Ptr root = new Object;
    Array::Ptr out = new Array;
    for (const auto& s : submissions) out->add(object(s));
    root->set("submissions", out);
    return text(root);
}

std::string writeSubmissionReport(const Submission& s, const std::vector<HubAcquisition>& acquisitions, const std::vector<LeadList>& lists,
                                  bool frozen) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (frozen) root->set("report", "search on behalf of a country");
    Object::Ptr submission = object(s);
    if (frozen) {
        submission->remove("history");
        submission->remove("report_sha256");
        submission->remove("report_pdf_sha256");
    }
    root->set("submission", submission);
    root->set("acquisitions", parsed(write(acquisitions))->getArray("acquisitions"));
    root->set("lead_lists", parsed(write(lists, 0))->getArray("lists"));
    root->set("scores",
              "Breech faces: score is the CMC count (congruent matching cells, original rule, the smaller of both directions), score_high "
              "the High-CMC count; bullets: score is the mean CCF of the aligned lands, score_high the mean CMPS. A likelihood ratio "
              "appears in details.lr only where the hub runs a calibration model, which it names (docs/validation.md). A candidate is a "
              "ranking, not an identification: the conclusion is the reviewer's.");
    return text(root);
}

std::string write(const TierStatistics& s) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("tier", s.tier);
    root->set("hub", s.hub);
    if (!s.country.empty()) root->set("country", s.country);
    root->set("from", s.from);
    root->set("to", s.to);
    Array::Ptr countries = new Array;
    for (const auto& c : s.countries) {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("country", c.country);
        o->set("holdings", c.holdings);
        o->set("withdrawn", c.withdrawn);
        o->set("international_searches", c.internationalSearches);
        o->set("cross_border_leads", c.crossBorderLeads);
        o->set("cross_border_hits", c.crossBorderHits);
        o->set("submissions_on_behalf", c.submissions);
        countries->add(o);
    }
    root->set("countries", countries);
    if (s.tier == "national") {
        Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("forwarded", s.forwarded);
        o->set("refused", s.refused);
        o->set("withdrawn", s.withdrawnFromInternational);
        o->set("lists", s.internationalLists);
        o->set("cross_border_leads", s.internationalLeads);
        o->set("cross_border_hits", s.internationalHits);
        root->set("international", o);
    }
    return text(root);
}

std::vector<SubmissionOutcome> readSubmissionOutcomes(const std::string& body, std::string& conclusion, std::string& by) {
    const auto o = parseObject(body);
    conclusion = str(o, "conclusion", true);
    by = str(o, "reviewed_by", true);
    std::vector<SubmissionOutcome> out;
    if (!o->has("outcomes")) return out;
    if (!o->isArray("outcomes")) throw HubError(400, "field 'outcomes' must be an array");
    const auto list = o->getArray("outcomes");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto k = list->getObject(unsigned(i));
        if (!k) throw HubError(400, "outcomes[" + std::to_string(i) + "] must be an object");
        out.push_back({integer(k, "candidate"), str(k, "outcome", true)});
    }
    return out;
}

}  // namespace striae::sync::json
