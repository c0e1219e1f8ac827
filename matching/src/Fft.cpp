#include "Fft.h"

#include <fftw3.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <map>
#include <tuple>
#include <mutex>
#include <stdexcept>

namespace striae::matching {
namespace {
std::mutex plannerMutex;  // FFTW's planner is not thread-safe

// FFTW_MEASURE times candidate algorithms for each size, which a one-off
// `striae compare` paid on every start (0.5 s of its 0.9 s). The measured
// plans are kept as FFTW "wisdom" in the user's cache folder and read back
// at the next start; a missing, foreign or damaged file only costs the
// measurement again (FFTW refuses what it cannot use).
std::string wisdomPath() {
    if (const char* off = std::getenv("STRIAE_NO_FFT_WISDOM"); off && *off) return {};
    std::filesystem::path dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) dir = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) dir = std::filesystem::path(home) / ".cache";
    else return {};
    return (dir / "striae" / "fftw-wisdom").string();
}

std::string knownWisdom;  // as last read or written: unchanged wisdom is not written again

std::string currentWisdom() {
    char* text = fftwf_export_wisdom_to_string();
    if (!text) return {};
    std::string out(text);
    std::free(text);
    return out;
}

void importWisdomOnce() {
    static bool done = false;
    if (done) return;
    done = true;
    const std::string path = wisdomPath();
    if (!path.empty() && std::filesystem::exists(path) && fftwf_import_wisdom_from_filename(path.c_str())) knownWisdom = currentWisdom();
}

// Written to a temporary file and renamed, so a reader never sees half of it.
void exportWisdom() {
    const std::string path = wisdomPath();
    if (path.empty()) return;
    const std::string wisdom = currentWisdom();
    if (wisdom.empty() || wisdom == knownWisdom) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) return;
    const std::string temp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << wisdom;
        if (!out.flush()) {
            std::filesystem::remove(temp, ec);
            return;
        }
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) std::filesystem::remove(temp, ec);
    else knownWisdom = wisdom;
}
}  // namespace

FftPlan::FftPlan(int rows, int cols, int inputRows, int outputRows)
    : rows_(rows), cols_(cols), inputRows_(std::clamp(inputRows, 1, rows)), outputRows_(std::clamp(outputRows, 1, rows)) {
    RealBuffer real = allocateReal(realSize());
    SpectrumBuffer spectrum = allocateSpectrum(spectrumSize());
    auto* c = reinterpret_cast<fftwf_complex*>(spectrum.get());
    const int half = cols / 2 + 1;
    const int n[] = {cols}, m[] = {rows};
    rowsForward_ = fftwf_plan_many_dft_r2c(1, n, inputRows_, real.get(), nullptr, 1, cols, c, nullptr, 1, half, FFTW_MEASURE | FFTW_PRESERVE_INPUT);
    columnsForward_ = fftwf_plan_many_dft(1, m, half, c, nullptr, half, 1, c, nullptr, half, 1, FFTW_FORWARD, FFTW_MEASURE);
    columnsInverse_ = fftwf_plan_many_dft(1, m, half, c, nullptr, half, 1, c, nullptr, half, 1, FFTW_BACKWARD, FFTW_MEASURE);
    rowsInverse_ = fftwf_plan_many_dft_c2r(1, n, outputRows_, c, nullptr, 1, half, real.get(), nullptr, 1, cols, FFTW_MEASURE | FFTW_DESTROY_INPUT);
    if (!rowsForward_ || !columnsForward_ || !columnsInverse_ || !rowsInverse_)
        throw std::runtime_error("FFTW could not plan a " + std::to_string(rows) + "x" + std::to_string(cols) + " transform");
}

FftPlan::~FftPlan() {
    std::lock_guard lock(plannerMutex);
    for (void* plan : {rowsForward_, columnsForward_, columnsInverse_, rowsInverse_})
        if (plan) fftwf_destroy_plan(static_cast<fftwf_plan>(plan));
}

const FftPlan& FftPlan::get(int rows, int cols, int inputRows, int outputRows) {
    static std::map<std::tuple<int, int, int, int>, std::unique_ptr<FftPlan>> plans;
    std::lock_guard lock(plannerMutex);
    auto& plan = plans[{rows, cols, inputRows, outputRows}];
    if (!plan) {
        importWisdomOnce();
        plan = std::make_unique<FftPlan>(rows, cols, inputRows, outputRows);
        exportWisdom();
    }
    return *plan;
}

void FftPlan::forward(float* in, std::complex<float>* out) const {
    const std::size_t half = std::size_t(cols_ / 2 + 1);
    auto* c = reinterpret_cast<fftwf_complex*>(out);
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(rowsForward_), in, c);
    // The rows past inputRows are zero, and so are their transforms.
    std::fill(out + std::size_t(inputRows_) * half, out + std::size_t(rows_) * half, std::complex<float>());
    fftwf_execute_dft(static_cast<fftwf_plan>(columnsForward_), c, c);
}

void FftPlan::inverse(std::complex<float>* in, float* out) const {
    auto* c = reinterpret_cast<fftwf_complex*>(in);
    fftwf_execute_dft(static_cast<fftwf_plan>(columnsInverse_), c, c);
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(rowsInverse_), c, out);
}

void FftwDeleter::operator()(void* p) const { fftwf_free(p); }

RealBuffer allocateReal(std::size_t n) { return RealBuffer(fftwf_alloc_real(n)); }

SpectrumBuffer allocateSpectrum(std::size_t n) {
    return SpectrumBuffer(reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(n)));
}

namespace {
bool smooth(int m) {
    for (int p : {2, 3, 5, 7})
        while (m % p == 0) m /= p;
    return m == 1;
}
int powerOfTwo(int m) {
    int k = 0;
    while (m % 2 == 0) m /= 2, ++k;
    return k;
}
}  // namespace

int fastFftSize(int n) {
    // Among sizes with prime factors 2, 3, 5, 7 up to 15 % larger, the one with
    // the most factors of 2: FFTW's real transforms are fastest there
    // (measured: 224² takes 166 µs per forward+inverse pair, 216² 180 µs, 225² 385 µs).
    n = std::max(n, 1);
    int best = -1;
    for (int m = n; m <= n + n * 15 / 100 || best < 0; ++m)
        if (smooth(m) && (best < 0 || powerOfTwo(m) > powerOfTwo(best))) best = m;
    return best;
}

}  // namespace striae::matching
