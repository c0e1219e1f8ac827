#include "striae/imaging/Preprocess.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "CvBridge.h"
#include "GaussianSmoothing.h"

namespace striae::imaging {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Surface withStep(Surface out, const Surface& in, ProcessingStep step) {
    out.metadata() = in.metadata();
    out.setHistory(in.history());
    out.setOrigin(in.originX(), in.originY());
    out.addStep(std::move(step));
    return out;
}

double median(std::vector<double>& v) {
    if (v.empty()) return kNaN;
    auto mid = v.begin() + v.size() / 2;
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// Low-pass at the valid points of `s` (NaN elsewhere), as a CV_64F matrix.
cv::Mat lowPassMat(const Surface& s, double cutoff) {
    const double sx = kGaussianSigmaPerCutoff * cutoff / s.spacingX();
    const double sy = kGaussianSigmaPerCutoff * cutoff / s.spacingY();
    return normalizedGaussian(viewAsMat(s), sx, sy, true);
}

}  // namespace

Surface level(const Surface& s, int order) {
    if (order < 0 || order > 4) throw std::invalid_argument("levelling order must be 0–4");
    // Monomials x^i y^j, i + j <= order, on coordinates scaled to [-1, 1].
    std::vector<std::pair<int, int>> terms;
    for (int total = 0; total <= order; ++total)
        for (int i = total; i >= 0; --i) terms.emplace_back(i, total - i);
    const int n = int(terms.size());
    cv::Mat ata = cv::Mat::zeros(n, n, CV_64F), atz = cv::Mat::zeros(n, 1, CV_64F);
    const double hx = std::max(1.0, (s.cols() - 1) / 2.0), hy = std::max(1.0, (s.rows() - 1) / 2.0);
    std::vector<double> basis(n), px(order + 1), py(order + 1);
    auto fillBasis = [&](int r, int c) {
        px[0] = py[0] = 1;
        for (int k = 1; k <= order; ++k) {
            px[k] = px[k - 1] * (c / hx - 1);
            py[k] = py[k - 1] * (r / hy - 1);
        }
        for (int t = 0; t < n; ++t) basis[t] = px[terms[t].first] * py[terms[t].second];
    };
    std::size_t used = 0;
    for (int r = 0; r < s.rows(); ++r) {
        const double* p = s.row(r);
        for (int c = 0; c < s.cols(); ++c) {
            if (std::isnan(p[c])) continue;
            fillBasis(r, c);
            for (int a = 0; a < n; ++a) {
                atz.at<double>(a) += basis[a] * p[c];
                double* row = ata.ptr<double>(a);
                for (int b = a; b < n; ++b) row[b] += basis[a] * basis[b];
            }
            ++used;
        }
    }
    Surface out = s.clone();
    if (used < std::size_t(n)) return withStep(out, s, {"level", {{"order", std::to_string(order)}, {"fitted", "no"}}});
    for (int a = 0; a < n; ++a)
        for (int b = 0; b < a; ++b) ata.at<double>(a, b) = ata.at<double>(b, a);
    cv::Mat coef;
    cv::solve(ata, atz, coef, cv::DECOMP_SVD);
    for (int r = 0; r < out.rows(); ++r) {
        double* p = out.mutableRow(r);
        for (int c = 0; c < out.cols(); ++c) {
            if (std::isnan(p[c])) continue;
            fillBasis(r, c);
            double fit = 0;
            for (int t = 0; t < n; ++t) fit += coef.at<double>(t) * basis[t];
            p[c] -= fit;
        }
    }
    return withStep(out, s, {"level", {{"order", std::to_string(order)}}});
}

namespace {

struct OutlierTest {
    double center = 0, sigma = 0;
};

// Robust centre and spread of height minus neighbourhood over the points `use` allows.
template <typename Use>
OutlierTest residualStats(const Surface& s, const cv::Mat& smooth, Use use) {
    std::vector<double> residuals;
    residuals.reserve(s.size());
    for (int r = 0; r < s.rows(); ++r) {
        const double* p = s.row(r);
        const double* q = smooth.ptr<double>(r);
        for (int c = 0; c < s.cols(); ++c)
            if (!std::isnan(p[c]) && !std::isnan(q[c]) && use(r, c)) residuals.push_back(p[c] - q[c]);
    }
    OutlierTest t;
    if (residuals.empty()) return t;
    std::vector<double> work = residuals;
    t.center = median(work);
    for (std::size_t i = 0; i < residuals.size(); ++i) work[i] = std::abs(residuals[i] - t.center);
    t.sigma = 1.4826 * median(work);
    return t;
}

}  // namespace

Surface removeOutliers(const Surface& s, double threshold, double neighbourhoodPx) {
    if (!(threshold > 0)) throw std::invalid_argument("outlier threshold must be positive");
    // Pass 1 flags candidates against a neighbourhood that still contains them;
    // pass 2 tests every point against a neighbourhood without the candidates,
    // so the neighbours of a spike are not condemned with it.
    const cv::Mat z = viewAsMat(s);
    const cv::Mat smooth1 = normalizedGaussian(z, neighbourhoodPx, neighbourhoodPx, true);
    const OutlierTest t1 = residualStats(s, smooth1, [](int, int) { return true; });
    cv::Mat candidates = cv::Mat::zeros(z.size(), CV_8U);
    cv::Mat cleaned = z.clone();
    for (int r = 0; r < z.rows; ++r)
        for (int c = 0; c < z.cols; ++c) {
            const double v = z.at<double>(r, c), q = smooth1.at<double>(r, c);
            if (!std::isnan(v) && !std::isnan(q) && std::abs(v - q - t1.center) > threshold * t1.sigma) {
                candidates.at<unsigned char>(r, c) = 1;
                cleaned.at<double>(r, c) = kNaN;
            }
        }
    const cv::Mat smooth2 = normalizedGaussian(cleaned, neighbourhoodPx, neighbourhoodPx, false);
    const OutlierTest t2 = residualStats(s, smooth2, [&](int r, int c) { return !candidates.at<unsigned char>(r, c); });
    Surface out = s.clone();
    std::size_t removed = 0;
    for (int r = 0; r < out.rows(); ++r) {
        double* p = out.mutableRow(r);
        const double* q = smooth2.ptr<double>(r);
        for (int c = 0; c < out.cols(); ++c) {
            if (std::isnan(p[c])) continue;
            const bool isolated = std::isnan(q[c]);  // no valid neighbour left: judge by pass 1
            if (isolated ? candidates.at<unsigned char>(r, c) != 0 : std::abs(p[c] - q[c] - t2.center) > threshold * t2.sigma) {
                p[c] = kNaN;
                ++removed;
            }
        }
    }
    return withStep(out, s, {"remove_outliers", {{"threshold_mad", formatNumber(threshold)},
                                                 {"neighbourhood_px", formatNumber(neighbourhoodPx)},
                                                 {"removed", std::to_string(removed)}}});
}

Surface gaussianLowPass(const Surface& s, double cutoff) {
    if (!(cutoff > 0)) throw std::invalid_argument("filter cut-off must be positive");
    const cv::Mat low = lowPassMat(s, cutoff);
    return withStep(surfaceFromMat(low, s.spacingX(), s.spacingY()), s,
                    {"gaussian_lowpass", {{"cutoff_um", formatNumber(cutoff * 1e6)}, {"standard", "ISO 16610-61"}}});
}

Surface gaussianHighPass(const Surface& s, double cutoff) {
    if (!(cutoff > 0)) throw std::invalid_argument("filter cut-off must be positive");
    const cv::Mat high = viewAsMat(s) - lowPassMat(s, cutoff);
    return withStep(surfaceFromMat(high, s.spacingX(), s.spacingY()), s,
                    {"gaussian_highpass", {{"cutoff_um", formatNumber(cutoff * 1e6)}, {"standard", "ISO 16610-61"}}});
}

Surface gaussianBandPass(const Surface& s, double shortCutoff, double longCutoff) {
    if (!(shortCutoff > 0) || !(longCutoff > shortCutoff))
        throw std::invalid_argument("band-pass needs 0 < short cut-off < long cut-off");
    const cv::Mat band = lowPassMat(s, shortCutoff) - lowPassMat(s, longCutoff);
    return withStep(surfaceFromMat(band, s.spacingX(), s.spacingY()), s,
                    {"gaussian_bandpass", {{"short_cutoff_um", formatNumber(shortCutoff * 1e6)},
                                           {"long_cutoff_um", formatNumber(longCutoff * 1e6)},
                                           {"standard", "ISO 16610-61"}}});
}

Surface resample(const Surface& s, double target) {
    if (!(target > 0)) throw std::invalid_argument("target spacing must be positive");
    const int cols = std::max(1, int(std::lround(s.cols() * s.spacingX() / target)));
    const int rows = std::max(1, int(std::lround(s.rows() * s.spacingY() / target)));
    const cv::Mat z = viewAsMat(s);
    cv::Mat valid = (z == z);  // NaN != NaN
    cv::Mat weight, weighted;
    valid.convertTo(weight, CV_64F, 1.0 / 255);
    z.copyTo(weighted);
    weighted.setTo(0, ~valid);
    const int interpolation = (cols < s.cols() || rows < s.rows()) ? cv::INTER_AREA : cv::INTER_LINEAR;
    cv::Mat w2, z2;
    cv::resize(weight, w2, cv::Size(cols, rows), 0, 0, interpolation);
    cv::resize(weighted, z2, cv::Size(cols, rows), 0, 0, interpolation);
    cv::Mat out(rows, cols, CV_64F);
    for (int r = 0; r < rows; ++r) {
        const double* w = w2.ptr<double>(r);
        const double* v = z2.ptr<double>(r);
        double* o = out.ptr<double>(r);
        for (int c = 0; c < cols; ++c) o[c] = w[c] >= 0.5 ? v[c] / w[c] : kNaN;
    }
    return withStep(surfaceFromMat(out, target, target), s,
                    {"resample", {{"from_um", formatNumber(s.spacingX() * 1e6)}, {"to_um", formatNumber(target * 1e6)}}});
}

Surface cropToValid(const Surface& s, int margin) {
    int r0 = s.rows(), r1 = -1, c0 = s.cols(), c1 = -1;
    for (int r = 0; r < s.rows(); ++r) {
        const double* p = s.row(r);
        for (int c = 0; c < s.cols(); ++c) {
            if (std::isnan(p[c])) continue;
            r0 = std::min(r0, r);
            r1 = std::max(r1, r);
            c0 = std::min(c0, c);
            c1 = std::max(c1, c);
        }
    }
    if (r1 < 0) return withStep(s, s, {"crop", {{"rows", "0"}, {"cols", "0"}}});
    r0 = std::max(0, r0 - margin);
    c0 = std::max(0, c0 - margin);
    r1 = std::min(s.rows() - 1, r1 + margin);
    c1 = std::min(s.cols() - 1, c1 + margin);
    Surface view = s.crop(r0, c0, r1 - r0 + 1, c1 - c0 + 1);
    Surface out = withStep(view, s, {"crop", {{"row", std::to_string(r0)}, {"col", std::to_string(c0)},
                                              {"rows", std::to_string(r1 - r0 + 1)},
                                              {"cols", std::to_string(c1 - c0 + 1)}}});
    out.setOrigin(view.originX(), view.originY());
    return out;
}

}  // namespace striae::imaging
