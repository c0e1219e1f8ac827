// Finding the breech face on a raw cartridge-case scan, on any instrument.
//
// What a raw scan holds, from the centre out: the firing-pin impression (its
// deep interior often unmeasured), around it the primer metal that flowed back
// into the breech face's firing-pin aperture (a raised collar, with the
// aperture shear or drag on one side), the breech face itself (a nearly flat
// annulus), the primer's edge (where the data ends, or a gap down to the case
// head) and, on some instruments, the case head with its headstamp.
//
// 1. The pin's core: the largest interior hole of missing points, or else the
//    deepest connected depression.
// 2. The breech face's level: a robust plane fitted on the first plateau of the
//    radial height profile around the core (past the walls and the collar).
// 3. The pin impression with its collar and shear: the off-level (or missing)
//    region connected to the core.
// 4. The breech face: the on-level surface connected to the pin's surroundings.
// 5. The primer: a circle fitted by RANSAC to the outer edge of that surface.
// Thresholds are in robust standard deviations of the surface's own level, not
// in absolute heights, so units and instruments do not matter.

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
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

double robustSigma(std::vector<double> v) {
    if (v.empty()) return kNaN;
    const double m = nthValue(v, 0.5);
    for (double& x : v) x = std::abs(x - m);
    return 1.4826 * nthValue(std::move(v), 0.5);
}

// A polynomial surface (order 1: plane, 2: quadric) fitted by least squares,
// then refitted four times without the points beyond 3 robust SD.
struct SurfaceFit {
    int order = 1;
    double cx = 0, cy = 0, norm = 1;
    std::vector<double> coefficients;
    double sigma = 0;  // robust SD of the inliers' residuals

    static int terms(int order) { return order == 1 ? 3 : 6; }
    void basis(double col, double row, double* b) const {
        const double x = (col - cx) / norm, y = (row - cy) / norm;
        b[0] = 1, b[1] = x, b[2] = y;
        if (order >= 2) b[3] = x * x, b[4] = x * y, b[5] = y * y;
    }
    double operator()(double col, double row) const {
        double b[6];
        basis(col, row, b);
        double v = 0;
        for (int i = 0; i < terms(order); ++i) v += b[i] * coefficients[std::size_t(i)];
        return v;
    }
};

SurfaceFit robustFit(const cv::Mat& z, const cv::Mat& use, int order) {
    SurfaceFit fit;
    fit.order = order;
    fit.cx = z.cols / 2.0, fit.cy = z.rows / 2.0, fit.norm = std::max(z.cols, z.rows) / 2.0;
    const int n = SurfaceFit::terms(order);
    // A plane or a quadric needs no more than some 40,000 points: a regular subsample.
    const int count = cv::countNonZero(use);
    const int step = std::max(1, int(std::sqrt(count / 40000.0)));
    std::vector<cv::Point> points;
    for (int r = 0; r < z.rows; r += step)
        for (int c = 0; c < z.cols; c += step)
            if (use.at<unsigned char>(r, c) && !std::isnan(z.at<double>(r, c))) points.emplace_back(c, r);
    fit.coefficients.assign(std::size_t(n), 0.0);
    if (int(points.size()) < 3 * n) return fit;
    std::vector<char> inlier(points.size(), 1);
    for (int iteration = 0; iteration < 5; ++iteration) {
        cv::Mat ata = cv::Mat::zeros(n, n, CV_64F), atb = cv::Mat::zeros(n, 1, CV_64F);
        double b[6];
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (!inlier[i]) continue;
            fit.basis(points[i].x, points[i].y, b);
            const double v = z.at<double>(points[i]);
            for (int j = 0; j < n; ++j) {
                atb.at<double>(j) += b[j] * v;
                for (int k = 0; k < n; ++k) ata.at<double>(j, k) += b[j] * b[k];
            }
        }
        cv::Mat solution;
        if (!cv::solve(ata, atb, solution, cv::DECOMP_SVD)) break;
        for (int j = 0; j < n; ++j) fit.coefficients[std::size_t(j)] = solution.at<double>(j);
        std::vector<double> residuals;
        residuals.reserve(points.size());
        for (std::size_t i = 0; i < points.size(); ++i)
            if (inlier[i]) residuals.push_back(z.at<double>(points[i]) - fit(points[i].x, points[i].y));
        fit.sigma = robustSigma(residuals);
        const double median = nthValue(residuals, 0.5);
        for (std::size_t i = 0; i < points.size(); ++i)
            inlier[i] = std::abs(z.at<double>(points[i]) - fit(points[i].x, points[i].y) - median) <= 3 * fit.sigma;
    }
    return fit;
}

cv::Mat disc(int radius) {
    radius = std::max(1, radius);
    return cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * radius + 1, 2 * radius + 1});
}

bool touchesBorder(const cv::Mat& stats, int label, cv::Size size) {
    const int x = stats.at<int>(label, cv::CC_STAT_LEFT), y = stats.at<int>(label, cv::CC_STAT_TOP);
    return x == 0 || y == 0 || x + stats.at<int>(label, cv::CC_STAT_WIDTH) == size.width ||
           y + stats.at<int>(label, cv::CC_STAT_HEIGHT) == size.height;
}

// Fills what a region encloses (anything not reachable from the border outside it).
cv::Mat fillHoles(const cv::Mat& region) {
    cv::Mat padded;
    cv::copyMakeBorder(region, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    cv::Mat outside = padded.clone();
    cv::floodFill(outside, cv::Point(0, 0), 255);
    cv::Mat filled = padded | ~outside;
    return filled(cv::Rect(1, 1, region.cols, region.rows)).clone();
}

// Algebraic (Kåsa) circle through the points, least squares.
bool fitCircle(const std::vector<cv::Point2d>& points, Circle& circle) {
    if (points.size() < 3) return false;
    cv::Mat a(int(points.size()), 3, CV_64F), b(int(points.size()), 1, CV_64F), solution;
    for (int i = 0; i < int(points.size()); ++i) {
        a.at<double>(i, 0) = points[std::size_t(i)].x;
        a.at<double>(i, 1) = points[std::size_t(i)].y;
        a.at<double>(i, 2) = 1;
        b.at<double>(i) = -(points[std::size_t(i)].x * points[std::size_t(i)].x + points[std::size_t(i)].y * points[std::size_t(i)].y);
    }
    if (!cv::solve(a, b, solution, cv::DECOMP_SVD)) return false;
    circle.x = -solution.at<double>(0) / 2;
    circle.y = -solution.at<double>(1) / 2;
    const double r2 = circle.x * circle.x + circle.y * circle.y - solution.at<double>(2);
    if (!(r2 > 0)) return false;
    circle.radius = std::sqrt(r2);
    return true;
}

// Least squares, refitted twice without the points farther than 2.5 median residuals.
bool fitCircleTrimmed(std::vector<cv::Point2d> points, Circle& circle) {
    for (int iteration = 0; iteration < 3; ++iteration) {
        if (!fitCircle(points, circle)) return false;
        std::vector<double> residuals;
        for (const auto& p : points) residuals.push_back(std::abs(std::hypot(p.x - circle.x, p.y - circle.y) - circle.radius));
        const double cut = std::max(1.5, 2.5 * nthValue(residuals, 0.5));
        std::vector<cv::Point2d> kept;
        for (std::size_t i = 0; i < points.size(); ++i)
            if (residuals[i] <= cut) kept.push_back(points[i]);
        if (kept.size() == points.size() || kept.size() < 3) break;
        points = std::move(kept);
    }
    return true;
}

std::vector<cv::Point2d> outerContourPoints(const cv::Mat& region) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(region.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    std::vector<cv::Point2d> points;
    for (const auto& contour : contours)
        for (const auto& p : contour) points.emplace_back(p.x, p.y);
    return points;
}

struct PrimerSearch {
    Circle circle;
    int inliers = 0;
    int coveredSectors = 0;  // of 36
};

// RANSAC: the circle through the most edge points, with (nearly) all of the
// breech face inside it and its centre near the firing pin's.
PrimerSearch ransacPrimer(const std::vector<cv::Point2d>& edges, const std::vector<cv::Point>& faceSample, cv::Point2d pin,
                          double minRadius, double maxRadius, double maxCentreOffset) {
    PrimerSearch best;
    if (edges.size() < 12) return best;
    cv::RNG rng(0x5eed);
    auto inliersOf = [&](const Circle& c, std::vector<cv::Point2d>* out) {
        const double tolerance = std::max(1.5, 0.01 * c.radius);
        int count = 0;
        for (const auto& p : edges)
            if (std::abs(std::hypot(p.x - c.x, p.y - c.y) - c.radius) <= tolerance) {
                ++count;
                if (out) out->push_back(p);
            }
        return count;
    };
    auto plausible = [&](const Circle& c) {
        if (!(c.radius >= minRadius && c.radius <= maxRadius)) return false;
        if (std::hypot(c.x - pin.x, c.y - pin.y) > maxCentreOffset * c.radius) return false;
        int outside = 0;
        for (const auto& p : faceSample)
            if (std::hypot(p.x - c.x, p.y - c.y) > c.radius * 1.02 + 2) ++outside;
        return outside <= int(0.05 * double(faceSample.size()));
    };
    int bestCount = 0;
    Circle bestCircle;
    for (int i = 0; i < 1500; ++i) {
        const auto& a = edges[std::size_t(rng.uniform(0, int(edges.size())))];
        const auto& b = edges[std::size_t(rng.uniform(0, int(edges.size())))];
        const auto& c = edges[std::size_t(rng.uniform(0, int(edges.size())))];
        Circle candidate;
        if (!fitCircle({a, b, c}, candidate)) continue;
        const int count = inliersOf(candidate, nullptr);
        if (count <= bestCount || !plausible(candidate)) continue;
        bestCount = count;
        bestCircle = candidate;
    }
    if (bestCount < 12) return best;
    std::vector<cv::Point2d> inliers;
    inliersOf(bestCircle, &inliers);
    Circle refined = bestCircle;
    if (!fitCircleTrimmed(inliers, refined) || !plausible(refined)) refined = bestCircle;
    best.circle = refined;
    inliers.clear();
    best.inliers = inliersOf(refined, &inliers);
    std::vector<char> sector(36, 0);
    for (const auto& p : inliers) {
        const double angle = std::atan2(p.y - refined.y, p.x - refined.x) + CV_PI;
        sector[std::size_t(std::min(35, int(angle / (2 * CV_PI) * 36)))] = 1;
    }
    best.coveredSectors = int(std::count(sector.begin(), sector.end(), 1));
    return best;
}

std::string describe(const Circle& c, double spacing) {
    return formatNumber(std::round(c.x * spacing * 1e7) / 10) + "," + formatNumber(std::round(c.y * spacing * 1e7) / 10) +
           " r=" + formatNumber(std::round(c.radius * spacing * 1e7) / 10) + " µm";
}

}  // namespace

bool BreechFaceRegion::inMask(int row, int col) const {
    if (mask.empty()) return true;
    const int r = std::clamp(int(row / maskScale), 0, maskRows - 1), c = std::clamp(int(col / maskScale), 0, maskCols - 1);
    return mask[std::size_t(r) * std::size_t(maskCols) + std::size_t(c)] != 0;
}

BreechFaceRegion findBreechFace(const Surface& input, const BreechFaceHints& hints) {
    BreechFaceRegion region;
    if (hints.primer) {
        region.primerFound = true;
        region.primerX = hints.primer->x, region.primerY = hints.primer->y, region.primerRadius = hints.primer->radius;
        region.primerSource = "given";
    }
    if (hints.firingPin) {
        region.firingPinFound = true;
        region.pinX = hints.firingPin->x, region.pinY = hints.firingPin->y, region.pinRadius = hints.firingPin->radius;
        region.firingPinSource = "given";
    }
    if (hints.primer && hints.firingPin) {
        region.notes.push_back("both circles given: the annulus between them is kept");
        return region;
    }
    if (input.validCount() < 100) {
        region.notes.push_back("too few valid points to look for the breech face");
        return region;
    }

    // A coarse grid of about 8 µm and at most 600 px a side: the region's
    // outlines need no finer detail, and 8 µm averages the instrument's noise.
    const double scale = std::max({1.0, 8e-6 / input.spacingX(), std::max(input.rows(), input.cols()) / 600.0});
    const Surface coarse = scale > 1.0 ? resample(input, input.spacingX() * scale) : input;
    const cv::Mat z = viewAsMat(coarse);
    const double sx = double(input.cols()) / z.cols, sy = double(input.rows()) / z.rows, sr = (sx + sy) / 2;
    const double spacing = coarse.spacingX();  // metres per coarse pixel
    auto toCoarse = [&](const Circle& c) { return Circle{(c.x + 0.5) / sx - 0.5, (c.y + 0.5) / sy - 0.5, c.radius / sr}; };
    auto toInput = [&](const Circle& c) { return Circle{(c.x + 0.5) * sx - 0.5, (c.y + 0.5) * sy - 0.5, c.radius * sr}; };
    const cv::Mat valid = (z == z);  // NaN compares unequal
    const SurfaceFit tilt = robustFit(z, valid, 1);  // the scan's overall tilt (the majority's plane)

    // 1. The firing pin's core.
    cv::Mat core = cv::Mat::zeros(z.size(), CV_8U);
    cv::Point2d centre(z.cols / 2.0, z.rows / 2.0);
    double coreRadius = 0;
    if (hints.firingPin) {
        const Circle c = toCoarse(*hints.firingPin);
        cv::circle(core, cv::Point(int(std::lround(c.x)), int(std::lround(c.y))), int(std::lround(c.radius)), 255, cv::FILLED);
        centre = {c.x, c.y};
        coreRadius = c.radius;
    } else {
        // Candidates: interior holes of missing points at least 100 µm across
        // (the unmeasured bottom of a pin impression, or a mere drop-out) and the
        // deepest connected depression. The pin is the one whose surroundings are
        // steep (its walls, the flow-back collar); a drop-out lies in flat surface.
        const SurfaceFit& tiltPlane = tilt;
        cv::Mat flat(z.size(), CV_64F);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c) flat.at<double>(r, c) = z.at<double>(r, c) - tiltPlane(c, r);
        struct Candidate {
            cv::Mat pixels;
            cv::Point2d centre;
            double radius = 0, contrast = 0;
            std::string what;
        };
        std::vector<Candidate> candidates;
        auto heightsIn = [&](const cv::Mat& where) {
            std::vector<double> v;
            for (int r = 0; r < z.rows; ++r)
                for (int c = 0; c < z.cols; ++c)
                    if (where.at<unsigned char>(r, c) && !std::isnan(flat.at<double>(r, c))) v.push_back(flat.at<double>(r, c));
            return v;
        };
        // Contrast: how far the candidate and its rim lie from the level of the
        // surface beyond it, in that surface's robust SD.
        auto consider = [&](cv::Mat pixels, cv::Point2d at, int area, std::string what) {
            Candidate k{std::move(pixels), at, std::sqrt(area / CV_PI), 0, std::move(what)};
            // Rings by the distance to the candidate (one pass, whatever its size).
            cv::Mat distance;
            cv::distanceTransform(~k.pixels, distance, cv::DIST_L2, cv::DIST_MASK_5);
            const double r1 = std::max(2.0, 0.3 * k.radius), r2 = std::max(3.0, 0.6 * k.radius), r3 = std::max(5.0, 1.0 * k.radius);
            const cv::Mat inner = distance <= r1, outer = (distance > r2) & (distance <= r3);
            const std::vector<double> in = heightsIn(inner), out = heightsIn(outer);
            if (in.size() >= 10 && out.size() >= 10)
                k.contrast = std::abs(nthValue(in, 0.5) - nthValue(out, 0.5)) / std::max(robustSigma(out), 1e-12);
            candidates.push_back(std::move(k));
        };
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(~valid, labels, stats, centroids, 8);
        const double minArea = CV_PI * std::pow(50e-6 / spacing, 2);
        for (int i = 1; i < n; ++i) {
            const int area = stats.at<int>(i, cv::CC_STAT_AREA);
            const double boxArea = double(stats.at<int>(i, cv::CC_STAT_WIDTH)) * stats.at<int>(i, cv::CC_STAT_HEIGHT);
            if (touchesBorder(stats, i, z.size()) || area < minArea || area < 0.3 * boxArea) continue;
            consider(labels == i, {centroids.at<double>(i, 0), centroids.at<double>(i, 1)}, area,
                     "interior hole of missing points");
        }
        {
            // What lies deep and reaches the scan's edge (the stage beyond a case
            // head, the gap around it) is not a pin: set aside, look again.
            const SurfaceFit& plane = tiltPlane;
            cv::Mat considered = valid.clone();
            for (int attempt = 0; attempt < 4; ++attempt) {
                std::vector<double> residuals, differences;
                for (int r = 0; r < z.rows; ++r)
                    for (int c = 0; c < z.cols; ++c) {
                        if (!considered.at<unsigned char>(r, c)) continue;
                        const double v = z.at<double>(r, c);
                        residuals.push_back(v - plane(c, r));
                        if (c > 0 && considered.at<unsigned char>(r, c - 1)) differences.push_back(std::abs(v - z.at<double>(r, c - 1)));
                    }
                if (residuals.size() < 100) break;
                const double med = nthValue(residuals, 0.5), low = nthValue(residuals, 0.005);
                const double roughness = 1.4826 * nthValue(differences, 0.5) / std::sqrt(2.0);
                const double depth = med - low;
                if (!(depth > 20 * roughness)) break;
                cv::Mat deep = cv::Mat::zeros(z.size(), CV_8U);
                for (int r = 0; r < z.rows; ++r)
                    for (int c = 0; c < z.cols; ++c)
                        if (considered.at<unsigned char>(r, c) && z.at<double>(r, c) - plane(c, r) < med - depth / 2)
                            deep.at<unsigned char>(r, c) = 255;
                cv::Mat rawDeep = deep.clone();
                cv::morphologyEx(deep, deep, cv::MORPH_OPEN, disc(2));
                const int m = cv::connectedComponentsWithStats(deep, labels, stats, centroids, 8);
                int deepest = 0;
                bool setAside = false;
                for (int i = 1; i < m; ++i) {
                    // Reaching the edge, or a ring (the gap around a primer): not a pin.
                    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
                    if (touchesBorder(stats, i, z.size()) ||
                        (area >= minArea && area < 0.6 * cv::countNonZero(fillHoles(labels == i)))) {
                        considered &= ~(labels == i);
                        setAside = true;
                        continue;
                    }
                    if (deepest == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(deepest, cv::CC_STAT_AREA)) deepest = i;
                }
                if (deepest > 0 && stats.at<int>(deepest, cv::CC_STAT_AREA) >= minArea) {
                    consider(labels == deepest, {centroids.at<double>(deepest, 0), centroids.at<double>(deepest, 1)},
                             stats.at<int>(deepest, cv::CC_STAT_AREA),
                             "deepest connected depression, " + formatNumber(std::round(depth * 1e6)) + " µm below the median");
                    break;
                }
                if (!setAside) break;
                // The deep band's unopened fringe goes too, or it would be found next.
                cv::Mat grown;
                cv::dilate(~considered & valid, grown, disc(3));
                considered &= ~(grown & rawDeep);
            }
        }
        // Off the surrounding level by 1.5 SD at least (drop-outs: up to 1; pins on real scans: 3.7–9); the largest and most distinct of those.
        const Candidate* best = nullptr;
        auto weight = [](const Candidate& k) { return k.radius * std::min(k.contrast, 20.0); };
        for (const auto& k : candidates)
            if (k.contrast >= 1.5 && (!best || weight(k) > weight(*best))) best = &k;
        if (best) {
            core = best->pixels;
            centre = best->centre;
            coreRadius = best->radius;
            region.notes.push_back("firing pin: " + best->what + ", " + formatNumber(std::round(2 * coreRadius * spacing * 1e6)) +
                                   " µm across, its rim " + formatNumber(std::round(best->contrast * 10) / 10) +
                                   " SD off the surrounding level");
        }
        if (coreRadius == 0) {
            const cv::Moments m = cv::moments(valid, true);
            if (m.m00 > 0) centre = {m.m10 / m.m00, m.m01 / m.m00};
            region.notes.push_back("firing pin: no hole or depression found");
        }
    }

    // 2 and 3. The breech face's level from the radial profile's first plateau
    // (else an annulus beyond the pin's region), and the pin's region (with its
    // flow-back and shear) as what lies off that level and is connected to the
    // core; up to four rounds, until the region stops growing.
    cv::Mat blob = core.clone(), offLevel(z.size(), CV_8U);
    SurfaceFit plane;
    double tolerance = 0;
    double blobRadius = coreRadius;
    cv::Point2d blobCentre = centre;
    // A pin's flow-back and shear reach little beyond the pin itself: a region
    // more than 2.5 core radii across swallowed a level (a primer seated below
    // the case head, say), and the level is taken again closer to the core.
    bool nearLevel = false, clipped = false;
    // Where the breech face lies, seen from the pin: the first plateau of the
    // radial height profile (ring medians that stay put over 150 µm or more),
    // past the pin's walls and flow-back collar and before any gap.
    double plateauIn = 0, plateauOut = 0;
    if (coreRadius > 0) {
        const int maxRing = int(std::hypot(std::max(centre.x, z.cols - centre.x), std::max(centre.y, z.rows - centre.y))) + 2;
        std::vector<std::vector<double>> rings(std::size_t(maxRing) + 1);
        std::vector<int> ringTotal(std::size_t(maxRing) + 1, 0);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c) {
                const int k = int(std::lround(std::hypot(c - centre.x, r - centre.y)));
                ++ringTotal[std::size_t(k)];
                if (!std::isnan(z.at<double>(r, c)) && !core.at<unsigned char>(r, c)) rings[std::size_t(k)].push_back(z.at<double>(r, c) - tilt(c, r));
            }
        std::vector<double> median(rings.size(), kNaN), step;
        for (std::size_t k = 0; k < rings.size(); ++k)
            if (rings[k].size() >= std::max<std::size_t>(8, std::size_t(0.3 * ringTotal[k]))) median[k] = nthValue(rings[k], 0.5);
        for (std::size_t k = 1; k < median.size(); ++k)
            if (!std::isnan(median[k]) && !std::isnan(median[k - 1])) step.push_back(std::abs(median[k] - median[k - 1]));
        const double calm = 3 * std::max(nthValue(step, 0.5), 1e-9);
        const int minLength = int(std::ceil(std::max(150e-6 / spacing, 0.3 * coreRadius)));
        for (int k = int(coreRadius); k + 1 < int(median.size()) && plateauOut == 0; ++k) {
            int j = k;
            while (j + 1 < int(median.size()) && !std::isnan(median[std::size_t(j)]) && !std::isnan(median[std::size_t(j + 1)]) &&
                   std::abs(median[std::size_t(j + 1)] - median[std::size_t(j)]) < calm &&
                   std::abs(median[std::size_t(j + 1)] - median[std::size_t(k)]) < 10 * calm)
                ++j;
            if (j - k >= minLength) plateauIn = k, plateauOut = j;
            else k = std::max(k, j);
        }
        if (plateauOut > 0)
            region.notes.push_back("breech face: the radial profile's first plateau, " +
                                   formatNumber(std::round(plateauIn * spacing * 1e6)) + "–" +
                                   formatNumber(std::round(plateauOut * spacing * 1e6)) + " µm from the pin's centre");
    }
    for (int round = 0; round < 4; ++round) {
        cv::Mat annulus = valid.clone();
        if (coreRadius > 0) {
            cv::Mat ring = cv::Mat::zeros(z.size(), CV_8U);
            const double outer = nearLevel ? 2.2 * coreRadius
                                 : plateauOut > 0 ? plateauOut
                                                  : std::max(2.5 * blobRadius, blobRadius + 300e-6 / spacing);
            const cv::Point at = plateauOut > 0 && !nearLevel ? cv::Point(int(std::lround(centre.x)), int(std::lround(centre.y)))
                                                              : cv::Point(int(std::lround(blobCentre.x)), int(std::lround(blobCentre.y)));
            cv::circle(ring, at, int(std::lround(outer)), 255, cv::FILLED);
            if (plateauOut > 0 && !nearLevel) cv::circle(ring, at, int(std::lround(plateauIn)), 0, cv::FILLED);
            cv::Mat grown;
            cv::dilate(blob, grown, disc(2));
            annulus = valid & ring & ~grown;
        }
        plane = robustFit(z, annulus, 1);
        tolerance = std::max(6 * plane.sigma, 0.5e-6);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c) {
                const double v = z.at<double>(r, c);
                offLevel.at<unsigned char>(r, c) = (std::isnan(v) || std::abs(v - plane(c, r)) > tolerance) ? 255 : 0;
            }
        if (coreRadius == 0 || hints.firingPin) break;
        // An opening cuts thin off-level paths (cracks, speckle) through which the
        // pin's region would leak into the missing data beyond the primer.
        cv::Mat opened;
        cv::morphologyEx(offLevel, opened, cv::MORPH_OPEN, disc(int(std::lround(24e-6 / spacing))));
        cv::Mat labels;
        const int n = cv::connectedComponents(opened | core, labels, 8);
        std::vector<int> overlap(std::size_t(n), 0);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c)
                if (core.at<unsigned char>(r, c)) ++overlap[std::size_t(labels.at<int>(r, c))];
        const int label = int(std::max_element(overlap.begin() + 1, overlap.end()) - overlap.begin());
        cv::Mat candidate = fillHoles(labels == label);
        const double area = cv::countNonZero(candidate), validArea = cv::countNonZero(valid);
        cv::Mat lbl, st, ce;
        cv::connectedComponentsWithStats(candidate, lbl, st, ce, 8);
        cv::Mat next;
        if (!touchesBorder(st, 1, z.size()) && area < 0.5 * (validArea + cv::countNonZero(core))) {
            next = candidate;
        } else {
            // The off-level region reaches the scan's edge: keep the core and what
            // lies within 1.5 core radii of it rather than lose the breech face.
            cv::Mat near = cv::Mat::zeros(z.size(), CV_8U);
            cv::circle(near, cv::Point(int(std::lround(centre.x)), int(std::lround(centre.y))), int(std::lround(1.5 * coreRadius)), 255,
                       cv::FILLED);
            next = fillHoles((candidate & near) | core);
            if (!clipped) region.notes.push_back("firing pin: its off-level surroundings reach the scan's edge; kept to 1.5 core radii");
            clipped = true;
        }
        const double nextRadius = std::sqrt(cv::countNonZero(next) / CV_PI);
        if (nextRadius > 2.5 * coreRadius && !nearLevel && plateauOut == 0) {
            nearLevel = true;
            blob = core.clone();
            blobRadius = coreRadius, blobCentre = centre;
            region.notes.push_back("firing pin: the off-level region around it spanned " +
                                   formatNumber(std::round(nextRadius / coreRadius * 10) / 10) +
                                   " core radii; level taken again next to the core");
            continue;
        }
        const bool same = cv::countNonZero(next ^ blob) < 0.01 * cv::countNonZero(next);
        blob = next;
        Circle fitted;
        if (!nearLevel && fitCircleTrimmed(outerContourPoints(blob), fitted)) {
            blobCentre = {fitted.x, fitted.y};
            blobRadius = std::max(coreRadius, fitted.radius);
        }
        if (same || nearLevel) break;
    }
    region.levelTolerance = tolerance;
    region.notes.push_back("breech-face level: robust plane, off-level beyond " + formatNumber(std::round(tolerance * 1e7) / 10) +
                           " µm (6 robust SD)");
    if (coreRadius > 0 && !hints.firingPin) {
        Circle pin;
        if (fitCircleTrimmed(outerContourPoints(blob), pin)) {
            const Circle p = toInput(pin);
            region.firingPinFound = true;
            region.pinX = p.x, region.pinY = p.y, region.pinRadius = p.radius;
            region.firingPinSource = "detected";
        }
    }

    // 4. The breech face: on-level points connected to the pin's surroundings.
    cv::Mat grownBlob, ring;
    cv::dilate(blob, grownBlob, disc(1));
    cv::Mat onLevel = ~offLevel & ~grownBlob;
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(onLevel, labels, stats, centroids, 4);
    std::vector<int> touching(std::size_t(n), 0);
    if (coreRadius > 0) {
        cv::dilate(blob, ring, disc(4));
        ring &= ~grownBlob;
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c)
                if (ring.at<unsigned char>(r, c)) ++touching[std::size_t(labels.at<int>(r, c))];
    } else {
        for (int i = 1; i < n; ++i) touching[std::size_t(i)] = stats.at<int>(i, cv::CC_STAT_AREA);
    }
    int largest = 0;
    for (int i = 1; i < n; ++i)
        if (touching[std::size_t(i)] > 0 && (largest == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA)))
            largest = i;
    cv::Mat face = cv::Mat::zeros(z.size(), CV_8U);
    if (largest > 0) {
        const int floorArea = std::max(50, stats.at<int>(largest, cv::CC_STAT_AREA) / 20);
        for (int r = 0; r < z.rows; ++r)
            for (int c = 0; c < z.cols; ++c) {
                const int l = labels.at<int>(r, c);
                if (l > 0 && touching[std::size_t(l)] > 0 && stats.at<int>(l, cv::CC_STAT_AREA) >= floorArea) face.at<unsigned char>(r, c) = 255;
            }
    }

    // 5. The primer: the circle along the breech face's outer edge (not the scan's border).
    if (!hints.primer && cv::countNonZero(face) > 0) {
        cv::Mat nearBlob;
        cv::dilate(blob, nearBlob, disc(4));
        std::vector<cv::Point2d> edges;
        for (const auto& p : outerContourPoints(fillHoles(face | blob))) {
            const int c = int(p.x), r = int(p.y);
            if (c <= 1 || r <= 1 || c >= z.cols - 2 || r >= z.rows - 2 || nearBlob.at<unsigned char>(r, c)) continue;
            edges.push_back(p);
        }
        std::vector<cv::Point> facePoints;
        cv::findNonZero(face, facePoints);
        std::vector<cv::Point> sample;
        const std::size_t step = std::max<std::size_t>(1, facePoints.size() / 3000);
        for (std::size_t i = 0; i < facePoints.size(); i += step) sample.push_back(facePoints[i]);
        const double minRadius = coreRadius > 0 ? 1.3 * coreRadius : 0.1 * std::min(z.cols, z.rows);
        const PrimerSearch found = ransacPrimer(edges, sample, centre, minRadius, 2.0 * std::max(z.cols, z.rows), 0.5);
        if (found.inliers >= 20 && found.coveredSectors >= 9) {
            const Circle p = toInput(found.circle);
            region.primerFound = true;
            region.primerX = p.x, region.primerY = p.y, region.primerRadius = p.radius;
            region.primerSource = "detected";
            region.notes.push_back("primer: RANSAC circle on " + std::to_string(found.inliers) + " of " +
                                   std::to_string(edges.size()) + " edge points, " +
                                   std::to_string(found.coveredSectors * 10) + "° of its arc");
        } else {
            region.notes.push_back("primer: no outline in view (" + std::to_string(edges.size()) +
                                   " edge points); the breech face is the on-level surface around the pin");
        }
    }

    region.maskRows = z.rows, region.maskCols = z.cols, region.maskScale = sr;
    region.mask.assign(face.datastart, face.dataend);
    for (auto& m : region.mask) m = m ? 1 : 0;
    if (region.firingPinFound) region.notes.push_back("firing pin: " + std::string(region.firingPinSource) + " " +
                                                      describe(region.firingPin(), input.spacingX()));
    if (region.primerFound) region.notes.push_back("primer: " + std::string(region.primerSource) + " " +
                                                   describe(region.primer(), input.spacingX()));
    return region;
}

Surface maskBreechFace(const Surface& s, const BreechFaceRegion& region, double margin) {
    Surface out = s.clone();
    // The region's mask, grown away from what it excludes by the margin.
    std::vector<unsigned char> mask = region.mask;
    if (!mask.empty() && margin > 0) {
        cv::Mat m(region.maskRows, region.maskCols, CV_8U, mask.data());
        const int erosion = int(std::lround(margin / region.maskScale));
        // Only the outer edges move in: small off-level spots inside stay their own size.
        if (erosion > 0) {
            cv::Mat outline;
            cv::erode(fillHoles(m), outline, disc(erosion), {-1, -1}, 1, cv::BORDER_CONSTANT, 0);
            m &= outline;
        }
    }
    BreechFaceRegion eroded = region;
    eroded.mask = std::move(mask);
    for (int r = 0; r < out.rows(); ++r) {
        double* p = out.mutableRow(r);
        for (int c = 0; c < out.cols(); ++c) {
            const bool outsidePrimer =
                region.primerFound && std::hypot(c - region.primerX, r - region.primerY) > region.primerRadius - margin;
            const bool insidePin =
                region.firingPinFound && std::hypot(c - region.pinX, r - region.pinY) < region.pinRadius + margin;
            if (outsidePrimer || insidePin || !eroded.inMask(r, c)) p[c] = kNaN;
        }
    }
    const double um = s.spacingX() * 1e6;
    std::vector<std::pair<std::string, std::string>> parameters{
        {"primer", region.primerFound ? region.primerSource + " " + describe(region.primer(), s.spacingX()) : "not found"},
        {"firing_pin", region.firingPinFound ? region.firingPinSource + " " + describe(region.firingPin(), s.spacingX()) : "not found"},
        {"level_mask", region.mask.empty() ? "none" : "on-level surface around the pin within " +
                                                          formatNumber(std::round(region.levelTolerance * 1e7) / 10) + " µm"},
        {"margin_um", formatNumber(std::round(margin * um * 10) / 10)}};
    for (std::size_t i = 0; i < region.notes.size(); ++i) parameters.emplace_back("note" + std::to_string(i + 1), region.notes[i]);
    out.addStep({"mask_breech_face", std::move(parameters)});
    return out;
}

double annulusKeptFraction(const Surface& masked, const BreechFaceRegion& region) {
    if (!region.primerFound) return kNaN;
    std::size_t inside = 0, kept = 0;
    for (int r = 0; r < masked.rows(); ++r)
        for (int c = 0; c < masked.cols(); ++c) {
            const double d = std::hypot(c - region.primerX, r - region.primerY);
            if (d > region.primerRadius) continue;
            if (region.firingPinFound && std::hypot(c - region.pinX, r - region.pinY) < region.pinRadius) continue;
            ++inside;
            if (masked.isValid(r, c)) ++kept;
        }
    return inside ? double(kept) / double(inside) : kNaN;
}

Surface preprocessBreechFace(const Surface& raw, const BreechFacePipeline& o,
                             const std::function<void(int, int, const std::string&)>& progress, BreechFaceFound* found) {
    const int total = 6;
    int step = 0;
    auto report = [&](const char* name) {
        if (progress) progress(++step, total, name);
    };
    Surface s = raw;
    s.addStep({"pipeline", {{"name", "breechface-default"}}});
    report("breech-face region");
    if (o.findRegion) {
        const BreechFaceRegion region = findBreechFace(s, o.hints);
        const double margin = region.primerFound ? o.regionMarginFraction * region.primerRadius : 0.0;
        s = maskBreechFace(s, region, margin);
        if (found) *found = {region, s};
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
