#pragma once
// A report of firearm records and trace requests (records::FirearmStatistics)
// as PDF: the filter it was made with (and the saved report's name), the
// counts by status, type, make, country, caliber and month (with a bar chart
// of the months), and the trace requests by status, overdue and turnaround.
// Needs a QGuiApplication (the CLI runs Qt's offscreen platform).
#include <string>

#include "striae/records/FirearmStatistics.h"

namespace striae::report {

// Written atomically: on any failure nothing is left at `pdfPath`.
void writeFirearmStatisticsPdf(const records::FirearmStatistics& statistics, const std::string& reportName, const std::string& pdfPath,
                               const std::string& softwareVersion);

}  // namespace striae::report
