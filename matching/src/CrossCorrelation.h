#pragma once
// Internal: where a cell best fits inside a region, by the cross-correlation
// theorem. Inputs are standardized with missing points set to 0, as in cmcR.
#include "Fft.h"

namespace striae::matching {

struct PeakShift {
    int row = 0, col = 0;  // top-left of the cell inside the region
    double value = 0;      // Σ cell · region at that shift
};

class CellCorrelator {
public:
    // Regions up to maxRows × maxCols; the FFT frame is the next fast size.
    // maxShiftRows: the most rows of valid shifts asked for (rh − h + 1), the
    // rows of the inverse transform computed.
    CellCorrelator(int maxRows, int maxCols, int maxShiftRows = 0);

    // Transforms a cell (h × w, row-major) once; reuse the spectrum for every region.
    SpectrumBuffer cellSpectrum(const float* cell, int h, int w);

    // The shift of highest correlation over every placement of the h × w cell
    // wholly inside the rh × rw region. The frame is circular, and exact for those shifts.
    PeakShift bestShift(const std::complex<float>* cellSpectrum, int h, int w, const float* region, int rh, int rw);

    // The same without a copy: write the rh × rw region into beginRegion()'s
    // frame (row stride frameStride()), then call bestShiftInFrame.
    float* beginRegion(int rh, int rw);
    int frameStride() const { return plan_.cols(); }
    PeakShift bestShiftInFrame(const std::complex<float>* cellSpectrum, int h, int w, int rh, int rw);

private:
    const FftPlan& plan_;
    RealBuffer frame_;      // input; zero outside the region written last
    RealBuffer output_;
    SpectrumBuffer spectrum_;
    int dirtyRows_ = 0, dirtyCols_ = 0;
};

// The same by direct summation: slow, for checking the FFT path.
PeakShift bestShiftDirect(const float* cell, int h, int w, const float* region, int rh, int rw);

}  // namespace striae::matching
