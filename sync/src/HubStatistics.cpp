#include "striae/sync/HubStatistics.h"

#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

records::Statistics hubStatistics(HubDatabase& db, const records::StatisticsFilter& filter, std::int64_t now) {
    records::StatisticsInput in;
    const auto lock = db.lock();
    // Rows for the filter's agency and caliber only: at hub scale most agencies ask for their own.
    std::string where = " WHERE a.withdrawn = 0 AND a.land <= 1";
    std::vector<SqlValue> parameters;
    if (!filter.agency.empty()) {
        where += " AND a.agency = ?";
        parameters.push_back(filter.agency);
    }
    if (!filter.caliber.empty()) {
        where += " AND a.caliber = ?";
        parameters.push_back(filter.caliber);
    }
    // One row per acquisition with its list: when it was correlated, its state (0 no candidates,
    // 1 nobody reviewed one, 2 reviewed). The fixed-form columns (hex id, agency code, numbers) come
    // joined by '|' in one cell: at 100,000 rows converting each cell costs more than the query.
    std::unordered_map<std::string, std::size_t> evidenceOf;
    // A list's state per row: 2 if a candidate was reviewed (a partial index holds those), else 1 if it has any.
    const std::string listState = "CASE WHEN EXISTS (SELECT 1 FROM candidate c WHERE c.list_id = a.id AND c.outcome <> '') THEN 2 "
                                  "WHEN EXISTS (SELECT 1 FROM candidate c WHERE c.list_id = a.id) THEN 1 ELSE 0 END";
    for (const auto& r : db.query("SELECT a.id || '|' || a.agency || '|' || a.uploaded_at || '|' || "
                                  "CASE WHEN l.status = 'correlated' THEN l.correlated_at ELSE 0 END || '|' || "
                                  "CASE WHEN l.status = 'correlated' THEN " + listState + " ELSE 0 END, "
                                  "a.recovered_at, a.acquired_at, a.caliber "
                                  "FROM acquisition a LEFT JOIN lead_list l ON l.acquisition_id = a.id" + where,
                                  parameters)) {
        const std::string& packed = r.text(0);
        std::size_t at[4];
        at[0] = packed.find('|');
        for (int i = 1; i < 4; ++i) at[i] = packed.find('|', at[i - 1] + 1);
        if (at[3] == std::string::npos) continue;
        const auto number = [&](std::size_t from) { return std::int64_t(std::strtoll(packed.c_str() + from, nullptr, 10)); };
        records::EvidenceTimeline e;
        e.agency = packed.substr(at[0] + 1, at[1] - at[0] - 1);
        e.caliber = r.text(3);
        e.recovered = records::epochSeconds(r.text(1));
        // Entry is the site's acquisition time; without one, the upload to the hub.
        e.entered = records::epochSeconds(r.text(2));
        if (!e.entered) e.entered = number(at[1] + 1) / 1000;
        e.correlated = number(at[2] + 1) / 1000;
        if (const auto state = number(at[3] + 1)) in.lists.push_back({e.agency, e.caliber, e.correlated, state == 2});
        evidenceOf.emplace(packed.substr(0, at[0]), in.evidence.size());
        in.evidence.push_back(std::move(e));
    }
    // The candidates that became leads (lead_at; a partial index), with what the agency reported they came to,
    // joined here to the evidence read above (which holds the filter's rows only).
    for (const auto& r : db.query("SELECT c.list_id, c.outcome, c.outcome_at, c.lead_at FROM candidate c WHERE c.lead_at > 0")) {
        const auto it = evidenceOf.find(r.text(0));
        if (it == evidenceOf.end()) continue;
        auto& e = in.evidence[it->second];
        records::LeadRecord l;
        l.agency = e.agency;
        l.caliber = e.caliber;
        l.markedAt = r.integer(3) / 1000;
        const std::string outcome = r.text(1);
        l.status = outcome == "hit" ? "hit" : outcome == "eliminated" ? "rejected" : "open";
        if (l.status != "open") l.decidedAt = r.integer(2) / 1000;
        if (!e.lead || l.markedAt < e.lead) e.lead = l.markedAt;
        if (l.status == "hit" && (!e.hit || l.decidedAt < e.hit)) e.hit = l.decidedAt;
        in.leads.push_back(std::move(l));
    }
    for (const auto& r : db.query("SELECT f.list_id, f.kind, f.recorded_at FROM feedback f")) {
        const auto it = evidenceOf.find(r.text(0));
        if (it == evidenceOf.end()) continue;
        const auto& e = in.evidence[it->second];
        in.outcomes.push_back({e.agency, e.caliber, r.text(1), records::epochSeconds(r.text(2))});
    }
    try {
        return records::computeStatistics(in, filter, now ? now : nowMs() / 1000);
    } catch (const std::invalid_argument& e) {
        throw HubError(400, e.what());
    }
}

}  // namespace striae::sync
