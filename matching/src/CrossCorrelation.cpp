#include "CrossCorrelation.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace striae::matching {
namespace {
// The highest of n values. Compiled twice, the AVX2 copy chosen where the
// processor has it (a maximum is exact whatever the width).
__attribute__((target_clones("avx2", "default"))) float rowMax(const float* v, int n) {
    float top = -std::numeric_limits<float>::infinity();
    for (int c = 0; c < n; ++c) top = v[c] > top ? v[c] : top;
    return top;
}

// s = conj(c) · s, element by element on interleaved float pairs. Spelled out:
// std::complex's operator* checks for NaN and infinity on every product (Annex
// G), several times slower. Products and sums only, no fused multiply-add, so
// the AVX2 copy gives the same bits as the other.
__attribute__((target_clones("avx2", "default"))) void multiplyByConjugate(float* __restrict s, const float* __restrict c, std::size_t pairs) {
    for (std::size_t k = 0; k < 2 * pairs; k += 2) {
        const float a = s[k], b = s[k + 1], x = c[k], y = c[k + 1];
        s[k] = a * x + b * y;
        s[k + 1] = b * x - a * y;
    }
}
}  // namespace

CellCorrelator::CellCorrelator(int maxRows, int maxCols, int maxShiftRows)
    : plan_(FftPlan::get(fastFftSize(maxRows), fastFftSize(maxCols), maxRows, maxShiftRows > 0 ? maxShiftRows : maxRows)),
      frame_(allocateReal(plan_.realSize())),
      output_(allocateReal(plan_.realSize())),
      spectrum_(allocateSpectrum(plan_.spectrumSize())) {
    std::fill_n(frame_.get(), plan_.realSize(), 0.0f);
}

SpectrumBuffer CellCorrelator::cellSpectrum(const float* cell, int h, int w) {
    float* frame = beginRegion(h, w);
    for (int r = 0; r < h; ++r) std::copy_n(cell + std::size_t(r) * w, w, frame + std::size_t(r) * plan_.cols());
    SpectrumBuffer out = allocateSpectrum(plan_.spectrumSize());
    plan_.forward(frame, out.get());
    return out;
}

float* CellCorrelator::beginRegion(int rh, int rw) {
    // Clear what the last region left outside the new one; the rest is still zero.
    const int fc = plan_.cols();
    for (int r = 0; r < dirtyRows_; ++r) {
        float* row = frame_.get() + std::size_t(r) * fc;
        if (r >= rh) std::fill_n(row, dirtyCols_, 0.0f);
        else if (dirtyCols_ > rw) std::fill(row + rw, row + dirtyCols_, 0.0f);
    }
    dirtyRows_ = rh;
    dirtyCols_ = rw;
    return frame_.get();
}

PeakShift CellCorrelator::bestShift(const std::complex<float>* cellSpectrum, int h, int w, const float* region, int rh, int rw) {
    float* frame = beginRegion(rh, rw);
    for (int r = 0; r < rh; ++r) std::copy_n(region + std::size_t(r) * rw, rw, frame + std::size_t(r) * plan_.cols());
    return bestShiftInFrame(cellSpectrum, h, w, rh, rw);
}

PeakShift CellCorrelator::bestShiftInFrame(const std::complex<float>* cellSpectrum, int h, int w, int rh, int rw) {
    const int fc = plan_.cols();
    if (rh > plan_.inputRows() || rh - h + 1 > plan_.outputRows() || rw > fc)
        throw std::logic_error("cross-correlation: a region larger than the correlator was made for");
    plan_.forward(frame_.get(), spectrum_.get());
    // conj(C)·R transforms back to Σ_p c(p) r(p + s).
    multiplyByConjugate(reinterpret_cast<float*>(spectrum_.get()), reinterpret_cast<const float*>(cellSpectrum), plan_.spectrumSize());
    plan_.inverse(spectrum_.get(), output_.get());
    // The highest value over the valid shifts and its first place in row
    // order (as a scan with a strict ">" finds it): the first row holding it,
    // then its first column there. No NaN can occur: the inputs are finite.
    const int shiftCols = rw - w + 1;
    float top = -std::numeric_limits<float>::infinity();
    int topRow = 0;
    for (int sr = 0; sr <= rh - h; ++sr)
        if (const float m = rowMax(output_.get() + std::size_t(sr) * fc, shiftCols); m > top) top = m, topRow = sr;
    PeakShift best;
    best.row = topRow;
    const float* row = output_.get() + std::size_t(topRow) * fc;
    while (best.col + 1 < shiftCols && row[best.col] != top) ++best.col;
    best.value = double(top) / double(plan_.realSize());  // FFTW's inverse is unnormalized
    return best;
}

PeakShift bestShiftDirect(const float* cell, int h, int w, const float* region, int rh, int rw) {
    PeakShift best;
    best.value = -std::numeric_limits<double>::infinity();
    for (int sr = 0; sr <= rh - h; ++sr)
        for (int sc = 0; sc <= rw - w; ++sc) {
            double sum = 0;
            for (int r = 0; r < h; ++r)
                for (int c = 0; c < w; ++c) sum += double(cell[r * w + c]) * region[(sr + r) * rw + sc + c];
            if (sum > best.value) best = {sr, sc, sum};
        }
    return best;
}

}  // namespace striae::matching
