#pragma once
// Distractors for measuring the search at network scale (striae eval-search,
// docs/search.md): surfaces with the texture statistics of real breech faces
// that match no firearm. Each is made from the mirror image of one real scan
// (a mirrored breech face is no gun's), turned by a random angle, shifted,
// and zoomed by a random factor (a gun whose marks are finer or coarser);
// half of them are blended with a second mirrored scan of another group,
// transformed likewise. Recipe i is fixed by i alone, so the same distractor
// can be built at the signature's 25 µm and again at the scan's own spacing
// for CMC.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::cli {

struct DistractorPart {
    int source = -1;           // index into the sources; -1: unused
    double angle = 0;          // radians
    double zoom = 1;           // > 1: the marks become coarser
    double shiftX = 0, shiftY = 0;  // metres
};

struct DistractorRecipe {
    DistractorPart first, second;  // second.source < 0: no blend
    double weight = 0;             // of the second part
};

// Recipe `index` over sources whose groups are `groups` (the blend's second
// part is of another group than the first).
DistractorRecipe distractorRecipe(std::uint64_t index, const std::vector<std::string>& groups);

// Builds it from the mirrored sources (NaN = missing); the grid and spacing
// are the first source's. Points not covered by every part are missing.
imaging::Surface buildDistractor(const DistractorRecipe& recipe, const std::vector<imaging::Surface>& mirroredSources);

imaging::Surface mirrored(const imaging::Surface& s);

}  // namespace striae::cli
