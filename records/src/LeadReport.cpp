// The content of a lead's reports, gathered from the store as the viewer may see it.
#include "striae/records/LeadReport.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "StoreImpl.h"

namespace striae::records {

namespace {

ReportScan scanOf(const Store& store, SQLite::Database& db, Id acquisitionId) {
    ReportScan s;
    s.acquisition = store.acquisition(acquisitionId);
    s.item = store.item(s.acquisition.itemId);
    s.caseRecord = store.caseByNumber(s.item.caseNumber);
    s.acquiredBy = usernameOf(db, s.acquisition.acquiredBy);
    s.remote = store.isRemoteAcquisition(acquisitionId);
    return s;
}

// The figures behind each method, as docs/cmc.md and docs/bullets.md give them (kept in step with those pages).
std::vector<std::string> validationOf(const std::string& region) {
    if (region == "land")
        return {"Method: land signatures (CCF, CMS, CMPS) aligned over the bullet's phase; score = mean CCF of the aligned lands.",
                "Houston scans (../shared/data/houston): bullet level AUC 1.0000, known matches 0.550 / 0.589 / 0.742 "
                "(min / median / max), known non-matches 0.355 / 0.401 / 0.481; land level AUC 0.9281.",
                "Source: docs/bullets.md, section 'Validation on the Houston scans'. Not validated on other makes, "
                "ammunition or instruments."};
    return {"Method: Congruent Matching Cells (Song 2013; High CMC rule, Tong 2015), minimum of both directions.",
            "Weller et al. (2012), 95 scans, 4,465 pairs (370 known matches, 4,095 known non-matches): AUC 1.0000; "
            "known matches 15 / 32 / 39 CMCs (min / median / max), known non-matches 0 / 0 / 2; no pair misclassified at C >= 6.",
            "Likelihood ratios (when a calibration model is installed): leave-one-firearm-out on Weller, Cllr 0.0104 bits; "
            "see docs/validation.md for the error rates with their intervals and what they do not cover.",
            "Source: docs/cmc.md, section 'Validation'; docs/validation.md. Not validated on other makes, ammunition or instruments."};
}
}  // namespace

LeadReport LeadReportBuilder::build(const User& viewer, Id leadId) const {
    SQLite::Database& db = impl_.db;
    LeadReport r;
    SQLite::Statement lead(db, "SELECT l.candidate_id, c.run_id, l.status, l.note, l.created_by, l.created_at FROM lead l "
                               "JOIN candidate c ON c.id = l.candidate_id WHERE l.id = ?");
    lead.bind(1, leadId);
    if (!lead.executeStep()) fail(RecordsError::Kind::NotFound, "no lead " + std::to_string(leadId));
    r.leadId = leadId;
    r.candidateId = lead.getColumn(0).getInt64();
    r.runId = lead.getColumn(1).getInt64();
    r.status = lead.getColumn(2).getString();
    r.generatedAt = nowUtc();
    r.generatedBy = viewer.username;
    const CorrelationRun run = store_.run(r.runId);
    const auto candidates = store_.candidates(r.runId);
    const auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) { return c.id == r.candidateId; });
    if (it == candidates.end()) fail(RecordsError::Kind::Storage, "lead " + std::to_string(leadId) + "'s candidate is not in its run");
    r.query = scanOf(store_, db, run.queryAcquisitionId);
    r.candidate = scanOf(store_, db, it->acquisitionId);
    const bool bullet = r.query.acquisition.region == "land";
    r.method = bullet ? "Land signatures (CCF, CMPS, phase alignment), bullet to bullet" : "Congruent Matching Cells (" + displayName(r.query.acquisition.region) + ")";
    r.parameters = run.parameters;
    r.rank = it->rank;
    r.listLength = int(candidates.size());
    r.holdings = run.holdings;
    r.fullyCompared = run.fullyCompared;
    r.shortlist = run.shortlist;
    r.score = it->score;
    r.scoreHigh = it->scoreHigh;
    r.details = it->details;
    r.lr = bullet ? std::nullopt : candidateLikelihoodRatio(*it);
    if (r.lr) {
        r.scoreClass = "calibrated likelihood ratio (statistically validated; model " + r.lr->model + ")";
        r.scoreMeaning = "how many times more probable the comparison's CMC count is if both were fired by one firearm than by "
                         "different firearms, against the model's reference population";
    } else if (bullet) {
        r.scoreClass = "bullet score (interpretable, not a likelihood ratio)";
        r.scoreMeaning = "mean cross-correlation of the land pairs the best phase lines up (0 to 1); the second figure is the mean CMPS";
    } else {
        r.scoreClass = "CMC count (interpretable, not a likelihood ratio)";
        r.scoreMeaning = "cells of one scan that find the same registration in the other, fewer of both directions; "
                         "the second figure is the High CMC rule's count";
    }

    // The workflow's decisions, as the viewer may see them.
    SQLite::Statement review(db, "SELECT decision, note, reviewed_by, reviewed_at FROM review WHERE candidate_id = ?");
    review.bind(1, r.candidateId);
    if (review.executeStep())
        r.decisions.push_back({"review", usernameOf(db, review.getColumn(2).getInt64()), review.getColumn(3).getString(),
                               displayName(review.getColumn(0).getString()), "", review.getColumn(1).getString(), false});
    r.decisions.push_back({"lead", usernameOf(db, lead.getColumn(4).getInt64()), lead.getColumn(5).getString(), "Lead", "",
                           lead.getColumn(3).getString(), false});
    std::vector<AuditEvent> audit = store_.auditTrail(viewer, "candidate", r.candidateId);
    const auto leadEvents = store_.auditTrail(viewer, "lead", leadId);
    audit.insert(audit.end(), leadEvents.begin(), leadEvents.end());
    if (const auto hit = store_.hitOfLead(viewer, leadId)) {
        r.conclusionHidden = hit->hidden;
        if (hit->hidden) {
            r.decisions.push_back({"examination", "", hit->confirmedAt, "(hidden: blind verification pending)", "", "", false});
        } else {
            SQLite::Statement h(db, "SELECT note FROM hit WHERE id = ?");
            h.bind(1, hit->id);
            r.decisions.push_back({"examination", usernameOf(db, hit->examinerId), hit->confirmedAt, conclusionLabel(hit->conclusion),
                                   conclusionMeaning(hit->conclusion), h.executeStep() ? h.getColumn(0).getString() : "", false});
            SQLite::Statement v(db, "SELECT examiner_id, verified_at, conclusion, note, blind FROM verification WHERE hit_id = ? ORDER BY id");
            v.bind(1, hit->id);
            while (v.executeStep())
                r.decisions.push_back({"verification", usernameOf(db, v.getColumn(0).getInt64()), v.getColumn(1).getString(),
                                       conclusionLabel(v.getColumn(2).getString()), conclusionMeaning(v.getColumn(2).getString()),
                                       v.getColumn(3).getString(), v.getColumn(4).getInt() != 0});
        }
        SQLite::Statement a(db, "SELECT supervisor_id, approved_at, note FROM approval WHERE hit_id = ?");
        a.bind(1, hit->id);
        if (a.executeStep())
            r.decisions.push_back({"approval", usernameOf(db, a.getColumn(0).getInt64()), a.getColumn(1).getString(), "Approved", "",
                                   a.getColumn(2).getString(), false});
        const auto hitEvents = store_.auditTrail(viewer, "hit", hit->id);
        audit.insert(audit.end(), hitEvents.begin(), hitEvents.end());
    }
    std::sort(audit.begin(), audit.end(), [](const AuditEvent& a, const AuditEvent& b) { return a.id < b.id; });
    audit.erase(std::unique(audit.begin(), audit.end(), [](const AuditEvent& a, const AuditEvent& b) { return a.id == b.id; }), audit.end());
    r.audit = std::move(audit);
    r.outcomes = LeadOutcomes(impl_).ofLead(leadId);
    const auto report = store_.verifyAudit(false);
    r.chainVerified = report.ok();
    SQLite::Statement head(db, "SELECT last_id, last_hash FROM audit_head WHERE one = 1");
    if (head.executeStep()) {
        r.chainLastEvent = head.getColumn(0).getInt64();
        r.chainHead = head.getColumn(1).getString();
    }
    r.validation = validationOf(r.query.acquisition.region);

    // The cluster: cases reached from this lead's two through confirmed hits (and this lead itself).
    std::map<std::string, std::vector<ClusterLink>> linksOf;
    std::vector<ClusterLink> all;
    SQLite::Statement links(db, "SELECT l.id, l.status, qc.number, cc.number, coalesce(h.conclusion, ''), coalesce(h.confirmed_at, l.created_at) "
                                "FROM lead l JOIN candidate c ON c.id = l.candidate_id JOIN correlation_run r ON r.id = c.run_id "
                                "JOIN acquisition qa ON qa.id = r.query_acquisition_id JOIN item qi ON qi.id = qa.item_id "
                                "JOIN case_file qc ON qc.id = qi.case_id JOIN acquisition ca ON ca.id = c.acquisition_id "
                                "JOIN item ci ON ci.id = ca.item_id JOIN case_file cc ON cc.id = ci.case_id "
                                "LEFT JOIN hit h ON h.lead_id = l.id WHERE l.status = 'hit' OR l.id = ? ORDER BY l.id");
    links.bind(1, leadId);
    while (links.executeStep()) {
        ClusterLink link{links.getColumn(2).getString(), links.getColumn(3).getString(), links.getColumn(0).getInt64(),
                         links.getColumn(1).getString(), links.getColumn(4).getString(), links.getColumn(5).getString()};
        // A pending blind verifier of a link's hit learns neither its conclusion nor, through the status, what it was.
        if (const auto hit = store_.hitOfLead(viewer, link.leadId); hit && hit->hidden) {
            link.conclusion.clear();
            link.status = "examined";
            if (link.leadId != leadId) continue;
        }
        linksOf[link.fromCase].push_back(link);
        linksOf[link.toCase].push_back(link);
        all.push_back(link);
    }
    std::set<std::string> reached{r.query.caseRecord.number, r.candidate.caseRecord.number};
    std::deque<std::string> queue(reached.begin(), reached.end());
    std::set<Id> taken;
    while (!queue.empty()) {
        const std::string at = queue.front();
        queue.pop_front();
        for (const auto& link : linksOf[at]) {
            if (taken.insert(link.leadId).second) r.clusterLinks.push_back(link);
            for (const auto& next : {link.fromCase, link.toCase})
                if (reached.insert(next).second) queue.push_back(next);
        }
    }
    for (const auto& number : reached) {
        const CaseRecord c = store_.caseByNumber(number);
        r.clusterCases.push_back({c.number, c.agencyCode, c.offence, c.offenceDate, c.location});
    }
    std::sort(r.clusterCases.begin(), r.clusterCases.end(),
              [](const ClusterCase& a, const ClusterCase& b) { return std::tie(a.offenceDate, a.number) < std::tie(b.offenceDate, b.number); });
    std::sort(r.clusterLinks.begin(), r.clusterLinks.end(), [](const ClusterLink& a, const ClusterLink& b) { return a.leadId < b.leadId; });
    return r;
}

LeadReportBuilder Store::reports() const { return LeadReportBuilder(*this, *impl_); }

}  // namespace striae::records
