#pragma once
// A scan as a figure: grey and lit as the comparison view shows it, the CMC
// cells drawn (congruent ones green), a scale bar in millimetres.
#include <QImage>

#include <vector>

#include "striae/imaging/Surface.h"
#include "striae/matching/Cmc.h"

namespace striae::report {

QImage scanFigure(const imaging::Surface& surface, const std::vector<matching::CmcCell>& cells, int maxSidePx = 900);

}  // namespace striae::report
