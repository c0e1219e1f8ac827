// CMC on synthetic surfaces with known answers.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <random>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/Synthetic.h"
#include "striae/matching/Cmc.h"

using namespace striae;
using matching::CmcParameters;

namespace {

imaging::Surface texture(int size, std::uint64_t seed, int firearm = 1) {
    imaging::SynthOptions o;
    o.sizePx = size;
    o.seed = seed;
    o.maxRotationDeg = 0;
    o.maxShiftPx = 0;
    o.noiseLevel = 0.05;
    o.missingRegions = 0;
    return imaging::synthesizeShot(o, firearm, 1);
}

// B = A rotated by `angle` (OpenCV's sense) about the centre, then shifted by (tx, ty) pixels.
imaging::Surface transformed(const imaging::Surface& a, double angle, double tx, double ty) {
    cv::Mat src(a.rows(), a.cols(), CV_64F);
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c) src.at<double>(r, c) = a.at(r, c);
    cv::Mat m = cv::getRotationMatrix2D(cv::Point2f((a.cols() - 1) / 2.0f, (a.rows() - 1) / 2.0f), angle, 1.0);
    m.at<double>(0, 2) += tx;
    m.at<double>(1, 2) += ty;
    cv::Mat dst;
    cv::warpAffine(src, dst, m, src.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(std::nan("")));
    imaging::Surface b(a.rows(), a.cols(), a.spacingX(), a.spacingY());
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c) b.set(r, c, dst.at<double>(r, c));
    return b;
}

}  // namespace

TEST(CmcSynthetic, IdenticalSurfacesMakeEveryUsedCellCongruent) {
    const auto a = texture(240, 5);
    const auto r = matching::compareCmc(a, a);
    EXPECT_GT(r.forward.usedCells, 20);
    EXPECT_EQ(r.forward.originalCount, r.forward.usedCells);
    EXPECT_EQ(r.originalCount, r.forward.usedCells);
    EXPECT_EQ(r.highCount, r.forward.usedCells);
    EXPECT_DOUBLE_EQ(r.forward.consensus.thetaDeg, 0);
    EXPECT_DOUBLE_EQ(r.forward.consensus.dx, 0);
    for (const auto& c : r.forward.cells)
        if (c.used) {
            EXPECT_GT(c.best.correlation, 0.999);
        }
}

TEST(CmcSynthetic, RecoversAKnownRotationAndShift) {
    const auto a = texture(300, 9);
    // Both signs: the angles after 0 in the grid must see the compared surface unchanged.
    for (const double angle : {9.0, -12.0}) {
        SCOPED_TRACE(angle);
        const double tx = 7, ty = -5;
        const auto b = transformed(a, angle, tx, ty);
        const auto d = matching::compareCmcDirection(a, b, CmcParameters{});
        // Rotating B back by -angle brings A's point p to p + R(-angle)·t.
        cv::Mat back = cv::getRotationMatrix2D(cv::Point2f(0, 0), -angle, 1.0);
        const double ex = back.at<double>(0, 0) * tx + back.at<double>(0, 1) * ty;
        const double ey = back.at<double>(1, 0) * tx + back.at<double>(1, 1) * ty;
        EXPECT_NEAR(d.consensus.thetaDeg, -angle, 3.0);
        EXPECT_NEAR(d.consensus.dx, ex, 1.5);
        EXPECT_NEAR(d.consensus.dy, ey, 1.5);
        EXPECT_GE(d.originalCount, d.usedCells * 3 / 4);
    }
}

TEST(CmcSynthetic, IndependentSurfacesGiveNearZero) {
    const auto a = texture(240, 21, 1), b = texture(240, 21, 2);
    const auto r = matching::compareCmc(a, b);
    EXPECT_LE(r.originalCount, 2);
    EXPECT_LE(r.highCount, 2);
}

TEST(CmcSynthetic, MissingRegionsDoNotBreakTheNormalization) {
    auto a = texture(240, 33);
    // A large hole and scattered dropouts: the used cells still match themselves perfectly.
    for (int r = 60; r < 150; ++r)
        for (int c = 30; c < 200; ++c) a.set(r, c, imaging::kMissing);
    std::mt19937 rng(4);
    for (int i = 0; i < 3000; ++i) a.set(int(rng() % 240), int(rng() % 240), imaging::kMissing);
    const auto d = matching::compareCmcDirection(a, a, CmcParameters{});
    EXPECT_GT(d.usedCells, 10);
    EXPECT_EQ(d.originalCount, d.usedCells);
    for (const auto& c : d.cells) {
        if (!c.used) continue;
        EXPECT_EQ(c.best.dx, 0);
        EXPECT_EQ(c.best.dy, 0);
        EXPECT_GT(c.best.correlation, 0.999);
    }
}

TEST(CmcSynthetic, ShotsOfOneFirearmMatchOthersDoNot) {
    imaging::SynthOptions o;
    o.sizePx = 320;
    o.seed = 77;
    const auto a1 = imaging::synthesizeShot(o, 1, 1), a2 = imaging::synthesizeShot(o, 1, 2);
    const auto b1 = imaging::synthesizeShot(o, 2, 1);
    const int km = matching::compareCmc(a1, a2).originalCount;
    const int knm = matching::compareCmc(a1, b1).originalCount;
    EXPECT_GE(km, 10);
    EXPECT_LE(knm, 3);
}

TEST(CmcParameters, AngleGrid) {
    const auto angles = CmcParameters{}.angles();
    ASSERT_EQ(angles.size(), 21u);
    EXPECT_DOUBLE_EQ(angles.front(), -30);
    EXPECT_DOUBLE_EQ(angles.back(), 30);
}

// Scans at different spacings are compared at the coarser one, and say so.
TEST(CmcSpacing, DifferentSpacingsCompareAtTheCoarser) {
    imaging::SynthOptions o;
    o.sizePx = 360;
    o.spacing = 6.25e-6;
    const imaging::Surface a = imaging::synthesizeShot(o, 1, 1);
    const imaging::Surface sameGun = imaging::resample(imaging::synthesizeShot(o, 1, 2), 8e-6);
    const imaging::Surface otherGun = imaging::resample(imaging::synthesizeShot(o, 2, 1), 8e-6);
    const matching::CmcResult match = matching::compareCmc(a, sameGun);
    EXPECT_TRUE(match.resampled);
    EXPECT_DOUBLE_EQ(match.spacing, 8e-6);
    EXPECT_DOUBLE_EQ(match.referenceSpacing, 6.25e-6);
    EXPECT_DOUBLE_EQ(match.comparedSpacing, 8e-6);
    const matching::CmcResult nonMatch = matching::compareCmc(sameGun, a.clone());
    EXPECT_TRUE(nonMatch.resampled);
    EXPECT_GE(match.originalCount, 6);
    EXPECT_LE(matching::compareCmc(a, otherGun).originalCount, 2);
    EXPECT_FALSE(matching::compareCmc(a, a).resampled);
}

// The second stage registers one preparation of the cells at several angle
// windows: each window's result must be what a comparison at that window
// alone gives, cell by cell.
TEST(CmcWindows, EachWindowEqualsAComparisonAtThatWindowAlone) {
    const auto a = texture(240, 41);
    const auto b = transformed(a, -10, 4, -3);
    CmcParameters p;
    p.gridRows = p.gridCols = 6;
    const std::vector<matching::AngleWindow> windows{{4, 16}, {-30, -24}, {170, 176}};
    const auto together = matching::compareCmcDirectionWindows(a, b, p, windows);
    ASSERT_EQ(together.size(), windows.size());
    for (std::size_t w = 0; w < windows.size(); ++w) {
        SCOPED_TRACE(w);
        CmcParameters alone = p;
        alone.thetaMinDeg = windows[w].minDeg;
        alone.thetaMaxDeg = windows[w].maxDeg;
        const auto single = matching::compareCmcDirection(a, b, alone);
        EXPECT_EQ(together[w].originalCount, single.originalCount);
        EXPECT_EQ(together[w].highCount, single.highCount);
        EXPECT_EQ(together[w].thetaCounts, single.thetaCounts);
        ASSERT_EQ(together[w].cells.size(), single.cells.size());
        for (std::size_t c = 0; c < single.cells.size(); ++c) {
            ASSERT_EQ(together[w].cells[c].byAngle.size(), single.cells[c].byAngle.size());
            for (std::size_t k = 0; k < single.cells[c].byAngle.size(); ++k) {
                const auto& x = together[w].cells[c].byAngle[k];
                const auto& y = single.cells[c].byAngle[k];
                EXPECT_EQ(x.valid, y.valid);
                EXPECT_EQ(x.dx, y.dx);
                EXPECT_EQ(x.dy, y.dy);
                EXPECT_DOUBLE_EQ(x.correlation, y.correlation);
            }
        }
    }
    // The window holding the true rotation (+10°) finds the match, the others do not.
    EXPECT_GE(together[0].originalCount, together[0].usedCells * 3 / 4);
    EXPECT_LE(together[1].originalCount, 3);
}
