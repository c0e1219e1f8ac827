// A bulk import killed with SIGKILL at random moments, 20 times: after each,
// the store opens, passes integrity_check and audit verify, and holds no
// half-imported acquisition and no orphan file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "StoreFixture.h"
#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"

using namespace striae;
namespace fs = std::filesystem;

TEST(StoreCrash, SigkillDuringBulkImportLeavesAConsistentStore) {
    test::TempDir dir;
    const auto storePath = dir / "store";
    records::Id itemId = 0;
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "SF", "US"}, "admin", "Ada", "admin-password");
        const auto admin = store.authenticate("admin", "admin-password");
        const auto tech = store.addUser(admin, "SFPD", "tina", "Tina", {records::Role::Technician}, "tech-password");
        store.addCase(tech, test::newCase("BULK"));
        records::Item item;
        item.label = "T1";
        item.kind = "cartridge_case";
        item.origin = "test_fire";
        itemId = store.addItem(tech, "BULK", item).id;
    }
    ::setenv("STRIAE_PASSWORD", "tech-password", 1);
    std::mt19937 rng(2026);
    int killedMidway = 0;
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE(round);
        // New scans each round, so there is always work to interrupt.
        const auto scans = dir / ("round" + std::to_string(round));
        imaging::SynthOptions o;
        o.firearms = 16;
        o.shotsPerFirearm = 1;
        o.sizePx = 240;
        o.seed = 100 + round;
        imaging::writeSyntheticSet(o, scans.string());
        std::vector<std::string> args{STRIAE_CLI, "import", std::to_string(itemId), "--store", storePath.string(), "--user", "tina"};
        for (int f = 1; f <= 16; ++f) {
            char name[32];
            std::snprintf(name, sizeof name, "F%02d-01.x3p", f);
            args.push_back((scans / name).string());
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::freopen("/dev/null", "w", stdout);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(40, 350)(rng)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) ++killedMidway;

        const auto store = records::Store::open(storePath.string());  // cleans up what the kill left
        EXPECT_EQ(store.integrityCheck(), "ok");
        const auto audit = store.verifyAudit();
        EXPECT_TRUE(audit.ok()) << (audit.problems.empty() ? "" : audit.problems[0]);
        std::set<std::string> referenced;
        const auto acquisitions = store.acquisitionsOfItem(itemId);
        for (const auto& a : acquisitions) {
            EXPECT_TRUE(fs::exists(store.filePath(a.fileSha256))) << "acquisition " << a.id << " lost its scan";
            EXPECT_TRUE(fs::exists(store.filePath(a.processedSha256)));
            referenced.insert(a.fileSha256);
            referenced.insert(a.processedSha256);
        }
        for (const auto& e : fs::recursive_directory_iterator(storePath / "files")) {
            if (!e.is_regular_file()) continue;
            EXPECT_TRUE(referenced.count(e.path().stem().string())) << "orphan or temporary file " << e.path();
        }
        // Every acquisition has its audit event, and no event names a missing acquisition.
        SQLite::Database db((storePath / "store.db").string());
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_event WHERE action = 'import'").getInt(), int(acquisitions.size()));
    }
    EXPECT_GE(killedMidway, 10) << "most rounds should be interrupted, not finish first";
}
