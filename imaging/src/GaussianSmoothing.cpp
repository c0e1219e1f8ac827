#include "GaussianSmoothing.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace striae::imaging {

namespace {
constexpr double kDirectSigmaLimit = 6.0;
}

cv::Mat gaussianBlurZeroBorder(const cv::Mat& src, double sx, double sy) {
    const double smallest = std::min(sx, sy);
    if (smallest <= kDirectSigmaLimit) {
        cv::Mat dst;
        cv::GaussianBlur(src, dst, cv::Size(0, 0), std::max(sx, 1e-3), std::max(sy, 1e-3), cv::BORDER_CONSTANT);
        return dst;
    }
    // Reduce by an integer factor f with area averaging (a box of width f),
    // blur there, and interpolate back (a triangle of width f). Both add
    // variance, f²/12 and f²/6; the reduced blur takes the rest.
    const int f = std::max(2, int(smallest / 3.0));
    const int rows = (src.rows + f - 1) / f * f, cols = (src.cols + f - 1) / f * f;
    cv::Mat padded = cv::Mat::zeros(rows, cols, src.type());
    src.copyTo(padded(cv::Rect(0, 0, src.cols, src.rows)));
    cv::Mat small;
    cv::resize(padded, small, cv::Size(cols / f, rows / f), 0, 0, cv::INTER_AREA);
    const double extra = f * f / 12.0 + f * f / 6.0;
    const double rsx = std::sqrt(std::max(sx * sx - extra, 0.25)) / f;
    const double rsy = std::sqrt(std::max(sy * sy - extra, 0.25)) / f;
    cv::Mat blurred = gaussianBlurZeroBorder(small, rsx, rsy), up;
    cv::resize(blurred, up, cv::Size(cols, rows), 0, 0, cv::INTER_LINEAR);
    return up(cv::Rect(0, 0, src.cols, src.rows)).clone();
}

cv::Mat normalizedGaussian(const cv::Mat& heights, double sx, double sy, bool onlyWhereValid) {
    CV_Assert(heights.type() == CV_64F);
    // Work in float32 around the mean: precise enough for heights, twice as fast.
    double sum = 0;
    std::size_t n = 0;
    for (int r = 0; r < heights.rows; ++r) {
        const double* p = heights.ptr<double>(r);
        for (int c = 0; c < heights.cols; ++c)
            if (!std::isnan(p[c])) { sum += p[c]; ++n; }
    }
    const double mean = n ? sum / double(n) : 0.0;
    cv::Mat weighted(heights.size(), CV_32F), weight(heights.size(), CV_32F);
    for (int r = 0; r < heights.rows; ++r) {
        const double* p = heights.ptr<double>(r);
        float* z = weighted.ptr<float>(r);
        float* w = weight.ptr<float>(r);
        for (int c = 0; c < heights.cols; ++c) {
            const bool valid = !std::isnan(p[c]);
            z[c] = valid ? float(p[c] - mean) : 0.0f;
            w[c] = valid ? 1.0f : 0.0f;
        }
    }
    const cv::Mat zs = gaussianBlurZeroBorder(weighted, sx, sy);
    const cv::Mat ws = gaussianBlurZeroBorder(weight, sx, sy);
    cv::Mat out(heights.size(), CV_64F);
    for (int r = 0; r < heights.rows; ++r) {
        const double* p = heights.ptr<double>(r);
        const float* z = zs.ptr<float>(r);
        const float* w = ws.ptr<float>(r);
        double* o = out.ptr<double>(r);
        for (int c = 0; c < heights.cols; ++c) {
            const bool keep = onlyWhereValid ? !std::isnan(p[c]) : w[c] > 1e-3f;
            o[c] = keep && w[c] > 1e-6f ? mean + double(z[c]) / double(w[c]) : std::numeric_limits<double>::quiet_NaN();
        }
    }
    return out;
}

}  // namespace striae::imaging
