#pragma once
// The compact JSON form of a bullet comparison that the case store and the
// hub keep with each bullet candidate: the phase, its margin, the rifling,
// the lands compared on each side and the land pairs the phase lines up.
#include <string>

#include "striae/matching/Bullets.h"

namespace striae::matching {

std::string bulletSummaryJson(const BulletComparison& comparison);

}  // namespace striae::matching
