// The feedback loop at the hub: an agency reports what came of a lead on its
// list; every agency holding either acquisition of the pair gets it at its
// next pull (GET /v1/feedback). Peer hubs read the whole feed and store each
// outcome once (by the hub it was first reported to and its id there), so it
// reaches the agencies of every hub that holds the pair.
#include "striae/records/Statistics.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"
#include "TextFields.h"

#include <algorithm>

namespace striae::sync {

namespace {
void checkFeedback(const HubFeedback& f) {
    // The kinds the case stores record (records::kLeadOutcomes), so what one agency sends every other can store.
    if (std::find(records::kLeadOutcomes.begin(), records::kLeadOutcomes.end(), f.kind) == records::kLeadOutcomes.end())
        throw HubError(400, "field 'kind' is '" + f.kind.substr(0, 40) + "': expected arrest, linked_cases, charge or no_value");
    checkTextField("note", f.note, 4000, true);
    checkTextField("recorded_by", f.recordedBy, 200, false);
    if (!records::parseIsoTime(f.recordedAt))
        throw HubError(400, "field 'recorded_at' is '" + f.recordedAt.substr(0, 40) + "': expected an ISO date and time");
}

const char* kInsertFeedback =
    "INSERT INTO feedback(id, list_id, acquisition_id, agency, kind, note, recorded_by, recorded_at, received_at, origin_hub, origin_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}  // namespace

HubFeedback HubStore::addFeedback(const Caller& caller, std::int64_t candidateId, const HubFeedback& input) {
    checkFeedback(input);
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
    f.originHub = hubName_;
    f.originId = f.id;
    db_.execute(kInsertFeedback, {f.id, f.listAcquisitionId, f.candidateAcquisitionId, f.agency, f.kind, f.note, f.recordedBy, f.recordedAt,
                                  nowMs(), f.originHub, f.originId});
    t.commit();
    return f;
}

bool HubStore::applyReplicatedFeedback(const HubFeedback& f) {
    checkFeedback(f);
    if (f.originHub.empty() || f.originId <= 0) throw HubError(502, "a peer sent an outcome without its origin (hub and id)");
    if (f.listAcquisitionId.empty() || f.candidateAcquisitionId.empty() || f.agency.empty())
        throw HubError(502, "a peer sent an outcome without its pair or agency");
    HubTransaction t(db_);
    // Each hub gives it an id of its own (its agencies' cursors count those); the origin makes it one outcome everywhere.
    if (!db_.query("SELECT 1 FROM feedback WHERE origin_hub = ? AND origin_id = ?", {f.originHub, f.originId}).empty()) return false;
    const std::int64_t id = db_.query("UPDATE counter SET value = value + 1 WHERE name = 'feedback' RETURNING value").at(0).integer(0);
    db_.execute(kInsertFeedback, {id, f.listAcquisitionId, f.candidateAcquisitionId, f.agency, f.kind, f.note, f.recordedBy, f.recordedAt,
                                  nowMs(), f.originHub, f.originId});
    t.commit();
    return true;
}

std::vector<HubFeedback> HubStore::feedback(const Caller& caller, std::int64_t since, int limit) {
    const std::int64_t count = std::clamp(limit, 1, 1000);
    // Only outcomes about a pair that holds one of the caller's acquisitions (a peer hub: all).
    const std::string scope = caller.peer ? std::string()
                                          : " AND (EXISTS (SELECT 1 FROM acquisition a WHERE a.id = f.list_id AND a.agency = ?) "
                                            "OR EXISTS (SELECT 1 FROM acquisition a WHERE a.id = f.acquisition_id AND a.agency = ?))";
    const std::vector<SqlValue> parameters = caller.peer ? std::vector<SqlValue>{since, count}
                                                         : std::vector<SqlValue>{since, caller.agency, caller.agency, count};
    const std::string sql = "SELECT f.id, f.list_id, f.acquisition_id, f.agency, f.kind, f.note, f.recorded_by, f.recorded_at, f.origin_hub, "
                            "f.origin_id FROM feedback f WHERE f.id > ?" + scope + " ORDER BY f.id LIMIT ?";
    std::vector<HubFeedback> out;
    for (const auto& r : db_.query(sql, parameters))
        out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8), r.integer(9)});
    return out;
}

}  // namespace striae::sync
