#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "TestData.h"
#include "striae/imaging/X3p.h"

using namespace striae::imaging;

namespace {

Surface sampleSurface() {
    Surface s(7, 11, 3.5e-6, 4.25e-6, 0.0);
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c) s.set(r, c, 1e-6 * std::sin(r * 0.7 + c * 0.3));
    s.set(2, 3, kMissing);
    s.set(6, 10, kMissing);
    s.metadata().creator = "Examiner <A&B>";
    s.metadata().instrument = {"Sensofar", "S neox", "1234", "v1"};
    s.metadata().date = "2024-03-01T10:20:30";
    s.metadata().comment = "line one\nline two";
    s.addStep({"level", {{"method", "plane"}}});
    s.addStep({"bandpass", {{"low_um", "16"}, {"high_um", "250"}, {"odd;chars", "a=b%c"}}});
    return s;
}

}  // namespace

TEST(X3pRoundTrip, WrittenFileReopensIdentically) {
    striae::test::TempDir dir;
    const Surface s = sampleSurface();
    const auto path = (dir / "sample.x3p").string();
    writeX3p(s, path);
    const X3pFile back = readX3p(path);
    ASSERT_EQ(back.surface.rows(), s.rows());
    ASSERT_EQ(back.surface.cols(), s.cols());
    EXPECT_DOUBLE_EQ(back.surface.spacingX(), s.spacingX());
    EXPECT_DOUBLE_EQ(back.surface.spacingY(), s.spacingY());
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c) {
            if (s.isValid(r, c)) {
                EXPECT_DOUBLE_EQ(back.surface.at(r, c), s.at(r, c));
            } else {
                EXPECT_FALSE(back.surface.isValid(r, c));
            }
        }
    const auto& m = back.surface.metadata();
    EXPECT_EQ(m.creator, "Examiner <A&B>");
    EXPECT_EQ(m.instrument.manufacturer, "Sensofar");
    EXPECT_EQ(m.date, "2024-03-01T10:20:30");
    EXPECT_EQ(m.comment, "line one\nline two");
    ASSERT_EQ(back.surface.history().size(), 2u);
    EXPECT_EQ(back.surface.history()[1].name, "bandpass");
    EXPECT_EQ(back.surface.history()[1].parameters[2].first, "odd;chars");
    EXPECT_EQ(back.surface.history()[1].parameters[2].second, "a=b%c");
    EXPECT_EQ(back.info.mainXmlChecksum, ChecksumState::Verified);
    EXPECT_EQ(back.info.pointDataChecksum, ChecksumState::Verified);
    EXPECT_EQ(back.info.validPointsChecksum, ChecksumState::Verified);
    EXPECT_TRUE(back.info.warnings.empty());
}

TEST(X3pRoundTrip, Float32KeepsSinglePrecision) {
    striae::test::TempDir dir;
    const Surface s = sampleSurface();
    writeX3p(s, (dir / "f.x3p").string(), {.dataType = 'F'});
    const X3pFile back = readX3p((dir / "f.x3p").string());
    EXPECT_EQ(back.info.dataType, 'F');
    EXPECT_NEAR(back.surface.at(1, 1), s.at(1, 1), 1e-12);
    EXPECT_EQ(back.surface.validCount(), s.validCount());
}

TEST(X3pRoundTrip, ViewsAreWrittenAsTheirOwnSurface) {
    striae::test::TempDir dir;
    const Surface s = sampleSurface();
    const Surface v = s.crop(1, 2, 3, 4);
    writeX3p(v, (dir / "v.x3p").string());
    const X3pFile back = readX3p((dir / "v.x3p").string());
    EXPECT_EQ(back.surface.rows(), 3);
    EXPECT_EQ(back.surface.cols(), 4);
    EXPECT_DOUBLE_EQ(back.surface.at(2, 3), s.at(3, 5));
}

TEST(X3pRoundTrip, WrittenFileValidatesAgainstTheIsoSchema) {
    STRIAE_REQUIRE_DATA(data);
    const auto xsd = data / "formats/x3ptools/iso5436_2.xsd";
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed";
    striae::test::TempDir dir;
    writeX3p(sampleSurface(), (dir / "s.x3p").string());
    const std::string unzip = "cd '" + dir.path().string() + "' && unzip -q -o s.x3p main.xml";
    ASSERT_EQ(std::system(unzip.c_str()), 0);
    const std::string check = "xmllint --noout --schema '" + xsd.string() + "' '" + (dir / "main.xml").string() + "'";
    EXPECT_EQ(std::system(check.c_str()), 0) << check;
}

TEST(X3pRoundTrip, FailedWriteLeavesNothingBehind) {
    striae::test::TempDir dir;
    EXPECT_THROW(writeX3p(Surface(), (dir / "empty.x3p").string()), X3pError);
    EXPECT_THROW(writeX3p(sampleSurface(), (dir / "no/such/folder/x.x3p").string()), X3pError);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(X3pRoundTrip, OverwriteReplacesTheWholeFile) {
    striae::test::TempDir dir;
    const auto path = (dir / "o.x3p").string();
    writeX3p(sampleSurface(), path);
    writeX3p(sampleSurface().crop(0, 0, 2, 2), path);
    EXPECT_EQ(readX3p(path).surface.cols(), 2);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}
