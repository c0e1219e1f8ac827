// The first stage's index: the same ranking as the float similarity, the
// best `keep` kept, additions and withdrawals without a rebuild, and a
// journal that survives a restart and a torn tail.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <unistd.h>

#include "striae/imaging/Synthetic.h"
#include "striae/matching/SearchIndex.h"
#include "striae/matching/SignatureIndex.h"

using namespace striae;
namespace fs = std::filesystem;

namespace {

// Random L2-normalised signatures of the default shape (a scan's takes 3 ms;
// the index does not care where the numbers came from).
matching::SearchSignature randomSignature(std::mt19937& rng) {
    matching::SearchSignature s;
    const matching::SignatureOptions o;
    s.rings = o.rings, s.harmonics = o.harmonics;
    s.values.resize(std::size_t(o.rings) * std::size_t(o.harmonics) * 2);
    std::normal_distribution<float> n;
    double sum = 0;
    for (auto& v : s.values) v = n(rng), sum += double(v) * v;
    for (auto& v : s.values) v = float(v / std::sqrt(sum));
    return s;
}

// A signature near `base` (a second shot of one gun, roughly).
matching::SearchSignature near(const matching::SearchSignature& base, std::mt19937& rng, float noise) {
    auto s = base;
    std::normal_distribution<float> n(0, noise);
    double sum = 0;
    for (auto& v : s.values) v += n(rng), sum += double(v) * v;
    for (auto& v : s.values) v = float(v / std::sqrt(sum));
    return s;
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("striae-index-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(SignatureIndex, RanksAsTheFloatSimilarityDoesAndKeepsTheBest) {
    std::mt19937 rng(7);
    imaging::SynthOptions o;
    o.sizePx = 300;
    o.maxRotationDeg = 180;
    std::vector<matching::SearchSignature> held;
    for (int f = 1; f <= 4; ++f)
        for (int s = 1; s <= 3; ++s) held.push_back(matching::computeSignature(imaging::synthesizeShot(o, f, s)));
    for (int i = 0; i < 200; ++i) held.push_back(randomSignature(rng));
    matching::SignatureIndex index;
    for (std::size_t i = 0; i < held.size(); ++i) index.add(std::int64_t(i), held[i]);
    ASSERT_EQ(index.size(), held.size());

    const auto query = matching::computeSignature(imaging::synthesizeShot(o, 2, 9));
    const auto all = index.search(query, held.size());
    ASSERT_EQ(all.size(), held.size());
    for (const auto& hit : all)
        EXPECT_NEAR(hit.similarity, matching::signatureSimilarity(query, held[std::size_t(hit.id)]), 2e-3) << "holding " << hit.id;
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].similarity, all[i].similarity);
    // Firearm 2's three shots (ids 3, 4, 5) come first.
    std::set<std::int64_t> top{all[0].id, all[1].id, all[2].id};
    EXPECT_EQ(top, (std::set<std::int64_t>{3, 4, 5}));

    // keep: the same first ten as the full ranking (the skipped rotation searches change nothing).
    const auto ten = index.search(query, 10);
    ASSERT_EQ(ten.size(), 10u);
    for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(ten[i].id, all[i].id);
    // admit: the partition's scope.
    const auto odd = index.search(query, 5, [](std::int64_t id) { return id % 2 == 1; });
    ASSERT_EQ(odd.size(), 5u);
    for (const auto& h : odd) EXPECT_EQ(h.id % 2, 1);
    // Firearm 2's odd-numbered shots (3 and 5) lead, in the full ranking's order.
    EXPECT_EQ((std::set<std::int64_t>{odd[0].id, odd[1].id}), (std::set<std::int64_t>{3, 5}));
    for (std::size_t i = 1; i < odd.size(); ++i) EXPECT_GE(odd[i - 1].similarity, odd[i].similarity);
}

TEST(SignatureIndex, WithdrawalsAndReplacementsNeedNoRebuild) {
    std::mt19937 rng(11);
    matching::SignatureIndex index;
    std::vector<matching::SearchSignature> held;
    for (int i = 0; i < 50; ++i) held.push_back(randomSignature(rng)), index.add(i, held.back());
    const auto query = near(held[10], rng, 0.01f);
    EXPECT_EQ(index.search(query, 1).at(0).id, 10);
    EXPECT_TRUE(index.remove(10));
    EXPECT_FALSE(index.remove(10));
    EXPECT_EQ(index.size(), 49u);
    const auto after = index.search(query, 49);
    ASSERT_EQ(after.size(), 49u);
    for (const auto& h : after) EXPECT_NE(h.id, 10);
    // The holding that moved into the freed slot is still itself.
    EXPECT_NEAR(index.search(held[49], 1).at(0).similarity, 1.0, 2e-3);
    EXPECT_EQ(index.search(held[49], 1).at(0).id, 49);
    // Replacing a signature changes what is found.
    index.add(20, near(held[10], rng, 0.01f));
    EXPECT_EQ(index.search(query, 1).at(0).id, 20);
    EXPECT_EQ(index.size(), 49u);
}

TEST(SignatureIndex, RefusesSignaturesOfAnotherKind) {
    matching::SignatureIndex index;
    matching::SearchSignature wrong;
    wrong.rings = 16, wrong.harmonics = 16, wrong.values.assign(512, 0.f);
    EXPECT_THROW(index.add(1, wrong), std::invalid_argument);
    EXPECT_THROW(index.search(wrong, 3), std::invalid_argument);
    wrong.method = matching::SignatureMethod::SpectrumRings;
    EXPECT_THROW(index.add(1, wrong), std::invalid_argument);
    EXPECT_EQ(index.size(), 0u);
}

TEST(SearchIndex, PartitionsAreSearchedApart) {
    std::mt19937 rng(3);
    matching::SearchIndex index;
    const auto a = randomSignature(rng), b = randomSignature(rng);
    index.add("9mm|breech_face", "a", a);
    index.add("45 Auto|breech_face", "b", near(a, rng, 0.01f));
    index.add("9mm|breech_face", "c", b);
    const auto hits = index.search("9mm|breech_face", a, 10);
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].id, "a");
    EXPECT_EQ(hits[1].id, "c");
    EXPECT_TRUE(index.search("38 Special|breech_face", a, 10).empty());
    // Filed again under another partition: moved, not duplicated.
    index.add("45 Auto|breech_face", "a", a);
    EXPECT_EQ(index.size("9mm|breech_face"), 1u);
    EXPECT_EQ(index.size("45 Auto|breech_face"), 2u);
    EXPECT_EQ(index.size(), 3u);
}

TEST(SearchIndex, JournalSurvivesARestartAndATornTail) {
    TempDir dir;
    const std::string path = (dir.path / "search.index").string();
    std::mt19937 rng(5);
    std::vector<matching::SearchSignature> held;
    {
        matching::SearchIndex index(path);
        EXPECT_NE(index.openNote().find("started empty"), std::string::npos);
        for (int i = 0; i < 30; ++i) held.push_back(randomSignature(rng)), index.add("p", "id" + std::to_string(i), held.back());
        EXPECT_TRUE(index.remove("id7"));
    }
    const auto sizeBefore = fs::file_size(path);
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write) << "owner-only, as the store's files";
    {
        matching::SearchIndex index(path);
        EXPECT_EQ(index.size(), 29u) << index.openNote();
        EXPECT_FALSE(index.contains("id7"));
        const auto hit = index.search("p", held[12], 1);
        ASSERT_EQ(hit.size(), 1u);
        EXPECT_EQ(hit[0].id, "id12");
        EXPECT_NEAR(hit[0].similarity, 1.0, 2e-3);
        index.add("p", "id30", randomSignature(rng));  // the record a crash will tear
    }
    // A crash mid-write: the last record half on disk.
    fs::resize_file(path, fs::file_size(path) - 700);
    {
        matching::SearchIndex index(path);
        EXPECT_NE(index.openNote().find("damaged"), std::string::npos) << index.openNote();
        EXPECT_EQ(index.size(), 29u);
        EXPECT_FALSE(index.contains("id30"));
        EXPECT_EQ(fs::file_size(path), sizeBefore) << "the torn record is cut off";
        index.add("p", "id31", randomSignature(rng));  // and appending goes on after it
    }
    matching::SearchIndex again(path);
    EXPECT_EQ(again.size(), 30u) << again.openNote();
    EXPECT_TRUE(again.contains("id31"));
    // Garbage instead of an index: started empty, nothing thrown.
    { std::ofstream(path, std::ios::trunc) << "not an index"; }
    matching::SearchIndex garbage(path);
    EXPECT_EQ(garbage.size(), 0u);
    EXPECT_NE(garbage.openNote().find("another kind"), std::string::npos);
}

TEST(SearchIndex, ReconcileMakesItHoldExactlyWhatTheDatabaseHolds) {
    TempDir dir;
    std::mt19937 rng(9);
    matching::SearchIndex index((dir.path / "search.index").string());
    index.add("p", "gone", randomSignature(rng));
    index.add("p", "kept", randomSignature(rng));
    index.add("q", "moved", randomSignature(rng));
    std::map<std::string, std::string> wanted{{"kept", "p"}, {"moved", "p"}, {"new", "p"}, {"unreadable", "p"}};
    int computed = 0;
    const auto changed = index.reconcile(wanted, [&](const std::string& id) -> std::optional<matching::SearchSignature> {
        ++computed;
        if (id == "unreadable") return std::nullopt;
        return randomSignature(rng);
    });
    EXPECT_EQ(changed, 3u) << "gone withdrawn, moved and new added";
    EXPECT_EQ(computed, 3) << "only what it lacked was computed";
    EXPECT_FALSE(index.contains("gone"));
    EXPECT_TRUE(index.contains("new"));
    EXPECT_EQ(index.size("p"), 3u);
    EXPECT_EQ(index.size("q"), 0u);
    EXPECT_EQ(index.reconcile(wanted, [&](const std::string&) { return std::optional<matching::SearchSignature>(); }), 0u);
}

TEST(SearchIndex, CompactsWhenMostlySuperseded) {
    TempDir dir;
    const std::string path = (dir.path / "search.index").string();
    std::mt19937 rng(13);
    const auto s = randomSignature(rng);
    matching::SearchIndex index(path);
    for (int i = 0; i < 3000; ++i) index.add("p", "one", s);  // replaced 3000 times
    EXPECT_EQ(index.size(), 1u);
    EXPECT_LT(fs::file_size(path), 1100u * 2200u) << "rewritten compactly, not 3000 records";
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    matching::SearchIndex reopened(path);
    EXPECT_EQ(reopened.size(), 1u);
}
