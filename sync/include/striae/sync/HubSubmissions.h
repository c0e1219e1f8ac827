#pragma once
// Searches on a country's behalf at an international hub (docs/hub-api.md,
// "Submissions on behalf"): a country without its own equipment sends test
// fires or double casts through its National Central Bureau; an operator
// registers the submission (the NCB's reference, the question asked),
// acquires the scans and imports them as the country's holdings (owned by
// the NCB's account, marked acquired on its behalf), the hub correlates them,
// the operator reviews the lists and sends the country a report. The steps
// are enforced here, not in a client:
//   registered -> acquired (a scan imported) -> reviewed (every scan's list
//   correlated, outcomes and a conclusion recorded) -> reported (the report
//   frozen as JSON, its PDF attached).
// Operators see every submission, an NCB its country's; each step is in the
// hub's audit trail and in the submission's own history.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/sync/HubAuditLog.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

class HubStore;

inline const std::vector<std::string> kSubmissionMaterials{"test_fires", "double_casts"};

struct SubmissionEvent {
    std::int64_t at = 0;
    std::string actor, step, detail;
};

struct Submission {
    std::string id;                 // S-<country>-<n>
    std::string country, owner;     // owner: the country's NCB account, which owns the holdings
    std::string ncbReference, material, question;
    std::string status;             // registered, acquired, reviewed, reported
    std::string registeredBy, operatorAccount, conclusion, reviewedBy, reportedBy;
    std::int64_t registeredAt = 0, updatedAt = 0;
    int acquisitions = 0, correlated = 0;  // scans imported, and how many have their lead list
    std::string reportSha256, reportPdfSha256;
    std::vector<SubmissionEvent> history;
};

struct SubmissionOutcome {
    std::int64_t candidateId = 0;
    std::string outcome;  // kHubOutcomes
};

class HubSubmissions {
public:
    explicit HubSubmissions(HubStore& store, HubAuditLog& audit, std::string reportsDir);  // creates its tables when missing

    Submission registerSubmission(const Caller& operatorCaller, const std::string& country, const std::string& ncbReference,
                                  const std::string& material, const std::string& question, const std::string& by);
    // HubError 404 unless the caller is an operator or the submission's country's NCB.
    Submission submission(const Caller& caller, const std::string& id);
    std::vector<Submission> submissions(const Caller& caller);
    // The acquisition to import as the country's holding: owner, country, the operator, the submission.
    // Checks the step (HubError 409 once reviewed); the caller stores it (HubStore::insertWithScan) and then calls acquired().
    HubAcquisition onBehalfAcquisition(const Caller& operatorCaller, const std::string& id, const AcquisitionMetadata& metadata,
                                       const std::string& sha256, std::int64_t size);
    void acquired(const Caller& operatorCaller, const std::string& id, const HubAcquisition& acquisition, bool created);
    std::vector<HubAcquisition> acquisitions(const std::string& id);
    // The operator's review: outcomes on the submission's lists and a conclusion (HubError 409 while a list is
    // not yet correlated, 400 for a candidate not on them).
    Submission review(const Caller& operatorCaller, const std::string& id, const std::vector<SubmissionOutcome>& outcomes,
                      const std::string& conclusion, const std::string& by);
    // Freezes the report, composed here from the submission, its scans, their lead lists and the review
    // (the JSON returned, kept by its SHA-256): only after the review.
    std::string freezeReport(const Caller& operatorCaller, const std::string& id, const std::string& by);
    std::string reportJson(const Caller& caller, const std::string& id);
    // Attaches the report's PDF (checked to be one), once frozen; its path for reading.
    void attachReportPdf(const Caller& operatorCaller, const std::string& id, const std::string& tempPath, const std::string& sha256);
    std::string reportPdfPath(const Caller& caller, const std::string& id);

private:
    Submission load(const std::string& id);
    void step(const std::string& id, const std::string& actor, const std::string& step, const std::string& detail,
              const std::string& status = {});
    HubStore& store_;
    HubAuditLog& audit_;
    std::string reportsDir_;
};

}  // namespace striae::sync
