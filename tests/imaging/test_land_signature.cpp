// Land signatures on synthetic lands whose striae, tilt and grooves are known.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <opencv2/imgproc.hpp>

#include "SyntheticLand.h"
#include "striae/imaging/LandSignature.h"

using namespace striae;
namespace profile = striae::imaging::profile;

namespace {

// The true striae over the land, band-passed like a signature.
std::vector<double> trueSignature(const imaging::LandSignature& s, const std::function<double(double)>& striae) {
    std::vector<double> t(s.signature.size(), std::nan(""));
    for (std::size_t i = 0; i < t.size(); ++i)
        if (!std::isnan(s.signature[i])) t[i] = striae(double(i) * s.spacingUm);
    return t;
}

}  // namespace

TEST(LandSignature, RecoversStriaeGroovesAndTiltOfASyntheticLand) {
    for (double tilt : {0.0, 2.5, -4.0}) {
        test::SyntheticLandOptions o;
        o.tiltDeg = tilt;
        const auto striae = test::randomStriae(5);
        const auto land = test::syntheticLand(o, striae);
        const auto s = imaging::extractLandSignature(land);
        EXPECT_NEAR(s.tiltDeg, tilt, 0.3) << "tilt " << tilt;
        EXPECT_NEAR(s.grooveLeftUm, o.grooveLeftUm, 30) << "tilt " << tilt;
        EXPECT_NEAR(s.grooveRightUm, o.grooveRightUm, 30) << "tilt " << tilt;
        const int valid = s.lastValid() - s.firstValid();
        EXPECT_GT(valid * s.spacingUm, 0.9 * (o.grooveRightUm - o.grooveLeftUm - 40)) << "most of the land is kept";
        // The crosscut runs at the row it reports; the signature is the striae there.
        const double atRow = s.crosscutUm * std::tan(tilt * M_PI / 180);
        auto shifted = [&](double x) { return striae(x - atRow); };
        EXPECT_GT(profile::correlation(s.signature, trueSignature(s, shifted)), 0.9) << "tilt " << tilt;
    }
}

TEST(LandSignature, AnotherLandsStriaeDoNotCorrelate) {
    test::SyntheticLandOptions o;
    const auto s = imaging::extractLandSignature(test::syntheticLand(o, test::randomStriae(5)));
    EXPECT_LT(std::abs(profile::correlation(s.signature, trueSignature(s, test::randomStriae(6)))), 0.3);
}

TEST(LandSignature, DamagedRowsAreLeftOutOfTheAverage) {
    test::SyntheticLandOptions o;
    const auto striae = test::randomStriae(8);
    auto land = test::syntheticLand(o, striae);
    // Damage over the last third: a 3 µm pattern across the striae that changes along y.
    for (int r = 200; r < o.rows; ++r)
        for (int c = 0; c < o.cols; ++c) {
            const double x = c * o.spacingUm, y = r * o.spacingUm;
            land.set(r, c, land.at(r, c) + 3e-6 * std::sin(2 * M_PI * x / 70 + 2 * M_PI * y / 90));
        }
    const auto s = imaging::extractLandSignature(land);
    // Rows 0-199 are clean (0-400 µm): the slices kept are there, not the whole 600 µm.
    EXPECT_LT(s.crosscutUm, 250) << "the stable part is above the debris";
    EXPECT_LE(s.bandUm, 450);
    EXPECT_GT(profile::correlation(s.signature, trueSignature(s, striae)), 0.9);
}

TEST(LandSignature, GivenGroovesAndCrosscutAreUsed) {
    test::SyntheticLandOptions o;
    imaging::LandOptions options;
    options.grooveLeftUm = 400;
    options.grooveRightUm = 1200;
    options.crosscutUm = 100;
    const auto s = imaging::extractLandSignature(test::syntheticLand(o, test::randomStriae(2)), options);
    EXPECT_DOUBLE_EQ(s.grooveLeftUm, 400);
    EXPECT_DOUBLE_EQ(s.grooveRightUm, 1200);
    EXPECT_NEAR(s.crosscutUm, 100, o.spacingUm);
    EXPECT_GE(s.firstValid() * s.spacingUm, 400);
    EXPECT_LE(s.lastValid() * s.spacingUm, 1200);
}

TEST(LandSignature, BadScansAreRefusedWithTheReason) {
    try {
        imaging::extractLandSignature(imaging::Surface(5, 50, 2e-6, 2e-6, 0.0));
        FAIL() << "a 50 x 5 scan was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("too small"), std::string::npos) << e.what();
    }
    try {
        imaging::extractLandSignature(imaging::Surface(100, 500, 2e-6, 2e-6));  // all missing
        FAIL() << "an empty scan was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("valid points"), std::string::npos) << e.what();
    }
}

TEST(LandProfile, GaussianFilterHalvesASineAtItsCutoff) {
    const double spacing = 1.0, cutoff = 80;
    std::vector<double> z(4000);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = std::sin(2 * M_PI * double(i) / cutoff);
    const auto low = profile::gaussianLowPass(z, cutoff, spacing);
    double peak = 0;
    for (std::size_t i = 1000; i < 3000; ++i) peak = std::max(peak, std::abs(low[i]));
    EXPECT_NEAR(peak, 0.5, 0.02);  // ISO 16610-21: 50 % transmission at the cutoff
    // Missing values do not pull the smooth towards zero.
    std::vector<double> flat(200, 3.0);
    for (int i = 50; i < 80; ++i) flat[std::size_t(i)] = std::nan("");
    const auto smooth = profile::gaussianLowPass(flat, 20, 1.0);
    EXPECT_NEAR(smooth[49], 3.0, 1e-12);
    EXPECT_TRUE(std::isnan(smooth[60]));
}

TEST(LandProfile, RobustFitIgnoresSpikes) {
    std::vector<double> z(500);
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double x = double(i);
        z[i] = 0.001 * (x - 250) * (x - 250) - 3;
        if (i % 10 == 0) z[i] += 40;  // 10 % outliers
    }
    const auto fit = profile::robustPolynomial(z, 0, 500, 2);
    for (std::size_t i = 1; i < z.size(); i += 37) EXPECT_NEAR(fit[i], 0.001 * (double(i) - 250) * (double(i) - 250) - 3, 1e-3);
}

// A surface without striae cannot tell which way they run: refused with the
// reason, unless the direction is stated.
TEST(LandSignature, AnIsotropicSurfaceIsRefusedUnlessTheDirectionIsStated) {
    imaging::Surface s(200, 400, 2e-6, 2e-6);
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0, 0.3e-6);
    cv::Mat white(200, 400, CV_64F);
    for (int r = 0; r < 200; ++r)
        for (int c = 0; c < 400; ++c) white.at<double>(r, c) = noise(rng);
    cv::GaussianBlur(white, white, {0, 0}, 3);
    for (int r = 0; r < 200; ++r)
        for (int c = 0; c < 400; ++c) s.set(r, c, white.at<double>(r, c) - 1e-9 * (c - 200) * (c - 200));
    try {
        (void)imaging::extractLandSignature(s);
        ADD_FAILURE() << "an isotropic surface was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("cannot tell which way the striae run"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("--striae"), std::string::npos);
    }
    imaging::LandOptions stated;
    stated.striae = imaging::LandOptions::Striae::AlongY;
    const auto sig = imaging::extractLandSignature(s, stated);
    EXPECT_NE(sig.orientation.find("(stated)"), std::string::npos);
}
