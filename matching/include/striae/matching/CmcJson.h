#pragma once
// The compact JSON forms of CMC parameters and results that the case store
// and the hub keep with each candidate (what the comparison view needs to
// place the compared scan, and the counts per direction).
#include <string>

#include "striae/matching/Cmc.h"

namespace striae::matching {

std::string cmcParametersJson(const CmcParameters& parameters);
std::string cmcSummaryJson(const CmcResult& result);

}  // namespace striae::matching
