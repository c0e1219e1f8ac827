#pragma once
// Congruent Matching Cells (Song 2013; Tong 2015 "High CMC"; Chen 2017), as
// the open reference implementation cmcR does it, for processed breech-face
// surfaces. The result keeps what an examiner needs to check the score: per
// cell the registration found at every angle, the consensus, which cells are
// congruent under each rule, in both directions.

#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::matching {

struct CmcParameters {
    int gridRows = 8;
    int gridCols = 8;
    double maxMissingFraction = 0.85;   // cells and regions with more missing are dropped
    int regionSizeFactor = 3;           // region side = factor × cell side
    double thetaMinDeg = -30;
    double thetaMaxDeg = 30;
    double thetaStepDeg = 3;
    double translationThresholdUm = 125;  // T_x = T_y: 20 px at 6.25 µm
    double rotationThresholdDeg = 6;      // T_θ
    double correlationThreshold = 0.5;    // T_CCF
    int highCmcTau = 1;                   // High CMC: θ counts within τ of the maximum
    int minOverlapPoints = 50;            // fewer common points: no correlation
    bool linearRotation = false;          // rotate with linear interpolation (default: nearest, as cmcR)

    std::vector<double> angles() const;
};

// A cell's registration at one angle: where its best match lies in the
// rotated compared surface, relative to its own position.
struct CellRegistration {
    bool valid = false;        // cell and region had enough data at this angle
    double thetaDeg = 0;       // rotation applied to the compared surface
    int dx = 0;                // pixels, along columns
    int dy = 0;                // pixels, along rows
    double correlation = -1;   // pairwise-complete correlation at (dx, dy)
};

struct CmcCell {
    int gridRow = 0, gridCol = 0;
    int row0 = 0, col0 = 0, rows = 0, cols = 0;  // position in the reference, pixels
    double missingFraction = 1;
    bool used = false;                            // passed the missing-data filter
    std::vector<CellRegistration> byAngle;        // one per CmcParameters::angles()
    CellRegistration best;                        // the angle of highest correlation
    bool congruentOriginal = false;
    bool congruentHigh = false;
    CellRegistration highRegistration;            // the High-CMC registration, when congruent
};

struct Registration {
    double thetaDeg = 0;
    double dx = 0, dy = 0;  // pixels
};

struct CmcDirection {
    std::vector<CmcCell> cells;
    int usedCells = 0;
    Registration consensus;          // medians of the cells' best registrations
    int originalCount = 0;
    std::vector<int> thetaCounts;    // High CMC candidates per angle
    bool highPassed = false;         // the High-CMC θ mode is narrow enough
    Registration highConsensus;
    int highCount = 0;               // when !highPassed: the original count (fallback)
};

struct CmcResult {
    CmcParameters parameters;
    double spacing = 0;              // metres per pixel of the compared surfaces (the common spacing)
    // Surfaces at different spacings are brought to the coarser one (area
    // averaging; nothing is interpolated finer than it was measured).
    double referenceSpacing = 0, comparedSpacing = 0;  // as given
    bool resampled = false;          // one of them was resampled to `spacing`
    CmcDirection forward;            // reference's cells in the compared surface
    CmcDirection backward;           // compared surface's cells in the reference
    int originalCount = 0;           // min of both directions
    int highCount = 0;               // min of both directions
};

// Surfaces at different spacings are compared at the coarser of the two
// (recorded in the result); registrations are in pixels of that spacing.
CmcResult compareCmc(const imaging::Surface& reference, const imaging::Surface& compared,
                     const CmcParameters& parameters = {});

// Threads the image kernels (rotation) may use inside one comparison; callers
// that run comparisons in parallel set 1.
void setKernelThreads(int threads);

// One direction only (cells of `reference` registered in `compared`).
CmcDirection compareCmcDirection(const imaging::Surface& reference, const imaging::Surface& compared,
                                 const CmcParameters& parameters);

// The same direction at several angle windows (each from minDeg to maxDeg in
// the parameters' step), the cells prepared once: one result per window, each
// as compareCmcDirection would give it for that window alone.
struct AngleWindow {
    double minDeg = 0, maxDeg = 0;
};
std::vector<CmcDirection> compareCmcDirectionWindows(const imaging::Surface& reference, const imaging::Surface& compared,
                                                     const CmcParameters& parameters, const std::vector<AngleWindow>& windows);

}  // namespace striae::matching
