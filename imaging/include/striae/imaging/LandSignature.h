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
};

struct LandSignature {
    std::string label;
    double spacingUm = 0;              // along the profile
    double tiltDeg = 0;                // striae direction from the y axis, corrected by shearing the band
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
