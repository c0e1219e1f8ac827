#include "striae/sync/HubStatistics.h"

#include <stdexcept>
#include <unordered_map>

#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

records::Statistics hubStatistics(HubDatabase& db, const records::StatisticsFilter& filter, std::int64_t now) {
    records::StatisticsInput in;
    std::unordered_map<std::string, std::size_t> evidenceOf;
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
    for (const auto& r : db.query("SELECT a.id, a.agency, a.caliber, a.recovered_at, a.acquired_at, a.uploaded_at, "
                                  "coalesce(l.correlated_at, 0), coalesce(l.status, '') FROM acquisition a "
                                  "LEFT JOIN lead_list l ON l.acquisition_id = a.id" + where,
                                  parameters)) {
        records::EvidenceTimeline e;
        e.agency = r.text(1);
        e.caliber = r.text(2);
        e.recovered = records::epochSeconds(r.text(3));
        // Entry is the site's acquisition time; without one, the upload to the hub.
        e.entered = records::epochSeconds(r.text(4));
        if (!e.entered) e.entered = r.integer(5) / 1000;
        if (r.text(7) == "correlated") e.correlated = r.integer(6) / 1000;
        evidenceOf.emplace(r.text(0), in.evidence.size());
        in.evidence.push_back(std::move(e));
    }
    // Each list's candidates that became leads, and whether anyone has reviewed the list.
    std::unordered_map<std::string, bool> reviewed;
    for (const auto& r : db.query("SELECT c.list_id, c.outcome, c.outcome_at, c.lead_at FROM candidate c JOIN acquisition a ON a.id = c.list_id" +
                                      where + " AND c.outcome <> ''",
                                  parameters)) {
        const auto it = evidenceOf.find(r.text(0));
        if (it == evidenceOf.end()) continue;
        reviewed[r.text(0)] = true;
        const std::int64_t leadAt = r.integer(3) / 1000;
        if (!leadAt) continue;  // eliminated without having been a lead
        auto& e = in.evidence[it->second];
        records::LeadRecord l;
        l.agency = e.agency;
        l.caliber = e.caliber;
        l.markedAt = leadAt;
        const std::string outcome = r.text(1);
        l.status = outcome == "hit" ? "hit" : outcome == "eliminated" ? "rejected" : "open";
        if (l.status != "open") l.decidedAt = r.integer(2) / 1000;
        if (!e.lead || leadAt < e.lead) e.lead = leadAt;
        if (l.status == "hit" && (!e.hit || l.decidedAt < e.hit)) e.hit = l.decidedAt;
        in.leads.push_back(std::move(l));
    }
    for (const auto& r : db.query("SELECT l.acquisition_id FROM lead_list l JOIN acquisition a ON a.id = l.acquisition_id" + where +
                                      " AND l.status = 'correlated' AND EXISTS (SELECT 1 FROM candidate c WHERE c.list_id = l.acquisition_id)",
                                  parameters)) {
        const auto it = evidenceOf.find(r.text(0));
        if (it == evidenceOf.end()) continue;
        const auto& e = in.evidence[it->second];
        in.lists.push_back({e.agency, e.caliber, e.correlated, reviewed.count(r.text(0)) > 0});
    }
    for (const auto& r : db.query("SELECT f.list_id, f.kind, f.recorded_at FROM feedback f JOIN acquisition a ON a.id = f.list_id" + where,
                                  parameters)) {
        const auto it = evidenceOf.find(r.text(0));
        if (it == evidenceOf.end()) continue;
        in.outcomes.push_back({in.evidence[it->second].agency, in.evidence[it->second].caliber, r.text(1), records::epochSeconds(r.text(2))});
    }
    try {
        return records::computeStatistics(in, filter, now ? now : nowMs() / 1000);
    } catch (const std::invalid_argument& e) {
        throw HubError(400, e.what());
    }
}

}  // namespace striae::sync
