// Bullet benchmarks on one core: land processing per scan (read excluded;
// reading the same scan is the baseline printed beside it), one land
// comparison and one bullet-to-bullet comparison (6 x 6 lands), on the
// Houston scans (synthetic lands when ../shared/data is absent).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "../tests/common/SyntheticLand.h"
#include "striae/imaging/LandSignature.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"

using namespace striae;
namespace fs = std::filesystem;

namespace {

struct Bullets {
    std::vector<std::string> filesA;
    std::vector<imaging::Surface> scansA, scansB;
    imaging::LandOptions optionsA, optionsB;
    std::vector<imaging::LandSignature> a, b;
    std::string source;
    Bullets() {
        const char* env = std::getenv("STRIAE_DATA");
        const fs::path data = env ? env : STRIAE_DEFAULT_DATA;
        const fs::path bulletA = data / "houston/Barrel A/Bullet 30", bulletB = data / "houston/Barrel A/Bullet 50";
        if (fs::exists(bulletA) && fs::exists(bulletB)) {
            for (const auto& [folder, scans] : {std::pair{bulletA, &scansA}, std::pair{bulletB, &scansB}}) {
                std::vector<fs::path> files;
                for (const auto& e : fs::directory_iterator(folder))
                    if (e.path().extension() == ".x3p") files.push_back(e.path());
                std::sort(files.begin(), files.end());
                for (const auto& f : files) {
                    scans->push_back(imaging::readX3p(f.string()).surface);
                    if (scans == &scansA) filesA.push_back(f.string());
                }
            }
            source = "houston A/30 vs A/50";
        } else {
            for (int l = 0; l < 6; ++l) {
                test::SyntheticLandOptions o;
                o.cols = 976;
                o.rows = 341;
                o.spacingUm = 1.935;
                scansA.push_back(test::syntheticLand(o, test::randomStriae(unsigned(l))));
                scansB.push_back(test::syntheticLand(o, test::randomStriae(unsigned(l))));
            }
            source = "synthetic 976 x 341";
        }
        // The striae direction per bullet, as compare-bullets decides it.
        optionsA.striae = imaging::bulletStriaeDirection(scansA);
        optionsB.striae = imaging::bulletStriaeDirection(scansB);
        for (const auto& s : scansA) a.push_back(imaging::extractLandSignature(s, optionsA));
        for (const auto& s : scansB) b.push_back(imaging::extractLandSignature(s, optionsB));
    }
};

Bullets& bullets() {
    static Bullets b;
    return b;
}

void BM_ReadLandScan(benchmark::State& state) {
    auto& b = bullets();
    if (b.filesA.empty()) {
        state.SkipWithError("no real scans");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(imaging::readX3p(b.filesA[0]).surface.rows());
    state.SetLabel(b.source + ": reading one land scan (baseline)");
}
BENCHMARK(BM_ReadLandScan)->Unit(benchmark::kMillisecond);

void BM_LandSignature(benchmark::State& state) {
    auto& b = bullets();
    std::size_t i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(imaging::extractLandSignature(b.scansA[i++ % b.scansA.size()], b.optionsA).signature.size());
    state.SetLabel(b.source + ": one land scan to its signature");
}
BENCHMARK(BM_LandSignature)->Unit(benchmark::kMillisecond);

void BM_LandComparison(benchmark::State& state) {
    auto& b = bullets();
    for (auto _ : state) benchmark::DoNotOptimize(matching::compareLands(b.a[0], b.b[1]).ccf);
    state.SetLabel(b.source + ": one land pair (CCF, CMS, CMPS)");
}
BENCHMARK(BM_LandComparison)->Unit(benchmark::kMillisecond);

void BM_BulletComparison(benchmark::State& state) {
    auto& b = bullets();
    double score = 0;
    for (auto _ : state) score = matching::compareBullets(b.a, b.b).score;
    state.SetLabel(b.source + ": 6 x 6 lands, phase; score " + std::to_string(score));
}
BENCHMARK(BM_BulletComparison)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
