// Firearm records (lost, stolen … seized) and their serial-number search, on a
// real store: who may record and change them, what another agency sees, bad
// input refused with nothing stored, the audit trail sealing every change.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "StoreFixture.h"
#include "striae/records/LeadRegister.h"

#include <filesystem>
#include <fstream>
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/SerialNumber.h"

using namespace striae;
using records::RecordsError;
using striae::test::kindOf;

namespace {


records::FirearmRecordFields stolenPistol(const std::string& serial, const std::string& caliber = "9x19") {
    records::FirearmRecordFields f;
    f.status = "stolen";
    f.serial = serial;
    f.make = "Example Arms";
    f.model = "P1";
    f.caliber = caliber;
    f.type = "pistol";
    f.countryOfManufacture = "DE";
    f.eventDate = "2026-10-02";
    f.reportedAt = "2026-10-03";
    f.agencyCaseNumber = "SF-26-1001";
    f.remarks = "taken in a burglary";
    return f;
}

}  // namespace

TEST(SerialNumber, OneKeyForTheWaysOneSerialIsWritten) {
    EXPECT_EQ(records::normalizeSerial("ab-12 345"), "AB12345");
    EXPECT_EQ(records::normalizeSerial("00AB.12/345"), "AB12345") << "leading zeros and separators";
    EXPECT_EQ(records::normalizeSerial("OAB12345"), "AB12345") << "a leading O is a zero";
    EXPECT_EQ(records::normalizeSerial("1O1-I23"), "101123") << "O for 0 and I for 1";
    EXPECT_EQ(records::normalizeSerial("000"), "0");
    for (const std::string& bad : std::vector<std::string>{"", " - ", "AB#12", "AB*12", "AB\x1b[2J", "ÄB12"})
        EXPECT_EQ(kindOf([&] { records::normalizeSerial(bad); }), RecordsError::Kind::InvalidInput) << bad;
    std::string message;
    kindOf([&] { records::normalizeSerial("AB#12"); }, &message);
    EXPECT_NE(message.find("'#'"), std::string::npos) << message;
    EXPECT_EQ(kindOf([&] { records::normalizeSerial(std::string(41, '7')); }), RecordsError::Kind::InvalidInput);
}

TEST(SerialNumber, QueriesAreExactPrefixOrPatterns) {
    auto q = records::parseSerialQuery("0ab-12");
    EXPECT_EQ(q.mode, records::SerialQuery::Mode::Exact);
    EXPECT_EQ(q.normalized, "AB12");
    q = records::parseSerialQuery("ab-1", true);
    EXPECT_EQ(q.mode, records::SerialQuery::Mode::Prefix);
    EXPECT_EQ(q.globs, std::vector<std::string>{"AB1*"});
    q = records::parseSerialQuery("ab**12?4");
    EXPECT_EQ(q.mode, records::SerialQuery::Mode::Pattern);
    EXPECT_EQ(q.globs, std::vector<std::string>{"AB*12?4"});
    q = records::parseSerialQuery("??12o4");
    EXPECT_EQ(q.globs, (std::vector<std::string>{"??1204", "?1204", "1204"})) << "an unreadable leading digit may be a zero";
    EXPECT_EQ(kindOf([&] { records::parseSerialQuery("**"); }), RecordsError::Kind::InvalidInput);
}

TEST(Calibers, TheStarterListResolvesCommonWritings) {
    test::TempDir dir;
    auto store = records::Store::create((dir / "s").string(), {0, "SFPD", "SF", "US"}, "admin", "Ada", "admin-password");
    const auto calibers = store.calibers();
    EXPECT_GE(calibers.all().size(), 15u);
    for (const auto& c : calibers.all()) EXPECT_FALSE(c.source.empty()) << c.name << " says where it comes from";
    EXPECT_EQ(calibers.resolve("9x19").value_or(""), "9mm Luger");
    EXPECT_EQ(calibers.resolve("9 MM PARABELLUM").value_or(""), "9mm Luger");
    EXPECT_EQ(calibers.resolve("7,65 Browning").value_or(""), ".32 Auto") << "the C.I.P. name";
    EXPECT_EQ(calibers.resolve(".45 acp").value_or(""), ".45 Auto");
    EXPECT_FALSE(calibers.resolve("9mm Lugar"));
    EXPECT_EQ(calibers.suggest("9mm Lugar").at(0), "9mm Luger");
}

class FirearmRecordsTest : public test::StoreFixture {
protected:
    records::User officer, otherOfficer, otherViewer;
    void SetUp() override {
        StoreFixture::SetUp();
        officer = store->addUser(admin, "SFPD", "rita", "Rita Records", {records::Role::RecordsOfficer}, "rita-password");
        store->addAgency(admin, {0, "OPD", "Oakland PD", "US"});
        otherOfficer = store->addUser(admin, "OPD", "oscar", "Oscar Records", {records::Role::RecordsOfficer}, "oscar-password");
        otherViewer = store->addUser(admin, "OPD", "olga", "Olga Tech", {records::Role::Technician}, "olga-password");
    }
    std::size_t visibleTo(const records::User& viewer) {
        records::FirearmSearch all;
        all.includeWithdrawn = true;
        return store->firearmRecords().search(viewer, all).size();
    }
};

TEST_F(FirearmRecordsTest, ARecordIsFoundByItsSerialHoweverItIsWritten) {
    auto records = store->firearmRecords();
    const auto r = records.create(officer, stolenPistol("0AB-123 45"));
    EXPECT_EQ(r.ownerAgency, "SFPD");
    EXPECT_EQ(r.uid.rfind("SFPD-", 0), 0u) << r.uid;
    EXPECT_EQ(r.serialNormalized, "AB12345");
    EXPECT_EQ(r.fields.serial, "0AB-123 45") << "kept as written";
    EXPECT_EQ(r.fields.caliber, "9mm Luger") << "by its listed name";
    EXPECT_TRUE(r.caliberListed);
    records.create(officer, stolenPistol("XY-99"));
    auto find = [&](const std::string& serial, bool prefix = false) {
        records::FirearmSearch s;
        s.serial = serial;
        s.serialPrefix = prefix;
        std::vector<std::string> found;
        for (const auto& x : records.search(officer, s)) found.push_back(x.fields.serial);
        return found;
    };
    const std::vector<std::string> ours{"0AB-123 45"};
    EXPECT_EQ(find("ab12345"), ours);
    EXPECT_EQ(find("AB 123-45"), ours);
    EXPECT_EQ(find("0OAB12345"), ours) << "leading zeros, one written as O";
    EXPECT_EQ(find("AB12", true), ours);
    EXPECT_EQ(find("AB1*45"), ours);
    EXPECT_EQ(find("?B123?5"), ours) << "a partial serial";
    EXPECT_EQ(find("??B12345"), ours) << "an unreadable leading character that was a zero";
    EXPECT_EQ(find("*2345"), ours) << "the start obliterated";
    EXPECT_EQ(find("*B1?345"), ours);
    EXPECT_EQ(find("*23*"), ours) << "both ends unknown";
    EXPECT_TRUE(find("*2346").empty());
    EXPECT_TRUE(find("AB12346").empty());
    EXPECT_TRUE(find("B12345").empty()) << "not a suffix match";
    records::FirearmSearch byMake;
    byMake.make = "example ARMS";
    byMake.caliber = "9mm";
    EXPECT_EQ(records.search(officer, byMake).size(), 2u);
    byMake.status = "seized";
    EXPECT_TRUE(records.search(officer, byMake).empty());
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(FirearmRecordsTest, BadInputIsRefusedWithItsReasonAndNothingIsStored) {
    auto records = store->firearmRecords();
    const auto refused = [&](records::FirearmRecordFields f, const std::string& expected) {
        std::string message;
        EXPECT_EQ(kindOf([&] { records.create(officer, f); }, &message), RecordsError::Kind::InvalidInput) << expected;
        EXPECT_NE(message.find(expected), std::string::npos) << message;
    };
    refused(stolenPistol("AB12", "9mm Lugar"), "did you mean 9mm Luger");
    refused(stolenPistol("AB#12"), "'#'");
    refused(stolenPistol(""), "mark it obliterated");
    auto f = stolenPistol("AB12");
    f.status = "misplaced";
    refused(f, "status 'misplaced'");
    f = stolenPistol("AB12");
    f.countryOfManufacture = "Germany";
    refused(f, "ISO 3166");
    f = stolenPistol("AB12");
    f.eventDate = "2026-02-30";
    refused(f, "event date");
    f = stolenPistol("AB12");
    f.type = "cannon";
    refused(f, "type 'cannon'");
    EXPECT_EQ(visibleTo(officer), 0u);
    // Free text when asked for, flagged; an obliterated serial may be empty.
    f = stolenPistol("", "9.3x74R");
    f.serialObliterated = true;
    const auto kept = records.create(officer, f, true);
    EXPECT_EQ(kept.fields.caliber, "9.3x74R");
    EXPECT_FALSE(kept.caliberListed);
    EXPECT_EQ(kept.serialNormalized, "");
}

TEST_F(FirearmRecordsTest, OnlyTheOwningAgencysRecordsOfficersChangeARecordAndOthersSeeItOnceShared) {
    auto records = store->firearmRecords();
    EXPECT_EQ(kindOf([&] { records.create(tech, stolenPistol("AB12")); }), RecordsError::Kind::PermissionDenied)
        << "a technician keeps no firearm records";
    const auto r = records.create(officer, stolenPistol("AB12"));
    // Unshared: another agency neither sees nor learns of it.
    EXPECT_EQ(visibleTo(otherOfficer), 0u);
    EXPECT_EQ(kindOf([&] { records.get(otherViewer, r.id); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { records.update(otherOfficer, r.id, stolenPistol("ZZ99")); }), RecordsError::Kind::NotFound);
    // Shared: seen and found by serial, still not theirs to change.
    records.setShared(officer, r.id, true);
    EXPECT_EQ(visibleTo(otherViewer), 1u);
    records::FirearmSearch bySerial;
    bySerial.serial = "ab-12";
    EXPECT_EQ(records.search(otherViewer, bySerial).size(), 1u);
    std::string message;
    EXPECT_EQ(kindOf([&] { records.update(otherOfficer, r.id, stolenPistol("ZZ99")); }, &message), RecordsError::Kind::PermissionDenied);
    EXPECT_NE(message.find("belongs to SFPD"), std::string::npos) << message;
    EXPECT_EQ(kindOf([&] { records.withdraw(otherOfficer, r.id, "not ours"); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(kindOf([&] { records.setShared(otherOfficer, r.id, false); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(records.get(officer, r.id).fields.serial, "AB12") << "nothing changed";
    // The owner updates it (recovered), then withdraws it: it leaves every search, the trail keeps it.
    auto recovered = stolenPistol("AB12");
    recovered.status = "recovered";
    EXPECT_EQ(records.update(officer, r.id, recovered).fields.status, "recovered");
    records.withdraw(officer, r.id, "entered twice");
    EXPECT_TRUE(records.search(officer, bySerial).empty());
    EXPECT_EQ(kindOf([&] { records.update(officer, r.id, recovered); }), RecordsError::Kind::WorkflowViolation);
    std::vector<std::string> actions;
    for (const auto& e : store->auditTrail("firearm_record", r.id)) actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"record_firearm", "share_firearm_record", "update_firearm_record", "withdraw_firearm_record"}));
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(FirearmRecordsTest, AChangedRecordBreaksTheAuditChain) {
    const auto r = store->firearmRecords().create(officer, stolenPistol("AB12"));
    {
        SQLite::Database db((storePath / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE firearm_record SET status = 'cleared' WHERE id = " + std::to_string(r.id));
    }
    EXPECT_FALSE(store->verifyAudit(false).ok()) << "the sealed row was changed behind the store's back";
}

TEST_F(FirearmRecordsTest, ASeizureMatchedWithAPartialSerialNotifiesTheRecordingAgency) {
    auto records = store->firearmRecords();
    const auto shared = records.create(officer, stolenPistol("AB-12345"));
    records.setShared(officer, shared.id, true);
    records.create(officer, stolenPistol("AB-12399"));  // not shared: Oakland's check may not match it
    // Oakland seizes a pistol whose last two digits are ground off.
    records::FirearmRecordFields seized;
    seized.status = "seized";
    seized.serial = "ab 123??";
    seized.make = "EXAMPLE ARMS";
    seized.caliber = "9mm Parabellum";
    seized.agencyCaseNumber = "OPD-26-77";
    const auto check = records.checkSeizure(otherViewer, seized);
    EXPECT_EQ(check.agency, "OPD");
    EXPECT_TRUE(check.serialPartial);
    ASSERT_EQ(check.matches.size(), 1u) << "the unshared record is not Oakland's to match";
    EXPECT_EQ(check.matches[0].record.id, shared.id);
    EXPECT_EQ(check.matches[0].how, "partial serial");
    EXPECT_TRUE(check.matches[0].wanted);
    EXPECT_TRUE(check.matches[0].makeAgrees);
    // San Francisco is told, and sees the match in its record's history.
    const auto told = records.notifications(officer, true);
    ASSERT_EQ(told.size(), 1u);
    EXPECT_EQ(told[0].recordId, shared.id);
    EXPECT_EQ(told[0].checkingAgency, "OPD");
    EXPECT_EQ(told[0].checkedBy, "olga");
    const auto history = records.checksMatching(officer, shared.id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].agencyCaseNumber, "OPD-26-77");
    records.markNotificationRead(officer, told[0].id);
    EXPECT_TRUE(records.notifications(officer, true).empty());
    EXPECT_EQ(records.notifications(officer).size(), 1u);
    EXPECT_TRUE(records.notifications(otherOfficer).empty()) << "Oakland's own records matched nothing";
    EXPECT_EQ(kindOf([&] { records.markNotificationRead(otherOfficer, told[0].id); }), RecordsError::Kind::NotFound);
    // A third agency learns nothing of it.
    store->addAgency(admin, {0, "LAPD", "Los Angeles PD", "US"});
    const auto stranger = store->addUser(admin, "LAPD", "lou", "Lou", {records::Role::RecordsOfficer}, "lou-password");
    EXPECT_EQ(kindOf([&] { records.seizureCheck(stranger, check.id); }), RecordsError::Kind::NotFound);
    // An exact serial with another make is still reported, flagged.
    seized.serial = "AB12345";
    seized.make = "Other Works";
    const auto second = records.checkSeizure(otherViewer, seized);
    ASSERT_EQ(second.matches.size(), 1u);
    EXPECT_EQ(second.matches[0].how, "serial");
    EXPECT_FALSE(second.matches[0].makeAgrees);
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(FirearmRecordsTest, ABadSeizureCheckIsRefusedAndLeavesNoTrace) {
    auto records = store->firearmRecords();
    const auto r = records.create(officer, stolenPistol("AB12345"));
    records.setShared(officer, r.id, true);
    records::FirearmRecordFields seized;
    seized.status = "stolen";
    seized.serial = "AB12345";
    std::string message;
    EXPECT_EQ(kindOf([&] { records.checkSeizure(otherViewer, seized); }, &message), RecordsError::Kind::InvalidInput);
    EXPECT_NE(message.find("found, seized or recovered"), std::string::npos) << message;
    seized.status = "seized";
    seized.serial = "AB#12345";
    EXPECT_EQ(kindOf([&] { records.checkSeizure(otherViewer, seized); }), RecordsError::Kind::InvalidInput);
    seized.serial = "";
    seized.serialObliterated = true;
    EXPECT_EQ(kindOf([&] { records.checkSeizure(otherViewer, seized); }, &message), RecordsError::Kind::InvalidInput);
    EXPECT_NE(message.find("make and the caliber"), std::string::npos) << message;
    EXPECT_TRUE(records.notifications(officer).empty());
    EXPECT_TRUE(records.checksMatching(officer, r.id).empty());
    // Obliterated, with make and caliber: the records of that make and caliber.
    seized.make = "example arms";
    seized.caliber = "9x19";
    const auto byMake = records.checkSeizure(otherViewer, seized);
    ASSERT_EQ(byMake.matches.size(), 1u);
    EXPECT_EQ(byMake.matches[0].how, "make and caliber (serial obliterated)");
}

TEST_F(FirearmRecordsTest, ASeizedGunLinkedToItsRecordBringsItsTestFiresAndTheirLeadsToTheRecord) {
    // SFPD's record of a stolen pistol, shared; Oakland seizes the gun and test-fires it.
    auto records = store->firearmRecords();
    const auto record = records.setShared(officer, records.create(officer, stolenPistol("0AB-123 45")).id, true);
    const auto oaklandTech = store->addUser(admin, "OPD", "otis", "Otis Tech", {records::Role::Technician}, "otis-password");
    records::Firearm gun;
    gun.make = "Example Arms";
    gun.serial = "0AB-123 45";
    gun = store->addFirearm(oaklandTech, gun);
    store->addCase(oaklandTech, test::newCase("OPD-TF-7", "test fires of a seized pistol"));
    records::Item testFire = test::newItem("TF1", "cartridge_case", "test_fire");
    testFire.firearmId = gun.id;
    testFire = store->addItem(oaklandTech, "OPD-TF-7", testFire);
    store->addCase(oaklandTech, test::newCase("OPD-26-88", "shots fired"));
    const auto scene = store->addItem(oaklandTech, "OPD-26-88", test::newItem("Q1"));
    records::ImportOptions o;
    o.preprocess = false;
    const auto fired = store->importScan(oaklandTech, testFire.id, (scans() / "F01-01.x3p").string(), o);
    store->importScan(oaklandTech, scene.id, (scans() / "F01-02.x3p").string(), o);
    const auto run = store->correlate(oaklandTech, fired.id, matching::CmcParameters{}, 2);
    const auto top = store->candidates(run.id).at(0);
    store->review(oaklandTech, top.id, true, "");
    store->markLead(oaklandTech, top.id, "test fire vs. the shooting");

    // Oakland's technician links the gun to SFPD's shared record; SFPD sees the link and the test fires.
    const auto link = records.linkFirearm(oaklandTech, record.id, gun.id);
    EXPECT_EQ(link.firearm.serial, "0AB-123 45");
    ASSERT_EQ(link.testFires.size(), 1u);
    EXPECT_EQ(link.testFires[0], (std::pair<std::string, std::string>{"OPD-TF-7", "TF1"}));
    const auto seen = records.firearmLinks(officer, record.id);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].linkedBy, "otis");
    // The record and the gun's lead meet: the lead names the test fire.
    int leadsOfTheGun = 0;
    for (const auto& lead : store->leadRegister().leads(oaklandTech))
        for (const auto& [caseNumber, label] : seen[0].testFires)
            leadsOfTheGun += (lead.queryCase == caseNumber && lead.queryItem == label) || (lead.candidateCase == caseNumber && lead.candidateItem == label);
    EXPECT_EQ(leadsOfTheGun, 1);

    // Refused, nothing changed: twice, an unknown firearm, a record the actor cannot see, a role that does not link.
    EXPECT_EQ(kindOf([&] { records.linkFirearm(oaklandTech, record.id, gun.id); }), RecordsError::Kind::Conflict);
    EXPECT_EQ(kindOf([&] { records.linkFirearm(oaklandTech, record.id, gun.id + 100); }), RecordsError::Kind::NotFound);
    const auto unshared = records.create(officer, stolenPistol("ZZ-1"));
    EXPECT_EQ(kindOf([&] { records.linkFirearm(oaklandTech, unshared.id, gun.id); }), RecordsError::Kind::NotFound);
    const auto supervisorOnly = store->addUser(admin, "SFPD", "sue", "Sue", {records::Role::Supervisor}, "sue-password");
    EXPECT_EQ(kindOf([&] { records.linkFirearm(supervisorOnly, record.id, gun.id); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(records.firearmLinks(officer, record.id).size(), 1u);
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(FirearmRecordsTest, PhotographsAreTheOwnersToAddKeptByTheirHashAndSeenWhereTheRecordIs) {
    auto records = store->firearmRecords();
    const auto record = records.create(officer, stolenPistol("0AB-123 45"));
    const auto png = dir / "left side.png";
    {
        std::ofstream out(png, std::ios::binary);
        out << std::string("\x89PNG\r\n\x1a\n", 8) << "....a photograph of the pistol's left side....";
    }
    const auto photo = records.addPhotograph(officer, record.id, png.string());
    EXPECT_EQ(photo.name, "left side.png");
    EXPECT_EQ(photo.mediaType, "image/png");
    EXPECT_EQ(records.photographs(officer, record.id).size(), 1u);

    // Refused, nothing kept: not an image (whatever its name), another agency's officer, a technician.
    const auto fake = dir / "fake.jpg";
    {
        std::ofstream out(fake);
        out << "#!/bin/sh\necho not a photograph\n";
    }
    std::string message;
    EXPECT_EQ(kindOf([&] { records.addPhotograph(officer, record.id, fake.string()); }, &message), RecordsError::Kind::InvalidInput);
    EXPECT_NE(message.find("not a PNG, JPEG or TIFF image"), std::string::npos) << message;
    records.setShared(officer, record.id, true);
    EXPECT_EQ(kindOf([&] { records.addPhotograph(otherOfficer, record.id, png.string()); }, &message), RecordsError::Kind::PermissionDenied);
    EXPECT_NE(message.find("belongs to SFPD"), std::string::npos) << message;
    EXPECT_EQ(kindOf([&] { records.addPhotograph(tech, record.id, png.string()); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(records.photographs(officer, record.id).size(), 1u);

    // Shared, another agency sees it; the file altered behind the store's back is caught.
    ASSERT_EQ(records.photographs(otherViewer, record.id).size(), 1u);
    const std::string path = records.photographPath(otherViewer, photo.id);
    EXPECT_TRUE(store->verifyAudit().ok());
    std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    {
        std::ofstream out(path, std::ios::app);
        out << "edited";
    }
    EXPECT_EQ(kindOf([&] { records.photographPath(officer, photo.id); }), RecordsError::Kind::Tampered);
    bool named = false;
    for (const auto& p : store->verifyAudit().problems) named = named || p.find("firearm photograph " + std::to_string(photo.id)) != std::string::npos;
    EXPECT_TRUE(named);
}
