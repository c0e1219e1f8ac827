#include <gtest/gtest.h>

#include <cmath>

#include "striae/imaging/Surface.h"

using namespace striae::imaging;

TEST(Surface, SizeSpacingAndFill) {
    Surface s(3, 5, 2e-6, 3e-6, 1.5);
    EXPECT_EQ(s.rows(), 3);
    EXPECT_EQ(s.cols(), 5);
    EXPECT_EQ(s.size(), 15u);
    EXPECT_DOUBLE_EQ(s.spacingX(), 2e-6);
    EXPECT_DOUBLE_EQ(s.spacingY(), 3e-6);
    EXPECT_DOUBLE_EQ(s.at(2, 4), 1.5);
    EXPECT_EQ(s.validCount(), 15u);
}

TEST(Surface, MissingPointsAreNotValid) {
    Surface s(2, 2, 1, 1, 0.0);
    s.set(0, 1, kMissing);
    EXPECT_FALSE(s.isValid(0, 1));
    EXPECT_TRUE(s.isValid(1, 1));
    EXPECT_EQ(s.validCount(), 3u);
    EXPECT_DOUBLE_EQ(s.validFraction(), 0.75);
}

TEST(Surface, HeightRangeIgnoresMissing) {
    Surface s(1, 4, 1, 1);
    s.set(0, 0, -2.0);
    s.set(0, 2, 5.0);
    const auto r = s.heightRange();
    EXPECT_DOUBLE_EQ(r.min, -2.0);
    EXPECT_DOUBLE_EQ(r.max, 5.0);
    const auto none = Surface(2, 2, 1, 1).heightRange();
    EXPECT_TRUE(std::isnan(none.min));
}

TEST(Surface, CropIsAViewThatSharesDataAndKeepsItsPlace) {
    Surface s(10, 10, 1e-6, 2e-6, 0.0);
    for (int r = 0; r < 10; ++r)
        for (int c = 0; c < 10; ++c) s.set(r, c, r * 10 + c);
    const Surface v = s.crop(2, 3, 4, 5);
    EXPECT_TRUE(v.sharesDataWith(s));
    EXPECT_EQ(v.rows(), 4);
    EXPECT_EQ(v.cols(), 5);
    EXPECT_DOUBLE_EQ(v.at(0, 0), 23);
    EXPECT_DOUBLE_EQ(v.at(3, 4), 57);
    EXPECT_DOUBLE_EQ(v.originX(), 3e-6);
    EXPECT_DOUBLE_EQ(v.originY(), 4e-6);
}

TEST(Surface, WritingAViewDetachesAndLeavesTheOriginal) {
    Surface s(4, 4, 1, 1, 1.0);
    Surface v = s.crop(1, 1, 2, 2);
    v.set(0, 0, 9.0);
    EXPECT_FALSE(v.sharesDataWith(s));
    EXPECT_DOUBLE_EQ(v.at(0, 0), 9.0);
    EXPECT_DOUBLE_EQ(s.at(1, 1), 1.0);
}

TEST(Surface, CropIsClippedToTheSurface) {
    Surface s(5, 5, 1, 1, 0.0);
    const Surface v = s.crop(3, 3, 10, 10);
    EXPECT_EQ(v.rows(), 2);
    EXPECT_EQ(v.cols(), 2);
    EXPECT_TRUE(s.crop(9, 9, 3, 3).empty());
}

TEST(Surface, RejectsNonPositiveSpacing) {
    Surface s(1, 1, 1, 1);
    EXPECT_THROW(s.setSpacing(0, 1), std::invalid_argument);
    EXPECT_THROW(s.setSpacing(1, std::nan("")), std::invalid_argument);
}

TEST(Surface, ProfileAlongALineInterpolatesAndMarksMissing) {
    Surface s(20, 30, 2e-6, 2e-6, 0.0);
    for (int r = 0; r < 20; ++r)
        for (int c = 0; c < 30; ++c) s.set(r, c, c * 1e-7);
    const auto p = profileAlong(s, 0, 5, 20, 5, 41);
    ASSERT_EQ(p.size(), 41u);
    EXPECT_DOUBLE_EQ(p.front().distance, 0);
    EXPECT_NEAR(p.back().distance, 40e-6, 1e-12);
    EXPECT_NEAR(p[20].height, 10 * 1e-7, 1e-15);
    EXPECT_NEAR(p[21].height, 10.5 * 1e-7, 1e-15) << "between pixels, interpolated";
    s.set(5, 15, kMissing);
    const auto q = profileAlong(s, 0, 5, 20, 5, 41);
    EXPECT_TRUE(std::isnan(q[30].height));
    EXPECT_TRUE(std::isnan(profileAlong(s, -5, 5, -1, 5, 3)[1].height)) << "outside the surface";
    EXPECT_THROW(profileAlong(s, 0, 0, 1, 1, 1), std::invalid_argument);
}
