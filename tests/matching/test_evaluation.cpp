#include <gtest/gtest.h>

#include <fstream>

#include "TestData.h"
#include "striae/matching/Evaluation.h"

using namespace striae::matching;

TEST(Evaluation, AucCountsTiesAsHalf) {
    EXPECT_DOUBLE_EQ(rocAuc({5, 6, 7}, {1, 2, 3}), 1.0);
    EXPECT_DOUBLE_EQ(rocAuc({1, 2}, {5, 6}), 0.0);
    EXPECT_DOUBLE_EQ(rocAuc({3}, {3}), 0.5);
    EXPECT_DOUBLE_EQ(rocAuc({3, 5}, {3, 1}), 0.875);
}

TEST(Evaluation, SpearmanUsesRanks) {
    EXPECT_NEAR(spearman({1, 2, 3, 4}, {10, 20, 30, 1000}), 1.0, 1e-12);
    EXPECT_NEAR(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
    EXPECT_NEAR(spearman({1, 1, 2}, {1, 2, 3}), 0.8660254, 1e-6);
}

TEST(Evaluation, SummaryMedianOfEvenCount) {
    const auto s = summarize({4, 1, 3, 2});
    EXPECT_DOUBLE_EQ(s.min, 1);
    EXPECT_DOUBLE_EQ(s.median, 2.5);
    EXPECT_DOUBLE_EQ(s.max, 4);
}

TEST(Evaluation, ReadsTheNistTableFormat) {
    striae::test::TempDir dir;
    std::ofstream(dir / "t.csv") << "\xEF\xBB\xBFReference,Compare,KM or KNM,# Cells,# CMCs\r\n"
                                    "TW01-01,TW01-02,KM,38,36\r\nTW01-01,TW02-01,KNM,38,0\r\n";
    const auto t = readTruthTable((dir / "t.csv").string());
    EXPECT_EQ(t.referenceColumn, "# CMCs");
    ASSERT_EQ(t.pairs.size(), 2u);
    EXPECT_EQ(t.pairs[0].reference, "TW01-01");
    EXPECT_TRUE(t.pairs[0].knownMatch);
    EXPECT_FALSE(t.pairs[1].knownMatch);
    EXPECT_DOUBLE_EQ(*t.pairs[0].referenceScore, 36);
    const auto cells = readTruthTable((dir / "t.csv").string(), "# Cells");
    EXPECT_DOUBLE_EQ(*cells.pairs[1].referenceScore, 38);
}

TEST(Evaluation, BadTablesNameTheLine) {
    striae::test::TempDir dir;
    std::ofstream(dir / "bad.csv") << "a,b,c\nx,y,MAYBE\n";
    try {
        readTruthTable((dir / "bad.csv").string());
        ADD_FAILURE();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.csv:2: 'MAYBE' is neither KM nor KNM"), std::string::npos);
    }
    EXPECT_THROW(readTruthTable((dir / "none.csv").string()), std::runtime_error);
    EXPECT_THROW(readTruthTable((dir / "bad.csv").string(), "missing"), std::runtime_error);
}
