#pragma once
// The hub API's JSON forms (docs/hub-api.md), written by the server and read
// by the client and by peer hubs. Readers reject a wrong field by name.
#include <string>
#include <vector>

#include "striae/sync/HubTypes.h"

namespace striae::sync::json {

std::string write(const HubAcquisition& a);
std::string write(const std::vector<HubAcquisition>& acquisitions);  // {"acquisitions": [...]}
std::vector<HubAcquisition> readAcquisitions(const std::string& text);
// The metadata object of a push or an update; `sha256` (the scan's) is added when given.
std::string writeMetadata(const AcquisitionMetadata& m, const std::string& sha256 = {});
std::string write(const std::vector<LeadList>& lists, std::int64_t cursor);
std::string write(const std::vector<HubChange>& changes, std::int64_t cursor);
// {"agencies": [...], "statistics": {...}, "tiers": {...}} (the NIBIN statistics' JSON and the figures per tier, when given).
std::string write(const std::vector<AgencyStats>& stats, const std::string& statistics = {}, const std::string& tiers = {});
std::string write(const HubFeedback& feedback);
std::string write(const std::vector<HubFeedback>& feedback, std::int64_t cursor);  // {"cursor": N, "feedback": [...]}
std::string writeFeedbackInput(const HubFeedback& feedback);                      // kind, note, recorded_by, recorded_at
std::string error(int status, const std::string& message);

// Throws HubError(400) naming the field.
AcquisitionMetadata readMetadata(const std::string& text, std::string* sha256 = nullptr);
HubAcquisition readAcquisition(const std::string& text);
std::vector<LeadList> readLeadLists(const std::string& text, std::int64_t& cursor);
std::vector<HubChange> readChanges(const std::string& text, std::int64_t& cursor);
std::vector<AgencyStats> readStats(const std::string& text);
HubFeedback readFeedbackInput(const std::string& text);
std::vector<HubFeedback> readFeedback(const std::string& text, std::int64_t& cursor);
HubFeedback readFeedbackItem(const std::string& text);  // one stored feedback, as POST .../feedback answers
std::string readString(const std::string& text, const std::string& field);
bool readBool(const std::string& text, const std::string& field);

}  // namespace striae::sync::json
