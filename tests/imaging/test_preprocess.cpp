#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <random>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "TestData.h"

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

// Every instrument style, at spacings from 1.5 to 10 µm: the circles found
// where the generator put them.
struct RawCase {
    SynthOptions::RawStyle style;
    double spacingUm;
    int sizePx;  // the field of view stays about what the instrument would show
    const char* name;
};

class BreechFaceStyles : public ::testing::TestWithParam<RawCase> {};

TEST_P(BreechFaceStyles, FindsFiringPinAndPrimer) {
    SynthOptions o;
    o.raw = true;
    o.rawStyle = GetParam().style;
    o.sizePx = GetParam().sizePx;
    o.spacing = GetParam().spacingUm * 1e-6;
    for (int shot = 1; shot <= 2; ++shot) {
        SynthTruth truth;
        const Surface raw = synthesizeShot(o, 1, shot, &truth);
        const BreechFaceRegion region = findBreechFace(raw);
        SCOPED_TRACE(shot);
        ASSERT_TRUE(region.firingPinFound);
        EXPECT_EQ(region.firingPinSource, "detected");
        EXPECT_NEAR(region.pinX, truth.pinX, 0.02 * o.sizePx);
        EXPECT_NEAR(region.pinY, truth.pinY, 0.02 * o.sizePx);
        EXPECT_NEAR(region.pinRadius, truth.pinRadius, 0.15 * truth.pinRadius);
        ASSERT_TRUE(region.primerFound);
        EXPECT_NEAR(region.primerX, truth.primerX, 0.01 * o.sizePx);
        EXPECT_NEAR(region.primerY, truth.primerY, 0.01 * o.sizePx);
        EXPECT_NEAR(region.primerRadius, truth.primerRadius, 0.03 * truth.primerRadius);
        // What is kept lies between the circles and covers most of that annulus.
        const Surface masked = maskBreechFace(raw, region, 0.03 * region.primerRadius);
        std::size_t outside = 0;
        for (int r = 0; r < masked.rows(); ++r)
            for (int c = 0; c < masked.cols(); ++c)
                if (masked.isValid(r, c) && (std::hypot(c - truth.primerX, r - truth.primerY) > truth.primerRadius ||
                                             std::hypot(c - truth.pinX, r - truth.pinY) < truth.pinRadius))
                    ++outside;
        EXPECT_LT(double(outside), 0.002 * double(masked.validCount()));
        EXPECT_GT(annulusKeptFraction(masked, region), 0.75);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Instruments, BreechFaceStyles,
    ::testing::Values(RawCase{SynthOptions::RawStyle::Crater, 3.125, 700, "crater_3um"},
                      RawCase{SynthOptions::RawStyle::Aperture, 3.125, 1000, "aperture_3um"},
                      RawCase{SynthOptions::RawStyle::Aperture, 1.5, 1600, "aperture_1_5um"},
                      RawCase{SynthOptions::RawStyle::Aperture, 10, 330, "aperture_10um"},
                      RawCase{SynthOptions::RawStyle::CaseHead, 10, 1000, "casehead_10um"},
                      RawCase{SynthOptions::RawStyle::CaseHead, 6, 1600, "casehead_6um"}),
    [](const auto& info) { return std::string(info.param.name); });

// A photometric-stereo scan written in micrometre units reads as metres and is
// found the same; so is the scan turned a quarter and mirrored.
TEST(BreechFace, UnitsAndOrientationDoNotMatter) {
    SynthOptions o;
    o.raw = true;
    o.rawStyle = SynthOptions::RawStyle::CaseHead;
    o.sizePx = 600;
    o.spacing = 4e-6;
    SynthTruth truth;
    const Surface raw = synthesizeShot(o, 2, 1, &truth);
    Surface micrometres(raw.rows(), raw.cols(), 4.0, 4.0);
    for (int r = 0; r < raw.rows(); ++r)
        for (int c = 0; c < raw.cols(); ++c) micrometres.set(r, c, raw.at(r, c) * 1e6);
    striae::test::TempDir dir;
    writeX3p(micrometres, (dir / "um.x3p").string());
    const X3pFile read = readX3p((dir / "um.x3p").string());
    ASSERT_FALSE(read.info.warnings.empty()) << "the reader says it converted micrometres";
    const BreechFaceRegion inMetres = findBreechFace(raw), fromMicrometres = findBreechFace(read.surface);
    ASSERT_TRUE(fromMicrometres.primerFound && fromMicrometres.firingPinFound);
    EXPECT_NEAR(fromMicrometres.primerRadius, inMetres.primerRadius, 1.0);
    EXPECT_NEAR(fromMicrometres.pinX, inMetres.pinX, 1.0);

    // Turned a quarter: raw(r, c) goes to turned(row = c, col = rows - 1 - r); then mirrored left-right.
    Surface turned(raw.cols(), raw.rows(), raw.spacingY(), raw.spacingX());
    for (int r = 0; r < raw.rows(); ++r)
        for (int c = 0; c < raw.cols(); ++c) turned.set(c, raw.cols() - 1 - (raw.rows() - 1 - r), raw.at(r, c));
    const BreechFaceRegion t = findBreechFace(turned);
    ASSERT_TRUE(t.primerFound && t.firingPinFound);
    // Quarter turn then mirror: col' = cols - 1 - (rows - 1 - r) = r (square scan), row' = c: a transpose.
    EXPECT_NEAR(t.pinX, truth.pinY, 0.02 * o.sizePx);
    EXPECT_NEAR(t.pinY, truth.pinX, 0.02 * o.sizePx);
    EXPECT_NEAR(t.primerRadius, truth.primerRadius, 0.03 * truth.primerRadius);
}

TEST(BreechFace, GivenCirclesReplaceDetection) {
    SynthOptions o;
    o.raw = true;
    o.rawStyle = SynthOptions::RawStyle::Aperture;
    o.sizePx = 500;
    o.spacing = 3.125e-6;
    SynthTruth truth;
    const Surface raw = synthesizeShot(o, 1, 1, &truth);
    BreechFaceHints hints;
    hints.primer = Circle{250, 250, 150};
    const BreechFaceRegion onlyPrimer = findBreechFace(raw, hints);
    EXPECT_EQ(onlyPrimer.primerSource, "given");
    EXPECT_DOUBLE_EQ(onlyPrimer.primerRadius, 150);
    EXPECT_EQ(onlyPrimer.firingPinSource, "detected");
    hints.firingPin = Circle{truth.pinX, truth.pinY, 90};
    const BreechFaceRegion both = findBreechFace(raw, hints);
    EXPECT_EQ(both.firingPinSource, "given");
    EXPECT_TRUE(both.mask.empty()) << "both circles given: the annulus between them, nothing else";
    const Surface masked = maskBreechFace(raw, both, 0);
    for (int r = 0; r < masked.rows(); r += 7)
        for (int c = 0; c < masked.cols(); c += 7)
            if (masked.isValid(r, c)) {
                EXPECT_LE(std::hypot(c - 250, r - 250), 150.0);
                EXPECT_GE(std::hypot(c - truth.pinX, r - truth.pinY), 90.0);
            }
    // The decisions are in the processing history.
    const auto& step = masked.history().back();
    ASSERT_EQ(step.name, "mask_breech_face");
    EXPECT_NE(step.parameters[0].second.find("given"), std::string::npos);
    EXPECT_NE(step.parameters[1].second.find("given"), std::string::npos);
}

TEST(BreechFace, OverlayShowsTheCirclesAndTheKeptRegion) {
    SynthOptions o;
    o.raw = true;
    o.rawStyle = SynthOptions::RawStyle::Aperture;
    o.sizePx = 400;
    SynthTruth truth;
    const Surface raw = synthesizeShot(o, 1, 1, &truth);
    const BreechFaceRegion region = findBreechFace(raw);
    const Surface masked = maskBreechFace(raw, region, 5);
    const RgbImage image = renderRegionOverlay(raw, region, &masked, 200);
    ASSERT_EQ(image.width, 200);
    ASSERT_EQ(image.rgb.size(), std::size_t(200 * image.height * 3));
    auto pixel = [&](double col, double row) {
        const std::size_t i = (std::size_t(row / image.scale) * std::size_t(image.width) + std::size_t(col / image.scale)) * 3;
        return std::array<int, 3>{image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]};
    };
    // The primer circle is drawn green; a kept point is grey; the pin's inside is not grey.
    const auto onPrimer = pixel(region.primerX + region.primerRadius, region.primerY);
    EXPECT_GT(onPrimer[1], onPrimer[0] + 60);
    const double keptCol = truth.pinX + (truth.pinRadius + truth.primerRadius) / 2 * 0.7, keptRow = truth.pinY;
    if (masked.isValid(int(keptRow), int(keptCol))) {
        const auto kept = pixel(keptCol, keptRow);
        EXPECT_NEAR(kept[0], kept[1], 2);
        EXPECT_NEAR(kept[1], kept[2], 2);
    }
    const auto inside = pixel(truth.pinX, truth.pinY);
    EXPECT_FALSE(inside[0] == inside[1] && inside[1] == inside[2]);
    striae::test::TempDir dir;
    writeRegionOverlay(raw, region, &masked, (dir / "overlay.png").string(), 300);
    EXPECT_GT(std::filesystem::file_size(dir / "overlay.png"), 1000u);
    EXPECT_THROW(writeRegionOverlay(raw, region, &masked, (dir / "missing-folder" / "o.png").string()), std::runtime_error);
    EXPECT_FALSE(std::filesystem::exists(dir / "missing-folder"));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1u) << "no partial file left behind";
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
