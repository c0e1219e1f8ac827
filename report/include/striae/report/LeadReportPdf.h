#pragma once
// A lead's reports as PDF, from the model records::LeadReport (what goes in is
// decided below, in records; this only lays it out): the intelligence report
// (linked cases, items, both scans grey and lit with the matched cells and a
// scale bar, scores with what they are, conclusions, verification, approval,
// outcomes, the audit excerpt with the chain hash, and the cluster of linked
// incidents as a timeline (Qt Charts) and a link chart (Graphviz), with their
// tables) and the comparison report for
// court (method and parameters, software version, processing history,
// validation figures, the examiner's notes and conclusion, verifier, approver,
// signature lines). Qt's QTextDocument and QPdfWriter: needs a
// QApplication (the charts draw through Qt Charts; the offscreen platform
// will do: the CLI runs headless).
#include <string>

#include "striae/records/LeadReport.h"
#include "striae/records/Store.h"

namespace striae::report {

enum class ReportKind { Intelligence, Court };
ReportKind reportKindFromString(const std::string& name);  // "intelligence" or "court"; throws std::invalid_argument

// Writes the PDF atomically (a temporary beside it, renamed once complete):
// on any failure nothing is left at `pdfPath`. Scans the store cannot read
// (another agency's not disclosed) are said to be missing, not drawn.
void writeLeadReportPdf(const records::Store& store, const records::LeadReport& report, ReportKind kind, const std::string& pdfPath,
                        const std::string& softwareVersion);

}  // namespace striae::report
