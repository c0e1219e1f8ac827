#pragma once
// Features of one CMC comparison beyond its count, for a similarity score
// (docs/validation.md). The count takes the minimum of the two directions,
// so a known match whose consensus fails one way falls to chance level; the
// features keep both directions and describe how the cells' registrations
// agree, so a model can weigh them.

#include <string>
#include <vector>

#include "striae/matching/Cmc.h"

namespace striae::matching {

// Names in the order cmcFeatures() returns them; stable across releases
// (a calibration model file lists the ones it uses by name).
const std::vector<std::string>& cmcFeatureNames();

// One value per name. Every feature is finite for any result (no used cells
// give zeros), so a model can always be applied.
std::vector<double> cmcFeatures(const CmcResult& result);

// Index of a feature by name; throws std::invalid_argument for an unknown one.
int cmcFeatureIndex(const std::string& name);

// The largest set of used cells whose best registrations all lie within
// (T_θ, T_x, T_y) of one cell's — a DBSCAN-style core density, with no
// correlation threshold. Exposed for the tests.
int densestRegistrationCluster(const CmcDirection& direction, const CmcParameters& parameters, double spacing);

}  // namespace striae::matching
