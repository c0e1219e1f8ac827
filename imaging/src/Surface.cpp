#include "striae/imaging/Surface.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace striae::imaging {

Surface::Surface(int rows, int cols, double spacingX, double spacingY, double fill)
    : stride_(cols), rows_(rows), cols_(cols), spacingX_(spacingX), spacingY_(spacingY) {
    if (rows < 0 || cols < 0) throw std::invalid_argument("surface size must not be negative");
    data_ = std::shared_ptr<double[]>(new double[size()]);
    std::fill_n(data_.get(), size(), fill);
}

void Surface::setSpacing(double spacingX, double spacingY) {
    if (!(spacingX > 0) || !(spacingY > 0) || !std::isfinite(spacingX) || !std::isfinite(spacingY))
        throw std::invalid_argument("surface spacing must be positive and finite");
    spacingX_ = spacingX;
    spacingY_ = spacingY;
}

double* Surface::mutableRow(int r) {
    if (data_.use_count() > 1) detach();
    return data_.get() + offset_ + r * stride_;
}

void Surface::detach() {
    std::shared_ptr<double[]> copy(new double[size()]);
    for (int r = 0; r < rows_; ++r) std::copy_n(row(r), cols_, copy.get() + std::size_t(r) * cols_);
    data_ = std::move(copy);
    offset_ = 0;
    stride_ = cols_;
}

Surface Surface::crop(int row0, int col0, int rows, int cols) const {
    const int r0 = std::clamp(row0, 0, rows_);
    const int c0 = std::clamp(col0, 0, cols_);
    const int r1 = std::clamp(row0 + rows, r0, rows_);
    const int c1 = std::clamp(col0 + cols, c0, cols_);
    Surface view = *this;
    view.offset_ = offset_ + r0 * stride_ + c0;
    view.rows_ = r1 - r0;
    view.cols_ = c1 - c0;
    view.originX_ = originX_ + c0 * spacingX_;
    view.originY_ = originY_ + r0 * spacingY_;
    return view;
}

Surface Surface::clone() const {
    Surface copy = *this;
    copy.detach();
    return copy;
}

std::size_t Surface::validCount() const {
    std::size_t n = 0;
    for (int r = 0; r < rows_; ++r) {
        const double* p = row(r);
        for (int c = 0; c < cols_; ++c) n += !std::isnan(p[c]);
    }
    return n;
}

double Surface::validFraction() const {
    return empty() ? 0.0 : double(validCount()) / double(size());
}

HeightRange Surface::heightRange() const {
    HeightRange range;
    for (int r = 0; r < rows_; ++r) {
        const double* p = row(r);
        for (int c = 0; c < cols_; ++c) {
            if (std::isnan(p[c])) continue;
            if (!(range.min <= p[c])) range.min = p[c];
            if (!(range.max >= p[c])) range.max = p[c];
        }
    }
    return range;
}

std::vector<double> Surface::toVector() const {
    std::vector<double> out(size());
    for (int r = 0; r < rows_; ++r) std::copy_n(row(r), cols_, out.begin() + std::size_t(r) * cols_);
    return out;
}

std::vector<ProfileSample> profileAlong(const Surface& s, double c0, double r0, double c1, double r1, int samples) {
    if (samples < 2) throw std::invalid_argument("a profile needs at least 2 samples");
    std::vector<ProfileSample> out(samples);
    const double length = std::hypot((c1 - c0) * s.spacingX(), (r1 - r0) * s.spacingY());
    for (int i = 0; i < samples; ++i) {
        const double t = double(i) / (samples - 1);
        const double c = c0 + t * (c1 - c0), r = r0 + t * (r1 - r0);
        out[i].distance = t * length;
        const int ci = int(std::floor(c)), ri = int(std::floor(r));
        if (c < 0 || r < 0 || c > s.cols() - 1 || r > s.rows() - 1) continue;  // outside: missing
        const double fc = c - ci, fr = r - ri;
        auto at = [&](int rr, int cc) { return s.at(std::min(rr, s.rows() - 1), std::min(cc, s.cols() - 1)); };
        out[i].height = (1 - fr) * ((1 - fc) * at(ri, ci) + fc * at(ri, ci + 1)) + fr * ((1 - fc) * at(ri + 1, ci) + fc * at(ri + 1, ci + 1));
    }
    return out;
}

std::string formatNumber(double value) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

}  // namespace striae::imaging
