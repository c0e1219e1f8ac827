// Evidence integrity and hostile input on a real SQLite store: the workflow
// cannot be bent, tampering outside Striae (with sqlite3 or on the files) is
// named by `verifyAudit`, and bad input is refused with nothing changed.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "StoreFixture.h"
#include "striae/matching/Cmc.h"

using namespace striae;
using records::RecordsError;
using Kind = records::RecordsError::Kind;

namespace {

template <typename F>
std::pair<Kind, std::string> errorOf(F&& f) {
    try {
        f();
    } catch (const RecordsError& e) {
        return {e.kind(), e.what()};
    }
    ADD_FAILURE() << "no error";
    return {Kind::Storage, ""};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int mode(const std::filesystem::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return int(st.st_mode & 0777);
}

}  // namespace

// A store that has been through the whole workflow: three scans, a run, a
// reviewed candidate, a lead, a hit, its verification and approval.
class Integrity : public test::StoreFixture {
protected:
    records::Acquisition query, other, third;
    records::Id candidate = 0, leadId = 0, hitId = 0;

    void SetUp() override {
        StoreFixture::SetUp();
        store->addCase(tech, test::newCase("C1", "shots fired", "2026-11-01"));
        store->addCase(tech, test::newCase("C2", "homicide", "2026-10-20"));
        records::ImportOptions o;
        o.preprocess = false;
        query = store->importScan(tech, store->addItem(tech, "C1", test::newItem("Q1")).id, (scans() / "F01-01.x3p").string(), o);
        other = store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q1")).id, (scans() / "F01-02.x3p").string(), o);
        third = store->importScan(tech, store->addItem(tech, "C2", test::newItem("Q2")).id, (scans() / "F02-01.x3p").string(), o);
        const auto run = store->correlate(tech, query.id, matching::CmcParameters{}, 2);
        candidate = store->candidates(run.id).at(0).id;
        store->review(tech, candidate, true, "many congruent cells");
        leadId = store->markLead(tech, candidate, "").id;
        hitId = store->confirmHit(examiner, leadId, "identification", "").id;
        store->verifyHit(examiner2, hitId, "identification", true, "");
        store->approveHit(supervisor, hitId, "");
        const auto report = store->verifyAudit();
        ASSERT_TRUE(report.ok()) << problemsOf(report);
    }

    static std::string problemsOf(const records::AuditReport& r) {
        std::string all;
        for (const auto& p : r.problems) all += p + "\n";
        return all;
    }
    void sql(const std::string& statement) {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec(statement);
    }
    std::string problems() { return problemsOf(records::Store::open(storePath.string()).verifyAudit()); }
};

TEST_F(Integrity, TheIntactStoreChecksEveryRowFileAndAnchor) {
    const auto r = store->verifyAudit();
    EXPECT_TRUE(r.ok());
    EXPECT_GE(r.rowsChecked, std::size_t(20));
    // Each distinct stored file once. (The rewritten "processed" X3P equals the
    // raw file only when both were written in the same second: the writer dates it.)
    std::set<std::string> files;
    for (const auto& a : {query, other, third}) files.insert({a.fileSha256, a.processedSha256});
    EXPECT_EQ(r.filesChecked, files.size());
    EXPECT_EQ(r.anchored, r.events);
}

TEST_F(Integrity, AHitsConclusionEditedWithSqliteIsNamed) {
    sql("UPDATE hit SET conclusion = 'elimination'");
    EXPECT_TRUE(contains(problems(), "hit " + std::to_string(hitId) + " was changed outside Striae")) << problems();
}

TEST_F(Integrity, AnEditedVerificationIsNamed) {
    sql("UPDATE verification SET conclusion = 'inconclusive_b'");
    EXPECT_TRUE(contains(problems(), "verification 1 was changed outside Striae")) << problems();
}

TEST_F(Integrity, DeletedApprovalLeadAndReviewAreNamed) {
    sql("DELETE FROM approval");
    sql("DELETE FROM lead");
    sql("DELETE FROM review");
    const auto p = problems();
    EXPECT_TRUE(contains(p, "approval 1 was deleted")) << p;
    EXPECT_TRUE(contains(p, "lead " + std::to_string(leadId) + " was deleted")) << p;
    EXPECT_TRUE(contains(p, "review 1 was deleted")) << p;
}

TEST_F(Integrity, RaisedRolesAreNamedAndNotHonoured) {
    sql("UPDATE user SET roles = 'administrator,technician' WHERE username = 'tina'");
    EXPECT_TRUE(contains(problems(), "user " + std::to_string(tech.id) + " was changed outside Striae")) << problems();
    auto reopened = records::Store::open(storePath.string());
    const auto [kind, message] = errorOf([&] { reopened.authenticate("tina", "tech-password"); });
    EXPECT_EQ(kind, Kind::Tampered);
    EXPECT_TRUE(contains(message, "user tina was changed outside Striae")) << message;
    // Even with a User loaded before, the store reloads the actor's record to act.
    EXPECT_EQ(errorOf([&] { reopened.user(tech.id); }).first, Kind::Tampered);
}

TEST_F(Integrity, ASwappedFileHashIsNamed) {
    sql("UPDATE acquisition SET processed_sha256 = '" + third.processedSha256 + "' WHERE id = " + std::to_string(other.id));
    EXPECT_TRUE(contains(problems(), "acquisition " + std::to_string(other.id) + " was changed outside Striae")) << problems();
}

TEST_F(Integrity, AnOverwrittenScanFileIsNamedAndNotCorrelated) {
    std::filesystem::copy_file(store->filePath(third.processedSha256), store->filePath(other.processedSha256),
                               std::filesystem::copy_options::overwrite_existing);
    const auto p = problems();
    EXPECT_TRUE(contains(p, "of acquisition " + std::to_string(other.id) + " (" + other.processedSha256.substr(0, 12) + "…) was altered")) << p;
    const auto [kind, message] = errorOf([&] { store->correlate(tech, query.id, matching::CmcParameters{}, 1); });
    EXPECT_EQ(kind, Kind::Tampered) << message;
    EXPECT_TRUE(contains(message, other.processedSha256.substr(0, 12))) << message;
    EXPECT_EQ(errorOf([&] { store->readScan(other.processedSha256); }).first, Kind::Tampered);
}

TEST_F(Integrity, ADroppedLastEventWithARewrittenHeadIsCaughtByTheAnchor) {
    const int last = store->stats().auditEvents;
    sql("DELETE FROM audit_seal WHERE event_id = " + std::to_string(last) + "; DELETE FROM approval; DELETE FROM audit_event WHERE id = " +
        std::to_string(last) + "; UPDATE audit_head SET last_id = " + std::to_string(last - 1) +
        ", last_hash = (SELECT hash FROM audit_event WHERE id = " + std::to_string(last - 1) + ")");
    const auto p = problems();
    EXPECT_TRUE(contains(p, "event " + std::to_string(last) + " named in the audit anchor is missing")) << p;
    EXPECT_FALSE(contains(p, "approval 1 was deleted")) << "its seal went with the event; the anchor is what catches it";
}

TEST_F(Integrity, ARowInsertedOutsideStriaeIsNamed) {
    sql("INSERT INTO verification(hit_id, conclusion, blind, note, examiner_id, verified_at) "
        "SELECT hit_id, 'identification', 1, '', examiner_id, verified_at FROM verification; DELETE FROM verification WHERE id = 1");
    const auto p = problems();
    EXPECT_TRUE(contains(p, "verification 2 was not written by Striae")) << p;
    EXPECT_TRUE(contains(p, "verification 1 was deleted")) << p;
}

TEST_F(Integrity, AnEditedSealBreaksItsEvent) {
    sql("UPDATE audit_seal SET row_hash = (SELECT row_hash FROM audit_seal WHERE entity = 'hit' LIMIT 1) WHERE entity = 'approval'");
    EXPECT_TRUE(contains(problems(), "was edited")) << problems();
}

TEST_F(Integrity, AnAnchorOneEventBehindIsANoteNotTampering) {
    // A program stopped between its commit and the anchor: the last line is missing.
    const auto anchor = storePath / "audit-anchor";
    std::ifstream in(anchor);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    in.close();
    lines.pop_back();
    std::ofstream out(anchor, std::ios::trunc);
    for (const auto& l : lines) out << l << '\n';
    out.close();
    const auto r = store->verifyAudit();
    EXPECT_TRUE(r.ok()) << problemsOf(r);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_TRUE(contains(r.notes[0], "not in the anchor yet"));
}

// --- the workflow ------------------------------------------------------------

class Workflow : public Integrity {
protected:
    records::Id secondHit() {
        const auto run = store->correlate(tech, third.id, matching::CmcParameters{}, 1);
        const auto c = store->candidates(run.id).at(0).id;
        store->review(tech, c, true, "");
        return store->confirmHit(examiner, store->markLead(tech, c, "").id, "identification", "").id;
    }
};

TEST_F(Workflow, AnIdentificationTheVerifierCalledAnEliminationIsNotApproved) {
    const records::Id hit = secondHit();
    store->verifyHit(examiner2, hit, "elimination", true, "no agreement");
    const auto [kind, message] = errorOf([&] { store->approveHit(supervisor, hit, ""); });
    EXPECT_EQ(kind, Kind::WorkflowViolation);
    EXPECT_TRUE(contains(message, "by ed concluded elimination")) << message;
    EXPECT_TRUE(contains(message, "cannot be approved")) << message;
}

TEST_F(Workflow, ExaminerVerifierAndApproverAreThreePeople) {
    const auto both = store->addUser(admin, "SFPD", "una", "Una Both", {records::Role::Examiner, records::Role::Supervisor}, "both-password");
    const auto verifierToo =
        store->addUser(admin, "SFPD", "vic", "Vic Both", {records::Role::Examiner, records::Role::Supervisor}, "vic-password");
    const auto run = store->correlate(tech, third.id, matching::CmcParameters{}, 1);
    const auto c = store->candidates(run.id).at(0).id;
    store->review(tech, c, true, "");
    const auto hit = store->confirmHit(both, store->markLead(tech, c, "").id, "identification", "").id;
    store->verifyHit(verifierToo, hit, "identification", true, "");
    auto refused = errorOf([&] { store->approveHit(both, hit, ""); });
    EXPECT_EQ(refused.first, Kind::WorkflowViolation);
    EXPECT_TRUE(contains(refused.second, "una examined")) << refused.second;
    refused = errorOf([&] { store->approveHit(verifierToo, hit, ""); });
    EXPECT_EQ(refused.first, Kind::WorkflowViolation);
    EXPECT_TRUE(contains(refused.second, "vic verified")) << refused.second;
    EXPECT_EQ(errorOf([&] { store->verifyHit(both, hit, "identification", true, ""); }).first, Kind::WorkflowViolation);
    store->approveHit(supervisor, hit, "");
    EXPECT_EQ(errorOf([&] { store->verifyHit(examiner2, hit, "identification", true, ""); }).first, Kind::WorkflowViolation)
        << "no verification after approval";
}

// --- bad input ---------------------------------------------------------------

class Input : public test::StoreFixture {
protected:
    records::Id item() {
        if (itemId == 0) {
            store->addCase(tech, test::newCase("I1"));
            itemId = store->addItem(tech, "I1", test::newItem("Q1")).id;
        }
        return itemId;
    }
    std::size_t filesInStore() {
        std::size_t n = 0;
        for (const auto& e : std::filesystem::recursive_directory_iterator(storePath / "files"))
            if (e.is_regular_file()) ++n;
        return n;
    }
    void sql_insert_local_hub_case() {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO case_file(number, agency_id, created_by, created_at) VALUES ('HUB-B', 1, 1, '2026-01-01T00:00:00Z')");
    }
    records::Id itemId = 0;
};

TEST_F(Input, ADeviceAndAnOversizedFileAreRefusedBeforeReading) {
    const records::Id id = item();
    const auto before = store->stats();
    auto refused = errorOf([&] { store->importScan(tech, id, "/dev/zero", {}); });
    EXPECT_EQ(refused.first, Kind::InvalidInput);
    EXPECT_TRUE(contains(refused.second, "/dev/zero: not a regular file")) << refused.second;
    records::ImportOptions small;
    small.maxFileBytes = 1000;
    refused = errorOf([&] { store->importScan(tech, id, (scans() / "F01-01.x3p").string(), small); });
    EXPECT_EQ(refused.first, Kind::InvalidInput);
    EXPECT_TRUE(contains(refused.second, "more than the limit of 1000 bytes")) << refused.second;
    EXPECT_EQ(store->stats().acquisitions, before.acquisitions);
    EXPECT_EQ(store->stats().auditEvents, before.auditEvents);
    EXPECT_EQ(filesInStore(), 0u);
}

TEST_F(Input, ConcurrentWritersWaitInsteadOfFailing) {
    std::vector<std::thread> writers;
    std::atomic<int> failures{0};
    std::string firstError;
    std::mutex m;
    for (int w = 0; w < 20; ++w)
        writers.emplace_back([&, w] {
            try {
                auto mine = records::Store::open(storePath.string());
                mine.addCase(tech, test::newCase("P" + std::to_string(w)));
            } catch (const std::exception& e) {
                ++failures;
                std::lock_guard lock(m);
                firstError = e.what();
            }
        });
    for (auto& t : writers) t.join();
    EXPECT_EQ(failures.load(), 0) << firstError;
    EXPECT_EQ(store->stats().cases, 20);
    EXPECT_TRUE(store->verifyAudit().ok());
}

TEST_F(Input, ParallelImportsOfOneFileGiveOneAcquisition) {
    const records::Id id = item();
    const std::string file = (scans() / "F01-01.x3p").string();
    std::vector<std::thread> importers;
    std::vector<records::Id> ids(6, 0);
    std::vector<std::string> errors(6);
    for (int w = 0; w < 6; ++w)
        importers.emplace_back([&, w] {
            try {
                auto mine = records::Store::open(storePath.string());
                ids[std::size_t(w)] = mine.importScan(tech, id, file, {}).id;
            } catch (const std::exception& e) {
                errors[std::size_t(w)] = e.what();
            }
        });
    for (auto& t : importers) t.join();
    for (int w = 0; w < 6; ++w) {
        EXPECT_EQ(errors[std::size_t(w)], "");
        EXPECT_EQ(ids[std::size_t(w)], ids[0]);
    }
    EXPECT_EQ(store->stats().acquisitions, 1);
    EXPECT_EQ(filesInStore(), 2u) << "the raw and the processed scan, nothing left over";
    EXPECT_TRUE(store->verifyAudit().ok());
}

TEST_F(Input, NamesNumbersAndDatesAreValidated) {
    for (const std::string& bad : std::vector<std::string>{"two words", "new\nline", "esc\x1b[31m", "", "-lead", std::string(65, 'a')}) {
        const auto [kind, message] = errorOf([&] { store->addUser(admin, "SFPD", bad, "X", {records::Role::Technician}, "password1"); });
        EXPECT_EQ(kind, Kind::InvalidInput) << bad;
        EXPECT_TRUE(contains(message, "user name")) << message;
    }
    EXPECT_EQ(errorOf([&] { store->addUser(admin, "SFPD", "x.y", "X\x1b[2J", {records::Role::Technician}, "password1"); }).first,
              Kind::InvalidInput);
    for (const std::string bad : {"C 1 ", " C1", "C\t1", "C\x1b""1"})
        EXPECT_EQ(errorOf([&] { store->addCase(tech, test::newCase(bad)); }).first, Kind::InvalidInput) << bad;
    for (const std::string bad : {"2026-13-45", "2026-02-30", "2025-02-29", "yesterday", "2026-1-5", "2026-01-05T25:00"}) {
        const auto [kind, message] = errorOf([&] { store->addCase(tech, test::newCase("D1", "", bad)); });
        EXPECT_EQ(kind, Kind::InvalidInput) << bad;
        EXPECT_TRUE(contains(message, "offence date")) << message;
    }
    for (const std::string good : {"2024-02-29", "2026-11-01", "2026-11-01T14:30", "2026-11-01T14:30:05Z"})
        EXPECT_NO_THROW(store->addCase(tech, test::newCase("D-" + good, "", good))) << good;
    records::Item recovered = test::newItem("Q9");
    recovered.recoveredAt = "2026-13-01";
    EXPECT_EQ(errorOf([&] { store->addItem(tech, "D-2026-11-01", recovered); }).first, Kind::InvalidInput);
    EXPECT_EQ(store->stats().users, 5);
    EXPECT_EQ(store->stats().cases, 4);
}

TEST_F(Input, HubStandInCasesAreANamespaceLocalCasesCannotTake) {
    const auto [kind, message] = errorOf([&] { store->addCase(tech, test::newCase("HUB-B")); });
    EXPECT_EQ(kind, Kind::InvalidInput);
    EXPECT_TRUE(contains(message, "reserved")) << message;
    EXPECT_EQ(errorOf([&] { store->addCase(tech, test::newCase("hub-b")); }).first, Kind::InvalidInput);
    // A store from before the reservation that holds a local HUB-B: B's holdings do not go into it.
    sql_insert_local_hub_case();
    records::RemoteAcquisition r;
    r.hubId = std::string(32, 'a');
    r.agencyCode = "B";
    r.caliber = "9mm";
    const auto refused = errorOf([&] { store->remoteAcquisition(tech, r); });
    EXPECT_EQ(refused.first, Kind::Conflict);
    EXPECT_TRUE(contains(refused.second, "belongs to agency SFPD")) << refused.second;
}

TEST_F(Input, TheHubTokenIsNotInTheDatabaseAndTheStoreIsOwnerOnly) {
    ::setenv("STRIAE_KEYRING", "off", 1);  // the file, as without a desktop keyring (test_keyring.cpp covers the keyring)
    store->setSyncSetting(admin, "hub_token", "s3cret-token-value");
    EXPECT_EQ(store->syncSetting("hub_token"), "s3cret-token-value");
    {
        SQLite::Database db((storePath / "store.db").string());
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sync_setting WHERE value LIKE '%s3cret%'").getInt(), 0);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM audit_event WHERE details LIKE '%s3cret%'").getInt(), 0);
    }
    EXPECT_EQ(mode(storePath / "secrets" / "hub_token"), 0600);
    EXPECT_EQ(mode(storePath / "secrets"), 0700);
    EXPECT_EQ(mode(storePath), 0700);
    EXPECT_EQ(mode(storePath / "store.db"), 0600);
    EXPECT_EQ(mode(storePath / "audit-anchor"), 0600);
    records::ImportOptions o;
    o.preprocess = false;
    const auto a = store->importScan(tech, item(), (scans() / "F01-01.x3p").string(), o);
    EXPECT_EQ(mode(store->filePath(a.fileSha256)), 0600);
    ::unsetenv("STRIAE_KEYRING");
}

TEST_F(Input, ATokenKeptInTheDatabaseByAnOlderVersionMovesToTheSecretsFile) {
    store.reset();
    {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO sync_setting(name, value) VALUES ('hub_token', 'old-token')");
    }
    store = records::Store::open(storePath.string());
    EXPECT_EQ(store->syncSetting("hub_token"), "old-token");
    SQLite::Database db((storePath / "store.db").string());
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sync_setting WHERE name = 'hub_token'").getInt(), 0);
}

// Blind verification as AFTE/ASB practice means it, enforced by the library.
TEST_F(Workflow, ABlindVerifierSeesNeitherTheConclusionNorItsAuthor) {
    const records::Id hit = secondHit();
    const auto lead = store->leadOfCandidate(store->candidates(store->runsOf(third.id).front().id).at(0).id);
    ASSERT_TRUE(lead.has_value());
    const auto seenByVerifier = store->hitOfLead(examiner2, lead->id);
    ASSERT_TRUE(seenByVerifier.has_value());
    EXPECT_TRUE(seenByVerifier->hidden);
    EXPECT_EQ(seenByVerifier->conclusion, "");
    EXPECT_EQ(seenByVerifier->examinerId, 0);
    for (const auto& e : store->auditTrail(examiner2, "hit", hit))
        EXPECT_EQ(e.details.find("identification"), std::string::npos) << "the audit trail does not give it away: " << e.details;
    const auto seenByAuthor = store->hitOfLead(examiner, lead->id);
    EXPECT_FALSE(seenByAuthor->hidden);
    EXPECT_EQ(seenByAuthor->conclusion, "identification");
    EXPECT_EQ(store->hitOfLead(supervisor, lead->id)->conclusion, "identification") << "not an examiner: not a verifier";
    store->verifyHit(examiner2, hit, "identification", true, "");
    EXPECT_FALSE(store->hitOfLead(examiner2, lead->id)->hidden) << "once theirs is recorded";
    EXPECT_TRUE(store->hitOfLead(examiner2, lead->id)->verifiedByViewer);
}

TEST_F(Workflow, AVerificationMarkedBlindIsRefusedAfterTheVerifierSawTheConclusion) {
    const records::Id hit = secondHit();
    const auto before = store->stats().auditEvents;
    const auto shown = store->revealHit(examiner2, hit);
    EXPECT_EQ(shown.conclusion, "identification");
    EXPECT_FALSE(shown.hidden);
    EXPECT_EQ(store->stats().auditEvents, before + 1) << "seeing it is on the record";
    EXPECT_EQ(store->auditTrail("hit", hit).back().action, "view_conclusion");
    const auto [kind, message] = errorOf([&] { store->verifyHit(examiner2, hit, "identification", true, ""); });
    EXPECT_EQ(kind, Kind::WorkflowViolation);
    EXPECT_TRUE(contains(message, "cannot be recorded as blind")) << message;
    store->verifyHit(examiner2, hit, "identification", false, "saw the first conclusion");
    EXPECT_TRUE(store->verifyAudit().ok());
    EXPECT_EQ(errorOf([&] { store->revealHit(tech, hit); }).first, Kind::PermissionDenied);
}

TEST_F(Integrity, AnnotationsAreKeptAuditedAndSealed) {
    const auto pin = store->annotate(examiner, query.id, 312.5, 88.0, "firing-pin drag, 2 o'clock");
    const auto pins = store->annotationsOf(query.id);
    ASSERT_EQ(pins.size(), 1u);
    EXPECT_EQ(pins[0].note, "firing-pin drag, 2 o'clock");
    EXPECT_DOUBLE_EQ(pins[0].xUm, 312.5);
    EXPECT_EQ(pins[0].createdBy, examiner.id);
    EXPECT_EQ(store->auditTrail("acquisition", query.id).back().action, "annotate");
    const auto administratorOnly = store->addUser(admin, "SFPD", "root", "Ron Root", {records::Role::Administrator}, "root-password");
    EXPECT_EQ(errorOf([&] { store->annotate(administratorOnly, query.id, 1, 1, "x"); }).first, Kind::PermissionDenied);
    EXPECT_EQ(errorOf([&] { store->annotate(examiner, query.id, 1, 1, ""); }).first, Kind::InvalidInput);
    EXPECT_EQ(errorOf([&] { store->annotate(examiner, 999, 1, 1, "x"); }).first, Kind::NotFound);
    EXPECT_TRUE(store->verifyAudit().ok());
    sql("UPDATE annotation SET note = 'nothing here' WHERE id = " + std::to_string(pin.id));
    EXPECT_TRUE(contains(problems(), "annotation " + std::to_string(pin.id) + " was changed outside Striae")) << problems();
}
