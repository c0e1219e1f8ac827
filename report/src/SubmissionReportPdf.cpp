#include "striae/report/SubmissionReportPdf.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <QDateTime>
#include <QTextDocument>

#include <stdexcept>

#include "PdfFile.h"

namespace striae::report {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

QString e(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }
QString row(const QString& name, const QString& value) { return "<tr><td width='28%'><b>" + name + "</b></td><td>" + value + "</td></tr>"; }

std::string field(const Object::Ptr& o, const std::string& name) {
    if (!o || !o->has(name)) throw std::runtime_error("the report has no field '" + name + "'");
    return o->get(name).convert<std::string>();
}

Array::Ptr list(const Object::Ptr& o, const std::string& name) {
    if (!o || !o->isArray(name)) throw std::runtime_error("the report's field '" + name + "' is not a list");
    return o->getArray(name);
}

QString when(const std::string& ms) {
    return QDateTime::fromMSecsSinceEpoch(std::stoll(ms), Qt::UTC).toString("yyyy-MM-dd hh:mm 'UTC'");
}

}  // namespace

void writeSubmissionReportPdf(const std::string& reportJson, const std::string& pdfPath, const std::string& softwareVersion) {
    Object::Ptr root;
    try {
        root = Poco::JSON::Parser().parse(reportJson).extract<Object::Ptr>();
    } catch (const Poco::Exception& ex) {
        throw std::runtime_error("the report is not JSON: " + ex.displayText());
    }
    const Object::Ptr s = root ? root->getObject("submission") : nullptr;
    if (!s) throw std::runtime_error("the report has no field 'submission'");
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(reportJson);
    const std::string digest = Poco::DigestEngine::digestToHex(sha.digest());

    QString h = "<html><body style='font-family: sans-serif; font-size: 9pt'>";
    h += "<h1>Search on behalf of " + e(field(s, "country")) + " — " + e(field(s, "id")) + "</h1>";
    h += "<table cellspacing='0' cellpadding='3'>";
    h += row("NCB reference", e(field(s, "ncb_reference")));
    h += row("For", "the National Central Bureau account " + e(field(s, "owner")) + ", owner of the holdings");
    h += row("Material", e(field(s, "material")) == "test_fires" ? QString("test fires") : QString("double casts"));
    h += row("Question", e(field(s, "question")));
    h += row("Registered", e(field(s, "registered_by")) + " (" + e(field(s, "operator")) + "), " + when(field(s, "registered_at")));
    h += row("Reviewed by", e(field(s, "reviewed_by")));
    h += row("Sent by", e(field(s, "reported_by")));
    h += "</table>";

    h += "<h2>Scans acquired on the country's behalf</h2><table border='1' cellspacing='0' cellpadding='3'>"
         "<tr><th>Acquisition</th><th>Item</th><th>Type</th><th>Caliber</th><th>Scan SHA-256</th></tr>";
    const auto acquisitions = list(root, "acquisitions");
    for (std::size_t i = 0; i < acquisitions->size(); ++i) {
        const auto a = acquisitions->getObject(unsigned(i));
        const auto m = a->getObject("metadata");
        h += "<tr><td><tt>" + e(field(a, "id")) + "</tt></td><td>" + e(field(m, "item_label")) + "</td><td>" + e(field(m, "item_type")) +
             "</td><td>" + e(field(m, "caliber")) + "</td><td><tt>" + e(field(a, "sha256")) + "</tt></td></tr>";
    }
    h += "</table>";

    const auto lists = list(root, "lead_lists");
    for (std::size_t i = 0; i < lists->size(); ++i) {
        const auto l = lists->getObject(unsigned(i));
        h += "<h2>Lead list of " + e(field(l, "acquisition")).left(12) + "…</h2>";
        if (l->has("holdings"))
            h += "<p>" + e(field(l, "holdings")) + " holdings of the partition at the " + e(field(l, "tier")) + " tier, " + e(field(l, "fully_compared")) +
                 " fully compared (shortlist " + e(field(l, "shortlist")) + ").</p>";
        h += "<table border='1' cellspacing='0' cellpadding='3'><tr><th>Rank</th><th>Country</th><th>Agency</th><th>Case</th><th>Score</th>"
             "<th>Score high</th><th>Outcome</th></tr>";
        const auto candidates = list(l, "candidates");
        for (std::size_t j = 0; j < candidates->size(); ++j) {
            const auto c = candidates->getObject(unsigned(j));
            const std::string caseRef = field(c, "case_ref");
            h += "<tr><td align='right'>" + e(field(c, "rank")) + "</td><td>" + e(field(c, "country")) + "</td><td>" + e(field(c, "agency")) +
                 "</td><td>" + (caseRef.empty() ? QString("<i>not disclosed</i>") : e(caseRef)) + "</td><td align='right'>" + e(field(c, "score")) +
                 "</td><td align='right'>" + e(field(c, "score_high")) + "</td><td>" + e(field(c, "outcome")) + "</td></tr>";
        }
        if (candidates->size() == 0) h += "<tr><td colspan='7'>no candidate</td></tr>";
        h += "</table>";
    }
    h += "<h2>Conclusion</h2><p>" + e(field(s, "conclusion")) + "</p>";
    h += "<h2>What the scores are</h2><p>" + e(field(root, "scores")) + "</p>";
    h += "<p style='font-size: 7pt'>Rendered from the report as the hub froze it; SHA-256 of that JSON: <tt>" + e(digest) + "</tt>.</p>";
    h += "</body></html>";
    QTextDocument doc;
    doc.setHtml(h);
    printToPdf(doc, pdfPath, "Search on behalf of " + QString::fromStdString(field(s, "country")), softwareVersion);
}

}  // namespace striae::report
