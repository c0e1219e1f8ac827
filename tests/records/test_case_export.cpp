// `exportCase`: everything about a case, as a court asks for it — the
// workflow of each candidate (review, lead, conclusion, verifications,
// approval) with their audit events, leads on its scans from other cases,
// the audit chain's head — and as the exporting user may see it.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>

#include "StoreFixture.h"
#include "striae/matching/Cmc.h"

using namespace striae;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr parse(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Object::Ptr>(); }

std::set<std::string> actionsOf(const Array::Ptr& audit) {
    std::set<std::string> out;
    for (std::size_t i = 0; i < audit->size(); ++i) out.insert(audit->getObject(unsigned(i))->getValue<std::string>("action"));
    return out;
}

// The workflow of the first candidate of the first run of the case's first scan.
Object::Ptr firstCandidateWorkflow(const Object::Ptr& root) {
    const auto acquisition = root->getObject("case")->getArray("items")->getObject(0)->getArray("acquisitions")->getObject(0);
    return acquisition->getArray("correlationRuns")->getObject(0)->getArray("candidates")->getObject(0)->getObject("workflow");
}

}  // namespace

class CaseExport : public test::StoreFixture {
protected:
    records::User pending;  // an examiner who has not verified the hit
    records::Id hitId = 0;

    void SetUp() override {
        StoreFixture::SetUp();
        pending = store->addUser(admin, "SFPD", "ann", "Ann Examiner", {records::Role::Examiner}, "exam-password3");
        store->addCase(tech, test::newCase("C1", "shots fired", "2026-11-01"));
        store->addCase(tech, test::newCase("C2", "homicide", "2026-10-20"));
        records::ImportOptions o;
        o.preprocess = false;
        const auto query = store->importScan(tech, store->addItem(tech, "C1", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o);
        store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q1")).id, (scans() / "F01-02.x3p").string(), o);
        store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q2")).id, (scans() / "F02-01.x3p").string(), o);
        const auto run = store->correlate(tech, query.id, matching::CmcParameters{}, 2);
        const auto candidate = store->candidates(run.id).at(0).id;
        store->review(tech, candidate, true, "many congruent cells");
        const auto lead = store->markLead(tech, candidate, "send to examiner");
        hitId = store->confirmHit(examiner, lead.id, "identification", "breech-face marks agree").id;
        store->verifyHit(examiner2, hitId, "identification", true, "agree, blind");
        store->approveHit(supervisor, hitId, "approved for report");
    }
};

TEST_F(CaseExport, CarriesReviewLeadConclusionVerificationApprovalAndTheirAuditEvents) {
    const auto root = parse(store->exportCase(supervisor, "C1"));
    EXPECT_EQ(root->getValue<std::string>("format"), "striae-case-export/2");
    EXPECT_EQ(root->getValue<std::string>("exportedBy"), "sam");
    const auto w = firstCandidateWorkflow(root);
    ASSERT_TRUE(w->has("review"));
    EXPECT_EQ(w->getObject("review")->getValue<std::string>("decision"), "lead");
    EXPECT_EQ(w->getObject("review")->getValue<std::string>("by"), "tina");
    EXPECT_EQ(w->getObject("review")->getValue<std::string>("note"), "many congruent cells");
    EXPECT_TRUE(actionsOf(w->getArray("audit")).count("review"));

    const auto lead = w->getObject("lead");
    EXPECT_EQ(lead->getValue<std::string>("status"), "hit");
    EXPECT_EQ(lead->getValue<std::string>("note"), "send to examiner");
    EXPECT_TRUE(actionsOf(lead->getArray("audit")).count("mark_lead"));

    const auto hit = lead->getObject("hit");
    EXPECT_EQ(hit->getValue<std::string>("conclusion"), "identification");
    EXPECT_NE(hit->getValue<std::string>("conclusionMeaning").find("individual"), std::string::npos);
    EXPECT_EQ(hit->getValue<std::string>("examiner"), "eve");
    EXPECT_EQ(hit->getValue<std::string>("note"), "breech-face marks agree");
    EXPECT_TRUE(hit->getValue<bool>("approved"));
    const auto verifications = hit->getArray("verifications");
    ASSERT_EQ(verifications->size(), 1u);
    EXPECT_EQ(verifications->getObject(0)->getValue<std::string>("examiner"), "ed");
    EXPECT_TRUE(verifications->getObject(0)->getValue<bool>("blind"));
    EXPECT_EQ(hit->getObject("approval")->getValue<std::string>("by"), "sam");
    EXPECT_EQ(hit->getObject("approval")->getValue<std::string>("note"), "approved for report");
    const auto hitActions = actionsOf(hit->getArray("audit"));
    EXPECT_TRUE(hitActions.count("examine_lead") && hitActions.count("verify_hit") && hitActions.count("approve_hit"));

    // The chain's head as it stood: the last event of the trail, verified.
    const auto chain = root->getObject("auditChain");
    EXPECT_TRUE(chain->getValue<bool>("verified"));
    EXPECT_EQ(chain->getArray("problems")->size(), 0u);
    const auto approval = hit->getArray("audit")->getObject(unsigned(hit->getArray("audit")->size() - 1));
    EXPECT_EQ(chain->getValue<std::int64_t>("lastEvent"), approval->getValue<std::int64_t>("id")) << "the approval was the last act";
    EXPECT_EQ(chain->getValue<std::string>("lastHash"), approval->getValue<std::string>("hash"));
    EXPECT_EQ(chain->getValue<std::int64_t>("events"), store->stats().auditEvents);
}

TEST_F(CaseExport, TheOtherCaseSeesTheLeadOnItsScanFoundByThisCasesCorrelation) {
    const auto root = parse(store->exportCase(supervisor, "C2"));
    const auto elsewhere = root->getObject("case")->getArray("leadsFromOtherCases");
    ASSERT_EQ(elsewhere->size(), 1u);
    const auto link = elsewhere->getObject(0);
    EXPECT_EQ(link->getValue<std::string>("queryCase"), "C1");
    EXPECT_EQ(link->getObject("workflow")->getObject("lead")->getObject("hit")->getValue<std::string>("conclusion"), "identification");
}

TEST_F(CaseExport, APendingBlindVerifierSeesThatAConclusionExistsNotWhatOrWhose) {
    const std::string json = store->exportCase(pending, "C1");
    const auto hit = firstCandidateWorkflow(parse(json))->getObject("lead")->getObject("hit");
    EXPECT_TRUE(hit->getValue<bool>("hidden"));
    EXPECT_FALSE(hit->has("conclusion"));
    EXPECT_FALSE(hit->has("examiner"));
    EXPECT_EQ(hit->getValue<int>("verifications"), 1) << "how many verified, not what they concluded";
    EXPECT_EQ(json.find("identification"), std::string::npos) << "nowhere in the export, audit details included";
    EXPECT_EQ(json.find("breech-face marks agree"), std::string::npos);
    // Once they choose to see it (audited; their verification can no longer be blind), the export shows it.
    store->revealHit(pending, hitId);
    EXPECT_EQ(firstCandidateWorkflow(parse(store->exportCase(pending, "C1")))->getObject("lead")->getObject("hit")->getValue<std::string>(
                  "conclusion"),
              "identification");
}
