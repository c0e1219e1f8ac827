// The hub with a calibration model (serve --calibration): every breech-face
// candidate of a lead list carries its likelihood ratio, interval and the id
// of the model; a damaged model keeps the hub from starting, with the reason,
// rather than serving counts that look like LRs. Real processes on loopback,
// on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "HubProcess.h"
#include "striae/imaging/Synthetic.h"
#include "CountCalibrationModel.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/sync/HubClient.h"

namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;
using striae::test::eventually;
using striae::test::HubProcess;

namespace {

std::string writeModel(const fs::path& path) { return test::writeCountCalibrationModel(path); }

AcquisitionMetadata metadata(const std::string& label) {
    AcquisitionMetadata m;
    m.caseRef = "2026-0100";
    m.itemLabel = label;
    m.caliber = "9mm";
    return m;
}

}  // namespace

class HubCalibration : public ::testing::TestWithParam<std::string> {
protected:
    test::TempDir dir;
    fs::path scans;
    void SetUp() override {
        if (test::hubDatabase(GetParam()) == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
        scans = dir / "scans";
        imaging::SynthOptions o;
        o.firearms = 2;
        o.shotsPerFirearm = 2;
        o.sizePx = 128;
        o.seed = 33;
        imaging::writeSyntheticSet(o, scans.string());
    }
    std::string scan(const std::string& name) const { return (scans / (name + ".x3p")).string(); }
};

TEST_P(HubCalibration, EveryCandidateCarriesItsLikelihoodRatioAndTheModelThatGaveIt) {
    const auto modelId = writeModel(dir / "model.json");
    HubProcess hub(dir / "hub", test::hubDatabase(GetParam()), "hub");
    const std::string token = hub.addAgency("LAB");
    hub.start({"--workers", "1", "--calibration", (dir / "model.json").string()});
    HubClient client(hub.url(), token);
    std::map<std::string, std::string> ids;
    for (const std::string name : {"F01-01", "F02-01", "F01-02"}) ids[name] = client.push(scan(name), metadata(name)).acquisition.id;

    std::vector<LeadList> lists;
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        lists = client.leads(0, 1000, cursor);
        return lists.size() == 3;
    })) << hub.logText();
    const auto last = std::find_if(lists.begin(), lists.end(), [&](const LeadList& l) { return l.acquisitionId == ids["F01-02"]; });
    ASSERT_NE(last, lists.end());
    ASSERT_EQ(last->candidates.size(), 2u);
    EXPECT_EQ(last->candidates[0].acquisitionId, ids["F01-01"]);
    std::vector<double> log10s;
    for (const auto& c : last->candidates) {
        const auto details = Poco::JSON::Parser().parse(c.details).extract<Poco::JSON::Object::Ptr>();
        ASSERT_TRUE(details->has("lr")) << c.details;
        const auto lr = details->getObject("lr");
        EXPECT_EQ(lr->getValue<std::string>("model"), modelId);
        const double log10 = lr->getValue<double>("log10");
        EXPECT_NEAR(log10, std::clamp(-2 + 0.5 * c.score, -2.0, 3.0), 1e-9) << "from the candidate's CMC count " << c.score;
        EXPECT_LE(lr->getValue<double>("lower95"), log10);
        EXPECT_GE(lr->getValue<double>("upper95"), log10);
        if (c.score >= 10) {
            EXPECT_EQ(lr->getValue<std::string>("bound"), "upper");
        }
        log10s.push_back(log10);
    }
    EXPECT_GT(log10s[0], log10s[1]) << "the same firearm's shot has the larger LR";
}

TEST_P(HubCalibration, ADamagedModelKeepsTheHubFromStartingAndSaysWhy) {
    writeModel(dir / "model.json");
    std::string text;
    {
        std::ifstream in(dir / "model.json");
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    // One coefficient changed after fitting: the content no longer matches the model's id.
    const auto at = text.find("\"a\": -2");
    ASSERT_NE(at, std::string::npos) << text.substr(0, 400);
    text.replace(at, 7, "\"a\": -1");
    std::ofstream(dir / "damaged.json") << text;

    const std::string database = test::hubDatabase(GetParam());
    const std::string command = "timeout 30 " + std::string(STRIAE_HUB) + " --data " + test::shellQuote((dir / "hub").string()) +
                                (database.empty() ? "" : " --db " + test::shellQuote(database)) +
                                " serve --listen 127.0.0.1:0 --calibration " + test::shellQuote((dir / "damaged.json").string()) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    const int status = ::pclose(pipe);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1) << out;
    EXPECT_NE(out.find("damaged.json"), std::string::npos) << out;
    EXPECT_EQ(out.find("listening"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Backends, HubCalibration, ::testing::Values("sqlite", "postgresql"));
