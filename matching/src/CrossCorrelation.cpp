#include "CrossCorrelation.h"

#include <algorithm>
#include <limits>

namespace striae::matching {

CellCorrelator::CellCorrelator(int maxRows, int maxCols)
    : plan_(FftPlan::get(fastFftSize(maxRows), fastFftSize(maxCols))),
      frame_(allocateReal(plan_.realSize())),
      spectrum_(allocateSpectrum(plan_.spectrumSize())) {}

SpectrumBuffer CellCorrelator::cellSpectrum(const float* cell, int h, int w) {
    std::fill_n(frame_.get(), plan_.realSize(), 0.0f);
    for (int r = 0; r < h; ++r) std::copy_n(cell + std::size_t(r) * w, w, frame_.get() + std::size_t(r) * plan_.cols());
    SpectrumBuffer out = allocateSpectrum(plan_.spectrumSize());
    plan_.forward(frame_.get(), out.get());
    return out;
}

PeakShift CellCorrelator::bestShift(const std::complex<float>* cellSpectrum, int h, int w, const float* region, int rh, int rw) {
    const int fc = plan_.cols();
    std::fill_n(frame_.get(), plan_.realSize(), 0.0f);
    for (int r = 0; r < rh; ++r) std::copy_n(region + std::size_t(r) * rw, rw, frame_.get() + std::size_t(r) * fc);
    plan_.forward(frame_.get(), spectrum_.get());
    // conj(C)·R transforms back to Σ_p c(p) r(p + s).
    std::complex<float>* s = spectrum_.get();
    for (std::size_t k = 0; k < plan_.spectrumSize(); ++k) s[k] *= std::conj(cellSpectrum[k]);
    plan_.inverse(s, frame_.get());
    PeakShift best;
    float top = -std::numeric_limits<float>::infinity();
    for (int sr = 0; sr <= rh - h; ++sr) {
        const float* row = frame_.get() + std::size_t(sr) * fc;
        for (int sc = 0; sc <= rw - w; ++sc)
            if (row[sc] > top) {
                top = row[sc];
                best.row = sr;
                best.col = sc;
            }
    }
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
