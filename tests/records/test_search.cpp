// The search's first stage in the store: signatures kept at import, the
// shortlist deciding how many holdings CMC compares, and every run saying so.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "StoreFixture.h"
#include "striae/matching/Cmc.h"

using namespace striae;

namespace {

class Search : public test::StoreFixture {
protected:
    std::vector<records::Acquisition> scansIn;  // F01-01 first, then the others

    void SetUp() override {
        StoreFixture::SetUp();
        imaging::SynthOptions o;
        o.firearms = 4;
        o.shotsPerFirearm = 2;
        o.sizePx = 220;
        o.seed = 5;
        imaging::writeSyntheticSet(o, (dir / "many").string());
        records::ImportOptions io;
        io.preprocess = false;
        int n = 0;
        for (const std::string name : {"F01-01", "F01-02", "F02-01", "F02-02", "F03-01", "F03-02", "F04-01", "F04-02"}) {
            const std::string number = "S" + std::to_string(++n);
            store->addCase(tech, test::newCase(number));
            scansIn.push_back(store->importScan(tech, store->addItem(tech, number, test::newItem("Q1")).id, (dir / "many" / (name + ".x3p")).string(), io));
        }
    }
};

}  // namespace

TEST_F(Search, ImportKeepsASignatureForEachBreechFace) {
    SQLite::Database db((storePath / "store.db").string());
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM search_signature").getInt(), 8);
    EXPECT_EQ(db.execAndGet("SELECT max(length(data)) FROM search_signature").getInt(), 4096);
}

TEST_F(Search, AShortlistComparesOnlyTheFirstStagesBestAndTheRunSaysSo) {
    const auto run = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("3"));
    EXPECT_EQ(run.holdings, 7);
    EXPECT_EQ(run.fullyCompared, 3);
    EXPECT_EQ(run.shortlist, "3");
    const auto candidates = store->candidates(run.id);
    ASSERT_EQ(candidates.size(), 3u) << "only the shortlist is listed, each fully compared";
    EXPECT_EQ(candidates[0].acquisitionId, scansIn[1].id) << "the same firearm's shot survives the first stage and ranks first";
    EXPECT_NE(candidates[0].details.find("\"firstStage\""), std::string::npos) << "each candidate carries its first-stage score";
    EXPECT_NE(store->run(run.id).parameters.find("spectrum-rotation-search"), std::string::npos);
}

TEST_F(Search, AFullRunAndASmallStoreCompareEverything) {
    const auto full = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::all());
    EXPECT_EQ(full.fullyCompared, 7);
    EXPECT_EQ(store->candidates(full.id).size(), 7u);
    EXPECT_EQ(store->candidates(full.id)[0].details.find("\"firstStage\""), std::string::npos) << "no first stage was run";
    const auto byDefault = store->correlate(tech, scansIn[0].id, {}, 2);
    EXPECT_EQ(byDefault.holdings, 7);
    EXPECT_EQ(byDefault.fullyCompared, 7) << "fewer holdings than the default's minimum: all compared";
    EXPECT_EQ(byDefault.shortlist, "35 % (at least 200), then 200 by the second stage");
}

TEST_F(Search, TheSecondStageRanksTheShortlistAndCmcComparesOnlyItsHead) {
    const auto run = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("5/2"));
    EXPECT_EQ(run.holdings, 7);
    EXPECT_EQ(run.fullyCompared, 2) << "the second stage kept two of the first stage's five";
    EXPECT_EQ(run.shortlist, "5, then 2 by the second stage");
    EXPECT_NE(store->run(run.id).parameters.find("\"secondStageRanked\":5"), std::string::npos) << store->run(run.id).parameters;
    const auto candidates = store->candidates(run.id);
    ASSERT_EQ(candidates.size(), 2u);
    EXPECT_EQ(candidates[0].acquisitionId, scansIn[1].id) << "the same firearm's shot survives both stages and ranks first";
    for (const auto& c : candidates) {
        EXPECT_NE(c.details.find("\"firstStage\""), std::string::npos);
        EXPECT_NE(c.details.find("\"secondStage\""), std::string::npos) << "each candidate carries its second-stage count";
    }
    // Every imported breech face is kept at the stage's step in <store>/derived (written at import); the
    // same search again reads them from there (one damaged meanwhile is made again) and comes to the same list.
    const auto derivedFiles = [&] {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(storePath / "derived")) files.push_back(e.path());
        return files;
    };
    ASSERT_EQ(derivedFiles().size(), 8u);
    for (const auto& f : derivedFiles()) std::filesystem::resize_file(f, 10);
    const auto again = store->candidates(store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("5/2")).id);
    ASSERT_EQ(again.size(), candidates.size());
    for (std::size_t i = 0; i < again.size(); ++i) {
        EXPECT_EQ(again[i].acquisitionId, candidates[i].acquisitionId);
        EXPECT_EQ(again[i].details, candidates[i].details);
    }
    EXPECT_EQ(derivedFiles().size(), 8u);
    int remade = 0;
    for (const auto& f : derivedFiles()) remade += std::filesystem::file_size(f) > 1000;
    EXPECT_EQ(remade, 5) << "the five the second stage ranked were made again from their scans";
}

TEST_F(Search, ASignatureMissingFromTheTableIsComputedAndKept) {
    {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("DELETE FROM search_signature WHERE acquisition_id <> " + std::to_string(scansIn[0].id));
    }
    records::Shortlist half;
    half.fraction = 0.5;
    half.minimum = 1;
    const auto run = store->correlate(tech, scansIn[0].id, {}, 2, {}, half);
    EXPECT_EQ(run.fullyCompared, 4);
    SQLite::Database db((storePath / "store.db").string());
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM search_signature").getInt(), 8);
}

TEST_F(Search, TheIndexIsKeptNextToTheStoreAndRebuiltWhenMissingOrDamaged) {
    const auto first = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("3"));
    const auto index = storePath / "search.index";
    ASSERT_TRUE(std::filesystem::exists(index)) << "the first stage's index is persisted next to the store";
    auto shortlisted = [&](records::Id run) {
        std::set<records::Id> ids;
        for (const auto& c : store->candidates(run)) ids.insert(c.acquisitionId);
        return ids;
    };
    const auto expected = shortlisted(first.id);
    // Missing (deleted), then garbage: the store rebuilds it from its signatures and shortlists the same holdings.
    store.reset();
    std::filesystem::remove(index);
    store = records::Store::open(storePath.string());
    const auto rebuilt = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("3"));
    EXPECT_EQ(shortlisted(rebuilt.id), expected);
    EXPECT_TRUE(std::filesystem::exists(index));
    store.reset();
    { std::ofstream(index, std::ios::binary | std::ios::trunc) << "not an index at all"; }
    store = records::Store::open(storePath.string());
    const auto repaired = store->correlate(tech, scansIn[0].id, {}, 2, {}, records::Shortlist::parse("3"));
    EXPECT_EQ(shortlisted(repaired.id), expected);
    EXPECT_EQ(repaired.holdings, 7);
}

TEST(Shortlist, ParsesCountsPercentagesAndAllAndRefusesTheRest) {
    EXPECT_TRUE(records::Shortlist::parse("all").everything);
    EXPECT_EQ(records::Shortlist::parse("500").keep(10000), 500);
    EXPECT_EQ(records::Shortlist::parse("10%").keep(10000), 1000);
    EXPECT_EQ(records::Shortlist::parse("10%").keep(100), 100) << "never fewer than the minimum";
    EXPECT_EQ(records::Shortlist{}.keep(100000), 35000);
    EXPECT_EQ(records::Shortlist{}.fullyCompared(35000), 200) << "the second stage keeps 200 for CMC by default";
    EXPECT_EQ(records::Shortlist::parse("10%").fullyCompared(1000), 1000) << "no second stage unless asked";
    EXPECT_EQ(records::Shortlist::parse("20%/50").keep(10000), 2000);
    EXPECT_EQ(records::Shortlist::parse("20%/50").fullyCompared(2000), 50);
    EXPECT_EQ(records::Shortlist::parse("20%/50").fullyCompared(30), 30);
    EXPECT_EQ(records::Shortlist::all().fullyCompared(5000), 5000);
    for (const std::string bad : {"", "0", "-3", "12x", "150%", "%", "abc", "10%/0", "10%/x", "/5", "10%/", "5/3/2"})
        EXPECT_THROW(records::Shortlist::parse(bad), records::RecordsError) << bad;
}
