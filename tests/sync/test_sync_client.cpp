// The workstation's side: local case stores syncing with a real hub, and
// the hub killed during uploads.
#include <gtest/gtest.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "HubProcess.h"
#include "SyntheticLand.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"
#include "striae/imaging/LandSignature.h"
#include "striae/imaging/Synthetic.h"
#include "striae/records/FirearmHubSync.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/LeadOutcomes.h"
#include "striae/records/ReferenceTable.h"
#include "striae/records/StoreStatistics.h"
#include "striae/records/Store.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmClient.h"
#include "striae/sync/SyncClient.h"

namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;
using striae::test::eventually;
using striae::test::HubProcess;

namespace {

std::string fileSha(const std::string& path) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

struct Site {
    std::optional<records::Store> store;
    records::User admin, tech, examiner;

    Site(const fs::path& folder, const std::string& agency) {
        store = records::Store::create(folder.string(), {0, agency, agency + " Police", "US"}, "admin", "Admin", "admin-password");
        admin = store->authenticate("admin", "admin-password");
        tech = store->addUser(admin, agency, "tech", "Tech", {records::Role::Technician}, "tech-password");
        examiner = store->addUser(admin, agency, "exam", "Exam", {records::Role::Examiner, records::Role::Technician}, "exam-password");
    }
    records::Id import(const std::string& caseNumber, const std::string& label, const std::string& path, const std::string& recoveredAt = {}) {
        records::CaseRecord c;
        c.number = caseNumber;
        try {
            store->addCase(tech, c);
        } catch (const records::RecordsError&) {  // exists
        }
        records::Item i;
        i.label = label;
        i.kind = "cartridge_case";
        i.origin = "crime_scene";
        i.caliber = "9mm";
        i.firingPinShape = "hemispherical";
        i.recoveredAt = recoveredAt;
        const auto item = store->addItem(tech, caseNumber, i);
        records::ImportOptions o;
        o.preprocess = false;  // synthetic scans are processed surfaces already
        return store->importScan(tech, item.id, path, o).id;
    }
    void configure(const std::string& url, const std::string& token, const std::string& agency) {
        store->setSyncSetting(admin, "hub_url", url);
        store->setSyncSetting(admin, "hub_token", token);
        store->setSyncSetting(admin, "agency", agency);
    }
};

}  // namespace

class SyncTest : public ::testing::TestWithParam<std::string> {
protected:
    test::TempDir dir;
    std::string database;

    void SetUp() override {
        database = test::hubDatabase(GetParam());
        if (database == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
    }
    fs::path scans(int firearms, int shots, int size) {
        const fs::path folder = dir / ("scans-" + std::to_string(firearms) + "x" + std::to_string(shots));
        imaging::SynthOptions o;
        o.firearms = firearms;
        o.shotsPerFirearm = shots;
        o.sizePx = size;
        o.seed = 33;
        imaging::writeSyntheticSet(o, folder.string());
        return folder;
    }
};

TEST_P(SyncTest, TwoAgenciesPushPullReviewAndDisclose) {
    const fs::path folder = scans(2, 2, 128);
    HubProcess hub(dir / "hub", database, "hub1");
    const std::string tokenNy = hub.addAgency("NYPD");
    const std::string tokenLa = hub.addAgency("LAPD");
    hub.start({"--workers", "2"});

    Site ny(dir / "ny", "NYPD"), la(dir / "la", "LAPD");
    const records::Id ny1 = ny.import("NY-1", "casing 1", (folder / "F01-01.x3p").string());
    ny.import("NY-1", "casing 2", (folder / "F02-01.x3p").string());
    const records::Id la1 = la.import("LA-1", "casing 1", (folder / "F01-02.x3p").string());
    ny.configure(hub.url(), tokenNy, "NYPD");
    la.configure(hub.url(), tokenLa, "LAPD");

    SyncClient nyClient(*ny.store, ny.tech), laClient(*la.store, la.tech);
    auto r = nyClient.push();
    EXPECT_EQ(r.queued, 2);
    EXPECT_EQ(r.pushed, 2);
    EXPECT_EQ(r.failed, 0);
    EXPECT_EQ(laClient.push().pushed, 1);
    r = nyClient.push();
    EXPECT_EQ(r.queued + r.pushed + r.failed, 0) << "nothing new to send";
    EXPECT_EQ(ny.store->syncStatus().sent, 2);
    EXPECT_FALSE(ny.store->syncStatus().lastContact.empty());

    // LAPD pulls its list once the hub has correlated: NYPD's shot of the same gun on top.
    HubClient laHub(hub.url(), tokenLa);
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        const auto lists = laHub.leads(0, 10, cursor);
        return lists.size() == 1 && lists[0].candidates.size() == 2;
    })) << hub.logText();
    r = laClient.pull();
    EXPECT_EQ(r.listsPulled, 1);
    EXPECT_EQ(r.candidates, 2);
    EXPECT_EQ(r.scansFetched, 0) << "NYPD has not disclosed";
    auto runs = la.store->runsOf(la1);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].scope, "hub");
    EXPECT_EQ(runs[0].holdings, 2) << "how the hub searched comes with its list: " << runs[0].parameters;
    EXPECT_EQ(runs[0].fullyCompared, 2);
    EXPECT_EQ(runs[0].tier, "national") << "a hub's list says which tier searched";
    EXPECT_EQ(runs[0].shortlist, "35 % (at least 200), then 200 by the second stage");
    auto candidates = la.store->candidates(runs[0].id);
    ASSERT_EQ(candidates.size(), 2u);
    const records::Id standIn = candidates[0].acquisitionId;
    EXPECT_TRUE(la.store->isRemoteAcquisition(standIn));
    EXPECT_EQ(candidates[0].caseNumber, "HUB-NYPD");
    EXPECT_EQ(la.store->hubIdOfAcquisition(standIn), ny.store->hubIdOfAcquisition(ny1));
    EXPECT_TRUE(la.store->acquisition(standIn).processedSha256.empty()) << "no scan until NYPD discloses";
    EXPECT_EQ(laClient.pull().listsPulled, 0) << "the cursor moved on";

    // A lead, reported back; the hub counts it for LAPD.
    la.store->review(la.tech, candidates[0].id, true, "same firing pin drag");
    la.store->markLead(la.tech, candidates[0].id, "same firing pin drag");
    r = laClient.push();
    EXPECT_EQ(r.outcomesReported, 1);
    EXPECT_EQ(laHub.stats().at(0).leads, 1);
    EXPECT_EQ(laClient.push().outcomesReported, 0) << "reported once";

    // NYPD discloses; LAPD's next pull fetches the scan for side-by-side review.
    HubClient(hub.url(), tokenNy).disclose(ny.store->hubIdOfAcquisition(ny1), true);
    r = laClient.pull();
    EXPECT_EQ(r.scansFetched, 1);
    const auto fetched = la.store->acquisition(standIn);
    ASSERT_FALSE(fetched.processedSha256.empty());
    EXPECT_EQ(fetched.processedSha256, ny.store->acquisition(ny1).processedSha256) << "the scan NYPD pushed, byte for byte";
    EXPECT_TRUE(fs::exists(la.store->filePath(fetched.processedSha256)));
    { const auto rep = la.store->verifyAudit(); std::string all; for (const auto& p : rep.problems) all += p + "\n"; EXPECT_TRUE(rep.ok()) << all; }
}

// The feedback loop: what came of a lead travels from the agency that reviewed it,
// through the hub, to the agency holding the other scan, and into the statistics.
TEST_P(SyncTest, WhatCameOfALeadReachesTheOtherAgencyAndTheStatistics) {
    const fs::path folder = scans(2, 2, 128);
    HubProcess hub(dir / "hub", database, "hub1");
    const std::string tokenNy = hub.addAgency("NYPD");
    const std::string tokenLa = hub.addAgency("LAPD");
    hub.start({"--workers", "2"});
    Site ny(dir / "ny", "NYPD"), la(dir / "la", "LAPD");
    const records::Id ny1 = ny.import("NY-1", "casing 1", (folder / "F01-01.x3p").string(), "2026-01-05");
    const records::Id la1 = la.import("LA-1", "casing 1", (folder / "F01-02.x3p").string(), "2026-01-06T22:30");
    ny.configure(hub.url(), tokenNy, "NYPD");
    la.configure(hub.url(), tokenLa, "LAPD");
    SyncClient nyClient(*ny.store, ny.tech), laClient(*la.store, la.tech);
    ASSERT_EQ(nyClient.push().pushed, 1);
    ASSERT_EQ(laClient.push().pushed, 1);
    HubClient laHub(hub.url(), tokenLa), nyHub(hub.url(), tokenNy);
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        const auto lists = laHub.leads(0, 10, cursor);
        const auto nyLists = nyHub.leads(0, 10, cursor);
        return lists.size() == 1 && lists[0].candidates.size() == 1 && nyLists.size() == 1 && nyLists[0].candidates.size() == 1;
    })) << hub.logText();
    ASSERT_EQ(laClient.pull().listsPulled, 1);
    ASSERT_EQ(nyClient.pull().listsPulled, 1);
    const auto candidate = la.store->candidates(la.store->runsOf(la1).at(0).id).at(0);
    la.store->review(la.tech, candidate.id, true, "same breech-face marks");
    const auto lead = la.store->markLead(la.tech, candidate.id, "to the examiner");
    la.store->outcomes().record(la.examiner, lead.id, "arrest", "suspect arrested with a 9 mm pistol");

    auto r = laClient.push();
    EXPECT_EQ(r.outcomesReported, 1);
    EXPECT_EQ(r.feedbackSent, 1);
    EXPECT_TRUE(r.errors.empty()) << r.errors.at(0);
    EXPECT_EQ(laClient.push().feedbackSent, 0) << "sent once";
    EXPECT_EQ(laClient.pull().outcomesReceived, 0) << "LAPD's own outcome coming back is not a second one";

    // NYPD holds the other scan of the pair: its next pull brings the outcome, on its own candidate for LAPD's scan.
    r = nyClient.pull();
    EXPECT_EQ(r.outcomesReceived, 1);
    const auto received = ny.store->outcomes().all();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_TRUE(received[0].received);
    EXPECT_EQ(received[0].kind, "arrest");
    EXPECT_EQ(received[0].agencyCode, "LAPD");
    EXPECT_EQ(received[0].recordedBy, "exam");
    EXPECT_EQ(received[0].note, "suspect arrested with a 9 mm pistol");
    const auto nyCandidates = ny.store->candidates(ny.store->runsOf(ny1).at(0).id);
    ASSERT_EQ(nyCandidates.size(), 1u);
    EXPECT_EQ(received[0].candidateId, nyCandidates[0].id);
    EXPECT_EQ(nyClient.pull().outcomesReceived, 0) << "received once";
    EXPECT_EQ(ny.store->statistics().compute({}).outcomes.at("arrest"), 1);

    // The hub's statistics: LAPD's evidence, its lead and the outcome; another agency's figures are not LAPD's to read.
    const auto body = Poco::JSON::Parser().parse(laHub.statistics({})).extract<Poco::JSON::Object::Ptr>();
    const auto figures = body->getObject("statistics");
    ASSERT_TRUE(figures) << laHub.statistics({});
    EXPECT_EQ(figures->getValue<int>("evidence"), 1);
    EXPECT_EQ(figures->getValue<int>("leads"), 1);
    EXPECT_EQ(figures->getValue<int>("open_leads"), 1);
    EXPECT_EQ(figures->getObject("outcomes")->getValue<int>("arrest"), 1);
    const auto stages = figures->getArray("turnaround");
    EXPECT_EQ(stages->getObject(0)->getValue<std::string>("stage"), "recovery_to_entry");
    EXPECT_EQ(stages->getObject(0)->getValue<int>("count"), 1);
    EXPECT_GT(stages->getObject(0)->getValue<double>("median_hours"), 24.0 * 300) << "recovered 2026-01-06, entered today";
    EXPECT_EQ(stages->getObject(2)->getValue<std::string>("stage"), "correlation_to_lead");
    EXPECT_EQ(stages->getObject(2)->getValue<int>("count"), 1);
    EXPECT_EQ(figures->getObject("filter")->getValue<std::string>("agency"), "LAPD");
    records::StatisticsFilter other;
    other.agency = "NYPD";
    try {
        laHub.statistics(other);
        ADD_FAILURE() << "LAPD read NYPD's statistics";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 403) << e.what();
    }
    other = {};
    other.from = "last week";
    try {
        laHub.statistics(other);
        ADD_FAILURE() << "a period that is not a date was accepted";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 400) << e.what();
        EXPECT_NE(std::string(e.what()).find("last week"), std::string::npos) << e.what();
    }

    // Only the list's agency reports on its candidates, with a kind the hub knows.
    HubFeedback f;
    f.kind = "charge";
    f.recordedBy = "someone";
    f.recordedAt = "2026-12-01T10:00:00Z";
    const std::int64_t hubCandidate = [&] {
        std::int64_t cursor = 0;
        return laHub.leads(0, 10, cursor).at(0).candidates.at(0).id;
    }();
    try {
        nyHub.sendFeedback(hubCandidate, f);
        ADD_FAILURE() << "NYPD reported on LAPD's list";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 403) << e.what();
    }
    f.kind = "conviction";
    try {
        laHub.sendFeedback(hubCandidate, f);
        ADD_FAILURE() << "an unknown kind was accepted";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 400) << e.what();
    }
    std::int64_t cursor = 0;
    EXPECT_EQ(nyHub.feedback(0, 100, cursor).size(), 1u) << "nothing refused was kept";
    for (auto* site : {&ny, &la}) {
        const auto rep = site->store->verifyAudit();
        EXPECT_TRUE(rep.ok()) << (rep.problems.empty() ? "" : rep.problems[0]);
    }
}

TEST_P(SyncTest, SharedRecordsReachTheHubAndSeizureMatchesAndAlertsComeBackToTheStore) {
    HubProcess hub(dir / "hub", database, "hub1");
    const std::string tokenNy = hub.addAgency("NYPD");
    const std::string tokenLa = hub.addAgency("LAPD");
    hub.start({"--workers", "0"});
    Site ny(dir / "ny", "NYPD");
    ny.configure(hub.url(), tokenNy, "NYPD");
    const auto officer = ny.store->addUser(ny.admin, "NYPD", "rita", "Rita", {records::Role::RecordsOfficer}, "rita-password");
    auto firearms = ny.store->firearmRecords();
    records::FirearmRecordFields f;
    f.status = "stolen";
    f.serial = "KX-77 0413";
    f.make = "Smith & Wesson";
    f.caliber = ".38 Spl";
    const auto kept = firearms.create(officer, f);                     // kept in the store only
    const auto shared = firearms.setShared(officer, firearms.create(officer, f).id, true);

    const auto photoFile = dir / "revolver.png";
    std::ofstream(photoFile, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n", 8) << "the revolver's right side";
    firearms.addPhotograph(officer, shared.id, photoFile.string());
    firearms.addPhotograph(officer, kept.id, photoFile.string(), "not shared.png");  // its record stays in the store: so does it

    SyncClient client(*ny.store, officer);
    auto report = client.push();
    EXPECT_EQ(report.recordsShared, 1) << (report.errors.empty() ? "" : report.errors[0]);
    EXPECT_EQ(report.photosSent, 1) << (report.errors.empty() ? "" : report.errors[0]);
    EXPECT_EQ(client.push().recordsShared, 0) << "sent once, until it changes";
    EXPECT_EQ(client.push().photosSent, 0);

    // LAPD seizes the gun; its serial's middle is unreadable.
    HubClient la(hub.url(), tokenLa);
    HubFirearmClient laFirearms(la);
    records::FirearmSearch search;
    search.serial = "KX770413";
    ASSERT_EQ(laFirearms.search(search).size(), 1u);
    EXPECT_EQ(laFirearms.search(search)[0].uid, shared.uid);
    // Its photograph with it, byte for byte; another agency may not add one.
    const auto photos = laFirearms.photos(shared.uid);
    ASSERT_EQ(photos.size(), 1u);
    EXPECT_EQ(photos[0].mediaType, "image/png");
    laFirearms.downloadPhoto(shared.uid, photos[0], (dir / "fetched.png").string());
    EXPECT_EQ(std::filesystem::file_size(dir / "fetched.png"), std::filesystem::file_size(photoFile));
    try {
        laFirearms.addPhoto(shared.uid, photoFile.string(), "", "tech.la");
        ADD_FAILURE() << "another agency added a photograph";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 403);
    }
    records::FirearmRecordFields found;
    found.status = "seized";
    found.serial = "KX77*13";
    const auto check = laFirearms.checkSeizure(found, "tech.la");
    ASSERT_EQ(check.matches.size(), 1u);
    records::FirearmAlert alert;
    alert.kind = "firearm";
    alert.title = "Revolver used in two robberies";
    alert.description = "S&W .38, serial KX77…";
    laFirearms.circulate(alert, "chief.la");

    // NYPD's next pull brings the match and the alert into the store.
    report = client.pull();
    EXPECT_EQ(report.noticesPulled, 2);
    EXPECT_EQ(report.alertsPulled, 1);
    auto hubSync = ny.store->firearmHubSync();
    const auto notices = hubSync.notices(/*unreadOnly=*/true);
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_EQ(notices[1].kind, "seizure_match");
    EXPECT_EQ(notices[1].recordUid, shared.uid);
    EXPECT_EQ(notices[1].agency, "LAPD");
    EXPECT_EQ(notices[1].subjectId, check.id);
    EXPECT_EQ(notices[0].kind, "alert");
    EXPECT_EQ(client.pull().noticesPulled, 0) << "each notice once";
    hubSync.markNoticeRead(officer, notices[1].seq);
    EXPECT_EQ(hubSync.notices(true).size(), 1u);
    ASSERT_EQ(hubSync.networkAlerts().size(), 1u);
    EXPECT_EQ(hubSync.networkAlerts()[0].title, "Revolver used in two robberies");

    // A change reaches the hub at the next push; so does a withdrawal.
    f.status = "recovered";
    firearms.update(officer, shared.id, f);
    EXPECT_EQ(client.push().recordsShared, 1);
    EXPECT_EQ(laFirearms.record(shared.uid).fields.status, "recovered");
    firearms.withdraw(officer, shared.id, "returned to its owner");
    EXPECT_EQ(client.push().recordsWithdrawn, 1);
    EXPECT_TRUE(laFirearms.search(search).empty());
    EXPECT_EQ(client.push().recordsWithdrawn, 0);
}

TEST_P(SyncTest, TheHubsReferenceTableReachesEachStoreAtItsNextPullOncePerVersion) {
    HubProcess hub(dir / "hub", database, "hub1");
    const std::string token = hub.addAgency("NYPD");
    hub.start({"--workers", "0"});
    Site ny(dir / "ny", "NYPD");
    ny.configure(hub.url(), token, "NYPD");
    SyncClient client(*ny.store, ny.tech);  // whoever syncs takes the table in
    EXPECT_EQ(client.pull().referenceVersion, 0) << "the hub distributes none yet";

    // The operator imports a table; a malformed one is refused and changes nothing.
    const auto write = [&](const std::string& name, const std::string& text) {
        const auto path = dir / name;
        std::ofstream(path) << text;
        return path.string();
    };
    const std::string bad = write("bad.json", R"({"references": [{"make": "Example Arms"}]})");
    EXPECT_NE(hub.admin("reftable import " + bad + " 2>&1 || true").find("reference 1: 'model' is missing"), std::string::npos);
    const std::string v1 = write("v1.json", R"({"format": "striae-firearm-reference/1", "references": [
        {"make": "Example Arms", "model": "P1", "type": "pistol", "calibers": ["9mm Luger"], "country": "DE"},
        {"make": "Example Arms", "model": "R2", "type": "revolver", "calibers": [".38 Special"], "country": "US"},
        {"make": "Example Arms", "model": "X9", "type": "pistol", "calibers": ["9mm Lugar"]}]})");
    EXPECT_NE(hub.admin("reftable import " + v1).find("version 1: 3 references"), std::string::npos);

    auto report = client.pull();
    EXPECT_EQ(report.referenceVersion, 1);
    EXPECT_EQ(report.referencesTaken, 2) << "the store checks every row again";
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_NE(report.errors[0].find("row 3"), std::string::npos) << report.errors[0];
    EXPECT_EQ(ny.store->referenceTable().size(), 2u);
    EXPECT_EQ(client.pull().referenceVersion, 0) << "version 1 is taken once";

    const std::string v2 = write("v2.json", R"({"references": [
        {"make": "Example Arms", "model": "P1", "type": "pistol", "calibers": ["9mm Luger", ".40 S&W"], "country": "DE"},
        {"make": "Other Works", "model": "S3", "type": "shotgun", "calibers": ["12 Gauge"], "country": "IT"}]})");
    EXPECT_NE(hub.admin("reftable import " + v2).find("version 2: 2 references"), std::string::npos);
    report = client.pull();
    EXPECT_EQ(report.referenceVersion, 2);
    EXPECT_EQ(ny.store->referenceTable().size(), 3u) << "P1 updated, S3 added, R2 kept";
    const auto found = ny.store->referenceTable().search("Other", "make", false);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].reference.model, "S3");
}

TEST_P(SyncTest, AnUnreachableHubLeavesTheOutboxQueuedWithBackoff) {
    const fs::path folder = scans(1, 2, 96);
    Site la(dir / "la", "LAPD");
    la.import("LA-1", "casing 1", (folder / "F01-01.x3p").string());
    la.configure("http://127.0.0.1:" + std::to_string(test::freePort()), "sth_x", "LAPD");
    SyncClient client(*la.store, la.tech, 2);
    const auto r = client.push();
    EXPECT_EQ(r.failed, 1);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("cannot reach hub"), std::string::npos) << r.errors[0];
    const auto status = la.store->syncStatus();
    EXPECT_EQ(status.failed, 1);
    EXPECT_TRUE(status.lastContact.empty());
    EXPECT_NE(status.lastError.find("cannot reach hub"), std::string::npos);
    // Not due again before its backoff: a second push sends nothing.
    EXPECT_EQ(client.push().failed, 0);
    EXPECT_EQ(la.store->outbox().at(0).attempts, 1);
    EXPECT_EQ(SyncClient::backoffSeconds(0), 30);
    EXPECT_EQ(SyncClient::backoffSeconds(3), 240);
    EXPECT_EQ(SyncClient::backoffSeconds(20), 3600);
}

TEST_P(SyncTest, HubKilledDuringUploadsTwentyTimesLosesAndDuplicatesNothing) {
    const fs::path folder = scans(30, 2, 64);
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().extension() == ".x3p") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 60u);

    HubProcess hub(dir / "hub", database, "hub1");
    const std::string token = hub.addAgency("NYPD");
    std::map<std::string, std::string> acknowledged;  // file -> acquisition id the hub confirmed
    std::mt19937 random(7);
    int interrupted = 0;
    for (int round = 0; round < 20; ++round) {
        hub.start({"--workers", "0"});
        std::atomic<bool> done{false};
        std::map<std::string, std::string> confirmed;
        std::thread client([&] {
            HubClient c(hub.url(), token, 5);
            std::vector<std::string> order = files;
            std::shuffle(order.begin(), order.end(), std::mt19937(unsigned(round)));
            for (const auto& f : order) {
                AcquisitionMetadata m;
                m.caseRef = "NY-" + std::to_string(round);
                m.itemLabel = fs::path(f).stem().string();
                m.caliber = "9mm";
                try {
                    confirmed[f] = c.push(f, m).acquisition.id;
                } catch (const HubError&) {
                    break;  // the hub is gone: retry next round
                }
            }
            done = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(random)));
        if (!done) ++interrupted;
        hub.kill(SIGKILL);
        client.join();
        for (const auto& [f, id] : confirmed) {
            if (acknowledged.count(f)) {
                EXPECT_EQ(acknowledged[f], id) << "the same scan got a second id";
            }
            acknowledged[f] = id;
        }
    }
    EXPECT_GE(interrupted, 15) << "most rounds should have been killed mid-upload";

    // After the last restart: everything acknowledged is there, once; a full retry completes the set without duplicates.
    hub.start({"--workers", "0"});
    HubClient c(hub.url(), token);
    for (const auto& [f, id] : acknowledged) {
        const auto held = c.acquisition(id);
        EXPECT_EQ(held.sha256, fileSha(f)) << f;
    }
    std::set<std::string> ids;
    for (const auto& f : files) {
        AcquisitionMetadata m;
        m.caseRef = "NY-final";
        m.itemLabel = fs::path(f).stem().string();
        m.caliber = "9mm";
        ids.insert(c.push(f, m).acquisition.id);
    }
    EXPECT_EQ(ids.size(), files.size());
    EXPECT_EQ(c.stats().at(0).acquisitions, std::int64_t(files.size())) << "no acquisition lost or duplicated";
    std::size_t stored = 0;
    for (const auto& e : fs::recursive_directory_iterator(hub.dataDir() / "files"))
        if (e.is_regular_file() && e.path().extension() == ".x3p") ++stored;
    EXPECT_EQ(stored, files.size());
    std::size_t temporaries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(hub.dataDir() / "files" / ".tmp")) ++temporaries;
    EXPECT_EQ(temporaries, 0u) << "leftovers of killed uploads are cleared at start";
}

TEST_P(SyncTest, ABulletCandidateArrivesWithAllItsLandsOnceDisclosed) {
    // NYPD and LAPD each hold a bullet from the same barrel (LAPD's land l = barrel land l + 1).
    auto writeBullet = [&](const std::string& name, int shift, unsigned noise) {
        std::vector<std::string> files;
        for (int l = 1; l <= 6; ++l) {
            test::SyntheticLandOptions o;
            o.cols = 500;
            o.rows = 100;
            o.grooveLeftUm = 100;
            o.grooveRightUm = 900;
            o.seed = noise + unsigned(l);
            files.push_back((dir / (name + "-L" + std::to_string(l) + ".x3p")).string());
            imaging::writeX3p(test::syntheticLand(o, test::randomStriae(unsigned(500 + (l - 1 + shift) % 6))), files.back());
        }
        return files;
    };
    auto importBullet = [&](Site& site, const std::string& caseNumber, const std::vector<std::string>& files) {
        records::CaseRecord c;
        c.number = caseNumber;
        site.store->addCase(site.tech, c);
        records::Item i;
        i.label = "Q1";
        i.kind = "bullet";
        i.origin = "crime_scene";
        i.caliber = "9mm";
        i.lands = 6;
        const auto item = site.store->addItem(site.tech, caseNumber, i);
        records::ImportOptions o;
        o.region = "land";
        o.preprocess = false;
        records::Id first = 0;
        for (std::size_t l = 0; l < files.size(); ++l) {
            o.land = int(l) + 1;
            const auto a = site.store->importScan(site.tech, item.id, files[l], o);
            if (l == 0) first = a.id;
        }
        return first;
    };
    HubProcess hub(dir / "hub", database, "hub1");
    const std::string tokenNy = hub.addAgency("NYPD"), tokenLa = hub.addAgency("LAPD");
    hub.start({"--workers", "2"});
    Site ny(dir / "ny", "NYPD"), la(dir / "la", "LAPD");
    const records::Id nyLand1 = importBullet(ny, "NY-9", writeBullet("ny", 0, 10));
    const records::Id laLand1 = importBullet(la, "LA-9", writeBullet("la", 1, 20));
    ny.configure(hub.url(), tokenNy, "NYPD");
    la.configure(hub.url(), tokenLa, "LAPD");
    SyncClient nyClient(*ny.store, ny.tech), laClient(*la.store, la.tech);
    EXPECT_EQ(nyClient.push().pushed, 6);
    EXPECT_EQ(laClient.push().pushed, 6);
    HubClient laHub(hub.url(), tokenLa);
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        for (const auto& l : laHub.leads(0, 100, cursor))
            if (l.status == "correlated" && !l.candidates.empty()) return true;
        return false;
    })) << hub.logText();
    auto r = laClient.pull();
    EXPECT_EQ(r.listsPulled, 1) << "the bullet's list (on its land 1); the other lands' say grouped";
    EXPECT_EQ(r.scansFetched, 0);
    const auto runs = la.store->runsOf(laLand1);
    ASSERT_EQ(runs.size(), 1u);
    const auto candidates = la.store->candidates(runs[0].id);
    ASSERT_EQ(candidates.size(), 1u);
    EXPECT_GT(candidates[0].score, 0.8);
    EXPECT_NE(candidates[0].details.find("\"phase\":1"), std::string::npos) << candidates[0].details;
    const records::Id standInItem = la.store->acquisition(candidates[0].acquisitionId).itemId;

    // NYPD discloses its bullet (all six lands, from its land 1); LAPD's next pull fetches them into one stand-in bullet.
    EXPECT_EQ(nyClient.disclose(nyLand1, true), 6);
    EXPECT_THROW(laClient.disclose(candidates[0].acquisitionId, true), records::RecordsError) << "not LAPD's to disclose";
    r = laClient.pull();
    EXPECT_EQ(r.scansFetched, 6);
    const auto lands = la.store->acquisitionsOfItem(standInItem);
    ASSERT_EQ(lands.size(), 6u);
    std::vector<imaging::LandSignature> theirs, mine;
    for (const auto& a : lands) {
        ASSERT_FALSE(a.processedSha256.empty());
        ASSERT_TRUE(a.land.has_value());
    }
    auto sorted = lands;
    std::sort(sorted.begin(), sorted.end(), [](auto& x, auto& y) { return *x.land < *y.land; });
    for (const auto& a : sorted) theirs.push_back(imaging::extractLandSignature(imaging::readX3p(la.store->filePath(a.processedSha256)).surface));
    for (const auto& a : la.store->acquisitionsOfItem(la.store->acquisition(laLand1).itemId))
        mine.push_back(imaging::extractLandSignature(imaging::readX3p(la.store->filePath(a.processedSha256)).surface));
    EXPECT_EQ(matching::compareBullets(mine, theirs).phase, 1) << "ready for the bullet view: LAPD land i lines up with NYPD land i + 1";
    // Withdrawn by its owner, it leaves LAPD's list at the hub.
    EXPECT_EQ(nyClient.withdraw(nyLand1), 6);
    std::int64_t cursor = 0;
    for (const auto& l : laHub.leads(0, 100, cursor)) EXPECT_TRUE(l.candidates.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncTest, ::testing::Values("sqlite", "postgresql"));

TEST(SyncCli, ConfigurePushPullStatusThroughTheCommandLine) {
    test::TempDir dir;
    imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 2;
    o.sizePx = 96;
    imaging::writeSyntheticSet(o, (dir / "scans").string());
    HubProcess hub(dir / "hub", "", "hub1");
    const std::string token = hub.addAgency("DEMO");
    hub.start({"--workers", "1"});

    const std::string store = (dir / "store").string();
    const std::string cli = std::string(STRIAE_CLI) + " ";
    std::string admin;
    const std::string env = test::cliStoreWithTechnician(store, "DEMO", "US", &admin);
    test::runCommand(env + cli + "case add C-1");
    test::runCommand(env + cli + "item add C-1 Q1 --caliber 9mm");
    test::runCommand(env + cli + "item add C-1 Q2 --caliber 9mm");
    test::runCommand(env + cli + "import 1 " + test::shellQuote((dir / "scans" / "F01-01.x3p").string()) + " --processed");
    test::runCommand(env + cli + "import 2 " + test::shellQuote((dir / "scans" / "F01-02.x3p").string()) + " --processed");
    EXPECT_NE(test::runCommand(env + cli + "sync status").find("(not configured)"), std::string::npos);
    test::runCommand(admin + "STRIAE_HUB_TOKEN=" + token + " " + cli + "sync configure --hub " + hub.url() + " --agency DEMO");
    const std::string pushed = test::runCommand(env + cli + "sync push --json");
    EXPECT_NE(pushed.find("\"pushed\":2"), std::string::npos) << pushed;
    HubClient client(hub.url(), token);
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        return client.leads(0, 10, cursor).size() == 2;
    }));
    const std::string pulled = test::runCommand(env + cli + "sync pull");
    EXPECT_NE(pulled.find("lead lists pulled 2"), std::string::npos) << pulled;
    const std::string status = test::runCommand(env + cli + "sync status");
    EXPECT_NE(status.find("0 queued, 2 sent, 0 failed"), std::string::npos) << status;
    // A hub that is down: exit 1, and the reason.
    hub.kill(SIGKILL);
    test::runCommand(env + cli + "import 1 " + test::shellQuote((dir / "scans" / "F01-02.x3p").string()) + " --processed");
    FILE* p = ::popen((env + cli + "sync push --timeout 2 2>&1").c_str(), "r");
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
    EXPECT_EQ(WEXITSTATUS(::pclose(p)), 1) << out;
    EXPECT_NE(out.find("cannot reach hub"), std::string::npos) << out;
}

TEST(SyncCli, ASharedRecordIsMatchedByAnotherAgencysHubCheckAndItsOwnerSeesTheNotice) {
    test::TempDir dir;
    HubProcess hub(dir / "hub", "", "hub1");
    const std::string tokenA = hub.addAgency("AAA"), tokenB = hub.addAgency("BBB");
    hub.start({"--workers", "0"});
    const std::string cli = std::string(STRIAE_CLI) + " ";
    // Two agencies, each with its own store and records officer.
    auto site = [&](const std::string& agency, const std::string& token) {
        std::string admin;
        const std::string env = test::cliStore((dir / agency).string(), agency, "US", {{"rita", "Rita", "records_officer", "rita-password"}}, &admin);
        test::runCommand(admin + "STRIAE_HUB_TOKEN=" + token + " " + cli + "sync configure --hub " + hub.url() + " --agency " + agency);
        return env;
    };
    const std::string a = site("AAA", tokenA), b = site("BBB", tokenB);

    test::runCommand(a + cli + "firearm add --status stolen --serial 'PX-4411 07' --make Beretta --caliber '9mm Luger'");
    test::runCommand(a + cli + "firearm share 1");
    const std::string pushed = test::runCommand(a + cli + "sync push --json");
    EXPECT_NE(pushed.find("\"recordsShared\":1"), std::string::npos) << pushed;

    // BBB's check finds nothing in its own store, and AAA's record at the hub by the partial serial.
    const std::string check = test::runCommand(b + cli + "firearm check --status seized --serial 'PX4411*' --make Beretta --hub --json");
    Poco::JSON::Parser parser;
    const auto root = parser.parse(check).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getArray("matches")->size(), 0u) << check;
    ASSERT_TRUE(root->has("hub")) << check;
    const auto hubMatches = root->getObject("hub")->getArray("matches");
    ASSERT_EQ(hubMatches->size(), 1u) << check;
    EXPECT_EQ(hubMatches->getObject(0)->getValue<std::string>("owner_agency"), "AAA");
    EXPECT_EQ(hubMatches->getObject(0)->getValue<std::string>("how"), "partial serial");

    const std::string pulled = test::runCommand(a + cli + "sync pull");
    EXPECT_NE(pulled.find("firearm notices 1"), std::string::npos) << pulled;
    const std::string notices = test::runCommand(a + cli + "firearm notifications --hub --unread --csv");
    EXPECT_NE(notices.find("seizure_match,BBB"), std::string::npos) << notices;
    test::runCommand(a + cli + "firearm notifications --hub --mark-read 1");
    EXPECT_EQ(test::runCommand(a + cli + "firearm notifications --hub --unread --csv").find("seizure_match"), std::string::npos);
}

TEST(SyncCli, ATraceRequestBetweenTwoStoresGoesThroughTheHubAndItsNoticesComeBack) {
    test::TempDir dir;
    HubProcess hub(dir / "hub", "", "hub1");
    const std::string tokenA = hub.addAgency("AAA"), tokenB = hub.addAgency("BBB");
    hub.start({"--workers", "0"});
    const std::string cli = std::string(STRIAE_CLI) + " ";
    auto site = [&](const std::string& agency, const std::string& token) {
        std::string admin;
        const std::string env = test::cliStore((dir / agency).string(), agency, "US",
                                               {{"tess", "Tess", "trace_officer", "tess-password"}, {"rita", "Rita", "records_officer", "rita-password"}},
                                               &admin);
        test::runCommand(admin + "STRIAE_HUB_TOKEN=" + token + " " + cli + "sync configure --hub " + hub.url() + " --agency " + agency);
        return env;
    };
    const std::string a = site("AAA", tokenA), b = site("BBB", tokenB);
    // BBB is not an agency of AAA's store: only the hub knows it.
    const std::string submitted =
        test::runCommand(a + cli + "trace network submit --to BBB --serial PX-44 --make Beretta --reason 'seized at a robbery' --due 2030-02-01 --json");
    Poco::JSON::Parser parser;
    const auto request = parser.parse(submitted).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(request->getValue<std::string>("status"), "submitted");
    const std::string id = std::to_string(request->getValue<int>("id"));

    // A records officer may not act on trace requests, here or at the hub; nothing is sent.
    FILE* p = ::popen((std::string("STRIAE_STORE=") + test::shellQuote((dir / "BBB").string()) + " STRIAE_USER=rita STRIAE_PASSWORD=rita-password " +
                       cli + "trace network acknowledge " + id + " 2>&1")
                          .c_str(),
                      "r");
    std::string refused;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, p)) refused += buffer;
    EXPECT_NE(WEXITSTATUS(::pclose(p)), 0);
    EXPECT_NE(refused.find("needs the trace_officer role"), std::string::npos) << refused;

    EXPECT_NE(test::runCommand(b + cli + "trace network list --csv").find(id + ",AAA,BBB,submitted"), std::string::npos);
    test::runCommand(b + cli + "trace network acknowledge " + id);
    // The answer's evidence travels with it: a file attached at the hub, fetched by the other store byte for byte.
    const std::string receipt = (dir / "sale receipt.txt").string(), fetched = (dir / "fetched.txt").string();
    std::ofstream(receipt) << "dealer 0815: sold 2021-06-01, ID on file\n";
    EXPECT_NE(test::runCommand(b + cli + "trace network attach " + id + " " + test::shellQuote(receipt)).find("sale receipt.txt"), std::string::npos);
    test::runCommand(b + cli + "trace network answer " + id + " --text 'sold 2021 by a dealer in our area'");
    EXPECT_NE(test::runCommand(a + cli + "trace network attachments " + id + " --csv").find("sale receipt.txt"), std::string::npos);
    test::runCommand(a + cli + "trace network attachments " + id + " --get 1 --out " + test::shellQuote(fetched));
    std::ifstream in(fetched);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "dealer 0815: sold 2021-06-01, ID on file\n");
    const std::string shown = test::runCommand(a + cli + "trace network show " + id);
    EXPECT_NE(shown.find("answered"), std::string::npos) << shown;
    EXPECT_NE(shown.find("sold 2021 by a dealer in our area"), std::string::npos) << shown;
    test::runCommand(a + cli + "trace network close " + id + " --text thanks");
    const std::string exported = (dir / "network-trace.json").string();
    test::runCommand(a + cli + "trace network export " + id + " --json " + test::shellQuote(exported));
    const auto file = parser.parse(std::string((std::istreambuf_iterator<char>(std::ifstream(exported).rdbuf())), {})).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(file->getValue<std::string>("status"), "closed");
    EXPECT_EQ(file->getArray("attachments")->size(), 1u);
    EXPECT_NE(test::runCommand(a + cli + "trace network list --outgoing --csv").find(id + ",AAA,BBB,closed"), std::string::npos);

    // Each step is in the acting store's audit trail as well.
    const std::string audit = test::runCommand(b + cli + "audit show hub_trace_request " + id + " --csv");
    EXPECT_NE(audit.find("hub_trace_acknowledge"), std::string::npos) << audit;
    EXPECT_NE(audit.find("hub_trace_attach"), std::string::npos) << audit;
    EXPECT_NE(audit.find("hub_trace_answer"), std::string::npos) << audit;
    EXPECT_NE(test::runCommand(b + cli + "audit verify").find("audit trail intact"), std::string::npos);
    // Each store's pull brings the other side's steps as notices.
    test::runCommand(a + cli + "sync pull");
    const std::string notices = test::runCommand(a + cli + "firearm notifications --hub --csv");
    EXPECT_NE(notices.find("trace_status,BBB"), std::string::npos) << notices;
    test::runCommand(b + cli + "sync pull");
    EXPECT_NE(test::runCommand(b + cli + "firearm notifications --hub --csv").find("trace_submitted,AAA"), std::string::npos);
}
