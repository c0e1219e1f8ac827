#pragma once
// A QTextDocument printed to an A4 PDF atomically: a temporary beside the
// target, renamed once complete; on any failure nothing is left at `pdfPath`.
#include <QString>
#include <QTextDocument>

#include <string>

namespace striae::report {

void printToPdf(QTextDocument& doc, const std::string& pdfPath, const QString& title, const std::string& softwareVersion);

}  // namespace striae::report
