#pragma once
// One trace request as PDF, for the file or the other agency: who asked whom
// about which firearm and why, priority and due date (overdue said), the
// answer or the rejection, every step and comment of its history, and its
// attachments by name, size and SHA-256. Needs a QGuiApplication.
#include <string>
#include <vector>

#include "striae/records/TraceRequests.h"

namespace striae::report {

// Written atomically: on any failure nothing is left at `pdfPath`.
void writeTraceRequestPdf(const records::TraceRequest& trace, const std::vector<records::TraceAttachment>& attachments,
                          const std::string& pdfPath, const std::string& softwareVersion);

}  // namespace striae::report
