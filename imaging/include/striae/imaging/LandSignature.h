#pragma once
// Bullet land-engraved areas: from a scan of one land to its signature, the
// band-limited profile of the striae across the land, as the published open
// methods do it (Hare, Hofmann & Carriquiry 2017; bulletxtrctr): the striae
// direction found and corrected, the bullet's curvature removed with a robust
// fit, the groove shoulders found and excluded, a crosscut height where the
// signature is stable, a band of rows around it averaged.
#include <optional>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

struct LandOptions {
    double crosscutStepUm = 50;      // height of the slices whose signatures are compared
    double crosscutMinCorrelation = 0.5;  // neighbouring slices agreeing this well are stable
    double bandUm = 100;             // rows averaged around a crosscut given with `crosscutUm`
    double longCutoffUm = 500;       // Gaussian high-pass: what the robust fit left of the curvature, long waviness
    double shortCutoffUm = 10;      // Gaussian low-pass: instrument noise
    double grooveMarginUm = 20;      // kept away from each detected shoulder
    double maxTiltDeg = 10;          // striae tilts beyond this are not corrected (not a land scan?)
    // Groove positions from elsewhere (µm from the left edge); found automatically when unset.
    std::optional<double> grooveLeftUm, grooveRightUm;
    // A fixed crosscut height (µm from y = 0, averaged over bandUm); when unset,
    // the longest run of slices whose signatures agree is found and averaged.
    std::optional<double> crosscutUm;
    // Which way the striae run on the scan. Auto: from the texture (the
    // structure tensor of the high-passed surface); refused when it cannot
    // tell (anisotropy under 1.5). Scans with the striae along x are turned
    // (x and y swapped) so that the profile runs across them.
    enum class Striae { Auto, AlongY, AlongX };
    Striae striae = Striae::Auto;
    bool mirror = false;  // the scan is mirrored: the profile runs the other way
};

// The texture's evidence of the striae direction, summable over the lands of
// a bullet (scanned alike): sums of the squared gradients of the surface
// high-passed at 50 µm, in the middle 60 % of the scan.
struct StriaeEvidence {
    double xx = 0, yy = 0, xy = 0;
    StriaeEvidence& operator+=(const StriaeEvidence& o) { xx += o.xx, yy += o.yy, xy += o.xy; return *this; }
    double anisotropy() const;   // largest over smallest eigenvalue (1: no direction)
    double angleDeg() const;     // the striae's angle from the y axis
};
StriaeEvidence striaeEvidence(const Surface& land);
// AlongY or AlongX from the evidence; throws std::invalid_argument naming the
// anisotropy when it is under `minAnisotropy`.
LandOptions::Striae striaeDirection(const StriaeEvidence& evidence, double minAnisotropy = 1.5);
// The lands of one bullet are scanned alike: their summed evidence decides the
// direction for all of them, so one land with little texture follows its bullet.
LandOptions::Striae bulletStriaeDirection(const std::vector<const Surface*>& lands, double* anisotropy = nullptr);
LandOptions::Striae bulletStriaeDirection(const std::vector<Surface>& lands, double* anisotropy = nullptr);

struct LandSignature {
    std::string label;
    double spacingUm = 0;              // along the profile
    double tiltDeg = 0;                // striae direction from the y axis, corrected by shearing the band
    std::string orientation;           // what was found or stated of the striae direction and mirroring
    double crosscutUm = 0;             // y of the crosscut's centre
    double bandUm = 0;                 // height of the band of rows averaged around it
    double grooveLeftUm = 0, grooveRightUm = 0;  // the shoulders found (or given)
    std::vector<double> profile;       // averaged crosscut, µm (NaN: missing)
    std::vector<double> signature;     // band-passed residual between the grooves, µm; NaN outside and where missing
    int firstValid() const;
    int lastValid() const;             // one past
};

// Throws std::invalid_argument naming the problem (too small, too few valid points, no land found).
LandSignature extractLandSignature(const Surface& land, const LandOptions& options = {});

// The profile tools the signature is made of, for tests and the viewer.
namespace profile {
// Gaussian (ISO 16610-21) smoothing with missing values (normalized convolution); cutoff and spacing in the same unit.
std::vector<double> gaussianLowPass(const std::vector<double>& z, double cutoff, double spacing);
// Robust polynomial fit (Tukey biweight, iterated) of z over [from, to); returns the fitted values everywhere.
std::vector<double> robustPolynomial(const std::vector<double>& z, int from, int to, int degree);
// Pairwise-complete Pearson correlation of a[i] with b[i + lag] over the points both have;
// NaN if fewer than minOverlap common points. `overlap` receives their number.
double correlation(const std::vector<double>& a, const std::vector<double>& b, int minOverlap = 20, int lag = 0,
                   int* overlap = nullptr);
}  // namespace profile

}  // namespace striae::imaging
