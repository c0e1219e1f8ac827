// Imaging benchmarks, each beside a baseline measured in the same run:
//   X3P read (parse + inflate + decode + checksum) vs inflating data.bin alone;
//   the default breech-face pipeline on a 2000x2000 raw scan vs one Gaussian blur of it.
// All on one core (OpenCV's threads off). Run: build/dev/benchmarks/imaging_bench
#include <benchmark/benchmark.h>
#include <zip.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

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
BENCHMARK(BM_InflateDataBinOnly)->Unit(benchmark::kMillisecond);

void BM_ReadX3p(benchmark::State& state) {
    const auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(readX3p(f.x3p).surface.rows());
    state.SetBytesProcessed(state.iterations() * std::int64_t(f.raw.size() * 8));
}
BENCHMARK(BM_ReadX3p)->Unit(benchmark::kMillisecond);

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
