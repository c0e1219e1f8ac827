// The Houston bullets in a real store: each bullet correlated against the
// other four ranks the bullets of its own barrel first (validated in
// docs/bullets.md with `striae eval-bullets`; this checks the store's path).
#include <gtest/gtest.h>

#include <map>

#include "StoreFixture.h"
#include "striae/matching/Cmc.h"

using namespace striae;
namespace fs = std::filesystem;

class HoustonInTheStore : public test::StoreFixture {};

TEST_F(HoustonInTheStore, EachBulletRanksTheBulletsOfItsBarrelFirst) {
    STRIAE_REQUIRE_DATA(data);
    const fs::path houston = data / "houston";
    if (!fs::exists(houston)) GTEST_SKIP() << "no Houston bullets under " << houston;
    std::map<records::Id, std::string> barrelOfKey;  // first land acquisition -> barrel
    std::vector<records::Id> keys;
    int bulletNumber = 0;
    for (const auto& barrel : {"Barrel A", "Barrel B"})
        for (const auto& bullet : fs::directory_iterator(houston / barrel)) {
            const std::string caseNumber = "H-" + std::to_string(++bulletNumber);
            store->addCase(tech, test::newCase(caseNumber));
            auto item = test::newItem(bullet.path().filename().string(), "bullet", "test_fire", "9mm");
            item.lands = 6;
            const auto stored = store->addItem(tech, caseNumber, item);
            records::ImportOptions o;
            o.region = "land";
            o.preprocess = false;
            for (int land = 1; land <= 6; ++land) {
                // The land number from the file name, as the CLI's import takes it.
                for (const auto& f : fs::directory_iterator(bullet.path()))
                    if (f.path().filename().string().find("-L" + std::to_string(land) + ".x3p") != std::string::npos) {
                        o.land = land;
                        store->importScan(tech, stored.id, f.path().string(), o);
                    }
            }
            const auto lands = store->landsOfBullet(stored.id);
            ASSERT_EQ(lands.size(), 6u) << bullet.path();
            keys.push_back(lands.front().id);
            barrelOfKey[lands.front().id] = barrel;
        }
    ASSERT_EQ(keys.size(), 5u);
    for (const records::Id key : keys) {
        const auto run = store->correlate(tech, key, {}, 2);
        const auto candidates = store->candidates(run.id);
        ASSERT_EQ(candidates.size(), 4u);
        const std::size_t sameBarrel = barrelOfKey[key] == "Barrel A" ? 2 : 1;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            EXPECT_EQ(barrelOfKey[candidates[i].acquisitionId] == barrelOfKey[key], i < sameBarrel)
                << "bullet of acquisition " << key << ", rank " << i + 1 << ", score " << candidates[i].score;
    }
}
