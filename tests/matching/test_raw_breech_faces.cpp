// Real raw scans as the instrument wrote them (../shared/data/raw): after the
// default pipeline the known match Fadul 1-1 / 1-2 scores at least 15 CMCs
// (original rule) and each against Fadul 2-1 (another slide) at most 2; the
// kept region of every raw scan covers most of the breech face between the
// firing-pin and primer circles. Figures in docs/preprocessing.md.
#include <gtest/gtest.h>

#include <map>

#include "TestData.h"
#include "striae/imaging/Preprocess.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"

using namespace striae;

namespace {

struct Processed {
    imaging::Surface surface;
    imaging::BreechFaceRegion region;
    double keptFraction = 0;
};

Processed process(const std::filesystem::path& file) {
    const imaging::Surface raw = imaging::readX3p(file.string()).surface;
    imaging::BreechFaceFound found;
    Processed p;
    p.surface = imaging::preprocessBreechFace(raw, {}, {}, &found);
    p.region = found.region;
    p.keptFraction = imaging::annulusKeptFraction(found.masked, found.region);
    return p;
}

}  // namespace

TEST(RawBreechFaces, FadulKnownMatchScoresAndNonMatchesDoNot) {
    STRIAE_REQUIRE_DATA(data);
    const auto fadul = data / "raw" / "fadul";
    if (!std::filesystem::exists(fadul / "Fadul 1-1.x3p")) GTEST_SKIP() << "no raw Fadul scans in " << fadul;
    std::map<std::string, Processed> p;
    for (const char* name : {"Fadul 1-1", "Fadul 1-2", "Fadul 2-1"}) p[name] = process(fadul / (std::string(name) + ".x3p"));
    for (const auto& [name, scan] : p) {
        SCOPED_TRACE(name);
        EXPECT_TRUE(scan.region.primerFound);
        EXPECT_TRUE(scan.region.firingPinFound);
        EXPECT_EQ(scan.region.primerSource, "detected");
        // NanoFocus primers here are 3.5-3.7 mm across, the pin with its flow-back 2-2.6 mm.
        const double um = 3.125;
        EXPECT_NEAR(scan.region.primerRadius * um, 1780, 120);
        EXPECT_NEAR(scan.region.pinRadius * um, 1220, 150);
        EXPECT_GT(scan.keptFraction, 0.7);
        EXPECT_DOUBLE_EQ(scan.surface.spacingX(), 6.25e-6);
    }
    const int km = matching::compareCmc(p["Fadul 1-1"].surface, p["Fadul 1-2"].surface).originalCount;
    const int knm1 = matching::compareCmc(p["Fadul 1-1"].surface, p["Fadul 2-1"].surface).originalCount;
    const int knm2 = matching::compareCmc(p["Fadul 1-2"].surface, p["Fadul 2-1"].surface).originalCount;
    RecordProperty("km_1-1_1-2", km);
    RecordProperty("knm_1-1_2-1", knm1);
    RecordProperty("knm_1-2_2-1", knm2);
    EXPECT_GE(km, 15);
    EXPECT_LE(knm1, 2);
    EXPECT_LE(knm2, 2);
}

TEST(RawBreechFaces, RawWellerScanKeepsItsBreechFace) {
    STRIAE_REQUIRE_DATA(data);
    const auto file = data / "raw" / "bf11" / "bf11.x3p";
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
    const Processed p = process(file);
    EXPECT_TRUE(p.region.primerFound);
    EXPECT_TRUE(p.region.firingPinFound);
    EXPECT_GT(p.keptFraction, 0.7);
}

// The same scan turned a quarter is found the same (circles turned with it).
TEST(RawBreechFaces, OrientationDoesNotMatterOnARealScan) {
    STRIAE_REQUIRE_DATA(data);
    const auto file = data / "raw" / "fadul" / "Fadul 1-2.x3p";
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
    const imaging::Surface raw = imaging::readX3p(file.string()).surface;
    imaging::Surface turned(raw.cols(), raw.rows(), raw.spacingY(), raw.spacingX());
    for (int r = 0; r < raw.rows(); ++r)
        for (int c = 0; c < raw.cols(); ++c) turned.set(c, raw.rows() - 1 - r, raw.at(r, c));
    const auto a = imaging::findBreechFace(raw), b = imaging::findBreechFace(turned);
    ASSERT_TRUE(a.primerFound && b.primerFound && a.firingPinFound && b.firingPinFound);
    // raw (x, y) -> turned (rows - 1 - y, x)
    EXPECT_NEAR(b.primerX, raw.rows() - 1 - a.primerY, 8);
    EXPECT_NEAR(b.primerY, a.primerX, 8);
    EXPECT_NEAR(b.primerRadius, a.primerRadius, 8);
    EXPECT_NEAR(b.pinX, raw.rows() - 1 - a.pinY, 12);
    EXPECT_NEAR(b.pinRadius, a.pinRadius, 12);
}
