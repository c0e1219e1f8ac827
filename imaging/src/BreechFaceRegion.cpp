// Finding the breech face on a raw cartridge-case scan: the firing-pin
// impression is the deep crater, the primer outline the first ring around it
// where the surface leaves the primer's level (the gap to the case head) or
// the scan ends. Both are circles found on radial profiles of the surface.

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "CvBridge.h"
#include "striae/imaging/Preprocess.h"

namespace striae::imaging {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double nthValue(std::vector<double> v, double fraction) {
    if (v.empty()) return kNaN;
    auto at = v.begin() + std::min<std::size_t>(v.size() - 1, std::size_t(fraction * double(v.size())));
    std::nth_element(v.begin(), at, v.end());
    return *at;
}

struct RadialProfile {
    std::vector<double> median;     // per 1-px ring, NaN when the ring has no data
    std::vector<double> validShare; // fraction of the ring's pixels with data
};

RadialProfile radialProfile(const cv::Mat& z, double cx, double cy, int maxRadius) {
    std::vector<std::vector<double>> rings(maxRadius + 1);
    std::vector<int> total(maxRadius + 1, 0);
    for (int r = 0; r < z.rows; ++r) {
        const double* p = z.ptr<double>(r);
        for (int c = 0; c < z.cols; ++c) {
            const int k = int(std::lround(std::hypot(c - cx, r - cy)));
            if (k > maxRadius) continue;
            ++total[k];
            if (!std::isnan(p[c])) rings[k].push_back(p[c]);
        }
    }
    RadialProfile out;
    for (int k = 0; k <= maxRadius; ++k) {
        out.validShare.push_back(total[k] ? double(rings[k].size()) / total[k] : 0.0);
        out.median.push_back(rings[k].empty() ? kNaN : nthValue(std::move(rings[k]), 0.5));
    }
    return out;
}

}  // namespace

BreechFaceRegion findBreechFace(const Surface& input) {
    BreechFaceRegion region;
    if (input.validCount() < 100) return region;
    // Work on a coarse grid: circles of hundreds of pixels need no fine detail.
    const double scale = std::max(1.0, std::max(input.rows(), input.cols()) / 400.0);
    const Surface coarse = scale > 1.0 ? resample(input, input.spacingX() * scale) : input;
    const Surface levelled = level(coarse, 1);
    const cv::Mat z = viewAsMat(levelled);

    std::vector<double> heights;
    for (int r = 0; r < z.rows; ++r)
        for (int c = 0; c < z.cols; ++c)
            if (!std::isnan(z.at<double>(r, c))) heights.push_back(z.at<double>(r, c));
    const double med = nthValue(heights, 0.5);
    const double low = nthValue(heights, 0.005);
    // Roughness from neighbour differences: blind to steps between large regions.
    std::vector<double> differences;
    for (int r = 0; r < z.rows; ++r)
        for (int c = 1; c < z.cols; ++c) {
            const double d = z.at<double>(r, c) - z.at<double>(r, c - 1);
            if (!std::isnan(d)) differences.push_back(std::abs(d));
        }
    const double sigma = 1.4826 * nthValue(differences, 0.5) / std::sqrt(2.0);

    // Firing pin: the connected region deeper than halfway to the bottom,
    // if the bottom is far below the surface's own roughness.
    const double depth = med - low;
    double cx = z.cols / 2.0, cy = z.rows / 2.0;
    if (depth > 20 * sigma) {
        cv::Mat deep = cv::Mat::zeros(z.size(), CV_8U);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c) {
                const double h = z.at<double>(r, c);
                deep.at<unsigned char>(r, c) = (!std::isnan(h) && h < med - depth / 2) ? 255 : 0;
            }
        cv::morphologyEx(deep, deep, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(deep, labels, stats, centroids);
        int best = 0;
        for (int i = 1; i < n; ++i)
            if (best == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(best, cv::CC_STAT_AREA)) best = i;
        if (best > 0 && stats.at<int>(best, cv::CC_STAT_AREA) >= 20) {
            cx = centroids.at<double>(best, 0);
            cy = centroids.at<double>(best, 1);
            const double halfRadius = std::sqrt(stats.at<int>(best, cv::CC_STAT_AREA) / CV_PI);
            // The rim: where the ring median climbs back to within 10% of the
            // crater's depth below the surrounding surface.
            const RadialProfile profile = radialProfile(z, cx, cy, int(halfRadius * 2.5));
            std::vector<double> around;
            for (int k = int(halfRadius * 1.6); k < int(profile.median.size()); ++k)
                if (!std::isnan(profile.median[k])) around.push_back(profile.median[k]);
            const double surroundLevel = around.empty() ? med : nthValue(around, 0.5);
            const double bottom = std::isnan(profile.median[0]) ? low : profile.median[0];
            double rim = halfRadius;
            for (int k = int(halfRadius); k < int(profile.median.size()); ++k) {
                if (!std::isnan(profile.median[k]) && profile.median[k] > surroundLevel - 0.1 * (surroundLevel - bottom)) {
                    rim = k;
                    break;
                }
            }
            region.firingPinFound = true;
            region.pinX = cx;
            region.pinY = cy;
            region.pinRadius = rim;
        }
    }

    // Primer: rays from the pin centre end where the surface leaves the
    // primer's level for good (the gap to the case head) or the data ends;
    // a circle fitted to those ends is the primer outline.
    const int maxRadius = int(std::hypot(std::max(cx, z.cols - cx), std::max(cy, z.rows - cy)));
    const int start = int(region.firingPinFound ? region.pinRadius * 1.3 : std::min(z.cols, z.rows) * 0.1) + 1;
    std::vector<double> annulus;
    for (int r = 0; r < z.rows; ++r)
        for (int c = 0; c < z.cols; ++c) {
            const double d = std::hypot(c - cx, r - cy);
            if (d >= start && d < start + 12 && !std::isnan(z.at<double>(r, c))) annulus.push_back(z.at<double>(r, c));
        }
    if (annulus.size() > 50) {
        const double primerLevel = nthValue(annulus, 0.5);
        for (double& v : annulus) v = std::abs(v - primerLevel);
        const double tolerance = std::max(8 * 1.4826 * nthValue(annulus, 0.5), 1e-15);
        std::vector<cv::Point2d> ends;
        constexpr int kRays = 180, kRun = 3;
        for (int i = 0; i < kRays; ++i) {
            const double angle = 2 * CV_PI * i / kRays, dx = std::cos(angle), dy = std::sin(angle);
            int run = 0;
            for (int k = start; k < maxRadius; ++k) {
                const int c = int(std::lround(cx + k * dx)), r = int(std::lround(cy + k * dy));
                if (c < 0 || r < 0 || c >= z.cols || r >= z.rows) break;  // ray left the scan: no edge on it
                const double v = z.at<double>(r, c);
                run = (std::isnan(v) || std::abs(v - primerLevel) > tolerance) ? run + 1 : 0;
                if (run == kRun) {
                    ends.emplace_back(cx + (k - kRun + 1) * dx, cy + (k - kRun + 1) * dy);
                    break;
                }
            }
        }
        // Algebraic circle fit, refitted without the ends farthest from it.
        std::vector<cv::Point2d> inliers = ends;
        for (int iteration = 0; iteration < 3 && inliers.size() >= 12; ++iteration) {
            cv::Mat a(int(inliers.size()), 3, CV_64F), b(int(inliers.size()), 1, CV_64F), sol;
            for (int i = 0; i < int(inliers.size()); ++i) {
                a.at<double>(i, 0) = inliers[i].x;
                a.at<double>(i, 1) = inliers[i].y;
                a.at<double>(i, 2) = 1;
                b.at<double>(i) = -(inliers[i].x * inliers[i].x + inliers[i].y * inliers[i].y);
            }
            cv::solve(a, b, sol, cv::DECOMP_SVD);
            const double px = -sol.at<double>(0) / 2, py = -sol.at<double>(1) / 2;
            const double radius = std::sqrt(std::max(0.0, px * px + py * py - sol.at<double>(2)));
            std::vector<double> residuals;
            for (const auto& e : inliers) residuals.push_back(std::abs(std::hypot(e.x - px, e.y - py) - radius));
            const double cut = std::max(2.0, 2.5 * nthValue(residuals, 0.5));
            std::vector<cv::Point2d> kept;
            for (std::size_t i = 0; i < inliers.size(); ++i)
                if (residuals[i] <= cut) kept.push_back(inliers[i]);
            region.primerFound = radius > start && int(ends.size()) >= kRays / 3;
            region.primerX = px;
            region.primerY = py;
            region.primerRadius = radius;
            if (kept.size() == inliers.size()) break;
            inliers = std::move(kept);
        }
    }

    // Back to the input's pixel grid.
    const double sx = double(input.cols()) / z.cols, sy = double(input.rows()) / z.rows;
    const double sr = (sx + sy) / 2;
    region.pinX = (region.pinX + 0.5) * sx - 0.5;
    region.pinY = (region.pinY + 0.5) * sy - 0.5;
    region.pinRadius *= sr;
    region.primerX = (region.primerX + 0.5) * sx - 0.5;
    region.primerY = (region.primerY + 0.5) * sy - 0.5;
    region.primerRadius *= sr;
    return region;
}

Surface maskBreechFace(const Surface& s, const BreechFaceRegion& region, double margin) {
    Surface out = s.clone();
    for (int r = 0; r < out.rows(); ++r) {
        double* p = out.mutableRow(r);
        for (int c = 0; c < out.cols(); ++c) {
            const bool outsidePrimer =
                region.primerFound && std::hypot(c - region.primerX, r - region.primerY) > region.primerRadius - margin;
            const bool insidePin =
                region.firingPinFound && std::hypot(c - region.pinX, r - region.pinY) < region.pinRadius + margin;
            if (outsidePrimer || insidePin) p[c] = kNaN;
        }
    }
    out.addStep({"mask_breech_face",
                 {{"primer", region.primerFound ? formatNumber(region.primerX) + "," + formatNumber(region.primerY) + " r=" +
                                                      formatNumber(region.primerRadius)
                                                : "not found"},
                  {"firing_pin", region.firingPinFound ? formatNumber(region.pinX) + "," + formatNumber(region.pinY) +
                                                            " r=" + formatNumber(region.pinRadius)
                                                      : "not found"},
                  {"margin_px", formatNumber(margin)}}});
    return out;
}

Surface preprocessBreechFace(const Surface& raw, const BreechFacePipeline& o,
                             const std::function<void(int, int, const std::string&)>& progress) {
    const int total = 6;
    int step = 0;
    auto report = [&](const char* name) {
        if (progress) progress(++step, total, name);
    };
    Surface s = raw;
    s.addStep({"pipeline", {{"name", "breechface-default"}}});
    report("breech-face region");
    if (o.findRegion) {
        const BreechFaceRegion region = findBreechFace(s);
        const double margin = region.primerFound ? o.regionMarginFraction * region.primerRadius : 0.0;
        s = maskBreechFace(s, region, margin);
    }
    report("level");
    s = level(s, o.levelOrder);
    report("outliers");
    if (o.outlierThreshold > 0) s = removeOutliers(s, o.outlierThreshold);
    report("band-pass");
    if (o.shortCutoff > 0 && o.longCutoff > 0) s = gaussianBandPass(s, o.shortCutoff, o.longCutoff);
    else if (o.longCutoff > 0) s = gaussianHighPass(s, o.longCutoff);
    else if (o.shortCutoff > 0) s = gaussianLowPass(s, o.shortCutoff);
    report("resample");
    if (o.targetSpacing > 0 && std::abs(s.spacingX() / o.targetSpacing - 1) > 0.01) s = resample(s, o.targetSpacing);
    report("crop");
    if (o.crop) s = cropToValid(s);
    return s;
}

}  // namespace striae::imaging
