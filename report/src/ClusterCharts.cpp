#include "ClusterCharts.h"

#include <QApplication>
#include <QDateTime>
#include <QGraphicsScene>
#include <QPainter>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>

#include <graphviz/gvc.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace striae::report {

namespace {

// Agencies in order of first appearance among the cases (ordered by date): their row and colour.
std::map<std::string, int> agencyIndex(const std::vector<records::ClusterCase>& cases) {
    std::map<std::string, int> index;
    for (const auto& c : cases) index.emplace(c.agency.empty() ? "—" : c.agency, int(index.size()));
    return index;
}

std::string agencyOf(const records::ClusterCase& c) { return c.agency.empty() ? "—" : c.agency; }

QDateTime dateOf(const std::string& text) {
    QDateTime t = QDateTime::fromString(QString::fromStdString(text), Qt::ISODate);
    if (!t.isValid()) t = QDateTime(QDate::fromString(QString::fromStdString(text.substr(0, 10)), Qt::ISODate), QTime(12, 0), Qt::UTC);
    return t;
}

QImage render(QChart* chart, QSize size, qreal scale) {
    QGraphicsScene scene;
    scene.addItem(chart);  // the scene owns it now
    chart->setGeometry(QRectF(QPointF(0, 0), size));
    QApplication::processEvents();  // the chart lays itself out on the next event
    QImage image(size * scale, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    scene.render(&painter, QRectF(QPointF(0, 0), size * scale), QRectF(QPointF(0, 0), size));
    return image;
}

}  // namespace

QColor agencyColour(int index) {
    static const QColor palette[] = {QColor("#1f77b4"), QColor("#d62728"), QColor("#2ca02c"), QColor("#9467bd"), QColor("#ff7f0e"),
                                     QColor("#8c564b"), QColor("#e377c2"), QColor("#17becf"), QColor("#7f7f7f"), QColor("#bcbd22")};
    return palette[index % int(std::size(palette))];
}

QImage clusterTimeline(const std::vector<records::ClusterCase>& cases, const std::vector<records::ClusterLink>& links) {
    std::vector<const records::ClusterCase*> dated;
    for (const auto& c : cases)
        if (dateOf(c.offenceDate).isValid()) dated.push_back(&c);
    if (dated.size() < 2) return {};
    const auto rows = agencyIndex(cases);
    std::map<std::string, QPointF> at;  // case number → its point
    QDateTime first = dateOf(dated.front()->offenceDate), last = first;
    for (const auto* c : dated) {
        const QDateTime t = dateOf(c->offenceDate);
        first = std::min(first, t);
        last = std::max(last, t);
        at[c->number] = QPointF(qreal(t.toMSecsSinceEpoch()), rows.at(agencyOf(*c)) + 0.5);
    }
    const qint64 pad = std::max<qint64>((last.toMSecsSinceEpoch() - first.toMSecsSinceEpoch()) / 12, 86'400'000);

    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle("Timeline of the linked incidents (offence dates)");
    chart->setBackgroundRoundness(0);
    chart->setBackgroundVisible(false);  // the page's white, not the theme's panel
    chart->setDropShadowEnabled(false);
    auto* xAxis = new QDateTimeAxis;
    xAxis->setFormat("yyyy-MM-dd");
    xAxis->setRange(QDateTime::fromMSecsSinceEpoch(first.toMSecsSinceEpoch() - pad, Qt::UTC),
                    QDateTime::fromMSecsSinceEpoch(last.toMSecsSinceEpoch() + pad, Qt::UTC));
    xAxis->setTickCount(std::min(6, int(dated.size()) + 2));
    auto* yAxis = new QCategoryAxis;
    yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    std::vector<std::string> byRow(rows.size());
    for (const auto& [agency, row] : rows) byRow[std::size_t(row)] = agency;
    for (std::size_t row = 0; row < byRow.size(); ++row) yAxis->append(QString::fromStdString(byRow[row]), qreal(row + 1));
    yAxis->setRange(0, qreal(rows.size()));
    yAxis->setTitleText("Agency");
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);

    // The links first, under the cases: a hit solid, a lead not (yet) confirmed dashed.
    bool firstHit = true, firstLead = true;
    for (const auto& l : links) {
        if (!at.count(l.fromCase) || !at.count(l.toCase)) continue;
        auto* line = new QLineSeries;
        line->append(at[l.fromCase]);
        line->append(at[l.toCase]);
        const bool hit = l.status == "hit";
        QPen pen(hit ? QColor("#333333") : QColor("#888888"), hit ? 2 : 1.5, hit ? Qt::SolidLine : Qt::DashLine);
        line->setPen(pen);
        line->setName(hit ? "hit" : "lead");
        chart->addSeries(line);
        line->attachAxis(xAxis);
        line->attachAxis(yAxis);
        const bool shown = hit ? std::exchange(firstHit, false) : std::exchange(firstLead, false);
        for (auto* marker : chart->legend()->markers(line)) marker->setVisible(shown);
    }
    // One series a case, so that each point is labelled with its case number; the legend names the agencies once.
    std::map<std::string, bool> named;
    for (const auto* c : dated) {
        auto* point = new QScatterSeries;
        point->append(at[c->number]);
        point->setMarkerSize(11);
        point->setColor(agencyColour(rows.at(agencyOf(*c))));
        point->setBorderColor(Qt::black);
        QString label = QString::fromStdString(c->number);
        point->setPointLabelsFormat(label.replace("@", "＠"));  // '@' starts a placeholder in Qt Charts' label format
        point->setPointLabelsVisible(true);
        point->setPointLabelsClipping(false);
        point->setName(QString::fromStdString(agencyOf(*c)));
        chart->addSeries(point);
        point->attachAxis(xAxis);
        point->attachAxis(yAxis);
        const bool first = !named[agencyOf(*c)];
        named[agencyOf(*c)] = true;
        for (auto* marker : chart->legend()->markers(point)) marker->setVisible(first);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    const int height = 150 + 45 * int(rows.size());
    return render(chart, QSize(760, height), 2.0);
}

namespace {

// Graphviz's C API takes char* where it means const char*.
char* c(const std::string& s) { return const_cast<char*>(s.c_str()); }

// A label: Graphviz reads backslash escapes (\n, \l …) in it; a case number's own backslashes stay text.
std::string labelText(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '\\') out += "\\\\";
        else if (ch == '\n' || ch == '\r') out += ' ';
        else out += ch;
    }
    return out;
}

struct GraphvizContext {
    GVC_t* gvc = gvContext();
    Agraph_t* graph = nullptr;
    bool laidOut = false;
    ~GraphvizContext() {
        if (graph) {
            if (laidOut) gvFreeLayout(gvc, graph);
            agclose(graph);
        }
        gvFreeContext(gvc);
    }
};

}  // namespace

QImage clusterLinkChart(const std::vector<records::ClusterCase>& cases, const std::vector<records::ClusterLink>& links) {
    if (cases.size() < 2) return {};
    const auto rows = agencyIndex(cases);
    GraphvizContext gv;
    if (!gv.gvc) throw std::runtime_error("Graphviz could not start");
    gv.graph = agopen(c("links"), Agundirected, nullptr);
    agattr(gv.graph, AGRAPH, c("dpi"), c("144"));
    agattr(gv.graph, AGRAPH, c("bgcolor"), c("white"));
    agattr(gv.graph, AGRAPH, c("rankdir"), c("LR"));
    agattr(gv.graph, AGRAPH, c("nodesep"), c("0.3"));
    agattr(gv.graph, AGRAPH, c("fontname"), c("DejaVu Sans"));
    agattr(gv.graph, AGRAPH, c("label"), c(""));
    agattr(gv.graph, AGRAPH, c("labelloc"), c("t"));
    agattr(gv.graph, AGRAPH, c("style"), c(""));
    agattr(gv.graph, AGRAPH, c("color"), c("black"));
    agattr(gv.graph, AGNODE, c("shape"), c("box"));
    agattr(gv.graph, AGNODE, c("style"), c("rounded,filled"));
    agattr(gv.graph, AGNODE, c("fontname"), c("DejaVu Sans"));
    agattr(gv.graph, AGNODE, c("fontsize"), c("10"));
    agattr(gv.graph, AGNODE, c("fillcolor"), c("white"));
    agattr(gv.graph, AGNODE, c("color"), c("black"));
    agattr(gv.graph, AGNODE, c("label"), c("\\N"));
    agattr(gv.graph, AGEDGE, c("fontname"), c("DejaVu Sans"));
    agattr(gv.graph, AGEDGE, c("fontsize"), c("9"));
    agattr(gv.graph, AGEDGE, c("label"), c(""));
    agattr(gv.graph, AGEDGE, c("style"), c("solid"));
    agattr(gv.graph, AGEDGE, c("penwidth"), c("1"));
    // One box per agency (a Graphviz cluster) holding its cases: links across agencies cross boxes.
    std::map<std::string, Agraph_t*> boxes;
    std::map<std::string, Agnode_t*> nodes;
    for (const auto& cs : cases) {
        const std::string agency = agencyOf(cs);
        auto& box = boxes[agency];
        if (!box) {
            box = agsubg(gv.graph, c("cluster_" + std::to_string(rows.at(agency))), 1);
            agset(box, c("label"), c(labelText(agency)));
            agset(box, c("style"), c("rounded"));
            agset(box, c("color"), c(agencyColour(rows.at(agency)).name().toStdString()));
        }
        Agnode_t* node = agnode(box, c("case " + std::to_string(nodes.size())), 1);
        std::string label = labelText(cs.number);
        if (!cs.offenceDate.empty()) label += "\\n" + labelText(cs.offenceDate.substr(0, 10));
        if (!cs.offence.empty()) label += "\\n" + labelText(cs.offence);
        agset(node, c("label"), c(label));
        agset(node, c("fillcolor"), c(agencyColour(rows.at(agency)).lighter(170).name().toStdString()));
        agset(node, c("color"), c(agencyColour(rows.at(agency)).name().toStdString()));
        nodes[cs.number] = node;
    }
    for (const auto& l : links) {
        if (!nodes.count(l.fromCase) || !nodes.count(l.toCase)) continue;
        Agedge_t* edge = agedge(gv.graph, nodes[l.fromCase], nodes[l.toCase], c("lead " + std::to_string(l.leadId)), 1);
        std::string label = "lead " + std::to_string(l.leadId) + " (" + l.status + ")";
        if (!l.conclusion.empty()) (label += "\n") += records::conclusionLabel(l.conclusion);  // appended: GCC 12 -O3 -Wrestrict
        agset(edge, c("label"), c(labelText(label)));
        agset(edge, c("style"), c(l.status == "hit" ? "solid" : "dashed"));
        agset(edge, c("penwidth"), c(l.status == "hit" ? "2" : "1"));
    }
    // dot, left to right: it keeps each agency's cases in its box and places edge labels clear of the nodes.
    if (gvLayout(gv.gvc, gv.graph, "dot") != 0) throw std::runtime_error("Graphviz could not lay out the link chart");
    gv.laidOut = true;
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gv.gvc, gv.graph, "png", &data, &length) != 0 || !data)
        throw std::runtime_error("Graphviz could not render the link chart (is its cairo plugin, libgvc6, installed?)");
    QImage image = QImage::fromData(reinterpret_cast<const uchar*>(data), int(length), "PNG");
    gvFreeRenderData(data);
    if (image.isNull()) throw std::runtime_error("Graphviz's link chart is not a readable PNG");
    return image.convertToFormat(QImage::Format_RGB32);  // opaque: no soft mask in the PDF
}

}  // namespace striae::report
