// A calibration model installed in a store: who may install it, what a bad
// one leaves behind (nothing), and the LRs correlate() then gives candidates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "StoreFixture.h"
#include "CountCalibrationModel.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/matching/Cmc.h"

using namespace striae;
using Kind = records::RecordsError::Kind;
namespace fs = std::filesystem;

namespace {

template <typename F>
Kind kindOf(F&& f) {
    try {
        f();
    } catch (const records::RecordsError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no error";
    return Kind::Storage;
}

std::string writeModel(const fs::path& path) { return test::writeCountCalibrationModel(path); }

}  // namespace

class CalibratedStore : public test::StoreFixture {
protected:
    records::Id query = 0;
    void importThree() {
        store->addCase(tech, test::newCase("C1"));
        store->addCase(tech, test::newCase("C2"));
        records::ImportOptions o;
        o.preprocess = false;
        query = store->importScan(tech, store->addItem(tech, "C1", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o).id;
        store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q1")).id, (scans() / "F01-02.x3p").string(), o);
        store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q2")).id, (scans() / "F02-01.x3p").string(), o);
    }
};

TEST_F(CalibratedStore, OnlyASupervisorInstallsAModelAndABadOneChangesNothing) {
    const auto model = dir / "model.json";
    writeModel(model);
    EXPECT_EQ(kindOf([&] { store->installCalibrationModel(tech, model.string()); }), Kind::PermissionDenied);
    EXPECT_EQ(kindOf([&] { store->installCalibrationModel(examiner, model.string()); }), Kind::PermissionDenied);
    std::ofstream(dir / "bad.json") << "{\"format\": \"striae-calibration-model\", \"version\": 1}";
    EXPECT_EQ(kindOf([&] { store->installCalibrationModel(supervisor, (dir / "bad.json").string()); }), Kind::InvalidInput);
    EXPECT_EQ(kindOf([&] { store->installCalibrationModel(supervisor, (dir / "absent.json").string()); }), Kind::InvalidInput);
    EXPECT_FALSE(store->calibrationModel());
    for (const auto& e : fs::directory_iterator(storePath))
        EXPECT_EQ(e.path().filename().string().find("calibration"), std::string::npos) << e.path();
    EXPECT_TRUE(store->auditTrail("store", 0).empty());
}

TEST_F(CalibratedStore, CandidatesCarryTheirLikelihoodRatioAndTheRunNamesTheModel) {
    importThree();
    const auto before = store->correlate(tech, query, matching::CmcParameters{}, 1);
    EXPECT_NE(before.parameters.find("none installed"), std::string::npos) << before.parameters;
    EXPECT_FALSE(records::candidateLikelihoodRatio(store->candidates(before.id)[0]));

    const auto id = writeModel(dir / "model.json");
    const auto installed = store->installCalibrationModel(supervisor, (dir / "model.json").string());
    EXPECT_EQ(installed.id, id);
    const auto events = store->auditTrail("store", 0);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].action, "install_calibration_model");
    EXPECT_NE(events[0].details.find(id), std::string::npos);
    EXPECT_TRUE(store->verifyAudit().problems.empty());

    const auto run = store->correlate(tech, query, matching::CmcParameters{}, 1);
    EXPECT_NE(run.parameters.find("\"calibrationModel\":\"" + id + "\""), std::string::npos) << run.parameters;
    const auto cands = store->candidates(run.id);
    ASSERT_EQ(cands.size(), 2u);
    for (const auto& c : cands) {
        const auto lr = records::candidateLikelihoodRatio(c);
        ASSERT_TRUE(lr) << c.details;
        EXPECT_EQ(lr->model, id);
        EXPECT_NEAR(lr->log10Lr, std::clamp(-2 + 0.5 * c.score, -2.0, 3.0), 1e-9);
        EXPECT_LE(lr->lowerLog10, lr->log10Lr);
        EXPECT_GE(lr->upperLog10, lr->log10Lr);
        if (c.score >= 10) {
            EXPECT_EQ(lr->bound, "upper");
        }
    }
    EXPECT_GT(records::candidateLikelihoodRatio(cands[0])->log10Lr, records::candidateLikelihoodRatio(cands[1])->log10Lr);
}

TEST_F(CalibratedStore, AModelFittedWithOtherParametersGivesNoLr) {
    importThree();
    writeModel(dir / "model.json");
    store->installCalibrationModel(supervisor, (dir / "model.json").string());
    matching::CmcParameters other;
    other.thetaStepDeg = 6;
    const auto run = store->correlate(tech, query, other, 1);
    EXPECT_NE(run.parameters.find("fitted with other CMC parameters"), std::string::npos) << run.parameters;
    for (const auto& c : store->candidates(run.id)) EXPECT_FALSE(records::candidateLikelihoodRatio(c));
}

TEST_F(CalibratedStore, ADamagedInstalledModelIsAnErrorNotASilentCount) {
    importThree();
    writeModel(dir / "model.json");
    store->installCalibrationModel(supervisor, (dir / "model.json").string());
    std::ofstream(storePath / "calibration-model.json", std::ios::trunc) << "{\"format\": \"striae-calibration-model\"";
    EXPECT_THROW(store->correlate(tech, query, matching::CmcParameters{}, 1), std::runtime_error);
    EXPECT_TRUE(store->runsOf(query).empty());
}
