// Hub workers that scale out (issue 15 point 6): the serving hub holds and
// queues only (--workers 0); three `striae-hub worker` processes take the
// jobs from the PostgreSQL queue; one is SIGKILLed in the middle of a job,
// whose lease then runs out and another worker takes it. Every job is done
// once and every lead list is complete.
#include <gtest/gtest.h>

#include <iostream>
#include <atomic>
#include <map>
#include <mutex>
#include <memory>
#include <set>
#include <thread>

#include "HubProcess.h"
#include "striae/imaging/Synthetic.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubSearch.h"
#include "striae/sync/HubStore.h"

using namespace striae;
using namespace striae::sync;
namespace fs = std::filesystem;

TEST(HubWorkers, ThreeWorkersOneKilledMidJobEveryJobDoneOnceListsComplete) {
    const std::string database = test::hubDatabase("postgresql");
    if (database == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
    test::TempDir dir;
    imaging::SynthOptions o;
    o.firearms = 4;
    o.shotsPerFirearm = 3;
    o.sizePx = 300;
    o.seed = 17;
    imaging::writeSyntheticSet(o, (dir / "scans").string());

    test::HubProcess hub(dir / "hub", database, "hub1");
    const std::string token = hub.addAgency("NYPD");
    hub.start({"--workers", "0"});  // the serving process correlates nothing itself
    HubClient client(hub.url(), token);
    std::map<std::string, std::string> firearmOf;  // acquisition → firearm
    for (int f = 1; f <= 4; ++f)
        for (int shot = 1; shot <= 3; ++shot) {
            const std::string name = "F0" + std::to_string(f) + "-0" + std::to_string(shot);
            AcquisitionMetadata m;
            m.caseRef = "2026-" + name;
            m.itemLabel = name;
            m.caliber = "9mm";
            firearmOf[client.push((dir / "scans" / (name + ".x3p")).string(), m).acquisition.id] = name.substr(0, 3);
        }
    HubDatabase db(database);
    auto jobs = [&](const std::string& where) {
        return db.query("SELECT acquisition_id, attempts, leased_by FROM job WHERE " + where + " ORDER BY acquisition_id");
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_EQ(jobs("state = 'queued'").size(), 12u) << "no worker yet: every job waits";

    std::vector<std::unique_ptr<test::WorkerProcess>> workers;
    for (const std::string id : {"w1", "w2", "w3"}) {
        workers.push_back(std::make_unique<test::WorkerProcess>(dir / "hub", database, "hub1", id));
        ASSERT_NO_FATAL_FAILURE(workers.back()->start({"--lease-seconds", "2", "--threads", "1"}));
    }
    // w1 is killed while it holds a job.
    std::string killedJob;
    ASSERT_TRUE(test::eventually(
        [&] {
            const auto held = jobs("state = 'running' AND leased_by = 'w1'");
            if (held.empty()) return false;
            killedJob = held.front().text(0);
            return true;
        },
        60))
        << workers[0]->logText();
    workers[0]->kill(SIGKILL);

    ASSERT_TRUE(test::eventually([&] { return jobs("state = 'done'").size() == 12; }, 180))
        << "jobs not done: " << jobs("state <> 'done'").size() << "\n" << workers[1]->logText() << workers[2]->logText();
    EXPECT_TRUE(jobs("state <> 'done'").empty());
    const auto killed = jobs("acquisition_id = '" + killedJob + "'");
    ASSERT_EQ(killed.size(), 1u);
    EXPECT_GE(killed.front().integer(1), 2) << "the killed worker's job was taken again after its lease ran out";
    std::cout << "w1 killed holding " << killedJob << "; the job was claimed " << killed.front().integer(1) << " times in all\n";
    EXPECT_EQ(db.query("SELECT count(*) FROM lead_list").front().integer(0), 12) << "one list per acquisition";

    // Every list complete: the 11 others, each once, the same firearm's shots on top.
    std::int64_t cursor = 0;
    const auto lists = client.leads(0, 1000, cursor);
    ASSERT_EQ(lists.size(), 12u);
    for (const auto& l : lists) {
        std::set<std::string> named;
        for (const auto& c : l.candidates) named.insert(c.acquisitionId);
        EXPECT_EQ(l.candidates.size(), 11u) << l.acquisitionId;
        EXPECT_EQ(named.size(), l.candidates.size()) << "no candidate twice in " << l.acquisitionId;
        EXPECT_EQ(l.holdings, 11);
        EXPECT_EQ(l.fullyCompared, 11);
        ASSERT_GE(l.candidates.size(), 2u);
        EXPECT_EQ(firearmOf[l.candidates[0].acquisitionId], firearmOf[l.acquisitionId]) << l.acquisitionId;
        EXPECT_EQ(firearmOf[l.candidates[1].acquisitionId], firearmOf[l.acquisitionId]) << l.acquisitionId;
    }
}

// Worker processes started together each set up the schema of the one
// PostgreSQL database (CREATE … IF NOT EXISTS, the migrations); without a lock
// two of them deadlocked in CREATE INDEX and one worker died at start.
TEST(HubWorkers, ProcessesStartingTogetherSetUpTheSchemaWithoutDeadlock) {
    const std::string database = test::hubDatabase("postgresql");
    if (database == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
    test::TempDir dir;
    { HubStore first((dir.path() / "serving").string(), database, "hub1"); }
    std::atomic<int> failures{0};
    std::string lastError;
    std::mutex errorMutex;
    for (int round = 0; round < 20; ++round) {
        std::vector<std::thread> starting;
        for (int w = 0; w < 6; ++w)
            starting.emplace_back([&, w] {
                try {
                    HubStore store((dir.path() / ("w" + std::to_string(w))).string(), database, "hub1");
                    HubSearch search(store.database(), (dir.path() / ("w" + std::to_string(w)) / "search.index").string());
                } catch (const std::exception& e) {
                    ++failures;
                    std::lock_guard lock(errorMutex);
                    lastError = e.what();
                }
            });
        for (auto& t : starting) t.join();
    }
    EXPECT_EQ(failures.load(), 0) << lastError;
}
