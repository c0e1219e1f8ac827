#pragma once
// Breech-face preprocessing. Each step is a function that returns a new
// surface and appends itself, with its parameters, to the processing history.
// Missing points stay missing; filters handle them by normalized convolution.

#include <functional>
#include <string>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

// Least-squares polynomial surface of the given order (1 = plane) fitted to the
// valid points, subtracted. Order 0 removes the mean.
Surface level(const Surface& s, int order = 1);

// Points farther than `threshold` robust standard deviations (1.4826 × MAD)
// from their Gaussian-smoothed neighbourhood (σ = `neighbourhoodPx`) become missing.
Surface removeOutliers(const Surface& s, double threshold = 6.0, double neighbourhoodPx = 2.0);

// Gaussian regression filters (ISO 16610-61 weighting function, zero-order
// regression, i.e. normalized convolution over the valid points). Cut-offs are
// wavelengths in metres. The result is valid where the input was.
Surface gaussianLowPass(const Surface& s, double cutoff);
Surface gaussianHighPass(const Surface& s, double cutoff);
// Keeps wavelengths between shortCutoff and longCutoff (e.g. 16 µm and 250 µm).
Surface gaussianBandPass(const Surface& s, double shortCutoff, double longCutoff);

// Resamples to the target spacing (metres), averaging over the valid points.
Surface resample(const Surface& s, double targetSpacing);

// Crops to the bounding box of the valid points, plus a margin in pixels.
Surface cropToValid(const Surface& s, int marginPx = 0);

// The breech face of a cartridge case: inside the primer outline, outside the
// firing-pin impression. Pixel coordinates on the surface it was found on.
struct BreechFaceRegion {
    bool primerFound = false;
    double primerX = 0, primerY = 0, primerRadius = 0;
    bool firingPinFound = false;
    double pinX = 0, pinY = 0, pinRadius = 0;
};

BreechFaceRegion findBreechFace(const Surface& s);
// Masks everything outside the primer (shrunk by `marginPx`) and inside the
// firing-pin impression (grown by `marginPx`).
Surface maskBreechFace(const Surface& s, const BreechFaceRegion& region, double marginPx);

struct BreechFacePipeline {
    bool findRegion = true;         // detect primer and firing pin, mask both
    double regionMarginFraction = 0.03;  // of the primer radius
    int levelOrder = 1;
    double outlierThreshold = 6.0;  // 0 disables
    double shortCutoff = 16e-6;     // 0 disables the low-pass part
    double longCutoff = 500e-6;     // 0 disables the high-pass part
    double targetSpacing = 6.25e-6; // 0 keeps the spacing
    bool crop = true;
};

// The named default pipeline "breechface-default": region, level, outliers,
// band-pass, resample, crop. `progress` receives (step, total, step name).
Surface preprocessBreechFace(const Surface& raw, const BreechFacePipeline& options = {},
                             const std::function<void(int, int, const std::string&)>& progress = {});

}  // namespace striae::imaging
