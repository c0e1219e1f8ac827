#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"

using namespace striae::imaging;

namespace {
SynthOptions small() {
    SynthOptions o;
    o.sizePx = 96;
    o.firearms = 2;
    o.shotsPerFirearm = 2;
    o.seed = 42;
    return o;
}

// Pairwise-complete correlation of two equally sized surfaces.
double correlation(const Surface& a, const Surface& b) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int n = 0;
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c) {
            const double x = a.at(r, c), y = b.at(r, c);
            if (std::isnan(x) || std::isnan(y)) continue;
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y; ++n;
        }
    const double cov = sab / n - sa / n * sb / n;
    return cov / std::sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
}
}  // namespace

TEST(Synthetic, SameSeedSameScan) {
    const Surface a = synthesizeShot(small(), 1, 2);
    const Surface b = synthesizeShot(small(), 1, 2);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(a.toVector().size(), b.toVector().size());
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c)
            if (a.isValid(r, c)) {
                ASSERT_DOUBLE_EQ(a.at(r, c), b.at(r, c));
            }
}

TEST(Synthetic, HasMissingRegionsAFiringPinHoleAndMicrometreHeights) {
    const Surface s = synthesizeShot(small(), 1, 1);
    EXPECT_EQ(s.rows(), 96);
    EXPECT_DOUBLE_EQ(s.spacingX(), 6.25e-6);
    EXPECT_GT(s.validFraction(), 0.4);
    EXPECT_LT(s.validFraction(), 0.85);
    EXPECT_FALSE(s.isValid(48, 48)) << "firing-pin impression near the centre";
    const auto range = s.heightRange();
    EXPECT_GT(range.max - range.min, 0.5e-6);
    EXPECT_LT(range.max - range.min, 20e-6);
}

TEST(Synthetic, ShotsOfOneFirearmShareMarksOthersDoNot) {
    // With no rotation or shift, shots of the same firearm correlate; different firearms do not.
    SynthOptions o = small();
    o.maxRotationDeg = 0;
    o.maxShiftPx = 0;
    const Surface a1 = synthesizeShot(o, 1, 1), a2 = synthesizeShot(o, 1, 2), b1 = synthesizeShot(o, 2, 1);
    EXPECT_GT(correlation(a1, a2), 0.5);
    EXPECT_LT(std::abs(correlation(a1, b1)), 0.2);
}

TEST(Synthetic, WritesFilesAndTruthTable) {
    striae::test::TempDir dir;
    const auto truths = writeSyntheticSet(small(), dir.path().string());
    ASSERT_EQ(truths.size(), 4u);
    EXPECT_TRUE(std::filesystem::exists(dir / "F02-02.x3p"));
    std::ifstream csv(dir / "truth.csv");
    std::string header, line;
    std::getline(csv, header);
    EXPECT_EQ(header, "file,firearm,shot,rotation_deg,shift_x_px,shift_y_px,pin_x_px,pin_y_px,pin_radius_px,primer_radius_px");
    int lines = 0;
    while (std::getline(csv, line)) ++lines;
    EXPECT_EQ(lines, 4);
    const auto f = readX3p((dir / "F01-02.x3p").string());
    ASSERT_FALSE(f.surface.history().empty());
    EXPECT_EQ(f.surface.history()[0].name, "synthesize");
    for (const auto& t : truths) EXPECT_LE(std::abs(t.rotationDeg), 15.0) << "any two shots within 30°";
}

TEST(Synthetic, ProgressCanStopTheRun) {
    striae::test::TempDir dir;
    const auto truths = writeSyntheticSet(small(), dir.path().string(), [](int done, int) { return done < 2; });
    EXPECT_EQ(truths.size(), 2u);
}
