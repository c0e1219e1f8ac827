#pragma once
// Statistics of firearm records and trace requests, and tailored reports
// (filters saved by name) — issue 19 point 5, docs/firearms.md. Counts are
// what they say: records of the agency by status, type, make, country of
// manufacture, caliber and month; its trace requests (sent and received) by
// status, how many are overdue, and the turnaround from submission to the
// answer or rejection (median and 90th percentile, in days).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct FirearmStatsFilter {
    std::string from, to;  // ISO dates, inclusive: a record's event date (else its report date, else when entered); a trace's submission
    std::string agency;    // whose records and traces; "" the viewer's agency
    std::string status, type, make, country, caliber;  // records only; each "" for any (make case-insensitive)
};

struct CountRow {
    std::string key;
    std::int64_t count = 0;
};

struct FirearmStatistics {
    FirearmStatsFilter filter;  // as applied (agency filled in)
    std::int64_t records = 0;
    std::vector<CountRow> byStatus, byType, byMake, byCountry, byCaliber, byMonth;  // most first; months in order
    std::int64_t tracesSent = 0, tracesReceived = 0, tracesOverdue = 0;
    std::vector<CountRow> tracesByStatus;
    int tracesAnswered = 0;                                  // answered or rejected, with a turnaround
    double medianTurnaroundDays = 0, p90TurnaroundDays = 0;  // 0 when none was answered
};

class FirearmReports {
public:
    explicit FirearmReports(Store::Impl& impl) : impl_(impl) {}
    // Any active user of the agency; another agency's figures only for an administrator.
    FirearmStatistics compute(const User& viewer, const FirearmStatsFilter& filter) const;
    // Tailored reports: a filter kept by name (records and trace officers, supervisors; audited). Saving an existing name replaces it.
    void save(const User& actor, const std::string& name, const FirearmStatsFilter& filter);
    void remove(const User& actor, const std::string& name);
    FirearmStatsFilter saved(const std::string& name) const;  // NotFound naming the report
    std::vector<std::pair<std::string, FirearmStatsFilter>> savedReports() const;

private:
    Store::Impl& impl_;
};

// {"filter": {...}, "records": {"total": N, "by_status": {...}, ...}, "traces": {...}}
std::string firearmStatisticsJson(const FirearmStatistics& s);
// section, key, count (CSV rows)
std::vector<std::vector<std::string>> firearmStatisticsRows(const FirearmStatistics& s);
std::string firearmStatisticsText(const FirearmStatistics& s);

}  // namespace striae::records
