#pragma once
// Internal: Gaussian smoothing with missing data (normalized convolution).
#include <opencv2/core.hpp>

namespace striae::imaging {

// ISO 16610-61: σ = λc · sqrt(ln 2) / (π · sqrt 2) for a cut-off wavelength λc.
inline constexpr double kGaussianSigmaPerCutoff = 0.18739;

// Smooths a CV_64F height map whose missing points are NaN: Σ g·z / Σ g over
// the valid points. With `onlyWhereValid` the result is NaN where the input
// was; otherwise missing points are filled where the neighbourhood has weight.
// Large σ are computed on a reduced grid and interpolated back (fast, and the
// result is smooth at that scale anyway).
cv::Mat normalizedGaussian(const cv::Mat& heights, double sigmaX, double sigmaY, bool onlyWhereValid);

// Gaussian blur of a CV_32F image with zero outside, fast for large σ.
cv::Mat gaussianBlurZeroBorder(const cv::Mat& src, double sigmaX, double sigmaY);

}  // namespace striae::imaging
