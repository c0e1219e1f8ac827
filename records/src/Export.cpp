// A case with its items, scans, correlation runs and audit trail, as JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

namespace {
Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Array::Ptr auditArray(const std::vector<AuditEvent>& events) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& e : events) {
        auto o = object();
        o->set("id", e.id);
        o->set("at", e.at);
        o->set("user", e.userId);
        o->set("action", e.action);
        o->set("details", Poco::JSON::Parser().parse(e.details));
        o->set("hash", e.hash);
        out->add(o);
    }
    return out;
}
}  // namespace

std::string Store::exportCase(const std::string& caseNumber) const {
    const CaseRecord c = caseByNumber(caseNumber);
    auto root = object();
    root->set("format", "striae-case-export/1");
    root->set("exportedAt", nowUtc());
    auto cs = object();
    cs->set("number", c.number);
    cs->set("agency", c.agencyCode);
    cs->set("offence", c.offence);
    cs->set("offenceDate", c.offenceDate);
    cs->set("location", c.location);
    cs->set("notes", c.notes);
    cs->set("createdAt", c.createdAt);
    cs->set("audit", auditArray(auditTrail("case", c.id)));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Item& i : itemsOfCase(caseNumber)) {
        auto io = object();
        io->set("id", i.id);
        io->set("label", i.label);
        io->set("kind", i.kind);
        io->set("origin", i.origin);
        io->set("caliber", i.caliber);
        io->set("firingPinShape", i.firingPinShape);
        io->set("breechFaceMarks", i.breechFaceMarks);
        if (i.lands) io->set("lands", *i.lands);
        io->set("twist", i.twist);
        io->set("ammunition", i.ammunition);
        io->set("headstamp", i.headstamp);
        io->set("recoveredAt", i.recoveredAt);
        io->set("recoveredWhere", i.recoveredWhere);
        io->set("notes", i.notes);
        io->set("audit", auditArray(auditTrail("item", i.id)));
        Poco::JSON::Array::Ptr acqs = new Poco::JSON::Array;
        for (const Acquisition& a : acquisitionsOfItem(i.id)) {
            auto ao = object();
            ao->set("id", a.id);
            ao->set("region", a.region);
            ao->set("instrument", a.instrument);
            ao->set("fileSha256", a.fileSha256);
            ao->set("processedSha256", a.processedSha256);
            ao->set("processing", a.processing);
            ao->set("acquiredAt", a.acquiredAt);
            Poco::JSON::Array::Ptr runs = new Poco::JSON::Array;
            SQLite::Statement q(impl_->db, "SELECT id FROM correlation_run WHERE query_acquisition_id = ? ORDER BY id");
            q.bind(1, a.id);
            while (q.executeStep()) {
                const CorrelationRun r = run(q.getColumn(0).getInt64());
                auto ro = object();
                ro->set("id", r.id);
                ro->set("scope", r.scope);
                ro->set("finishedAt", r.finishedAt);
                ro->set("parameters", Poco::JSON::Parser().parse(r.parameters));
                ro->set("reviewed", r.reviewedCount);
                Poco::JSON::Array::Ptr cands = new Poco::JSON::Array;
                for (const Candidate& k : candidates(r.id)) {
                    auto ko = object();
                    ko->set("id", k.id);
                    ko->set("rank", k.rank);
                    ko->set("case", k.caseNumber);
                    ko->set("item", k.itemLabel);
                    ko->set("cmc", k.score);
                    ko->set("cmcHigh", k.scoreHigh);
                    ko->set("decision", k.decision);
                    ko->set("details", Poco::JSON::Parser().parse(k.details));
                    cands->add(ko);
                }
                ro->set("candidates", cands);
                runs->add(ro);
            }
            ao->set("correlationRuns", runs);
            ao->set("audit", auditArray(auditTrail("acquisition", a.id)));
            acqs->add(ao);
        }
        io->set("acquisitions", acqs);
        items->add(io);
    }
    cs->set("items", items);
    root->set("case", cs);
    std::ostringstream out;
    root->stringify(out, 2);
    return out.str();
}

}  // namespace striae::records
