#pragma once
// The NIBIN metrics: how fast evidence becomes a lead (turnaround recovery →
// entry → correlation → lead → hit, with the share within the 48 hours Crime
// Gun Intelligence Centers aim at), leads and hits per month, per agency and
// per caliber, the backlog of unreviewed lists, the confirmation rate of
// leads and what investigators reported came of them. A pure computation over
// timelines, so the case store and the hub (each extracting its own rows)
// compute the same figures the same way.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace striae::records {

// Seconds since the epoch (UTC) of an ISO date ("2026-03-01": midnight UTC) or
// date and time ("2026-03-01T14:05[:09[.123]][Z]"); nullopt for anything else.
std::optional<std::int64_t> parseIsoTime(const std::string& iso);
std::int64_t epochSeconds(const std::string& iso);  // 0 for "" or what parseIsoTime refuses

// One piece of evidence entered and searched: when it was recovered, entered
// (acquired), first correlated, first produced a lead and a hit (0: unknown or
// not yet).
struct EvidenceTimeline {
    std::string agency, caliber;
    std::int64_t recovered = 0, entered = 0, correlated = 0, lead = 0, hit = 0;
};

// A lead: when it was marked, whether an examiner confirmed it (hit),
// rejected it, or it is still open, and when that was decided.
struct LeadRecord {
    std::string agency, caliber;
    std::int64_t markedAt = 0;
    std::string status;  // open, hit, rejected
    std::int64_t decidedAt = 0;
};

// A correlation list and whether all its candidates have been reviewed.
struct ListRecord {
    std::string agency, caliber;
    std::int64_t correlatedAt = 0;
    bool reviewed = false;
};

// What an investigator reported came of a lead (the feedback loop).
struct OutcomeRecord {
    std::string agency, caliber, kind;  // kind: arrest, linked_cases, charge, no_value
    std::int64_t recordedAt = 0;
};

struct StatisticsInput {
    std::vector<EvidenceTimeline> evidence;
    std::vector<LeadRecord> leads;
    std::vector<ListRecord> lists;
    std::vector<OutcomeRecord> outcomes;
};

// Which part to count: a period (ISO dates, inclusive; "" open-ended) applied to
// when each thing happened (evidence entered, lead marked, list correlated,
// outcome recorded), and an agency and caliber ("" all).
struct StatisticsFilter {
    std::string from, to, agency, caliber;
};

// One stage of the turnaround, over the evidence that reached both ends.
struct StageFigures {
    std::string stage;  // e.g. "recovery_to_lead"
    int count = 0;
    double medianHours = 0, p90Hours = 0;
    double within48h = 0;  // fraction of `count`
};

struct GroupFigures {
    std::string key;  // a month (YYYY-MM), agency or caliber
    int entered = 0, leads = 0, hits = 0, rejected = 0, open = 0;
    // Hits over decided leads (hits + rejected); 0 when none was decided.
    double confirmationRate = 0;
};

struct Statistics {
    StatisticsFilter filter;
    int evidence = 0, leads = 0, hits = 0, rejected = 0, openLeads = 0;
    double confirmationRate = 0;
    std::vector<StageFigures> turnaround;  // recovery_to_entry, entry_to_correlation, correlation_to_lead, lead_to_hit, recovery_to_lead
    std::vector<GroupFigures> byMonth, byAgency, byCaliber;
    int unreviewedLists = 0;
    double oldestUnreviewedHours = 0;  // at `now`
    std::map<std::string, int> outcomes;  // kind → count
};

inline const std::vector<std::string> kTurnaroundStages{"recovery_to_entry", "entry_to_correlation", "correlation_to_lead",
                                                        "lead_to_hit", "recovery_to_lead"};
inline const std::vector<std::string> kLeadOutcomes{"arrest", "linked_cases", "charge", "no_value"};

// `now` (seconds since the epoch) ages the backlog. Throws std::invalid_argument
// for a filter date that is not an ISO date.
Statistics computeStatistics(const StatisticsInput& input, const StatisticsFilter& filter, std::int64_t now);

// The figures as JSON (one object) and as rows (section, key, metric, value) for CSV.
std::string statisticsJson(const Statistics& statistics);
std::vector<std::vector<std::string>> statisticsRows(const Statistics& statistics);
// Human-readable, for `striae stats` and `striae-hub stats`.
std::string statisticsText(const Statistics& statistics);

}  // namespace striae::records
