#include "striae/imaging/ImageIO.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "CvBridge.h"

namespace striae::imaging {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) { throw ImageError(path + ": " + problem); }

std::string extensionOf(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

}  // namespace

Surface readImage(const std::string& path, const ImageImportOptions& o) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file");
    if (!(o.spacingX > 0) || !std::isfinite(o.spacingX) || o.spacingY < 0 || !std::isfinite(o.spacingY))
        fail(path, "an image needs a positive pixel spacing");
    cv::Mat image;
    try {
        image = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        fail(path, std::string("not a readable image: ") + e.what());
    }
    if (image.empty()) fail(path, "not a readable PNG or TIFF image");
    const int depth = image.depth();
    if (image.channels() > 1) {
        if (!o.photograph) fail(path, "a colour image is not a height map (import it as a photograph)");
        cv::Mat grey;
        cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
        image = grey;
    }
    const bool integer = depth == CV_8U || depth == CV_16U;
    if (!integer && depth != CV_32F && depth != CV_64F) fail(path, "unsupported pixel type (need 8/16-bit or float)");
    const double fullScale = depth == CV_8U ? 255.0 : depth == CV_16U ? 65535.0 : 1.0;
    double zScale = o.zScale, zOffset = o.zOffset;
    if (o.photograph) {
        zScale = 1.0 / fullScale;
        zOffset = 0;
    } else if (std::isnan(zScale)) {
        if (integer) fail(path, "an integer height map needs a height scale (metres per grey level)");
        zScale = 1.0;
    }
    if (!std::isfinite(zScale) || zScale == 0) fail(path, "the height scale must be finite and non-zero");
    cv::Mat values;
    image.convertTo(values, CV_64F);
    const double spacingY = o.spacingY > 0 ? o.spacingY : o.spacingX;
    Surface s(values.rows, values.cols, o.spacingX, spacingY);
    for (int r = 0; r < values.rows; ++r) {
        const double* g = values.ptr<double>(r);
        double* out = s.mutableRow(r);
        for (int c = 0; c < values.cols; ++c) {
            const bool missing = !std::isfinite(g[c]) || (integer && !o.photograph && o.zeroIsMissing && g[c] == 0);
            out[c] = missing ? kMissing : zOffset + zScale * g[c];
        }
    }
    s.metadata().featureType = o.photograph ? "IMG" : "SUR";
    s.metadata().comment = o.photograph ? "photograph: grey levels 0..1, not heights" : "imported height map";
    s.addStep({o.photograph ? "import_photograph" : "import_height_map",
               {{"file", std::filesystem::path(path).filename().string()},
                {"bits", std::to_string(depth == CV_8U ? 8 : depth == CV_16U ? 16 : depth == CV_32F ? 32 : 64)},
                {"spacing_um", formatNumber(o.spacingX * 1e6)},
                {"z_scale", formatNumber(zScale)},
                {"z_offset", formatNumber(zOffset)}}});
    return s;
}

ImageExportScale writeImage(const Surface& s, const std::string& path) {
    if (s.empty()) fail(path, "cannot write an empty surface");
    const std::string ext = extensionOf(path);
    ImageExportScale scale;
    cv::Mat out;
    if (ext == ".tif" || ext == ".tiff") {
        viewAsMat(s).convertTo(out, CV_32F);
        scale.exact = true;
    } else if (ext == ".png") {
        const HeightRange range = s.heightRange();
        const double span = std::isnan(range.min) ? 0.0 : range.max - range.min;
        scale.zScale = span > 0 ? span / 65534.0 : 1.0;
        scale.zOffset = std::isnan(range.min) ? 0.0 : range.min;
        out.create(s.rows(), s.cols(), CV_16U);
        for (int r = 0; r < s.rows(); ++r) {
            const double* z = s.row(r);
            auto* g = out.ptr<unsigned short>(r);
            for (int c = 0; c < s.cols(); ++c)
                g[c] = std::isnan(z[c]) ? 0 : (unsigned short)(1 + std::lround((z[c] - scale.zOffset) / scale.zScale));
        }
    } else {
        fail(path, "images can be written as .png (16-bit) or .tif (float), not '" + ext + "'");
    }
    // Written beside the target and renamed, so a failure leaves nothing half-written.
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path temp = target.parent_path() / (".tmp-" + std::to_string(std::random_device{}()) + ext);
    bool written = false;
    try {
        written = cv::imwrite(temp.string(), out);
    } catch (const cv::Exception&) {
        written = false;
    }
    std::error_code ec;
    if (!written) {
        fs::remove(temp, ec);
        fail(path, "cannot write the image");
    }
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp, ec);
        fail(path, "cannot move the written image into place: " + ec.message());
    }
    return scale;
}

}  // namespace striae::imaging
