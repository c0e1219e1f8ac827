#include "striae/records/LeadRegister.h"

#include "StoreImpl.h"

namespace striae::records {

std::vector<LeadEntry> LeadRegister::leads(const User& viewer, const std::string& status) const {
    if (!status.empty() && !oneOf(status, {"open", "hit", "rejected"}))
        fail(RecordsError::Kind::InvalidInput, "lead status '" + status + "': expected open, hit or rejected");
    SQLite::Statement q(impl_.db,
                        "SELECT l.id, l.candidate_id, c.run_id, l.status, l.created_at, u.username, qc.number, qi.label, cc.number, ci.label, "
                        "cg.code, qa.caliber, c.score, (SELECT count(*) FROM lead_outcome o WHERE o.lead_id = l.id) "
                        "FROM lead l JOIN user u ON u.id = l.created_by JOIN candidate c ON c.id = l.candidate_id "
                        "JOIN correlation_run r ON r.id = c.run_id "
                        "JOIN acquisition qa ON qa.id = r.query_acquisition_id JOIN item qi ON qi.id = qa.item_id JOIN case_file qc ON qc.id = qi.case_id "
                        "JOIN acquisition ca ON ca.id = c.acquisition_id JOIN item ci ON ci.id = ca.item_id JOIN case_file cc ON cc.id = ci.case_id "
                        "JOIN agency cg ON cg.id = cc.agency_id "
                        "WHERE ?1 = '' OR l.status = ?1 ORDER BY l.id DESC");
    q.bind(1, status);
    std::vector<LeadEntry> out;
    while (q.executeStep()) {
        LeadEntry e;
        e.leadId = q.getColumn(0).getInt64();
        e.candidateId = q.getColumn(1).getInt64();
        e.runId = q.getColumn(2).getInt64();
        e.status = q.getColumn(3).getString();
        e.markedAt = q.getColumn(4).getString();
        e.markedBy = q.getColumn(5).getString();
        e.queryCase = q.getColumn(6).getString();
        e.queryItem = q.getColumn(7).getString();
        e.candidateCase = q.getColumn(8).getString();
        e.candidateItem = q.getColumn(9).getString();
        e.candidateAgency = q.getColumn(10).getString();
        e.caliber = q.getColumn(11).getString();
        e.score = q.getColumn(12).getDouble();
        e.outcomes = q.getColumn(13).getInt();
        out.push_back(std::move(e));
    }
    // Conclusions through the store, which hides them from pending blind verifiers.
    for (auto& e : out) {
        const auto hit = store_.hitOfLead(viewer, e.leadId);
        if (!hit) continue;
        e.hitId = hit->id;
        e.conclusion = hit->conclusion;
        e.conclusionHidden = hit->hidden;
        if (hit->hidden) e.status = "examined";  // "hit" or "rejected" would tell a blind verifier the conclusion
        e.examinedAt = hit->confirmedAt;
        e.verifications = hit->verifications;
        e.approved = hit->approved;
    }
    return out;
}

LeadRegister Store::leadRegister() const { return LeadRegister(*this, *impl_); }

}  // namespace striae::records
