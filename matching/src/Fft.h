#pragma once
// Internal: real-input 2D FFTs through FFTW (single precision), chosen over
// OpenCV's cv::dft by measurement (benchmarks/matching_bench: FFTW ~2.7x faster
// at the sizes CMC uses). Plans are made once per size and shared; executing
// them on other buffers of the same alignment is thread-safe.
#include <complex>
#include <cstddef>
#include <memory>

namespace striae::matching {

class FftPlan {
public:
    // rows × cols real input, rows × (cols/2 + 1) complex spectrum. Only the
    // first `inputRows` rows of an input may be non-zero, and an inverse
    // writes only its first `outputRows` rows: the transform is done as rows,
    // then columns (forward), columns, then rows (inverse), skipping the row
    // transforms of what is known zero or not wanted (CMC's regions fill 213
    // of 224 rows; its valid shifts are 143 of them).
    static const FftPlan& get(int rows, int cols, int inputRows, int outputRows);
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    int inputRows() const { return inputRows_; }
    int outputRows() const { return outputRows_; }
    std::size_t realSize() const { return std::size_t(rows_) * cols_; }
    std::size_t spectrumSize() const { return std::size_t(rows_) * (cols_ / 2 + 1); }
    void forward(float* in, std::complex<float>* out) const;   // in is preserved
    void inverse(std::complex<float>* in, float* out) const;   // in is destroyed; unnormalized
    ~FftPlan();

    FftPlan(int rows, int cols, int inputRows, int outputRows);
    FftPlan(const FftPlan&) = delete;
    FftPlan& operator=(const FftPlan&) = delete;

private:
    int rows_, cols_, inputRows_, outputRows_;
    void* rowsForward_ = nullptr;     // r2c of the first inputRows rows
    void* columnsForward_ = nullptr;  // c2c down each spectrum column, in place
    void* columnsInverse_ = nullptr;
    void* rowsInverse_ = nullptr;     // c2r of the first outputRows rows
};

// SIMD-aligned buffers from FFTW's allocator.
struct FftwDeleter {
    void operator()(void* p) const;
};
using RealBuffer = std::unique_ptr<float[], FftwDeleter>;
using SpectrumBuffer = std::unique_ptr<std::complex<float>[], FftwDeleter>;
RealBuffer allocateReal(std::size_t n);
SpectrumBuffer allocateSpectrum(std::size_t n);

// Sizes whose only prime factors are 2, 3, 5 and 7 (fast for FFTW), at least n.
int fastFftSize(int n);

}  // namespace striae::matching
