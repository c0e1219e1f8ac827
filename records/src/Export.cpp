// A case with everything about it, as JSON: its items, scans, correlation
// runs, and the part of the record a court asks for — each candidate's
// review, lead, the examiner's conclusion, the verifications and the
// approval, with their audit events — as the exporting user may see them
// (a hit's conclusion stays hidden from its pending blind verifiers), and
// the state of the audit chain when it was exported.
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
// The review of a candidate and, when it became a lead, the lead with its hit.
Poco::JSON::Object::Ptr workflowOfCandidate(const Store& store, SQLite::Database& db, const User& viewer, Id candidateId) {
    auto w = object();
    SQLite::Statement r(db, "SELECT decision, note, reviewed_by, reviewed_at FROM review WHERE candidate_id = ?");
    r.bind(1, candidateId);
    if (r.executeStep()) {
        auto ro = object();
        ro->set("decision", r.getColumn(0).getString());
        ro->set("note", r.getColumn(1).getString());
        ro->set("by", usernameOf(db, r.getColumn(2).getInt64()));
        ro->set("at", r.getColumn(3).getString());
        w->set("review", ro);
    }
    w->set("audit", auditArray(store.auditTrail(viewer, "candidate", candidateId)));
    const auto lead = store.leadOfCandidate(candidateId);
    if (!lead) return w;
    auto lo = object();
    lo->set("id", lead->id);
    lo->set("status", lead->status);
    SQLite::Statement ln(db, "SELECT note FROM lead WHERE id = ?");
    ln.bind(1, lead->id);
    lo->set("note", ln.executeStep() ? ln.getColumn(0).getString() : std::string());
    lo->set("by", usernameOf(db, lead->createdBy));
    lo->set("at", lead->createdAt);
    lo->set("audit", auditArray(store.auditTrail(viewer, "lead", lead->id)));
    if (const auto hit = store.hitOfLead(viewer, lead->id)) {
        auto ho = object();
        ho->set("id", hit->id);
        ho->set("confirmedAt", hit->confirmedAt);
        ho->set("approved", hit->approved);
        if (hit->hidden) {
            // Blind verification: what was concluded, and by whom, is not for this viewer yet.
            ho->set("hidden", true);
            ho->set("verifications", hit->verifications);
        } else {
            ho->set("conclusion", hit->conclusion);
            ho->set("conclusionMeaning", conclusionMeaning(hit->conclusion));
            ho->set("examiner", usernameOf(db, hit->examinerId));
            SQLite::Statement hn(db, "SELECT note FROM hit WHERE id = ?");
            hn.bind(1, hit->id);
            ho->set("note", hn.executeStep() ? hn.getColumn(0).getString() : std::string());
            Poco::JSON::Array::Ptr verifications = new Poco::JSON::Array;
            SQLite::Statement v(db, "SELECT examiner_id, conclusion, blind, note, verified_at FROM verification WHERE hit_id = ? ORDER BY id");
            v.bind(1, hit->id);
            while (v.executeStep()) {
                auto vo = object();
                vo->set("examiner", usernameOf(db, v.getColumn(0).getInt64()));
                vo->set("conclusion", v.getColumn(1).getString());
                vo->set("blind", v.getColumn(2).getInt() != 0);
                vo->set("note", v.getColumn(3).getString());
                vo->set("at", v.getColumn(4).getString());
                verifications->add(vo);
            }
            ho->set("verifications", verifications);
        }
        SQLite::Statement a(db, "SELECT supervisor_id, note, approved_at FROM approval WHERE hit_id = ?");
        a.bind(1, hit->id);
        if (a.executeStep()) {
            auto ao = object();
            ao->set("by", usernameOf(db, a.getColumn(0).getInt64()));
            ao->set("note", a.getColumn(1).getString());
            ao->set("at", a.getColumn(2).getString());
            ho->set("approval", ao);
        }
        ho->set("audit", auditArray(store.auditTrail(viewer, "hit", hit->id)));
        lo->set("hit", ho);
    }
    w->set("lead", lo);
    return w;
}

}  // namespace

std::string Store::exportCase(const User& viewer, const std::string& caseNumber) const {
    const CaseRecord c = caseByNumber(caseNumber);
    auto root = object();
    root->set("format", "striae-case-export/2");
    root->set("exportedAt", nowUtc());
    root->set("exportedBy", viewer.username);
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
                    ko->set("workflow", workflowOfCandidate(*this, impl_->db, viewer, k.id));
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
    // Leads on this case's scans found by other cases' correlations: the same link, seen from here.
    Poco::JSON::Array::Ptr elsewhere = new Poco::JSON::Array;
    SQLite::Statement q(impl_->db,
                        "SELECT k.id, k.run_id, qc.number, qi.label, k.rank, k.score FROM lead l JOIN candidate k ON k.id = l.candidate_id "
                        "JOIN acquisition a ON a.id = k.acquisition_id JOIN item i ON i.id = a.item_id JOIN case_file c ON c.id = i.case_id "
                        "JOIN correlation_run r ON r.id = k.run_id JOIN acquisition qa ON qa.id = r.query_acquisition_id "
                        "JOIN item qi ON qi.id = qa.item_id JOIN case_file qc ON qc.id = qi.case_id "
                        "WHERE c.id = ? AND qc.id <> c.id ORDER BY l.id");
    q.bind(1, c.id);
    while (q.executeStep()) {
        auto eo = object();
        eo->set("candidate", q.getColumn(0).getInt64());
        eo->set("run", q.getColumn(1).getInt64());
        eo->set("queryCase", q.getColumn(2).getString());
        eo->set("queryItem", q.getColumn(3).getString());
        eo->set("rank", q.getColumn(4).getInt());
        eo->set("cmc", q.getColumn(5).getDouble());
        eo->set("workflow", workflowOfCandidate(*this, impl_->db, viewer, q.getColumn(0).getInt64()));
        elsewhere->add(eo);
    }
    cs->set("leadsFromOtherCases", elsewhere);
    root->set("case", cs);
    // The chain as it stood: a reader can check these events against a later verification.
    const auto report = verifyAudit(false);
    auto chain = object();
    chain->set("events", static_cast<Poco::UInt64>(report.events));
    SQLite::Statement head(impl_->db, "SELECT last_id, last_hash FROM audit_head WHERE one = 1");
    if (head.executeStep()) {
        chain->set("lastEvent", head.getColumn(0).getInt64());
        chain->set("lastHash", head.getColumn(1).getString());
    }
    chain->set("verified", report.ok());
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& p : report.problems) problems->add(p);
    chain->set("problems", problems);
    root->set("auditChain", chain);
    std::ostringstream out;
    root->stringify(out, 2);
    return out.str();
}

}  // namespace striae::records
