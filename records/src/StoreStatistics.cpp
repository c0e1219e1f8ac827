// The store's statistics: its rows gathered in a few grouped queries (not one
// per scan), merged here, and computed by the shared computeStatistics.
#include "striae/records/StoreStatistics.h"

#include <stdexcept>
#include <unordered_map>

#include "StoreImpl.h"

namespace striae::records {

namespace {
std::string text(SQLite::Statement& q, int column) { return q.getColumn(column).isNull() ? std::string() : q.getColumn(column).getString(); }
}  // namespace

StatisticsInput StoreStatistics::input() const {
    SQLite::Database& db = impl_.db;
    StatisticsInput in;
    std::unordered_map<Id, std::size_t> evidenceOf;  // acquisition → index in in.evidence
    {
        // The store's own scans; a bullet counts once, by its first land (its runs are kept there).
        SQLite::Statement q(db, "SELECT a.id, g.code, a.caliber, i.recovered_at, a.acquired_at FROM acquisition a "
                                "JOIN item i ON i.id = a.item_id JOIN case_file c ON c.id = i.case_id JOIN agency g ON g.id = c.agency_id "
                                "WHERE NOT EXISTS (SELECT 1 FROM hub_acquisition h WHERE h.acquisition_id = a.id) "
                                "AND (a.region <> 'land' OR a.id = (SELECT min(b.id) FROM acquisition b WHERE b.item_id = a.item_id AND b.region = 'land'))");
        while (q.executeStep()) {
            EvidenceTimeline e;
            e.agency = text(q, 1);
            e.caliber = text(q, 2);
            e.recovered = epochSeconds(text(q, 3));
            e.entered = epochSeconds(text(q, 4));
            evidenceOf[q.getColumn(0).getInt64()] = in.evidence.size();
            in.evidence.push_back(std::move(e));
        }
    }
    {
        SQLite::Statement q(db, "SELECT query_acquisition_id, min(finished_at) FROM correlation_run GROUP BY query_acquisition_id");
        while (q.executeStep()) {
            const auto it = evidenceOf.find(q.getColumn(0).getInt64());
            if (it != evidenceOf.end()) in.evidence[it->second].correlated = epochSeconds(text(q, 1));
        }
    }
    {
        // Leads on the lists of the store's scans, with the conclusion that decided them.
        SQLite::Statement q(db, "SELECT r.query_acquisition_id, l.created_at, l.status, h.confirmed_at FROM lead l "
                                "JOIN candidate c ON c.id = l.candidate_id JOIN correlation_run r ON r.id = c.run_id "
                                "LEFT JOIN hit h ON h.lead_id = l.id");
        while (q.executeStep()) {
            const auto it = evidenceOf.find(q.getColumn(0).getInt64());
            if (it == evidenceOf.end()) continue;
            EvidenceTimeline& e = in.evidence[it->second];
            LeadRecord l;
            l.agency = e.agency;
            l.caliber = e.caliber;
            l.markedAt = epochSeconds(text(q, 1));
            l.status = text(q, 2);
            l.decidedAt = epochSeconds(text(q, 3));
            if (l.markedAt && (!e.lead || l.markedAt < e.lead)) e.lead = l.markedAt;
            if (l.status == "hit" && l.decidedAt && (!e.hit || l.decidedAt < e.hit)) e.hit = l.decidedAt;
            in.leads.push_back(std::move(l));
        }
    }
    {
        // The newest list of each scan, and whether anyone has started reviewing it.
        SQLite::Statement q(db, "SELECT r.query_acquisition_id, r.finished_at, "
                                "EXISTS (SELECT 1 FROM candidate c JOIN review v ON v.candidate_id = c.id WHERE c.run_id = r.id) "
                                "FROM correlation_run r WHERE r.id = (SELECT max(s.id) FROM correlation_run s "
                                "WHERE s.query_acquisition_id = r.query_acquisition_id) "
                                "AND EXISTS (SELECT 1 FROM candidate c WHERE c.run_id = r.id)");
        while (q.executeStep()) {
            const auto it = evidenceOf.find(q.getColumn(0).getInt64());
            if (it == evidenceOf.end()) continue;
            in.lists.push_back({in.evidence[it->second].agency, in.evidence[it->second].caliber, epochSeconds(text(q, 1)),
                                q.getColumn(2).getInt() != 0});
        }
    }
    {
        // Outcomes, ours and received, under the scan whose list holds the lead (or the pair's candidate).
        SQLite::Statement q(db, "SELECT o.kind, o.recorded_at, o.agency_code, r.query_acquisition_id FROM lead_outcome o "
                                "LEFT JOIN lead l ON l.id = o.lead_id "
                                "LEFT JOIN candidate c ON c.id = coalesce(o.candidate_id, l.candidate_id) "
                                "LEFT JOIN correlation_run r ON r.id = c.run_id");
        while (q.executeStep()) {
            OutcomeRecord o;
            o.kind = text(q, 0);
            o.recordedAt = epochSeconds(text(q, 1));
            o.agency = text(q, 2);
            if (!q.getColumn(3).isNull()) {
                const auto it = evidenceOf.find(q.getColumn(3).getInt64());
                if (it != evidenceOf.end()) {
                    o.agency = in.evidence[it->second].agency;
                    o.caliber = in.evidence[it->second].caliber;
                }
            }
            in.outcomes.push_back(std::move(o));
        }
    }
    return in;
}

Statistics StoreStatistics::compute(const StatisticsFilter& filter, std::int64_t now) const {
    try {
        return computeStatistics(input(), filter, now ? now : epochSeconds(nowUtc()));
    } catch (const std::invalid_argument& e) {
        fail(RecordsError::Kind::InvalidInput, e.what());
    }
}

StoreStatistics Store::statistics() const { return StoreStatistics(*impl_); }

}  // namespace striae::records
