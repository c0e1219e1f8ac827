// Rendering tests (label "render", under Xvfb): the 3D view against baseline
// PNGs with a tolerance. On failure the actual image and a diff image are
// written next to the test binary. STRIAE_UPDATE_BASELINES=1 rewrites baselines.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/viewer3d/SurfaceScene.h"

using namespace striae;
namespace fs = std::filesystem;

namespace {

imaging::Surface sample() {
    imaging::SynthOptions o;
    o.sizePx = 200;
    o.seed = 31;
    return imaging::synthesizeShot(o, 1, 1);
}

cv::Mat toMat(const std::vector<unsigned char>& rgb, int w, int h) {
    cv::Mat m(h, w, CV_8UC3, const_cast<unsigned char*>(rgb.data()));
    cv::Mat bgr;
    cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

void expectMatchesBaseline(const cv::Mat& actual, const std::string& name) {
    const fs::path baseline = fs::path(STRIAE_BASELINES) / (name + ".png");
    if (std::getenv("STRIAE_UPDATE_BASELINES")) cv::imwrite(baseline.string(), actual);
    const cv::Mat expected = cv::imread(baseline.string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(expected.empty()) << "no baseline " << baseline << " (STRIAE_UPDATE_BASELINES=1 writes it)";
    ASSERT_EQ(expected.size(), actual.size());
    cv::Mat diff;
    cv::absdiff(expected, actual, diff);
    const double meanDiff = cv::mean(diff).val[0] + cv::mean(diff).val[1] + cv::mean(diff).val[2];
    cv::Mat channelMax;
    cv::transform(diff, channelMax, cv::Matx13f(1, 1, 1));
    const double farOff = double(cv::countNonZero(channelMax > 60)) / double(diff.total());
    if (meanDiff > 6 || farOff > 0.02) {
        const fs::path out = fs::current_path();
        cv::imwrite((out / (name + ".actual.png")).string(), actual);
        cv::imwrite((out / (name + ".diff.png")).string(), diff * 4);
        ADD_FAILURE() << name << ": mean difference " << meanDiff << ", pixels far off " << farOff * 100 << " %; wrote "
                      << (out / (name + ".actual.png")) << " and the diff";
    }
}

bool haveDisplay() { return std::getenv("DISPLAY") && *std::getenv("DISPLAY"); }

}  // namespace

TEST(SurfaceScene, TheDefaultViewIsGreyAndLit) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display (scripts/test runs this under Xvfb)";
    viewer3d::SurfaceScene scene(sample());
    EXPECT_FALSE(scene.settings().falseColour);
    const cv::Mat image = toMat(scene.renderToImage(480, 360), 480, 360);
    cv::Mat hsv;
    cv::cvtColor(image, hsv, cv::COLOR_BGR2HSV);
    cv::Scalar mean, sd;
    cv::meanStdDev(hsv(cv::Rect(170, 110, 60, 40)), mean, sd);  // on the surface, off the firing pin
    EXPECT_LT(mean.val[1], 25) << "grey: little saturation";
    EXPECT_GT(sd.val[2], 15) << "lit: the shading varies";
}

TEST(SurfaceScene, FalseColourViewMatchesItsBaseline) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display (scripts/test runs this under Xvfb)";
    viewer3d::SurfaceScene scene(sample());
    scene.setFalseColour(true);
    const auto rgb = scene.renderToImage(480, 360);
    const cv::Mat image = toMat(rgb, 480, 360);
    cv::Scalar mean, sd;
    cv::meanStdDev(image, mean, sd);
    EXPECT_GT(sd.val[0] + sd.val[1] + sd.val[2], 20) << "not a blank image";
    // Viridis, not a rainbow: no saturated reds anywhere.
    int red = 0;
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const cv::Vec3b p = image.at<cv::Vec3b>(y, x);
            red += p[2] > 180 && p[1] < 90 && p[0] < 90;
        }
    EXPECT_LT(red, 20);
    // The colour bar has its own strip: the surface (lit, varied) stays left of it.
    const int strip = int(480 * 0.86);
    cv::Scalar stripMean, stripSd;
    cv::meanStdDev(image(cv::Rect(strip - 12, 0, 10, 360)), stripMean, stripSd);
    EXPECT_LT(stripSd.val[0] + stripSd.val[1] + stripSd.val[2], 6) << "background just left of the bar's strip: the bar is not over the surface";
    expectMatchesBaseline(image, "synthetic-false-colour");
}

TEST(SurfaceScene, TwoScenesCanShareOneHeightRange) {
    imaging::SynthOptions o;
    o.sizePx = 120;
    viewer3d::SurfaceScene a(imaging::synthesizeShot(o, 1, 1)), b(imaging::synthesizeShot(o, 2, 1));
    const auto [la, ha] = a.heightRange();
    const auto [lb, hb] = b.heightRange();
    EXPECT_LT(la, ha);
    a.setHeightRange(std::min(la, lb), std::max(ha, hb));
    b.setHeightRange(std::min(la, lb), std::max(ha, hb));
    EXPECT_EQ(a.heightRange(), b.heightRange());
}

TEST(SurfaceScene, RakingLightIsGreyAndMovesTheShading) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display";
    viewer3d::SurfaceScene scene(sample());
    scene.setFalseColour(false);
    scene.setLight(0, 15);
    const cv::Mat fromEast = toMat(scene.renderToImage(320, 240), 320, 240);
    scene.setLight(180, 15);
    const cv::Mat fromWest = toMat(scene.renderToImage(320, 240), 320, 240);
    cv::Mat diff;
    cv::absdiff(fromEast, fromWest, diff);
    EXPECT_GT(cv::mean(diff).val[0], 2.0) << "moving the light changes the shading";
    expectMatchesBaseline(fromEast, "synthetic-raking-light");
}

TEST(SurfaceScene, LevelOfDetailKeepsLargeScansWithinBudget) {
    imaging::Surface big(2000, 2000, 3e-6, 3e-6, 0.0);  // 4 million points
    for (int r = 0; r < big.rows(); ++r) {
        double* row = big.mutableRow(r);
        for (int c = 0; c < big.cols(); ++c) row[c] = 1e-6 * std::sin(r * 0.01) * std::cos(c * 0.013);
    }
    viewer3d::ViewSettings settings;
    settings.maxPoints = 250000;
    viewer3d::SurfaceScene scene(big, settings);
    EXPECT_EQ(scene.levelOfDetailStep(), 4);
    EXPECT_LE(scene.displayedPoints(), 250000u);
    EXPECT_GT(scene.displayedPoints(), 100000u);
}

TEST(SurfaceScene, WhileTheCameraMovesACoarserMeshIsDrawnThatLooksTheSame) {
    if (!haveDisplay()) GTEST_SKIP() << "no display";
    imaging::Surface big(1200, 1200, 3e-6, 3e-6, 0.0);  // 1.44 million points
    for (int r = 0; r < big.rows(); ++r) {
        double* row = big.mutableRow(r);
        for (int c = 0; c < big.cols(); ++c) row[c] = 1e-6 * std::sin(r * 0.01) * std::cos(c * 0.013);
    }
    viewer3d::SurfaceScene scene(big, viewer3d::ViewSettings{});
    EXPECT_EQ(scene.displayedPoints(), 360000u) << "1M budget: step 2";
    EXPECT_LE(scene.interactivePointCount(), 250000u);
    EXPECT_GT(scene.interactivePointCount(), 100000u);
    const auto still = toMat(scene.renderToImage(320, 240), 320, 240);
    scene.setInteracting(true);
    EXPECT_TRUE(scene.interacting());
    const auto moving = toMat(scene.renderToImage(320, 240), 320, 240);
    scene.setInteracting(false);
    EXPECT_FALSE(scene.interacting());
    cv::Mat diff;
    cv::absdiff(still, moving, diff);
    const auto m = cv::mean(diff);
    EXPECT_LT(m.val[0] + m.val[1] + m.val[2], 6) << "the coarse mesh shows the same surface";
    // A small scan has no coarse mesh: interacting changes nothing.
    viewer3d::SurfaceScene small(sample(), viewer3d::ViewSettings{});
    small.setInteracting(true);
    EXPECT_FALSE(small.interacting());
    EXPECT_EQ(small.interactivePointCount(), small.displayedPoints());
}

TEST(SurfaceScene, RefusesAnEmptySurface) {
    EXPECT_THROW(viewer3d::SurfaceScene(imaging::Surface(10, 10, 1e-6, 1e-6)), std::invalid_argument);
}

TEST(SurfaceScene, SplitViewShowsTheReferenceLeftAndTheOtherRight) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display";
    imaging::SynthOptions o;
    o.sizePx = 200;
    o.seed = 31;
    viewer3d::SurfaceScene left(imaging::synthesizeShot(o, 1, 1));
    viewer3d::SurfaceScene right(imaging::synthesizeShot(o, 2, 1));
    const cv::Mat alone = toMat(left.renderToImage(320, 240), 320, 240);
    left.splitWith(right, left.widthMicrometres() / 2);
    const cv::Mat split = toMat(left.renderToImage(320, 240), 320, 240);
    cv::Mat diff;
    cv::absdiff(alone, split, diff);
    cv::Mat grey;
    cv::cvtColor(diff, grey, cv::COLOR_BGR2GRAY);
    // The left part is the same surface; the right part now shows the other one.
    const double leftChange = cv::mean(grey(cv::Rect(40, 40, 80, 160))).val[0];
    const double rightChange = cv::mean(grey(cv::Rect(170, 40, 80, 160))).val[0];
    EXPECT_LT(leftChange, 3.0);
    EXPECT_GT(rightChange, 10.0);
    left.clearSplit();
    const cv::Mat back = toMat(left.renderToImage(320, 240), 320, 240);
    cv::absdiff(alone, back, diff);
    EXPECT_LT(cv::mean(diff).val[0], 1.0) << "clearing the split restores the single surface";
}

// As the comparison view does it: the compared scan placed by a registration
// (rotation and shift) and sharing the reference's camera; it must still be
// drawn right of the line.
TEST(SurfaceScene, SplitViewShowsTheRegisteredComparedScanRightOfTheLine) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display";
    imaging::SynthOptions o;
    o.sizePx = 200;
    o.seed = 31;
    viewer3d::SurfaceScene left(imaging::synthesizeShot(o, 1, 1));
    viewer3d::SurfaceScene right(imaging::synthesizeShot(o, 2, 1));
    left.shareCameraWith(right);
    right.setRegistration(7.5, 6, -4);
    const cv::Mat alone = toMat(left.renderToImage(320, 240), 320, 240);
    left.splitWith(right, left.widthMicrometres() / 2);
    const cv::Mat split = toMat(left.renderToImage(320, 240), 320, 240);
    cv::imwrite("/tmp/split-registered.png", split);
    cv::Mat diff, grey;
    cv::absdiff(alone, split, diff);
    cv::cvtColor(diff, grey, cv::COLOR_BGR2GRAY);
    EXPECT_LT(cv::mean(grey(cv::Rect(40, 40, 80, 160))).val[0], 3.0) << "left of the line: the reference";
    EXPECT_GT(cv::mean(grey(cv::Rect(170, 40, 80, 160))).val[0], 10.0) << "right of the line: the compared scan";
}

// Metrology: the scale bar's drawn length agrees with the surface's own size on screen.
TEST(SurfaceScene, TheScaleBarMeasuresWhatIsShown) {
    if (!haveDisplay()) GTEST_SKIP() << "rendering needs an X display";
    imaging::Surface flat(100, 200, 5e-6, 5e-6, 0.0);  // 1000 × 500 µm, flat: a plain grey rectangle
    viewer3d::SurfaceScene scene(flat);
    const int w = 480, h = 360;
    const cv::Mat image = toMat(scene.renderToImage(w, h), w, h);
    cv::Mat grey;
    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    // The rectangle's width in pixels along the middle row (the background is dark).
    int left = -1, right = -1;
    for (int x = 0; x < w; ++x)
        if (grey.at<unsigned char>(h / 2, x) > 80) {
            if (left < 0) left = x;
            right = x;
        }
    ASSERT_GT(right - left, 50);
    const double umPerPixel = 1000.0 / (right - left + 1);
    // The bar: the white line 22 pixels above the bottom edge.
    const int row = h - 1 - 22;
    int b0 = -1, b1 = -1;
    for (int x = 0; x < w / 2; ++x)
        if (grey.at<unsigned char>(row, x) > 200) {
            if (b0 < 0) b0 = x;
            b1 = x;
        }
    ASSERT_GT(b1 - b0, 10) << "a scale bar is drawn";
    const double shown = scene.scaleBarMicrometres();
    EXPECT_GT(shown, 0);
    EXPECT_NEAR((b1 - b0) * umPerPixel, shown, shown * 0.08) << "the bar is " << shown << " µm long on screen";
}
