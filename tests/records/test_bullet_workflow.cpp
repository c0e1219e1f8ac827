// Bullets in the local store: correlated against the store's other bullets,
// and examined, blindly verified and approved as cartridge cases are.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "StoreFixture.h"
#include "SyntheticBullet.h"
#include "striae/matching/Cmc.h"

using namespace striae;

namespace {

class BulletWorkflow : public test::StoreFixture {
protected:
    records::Item query, sameBarrel, otherBarrel;

    void SetUp() override {
        StoreFixture::SetUp();
        store->addCase(tech, test::newCase("B-1"));
        store->addCase(tech, test::newCase("B-2"));
        query = test::addSyntheticBullet(*store, tech, "B-1", "Q1", dir / "lands", {40, 0, 1});
        sameBarrel = test::addSyntheticBullet(*store, tech, "B-2", "Q7", dir / "lands", {40, 2, 2});
        otherBarrel = test::addSyntheticBullet(*store, tech, "B-2", "Q8", dir / "lands", {90, 0, 3});
    }

    records::Id landOf(const records::Item& bullet, int number) {
        for (const auto& a : store->acquisitionsOfItem(bullet.id))
            if (a.land == number) return a.id;
        return 0;
    }
};

}  // namespace

TEST_F(BulletWorkflow, ABulletIsCorrelatedAgainstTheOtherBulletsAndKeptOnItsFirstLand) {
    // Named by its fourth land, as a technician might select it.
    const auto run = store->correlate(tech, landOf(query, 4), {}, 2);
    EXPECT_EQ(run.queryAcquisitionId, landOf(query, 1));
    const auto candidates = store->candidates(run.id);
    ASSERT_EQ(candidates.size(), 2u) << "the two other bullets, not their lands";
    EXPECT_EQ(candidates[0].acquisitionId, landOf(sameBarrel, 1));
    EXPECT_EQ(candidates[0].itemLabel, "Q7");
    EXPECT_GT(candidates[0].score, 0.8);
    EXPECT_LT(candidates[1].score, candidates[0].score - 0.2) << "another barrel, well below";
    const auto details = Poco::JSON::Parser().parse(candidates[0].details).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(details->getValue<std::string>("method"), "bullet");
    // Q1's land l carries barrel land l - 1, Q7's land l carries l + 1: land p of Q1 lines up with land p + 4 of Q7.
    EXPECT_EQ(details->getValue<int>("phase"), 4);
    EXPECT_EQ(details->getArray("alignedLands")->size(), 6u);
    const auto parameters = Poco::JSON::Parser().parse(store->run(run.id).parameters).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(parameters->getValue<std::string>("method"), "bullet");
    EXPECT_EQ(store->runsOf(landOf(query, 1)).size(), 1u);
}

TEST_F(BulletWorkflow, TheBulletLeadGoesThroughExaminationBlindVerificationAndApproval) {
    const auto run = store->correlate(tech, landOf(query, 1), {}, 1);
    const auto top = store->candidates(run.id).at(0);
    store->review(tech, top.id, true, "striae line up on six lands");
    const auto lead = store->markLead(tech, top.id, "");
    const auto hit = store->confirmHit(examiner, lead.id, "identification", "");
    const auto blindView = store->hitOfLead(examiner2, lead.id);
    ASSERT_TRUE(blindView.has_value());
    EXPECT_TRUE(blindView->hidden) << "the verifier does not see the first conclusion";
    EXPECT_THROW(store->approveHit(supervisor, hit.id, ""), records::RecordsError) << "not verified yet";
    store->verifyHit(examiner2, hit.id, "identification", true, "");
    store->approveHit(supervisor, hit.id, "");
    const auto done = store->hitOfLead(supervisor, lead.id);
    ASSERT_TRUE(done.has_value());
    EXPECT_TRUE(done->approved);
    EXPECT_TRUE(store->verifyAudit().ok());
}

TEST_F(BulletWorkflow, BulletsOfAnotherRiflingOrCaliberAreNotCandidates) {
    test::addSyntheticBullet(*store, tech, "B-2", "Q9", dir / "lands", {40, 0, 4, 5, 5});             // five-land rifling
    test::addSyntheticBullet(*store, tech, "B-2", "Q10", dir / "lands", {40, 0, 5}, ".45 Auto");      // another caliber
    const auto run = store->correlate(tech, landOf(query, 1), {}, 1);
    std::vector<std::string> labels;
    for (const auto& c : store->candidates(run.id)) labels.push_back(c.itemLabel);
    EXPECT_EQ(labels, (std::vector<std::string>{"Q7", "Q8"}));
}

TEST_F(BulletWorkflow, ABulletWithMissingLandsIsComparedOnTheLandsItHolds) {
    const auto damaged = test::addSyntheticBullet(*store, tech, "B-2", "Q11", dir / "lands", {40, 0, 6, 3});  // lands 1-3 only
    const auto run = store->correlate(tech, landOf(damaged, 2), {}, 1);
    const auto candidates = store->candidates(run.id);
    ASSERT_EQ(candidates.size(), 3u);
    EXPECT_EQ(candidates[2].itemLabel, "Q8") << "the two bullets of its barrel first";
    for (const auto& c : candidates) {
        if (c.itemLabel != "Q1") continue;
        const auto details = Poco::JSON::Parser().parse(c.details).extract<Poco::JSON::Object::Ptr>();
        EXPECT_EQ(details->getArray("landsA")->size(), 3u) << "the lands it holds";
        EXPECT_EQ(details->getArray("landsB")->size(), 6u);
        EXPECT_EQ(details->getValue<int>("phase"), 0) << "the same rotation in the barrel";
        EXPECT_GT(c.score, 0.8);
    }
}

TEST_F(BulletWorkflow, ABulletOfOneLandIsRefusedWithTheReason) {
    const auto single = test::addSyntheticBullet(*store, tech, "B-2", "Q12", dir / "lands", {40, 0, 7, 1});
    try {
        store->correlate(tech, landOf(single, 1), {}, 1);
        FAIL() << "one land is not a bullet comparison";
    } catch (const records::RecordsError& e) {
        EXPECT_EQ(e.kind(), records::RecordsError::Kind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("1 processed land scan"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(store->runsOf(landOf(single, 1)).empty());
}
