// Scores beyond the CMC count, logistic regression, LR calibration, its
// measures (Cllr, PAV, ELUB, ECE, Wilson), cross-validation over firearms and
// the calibration model file.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "striae/imaging/Synthetic.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/matching/CmcFeatures.h"
#include "striae/matching/LikelihoodRatio.h"
#include "striae/matching/LogisticRegression.h"
#include "striae/matching/ScoreValidation.h"

using namespace striae;
using namespace striae::matching;
namespace fs = std::filesystem;

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

double feature(const std::vector<double>& f, const char* name) { return f[std::size_t(cmcFeatureIndex(name))]; }

// A labelled set of `guns` firearms with `shots` each and every pair, whose
// features are drawn so that known matches score higher (but overlap).
std::vector<LabelledComparison> syntheticSet(int guns, int shots, double separation, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0, 1);
    std::vector<std::string> names;
    for (int g = 0; g < guns; ++g)
        for (int s = 0; s < shots; ++s) names.push_back("G" + std::to_string(10 + g) + "-" + std::to_string(s));
    std::vector<LabelledComparison> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j) {
            LabelledComparison c;
            c.reference = names[i];
            c.compared = names[j];
            c.knownMatch = names[i].substr(0, 3) == names[j].substr(0, 3);
            c.features.assign(cmcFeatureNames().size(), 0);
            const double signal = c.knownMatch ? separation : 0;
            for (auto& f : c.features) f = signal + noise(rng);
            c.features[std::size_t(cmcFeatureIndex("cmc_min"))] = std::max(0.0, std::round(3 * (signal + noise(rng))));
            out.push_back(std::move(c));
        }
    return out;
}

}  // namespace

TEST(CmcFeatures, ASurfaceAgainstItselfAgreesEverywhere) {
    const auto a = texture(240, 5);
    const auto f = cmcFeatures(compareCmc(a, a));
    ASSERT_EQ(f.size(), cmcFeatureNames().size());
    EXPECT_GT(feature(f, "cmc_min"), 20);
    EXPECT_EQ(feature(f, "cmc_min"), feature(f, "cmc_max"));
    EXPECT_DOUBLE_EQ(feature(f, "congruent_fraction_min"), 1.0);
    EXPECT_DOUBLE_EQ(feature(f, "cluster_fraction_min"), 1.0);
    EXPECT_DOUBLE_EQ(feature(f, "direction_theta_disagreement"), 0.0);
    EXPECT_DOUBLE_EQ(feature(f, "direction_shift_disagreement"), 0.0);
    EXPECT_GT(feature(f, "ccf_congruent_mean"), 0.999);
}

TEST(CmcFeatures, TheTwoDirectionsOfARotatedShiftedCopyCancel) {
    const auto a = texture(240, 7);
    const auto b = transformed(a, 9, 7, -5);
    const auto r = compareCmc(a, b);
    const auto f = cmcFeatures(r);
    // Forward finds the rotation one way, backward the other: their sum is near 0.
    EXPECT_GT(std::abs(r.forward.consensus.thetaDeg), 5);
    EXPECT_LE(feature(f, "direction_theta_disagreement"), 0.5);   // within 3° (one step)
    EXPECT_LE(feature(f, "direction_shift_disagreement"), 0.25);  // within 5 px of T_x = 20 px
    EXPECT_GT(feature(f, "cluster_fraction_min"), 0.7);
}

TEST(CmcFeatures, IndependentTexturesScatter) {
    const auto f = cmcFeatures(compareCmc(texture(240, 11, 1), texture(240, 12, 2)));
    EXPECT_LE(feature(f, "cmc_min"), 2);
    EXPECT_LT(feature(f, "cluster_fraction_max"), 0.3);
    EXPECT_GT(feature(f, "registration_spread"), 0.5);
    EXPECT_LT(feature(f, "ccf_all_mean"), 0.5);
}

TEST(CmcFeatures, UnknownNameIsRefused) { EXPECT_THROW(cmcFeatureIndex("cmc_sum"), std::invalid_argument); }

TEST(LogisticRegression, RecoversTheLogLikelihoodRatioOfTwoGaussians) {
    // N(2, 1) against N(0, 1): ln LR(x) = 2x - 2, whatever the class sizes.
    std::mt19937 rng(3);
    std::normal_distribution<double> n(0, 1);
    std::vector<std::vector<double>> x;
    std::vector<int> y;
    for (int i = 0; i < 4000; ++i) x.push_back({2 + n(rng)}), y.push_back(1);
    for (int i = 0; i < 16000; ++i) x.push_back({n(rng)}), y.push_back(0);
    const auto m = fitLogisticRegression(x, y, 0);
    EXPECT_NEAR(m.logOdds({1.0}), 0.0, 0.1);
    EXPECT_NEAR(m.logOdds({2.0}) - m.logOdds({1.0}), 2.0, 0.12);
}

TEST(LogisticRegression, StaysFiniteOnCompletelySeparatedClasses) {
    std::vector<std::vector<double>> x = {{0}, {1}, {2}, {20}, {21}, {22}};
    std::vector<int> y = {0, 0, 0, 1, 1, 1};
    const auto m = fitLogisticRegression(x, y, 1.0);
    EXPECT_TRUE(std::isfinite(m.coefficients[0]));
    EXPECT_GT(m.logOdds({21}), 0);
    EXPECT_LT(m.logOdds({1}), 0);
    EXPECT_THROW(fitLogisticRegression(x, {1, 1, 1, 1, 1, 1}, 1.0), std::invalid_argument);
    EXPECT_THROW(fitLogisticRegression({{1}, {1, 2}}, {0, 1}, 1.0), std::invalid_argument);
}

TEST(LikelihoodRatio, CllrOfTheNeutralSystemIsOneBit) {
    EXPECT_DOUBLE_EQ(cllr({0, 0, 0}, {0, 0}), 1.0);
    EXPECT_LT(cllr({6, 6}, {-6, -6}), 1e-5);
    EXPECT_GT(cllr({-2}, {2}), 1.0);  // misleading LRs cost more than none
    EXPECT_DOUBLE_EQ(cllr({INFINITY}, {-INFINITY}), 0.0);
}

TEST(LikelihoodRatio, PavIsTheBestMonotoneCalibration) {
    std::mt19937 rng(5);
    std::normal_distribution<double> n(0, 1);
    std::vector<double> s;
    std::vector<int> y;
    for (int i = 0; i < 300; ++i) s.push_back(1.5 + n(rng)), y.push_back(1);
    for (int i = 0; i < 900; ++i) s.push_back(n(rng)), y.push_back(0);
    const auto c = fitLogisticCalibration(s, y, 0);
    std::vector<double> hp, hd;
    for (std::size_t i = 0; i < s.size(); ++i) (y[i] ? hp : hd).push_back(c.a + c.b * s[i]);
    const double minimum = cllrMin(s, y);
    EXPECT_LT(minimum, cllr(hp, hd));
    EXPECT_GT(minimum, 0.3);  // the classes overlap
    // Separated scores: PAV gives ±inf and a cost of 0.
    EXPECT_DOUBLE_EQ(cllrMin({0, 1, 5, 6}, {0, 0, 1, 1}), 0.0);
    // PAV is monotone in the score.
    const auto lrs = pavLog10Lrs(s, y);
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = 0; j < s.size(); j += 37)
            if (s[i] < s[j]) {
                EXPECT_LE(lrs[i], lrs[j]);
            }
}

TEST(LikelihoodRatio, ElubBoundsOfSeparatedDataAreSetByTheSampleSizes) {
    // 99 known non-matches and 9 known matches, perfectly separated, at LRs far
    // beyond anything 108 pairs could support.
    std::vector<double> hp(9, 8.0), hd(99, -8.0);
    const auto [lower, upper] = elubBoundsLog10(hp, hd);
    EXPECT_NEAR(upper, std::log10(100.0), 0.011);  // one misleading non-match among 100
    EXPECT_NEAR(lower, -std::log10(10.0), 0.011);
    // Misleading evidence narrows them.
    hd[0] = 8.0;
    EXPECT_LT(elubBoundsLog10(hp, hd).second, upper);
}

TEST(LikelihoodRatio, EstimateIsClippedAndCarriesItsInterval) {
    LrCalibration c;
    c.a = -1;
    c.b = 0.5;
    c.lowerBoundLog10 = -2;
    c.upperBoundLog10 = 3;
    c.bootstrap = {{-1.2, 0.45}, {-0.8, 0.55}, {-1.0, 0.5}, {-1.1, 0.52}};
    const auto mid = c.estimate(4);  // 1.0
    EXPECT_DOUBLE_EQ(mid.log10Lr, 1.0);
    EXPECT_LT(mid.lowerLog10, 1.0);
    EXPECT_GT(mid.upperLog10, 1.0);
    const auto high = c.estimate(20);
    EXPECT_DOUBLE_EQ(high.log10Lr, 3.0);
    EXPECT_TRUE(high.atUpperBound);
    EXPECT_LE(high.upperLog10, 3.0);
    EXPECT_TRUE(c.estimate(-20).atLowerBound);
}

TEST(LikelihoodRatio, EmpiricalCrossEntropyOfTheNeutralSystemIsThePriorEntropy) {
    const double prior = 1 / (1 + std::pow(10.0, -1.0));
    const double entropy = -prior * std::log2(prior) - (1 - prior) * std::log2(1 - prior);
    EXPECT_NEAR(empiricalCrossEntropy({0, 0}, {0, 0, 0}, 1.0), entropy, 1e-12);
    EXPECT_NEAR(empiricalCrossEntropy({0}, {0}, 0.0), 1.0, 1e-12);  // equals Cllr at even odds
    EXPECT_NEAR(empiricalCrossEntropy({1.5, 2}, {-1, -3}, 0.0), cllr({1.5, 2}, {-1, -3}), 1e-12);
}

TEST(LikelihoodRatio, WilsonIntervalsMatchTheTextbook) {
    const auto none = wilsonInterval(0, 100);
    EXPECT_DOUBLE_EQ(none.rate, 0);
    EXPECT_DOUBLE_EQ(none.lower, 0);
    EXPECT_NEAR(none.upper, 0.0370, 0.0005);
    const auto some = wilsonInterval(5, 100);
    EXPECT_NEAR(some.lower, 0.0215, 0.0005);
    EXPECT_NEAR(some.upper, 0.1118, 0.0005);
}

TEST(ScoreValidation, FirearmsAreTheComponentsOfTheKnownMatches) {
    const auto set = syntheticSet(4, 3, 2, 1);
    const auto firearms = firearmsFromKnownMatches(set);
    EXPECT_EQ(firearms.size(), 12u);
    std::set<int> ids;
    for (const auto& [name, f] : firearms) {
        ids.insert(f);
        EXPECT_EQ(f, firearms.at(name.substr(0, 3) + "-0"));
    }
    EXPECT_EQ(ids.size(), 4u);
    auto contradictory = set;
    contradictory.push_back({"G10-0", "G10-1", false, set[0].features});
    EXPECT_THROW(firearmsFromKnownMatches(contradictory), std::invalid_argument);
}

TEST(ScoreValidation, CrossValidationHoldsOutBothFirearmsOfEveryPair) {
    const auto set = syntheticSet(6, 4, 1.5, 2);
    const auto firearms = firearmsFromKnownMatches(set);
    ValidationOptions options;
    const auto cv = crossValidate(ScoreKind::Logistic, set, firearms, options);
    EXPECT_EQ(cv.folds, 6 + 15);
    // A pair's out-of-fold score equals that of a model fitted without its firearms.
    for (std::size_t i : {0u, 7u, 100u, 250u}) {
        std::vector<std::size_t> train;
        for (std::size_t j = 0; j < set.size(); ++j) {
            const int a = firearms.at(set[j].reference), b = firearms.at(set[j].compared);
            if (a != cv.firearmA[i] && a != cv.firearmB[i] && b != cv.firearmA[i] && b != cv.firearmB[i]) train.push_back(j);
        }
        const auto model = fitScoreModel(ScoreKind::Logistic, set, train, options);
        EXPECT_DOUBLE_EQ(cv.scores[i], model.score(set[i].features)) << i;
    }
    const auto s = summarize(cv, set, {0}, {0, 2});
    EXPECT_GT(s.auc, 0.8);
    EXPECT_LT(s.cllr, 1.0);
    EXPECT_GE(s.cllr, s.cllrMin - 1e-9);
    ASSERT_EQ(s.errorRates.size(), 3u);
    EXPECT_EQ(s.errorRates[1].rule, "LR >= 1");
    EXPECT_EQ(s.errorRates[1].falsePositive.trials, int(set.size()) - 6 * 6);
}

TEST(ScoreValidation, TheLogisticScoreUsesMoreThanTheCount) {
    // The count is noise here; the other features carry the signal.
    auto set = syntheticSet(6, 4, 2.0, 3);
    std::mt19937 rng(9);
    std::poisson_distribution<int> counts(2);
    for (auto& c : set) c.features[std::size_t(cmcFeatureIndex("cmc_min"))] = counts(rng);
    const auto firearms = firearmsFromKnownMatches(set);
    ValidationOptions options;
    const auto count = summarize(crossValidate(ScoreKind::CmcCount, set, firearms, options), set, {}, {0});
    const auto logistic = summarize(crossValidate(ScoreKind::Logistic, set, firearms, options), set, {}, {0});
    EXPECT_LT(count.auc, 0.6);
    EXPECT_GT(logistic.auc, 0.95);
    EXPECT_LT(logistic.cllr, count.cllr);
}

class CalibrationModelFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("striae-calibration-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        const auto set = syntheticSet(6, 3, 2, 4);
        const auto firearms = firearmsFromKnownMatches(set);
        ValidationOptions options;
        options.bootstrapRounds = 20;
        std::vector<std::size_t> all(set.size());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
        model.name = "test";
        model.created = "2026-12-02T00:00:00Z";
        model.software = "striae test";
        model.score = fitScoreModel(ScoreKind::Logistic, set, all, options);
        model.calibration = fitFinalCalibration(outOfFoldScores(ScoreKind::Logistic, set, all, firearms, options), set, firearms, options);
        const auto cv = crossValidate(ScoreKind::Logistic, set, firearms, options);
        model.validation.score = summarize(cv, set, {}, {0});
        model.validation.count = model.validation.score;
        model.validation.scheme = "test";
        model.validation.knownMatchLog10Lrs = {1, 2};
        model.validation.knownNonMatchLog10Lrs = {-1};
        path = (dir / "model.json").string();
        writeCalibrationModel(model, path);
    }
    void TearDown() override { fs::remove_all(dir); }
    std::string text() const {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void write(const std::string& t) const { std::ofstream(path, std::ios::trunc) << t; }
    fs::path dir;
    std::string path;
    CalibrationModel model;
};

TEST_F(CalibrationModelFile, RoundTripsAndGivesTheSameLikelihoodRatios) {
    EXPECT_EQ(model.id.size(), 16u);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    const auto read = readCalibrationModel(path);
    EXPECT_EQ(read.id, model.id);
    EXPECT_EQ(read.score.kind, ScoreKind::Logistic);
    EXPECT_EQ(read.calibration.bootstrap.size(), 20u);
    const auto a = texture(200, 21), b = texture(200, 22, 2);
    const auto r = compareCmc(a, b);
    const auto x = model.likelihoodRatio(r), y = read.likelihoodRatio(r);
    EXPECT_NEAR(x.log10Lr, y.log10Lr, 1e-9);
    EXPECT_NEAR(x.upperLog10, y.upperLog10, 1e-9);
    EXPECT_NE(read.label().find(model.id), std::string::npos);
}

TEST_F(CalibrationModelFile, AChangedFileIsRefusedByItsId) {
    auto t = text();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(t, m, std::regex(R"re("upperBoundLog10"\s*:\s*)re")));
    t.insert(std::size_t(m.position(0) + m.length(0)), "1");  // a bound ten times larger, still valid JSON
    write(t);
    try {
        readCalibrationModel(path);
        FAIL() << "an edited model loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not match its id"), std::string::npos) << e.what();
    }
}

TEST_F(CalibrationModelFile, BadFilesAreRefusedWithTheirProblem) {
    const auto original = text();
    auto expectError = [&](const std::string& content, const std::string& words) {
        write(content);
        try {
            readCalibrationModel(path);
            ADD_FAILURE() << "loaded: " << words;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        }
    };
    expectError(original.substr(0, original.size() / 2), "not a JSON object");
    expectError("[1, 2]", "not a JSON object");
    expectError("{\"format\": \"something else\"}", "not a Striae calibration model");
    const auto v = std::regex_replace(original, std::regex(R"re("version"\s*:\s*1)re"), "\"version\": 7");
    expectError(v, "version 7 is not supported");
    EXPECT_THROW(readCalibrationModel((dir / "absent.json").string()), std::runtime_error);
}

TEST_F(CalibrationModelFile, OtherCmcParametersAreRefused) {
    const auto a = texture(200, 21);
    CmcParameters p;
    p.thetaStepDeg = 6;
    const auto r = compareCmc(a, a, p);
    EXPECT_THROW(model.likelihoodRatio(r), std::invalid_argument);
}
