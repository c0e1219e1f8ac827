// Real breech faces (Weller et al. 2012): on a subset of the 4465 pairs, known
// matches and known non-matches must separate completely, and non-matches stay
// at a few CMCs at most. The full set is run by `striae eval` (docs/cmc.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "TestData.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/Evaluation.h"

using namespace striae;

TEST(CmcWeller, SubsetSeparatesKnownMatchesFromKnownNonMatches) {
    STRIAE_REQUIRE_DATA(data);
    const auto weller = data / "weller";
    const auto table = matching::readTruthTable((weller / "nist_cmc_counts.csv").string());
    // Three shots each of slides 1–4: 12 scans, 66 pairs, 12 of them known matches.
    std::set<std::string> subset;
    for (int slide = 1; slide <= 4; ++slide)
        for (int shot = 1; shot <= 3; ++shot) {
            char name[16];
            std::snprintf(name, sizeof name, "TW%02d-%02d", slide, shot);
            subset.insert(name);
        }
    std::vector<matching::TruthPair> pairs;
    for (const auto& p : table.pairs)
        if (subset.count(p.reference) && subset.count(p.compared)) pairs.push_back(p);
    ASSERT_EQ(pairs.size(), 66u);

    std::map<std::string, imaging::Surface> scans;
    for (const auto& name : subset) scans[name] = imaging::readX3p((weller / (name + ".x3p")).string()).surface;

    matching::setKernelThreads(1);
    std::vector<int> counts(pairs.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 2; ++t)
        workers.emplace_back([&] {
            for (std::size_t i; (i = next++) < pairs.size();)
                counts[i] = matching::compareCmc(scans.at(pairs[i].reference), scans.at(pairs[i].compared)).originalCount;
        });
    for (auto& w : workers) w.join();

    std::vector<double> km, knm, ours, nist;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        (pairs[i].knownMatch ? km : knm).push_back(counts[i]);
        ours.push_back(counts[i]);
        nist.push_back(*pairs[i].referenceScore);
    }
    ASSERT_EQ(km.size(), 12u);
    const auto kmSummary = matching::summarize(km), knmSummary = matching::summarize(knm);
    EXPECT_DOUBLE_EQ(matching::rocAuc(km, knm), 1.0);
    EXPECT_LE(knmSummary.max, 3) << "known non-matches stay at a few CMCs";
    EXPECT_GE(kmSummary.min, 6) << "every known match above the usual decision threshold";
    EXPECT_GE(kmSummary.median, 20);
    EXPECT_GE(matching::spearman(ours, nist), 0.8);
}
