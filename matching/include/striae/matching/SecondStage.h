#pragma once
// The search's second stage (docs/search.md): CMC on a coarse grid at a
// coarse spacing, tried only at the rotations the first stage's signature
// pointed to. It ranks the first stage's shortlist so that full CMC need
// compare only its head; about 20 ms a holding against full CMC's 400 ms.
// Its score is a count of congruent coarse cells: a ranking, not evidence.
#include <vector>

#include "striae/imaging/Surface.h"
#include "striae/matching/SearchSignature.h"

namespace striae::matching {

struct SecondStageOptions {
    double stepUm = 25;         // both surfaces are resampled to this spacing
    int grid = 6;               // cells a side
    double angleStepDeg = 3;
    double windowDeg = 6;       // rotations tried either side of each of the first stage's
    int rotations = 3;          // the first stage's best peaks tried (its rotation is known up to a half turn)
};

struct SecondStageScore {
    int count = 0;              // congruent cells (the original CMC rule, query → holding)
    int highCount = 0;
    double rotationDeg = 0;     // of the holding onto the query, at the best count
    double rank() const { return count + 0.01 * highCount; }
};

// The surface at the stage's spacing (kept per holding while a search runs).
imaging::Surface secondStageSurface(const imaging::Surface& processed, const SecondStageOptions& options = {});

// `rotation` is the first stage's match of the query with this holding.
SecondStageScore secondStageScore(const imaging::Surface& queryAtStep, const imaging::Surface& holdingAtStep, const SignatureMatch& rotation,
                                  const SecondStageOptions& options = {});

}  // namespace striae::matching
