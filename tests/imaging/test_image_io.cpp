#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <fstream>

#include "TestData.h"
#include "striae/imaging/ImageIO.h"

using namespace striae::imaging;

namespace {
Surface ramp() {
    Surface s(20, 30, 2e-6, 2e-6, 0.0);
    for (int r = 0; r < 20; ++r)
        for (int c = 0; c < 30; ++c) s.set(r, c, 1e-6 * (r - c) / 7.0);
    s.set(3, 4, kMissing);
    return s;
}
}  // namespace

TEST(ImageIO, FloatTiffRoundTripIsExactToSinglePrecision) {
    striae::test::TempDir dir;
    const auto path = (dir / "h.tif").string();
    const auto scale = writeImage(ramp(), path);
    EXPECT_TRUE(scale.exact);
    ImageImportOptions o;
    o.spacingX = 2e-6;
    const Surface back = readImage(path, o);
    EXPECT_EQ(back.rows(), 20);
    EXPECT_FALSE(back.isValid(3, 4));
    EXPECT_NEAR(back.at(10, 2), ramp().at(10, 2), 1e-12);
}

TEST(ImageIO, SixteenBitPngRoundTripWithinOneGreyLevel) {
    striae::test::TempDir dir;
    const auto path = (dir / "h.png").string();
    const auto scale = writeImage(ramp(), path);
    EXPECT_FALSE(scale.exact);
    ImageImportOptions o;
    o.spacingX = 2e-6;
    o.zScale = scale.zScale;
    o.zOffset = scale.zOffset - scale.zScale;  // grey level 1 is the minimum
    const Surface back = readImage(path, o);
    EXPECT_FALSE(back.isValid(3, 4)) << "grey level 0 is missing";
    EXPECT_NEAR(back.at(15, 9), ramp().at(15, 9), scale.zScale);
    EXPECT_EQ(back.validCount(), ramp().validCount());
}

TEST(ImageIO, EightBitHeightMapNeedsAScale) {
    striae::test::TempDir dir;
    cv::Mat grey(10, 12, CV_8U, cv::Scalar(100));
    grey.at<unsigned char>(2, 2) = 0;
    cv::imwrite((dir / "g.png").string(), grey);
    ImageImportOptions o;
    o.spacingX = 1e-6;
    EXPECT_THROW(readImage((dir / "g.png").string(), o), ImageError);
    o.zScale = 0.1e-6;
    const Surface s = readImage((dir / "g.png").string(), o);
    EXPECT_NEAR(s.at(5, 5), 10e-6, 1e-12);
    EXPECT_FALSE(s.isValid(2, 2));
    EXPECT_EQ(s.history().back().name, "import_height_map");
}

TEST(ImageIO, PhotographsAreGreyLevelsAndColourIsConverted) {
    striae::test::TempDir dir;
    cv::Mat colour(8, 8, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::imwrite((dir / "c.png").string(), colour);
    ImageImportOptions o;
    o.spacingX = 1e-6;
    o.zScale = 1e-6;
    try {
        readImage((dir / "c.png").string(), o);
        ADD_FAILURE() << "a colour image is not a height map";
    } catch (const ImageError& e) {
        EXPECT_NE(std::string(e.what()).find("colour image is not a height map"), std::string::npos);
    }
    o.photograph = true;
    const Surface p = readImage((dir / "c.png").string(), o);
    EXPECT_NEAR(p.at(1, 1), 1.0, 1e-9);
    EXPECT_EQ(p.metadata().featureType, "IMG");
}

TEST(ImageIO, BadFilesGetClearErrors) {
    striae::test::TempDir dir;
    std::ofstream(dir / "junk.png") << "not an image";
    ImageImportOptions o;
    o.spacingX = 1e-6;
    o.zScale = 1e-6;
    EXPECT_THROW(readImage((dir / "junk.png").string(), o), ImageError);
    EXPECT_THROW(readImage((dir / "missing.png").string(), o), ImageError);
    EXPECT_THROW(writeImage(ramp(), (dir / "x.bmp").string()), ImageError);
    o.spacingX = 0;
    EXPECT_THROW(readImage((dir / "junk.png").string(), o), ImageError);
}
