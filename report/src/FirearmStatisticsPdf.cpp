#include "striae/report/FirearmStatisticsPdf.h"

#include <QImage>
#include <QPainter>
#include <QTextDocument>
#include <QUrl>

#include <algorithm>

#include "PdfFile.h"

namespace striae::report {

namespace {

QString escaped(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

QString table(const QString& title, const std::vector<records::CountRow>& rows) {
    QString h = "<h3>" + title + "</h3>";
    if (rows.empty()) return h + "<p>none</p>";
    h += "<table border='1' cellspacing='0' cellpadding='3'><tr><th align='left'>" + title + "</th><th align='right'>count</th></tr>";
    for (const auto& r : rows) h += "<tr><td>" + escaped(r.key) + "</td><td align='right'>" + QString::number(r.count) + "</td></tr>";
    return h + "</table>";
}

// Records per month as bars, each labelled with its month and count.
QImage monthChart(const std::vector<records::CountRow>& months) {
    const int width = 1600, height = 520, left = 90, bottom = 90, top = 30;
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(22);
    p.setFont(font);
    std::int64_t most = 1;
    for (const auto& m : months) most = std::max(most, m.count);
    const int plotHeight = height - bottom - top;
    p.drawLine(left, height - bottom, width - 20, height - bottom);
    p.drawLine(left, top, left, height - bottom);
    p.drawText(QRect(0, top - 10, left - 10, 30), Qt::AlignRight, QString::number(most));
    p.drawText(QRect(0, height - bottom - 15, left - 10, 30), Qt::AlignRight, "0");
    const int n = int(months.size());
    const double slot = n > 0 ? double(width - left - 40) / n : 0;
    for (int i = 0; i < n; ++i) {
        const int h = int(double(plotHeight) * double(months[std::size_t(i)].count) / double(most));
        const int x = left + 10 + int(slot * i);
        const int w = std::max(4, int(slot * 0.7));
        p.fillRect(x, height - bottom - h, w, h, QColor(60, 100, 160));
        p.drawText(QRect(x - 10, height - bottom - h - 30, w + 20, 28), Qt::AlignCenter, QString::number(months[std::size_t(i)].count));
        p.save();
        p.translate(x + w / 2.0, height - bottom + 8);
        p.rotate(45);
        p.drawText(QPoint(0, 12), QString::fromStdString(months[std::size_t(i)].key));
        p.restore();
    }
    return image;
}

}  // namespace

void writeFirearmStatisticsPdf(const records::FirearmStatistics& s, const std::string& reportName, const std::string& pdfPath,
                               const std::string& softwareVersion) {
    const auto& f = s.filter;
    QString h = "<html><body style='font-family: sans-serif; font-size: 9pt'>";
    h += "<h1>Firearm records and trace requests</h1>";
    h += "<p><b>Agency</b> " + escaped(f.agency) + " &nbsp; <b>Period</b> " + (f.from.empty() ? QString("from the start") : escaped(f.from)) +
         " to " + (f.to.empty() ? QString("now") : escaped(f.to)) + "</p>";
    if (!reportName.empty()) h += "<p><b>Saved report</b> " + escaped(reportName) + "</p>";
    QString filters;
    for (const auto& [name, value] : {std::pair{"status", &f.status}, std::pair{"type", &f.type}, std::pair{"make", &f.make},
                                      std::pair{"country", &f.country}, std::pair{"caliber", &f.caliber}})
        if (!value->empty()) filters += QString(filters.isEmpty() ? "" : ", ") + name + " " + escaped(*value);
    h += "<p><b>Records filtered by</b> " + (filters.isEmpty() ? QString("nothing (all)") : filters) + "</p>";
    h += "<p>What is counted: the agency's records that are not withdrawn, at their event date (else the date reported, else when "
         "entered); trace requests the agency sent or received, at their submission. Counts, not estimates.</p>";
    h += "<h2>Records: " + QString::number(s.records) + "</h2>";
    if (!s.byMonth.empty()) h += "<p><img src='figure:months' width='640'></p>";
    h += table("status", s.byStatus) + table("type", s.byType) + table("make", s.byMake) + table("country of manufacture", s.byCountry) +
         table("caliber", s.byCaliber) + table("month", s.byMonth);
    h += "<h2>Trace requests: " + QString::number(s.tracesSent) + " sent, " + QString::number(s.tracesReceived) + " received</h2>";
    h += "<p><b>Overdue</b> (open past their due date): " + QString::number(s.tracesOverdue) + "</p>";
    h += table("status", s.tracesByStatus);
    h += "<p><b>Turnaround</b>, submission to answer or rejection, over " + QString::number(s.tracesAnswered) + " request(s): median " +
         QString::number(s.medianTurnaroundDays, 'f', 1) + " days, 90th percentile " + QString::number(s.p90TurnaroundDays, 'f', 1) +
         " days</p>";
    h += "</body></html>";
    QTextDocument doc;
    if (!s.byMonth.empty()) doc.addResource(QTextDocument::ImageResource, QUrl("figure:months"), monthChart(s.byMonth));
    doc.setHtml(h);
    printToPdf(doc, pdfPath, "Firearm records and trace requests, " + QString::fromStdString(f.agency), softwareVersion);
}

}  // namespace striae::report
