// Every real file in ../shared/data reads correctly. Expected figures come
// from an independent reference (a stdlib-only Python reader of the same
// files), not from this reader.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "TestData.h"
#include "striae/imaging/X3p.h"

using namespace striae::imaging;
namespace fs = std::filesystem;

namespace {

struct Expected {
    const char* file;
    int sizeX, sizeY;
    double spacingX;
    std::size_t valid;
    double minZ, maxZ;
    bool staleHeaderChecksum = false;  // main.xml edited after its MD5 was written
};

void expectFile(const fs::path& data, const Expected& e) {
    SCOPED_TRACE(e.file);
    const X3pFile f = readX3p((data / e.file).string(), {.ignoreChecksums = e.staleHeaderChecksum});
    EXPECT_EQ(f.info.mainXmlChecksum == ChecksumState::Mismatch, e.staleHeaderChecksum);
    const Surface& s = f.surface;
    EXPECT_EQ(s.cols(), e.sizeX);
    EXPECT_EQ(s.rows(), e.sizeY);
    EXPECT_NEAR(s.spacingX(), e.spacingX, e.spacingX * 1e-5);
    EXPECT_EQ(s.validCount(), e.valid);
    const auto r = s.heightRange();
    EXPECT_NEAR(r.min, e.minZ, std::abs(e.minZ) * 1e-6);
    EXPECT_NEAR(r.max, e.maxZ, std::abs(e.maxZ) * 1e-6);
}

}  // namespace

TEST(RealX3p, FormatSamplesMatchTheReference) {
    STRIAE_REQUIRE_DATA(data);
    const Expected files[] = {
        {"formats/openfmc/ISO5436-sample1_bin.x3p", 4, 4, 0.016016, 15, -0.808368572, 1.04759603},
        {"formats/openfmc/ISO5436-sample4_bin.x3p", 4, 4, 0.016016, 15, -0.808, 1.048},
        {"formats/openfmc/KautschukInfiniteFocus.x3p", 860, 634, 2.27998e-06, 539944, -9.59028694e-06, 1.60941236e-05},
        {"formats/openfmc/SkiInfiniteFocus.x3p", 1197, 940, 3.67889e-06, 1120908, -5.19300593e-05, 3.23062632e-05},
        {"formats/x3ptools/csafe-logo.x3p", 741, 419, 6.45e-07, 310479, 2.07843137e-07, 8.2745098e-07, true},
        {"formats/x3ptools/sample-land.x3p", 918, 256, 2.58e-06, 209716, -7.94734806e-05, 5.24985808e-05},
        {"formats/x3ptools/testing.x3p", 30, 20, 0.0275, 600, -0.0238189027, 0.00896233972},
        {"houston/Barrel A/Bullet 11/HFSCP-BA-B11-L1.x3p", 976, 341, 1.935e-06, 329547, -5.64758682e-05, 4.64261169e-05},
        {"weller/TW01-01.x3p", 561, 563, 6.25e-06, 116617, -9.12097862e-06, 5.67668425e-06},
    };
    for (const auto& e : files) expectFile(data, e);
}

TEST(RealX3p, InlinePointListsMatchTheirBinaryTwins) {
    STRIAE_REQUIRE_DATA(data);
    // sample1 (XML doubles) and sample4 (XML int16 with increment and offset)
    // hold the same surfaces as their _bin versions.
    for (const char* name : {"ISO5436-sample1", "ISO5436-sample4"}) {
        SCOPED_TRACE(name);
        const auto xml = readX3p((data / "formats/openfmc" / (std::string(name) + ".x3p")).string());
        const auto bin = readX3p((data / "formats/openfmc" / (std::string(name) + "_bin.x3p")).string());
        EXPECT_TRUE(xml.info.inlineData);
        EXPECT_TRUE(bin.info.hasValidMask);
        ASSERT_EQ(xml.surface.size(), bin.surface.size());
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) {
                EXPECT_EQ(xml.surface.isValid(r, c), bin.surface.isValid(r, c));
                if (xml.surface.isValid(r, c)) {
                    EXPECT_NEAR(xml.surface.at(r, c), bin.surface.at(r, c), 1e-9);
                }
            }
        EXPECT_FALSE(bin.surface.isValid(1, 3)) << "valid.bin marks point 8 invalid";
    }
}

TEST(RealX3p, PointListOnAGridIsPlacedOnTheGrid) {
    STRIAE_REQUIRE_DATA(data);
    // sample2: 16 points with absolute x;y;z on a 4x4 grid with 1 µm steps.
    const auto f = readX3p((data / "formats/openfmc/ISO5436-sample2.x3p").string());
    EXPECT_EQ(f.surface.cols(), 4);
    EXPECT_EQ(f.surface.rows(), 4);
    EXPECT_NEAR(f.surface.spacingX(), 1e-6, 1e-12);
    EXPECT_EQ(f.surface.validCount(), 16u);
    // sample3: x incremental, y absolute in the list.
    const auto g = readX3p((data / "formats/openfmc/ISO5436-sample3.x3p").string());
    EXPECT_EQ(g.surface.cols(), 4);
    EXPECT_EQ(g.surface.rows(), 4);
    EXPECT_EQ(g.surface.validCount(), 15u);
}

TEST(RealX3p, MicrometreFileIsConvertedWithAWarning) {
    STRIAE_REQUIRE_DATA(data);
    // pyramid.x3p states 1 (metre) spacing and heights 2..10: micrometres.
    const auto f = readX3p((data / "formats/x3ptools/pyramid.x3p").string());
    EXPECT_EQ(f.info.dataType, 'F');
    EXPECT_NEAR(f.surface.spacingX(), 1e-6, 1e-12);
    EXPECT_NEAR(f.surface.heightRange().max, 10e-6, 1e-12);
    EXPECT_NEAR(f.surface.heightRange().min, 2e-6, 1e-12);
    ASSERT_FALSE(f.info.warnings.empty());
    EXPECT_NE(f.info.warnings[0].find("micrometres"), std::string::npos);
}

TEST(RealX3p, StaleHeaderChecksumIsAnErrorUnlessIgnored) {
    STRIAE_REQUIRE_DATA(data);
    const auto path = (data / "formats/x3ptools/csafe-logo.x3p").string();
    try {
        readX3p(path);
        ADD_FAILURE() << "csafe-logo.x3p's md5checksum.hex does not match its main.xml";
    } catch (const X3pError& e) {
        EXPECT_NE(std::string(e.what()).find("MD5 checksum of main.xml does not match"), std::string::npos);
    }
}

TEST(RealX3p, AliconaInfinityMarksMissingPoints) {
    STRIAE_REQUIRE_DATA(data);
    const auto f = readX3p((data / "formats/openfmc/KautschukInfiniteFocus.x3p").string());
    EXPECT_LT(f.surface.validCount(), f.surface.size());
    EXPECT_TRUE(std::isfinite(f.surface.heightRange().max));
    EXPECT_EQ(f.info.pointDataChecksum, ChecksumState::Verified) << "upper-case MD5 accepted";
}

TEST(RealX3p, FolderInsideZipAndMacResourceForks) {
    STRIAE_REQUIRE_DATA(data);
    const auto f = readX3p((data / "formats/x3ptools/sample-land.x3p").string());
    EXPECT_EQ(f.info.mainXmlChecksum, ChecksumState::Verified);
    EXPECT_EQ(f.surface.metadata().instrument.manufacturer, "Sensofar");
}

TEST(RealX3p, EveryWellerAndHoustonScanReads) {
    STRIAE_REQUIRE_DATA(data);
    int weller = 0, houston = 0;
    for (const auto& entry : fs::recursive_directory_iterator(data)) {
        if (entry.path().extension() != ".x3p") continue;
        const std::string p = entry.path().string();
        const bool isWeller = p.find("/weller/") != std::string::npos;
        const bool isHouston = p.find("/houston/") != std::string::npos;
        if (!isWeller && !isHouston) continue;
        SCOPED_TRACE(p);
        const X3pFile f = readX3p(p);
        EXPECT_EQ(f.info.pointDataChecksum, ChecksumState::Verified);
        EXPECT_NEAR(f.surface.spacingX(), isWeller ? 6.25e-6 : 1.935e-6, 1e-9);
        EXPECT_GT(f.surface.validFraction(), 0.2);
        const auto r = f.surface.heightRange();
        EXPECT_LT(r.max - r.min, 1e-3) << "heights in metres";
        EXPECT_GT(r.max - r.min, 1e-7);
        (isWeller ? weller : houston)++;
    }
    EXPECT_EQ(weller, 95);
    EXPECT_EQ(houston, 30);
}
