// The feedback loop at the hub: an agency reports what came of a lead on its
// list; every agency holding either acquisition of the pair gets it at its
// next pull (GET /v1/feedback).
#include "striae/records/Statistics.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"

#include <algorithm>

namespace striae::sync {

namespace {
void checkText(const std::string& field, const std::string& value, std::size_t maxLength, bool multiline) {
    if (value.size() > maxLength) throw HubError(400, "field '" + field + "' is longer than " + std::to_string(maxLength) + " bytes");
    for (unsigned char c : value)
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            throw HubError(400, "field '" + field + "' holds a control character");
}
}  // namespace

HubFeedback HubStore::addFeedback(const Caller& caller, std::int64_t candidateId, const HubFeedback& input) {
    // The kinds the case stores record (records::kLeadOutcomes), so what one agency sends every other can store.
    if (std::find(records::kLeadOutcomes.begin(), records::kLeadOutcomes.end(), input.kind) == records::kLeadOutcomes.end())
        throw HubError(400, "field 'kind' is '" + input.kind.substr(0, 40) + "': expected arrest, linked_cases, charge or no_value");
    checkText("note", input.note, 4000, true);
    checkText("recorded_by", input.recordedBy, 200, false);
    if (!records::parseIsoTime(input.recordedAt))
        throw HubError(400, "field 'recorded_at' is '" + input.recordedAt.substr(0, 40) + "': expected an ISO date and time");
    HubTransaction t(db_);
    const auto rows = db_.query("SELECT l.agency, c.list_id, c.acquisition_id FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id "
                                "WHERE c.id = ?",
                                {candidateId});
    if (rows.empty()) throw HubError(404, "no candidate " + std::to_string(candidateId));
    if (rows[0].text(0) != caller.agency)
        throw HubError(403, "candidate " + std::to_string(candidateId) + " is on " + rows[0].text(0) +
                                "'s lead list; only that agency reports what came of it");
    HubFeedback f = input;
    f.id = db_.query("UPDATE counter SET value = value + 1 WHERE name = 'feedback' RETURNING value").at(0).integer(0);
    f.listAcquisitionId = rows[0].text(1);
    f.candidateAcquisitionId = rows[0].text(2);
    f.agency = caller.agency;
    db_.execute("INSERT INTO feedback(id, list_id, acquisition_id, agency, kind, note, recorded_by, recorded_at, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {f.id, f.listAcquisitionId, f.candidateAcquisitionId, f.agency, f.kind, f.note, f.recordedBy, f.recordedAt, nowMs()});
    t.commit();
    return f;
}

std::vector<HubFeedback> HubStore::feedback(const Caller& caller, std::int64_t since, int limit) {
    const std::int64_t count = std::clamp(limit, 1, 1000);
    // Only outcomes about a pair that holds one of the caller's acquisitions (a peer hub: all).
    const std::string scope = caller.peer ? std::string()
                                          : " AND (EXISTS (SELECT 1 FROM acquisition a WHERE a.id = f.list_id AND a.agency = ?) "
                                            "OR EXISTS (SELECT 1 FROM acquisition a WHERE a.id = f.acquisition_id AND a.agency = ?))";
    const std::vector<SqlValue> parameters = caller.peer ? std::vector<SqlValue>{since, count}
                                                         : std::vector<SqlValue>{since, caller.agency, caller.agency, count};
    const std::string sql = "SELECT f.id, f.list_id, f.acquisition_id, f.agency, f.kind, f.note, f.recorded_by, f.recorded_at "
                            "FROM feedback f WHERE f.id > ?" + scope + " ORDER BY f.id LIMIT ?";
    std::vector<HubFeedback> out;
    for (const auto& r : db_.query(sql, parameters))
        out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7)});
    return out;
}

}  // namespace striae::sync
