#pragma once
// Breech-face preprocessing. Each step is a function that returns a new
// surface and appends itself, with its parameters, to the processing history.
// Missing points stay missing; filters handle them by normalized convolution.

#include <functional>
#include <optional>
#include <vector>
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

// A circle on a surface's pixel grid: centre (column, row) and radius in pixels.
struct Circle {
    double x = 0, y = 0, radius = 0;
};

// The breech face of a cartridge case: inside the primer outline, outside the
// firing-pin impression and what surrounds it (the primer metal that flowed
// back into the breech face's firing-pin aperture, the aperture shear / drag).
// Pixel coordinates on the surface it was found on.
struct BreechFaceRegion {
    bool primerFound = false;
    double primerX = 0, primerY = 0, primerRadius = 0;
    bool firingPinFound = false;
    double pinX = 0, pinY = 0, pinRadius = 0;
    std::string primerSource = "not found";     // detected | given | not found
    std::string firingPinSource = "not found";  // detected | given | not found
    // Where the breech face is, on a grid `maskScale` times coarser than the
    // surface (row-major, maskRows × maskCols, 1 = breech face): the on-level
    // surface connected to the firing pin's surroundings, without the pin, its
    // flow-back and shear, and without what lies off the breech face's level.
    // Empty when the region was given, not detected (circles only then).
    std::vector<unsigned char> mask;
    int maskRows = 0, maskCols = 0;
    double maskScale = 1;
    // What the finder measured, for the processing history and the overlay.
    double levelTolerance = 0;   // metres: off-level beyond this is not breech face
    std::vector<std::string> notes;

    Circle primer() const { return {primerX, primerY, primerRadius}; }
    Circle firingPin() const { return {pinX, pinY, pinRadius}; }
    bool inMask(int row, int col) const;  // true when there is no mask
};

// Circles known beforehand (the technician's correction), in pixels of the
// surface; a given circle replaces its detection.
struct BreechFaceHints {
    std::optional<Circle> primer;
    std::optional<Circle> firingPin;
};

// Finds the primer outline and the firing-pin impression on a raw scan of any
// instrument: with or without missing points, with the case head in view or
// not, at any spacing and in-plane orientation (see docs/preprocessing.md).
BreechFaceRegion findBreechFace(const Surface& s, const BreechFaceHints& hints = {});
// Masks everything outside the primer (shrunk by `marginPx`), inside the
// firing-pin impression (grown by `marginPx`), and outside the region's mask.
Surface maskBreechFace(const Surface& s, const BreechFaceRegion& region, double marginPx);

// The share of the annulus between the firing-pin circle and the primer
// circle (within the scan) that holds valid points of `masked`.
double annulusKeptFraction(const Surface& masked, const BreechFaceRegion& region);

// A picture of what the region finder decided: the raw scan shaded as under
// raking light, the kept breech face tinted, the primer circle (green) and the
// firing-pin circle (orange) drawn; longest side at most `maxSidePx`.
struct RgbImage {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;  // row-major, 3 bytes a pixel
    double scale = 1;                // surface pixels per image pixel
};
RgbImage renderRegionOverlay(const Surface& raw, const BreechFaceRegion& region, const Surface* masked = nullptr,
                             int maxSidePx = 1000);
// A surface drawn grey and lit from the upper left (as the comparison view's
// default), missing points dark purple; for thumbnails such as land images.
RgbImage renderShadedRelief(const Surface& surface, int maxSidePx = 400);
// The overlay written as a PNG; throws ImageError-like std::runtime_error naming the file.
void writeRegionOverlay(const Surface& raw, const BreechFaceRegion& region, const Surface* masked, const std::string& pngPath,
                        int maxSidePx = 1000);

struct BreechFacePipeline {
    bool findRegion = true;         // detect primer and firing pin, mask both
    BreechFaceHints hints;          // circles given by the technician replace their detection
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
// `found`, when given, receives the region found and the raw scan masked by it
// (what the overlay shows).
struct BreechFaceFound {
    BreechFaceRegion region;
    Surface masked;
};
Surface preprocessBreechFace(const Surface& raw, const BreechFacePipeline& options = {},
                             const std::function<void(int, int, const std::string&)>& progress = {},
                             BreechFaceFound* found = nullptr);

}  // namespace striae::imaging
