#pragma once
// What goes into a report of a lead or hit (the rendering, to PDF, lives above
// in report/): both cases, items and scans with their processing history, the
// score with what it is, every decision of the workflow, the outcomes, the
// audit excerpt and the chain's head, the method's validation figures, and
// the cluster of incidents linked to it by confirmed hits. Built as the viewer
// may see it: a conclusion stays hidden from a pending blind verifier.
#include <optional>
#include <string>
#include <vector>

#include "striae/records/LeadOutcomes.h"
#include "striae/records/Store.h"

namespace striae::records {

struct ReportScan {
    Acquisition acquisition;
    Item item;
    CaseRecord caseRecord;
    std::string acquiredBy;  // username
    bool remote = false;     // another agency's, pulled from the hub
};

struct ReportDecision {
    std::string step;  // review, lead, examination, verification, approval
    std::string by, at, decision, meaning, note;
    bool blind = false;
};

// One incident of the cluster and one confirmed link between two of them.
struct ClusterCase {
    std::string number, agency, offence, offenceDate, location;
};
struct ClusterLink {
    std::string fromCase, toCase;
    Id leadId = 0;
    std::string status, conclusion, at;
};

struct LeadReport {
    Id leadId = 0, candidateId = 0, runId = 0;
    std::string status;  // open, hit, rejected
    std::string generatedAt, generatedBy;
    ReportScan query, candidate;
    // The score and what it is (ANSI/ASB 062's classes): a CMC count is
    // interpretable, a calibrated LR statistically validated, a rank a rank.
    std::string method;       // e.g. "Congruent Matching Cells (breech face)"
    std::string parameters;   // the run's parameters, JSON
    int rank = 0, listLength = 0, holdings = 0, fullyCompared = 0;
    std::string shortlist;
    double score = 0, scoreHigh = 0;
    std::string scoreClass, scoreMeaning;
    std::optional<CandidateLr> lr;
    std::string details;  // the candidate's details JSON (registration, per-direction counts)
    std::vector<ReportDecision> decisions;
    bool conclusionHidden = false;
    std::vector<LeadOutcome> outcomes;
    std::vector<AuditEvent> audit;  // of the candidate, the lead and the hit, in order
    std::string chainHead;          // the audit chain's last hash when the report was made
    Id chainLastEvent = 0;
    bool chainVerified = false;
    std::vector<std::string> validation;  // the method's validation figures, each a line, with where they come from
    std::vector<ClusterCase> clusterCases;  // ordered by offence date
    std::vector<ClusterLink> clusterLinks;
};

class LeadReportBuilder {
public:
    LeadReportBuilder(const Store& store, Store::Impl& impl) : store_(store), impl_(impl) {}
    // Throws NotFound for an unknown lead.
    LeadReport build(const User& viewer, Id leadId) const;

private:
    const Store& store_;
    Store::Impl& impl_;
};

}  // namespace striae::records
