#pragma once
// The report of a search on a country's behalf (an international hub's
// submission, docs/hub-api.md) as PDF, rendered from the report's JSON as the
// hub froze it: what the NCB asked, the scans acquired for it, each scan's
// lead list (rank, country, agency, scores, the reviewer's outcome), the
// conclusion, what the scores are, and the SHA-256 of the JSON it shows.
// Needs a QGuiApplication.
#include <string>

namespace striae::report {

// Written atomically; std::runtime_error naming the field when the JSON is not a submission's report.
void writeSubmissionReportPdf(const std::string& reportJson, const std::string& pdfPath, const std::string& softwareVersion);

}  // namespace striae::report
