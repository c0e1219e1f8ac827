// Matching benchmarks on one core:
//   one CMC comparison (both directions, default parameters) of two Weller
//   scans (synthetic 570 px scans when ../shared/data is absent);
//   the FFT library choice: cv::dft against FFTW at the CMC frame size;
//   the search's first stage: one query's signature against 100,000 and
//   1,000,000 held signatures (docs/search.md), with what a full CMC scan
//   of as many would take (the CMC benchmark's time per pair times N).
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <opencv2/core.hpp>

#include <cstdlib>
#include <filesystem>

#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/SearchSignature.h"

#include <random>

using namespace striae;

namespace {

struct Pair {
    imaging::Surface a, b;
    std::string source;
    Pair() {
        matching::setKernelThreads(1);
        const char* env = std::getenv("STRIAE_DATA");
        const std::filesystem::path data = env ? env : STRIAE_DEFAULT_DATA;
        if (std::filesystem::exists(data / "weller/TW01-01.x3p")) {
            a = imaging::readX3p((data / "weller/TW01-01.x3p").string()).surface;
            b = imaging::readX3p((data / "weller/TW01-02.x3p").string()).surface;
            source = "weller TW01-01 vs TW01-02";
        } else {
            imaging::SynthOptions o;
            o.sizePx = 570;
            a = imaging::synthesizeShot(o, 1, 1);
            b = imaging::synthesizeShot(o, 1, 2);
            source = "synthetic 570 px";
        }
    }
};

Pair& pair() {
    static Pair p;
    return p;
}

void BM_CmcComparisonBothDirections(benchmark::State& state) {
    auto& p = pair();
    matching::compareCmc(p.a, p.b);  // FFT plans are made once per process, outside the timing
    int count = 0;
    for (auto _ : state) count = matching::compareCmc(p.a, p.b).originalCount;
    state.SetLabel(p.source + ", CMC " + std::to_string(count));
}
BENCHMARK(BM_CmcComparisonBothDirections)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Held signatures: the real signature of one scan, its coefficients jittered
// per holding (timing does not depend on the values), 4 KB each.
std::vector<matching::SearchSignature> heldSignatures(std::size_t n) {
    const auto base = matching::computeSignature(pair().a);
    std::mt19937 random(7);
    std::normal_distribution<float> jitter(0, 0.02f);
    std::vector<matching::SearchSignature> held(n, base);
    for (auto& s : held)
        for (float& v : s.values) v += jitter(random);
    return held;
}

void BM_FirstStageOneQuery(benchmark::State& state) {
    static std::vector<matching::SearchSignature> held;
    const std::size_t n = std::size_t(state.range(0));
    if (held.size() != n) held = heldSignatures(n);
    const auto query = matching::computeSignature(pair().b);
    double best = 0;
    for (auto _ : state) {
        best = -1;
        for (const auto& h : held) best = std::max(best, matching::signatureSimilarity(query, h));
        benchmark::DoNotOptimize(best);
    }
    state.counters["holdings"] = double(n);
    state.counters["bytes_per_holding"] = double(query.bytes());
    state.counters["similarities_per_s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FirstStageOneQuery)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SignatureOfOneScan(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(matching::computeSignature(pair().a).values.data());
    state.SetLabel(pair().source);
}
BENCHMARK(BM_SignatureOfOneScan)->Unit(benchmark::kMillisecond);

constexpr int kFrame = 216;  // the CMC frame for ~71 px cells and 3x regions

void BM_ForwardDft_OpenCV(benchmark::State& state) {
    cv::Mat a(kFrame, kFrame, CV_32F), out;
    cv::randu(a, 0, 1);
    for (auto _ : state) {
        cv::dft(a, out, 0);
        benchmark::DoNotOptimize(out.data);
    }
}
BENCHMARK(BM_ForwardDft_OpenCV)->Unit(benchmark::kMicrosecond);

void BM_ForwardDft_FFTW(benchmark::State& state) {
    float* in = fftwf_alloc_real(kFrame * kFrame);
    fftwf_complex* out = fftwf_alloc_complex(kFrame * (kFrame / 2 + 1));
    fftwf_plan plan = fftwf_plan_dft_r2c_2d(kFrame, kFrame, in, out, FFTW_MEASURE);
    for (int i = 0; i < kFrame * kFrame; ++i) in[i] = float(i % 13);
    for (auto _ : state) {
        fftwf_execute_dft_r2c(plan, in, out);
        benchmark::DoNotOptimize(out);
    }
    fftwf_destroy_plan(plan);
    fftwf_free(in);
    fftwf_free(out);
}
BENCHMARK(BM_ForwardDft_FFTW)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
