// The picture of what the breech-face finder decided: the raw scan under a
// raking light (shading shows the impression's form whatever its tilt or
// units), the discarded points dimmed and tinted, the found circles drawn.

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "CvBridge.h"
#include "striae/imaging/Preprocess.h"

namespace striae::imaging {

RgbImage renderShadedRelief(const Surface& surface, int maxSidePx) {
    // Everything valid counts as kept, and no circle is found: a plain lit relief.
    return renderRegionOverlay(surface, BreechFaceRegion{}, &surface, maxSidePx);
}

RgbImage renderRegionOverlay(const Surface& raw, const BreechFaceRegion& region, const Surface* masked, int maxSidePx) {
    RgbImage image;
    if (raw.empty()) return image;
    const double scale = std::max(1.0, double(std::max(raw.rows(), raw.cols())) / std::max(64, maxSidePx));
    const Surface small = scale > 1.0 ? resample(level(raw, 1), raw.spacingX() * scale) : level(raw, 1);
    const cv::Mat z = viewAsMat(small);
    const double fx = double(raw.cols()) / z.cols, fy = double(raw.rows()) / z.rows;
    image.width = z.cols, image.height = z.rows, image.scale = (fx + fy) / 2;
    cv::Mat rgb(z.size(), CV_8UC3);
    const double step = small.spacingX();
    // Light from the upper left, 30° above the surface; slopes in true proportion.
    const double lx = -std::cos(CV_PI / 6) / std::sqrt(2.0), ly = lx, lz = std::sin(CV_PI / 6);
    for (int r = 0; r < z.rows; ++r)
        for (int c = 0; c < z.cols; ++c) {
            const double v = z.at<double>(r, c);
            if (std::isnan(v)) {
                rgb.at<cv::Vec3b>(r, c) = {40, 20, 40};  // missing: dark purple (BGR)
                continue;
            }
            auto h = [&](int rr, int cc) {
                rr = std::clamp(rr, 0, z.rows - 1), cc = std::clamp(cc, 0, z.cols - 1);
                const double w = z.at<double>(rr, cc);
                return std::isnan(w) ? v : w;
            };
            const double gx = (h(r, c + 1) - h(r, c - 1)) / (2 * step), gy = (h(r + 1, c) - h(r - 1, c)) / (2 * step);
            const double norm = std::sqrt(gx * gx + gy * gy + 1);
            const double shade = std::clamp((-gx * lx - gy * ly + lz) / norm, 0.0, 1.0);
            const int grey = int(std::lround(30 + 225 * shade));
            const int rr = std::clamp(int((r + 0.5) * fy), 0, raw.rows() - 1), cc = std::clamp(int((c + 0.5) * fx), 0, raw.cols() - 1);
            const bool kept = masked ? masked->isValid(rr, cc) : region.inMask(rr, cc);
            if (kept) rgb.at<cv::Vec3b>(r, c) = cv::Vec3b(uchar(grey), uchar(grey), uchar(grey));
            else rgb.at<cv::Vec3b>(r, c) = cv::Vec3b(uchar(grey * 0.35), uchar(grey * 0.35), uchar(40 + grey * 0.45));  // dimmed red
        }
    const int thickness = std::max(2, int(std::lround(z.cols / 300.0)));
    auto draw = [&](double x, double y, double radius, cv::Scalar colour) {
        cv::circle(rgb, cv::Point(int(std::lround((x + 0.5) / fx - 0.5)), int(std::lround((y + 0.5) / fy - 0.5))),
                   int(std::lround(radius / image.scale)), colour, thickness, cv::LINE_AA);
    };
    if (region.primerFound) draw(region.primerX, region.primerY, region.primerRadius, {60, 200, 60});
    if (region.firingPinFound) draw(region.pinX, region.pinY, region.pinRadius, {0, 140, 255});
    cv::Mat out;
    cv::cvtColor(rgb, out, cv::COLOR_BGR2RGB);
    image.rgb.assign(out.datastart, out.dataend);
    return image;
}

void writeRegionOverlay(const Surface& raw, const BreechFaceRegion& region, const Surface* masked, const std::string& pngPath,
                        int maxSidePx) {
    const RgbImage image = renderRegionOverlay(raw, region, masked, maxSidePx);
    if (image.rgb.empty()) throw std::runtime_error(pngPath + ": nothing to draw (empty surface)");
    cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<unsigned char*>(image.rgb.data())), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<unsigned char> png;
    if (!cv::imencode(".png", bgr, png)) throw std::runtime_error(pngPath + ": cannot encode the overlay as PNG");
    // Written beside the target and renamed: a failed write leaves nothing behind.
    const std::string temporary = pngPath + ".part";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) throw std::runtime_error(pngPath + ": cannot write the overlay (folder missing or not writable)");
        file.write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
        file.close();
        if (!file) {
            std::remove(temporary.c_str());
            throw std::runtime_error(pngPath + ": cannot write the overlay (disk full?)");
        }
    }
    if (std::rename(temporary.c_str(), pngPath.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw std::runtime_error(pngPath + ": cannot write the overlay (rename failed)");
    }
}

}  // namespace striae::imaging
