#include "striae/report/LeadReportPdf.h"

#include <QBuffer>
#include <QFile>
#include <QPageLayout>
#include <QPageSize>
#include "PdfFile.h"
#include <QTextDocument>
#include <QUrl>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "ClusterCharts.h"
#include "ScanFigure.h"
#include "striae/imaging/Preprocess.h"
#include "striae/matching/Cmc.h"

namespace striae::report {

namespace {

QString esc(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped().replace("\n", "<br>"); }
QString orDash(const std::string& text) { return text.empty() ? QString("—") : esc(text); }

QString row(const QString& label, const QString& value) { return "<tr><td class='k'>" + label + "</td><td>" + value + "</td></tr>"; }

QString scanTable(const records::ReportScan& s) {
    QString h = "<table class='kv'>";
    h += row("Case", esc(s.caseRecord.number) + (s.remote ? " (another agency's, through the hub)" : ""));
    h += row("Agency", orDash(s.caseRecord.agencyCode));
    h += row("Offence", orDash(s.caseRecord.offence) + (s.caseRecord.offenceDate.empty() ? "" : ", " + esc(s.caseRecord.offenceDate)));
    h += row("Place", orDash(s.caseRecord.location));
    h += row("Item", esc(s.item.label) + " — " + esc(records::displayName(s.item.kind)) + ", " + esc(records::displayName(s.item.origin)) +
                         ", caliber " + orDash(s.item.caliber));
    h += row("Recovered", orDash(s.item.recoveredAt) + (s.item.recoveredWhere.empty() ? "" : ", " + esc(s.item.recoveredWhere)));
    h += row("Scan", "acquisition " + QString::number(s.acquisition.id) + ", " + esc(records::displayName(s.acquisition.region)) +
                         (s.acquisition.land ? " " + QString::number(*s.acquisition.land) : "") + ", acquired " + orDash(s.acquisition.acquiredAt) +
                         (s.acquiredBy.empty() ? "" : " by " + esc(s.acquiredBy)));
    h += row("Instrument", orDash(s.acquisition.instrument));
    h += row("SHA-256 (raw / processed)", "<span class='mono'>" + orDash(s.acquisition.fileSha256) + "<br>" +
                                              orDash(s.acquisition.processedSha256) + "</span>");
    return h + "</table>";
}

// JSON laid out one field a line (parameters, processing history), or the text as it is.
std::string prettyJson(const std::string& text) {
    try {
        std::ostringstream out;
        Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>()->stringify(out, 1);
        return out.str();
    } catch (const std::exception&) {
        return text;
    }
}

QString processingOf(const records::ReportScan& s) {
    if (s.acquisition.processing.empty()) return "—";
    return "<pre>" + esc(prettyJson(s.acquisition.processing)) + "</pre>";  // as it was recorded (docs/data-formats.md)
}

QString scoreText(const records::LeadReport& r) {
    QString h = "<table class='kv'>";
    h += row("Method", esc(r.method));
    const bool bullet = r.query.acquisition.region == "land";
    h += row(bullet ? "Bullet score" : "CMC count",
             QString::number(r.score, 'g', 4) + (bullet ? " (mean CMPS " : " (High CMC rule: ") + QString::number(r.scoreHigh, 'g', 4) + ")");
    h += row("What the score is", esc(r.scoreClass));
    h += row("What it means", esc(r.scoreMeaning));
    if (r.lr) {
        QString lr = QString("log<sub>10</sub> LR = %1 (95 % interval %2 to %3)").arg(r.lr->log10Lr, 0, 'f', 2).arg(r.lr->lowerLog10, 0, 'f', 2).arg(r.lr->upperLog10, 0, 'f', 2);
        if (!r.lr->bound.empty()) lr += ", at the " + esc(r.lr->bound) + " bound of what the reference data support";
        lr += "; from calibration model " + esc(r.lr->model) + " (its validation: docs/validation.md and the model file's own figures)";
        h += row("Likelihood ratio", lr);
    }
    h += row("Rank", QString("%1 of %2 candidates").arg(r.rank).arg(r.listLength));
    if (r.holdings > 0)
        h += row("Search", QString("%1 holdings in the partition, %2 fully compared (shortlist %3)").arg(r.holdings).arg(r.fullyCompared).arg(esc(r.shortlist)));
    return h + "</table>";
}

QString decisionsTable(const records::LeadReport& r) {
    QString h = "<table class='grid'><tr><th>Step</th><th>By</th><th>When</th><th>Decision</th><th>Note</th></tr>";
    for (const auto& d : r.decisions) {
        QString decision = esc(d.decision);
        if (!d.meaning.empty()) decision += "<br><span class='small'>" + esc(d.meaning) + "</span>";
        if (d.step == "verification") decision += d.blind ? " (blind)" : " (not blind)";
        h += "<tr><td>" + esc(d.step) + "</td><td>" + orDash(d.by) + "</td><td>" + esc(d.at) + "</td><td>" + decision + "</td><td>" + esc(d.note) +
             "</td></tr>";
    }
    return h + "</table>";
}

QString auditTable(const records::LeadReport& r) {
    QString h = "<table class='grid'><tr><th>Event</th><th>When</th><th>User</th><th>Action</th><th>Hash</th></tr>";
    for (const auto& e : r.audit)
        h += "<tr><td>" + QString::number(e.id) + "</td><td>" + esc(e.at) + "</td><td>" + QString::number(e.userId) + "</td><td>" + esc(e.action) +
             "</td><td class='mono'>" + esc(e.hash.substr(0, 16)) + "…</td></tr>";
    h += "</table><p>Audit chain when this report was made: " + QString::number(r.chainLastEvent) + " events, last hash</p><p class='mono'>" +
         esc(r.chainHead) + "</p><p>" + (r.chainVerified ? "The chain verified intact." : "<b>The chain did not verify: see `striae audit verify`.</b>") +
         "</p>";
    return h;
}

QString clusterSection(const records::LeadReport& r, bool timeline, int linkChartWidth) {
    QString h = "<h2>Linked incidents</h2><p>Cases joined to this lead's two through confirmed hits (and this lead), across agencies.</p>";
    if (timeline)
        h += "<p align='center'><img src='figure:timeline' width='620'></p><p class='small'>Timeline: each case at its offence date, on its agency's row; "
             "a solid line is a confirmed hit, a dashed one a lead not (yet) confirmed.</p>";
    if (linkChartWidth > 0)
        h += "<p align='center'><img src='figure:links' width='" + QString::number(linkChartWidth) + "'></p><p class='small'>Link chart: cases as "
             "nodes in their agency's box, leads as edges (solid: hit, dashed: not confirmed); laid out by Graphviz (dot).</p>";
    h += "<p>The cases in order of offence date, and the links between them:</p><table class='grid'><tr><th>Date</th><th>Case</th><th>Agency</th><th>Offence</th><th>Place</th></tr>";
    for (const auto& c : r.clusterCases)
        h += "<tr><td>" + orDash(c.offenceDate) + "</td><td>" + esc(c.number) + "</td><td>" + orDash(c.agency) + "</td><td>" + orDash(c.offence) +
             "</td><td>" + orDash(c.location) + "</td></tr>";
    h += "</table><br><table class='grid'><tr><th>Lead</th><th>Link</th><th>State</th><th>Conclusion</th><th>When</th></tr>";
    for (const auto& l : r.clusterLinks)
        h += "<tr><td>" + QString::number(l.leadId) + "</td><td>" + esc(l.fromCase) + " — " + esc(l.toCase) + "</td><td>" + esc(l.status) +
             "</td><td>" + (l.conclusion.empty() ? QString("—") : esc(records::conclusionLabel(l.conclusion))) + "</td><td>" + esc(l.at) + "</td></tr>";
    return h + "</table>";
}

// The two figures: each scan with the cells it registered in the other (the comparison view's picture).
struct Figures {
    QImage query, candidate;
    QString note;
};

Figures figuresOf(const records::Store& store, const records::LeadReport& r) {
    Figures f;
    if (r.query.acquisition.processedSha256.empty() || r.candidate.acquisition.processedSha256.empty()) {
        f.note = "The other agency has not disclosed its scan: it is not shown.";
        return f;
    }
    imaging::Surface a = store.readScan(r.query.acquisition.processedSha256).surface;
    imaging::Surface b = store.readScan(r.candidate.acquisition.processedSha256).surface;
    if (r.query.acquisition.region == "land") {
        f.query = scanFigure(a, {});
        f.candidate = scanFigure(b, {});
        f.note = "A land of each bullet (land " + QString::number(r.query.acquisition.land.value_or(1)) + " and " +
                 QString::number(r.candidate.acquisition.land.value_or(1)) + "), grey and lit from the upper left.";
        return f;
    }
    const matching::CmcResult cmc = matching::compareCmc(a, b);
    auto atCommon = [&](const imaging::Surface& s) {
        return cmc.spacing > 0 && std::abs(s.spacingX() / cmc.spacing - 1) > 0.01 ? imaging::resample(s, cmc.spacing) : s;
    };
    f.query = scanFigure(atCommon(a), cmc.forward.cells);
    f.candidate = scanFigure(atCommon(b), cmc.backward.cells);
    f.note = QString("Grey, lit from the upper left; cells outlined, the congruent ones green (%1 and %2 of them in the two directions; "
                     "recomputed with the default CMC parameters for this figure).")
                 .arg(cmc.forward.originalCount)
                 .arg(cmc.backward.originalCount);
    return f;
}

const char* kStyle =
    "body { font-family: 'DejaVu Sans'; font-size: 9pt; } h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 14px; }"
    "table.kv td { padding: 1px 6px 1px 0; vertical-align: top; } td.k { color: #444; font-weight: bold; }"
    "table.grid { border-collapse: collapse; } table.grid th, table.grid td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; }"
    "th { background: #e8e8e8; } .mono { font-family: 'DejaVu Sans Mono'; font-size: 7.5pt; } .small { font-size: 7.5pt; color: #444; }"
    "pre { font-family: 'DejaVu Sans Mono'; font-size: 7pt; }";

}  // namespace

ReportKind reportKindFromString(const std::string& name) {
    if (name == "intelligence") return ReportKind::Intelligence;
    if (name == "court") return ReportKind::Court;
    throw std::invalid_argument("report kind '" + name + "': expected intelligence or court");
}

void writeLeadReportPdf(const records::Store& store, const records::LeadReport& r, ReportKind kind, const std::string& pdfPath,
                        const std::string& softwareVersion) {
    const Figures figures = figuresOf(store, r);
    QTextDocument doc;
    doc.setDefaultStyleSheet(kStyle);
    doc.addResource(QTextDocument::ImageResource, QUrl("figure:query"), figures.query);
    doc.addResource(QTextDocument::ImageResource, QUrl("figure:candidate"), figures.candidate);
    const bool court = kind == ReportKind::Court;
    QString h = "<html><body>";
    h += "<h1>" + QString(court ? "Comparison report" : "Intelligence report") + " — lead " + QString::number(r.leadId) + "</h1>";
    h += "<p>" + esc(r.query.caseRecord.number) + " ↔ " + esc(r.candidate.caseRecord.number) + ". State: <b>" + esc(r.status) +
         "</b>. Made " + esc(r.generatedAt) + " by " + esc(r.generatedBy) + " with Striae " + esc(softwareVersion) + ".</p>";
    if (r.conclusionHidden)
        h += "<p><b>The examiner's conclusion is withheld from this reader until their blind verification is recorded.</b></p>";
    if (!court) h += "<h2>Linked cases</h2><table width='100%'><tr><td width='50%' valign='top'>" + scanTable(r.query) +
                     "</td><td width='50%' valign='top'>" + scanTable(r.candidate) + "</td></tr></table>";
    h += "<h2>The scans</h2><table width='100%'><tr>";
    const int figureWidth = 320;
    for (const auto& [name, image, title] : {std::tuple{"query", figures.query, r.query.caseRecord.number + " / " + r.query.item.label},
                                             std::tuple{"candidate", figures.candidate, r.candidate.caseRecord.number + " / " + r.candidate.item.label}})
        h += "<td align='center' valign='top'>" +
             (image.isNull() ? QString("(no scan)") : "<img src='figure:" + QString(name) + "' width='" + QString::number(figureWidth) + "'>") +
             "<br>" + esc(title) + "</td>";
    h += "</tr></table><p class='small'>" + figures.note + "</p>";
    h += "<h2>Score</h2>" + scoreText(r);
    if (court) {
        h += "<h2>Method and parameters</h2><p>" + esc(r.method) + ", Striae " + esc(softwareVersion) + ". Run " + QString::number(r.runId) +
             " parameters:</p><pre>" + esc(prettyJson(r.parameters)) + "</pre>";
        h += "<h2>Items and scans</h2><table width='100%'><tr><td width='50%' valign='top'>" + scanTable(r.query) +
             "</td><td width='50%' valign='top'>" + scanTable(r.candidate) + "</td></tr></table>";
        h += "<h2>Processing history</h2><table width='100%'><tr><td width='50%' valign='top'><b>" + esc(r.query.caseRecord.number) + "</b>" +
             processingOf(r.query) + "</td><td width='50%' valign='top'><b>" + esc(r.candidate.caseRecord.number) + "</b>" +
             processingOf(r.candidate) + "</td></tr></table>";
        h += "<h2>Validation of the method</h2><ul>";
        for (const auto& line : r.validation) h += "<li>" + esc(line) + "</li>";
        h += "</ul>";
    }
    h += "<h2>" + QString(court ? "Examination, verification and approval" : "Conclusions, verification and approval") + "</h2>" + decisionsTable(r);
    if (!court && !r.outcomes.empty()) {
        h += "<h2>What came of it</h2><table class='grid'><tr><th>Outcome</th><th>Agency</th><th>By</th><th>When</th><th>Note</th></tr>";
        for (const auto& o : r.outcomes)
            h += "<tr><td>" + esc(o.kind) + "</td><td>" + esc(o.agencyCode) + "</td><td>" + esc(o.recordedBy) + "</td><td>" + esc(o.recordedAt) +
                 "</td><td>" + esc(o.note) + "</td></tr>";
        h += "</table>";
    }
    if (!court) {
        // Drawn only for the intelligence report: the timeline by Qt Charts, the link chart by Graphviz.
        const QImage timeline = clusterTimeline(r.clusterCases, r.clusterLinks);
        const QImage links = clusterLinkChart(r.clusterCases, r.clusterLinks);
        doc.addResource(QTextDocument::ImageResource, QUrl("figure:timeline"), timeline);
        doc.addResource(QTextDocument::ImageResource, QUrl("figure:links"), links);
        // Graphviz draws at 144 dpi, the text is laid out at 96: two thirds keeps its fonts the text's size.
        h += clusterSection(r, !timeline.isNull(), links.isNull() ? 0 : std::min(620, links.width() * 2 / 3));
    }
    h += "<h2>Audit excerpt</h2>" + auditTable(r);
    if (court) {
        h += "<h2>Signatures</h2><table width='100%' cellpadding='10'>";
        for (const char* who : {"Examiner", "Verifier", "Approver (supervisor)"})
            h += QString("<tr><td width='35%'>") + who + "</td><td>Signature ______________________________</td><td>Date ____________</td></tr>";
        h += "</table>";
    }
    h += "</body></html>";
    doc.setHtml(h);

    printToPdf(doc, pdfPath, QString(court ? "Comparison report" : "Intelligence report") + ", lead " + QString::number(r.leadId),
               softwareVersion);
}

}  // namespace striae::report
