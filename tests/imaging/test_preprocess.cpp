#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/Synthetic.h"

using namespace striae::imaging;

namespace {

constexpr double kSpacing = 2e-6;

// A sinusoid along x with the given wavelength (metres) and amplitude.
Surface sinusoid(int size, double wavelength, double amplitude = 1e-6) {
    Surface s(size, size, kSpacing, kSpacing, 0.0);
    for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c) s.set(r, c, amplitude * std::sin(2 * M_PI * c * kSpacing / wavelength));
    return s;
}

// Amplitude of the component at `wavelength` in the central region (least squares on sin and cos).
double amplitudeAt(const Surface& s, double wavelength) {
    double ss = 0, sc = 0, nn = 0;
    const int m = s.cols() / 4;
    for (int r = m; r < s.rows() - m; ++r)
        for (int c = m; c < s.cols() - m; ++c) {
            if (!s.isValid(r, c)) continue;
            const double phase = 2 * M_PI * c * s.spacingX() / wavelength;
            ss += s.at(r, c) * std::sin(phase);
            sc += s.at(r, c) * std::cos(phase);
            nn += 1;
        }
    return 2 * std::hypot(ss, sc) / nn;
}

double rms(const Surface& s) {
    double sum = 0;
    std::size_t n = 0;
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c)
            if (s.isValid(r, c)) { sum += s.at(r, c) * s.at(r, c); ++n; }
    return std::sqrt(sum / double(n));
}

}  // namespace

TEST(Level, RemovesAPlaneAndKeepsMissingPoints) {
    Surface s(50, 60, 1e-6, 1e-6, 0.0);
    for (int r = 0; r < 50; ++r)
        for (int c = 0; c < 60; ++c) s.set(r, c, 3e-6 + 2e-7 * c - 1e-7 * r + 1e-9 * ((r * 7 + c * 3) % 5));
    s.set(10, 10, kMissing);
    const Surface l = level(s, 1);
    EXPECT_LT(rms(l), 2e-9);
    EXPECT_FALSE(l.isValid(10, 10));
    ASSERT_FALSE(l.history().empty());
    EXPECT_EQ(l.history().back().name, "level");
    EXPECT_GT(rms(s), 1e-6) << "input unchanged";
}

TEST(Level, SecondOrderRemovesCurvature) {
    Surface s(40, 40, 1e-6, 1e-6, 0.0);
    for (int r = 0; r < 40; ++r)
        for (int c = 0; c < 40; ++c) s.set(r, c, 1e-8 * (c - 20) * (c - 20) + 5e-9 * r * c);
    EXPECT_GT(rms(level(s, 1)), 1e-7);
    EXPECT_LT(rms(level(s, 2)), 1e-12);
    EXPECT_THROW(level(s, 7), std::invalid_argument);
}

TEST(Outliers, SpikesGoTheSurfaceStays) {
    Surface s = sinusoid(80, 60e-6, 1e-6);
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0, 2e-8);
    for (int r = 0; r < 80; ++r)
        for (int c = 0; c < 80; ++c) s.set(r, c, s.at(r, c) + noise(rng));
    s.set(20, 20, 50e-6);
    s.set(60, 33, -40e-6);
    const Surface o = removeOutliers(s, 6.0);
    EXPECT_FALSE(o.isValid(20, 20));
    EXPECT_FALSE(o.isValid(60, 33));
    EXPECT_GT(o.validCount(), s.size() - 40) << "at most a handful of good points lost";
}

TEST(GaussianFilter, TransmitsHalfTheAmplitudeAtTheCutoff) {
    // ISO 16610-61: 50 % transmission at the cut-off wavelength.
    const double cutoff = 40e-6;
    EXPECT_NEAR(amplitudeAt(gaussianLowPass(sinusoid(200, cutoff), cutoff), cutoff) / 1e-6, 0.5, 0.03);
    EXPECT_NEAR(amplitudeAt(gaussianHighPass(sinusoid(200, cutoff), cutoff), cutoff) / 1e-6, 0.5, 0.03);
    EXPECT_GT(amplitudeAt(gaussianLowPass(sinusoid(200, 8 * cutoff), cutoff), 8 * cutoff) / 1e-6, 0.95);
    EXPECT_LT(amplitudeAt(gaussianLowPass(sinusoid(200, cutoff / 4), cutoff), cutoff / 4) / 1e-6, 0.02);
}

TEST(GaussianFilter, LargeCutoffOnReducedGridMatchesTheDefinition) {
    // σ of 0.18739 × 400 µm / 2 µm ≈ 37 px runs on the reduced grid; 50 % must still hold.
    const double cutoff = 400e-6;
    EXPECT_NEAR(amplitudeAt(gaussianLowPass(sinusoid(600, cutoff), cutoff), cutoff) / 1e-6, 0.5, 0.04);
}

TEST(GaussianFilter, MissingDataDoesNotBiasTheResult) {
    Surface s(100, 100, kSpacing, kSpacing, 2e-6);
    for (int r = 30; r < 60; ++r)
        for (int c = 40; c < 90; ++c) s.set(r, c, kMissing);
    const Surface low = gaussianLowPass(s, 50e-6);
    EXPECT_EQ(low.validCount(), s.validCount());
    for (int r = 0; r < 100; r += 7)
        for (int c = 0; c < 100; c += 7)
            if (low.isValid(r, c)) {
                EXPECT_NEAR(low.at(r, c), 2e-6, 1e-11) << r << "," << c;
            }
}

TEST(GaussianFilter, BandPassKeepsTheBandOnly) {
    const double mid = 100e-6;
    auto through = [&](double wavelength) {
        return amplitudeAt(gaussianBandPass(sinusoid(400, wavelength), 16e-6, 500e-6), wavelength) / 1e-6;
    };
    EXPECT_GT(through(mid), 0.85);
    EXPECT_LT(through(6e-6), 0.05);
    const Surface band = gaussianBandPass(sinusoid(400, mid), 16e-6, 500e-6);
    ASSERT_FALSE(band.history().empty());
    EXPECT_EQ(band.history().back().name, "gaussian_bandpass");
    EXPECT_THROW(gaussianBandPass(band, 500e-6, 16e-6), std::invalid_argument);
}

TEST(Resample, HalvesTheGridAndKeepsARamp) {
    Surface s(100, 80, 3.125e-6, 3.125e-6, 0.0);
    for (int r = 0; r < 100; ++r)
        for (int c = 0; c < 80; ++c) s.set(r, c, c * 3.125e-6 * 0.01);
    s.set(5, 5, kMissing);
    const Surface d = resample(s, 6.25e-6);
    EXPECT_EQ(d.rows(), 50);
    EXPECT_EQ(d.cols(), 40);
    EXPECT_DOUBLE_EQ(d.spacingX(), 6.25e-6);
    // Pixel c of the coarse grid covers fine pixels 2c and 2c+1.
    EXPECT_NEAR(d.at(20, 10), (20.5) * 3.125e-6 * 0.01, 1e-12);
}

TEST(Crop, ToTheValidBoundingBox) {
    Surface s(30, 30, 1e-6, 1e-6);
    s.set(10, 12, 1.0);
    s.set(14, 20, 2.0);
    const Surface c = cropToValid(s, 1);
    EXPECT_EQ(c.rows(), 7);
    EXPECT_EQ(c.cols(), 11);
    EXPECT_DOUBLE_EQ(c.at(1, 1), 1.0);
}

TEST(BreechFace, FindsFiringPinAndPrimerOnARawScan) {
    SynthOptions o;
    o.raw = true;
    o.sizePx = 600;
    o.spacing = 3.125e-6;
    for (int shot = 1; shot <= 3; ++shot) {
        SynthTruth truth;
        const Surface raw = synthesizeShot(o, 1, shot, &truth);
        const BreechFaceRegion region = findBreechFace(raw);
        SCOPED_TRACE(shot);
        ASSERT_TRUE(region.firingPinFound);
        EXPECT_NEAR(region.pinX, truth.pinX, 0.02 * o.sizePx);
        EXPECT_NEAR(region.pinY, truth.pinY, 0.02 * o.sizePx);
        EXPECT_NEAR(region.pinRadius, truth.pinRadius, 0.1 * truth.pinRadius);
        ASSERT_TRUE(region.primerFound);
        EXPECT_NEAR(region.primerX, truth.primerX, 0.01 * o.sizePx);
        EXPECT_NEAR(region.primerY, truth.primerY, 0.01 * o.sizePx);
        EXPECT_NEAR(region.primerRadius, truth.primerRadius, 0.02 * truth.primerRadius);
    }
}

TEST(BreechFace, FlatScanHasNoFiringPin) {
    SynthOptions o;
    o.sizePx = 200;
    o.firingPin = false;
    o.missingRegions = 0;
    const BreechFaceRegion region = findBreechFace(synthesizeShot(o, 1, 1));
    EXPECT_FALSE(region.firingPinFound);
}

TEST(Pipeline, TurnsARawScanIntoAComparableSurface) {
    SynthOptions o;
    o.raw = true;
    o.sizePx = 600;
    o.spacing = 3.125e-6;
    SynthTruth truth;
    const Surface raw = synthesizeShot(o, 2, 1, &truth);
    std::vector<std::string> steps;
    const Surface p = preprocessBreechFace(raw, {}, [&](int, int, const std::string& name) { steps.push_back(name); });
    EXPECT_EQ(steps.size(), 6u);
    EXPECT_DOUBLE_EQ(p.spacingX(), 6.25e-6);
    EXPECT_LT(p.cols(), 260);
    EXPECT_GT(p.cols(), 180);
    // Tilt, case head, gap, crater and spikes are gone: what is left is micrometre texture.
    EXPECT_LT(rms(p), 1.5e-6);
    EXPECT_GT(rms(p), 0.05e-6);
    const auto r = p.heightRange();
    EXPECT_LT(r.max - r.min, 15e-6);
    std::vector<std::string> names;
    for (const auto& step : p.history()) names.push_back(step.name);
    for (const char* expected : {"pipeline", "mask_breech_face", "level", "remove_outliers", "gaussian_bandpass", "resample", "crop"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
}
