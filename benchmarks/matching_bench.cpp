// Matching benchmarks on one core:
//   one CMC comparison (both directions, default parameters) of two Weller
//   scans (synthetic 570 px scans when ../shared/data is absent);
//   the FFT library choice: cv::dft against FFTW at the CMC frame size;
//   the search's first stage: one query's signature against 100,000 and
//   1,000,000 held signatures (docs/search.md), with what a full CMC scan
//   of as many would take (the CMC benchmark's time per pair times N);
//   the same through the index (16-bit, SIMD) with its resident memory a holding.
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <opencv2/core.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/SearchSignature.h"
#include "striae/matching/SecondStage.h"
#include "striae/matching/SignatureIndex.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>
#include <memory>

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

// Held signatures with a real similarity distribution (the index's skipping
// depends on it): the signatures of Weller's 95 scans (synthetic shots of 20
// firearms without the data), each holding one of them turned by a random
// angle and its coefficients jittered, 4 KB each. The query (TW01-02) thus
// meets its slide's scans in about 1 holding in 12, the others as non-mates.
std::vector<matching::SearchSignature> heldSignatures(std::size_t n) {
    static std::vector<matching::SearchSignature> bases;
    if (bases.empty()) {
        const char* env = std::getenv("STRIAE_DATA");
        const std::filesystem::path weller = std::filesystem::path(env ? env : STRIAE_DEFAULT_DATA) / "weller";
        if (std::filesystem::exists(weller)) {
            for (const auto& e : std::filesystem::directory_iterator(weller))
                if (e.path().extension() == ".x3p") bases.push_back(matching::computeSignature(imaging::readX3p(e.path().string()).surface));
        } else {
            imaging::SynthOptions o;
            o.sizePx = 300;
            for (int f = 1; f <= 20; ++f) bases.push_back(matching::computeSignature(imaging::synthesizeShot(o, f, 1)));
        }
    }
    std::mt19937 random(7);
    std::normal_distribution<float> jitter(0, 0.01f);
    std::uniform_real_distribution<double> turn(0, 2 * 3.14159265358979323846);
    std::vector<matching::SearchSignature> held(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto s = bases[i % bases.size()];
        const double phi = turn(random);
        double norm = 0;
        for (int r = 0; r < s.rings; ++r)
            for (int k = 0; k < s.harmonics; ++k) {
                float& re = s.values[std::size_t(2 * (r * s.harmonics + k))];
                float& im = s.values[std::size_t(2 * (r * s.harmonics + k) + 1)];
                const float c = float(std::cos((k + 1) * phi)), sn = float(std::sin((k + 1) * phi));
                const float a = re * c - im * sn + jitter(random), b = re * sn + im * c + jitter(random);
                re = a, im = b, norm += double(a) * a + double(b) * b;
            }
        for (float& v : s.values) v = float(v / std::sqrt(norm));
        held[i] = std::move(s);
    }
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

// Resident memory (bytes) of this process, to measure what the index holds a holding.
double residentBytes() {
    std::ifstream statm("/proc/self/statm");
    double pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * double(sysconf(_SC_PAGESIZE));
}

// The index (SignatureIndex: 16-bit coefficients, SIMD scan, rotation search
// skipped where its bound cannot enter the kept set) on the same holdings as
// BM_FirstStageOneQuery; keeping 1 % (a shortlist) and everything (no skip:
// the worst case). Its time against BM_FirstStageOneQuery's is the index's gain.
void BM_FirstStageIndexOneQuery(benchmark::State& state) {
    static std::unique_ptr<matching::SignatureIndex> index;
    static double bytesPerHolding = 0;
    const std::size_t n = std::size_t(state.range(0));
    if (!index || index->size() != n) {
        index.reset();
        const auto held = heldSignatures(n);
        const double before = residentBytes();
        index = std::make_unique<matching::SignatureIndex>();
        for (std::size_t i = 0; i < n; ++i) index->add(std::int64_t(i), held[i]);
        bytesPerHolding = (residentBytes() - before) / double(n);
    }
    const std::size_t keep = state.range(1) == 0 ? n : std::max<std::size_t>(1, n * std::size_t(state.range(1)) / 1000);
    const auto query = matching::computeSignature(pair().b);
    std::size_t kept = 0;
    for (auto _ : state) {
        kept = index->search(query, keep).size();
        benchmark::DoNotOptimize(kept);
    }
    state.counters["holdings"] = double(n);
    state.counters["kept"] = double(kept);
    state.counters["bytes_per_holding_rss"] = bytesPerHolding;
    state.counters["similarities_per_s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FirstStageIndexOneQuery)
    ->Args({100000, 10})
    ->Args({100000, 50})
    ->Args({100000, 350})
    ->Args({100000, 0})
    ->Args({1000000, 10})
    ->Args({1000000, 50})
    ->Args({1000000, 350})
    ->Args({1000000, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// End to end, one query against 100,000 holdings on 2 cores with the default
// shortlist `35%/200` (records::Shortlist, docs/search.md): the first stage
// through the index keeps 35,000, the second stage ranks them, CMC compares
// the second stage's 200. Running the 35,000 second-stage scores and 200 CMC
// comparisons takes minutes, so a batch of each is timed on 2 threads and the
// rest projected from it: "projected_s" is first stage + 35,000 × the second
// stage's time a holding + 200 × CMC's, labelled as such, next to a full
// scan's. (`striae eval-search --end-to-end` measures whole searches on Weller.)
void BM_EndToEndOneQueryVs100000Projected(benchmark::State& state) {
    static std::unique_ptr<matching::SignatureIndex> index;
    const std::size_t n = 100000;
    if (!index || index->size() != n) {
        index = std::make_unique<matching::SignatureIndex>();
        const auto held = heldSignatures(n);
        for (std::size_t i = 0; i < n; ++i) index->add(std::int64_t(i), held[i]);
    }
    auto& p = pair();
    const auto query = matching::computeSignature(p.b);
    const auto holding = matching::computeSignature(p.a);
    const imaging::Surface queryAtStep = matching::secondStageSurface(p.b), holdingAtStep = matching::secondStageSurface(p.a);
    const matching::SignatureMatch rotation = matching::signatureMatch(query, holding);
    const std::size_t keep = n * 35 / 100, toCmc = 200;
    const int threads = 2, cmcBatch = 16, secondBatch = 64;
    auto onThreads = [&](int batch, const std::function<void()>& work) {
        const auto t0 = std::chrono::steady_clock::now();
        std::atomic<int> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                while (next++ < batch) work();
            });
        for (auto& t : pool) t.join();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / batch;
    };
    double firstStage = 0, perSecond = 0, perComparison = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto kept = index->search(query, keep);
        firstStage = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        benchmark::DoNotOptimize(kept.size());
        perSecond = onThreads(secondBatch, [&] {
            benchmark::DoNotOptimize(matching::secondStageScore(queryAtStep, holdingAtStep, rotation).count);
        });
        perComparison = onThreads(cmcBatch, [&] { benchmark::DoNotOptimize(matching::compareCmc(p.b, p.a).originalCount); });
    }
    const double projected = firstStage + double(keep) * perSecond + double(toCmc) * perComparison;
    state.counters["first_stage_s"] = firstStage;
    state.counters["second_stage_s_per_holding_2cores"] = perSecond;
    state.counters["cmc_s_per_comparison_2cores"] = perComparison;
    state.counters["kept_first_stage"] = double(keep);
    state.counters["fully_compared"] = double(toCmc);
    state.counters["projected_s"] = projected;
    state.counters["full_scan_projected_s"] = double(n) * perComparison;
    state.counters["speedup_vs_full_scan"] = double(n) * perComparison / projected;
}
BENCHMARK(BM_EndToEndOneQueryVs100000Projected)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// The search's second stage for one holding (docs/search.md): both surfaces
// already at its 25 µm step, as a search keeps them.
void BM_SecondStageOneHolding(benchmark::State& state) {
    auto& p = pair();
    const imaging::Surface query = matching::secondStageSurface(p.b), holding = matching::secondStageSurface(p.a);
    const matching::SignatureMatch rotation = matching::signatureMatch(matching::computeSignature(p.b), matching::computeSignature(p.a));
    for (auto _ : state) benchmark::DoNotOptimize(matching::secondStageScore(query, holding, rotation).count);
    state.SetLabel(p.source);
}
BENCHMARK(BM_SecondStageOneHolding)->Unit(benchmark::kMillisecond);

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
