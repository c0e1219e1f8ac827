#pragma once
// The JSON of the tiers (docs/hub-api.md, "Tiers"): participation agreements,
// submissions on a country's behalf and their reports, statistics per tier.
#include <string>
#include <vector>

#include "striae/sync/HubFederation.h"
#include "striae/sync/HubSubmissions.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {
struct TierStatistics;
}

namespace striae::sync::json {

std::string writeAgreementRules(const ParticipationAgreement& agreement);  // calibers, item_types, agencies, flagged_only
ParticipationAgreement readAgreementRules(const std::string& text);       // HubError 400 naming the field
std::string write(const ParticipationAgreement& agreement);
std::string write(const Submission& submission);
std::string write(const std::vector<Submission>& submissions);
// The report of a submission: what was asked, the scans, each one's lead list, the review (`frozen`: the
// report sent; otherwise the live view of GET /v1/submissions/{id}, with the submission's history).
std::string writeSubmissionReport(const Submission& submission, const std::vector<HubAcquisition>& acquisitions,
                                  const std::vector<LeadList>& lists, bool frozen = true);
std::string write(const TierStatistics& statistics);
std::vector<SubmissionOutcome> readSubmissionOutcomes(const std::string& text, std::string& conclusion, std::string& by);

}  // namespace striae::sync::json
