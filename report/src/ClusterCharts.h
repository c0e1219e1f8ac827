#pragma once
// The cluster of incidents linked by hits, drawn for the intelligence report:
// a timeline (cases by offence date, one row per agency, the links between
// them; Qt Charts) and a link chart (cases as nodes grouped by agency, leads
// and hits as edges; laid out by Graphviz). Both need a QApplication (Qt
// Charts draws through QGraphicsScene; the offscreen platform will do).
#include <QImage>
#include <QString>

#include <vector>

#include "striae/records/LeadReport.h"

namespace striae::report {

// Null when fewer than two cases have an offence date.
QImage clusterTimeline(const std::vector<records::ClusterCase>& cases, const std::vector<records::ClusterLink>& links);
// Null for fewer than two cases. Throws std::runtime_error when Graphviz cannot lay it out or render it.
QImage clusterLinkChart(const std::vector<records::ClusterCase>& cases, const std::vector<records::ClusterLink>& links);

// The colour an agency gets in both charts (a fixed palette, in order of first appearance).
QColor agencyColour(int index);

}  // namespace striae::report
