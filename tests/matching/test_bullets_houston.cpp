// The bullet pipeline on the Houston scans (two barrels, five bullets, six
// lands each): every known-match bullet pair above every known non-match,
// phases that compose, known-match land pairs ranked high, grooves near the
// publishers' hand-picked ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "TestData.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"

namespace fs = std::filesystem;
using namespace striae;

TEST(HoustonBullets, SeparatesBarrelsFindsPhasesAndRanksMatchingLands) {
    STRIAE_REQUIRE_DATA(data);
    const fs::path root = data / "houston";
    if (!fs::exists(root)) GTEST_SKIP() << "no houston scans";
    std::vector<matching::BulletRecord> bullets;
    for (const std::string barrel : {"Barrel A", "Barrel B"})
        for (const auto& entry : fs::directory_iterator(root / barrel)) {
            matching::BulletRecord b{barrel + "/" + entry.path().filename().string(), barrel, {}};
            std::vector<fs::path> files;
            for (const auto& f : fs::directory_iterator(entry.path()))
                if (f.path().extension() == ".x3p") files.push_back(f.path());
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                b.lands.push_back(imaging::extractLandSignature(imaging::readX3p(f.string()).surface));
                b.lands.back().label = f.stem().string();
            }
            ASSERT_EQ(b.lands.size(), 6u) << b.name;
            bullets.push_back(std::move(b));
        }
    ASSERT_EQ(bullets.size(), 5u);
    const auto e = matching::evaluateBullets(bullets, {}, 2);
    EXPECT_EQ(e.knownMatchScores.size(), 4u);
    EXPECT_DOUBLE_EQ(e.bulletAuc, 1.0);
    EXPECT_GE(e.landAuc, 0.90);
    EXPECT_EQ(e.phaseTriples, 1);
    EXPECT_EQ(e.phaseTriplesConsistent, 1);
    // Each known-match pair's phase stands out more than any non-match's best phase does.
    double weakestKm = 1, strongestKnm = 0;
    for (const auto& p : e.pairs)
        (p.knownMatch ? weakestKm = std::min(weakestKm, p.result.phaseMargin) : strongestKnm = std::max(strongestKnm, p.result.phaseMargin));
    EXPECT_GT(weakestKm, strongestKnm);

    // Grooves against the publishers' (Barrel A has grooves.csv): within 100 µm on the median.
    std::vector<double> left, right;
    for (const auto& b : bullets) {
        std::ifstream in(root / b.name / "grooves.csv");
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::vector<std::string> cells;
            std::string cell;
            for (char c : line) {
                if (c == ',') {
                    cells.push_back(cell);
                    cell.clear();
                } else if (c != '"') {
                    cell += c;
                }
            }
            for (const auto& land : b.lands)
                if (fs::path(cells.at(0)).stem().string() == land.label) {
                    left.push_back(std::abs(land.grooveLeftUm - std::stod(cells.at(2))));
                    right.push_back(std::abs(land.grooveRightUm - std::stod(cells.at(3))));
                }
        }
    }
    ASSERT_EQ(left.size(), 18u);
    std::sort(left.begin(), left.end());
    std::sort(right.begin(), right.end());
    EXPECT_LT(left[9], 100);
    EXPECT_LT(right[9], 100);
}
