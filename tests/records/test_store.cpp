#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "StoreFixture.h"
#include "striae/imaging/X3p.h"
#include "striae/imaging/Preprocess.h"
#include "striae/matching/Cmc.h"

using namespace striae;
using records::RecordsError;
using Kind = records::RecordsError::Kind;

namespace {
template <typename F>
Kind kindOf(F&& f) {
    try {
        f();
    } catch (const RecordsError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no error";
    return Kind::Storage;
}
}  // namespace

class Store : public test::StoreFixture {};

TEST_F(Store, CreatesWithWalForeignKeysAndTheCurrentSchema) {
    EXPECT_EQ(store->schemaVersion(), records::Store::currentSchemaVersion());
    EXPECT_EQ(store->integrityCheck(), "ok");
    SQLite::Database db((storePath / "store.db").string());
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(kindOf([&] { records::Store::create(storePath.string(), {0, "X", "X", "X"}, "a", "a", "password1"); }),
              Kind::Conflict);
}

TEST_F(Store, UpgradesAnOlderStoreInPlace) {
    const auto old = dir / "old";
    std::filesystem::create_directories(old / "files");
    { SQLite::Database db((old / "store.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }  // version 0
    EXPECT_EQ(kindOf([&] { records::Store::open(old.string(), false); }), Kind::Storage);
    const auto upgraded = records::Store::open(old.string(), true);
    EXPECT_EQ(upgraded.schemaVersion(), records::Store::currentSchemaVersion());
}

TEST_F(Store, MigrationsFromVersionOneFillTheCaliberOfExistingAcquisitions) {
    store->addCase(tech, test::newCase("M"));
    const auto item = store->addItem(tech, "M", test::newItem("Q1", "cartridge_case", "crime_scene", ".45 ACP"));
    records::ImportOptions o;
    o.preprocess = false;
    store->importScan(tech, item.id, (scans() / "F01-01.x3p").string(), o);
    store.reset();
    {
        // Back to version 1 as it was: no caliber on acquisitions.
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("DROP INDEX firearm_record_owner; DROP TABLE firearm_photo_sent; DROP TABLE firearm_record_photo; DROP TABLE firearm_record_link; DROP TABLE trace_attachment; DROP TABLE firearm_report; DROP TABLE hub_alert; DROP TABLE hub_notice; DROP TABLE firearm_record_sent; "
                "DROP TABLE firearm_alert; DROP TABLE trace_event; DROP TABLE trace_request; DROP TABLE reference_meta; "
                "DROP TABLE firearm_reference; DROP TABLE firearm_notification; DROP TABLE seizure_match; DROP TABLE seizure_check; "
                "DROP TABLE firearm_record; DROP TABLE caliber_reference; "
                "DROP TABLE outcome_sent; DROP TABLE lead_outcome; DROP INDEX correlation_run_query; DROP TABLE search_signature; DROP TABLE annotation; DROP TABLE hit_view; DROP TABLE audit_seal; DROP TABLE sync_setting; DROP TABLE outbox; DROP TABLE hub_acquisition; DROP TABLE hub_candidate; "
                "DROP INDEX acquisition_caliber_time; ALTER TABLE acquisition DROP COLUMN caliber; UPDATE schema_version SET version = 1");
    }
    EXPECT_EQ(kindOf([&] { records::Store::open(storePath.string(), false); }), Kind::Storage);
    store = records::Store::open(storePath.string());
    EXPECT_EQ(store->schemaVersion(), records::Store::currentSchemaVersion());
    EXPECT_EQ(store->syncStatus().queued, 0) << "version 3's sync tables are there";
    EXPECT_EQ(store->findAcquisitions(".45 ACP", "2000-01-01", "2100-01-01").size(), 1u);
    EXPECT_TRUE(store->findAcquisitions("9mm", "2000-01-01", "2100-01-01").empty());
}

TEST_F(Store, PasswordsAreSaltedSlowHashesAndChecked) {
    SQLite::Database db((storePath / "store.db").string());
    const std::string h1 = db.execAndGet("SELECT password_hash FROM user WHERE username = 'eve'").getString();
    const std::string h2 = db.execAndGet("SELECT password_hash FROM user WHERE username = 'ed'").getString();
    EXPECT_EQ(h1.rfind("pbkdf2-sha256$120000$", 0), 0u);
    EXPECT_EQ(h1.find("exam-password"), std::string::npos);
    EXPECT_NE(h1.substr(21, 32), h2.substr(21, 32)) << "different salts";
    EXPECT_EQ(kindOf([&] { store->authenticate("eve", "wrong-password"); }), Kind::PermissionDenied);
    EXPECT_EQ(kindOf([&] { store->authenticate("nobody", "exam-password"); }), Kind::PermissionDenied);
    EXPECT_EQ(store->authenticate("eve", "exam-password").id, examiner.id);
    EXPECT_EQ(kindOf([&] { store->addUser(admin, "SFPD", "short", "S", {records::Role::Technician}, "1234"); }), Kind::InvalidInput);
}

TEST_F(Store, RolesAreEnforcedByTheLibrary) {
    EXPECT_EQ(kindOf([&] { store->addUser(tech, "SFPD", "x", "X", {records::Role::Technician}, "password1"); }), Kind::PermissionDenied);
    EXPECT_EQ(kindOf([&] { store->addCase(examiner, test::newCase("C1")); }), Kind::PermissionDenied);
    try {
        store->addCase(examiner, test::newCase("C1"));
    } catch (const RecordsError& e) {
        EXPECT_NE(std::string(e.what()).find("needs the technician role"), std::string::npos) << e.what();
    }
}

TEST_F(Store, BadInputLeavesTheStoreUnchanged) {
    store->addCase(tech, test::newCase("2026-1"));
    const auto before = store->stats();
    EXPECT_EQ(kindOf([&] { store->addCase(tech, test::newCase("2026-1")); }), Kind::Conflict);
    EXPECT_EQ(kindOf([&] { store->addItem(tech, "no-such-case", test::newItem("Q1")); }), Kind::NotFound);
    records::Item bad;
    bad.label = "Q1";
    bad.kind = "grenade";
    bad.origin = "crime_scene";
    EXPECT_EQ(kindOf([&] { store->addItem(tech, "2026-1", bad); }), Kind::InvalidInput);
    records::Item ok;
    ok.label = "Q1";
    ok.kind = "cartridge_case";
    ok.origin = "crime_scene";
    const auto item = store->addItem(tech, "2026-1", ok);
    const auto afterItem = store->stats();
    std::ofstream(dir / "corrupt.x3p") << "not a zip";
    EXPECT_EQ(kindOf([&] { store->importScan(tech, item.id, (dir / "corrupt.x3p").string(), {}); }), Kind::InvalidInput);
    EXPECT_EQ(kindOf([&] { store->importScan(tech, 999, (scans() / "F01-01.x3p").string(), {}); }), Kind::NotFound);
    const auto after = store->stats();
    EXPECT_EQ(after.acquisitions, 0);
    EXPECT_EQ(after.auditEvents, afterItem.auditEvents);
    EXPECT_EQ(before.cases, after.cases);
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(storePath / "files")) files += e.is_regular_file();
    EXPECT_EQ(files, 0u) << "no file left by a failed import";
}

TEST_F(Store, ImportIsContentAddressedAndIdempotent) {
    store->addCase(tech, test::newCase("C"));
    records::Item i;
    i.label = "Q1";
    i.kind = "cartridge_case";
    i.origin = "crime_scene";
    i.caliber = "9mm";
    const auto item = store->addItem(tech, "C", i);
    records::ImportOptions o;
    o.preprocess = false;
    const auto a = store->importScan(tech, item.id, (scans() / "F01-01.x3p").string(), o);
    const auto again = store->importScan(tech, item.id, (scans() / "F01-01.x3p").string(), o);
    EXPECT_EQ(a.id, again.id);
    EXPECT_EQ(a.fileSha256.size(), 64u);
    EXPECT_TRUE(std::filesystem::exists(store->filePath(a.fileSha256)));
    EXPECT_TRUE(std::filesystem::exists(store->filePath(a.processedSha256)));
    EXPECT_EQ(store->stats().acquisitions, 1);
}

// A scan at another spacing is correlated at the coarser of the two; the
// candidate's details say what each had.
TEST_F(Store, ScansAtDifferentSpacingsAreCorrelatedAtTheCoarser) {
    store->addCase(tech, test::newCase("S1"));
    store->addCase(tech, test::newCase("S2"));
    records::ImportOptions o;
    o.preprocess = false;
    const auto q = store->importScan(tech, store->addItem(tech, "S1", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o);
    const auto coarser = dir / "F01-02-8um.x3p";
    imaging::writeX3p(imaging::resample(imaging::readX3p((scans() / "F01-02.x3p").string()).surface, 8e-6), coarser.string());
    store->importScan(tech, store->addItem(tech, "S2", test::newItem("Q1")).id, coarser.string(), o);
    const auto run = store->correlate(tech, q.id, matching::CmcParameters{}, 1);
    const auto cands = store->candidates(run.id);
    ASSERT_EQ(cands.size(), 1u);
    EXPECT_NE(cands[0].details.find("\"reference_spacing_m\""), std::string::npos) << cands[0].details;
    EXPECT_NE(cands[0].details.find("\"spacing_m\":0.000008,"), std::string::npos) << cands[0].details;
    EXPECT_GE(cands[0].score, 6) << "the same firearm, across spacings";
}

TEST_F(Store, OpenRemovesWhatAKilledImportLeft) {
    store->addCase(tech, test::newCase("J"));
    records::ImportOptions o;
    o.preprocess = false;
    const auto kept = store->importScan(tech, store->addItem(tech, "J", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o);
    store.reset();
    // As a killed import leaves it: a journal naming a stored but uncommitted scan (and one that is referenced),
    // and a temporary file.
    const std::string orphan(64, 'a');
    const auto orphanPath = storePath / "files" / "aa" / (orphan + ".x3p");
    std::filesystem::create_directories(orphanPath.parent_path());
    std::ofstream(orphanPath) << "scan bytes";
    std::filesystem::create_directories(storePath / "journal");
    std::ofstream(storePath / "journal" / "999-1") << orphan << "\n" << kept.fileSha256 << "\n";
    std::filesystem::create_directories(storePath / "files" / ".tmp");
    std::ofstream(storePath / "files" / ".tmp" / "123") << "half";
    store = records::Store::open(storePath.string());
    EXPECT_FALSE(std::filesystem::exists(orphanPath));
    EXPECT_TRUE(std::filesystem::exists(store->filePath(kept.fileSha256))) << "referenced scans stay";
    EXPECT_FALSE(std::filesystem::exists(storePath / "files" / ".tmp" / "123"));
    EXPECT_TRUE(std::filesystem::is_empty(storePath / "journal"));
}

TEST_F(Store, TheWorkflowRunsInOrderAndOnlyInOrder) {
    store->addCase(tech, test::newCase("C1", "shots fired", "2026-11-01", "casings near the bus stop"));
    store->addCase(tech, test::newCase("C2", "homicide", "2026-10-20"));
    auto add = [&](const std::string& c, const std::string& label) { return store->addItem(tech, c, test::newItem(label)); };
    records::ImportOptions o;
    o.preprocess = false;
    const auto q = store->importScan(tech, add("C1", "Q1").id, (scans() / "F01-01.x3p").string(), o);
    store->importScan(tech, add("C2", "Q1").id, (scans() / "F01-02.x3p").string(), o);
    store->importScan(tech, add("C2", "Q2").id, (scans() / "F02-01.x3p").string(), o);

    const auto run = store->correlate(tech, q.id, matching::CmcParameters{}, 2);
    const auto cands = store->candidates(run.id);
    ASSERT_EQ(cands.size(), 2u);
    EXPECT_EQ(cands[0].caseNumber, "C2");
    EXPECT_EQ(cands[0].itemLabel, "Q1") << "the same firearm ranks first";
    EXPECT_GT(cands[0].score, cands[1].score);

    const auto top = cands[0].id;
    EXPECT_EQ(kindOf([&] { store->markLead(tech, top, ""); }), Kind::WorkflowViolation) << "a lead needs a review";
    EXPECT_EQ(kindOf([&] { store->review(examiner, top, true, ""); }), Kind::PermissionDenied);
    store->review(tech, top, true, "many congruent cells");
    store->review(tech, cands[1].id, false, "");
    EXPECT_EQ(store->run(run.id).reviewedCount, 2);
    EXPECT_EQ(kindOf([&] { store->markLead(tech, cands[1].id, ""); }), Kind::WorkflowViolation);
    const auto lead = store->markLead(tech, top, "");
    EXPECT_EQ(store->findCases(test::casesWithStatus("open-leads")).size(), 1u);
    records::CaseFilter byItem;
    byItem.itemLabel = "Q2";
    ASSERT_EQ(store->findCases(byItem).size(), 1u);
    EXPECT_EQ(store->findCases(byItem)[0].number, "C2");
    records::CaseFilter byDate;
    byDate.fromDate = "2026-10-25";
    byDate.toDate = "2026-11-30";
    ASSERT_EQ(store->findCases(byDate).size(), 1u);
    EXPECT_EQ(store->findCases(byDate)[0].number, "C1");
    EXPECT_EQ(kindOf([&] { store->confirmHit(tech, lead.id, "identification", ""); }), Kind::PermissionDenied);
    EXPECT_EQ(kindOf([&] { store->confirmHit(examiner, 999, "identification", ""); }), Kind::WorkflowViolation);
    EXPECT_EQ(kindOf([&] { store->confirmHit(examiner, lead.id, "probably", ""); }), Kind::InvalidInput);
    const auto hit = store->confirmHit(examiner, lead.id, "identification", "agreement in the breech face");
    EXPECT_TRUE(store->openLeads().empty());
    EXPECT_EQ(kindOf([&] { store->approveHit(supervisor, hit.id, ""); }), Kind::WorkflowViolation) << "not verified yet";
    EXPECT_EQ(kindOf([&] { store->verifyHit(examiner, hit.id, "identification", true, ""); }), Kind::WorkflowViolation);
    store->verifyHit(examiner2, hit.id, "identification", true, "");
    EXPECT_EQ(kindOf([&] { store->approveHit(examiner2, hit.id, ""); }), Kind::PermissionDenied);
    store->approveHit(supervisor, hit.id, "");
    EXPECT_EQ(kindOf([&] { store->approveHit(supervisor, hit.id, ""); }), Kind::Conflict);

    const auto report = store->verifyAudit();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(int(report.events), store->stats().auditEvents);
    EXPECT_FALSE(store->auditTrail("hit", hit.id).empty());
    const auto notes = store->searchNotes("casing");
    ASSERT_EQ(notes.size(), 1u) << "porter stemming finds 'casings'";
    EXPECT_EQ(notes[0].kind, "case");
    const std::string json = store->exportCase(supervisor, "C1");
    EXPECT_NE(json.find("\"decision\": \"lead\""), std::string::npos) << json.substr(0, 3000);
    EXPECT_NE(json.find("striae-case-export/2"), std::string::npos);
}

TEST_F(Store, CancelledCorrelationStoresNothing) {
    records::ImportOptions o;
    o.preprocess = false;
    store->addCase(tech, test::newCase("K1"));
    store->addCase(tech, test::newCase("K2"));
    const auto q = store->importScan(tech, store->addItem(tech, "K1", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o);
    store->importScan(tech, store->addItem(tech, "K2", test::newItem("Q1")).id, (scans() / "F01-02.x3p").string(), o);
    const auto before = store->stats();
    int calls = 0;
    EXPECT_EQ(kindOf([&] {
                  store->correlate(tech, q.id, matching::CmcParameters{}, 1, [&](int, int) { return ++calls < 1; });
              }),
              Kind::InvalidInput);
    EXPECT_GE(calls, 1);
    EXPECT_EQ(store->stats().runs, before.runs);
    EXPECT_EQ(store->stats().auditEvents, before.auditEvents);
}

class Audit : public test::StoreFixture {
protected:
    void SetUp() override {
        StoreFixture::SetUp();
        for (int i = 0; i < 6; ++i) store->addCase(tech, test::newCase("C" + std::to_string(i)));
        ASSERT_TRUE(store->verifyAudit().ok());
        last = store->stats().auditEvents;
    }
    void tamper(const std::string& sql) {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec(sql);
    }
    std::string problems() {
        std::string all;
        for (const auto& p : records::Store::open(storePath.string()).verifyAudit().problems) all += p + "\n";
        return all;
    }
    int last = 0;
};

TEST_F(Audit, NamesAnEditedEvent) {
    tamper("UPDATE audit_event SET details = '{\"number\":\"C99\"}' WHERE id = 7");
    EXPECT_NE(problems().find("event 7 was edited"), std::string::npos) << problems();
}

TEST_F(Audit, NamesADeletedEvent) {
    tamper("DELETE FROM audit_event WHERE id = 4");
    EXPECT_NE(problems().find("events 4–4 are missing"), std::string::npos) << problems();
}

TEST_F(Audit, NamesAnEventReplacedInTheMiddle) {
    tamper("DELETE FROM audit_event WHERE id = 4");
    tamper("INSERT INTO audit_event(id, at, user_id, action, entity, entity_id, details, prev_hash, hash) "
           "SELECT 4, at, user_id, 'add_case', 'case', 99, '{}', prev_hash, hash FROM audit_event WHERE id = 5");
    EXPECT_NE(problems().find("event 4 was edited"), std::string::npos) << problems();
}

TEST_F(Audit, NamesAnAppendedForgery) {
    tamper("INSERT INTO audit_event(id, at, user_id, action, entity, entity_id, details, prev_hash, hash) VALUES (" +
           std::to_string(last + 1) + ", 'now', 1, 'approve_hit', 'hit', 1, '{}', 'x', 'y')");
    const auto p = problems();
    EXPECT_NE(p.find("event " + std::to_string(last + 1) + " does not follow"), std::string::npos) << p;
    EXPECT_NE(p.find("chain head"), std::string::npos) << p;
}

TEST_F(Audit, NamesDeletedEventsAtTheEnd) {
    tamper("DELETE FROM audit_event WHERE id >= " + std::to_string(last - 1));
    EXPECT_NE(problems().find("were deleted"), std::string::npos) << problems();
}

TEST_F(Store, ReadersWorkWhileAWriterWrites) {
    std::atomic<bool> stop{false};
    std::atomic<int> reads{0};
    std::string readerError;
    std::thread reader([&] {
        try {
            const auto view = records::Store::open(storePath.string());
            while (!stop) {
                view.findCases({});
                ++reads;
            }
        } catch (const std::exception& e) {
            readerError = e.what();
        }
    });
    while (reads == 0 && readerError.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int before = reads;
    for (int i = 0; i < 60; ++i) {
        store->addCase(tech, test::newCase("W" + std::to_string(i)));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const int during = reads - before;
    stop = true;
    reader.join();
    EXPECT_EQ(readerError, "");
    EXPECT_GT(during, 0) << "the reader kept reading while the writer wrote";
    EXPECT_EQ(store->findCases(test::casesNumbered("W*")).size(), 60u);
}
