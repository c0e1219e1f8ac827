// Imaging benchmarks, each beside a baseline measured in the same run:
//   X3P read (parse + inflate + decode + checksum) vs the previous read path and vs zlib inflating data.bin alone,
//   on the synthetic 2000x2000 scan and on a real raw scan;
//   the default breech-face pipeline on a 2000x2000 raw scan vs one Gaussian blur of it.
// All on one core (OpenCV's threads off). Run: build/dev/benchmarks/imaging_bench
#include <benchmark/benchmark.h>
#include <zip.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <Poco/MD5Engine.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"

using namespace striae::imaging;

namespace {

struct Fixture {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "striae-bench";
    std::string x3p;
    Surface raw;
    Fixture() {
        cv::setNumThreads(1);
        std::filesystem::create_directories(dir);
        SynthOptions o;
        o.raw = true;
        o.sizePx = 2000;
        o.spacing = 3.125e-6;
        raw = synthesizeShot(o, 1, 1);
        x3p = (dir / "raw2000.x3p").string();
        writeX3p(raw, x3p);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_InflateDataBinOnly(benchmark::State& state) {
    const auto& f = fixture();
    std::vector<char> buffer(std::size_t(f.raw.size()) * 8);
    for (auto _ : state) {
        int err = 0;
        zip_t* z = zip_open(f.x3p.c_str(), ZIP_RDONLY, &err);
        zip_file_t* file = zip_fopen(z, "bindata/data.bin", 0);
        benchmark::DoNotOptimize(zip_fread(file, buffer.data(), buffer.size()));
        zip_fclose(file);
        zip_discard(z);
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t(buffer.size()));
}
BENCHMARK(BM_InflateDataBinOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// The reader's path until 2026-12 (the baseline for the figures in
// docs/x3p.md): zlib through libzip into a string, Poco's MD5, the doubles
// decoded into a vector, then copied onto the surface.
double previousReadPath(const std::string& x3p, std::size_t points) {
    int err = 0;
    zip_t* z = zip_open(x3p.c_str(), ZIP_RDONLY, &err);
    zip_file_t* file = zip_fopen(z, "bindata/data.bin", 0);
    std::string bin(points * 8, '\0');
    zip_fread(file, bin.data(), bin.size());
    zip_fclose(file);
    zip_discard(z);
    Poco::MD5Engine md5;
    md5.update(bin.data(), bin.size());
    benchmark::DoNotOptimize(md5.digest());
    std::vector<double> values(points);
    for (std::size_t i = 0; i < points; ++i) std::memcpy(&values[i], bin.data() + 8 * i, 8);
    Surface s(1, int(points), 1e-6, 1e-6);
    double* row = s.mutableRow(0);
    for (std::size_t i = 0; i < points; ++i) row[i] = std::isfinite(values[i]) ? values[i] : kMissing;
    return row[points / 2];
}

void BM_ReadX3pPreviousPath(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(previousReadPath(f.x3p, f.raw.size()));
    state.SetBytesProcessed(state.iterations() * std::int64_t(f.raw.size() * 8));
}
BENCHMARK(BM_ReadX3pPreviousPath)->Unit(benchmark::kMillisecond)->UseRealTime();

// Wall-clock time (UseRealTime): the read uses a second thread for the checksums.
void BM_ReadX3p(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(readX3p(f.x3p).surface.rows());
    state.SetBytesProcessed(state.iterations() * std::int64_t(f.raw.size() * 8));
}
BENCHMARK(BM_ReadX3p)->Unit(benchmark::kMillisecond)->UseRealTime();

// A real raw scan (NanoFocus, 12 MB of float64 that compress 2.4:1), when the shared data is there.
std::string realScan() {
    const char* env = std::getenv("STRIAE_DATA");
    const std::filesystem::path data = env && *env ? env : "../shared/data";
    const auto file = data / "raw" / "fadul" / "Fadul 1-1.x3p";
    return std::filesystem::exists(file) ? file.string() : std::string();
}

void BM_ReadRealScanPreviousPath(benchmark::State& state) {
    const std::string file = realScan();
    if (file.empty()) return state.SkipWithError("no shared data (set STRIAE_DATA)");
    const std::size_t points = readX3p(file).surface.size();
    for (auto _ : state) benchmark::DoNotOptimize(previousReadPath(file, points));
    state.SetBytesProcessed(state.iterations() * std::int64_t(points * 8));
}
BENCHMARK(BM_ReadRealScanPreviousPath)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadRealScan(benchmark::State& state) {
    const std::string file = realScan();
    if (file.empty()) return state.SkipWithError("no shared data (set STRIAE_DATA)");
    std::size_t points = 0;
    for (auto _ : state) points = readX3p(file).surface.size();
    state.SetBytesProcessed(state.iterations() * std::int64_t(points * 8));
}
BENCHMARK(BM_ReadRealScan)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_OneGaussianBlurBaseline(benchmark::State& state) {
    cv::Mat m(2000, 2000, CV_32F, cv::Scalar(1.0f)), out;
    for (auto _ : state) {
        cv::GaussianBlur(m, out, cv::Size(0, 0), 6.0, 6.0, cv::BORDER_CONSTANT);
        benchmark::DoNotOptimize(out.data);
    }
}
BENCHMARK(BM_OneGaussianBlurBaseline)->Unit(benchmark::kMillisecond);

void BM_DefaultPipeline2000(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(preprocessBreechFace(f.raw).rows());
    state.counters["points"] = double(f.raw.size());
}
BENCHMARK(BM_DefaultPipeline2000)->Unit(benchmark::kMillisecond);

void BM_FindBreechFace2000(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(findBreechFace(f.raw).primerRadius);
}
BENCHMARK(BM_FindBreechFace2000)->Unit(benchmark::kMillisecond);

void BM_BandPass2000(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(gaussianBandPass(f.raw, 16e-6, 500e-6).rows());
}
BENCHMARK(BM_BandPass2000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
