#pragma once
// 2D images into and out of the surface model: 8/16-bit PNG/TIFF height maps
// and grayscale photographs (OpenCV), with a stated spacing.

#include <limits>
#include <stdexcept>
#include <string>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ImageImportOptions {
    double spacingX = 0;  // metres per pixel; required
    double spacingY = 0;  // 0: same as spacingX
    // Heights: z = zOffset + zScale × grey level. Integer images need zScale;
    // float TIFFs are taken as metres × zScale (default 1).
    double zScale = std::numeric_limits<double>::quiet_NaN();
    double zOffset = 0;
    bool zeroIsMissing = true;  // grey level 0 marks a missing point in integer height maps
    bool photograph = false;    // intensities (0..1), not heights; colour is converted to grey
};

Surface readImage(const std::string& path, const ImageImportOptions& options);

// How the written grey levels map back to heights: z = zOffset + zScale × (g − 1), g ≥ 1; g = 0 missing.
struct ImageExportScale {
    bool exact = false;  // float TIFF: values are heights in metres, NaN missing
    double zScale = 1;
    double zOffset = 0;
};

// .png: 16-bit, valid heights spread over 1..65535, 0 = missing.
// .tif/.tiff: 32-bit float heights in metres, NaN = missing.
ImageExportScale writeImage(const Surface& s, const std::string& path);

}  // namespace striae::imaging
