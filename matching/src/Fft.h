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
    // rows × cols real input, rows × (cols/2 + 1) complex spectrum.
    static const FftPlan& get(int rows, int cols);
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    std::size_t realSize() const { return std::size_t(rows_) * cols_; }
    std::size_t spectrumSize() const { return std::size_t(rows_) * (cols_ / 2 + 1); }
    void forward(float* in, std::complex<float>* out) const;   // in is preserved
    void inverse(std::complex<float>* in, float* out) const;   // in is destroyed; unnormalized
    ~FftPlan();

    FftPlan(int rows, int cols);
    FftPlan(const FftPlan&) = delete;
    FftPlan& operator=(const FftPlan&) = delete;

private:
    int rows_, cols_;
    void* forward_ = nullptr;
    void* inverse_ = nullptr;
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
