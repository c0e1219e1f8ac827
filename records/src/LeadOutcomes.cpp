// The feedback loop's records: outcomes of leads, ours and received.
#include "striae/records/LeadOutcomes.h"

#include "StoreImpl.h"
#include "striae/records/Statistics.h"

namespace striae::records {

namespace {
const char* kColumns = "id, coalesce(lead_id, 0), coalesce(candidate_id, 0), kind, note, agency_code, recorded_by, recorded_at, "
                       "hub_feedback_id IS NOT NULL";

LeadOutcome outcomeFromRow(SQLite::Statement& q) {
    LeadOutcome o;
    o.id = q.getColumn(0).getInt64();
    o.leadId = q.getColumn(1).getInt64();
    o.candidateId = q.getColumn(2).getInt64();
    o.kind = q.getColumn(3).getString();
    o.note = q.getColumn(4).getString();
    o.agencyCode = q.getColumn(5).getString();
    o.recordedBy = q.getColumn(6).getString();
    o.recordedAt = q.getColumn(7).getString();
    o.received = q.getColumn(8).getInt() != 0;
    return o;
}

std::vector<LeadOutcome> select(SQLite::Database& db, const std::string& where, Id id) {
    SQLite::Statement q(db, std::string("SELECT ") + kColumns + " FROM lead_outcome " + where + " ORDER BY recorded_at, id");
    if (!where.empty()) q.bind(1, id);
    std::vector<LeadOutcome> out;
    while (q.executeStep()) out.push_back(outcomeFromRow(q));
    return out;
}

void validateKind(const std::string& kind) {
    if (!oneOf(kind, kLeadOutcomes))
        fail(RecordsError::Kind::InvalidInput, "outcome '" + kind + "': expected one of " + listOf(kLeadOutcomes));
}
}  // namespace

LeadOutcome LeadOutcomes::record(const User& actor, Id leadId, const std::string& kind, const std::string& note) {
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    validateKind(kind);
    validateText("outcome note", note, true);
    WriteTransaction t(impl_);
    SQLite::Statement lead(impl_.db, "SELECT candidate_id FROM lead WHERE id = ?");
    lead.bind(1, leadId);
    if (!lead.executeStep()) fail(RecordsError::Kind::NotFound, "no lead " + std::to_string(leadId));
    SQLite::Statement agency(impl_.db, "SELECT code FROM agency WHERE id = ?");
    agency.bind(1, actor.agencyId);
    const std::string agencyCode = agency.executeStep() ? agency.getColumn(0).getString() : std::string();
    SQLite::Statement q(impl_.db, "INSERT INTO lead_outcome(lead_id, candidate_id, kind, note, agency_code, recorded_by, recorded_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, leadId);
    q.bind(2, lead.getColumn(0).getInt64());
    q.bind(3, kind);
    q.bind(4, note);
    q.bind(5, agencyCode);
    q.bind(6, actor.username);
    q.bind(7, nowUtc());
    q.exec();
    const Id id = impl_.db.getLastInsertRowid();
    impl_.indexNote("outcome", id, note);
    impl_.audit(actor.id, "record_outcome", "lead", leadId, jsonObject({{"outcome", std::to_string(id)}, {"kind", kind}, {"note", note}}),
                {{"lead_outcome", id}});
    t.commit();
    return select(impl_.db, "WHERE id = ?", id).at(0);
}

std::vector<LeadOutcome> LeadOutcomes::ofLead(Id leadId) const { return select(impl_.db, "WHERE lead_id = ?", leadId); }
std::vector<LeadOutcome> LeadOutcomes::ofCandidate(Id candidateId) const { return select(impl_.db, "WHERE candidate_id = ?", candidateId); }
std::vector<LeadOutcome> LeadOutcomes::all() const { return select(impl_.db, "", 0); }

std::vector<OutcomeToSend> LeadOutcomes::toSend() const {
    SQLite::Statement q(impl_.db, "SELECT o.id, h.hub_candidate_id, o.kind, o.note, o.recorded_by, o.recorded_at FROM lead_outcome o "
                                  "JOIN hub_candidate h ON h.candidate_id = o.candidate_id "
                                  "WHERE o.hub_feedback_id IS NULL AND NOT EXISTS (SELECT 1 FROM outcome_sent s WHERE s.outcome_id = o.id) ORDER BY o.id");
    std::vector<OutcomeToSend> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                       q.getColumn(4).getString(), q.getColumn(5).getString()});
    return out;
}

void LeadOutcomes::markSent(Id outcomeId, std::int64_t hubId) {
    // Bookkeeping of the sync, beside the sealed row (which it does not change).
    SQLite::Statement q(impl_.db, "INSERT OR REPLACE INTO outcome_sent(outcome_id, hub_feedback_id, sent_at) VALUES (?, ?, ?)");
    q.bind(1, outcomeId);
    q.bind(2, hubId);
    q.bind(3, nowUtc());
    q.exec();
}

bool LeadOutcomes::receive(const User& actor, const HubOutcome& o) {
    validateKind(o.kind);
    validateText("outcome note", o.note, true);
    validateText("outcome agency", o.agencyCode, false, 64);
    validateText("outcome recorded by", o.recordedBy, false, 200);
    if (!parseIsoTime(o.recordedAt))
        fail(RecordsError::Kind::InvalidInput, "outcome time '" + o.recordedAt.substr(0, 40) + "' is not an ISO date and time");
    WriteTransaction t(impl_);
    SQLite::Statement known(impl_.db, "SELECT 1 FROM lead_outcome WHERE hub_feedback_id = ?");
    known.bind(1, o.hubId);
    if (known.executeStep()) return false;
    SQLite::Statement sent(impl_.db, "SELECT 1 FROM outcome_sent WHERE hub_feedback_id = ?");
    sent.bind(1, o.hubId);
    if (sent.executeStep()) return false;  // our own, coming back
    // The local candidate naming this pair: on the run of one acquisition, the candidate the other.
    SQLite::Statement pair(impl_.db,
                           "SELECT c.id, (SELECT l.id FROM lead l WHERE l.candidate_id = c.id) FROM candidate c "
                           "JOIN correlation_run r ON r.id = c.run_id "
                           "WHERE (r.query_acquisition_id IN (SELECT acquisition_id FROM outbox WHERE hub_id = ?1 UNION SELECT acquisition_id FROM hub_acquisition WHERE hub_id = ?1) "
                           "AND c.acquisition_id IN (SELECT acquisition_id FROM outbox WHERE hub_id = ?2 UNION SELECT acquisition_id FROM hub_acquisition WHERE hub_id = ?2)) "
                           "OR (r.query_acquisition_id IN (SELECT acquisition_id FROM outbox WHERE hub_id = ?2 UNION SELECT acquisition_id FROM hub_acquisition WHERE hub_id = ?2) "
                           "AND c.acquisition_id IN (SELECT acquisition_id FROM outbox WHERE hub_id = ?1 UNION SELECT acquisition_id FROM hub_acquisition WHERE hub_id = ?1)) "
                           "ORDER BY r.id DESC LIMIT 1");
    pair.bind(1, o.listAcquisitionId);
    pair.bind(2, o.candidateAcquisitionId);
    Id candidateId = 0, leadId = 0;
    if (pair.executeStep()) {
        candidateId = pair.getColumn(0).getInt64();
        leadId = pair.getColumn(1).isNull() ? 0 : pair.getColumn(1).getInt64();
    }
    SQLite::Statement q(impl_.db, "INSERT INTO lead_outcome(lead_id, candidate_id, kind, note, agency_code, recorded_by, recorded_at, "
                                  "hub_feedback_id, query_hub_id, candidate_hub_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (leadId) q.bind(1, leadId);
    if (candidateId) q.bind(2, candidateId);
    q.bind(3, o.kind);
    q.bind(4, o.note);
    q.bind(5, o.agencyCode);
    q.bind(6, o.recordedBy);
    q.bind(7, o.recordedAt);
    q.bind(8, o.hubId);
    q.bind(9, o.listAcquisitionId);
    q.bind(10, o.candidateAcquisitionId);
    q.exec();
    const Id id = impl_.db.getLastInsertRowid();
    impl_.indexNote("outcome", id, o.note);
    impl_.audit(actor.id, "receive_outcome", leadId ? "lead" : "candidate", leadId ? leadId : candidateId,
                jsonObject({{"outcome", std::to_string(id)}, {"kind", o.kind}, {"agency", o.agencyCode}, {"hub_feedback", std::to_string(o.hubId)}}),
                {{"lead_outcome", id}});
    t.commit();
    return true;
}

LeadOutcomes Store::outcomes() { return LeadOutcomes(*impl_); }

}  // namespace striae::records
