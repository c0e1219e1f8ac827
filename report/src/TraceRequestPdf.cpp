#include "striae/report/TraceRequestPdf.h"

#include <QTextDocument>

#include "PdfFile.h"

namespace striae::report {

namespace {
QString e(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }
QString row(const QString& name, const QString& value) { return "<tr><td width='28%'><b>" + name + "</b></td><td>" + value + "</td></tr>"; }
}  // namespace

void writeTraceRequestPdf(const records::TraceRequest& t, const std::vector<records::TraceAttachment>& attachments, const std::string& pdfPath,
                          const std::string& softwareVersion) {
    QString h = "<html><body style='font-family: sans-serif; font-size: 9pt'>";
    h += "<h1>Trace request " + QString::number(t.id) + "</h1>";
    h += "<table cellspacing='0' cellpadding='3'>";
    h += row("From", e(t.fromAgency) + " (" + e(t.createdBy) + ", " + e(t.createdAt) + ")");
    h += row("To", e(t.toAgency));
    h += row("Status", e(t.status) + (t.overdue ? " — <span style='color:#b00020'><b>OVERDUE</b></span>" : QString()));
    h += row("Priority", e(t.priority) + (t.justification.empty() ? QString() : ": " + e(t.justification)));
    h += row("Due", e(t.dueDate));
    const auto& f = t.firearm;
    h += row("Firearm", "serial " + (f.serial.empty() ? QString("not given") : e(f.serial)) + (f.make.empty() ? QString() : ", " + e(f.make)) +
                            (f.model.empty() ? QString() : " " + e(f.model)) + (f.caliber.empty() ? QString() : ", " + e(f.caliber)) +
                            (f.type.empty() ? QString() : ", " + e(f.type)) +
                            (f.countryOfManufacture.empty() ? QString() : ", made in " + e(f.countryOfManufacture)));
    h += row("Reason", e(t.reason));
    if (!t.response.empty()) h += row(t.status == "rejected" ? "Rejected" : "Answer", e(t.response));
    h += "</table>";
    h += "<h2>History</h2><table border='1' cellspacing='0' cellpadding='3'><tr><th>At</th><th>Agency</th><th>By</th><th>What</th><th>Status</th>"
         "<th>Text</th></tr>";
    for (const auto& ev : t.history)
        h += "<tr><td>" + e(ev.at) + "</td><td>" + e(ev.agency) + "</td><td>" + e(ev.by) + "</td><td>" + e(ev.kind) + "</td><td>" +
             e(ev.fromStatus) + (ev.fromStatus == ev.toStatus ? QString() : " → " + e(ev.toStatus)) + "</td><td>" + e(ev.text) + "</td></tr>";
    h += "</table>";
    h += "<h2>Attachments</h2>";
    if (attachments.empty()) h += "<p>none</p>";
    else {
        h += "<table border='1' cellspacing='0' cellpadding='3'><tr><th>Name</th><th>Bytes</th><th>SHA-256</th><th>Agency</th><th>By</th><th>At</th></tr>";
        for (const auto& a : attachments)
            h += "<tr><td>" + e(a.name) + "</td><td align='right'>" + QString::number(a.size) + "</td><td><tt>" + e(a.sha256) + "</tt></td><td>" +
                 e(a.agency) + "</td><td>" + e(a.addedBy) + "</td><td>" + e(a.addedAt) + "</td></tr>";
        h += "</table>";
    }
    h += "</body></html>";
    QTextDocument doc;
    doc.setHtml(h);
    printToPdf(doc, pdfPath, "Trace request " + QString::number(t.id), softwareVersion);
}

}  // namespace striae::report
