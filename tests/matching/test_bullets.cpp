// Land and bullet comparison on synthetic lands with known matches.
#include <gtest/gtest.h>

#include <cmath>

#include "SyntheticLand.h"
#include "striae/matching/Bullets.h"

using namespace striae;

namespace {

imaging::LandSignature signatureOf(const std::function<double(double)>& striae, unsigned noiseSeed, double shiftUm = 0) {
    test::SyntheticLandOptions o;
    o.seed = noiseSeed;
    o.noiseUm = 0.15;
    return imaging::extractLandSignature(test::syntheticLand(o, [&](double x) { return striae(x - shiftUm); }));
}

}  // namespace

TEST(LandComparison, TheSameLandTwiceMatchesAtItsShift) {
    const auto striae = test::randomStriae(11);
    const auto a = signatureOf(striae, 1), b = signatureOf(striae, 2, 30);
    const auto c = matching::compareLands(a, b);
    EXPECT_GT(c.ccf, 0.9);
    EXPECT_NEAR(c.lagUm, 30, 2 * a.spacingUm);
    EXPECT_GE(c.cms, 10);
    EXPECT_GE(c.cmps, c.segments * 3 / 4) << c.cmps << " of " << c.segments;
}

TEST(LandComparison, DifferentLandsDoNot) {
    const auto a = signatureOf(test::randomStriae(11), 1), b = signatureOf(test::randomStriae(12), 2);
    const auto c = matching::compareLands(a, b);
    EXPECT_LT(c.ccf, 0.5);
    EXPECT_LT(c.cmps, c.segments / 2);
    const auto same = matching::compareLands(a, signatureOf(test::randomStriae(11), 3));
    EXPECT_GT(same.cms, c.cms);
    EXPECT_GT(same.cmps, c.cmps);
}

TEST(LandComparison, LagsBeyondTheLimitAreNotConsidered) {
    const auto striae = test::randomStriae(11);
    const auto a = signatureOf(striae, 1), b = signatureOf(striae, 2, 200);
    matching::LandCompareOptions limited;
    limited.maxLagUm = 100;
    EXPECT_GT(matching::compareLands(a, b).ccf, 0.9);
    EXPECT_LT(matching::compareLands(a, b, limited).ccf, 0.6);
}

TEST(BulletComparison, FindsThePhaseThatLinesTheLandsUp) {
    std::vector<std::function<double(double)>> barrel;
    for (unsigned l = 0; l < 6; ++l) barrel.push_back(test::randomStriae(100 + l));
    std::vector<imaging::LandSignature> a, b, other;
    for (int l = 0; l < 6; ++l) {
        a.push_back(signatureOf(barrel[std::size_t(l)], 10 + unsigned(l)));
        // Bullet B's land l was engraved by barrel land (l + 4) mod 6: A's land i lines up with B's land i + 2.
        b.push_back(signatureOf(barrel[std::size_t((l + 4) % 6)], 20 + unsigned(l), 15));
        other.push_back(signatureOf(test::randomStriae(200 + unsigned(l)), 30 + unsigned(l)));
    }
    const auto km = matching::compareBullets(a, b);
    EXPECT_EQ(km.phase, 2);
    ASSERT_EQ(km.alignedPairs.size(), 6u);
    EXPECT_EQ(km.alignedPairs[0], std::make_pair(0, 2));
    EXPECT_GT(km.score, 0.8);
    EXPECT_GT(km.phaseMargin, 0.3);
    // Seen from B's side: the same comparison turned round, as comparing B with A finds it.
    const auto fromB = matching::transposed(km), direct = matching::compareBullets(b, a);
    EXPECT_EQ(fromB.phase, direct.phase);
    EXPECT_NEAR(fromB.score, direct.score, 1e-9);
    EXPECT_EQ(fromB.alignedPairs, direct.alignedPairs);
    EXPECT_NEAR(fromB.matrix[1][3].lagUm, direct.matrix[1][3].lagUm, 1e-9);
    const auto knm = matching::compareBullets(a, other);
    EXPECT_LT(knm.score, 0.5);
    EXPECT_LT(knm.phaseMargin, km.phaseMargin);
}

TEST(BulletComparison, RefusesBulletsWithDifferentLandCounts) {
    std::vector<imaging::LandSignature> a{signatureOf(test::randomStriae(1), 1)}, b;
    EXPECT_THROW(matching::compareBullets(a, b), std::invalid_argument);
}

// Damaged lands left out, different subsets on each bullet: aligned by land
// number over the rifling, the missing skipped, the lands that took part named.
TEST(BulletComparison, AlignsByLandNumberWithLandsMissing) {
    std::vector<std::function<double(double)>> barrel;
    for (unsigned l = 0; l < 6; ++l) barrel.push_back(test::randomStriae(100 + l));
    matching::BulletLands a{6, {}}, b{6, {}};
    // A lacks land 4; B lacks lands 1 and 6. B's land l was engraved by barrel land (l + 4) mod 6 (phase 2).
    for (int l : {1, 2, 3, 5, 6}) a.lands.push_back({l, signatureOf(barrel[std::size_t(l - 1)], 10 + unsigned(l))});
    for (int l : {2, 3, 4, 5}) b.lands.push_back({l, signatureOf(barrel[std::size_t((l - 1 + 4) % 6)], 20 + unsigned(l), 15)});
    const auto c = matching::compareBullets(a, b);
    EXPECT_EQ(c.lands, 6);
    EXPECT_EQ(c.phase, 2);
    EXPECT_EQ(c.landNumbersA, (std::vector<int>{1, 2, 3, 5, 6}));
    EXPECT_EQ(c.landNumbersB, (std::vector<int>{2, 3, 4, 5}));
    // Phase 2 pairs A1-B3, A2-B4, A3-B5 (A4 missing, A5-B1 and A6-B2: B1 missing, A6-B2 held).
    EXPECT_EQ(c.alignedLandNumbers, (std::vector<std::pair<int, int>>{{1, 3}, {2, 4}, {3, 5}, {6, 2}}));
    EXPECT_EQ(c.phasePairs[2], 4);
    EXPECT_GT(c.score, 0.8);
    EXPECT_GT(c.phaseMargin, 0.3);
    // Seen from B: the same pairs turned round.
    const auto t = matching::transposed(c), direct = matching::compareBullets(b, a);
    EXPECT_EQ(t.phase, direct.phase);
    EXPECT_EQ(t.alignedLandNumbers, direct.alignedLandNumbers);
    EXPECT_NEAR(t.score, direct.score, 1e-9);
}

TEST(BulletComparison, RefusesWhatCannotBeAligned) {
    const auto land = signatureOf(test::randomStriae(1), 1);
    matching::BulletLands six{6, {{1, land}}}, five{5, {{1, land}}}, twice{6, {{2, land}, {2, land}}}, outside{6, {{7, land}}};
    EXPECT_THROW(matching::compareBullets(six, five), std::invalid_argument);
    EXPECT_THROW(matching::compareBullets(six, twice), std::invalid_argument);
    EXPECT_THROW(matching::compareBullets(six, outside), std::invalid_argument);
    EXPECT_THROW(matching::compareBullets(six, matching::BulletLands{6, {}}), std::invalid_argument);
}

TEST(BulletComparison, LandNumbersFromFileNames) {
    EXPECT_EQ(matching::landNumberFromName("HFSCP-BA-B11-L3.x3p"), 3);
    EXPECT_EQ(matching::landNumberFromName("/data/Barrel A/Bullet 1/Land_5.x3p"), 5);
    EXPECT_EQ(matching::landNumberFromName("bullet2 Land4.x3p"), 4);
    EXPECT_EQ(matching::landNumberFromName("B1_l6.x3p"), 6);
    EXPECT_EQ(matching::landNumberFromName("land 2.x3p"), 2);
    EXPECT_EQ(matching::landNumberFromName("scan.x3p"), std::nullopt);
    EXPECT_EQ(matching::landNumberFromName("lead12345.x3p"), std::nullopt);
    EXPECT_EQ(matching::landNumberFromName("island.x3p"), std::nullopt);
}
