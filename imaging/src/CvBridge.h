#pragma once
// Internal: between the surface model and OpenCV matrices (CV_64F, NaN = missing).
#include <opencv2/core.hpp>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

// A matrix header over the surface's heights; valid while the surface lives and is not written.
inline cv::Mat viewAsMat(const Surface& s) {
    if (s.empty()) return cv::Mat();
    return cv::Mat(s.rows(), s.cols(), CV_64F, const_cast<double*>(s.row(0)), std::size_t(s.stride()) * sizeof(double));
}

inline Surface surfaceFromMat(const cv::Mat& m, double spacingX, double spacingY) {
    CV_Assert(m.type() == CV_64F);
    Surface s(m.rows, m.cols, spacingX, spacingY);
    for (int r = 0; r < m.rows; ++r) {
        const double* src = m.ptr<double>(r);
        std::copy(src, src + m.cols, s.mutableRow(r));
    }
    return s;
}

}  // namespace striae::imaging
