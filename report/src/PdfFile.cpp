#include "PdfFile.h"

#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>

#include <filesystem>
#include <stdexcept>

namespace striae::report {

void printToPdf(QTextDocument& doc, const std::string& pdfPath, const QString& title, const std::string& softwareVersion) {
    const std::filesystem::path target(pdfPath);
    std::filesystem::path temp = target;
    temp += ".partial";  // beside it, on the same file system, so the rename is atomic
    {
        QPdfWriter writer(QString::fromStdString(temp.string()));
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        writer.setResolution(300);
        writer.setTitle(title);
        writer.setCreator("Striae " + QString::fromStdString(softwareVersion));
        doc.print(&writer);
    }
    std::error_code ec;
    if (!std::filesystem::exists(temp, ec) || std::filesystem::file_size(temp, ec) == 0) {
        std::filesystem::remove(temp, ec);
        throw std::runtime_error("could not write the report to " + pdfPath);
    }
    std::filesystem::rename(temp, target, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        throw std::runtime_error("could not write the report to " + pdfPath + ": " + ec.message());
    }
}

}  // namespace striae::report
