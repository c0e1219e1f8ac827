// striae-hub as agencies and peer hubs use it: real processes on loopback,
// on SQLite and on PostgreSQL (same tests).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "HubProcess.h"
#include "SyntheticLand.h"
#include "striae/imaging/X3p.h"
#include "striae/imaging/Synthetic.h"
#include "striae/sync/HubClient.h"
#include "striae/matching/StageSurfaceFiles.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"

namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;
using striae::test::eventually;
using striae::test::statusOf;
using striae::test::HubProcess;

namespace {

AcquisitionMetadata metadata(const std::string& caseRef, const std::string& label, const std::string& caliber = "9mm") {
    AcquisitionMetadata m;
    m.caseRef = caseRef;
    m.itemLabel = label;
    m.caliber = caliber;
    m.classJson = R"({"firing_pin_shape":"hemispherical"})";
    return m;
}

std::size_t filesUnder(const fs::path& folder) {
    std::size_t n = 0;
    if (!fs::exists(folder)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        if (e.is_regular_file()) ++n;
    return n;
}

std::vector<LeadList> allLeads(HubClient& client) {
    std::int64_t cursor = 0;
    return client.leads(0, 1000, cursor);
}

const LeadList* listOf(const std::vector<LeadList>& lists, const std::string& id) {
    for (const auto& l : lists)
        if (l.acquisitionId == id) return &l;
    return nullptr;
}

}  // namespace

class HubTest : public test::HubBackendTest {
protected:
    void SetUp() override { makeScans(21); }
    // A synthetic land scan of `bullet`: the striae of `striaeSeed` (the barrel land), its own noise.
    std::string landFile(const std::string& bullet, int land, unsigned striaeSeed) const {
        test::SyntheticLandOptions o;
        o.cols = 500;
        o.rows = 100;
        o.grooveLeftUm = 100;
        o.grooveRightUm = 900;
        o.seed = striaeSeed * 7 + unsigned(land);
        const std::string path = (dir / (bullet + "-L" + std::to_string(land) + ".x3p")).string();
        imaging::writeX3p(test::syntheticLand(o, test::randomStriae(striaeSeed)), path);
        return path;
    }
};

TEST_P(HubTest, PushIsIdempotentAndEachAcquisitionGetsARankedLeadList) {
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "2"});
    HubClient client(h->url(), token);
    EXPECT_NE(client.health().find("\"ok\""), std::string::npos);

    std::map<std::string, std::string> ids;
    for (const std::string name : {"F01-01", "F02-01", "F03-01", "F01-02"}) {
        const PushReply r = client.push(scan(name), metadata("2026-0001", name));
        EXPECT_TRUE(r.created) << name;
        EXPECT_EQ(r.acquisition.agency, "NYPD");
        EXPECT_EQ(r.acquisition.metadata.itemLabel, name);
        ids[name] = r.acquisition.id;
    }
    // A retry (the reply was lost) gives the same acquisition, not a second one.
    const PushReply again = client.push(scan("F01-02"), metadata("2026-0001", "F01-02"));
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.acquisition.id, ids["F01-02"]);
    EXPECT_EQ(client.stats().at(0).acquisitions, 4);

    std::vector<LeadList> lists;
    ASSERT_TRUE(eventually([&] {
        lists = allLeads(client);
        return lists.size() == 4;
    })) << h->logText();
    // The last one pushed was compared with the three before; its own firearm's shot ranks first.
    const LeadList* last = listOf(lists, ids["F01-02"]);
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->status, "correlated");
    ASSERT_EQ(last->candidates.size(), 3u);
    EXPECT_EQ(last->candidates[0].acquisitionId, ids["F01-01"]);
    EXPECT_GT(last->candidates[0].score, last->candidates[1].score);
    EXPECT_NE(last->candidates[0].details.find("thetaDeg"), std::string::npos);
    EXPECT_EQ(last->holdings, 3);
    EXPECT_EQ(last->fullyCompared, 3) << "fewer holdings than the default shortlist's minimum: all compared";
    EXPECT_EQ(last->shortlist, "35 % (at least 200), then 200 by the second stage");
    // The first one's list was made against nothing; the three later pushes compared themselves with it and say so.
    const LeadList* firstPushed = listOf(lists, ids["F01-01"]);
    ASSERT_NE(firstPushed, nullptr);
    EXPECT_EQ(firstPushed->candidates.size(), 3u);
    EXPECT_EQ(firstPushed->holdings, 3);
    EXPECT_EQ(firstPushed->fullyCompared, 3);

    // Pulling from the cursor gives nothing new.
    std::int64_t cursor = 0;
    client.leads(0, 1000, cursor);
    std::int64_t next = 0;
    EXPECT_TRUE(client.leads(cursor, 1000, next).empty());
    EXPECT_EQ(next, cursor);

    // Outcomes are counted per agency.
    client.reportOutcome(last->candidates[0].id, "lead");
    client.reportOutcome(last->candidates[1].id, "eliminated");
    const auto stats = client.stats().at(0);
    EXPECT_EQ(stats.leads, 1);
    EXPECT_EQ(stats.eliminated, 1);
    EXPECT_GT(stats.medianHoursToLead, 0.0);
    client.reportOutcome(last->candidates[0].id, "hit");
    EXPECT_EQ(client.stats().at(0).hits, 1);
}

// The hub's first stage: with --shortlist 2, each new breech face's signature
// ranks the partition and CMC compares only the best two; every list says how
// many holdings there were, how many were compared and the shortlist. The
// signatures live in the database, the index beside the data; a hub whose
// index file was deleted rebuilds it from the database.
TEST_P(HubTest, AShortlistComparesTheFirstStagesBestAndEveryListSaysSo) {
    imaging::SynthOptions o;
    o.firearms = 3;
    o.shotsPerFirearm = 3;
    o.sizePx = 220;
    o.seed = 5;
    imaging::writeSyntheticSet(o, (dir / "large").string());
    auto large = [&](const std::string& name) { return (dir / "large" / (name + ".x3p")).string(); };
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "2", "--shortlist", "3/2"});
    HubClient client(h->url(), token);
    std::map<std::string, std::string> ids, shas;
    auto pushAndWait = [&](const std::string& name) {
        const auto pushed = client.push(large(name), metadata("2026-0002", name)).acquisition;
        ids[name] = pushed.id;
        shas[name] = pushed.sha256;
        const std::size_t before = ids.size();
        ASSERT_TRUE(eventually([&] { return allLeads(client).size() == before; })) << h->logText();
    };
    for (const std::string name : {"F01-01", "F02-01", "F03-01", "F02-02", "F03-02"}) ASSERT_NO_FATAL_FAILURE(pushAndWait(name));
    ASSERT_NO_FATAL_FAILURE(pushAndWait("F01-02"));
    auto lists = allLeads(client);
    const LeadList* last = listOf(lists, ids["F01-02"]);
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->holdings, 5);
    EXPECT_EQ(last->fullyCompared, 2) << "the first stage keeps 3, the second stage 2 of those for CMC";
    EXPECT_EQ(last->shortlist, "3, then 2 by the second stage");
    ASSERT_EQ(last->candidates.size(), 2u);
    EXPECT_EQ(last->candidates[0].acquisitionId, ids["F01-01"]) << "the same firearm's shot survives the first stage and ranks first";
    EXPECT_NE(last->candidates[0].details.find("\"firstStage\""), std::string::npos) << last->candidates[0].details;
    EXPECT_NE(last->candidates[0].details.find("\"secondStage\""), std::string::npos) << last->candidates[0].details;
    const LeadList* first = listOf(lists, ids["F02-01"]);
    ASSERT_NE(first, nullptr);
    EXPECT_GE(first->holdings, 1);
    EXPECT_EQ(first->fullyCompared, first->holdings) << "its own run (1 holding, compared) and each later arrival that compared itself with it by CMC";
    EXPECT_LE(int(first->candidates.size()), first->fullyCompared) << "never more candidates than comparisons";
    EXPECT_TRUE(fs::exists(dir / "hub1" / "search.index"));
    // The second stage's surfaces are kept beside the scans, one a holding.
    auto derived = [&] {
        std::vector<fs::path> files;
        if (fs::exists(dir / "hub1" / "derived"))
            for (const auto& e : fs::directory_iterator(dir / "hub1" / "derived")) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        return files;
    };
    ASSERT_EQ(derived().size(), 6u);

    // Restarted without its index file: rebuilt from the signatures in the database, the same shortlist;
    // the derived surfaces of the two holdings it must shortlist damaged and lost: made again from their scans.
    h->stop();
    fs::remove(dir / "hub1" / "search.index");
    const matching::StageSurfaceFiles files((dir / "hub1" / "derived").string());
    fs::resize_file(files.pathFor(shas["F01-01"]), fs::file_size(files.pathFor(shas["F01-01"])) / 2);
    fs::remove(files.pathFor(shas["F01-02"]));
    h->start({"--workers", "2", "--shortlist", "3/2"});
    HubClient again(h->url(), token);
    ids["F01-03"] = again.push(large("F01-03"), metadata("2026-0002", "F01-03")).acquisition.id;
    ASSERT_TRUE(eventually([&] { return allLeads(again).size() == 7; })) << h->logText();
    lists = allLeads(again);
    const LeadList* third = listOf(lists, ids["F01-03"]);
    ASSERT_NE(third, nullptr);
    EXPECT_EQ(third->holdings, 6);
    EXPECT_EQ(third->fullyCompared, 2);
    ASSERT_EQ(third->candidates.size(), 2u);
    const std::set<std::string> top{third->candidates[0].acquisitionId, third->candidates[1].acquisitionId};
    EXPECT_EQ(top, (std::set<std::string>{ids["F01-01"], ids["F01-02"]})) << "its firearm's two shots are the shortlist";
    EXPECT_EQ(derived().size(), 7u);
    EXPECT_TRUE(files.read(shas["F01-01"])) << "the damaged one made again";
    EXPECT_TRUE(files.read(shas["F01-02"])) << "the lost one made again";
}

// A breech face's search signature is computed at the push, from the surface
// the hub reads to check the file, before any correlation runs.
TEST_P(HubTest, APushedBreechFaceHasItsSearchSignatureBeforeItIsCorrelated) {
    imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 1;
    o.sizePx = 220;
    imaging::writeSyntheticSet(o, (dir / "one").string());
    const std::string database = test::hubDatabase(GetParam());
    test::HubProcess h(dir / "hub1", database, "hub1");
    const std::string token = h.addAgency("NYPD");
    h.start({"--workers", "0"});
    HubClient client(h.url(), token);
    const std::string id = client.push((dir / "one" / "F01-01.x3p").string(), metadata("2026-0003", "F01-01")).acquisition.id;
    HubDatabase db(database.empty() ? "sqlite:" + (dir / "hub1" / "hub.db").string() : database);
    EXPECT_EQ(db.query("SELECT state FROM job WHERE acquisition_id = ?", {id}).at(0).text(0), "queued") << "nothing correlated it";
    const auto rows = db.query("SELECT method, length(data) FROM search_signature WHERE acquisition_id = ?", {id});
    ASSERT_EQ(rows.size(), 1u) << h.logText();
    EXPECT_EQ(rows[0].text(0), "spectrum-rotation-search");
    EXPECT_GT(rows[0].integer(1), 4000) << "base64 of 4,096 bytes";
    // So is the second stage's surface; it goes with the scan when the owner withdraws it.
    const std::string sha = db.query("SELECT sha256 FROM acquisition WHERE id = ?", {id}).at(0).text(0);
    const matching::StageSurfaceFiles files((dir / "hub1" / "derived").string());
    EXPECT_TRUE(files.read(sha)) << h.logText();
    client.withdraw(id);
    EXPECT_FALSE(fs::exists(files.pathFor(sha)));
}

TEST_P(HubTest, ADifferentCaliberIsNotCompared) {
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "1"});
    HubClient client(h->url(), token);
    client.push(scan("F01-01"), metadata("C1", "a", "9mm"));
    const auto other = client.push(scan("F01-02"), metadata("C1", "b", ".40 S&W")).acquisition;
    std::vector<LeadList> lists;
    ASSERT_TRUE(eventually([&] { return (lists = allLeads(client)).size() == 2; }));
    EXPECT_TRUE(listOf(lists, other.id)->candidates.empty());
}

TEST_P(HubTest, TheQueueSurvivesARestart) {
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "0"});  // holds and queues, correlates nothing
    HubClient client(h->url(), token);
    for (const std::string name : {"F01-01", "F01-02", "F02-01"}) client.push(scan(name), metadata("C1", name));
    EXPECT_TRUE(allLeads(client).empty());
    h->kill(SIGKILL);
    h->start({"--workers", "1"});
    HubClient again(h->url(), token);
    ASSERT_TRUE(eventually([&] { return allLeads(again).size() == 3; })) << h->logText();
}

TEST_P(HubTest, OnlyTheOwnerChangesWithdrawsOrDisclosesAndOthersAreRefused) {
    auto h = hub("hub1");
    const std::string tokenA = h->addAgency("NYPD");
    const std::string tokenB = h->addAgency("LAPD");
    h->start({"--workers", "1"});
    HubClient a(h->url(), tokenA), b(h->url(), tokenB);
    const auto mine = a.push(scan("F01-01"), metadata("NY-1", "casing 1")).acquisition;
    const auto theirs = b.push(scan("F01-02"), metadata("LA-7", "casing 3")).acquisition;
    std::vector<LeadList> bLists;
    ASSERT_TRUE(eventually([&] { return (bLists = allLeads(b)).size() == 1 && bLists[0].candidates.size() == 1; }));
    const HubCandidate& candidate = bLists[0].candidates[0];
    EXPECT_EQ(candidate.acquisitionId, mine.id);
    EXPECT_EQ(candidate.agency, "NYPD");
    EXPECT_FALSE(candidate.disclosed);
    EXPECT_EQ(candidate.caseRef, "") << "NYPD's case number is not shown before it discloses";

    const std::string path = (dir / "download.x3p").string();
    // Not disclosed: the same 404 as for an id nobody holds (another agency cannot probe what is held).
    EXPECT_EQ(statusOf([&] { b.update(mine.id, metadata("X", "changed")); }), 404);
    EXPECT_EQ(statusOf([&] { b.disclose(mine.id, true); }), 404);
    EXPECT_EQ(statusOf([&] { b.withdraw(mine.id); }), 404);
    EXPECT_EQ(statusOf([&] { b.downloadScan(mine.id, path); }), 404);
    EXPECT_EQ(statusOf([&] { b.acquisition(mine.id); }), 404);
    EXPECT_EQ(statusOf([&] { a.reportOutcome(candidate.id, "hit"); }), 403) << "NYPD may not judge LAPD's list";
    EXPECT_FALSE(fs::exists(path));
    // Nothing changed.
    const auto held = a.acquisition(mine.id);
    EXPECT_EQ(held.metadata.caseRef, "NY-1");
    EXPECT_FALSE(held.disclosed);
    EXPECT_EQ(allLeads(b)[0].candidates[0].outcome, "");

    // Disclosed, LAPD may fetch it and sees the case.
    a.disclose(mine.id, true);
    b.downloadScan(mine.id, path);
    EXPECT_EQ(fs::file_size(path), fs::file_size(scan("F01-01")));
    EXPECT_EQ(allLeads(b)[0].candidates[0].caseRef, "NY-1");
    // The owner's update.
    EXPECT_EQ(a.update(mine.id, metadata("NY-1", "casing 1 (re-scanned)")).metadata.itemLabel, "casing 1 (re-scanned)");
    EXPECT_EQ(statusOf([&] { a.update(mine.id, metadata("NY-1", "x", ".45 ACP")); }), 400) << "caliber decides the comparisons";

    // Withdrawn: gone from LAPD's list and unreadable.
    a.withdraw(mine.id);
    EXPECT_TRUE(allLeads(b)[0].candidates.empty());
    EXPECT_EQ(statusOf([&] { b.downloadScan(mine.id, path + "2"); }), 404) << "withdrawn: no longer disclosed";
    EXPECT_EQ(statusOf([&] { a.downloadScan(mine.id, path + "2"); }), 410);
    EXPECT_EQ(statusOf([&] { a.push(scan("F01-01"), metadata("NY-1", "again")); }), 409);
    EXPECT_EQ(a.stats().at(0).withdrawn, 1);
    (void)theirs;
}

TEST_P(HubTest, BadRequestsGet4xxAndStoreNothing) {
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    const std::string revoked = h->admin("token issue NYPD");
    h->admin("token revoke " + revoked);
    h->start({"--workers", "0", "--max-upload-mb", "1"});
    HubClient client(h->url(), token);
    client.push(scan("F01-01"), metadata("C1", "kept"));
    const std::size_t filesBefore = filesUnder(h->dataDir() / "files");

    std::string body;
    const std::string boundary = "b0undary";
    auto multipart = [&](const std::string& meta, const std::string& filename, const std::string& content) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + meta + "\r\n--" + boundary +
               "\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"" + filename +
               "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    };
    std::ifstream in(scan("F02-01"), std::ios::binary);
    const std::string x3p((std::istreambuf_iterator<char>(in)), {});
    const std::string goodMeta = R"({"case_ref":"C2","item_label":"x","item_type":"cartridge_case","caliber":"9mm"})";
    const std::string type = "multipart/form-data; boundary=" + boundary;
    auto post = [&](const std::string& contentType, const std::string& payload) {
        return client.request("POST", "/v1/acquisitions", contentType, payload, body);
    };

    EXPECT_EQ(post(type, multipart("{\"case_ref\": ", "a.x3p", x3p)), 400);
    EXPECT_NE(body.find("malformed JSON"), std::string::npos) << body;
    EXPECT_EQ(post(type, multipart(R"({"case_ref":"C2","item_label":"x","item_type":"pistol","caliber":"9mm"})", "a.x3p", x3p)), 400);
    EXPECT_NE(body.find("item_type"), std::string::npos) << body;
    EXPECT_EQ(post(type, multipart(R"({"case_ref":"C2","item_label":"x","item_type":"cartridge_case"})", "a.x3p", x3p)), 400);
    EXPECT_NE(body.find("caliber"), std::string::npos) << body;
    EXPECT_EQ(post("application/json", goodMeta), 415);
    EXPECT_EQ(post("text/plain", multipart(goodMeta, "a.x3p", x3p)), 415);
    EXPECT_EQ(post(type, multipart(goodMeta, "../../etc/passwd", x3p)), 400);
    EXPECT_NE(body.find("not allowed"), std::string::npos) << body;
    EXPECT_EQ(post(type, multipart(goodMeta, "a.x3p", x3p.substr(0, x3p.size() / 2))), 422) << "a truncated X3P";
    EXPECT_NE(body.find("X3P"), std::string::npos) << body;
    EXPECT_EQ(post(type, multipart(goodMeta, "a.x3p", std::string(2 << 20, 'x'))), 413);
    EXPECT_EQ(post(type, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + goodMeta + "\r\n--" +
                             boundary + "--\r\n"),
              400);
    EXPECT_NE(body.find("'scan' is missing"), std::string::npos) << body;
    EXPECT_EQ(client.request("GET", "/v1/acquisitions/..%2F..%2Fhub.db/scan", "", "", body), 400);
    EXPECT_EQ(client.request("GET", "/v1/acquisitions/not-an-id", "", "", body), 400);
    EXPECT_EQ(client.request("GET", "/v1/leads?since=-1", "", "", body), 400);
    EXPECT_EQ(client.request("POST", "/v1/candidates/abc/outcome", "application/json", R"({"outcome":"lead"})", body), 400);
    EXPECT_EQ(client.request("POST", "/v1/candidates/1/outcome", "application/json", R"({"outcome":"maybe"})", body), 400);
    EXPECT_EQ(client.request("GET", "/v1/changes", "", "", body), 403) << "the feed is for peer hubs";

    HubClient wrong(h->url(), "sth_0000"), gone(h->url(), revoked), none(h->url(), "");
    EXPECT_EQ(statusOf([&] { wrong.push(scan("F02-01"), metadata("C2", "x")); }), 401);
    EXPECT_EQ(statusOf([&] { gone.push(scan("F02-01"), metadata("C2", "x")); }), 401);
    EXPECT_EQ(statusOf([&] { none.stats(); }), 401);

    // Nothing was stored: one acquisition, its file, no temporaries left.
    EXPECT_EQ(client.stats().at(0).acquisitions, 1);
    EXPECT_EQ(filesUnder(h->dataDir() / "files"), filesBefore);
    EXPECT_EQ(filesUnder(h->dataDir() / "files" / ".tmp"), 0u);
}

TEST_P(HubTest, TwoPeerHubsReplicateAndConvergeAfterOneWasDown) {
    auto h1 = hub("hub1");
    auto h2 = hub("hub2");
    const std::string tokenA = h1->addAgency("NYPD");
    const std::string tokenB = h2->addAgency("LAPD");
    const std::string peer1 = h1->addAgency("hub2", true);  // hub2 pulls hub1's feed with it
    const std::string peer2 = h2->addAgency("hub1", true);
    h1->usePort(test::freePort());
    h2->usePort(test::freePort());
    const std::string url1 = h1->url(), url2 = h2->url();
    const std::vector<std::string> common{"--workers", "1", "--replication-interval-ms", "200"};
    auto args = [&](const std::string& peerName, const std::string& url, const std::string& token) {
        auto a = common;
        a.insert(a.end(), {"--peer", peerName + "=" + url, "--peer-token", peerName + "=" + token});
        return a;
    };
    h1->start(args("hub2", url2, peer2));
    h2->start(args("hub1", url1, peer1));
    HubClient a(url1, tokenA), b(url2, tokenB);

    const auto a1 = a.push(scan("F01-01"), metadata("NY-1", "1")).acquisition;
    const auto a2 = a.push(scan("F02-01"), metadata("NY-1", "2")).acquisition;
    const auto b1 = b.push(scan("F01-02"), metadata("LA-1", "1")).acquisition;
    // A peer token of each hub reads its holdings as a peer does.
    HubClient peerView1(url1, peer1), peerView2(url2, peer2);
    auto held = [&](HubClient& peerView) {
        std::set<std::string> ids;
        for (const auto& id : {a1.id, a2.id, b1.id}) try {
                if (!peerView.acquisition(id).withdrawn) ids.insert(id);
            } catch (const HubError&) {
            }
        return ids;
    };
    ASSERT_TRUE(eventually([&] { return held(peerView1).size() == 3 && held(peerView2).size() == 3; }))
        << h1->logText() << h2->logText();
    // Same id everywhere; LAPD's list at hub2 ranks NYPD's shot of the same gun first.
    std::vector<LeadList> bLists;
    ASSERT_TRUE(eventually([&] {
        bLists = allLeads(b);
        return bLists.size() == 1 && !bLists[0].candidates.empty();
    }));
    EXPECT_EQ(bLists[0].candidates[0].acquisitionId, a1.id);
    EXPECT_EQ(bLists[0].candidates[0].agency, "NYPD");

    // A withdrawal at hub1 reaches hub2 and leaves LAPD's list there.
    a.withdraw(a1.id);
    ASSERT_TRUE(eventually([&] {
        const auto lists = allLeads(b);
        for (const auto& c : lists.at(0).candidates)
            if (c.acquisitionId == a1.id) return false;
        return held(peerView2).count(a1.id) == 0;
    }));

    // hub2 down; NYPD goes on pushing to hub1, LAPD pushes the same scan twice to hub1 (a site may use either).
    h2->kill(SIGKILL);
    const auto a3 = a.push(scan("F03-01"), metadata("NY-2", "3")).acquisition;
    HubClient bAt1(url1, h1->addAgency("LAPD"));
    const auto b1again = bAt1.push(scan("F01-02"), metadata("LA-1", "1")).acquisition;
    EXPECT_EQ(b1again.id, b1.id) << "the same agency's same scan is one acquisition on every hub";
    h2->start(args("hub1", url1, peer1));
    HubClient peerView2b(url2, peer2);
    ASSERT_TRUE(eventually([&] {
        try {
            return peerView2b.acquisition(a3.id).id == a3.id;
        } catch (const HubError&) {
            return false;
        }
    })) << h2->logText();
    // Converged, nothing duplicated: each hub holds a2, a3, b1 and a1 withdrawn.
    for (auto* view : {&peerView1, &peerView2b}) {
        EXPECT_EQ(view->acquisition(a1.id).withdrawn, true);
        EXPECT_EQ(view->acquisition(a3.id).metadata.caseRef, "NY-2");
        std::int64_t total = 0;
        for (const auto& s : view->stats()) total += s.acquisitions;
        EXPECT_EQ(total, 3) << "hub holds a2, a3, b1 once each";
    }
}

TEST_P(HubTest, WhatCameOfALeadReachesTheAgenciesOfAPeerHubOnce) {
    // NYPD works with hub1, LAPD with hub2; the hubs replicate each other.
    auto h1 = hub("hub1");
    auto h2 = hub("hub2");
    const std::string tokenA = h1->addAgency("NYPD");
    const std::string tokenB = h2->addAgency("LAPD");
    const std::string peer1 = h1->addAgency("hub2", true);
    const std::string peer2 = h2->addAgency("hub1", true);
    h1->usePort(test::freePort());
    h2->usePort(test::freePort());
    const std::string url1 = h1->url(), url2 = h2->url();
    auto args = [&](const std::string& peerName, const std::string& url, const std::string& token) {
        return std::vector<std::string>{"--workers", "1", "--replication-interval-ms", "200", "--peer", peerName + "=" + url, "--peer-token",
                                        peerName + "=" + token};
    };
    h1->start(args("hub2", url2, peer2));
    h2->start(args("hub1", url1, peer1));
    HubClient a(url1, tokenA), b(url2, tokenB);
    const auto a1 = a.push(scan("F01-01"), metadata("NY-1", "1")).acquisition;
    const auto b1 = b.push(scan("F01-02"), metadata("LA-1", "1")).acquisition;

    // LAPD's list at hub2 holds NYPD's shot of the same gun (replicated from hub1).
    std::int64_t candidateAtHub2 = 0;
    ASSERT_TRUE(eventually([&] {
        for (const auto& l : allLeads(b))
            for (const auto& c : l.candidates)
                if (c.acquisitionId == a1.id) candidateAtHub2 = c.id;
        return candidateAtHub2 != 0;
    })) << h1->logText() << h2->logText();

    HubFeedback report;
    report.kind = "arrest";
    report.note = "suspect arrested with the pistol";
    report.recordedBy = "det. garcia";
    report.recordedAt = "2026-12-01T10:00:00Z";
    const HubFeedback sent = b.sendFeedback(candidateAtHub2, report);
    EXPECT_EQ(sent.originHub, "hub2");
    EXPECT_EQ(sent.originId, sent.id);

    // NYPD, which only talks to hub1, gets it at its next pull, with who reported it and where.
    std::vector<HubFeedback> atHub1;
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        atHub1 = a.feedback(0, 100, cursor);
        return !atHub1.empty();
    })) << h1->logText();
    ASSERT_EQ(atHub1.size(), 1u);
    EXPECT_EQ(atHub1[0].agency, "LAPD");
    EXPECT_EQ(atHub1[0].kind, "arrest");
    EXPECT_EQ(atHub1[0].note, "suspect arrested with the pistol");
    EXPECT_EQ(atHub1[0].listAcquisitionId, b1.id);
    EXPECT_EQ(atHub1[0].candidateAcquisitionId, a1.id);
    EXPECT_EQ(atHub1[0].originHub, "hub2");
    EXPECT_EQ(atHub1[0].originId, sent.id);

    // hub2 reads hub1's feed too, where the outcome now is: it is not stored there a second time,
    // nor at hub1 again after more passes (a marker outcome sent after it shows the passes happened).
    report.kind = "charge";
    report.recordedAt = "2026-12-02T10:00:00Z";
    b.sendFeedback(candidateAtHub2, report);
    ASSERT_TRUE(eventually([&] {
        std::int64_t cursor = 0;
        return a.feedback(0, 100, cursor).size() == 2;
    }));
    HubClient peerView1(url1, peer1), peerView2(url2, peer2);
    for (int pass = 0; pass < 3; ++pass) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::int64_t cursor = 0;
    EXPECT_EQ(peerView2.feedback(0, 100, cursor).size(), 2u) << "hub2 holds its two outcomes once each";
    EXPECT_EQ(peerView1.feedback(0, 100, cursor).size(), 2u) << "hub1 holds the two replicated outcomes once each";
    EXPECT_EQ(b.feedback(0, 100, cursor).size(), 2u);

    // They count in hub1's statistics too, under the list's agency (LAPD, as LAPD reads them there).
    HubClient lapdAtHub1(url1, h1->addAgency("LAPD"));
    const std::string body = lapdAtHub1.statistics({});
    const auto figures = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("statistics");
    ASSERT_TRUE(figures) << body;
    EXPECT_EQ(figures->getObject("outcomes")->getValue<int>("arrest"), 1) << body;
    EXPECT_EQ(figures->getObject("outcomes")->getValue<int>("charge"), 1) << body;
}

TEST_P(HubTest, BulletsAreCorrelatedOnceAllTheirLandsAreHeld) {
    // Three bullets of six lands: Q and K from one barrel (K's land l carries barrel land l + 2), X from another.
    auto bulletMetadata = [](const std::string& label, int land) {
        AcquisitionMetadata m;
        m.caseRef = "B-1";
        m.itemLabel = label;
        m.itemType = "bullet";
        m.region = "land";
        m.caliber = "9mm";
        m.land = land;
        m.lands = 6;
        return m;
    };
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "2"});
    HubClient client(h->url(), token);
    std::map<std::string, std::string> keys;  // bullet -> its land 1 acquisition
    for (int land = 1; land <= 6; ++land) {
        const auto q = client.push(landFile("Q", land, unsigned(100 + land)), bulletMetadata("Q", land)).acquisition.id;
        if (land == 1) keys["Q"] = q;
        client.push(landFile("X", land, unsigned(300 + land)), bulletMetadata("X", land));
    }
    // K arrives with one land missing: it waits.
    std::vector<std::string> kLands;
    for (int land = 1; land <= 5; ++land)
        kLands.push_back(client.push(landFile("K", land, unsigned(100 + (land + 1) % 6 + 1)), bulletMetadata("K", land)).acquisition.id);
    ASSERT_TRUE(eventually([&] {
        const auto lists = allLeads(client);
        const auto* k1 = listOf(lists, kLands[0]);
        return k1 && k1->status == "waiting" && lists.size() == 17;
    })) << h->logText() << [&] {
        std::string t;
        for (const auto& l : allLeads(client)) t += l.acquisitionId.substr(0, 6) + ":" + l.status + ":" + std::to_string(l.candidates.size()) + " ";
        return t;
    }();
    kLands.push_back(client.push(landFile("K", 6, unsigned(100 + 7 % 6 + 1)), bulletMetadata("K", 6)).acquisition.id);
    std::vector<LeadList> lists;
    ASSERT_TRUE(eventually([&] {
        lists = allLeads(client);
        const auto* k1 = listOf(lists, kLands[0]);
        return k1 && k1->status == "correlated" && k1->candidates.size() == 2;
    })) << h->logText();
    const LeadList* k1 = listOf(lists, kLands[0]);
    EXPECT_EQ(k1->candidates[0].acquisitionId, keys["Q"]) << "the bullet from the same barrel ranks first";
    EXPECT_GT(k1->candidates[0].score, 0.8);
    EXPECT_LT(k1->candidates[1].score, 0.6);
    EXPECT_NE(k1->candidates[0].details.find("\"phase\""), std::string::npos);
    EXPECT_EQ(listOf(lists, kLands[3])->status, "grouped");
    // Q's list, computed before K was complete, now names K too.
    const LeadList* q1 = listOf(lists, keys["Q"]);
    ASSERT_NE(q1, nullptr);
    ASSERT_FALSE(q1->candidates.empty());
    EXPECT_EQ(q1->candidates[0].acquisitionId, kLands[0]);
    // A bullet's land without its land number is refused.
    auto bad = bulletMetadata("Z", 0);
    EXPECT_EQ(statusOf([&] { client.push(landFile("Z", 1, 999), bad); }), 400);
}

TEST_P(HubTest, ABulletWithoutItsDamagedLandsIsCorrelatedByLandNumber) {
    // Q: six lands; D from Q's barrel (D's land l carries barrel land l + 2), land 3 damaged and not scanned.
    auto metadata = [](const std::string& label, int land, int scanned) {
        AcquisitionMetadata m;
        m.caseRef = "B-2";
        m.itemLabel = label;
        m.itemType = "bullet";
        m.region = "land";
        m.caliber = "9mm";
        m.land = land;
        m.lands = 6;
        m.landsScanned = scanned;
        return m;
    };
    auto h = hub("hub1");
    const std::string token = h->addAgency("NYPD");
    h->start({"--workers", "2"});
    HubClient client(h->url(), token);
    std::string q1;
    for (int land = 1; land <= 6; ++land) {
        const auto id = client.push(landFile("Q", land, unsigned(100 + land)), metadata("Q", land, 0)).acquisition.id;
        if (land == 1) q1 = id;
    }
    std::string d1;
    for (int land : {1, 2, 4, 5, 6}) {
        const auto id = client.push(landFile("D", land, unsigned(100 + (land + 1) % 6 + 1)), metadata("D", land, 5)).acquisition.id;
        if (land == 1) d1 = id;
    }
    std::vector<LeadList> lists;
    ASSERT_TRUE(eventually([&] {
        lists = allLeads(client);
        const auto* d = listOf(lists, d1);
        return d && d->status == "correlated" && d->candidates.size() == 1;
    })) << h->logText();
    const auto& top = listOf(lists, d1)->candidates[0];
    EXPECT_EQ(top.acquisitionId, q1);
    EXPECT_GT(top.score, 0.8);
    EXPECT_NE(top.details.find("\"landsA\":[1,2,4,5,6]"), std::string::npos) << top.details;
    EXPECT_NE(top.details.find("\"phase\":2"), std::string::npos) << top.details;
    // lands_scanned must lie in 2 ... lands, and only bullets carry it.
    EXPECT_EQ(statusOf([&] { client.push(landFile("Z", 1, 999), metadata("Z", 1, 7)); }), 400);
    auto caseScan = metadata("Z", 0, 3);
    caseScan.itemType = "cartridge_case";
    caseScan.region = "breech_face";
    caseScan.lands = 0;
    EXPECT_EQ(statusOf([&] { client.push(landFile("Z", 2, 998), caseScan); }), 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, HubTest, ::testing::Values("sqlite", "postgresql"));

TEST(HubHttps, ServesTheApiOverTlsWithItsCertificate) {
    test::TempDir dir;
    const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    test::runCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                     key + " -out " + cert + " 2>&1");
    ::setenv("STRIAE_HUB_CA", cert.c_str(), 1);  // the client trusts the hub's own certificate
    imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 1;
    o.sizePx = 64;
    imaging::writeSyntheticSet(o, (dir / "scans").string());
    HubProcess h(dir / "hub", "", "hub1");
    const std::string token = h.addAgency("NYPD");
    h.start({"--workers", "0", "--certificate", cert, "--private-key", key});
    std::string url = h.url();
    url.replace(0, 4, "https");
    HubClient client(url, token);
    EXPECT_NE(client.health().find("ok"), std::string::npos);
    AcquisitionMetadata m;
    m.caseRef = "C";
    m.itemLabel = "Q";
    m.caliber = "9mm";
    EXPECT_TRUE(client.push((dir / "scans" / "F01-01.x3p").string(), m).created);
    EXPECT_EQ(statusOf([&] { HubClient(h.url(), token).health(); }), 0) << "plain HTTP to the TLS port fails";
}

// A hub data folder made before lands_scanned (and the statistics' recovered_at and lead_at, the outcomes' origin) existed is brought up to date on open.
TEST(HubSchema, AnOlderDataFolderGainsLandsScannedAndTheListsSearchScope) {
    test::TempDir dir;
    std::string token;
    {
        HubStore store((dir / "hub").string(), "", "hub1");
        store.addAgency("NYPD", "NYPD");
        store.addAgency("hub2", "hub2", /*peer=*/true);
        token = store.issueToken("NYPD");
    }
    const std::string db = (dir / "hub" / "hub.db").string();
    test::runCommand("sqlite3 '" + db + "' \"DROP INDEX candidate_leads; ALTER TABLE acquisition DROP COLUMN lands_scanned; ALTER TABLE lead_list DROP COLUMN holdings; "
                     "ALTER TABLE lead_list DROP COLUMN fully_compared; ALTER TABLE lead_list DROP COLUMN shortlist; "
                     "ALTER TABLE acquisition DROP COLUMN recovered_at; ALTER TABLE candidate DROP COLUMN lead_at; "
                     "DROP INDEX feedback_origin; ALTER TABLE feedback DROP COLUMN origin_hub; ALTER TABLE feedback DROP COLUMN origin_id; "
                     "ALTER TABLE token DROP COLUMN scopes; "
                     "DROP INDEX acquisition_country; DROP INDEX acquisition_via_hub; "
                     "ALTER TABLE agency DROP COLUMN kind; ALTER TABLE agency DROP COLUMN country; "
                     "ALTER TABLE acquisition DROP COLUMN country; ALTER TABLE acquisition DROP COLUMN scope; "
                     "ALTER TABLE acquisition DROP COLUMN via_hub; ALTER TABLE acquisition DROP COLUMN acquired_for; "
                     "ALTER TABLE acquisition DROP COLUMN submission_id; DELETE FROM hub_meta WHERE name IN ('tier', 'country'); "
                     "INSERT INTO feedback(id, list_id, acquisition_id, agency, kind, note, recorded_by, recorded_at, received_at) "
                     "VALUES (7, 'x', 'y', 'NYPD', 'arrest', '', 'a', '2026-01-01T00:00:00Z', 0); "
                     "UPDATE hub_meta SET value = '1' WHERE name = 'schema_version';\"");
    ASSERT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('acquisition') WHERE name = 'lands_scanned'\"").substr(0, 1), "0");
    {
        HubStore store((dir / "hub").string(), "", "hub1");  // migrates
        EXPECT_THROW(store.addAgency("NYPD", "NYPD"), HubError) << "what was there is kept";
        // A token issued before tokens had scopes (schema 6) may still do everything.
        const Caller caller = store.authenticate(token);
        EXPECT_EQ(caller.scopes, "all");
        EXPECT_TRUE(caller.may("evidence") && caller.may("records") && caller.may("traces"));
        // Schema 7, the tiers: accounts have kinds (a peer stays a peer), the hub is national until told otherwise.
        EXPECT_EQ(caller.kind, "agency");
        EXPECT_EQ(store.tier(), "national");
    }
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT kind FROM agency WHERE code = 'hub2'\""), "peer");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('acquisition') WHERE name IN "
                                                  "('country', 'scope', 'via_hub', 'acquired_for', 'submission_id')\""),
              "5");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('acquisition') WHERE name = 'lands_scanned'\"").substr(0, 1), "1");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('lead_list') WHERE name IN ('holdings', 'fully_compared', 'shortlist')\"").substr(0, 1), "3");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('acquisition') WHERE name = 'recovered_at'\"").substr(0, 1), "1");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM pragma_table_info('candidate') WHERE name = 'lead_at'\"").substr(0, 1), "1");
    // An outcome stored before is this hub's own (schema 5: where each outcome was first reported).
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT origin_hub || ':' || origin_id FROM feedback\""), "hub1:7");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                                  "('candidate_leads', 'candidate_reviewed', 'feedback_origin')\""),
              "3");
    EXPECT_EQ(test::runCommand("sqlite3 '" + db + "' \"SELECT value FROM hub_meta WHERE name = 'schema_version'\"").substr(0, 1), "7");
}
