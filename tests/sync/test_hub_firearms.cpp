// Firearm records, seizure checks, trace requests and alerts between agencies
// on a real striae-hub process on loopback, on SQLite and on PostgreSQL (issue 19).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "HubProcess.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmClient.h"

using namespace striae;
using namespace striae::sync;
using striae::test::HubProcess;

namespace {

// The status of a refused call (200 when it was not refused), and its message.
int refusal(const std::function<void()>& call, std::string* message = nullptr) {
    try {
        call();
    } catch (const HubError& e) {
        if (message) *message = e.what();
        return e.status();
    }
    return 200;
}

records::FirearmRecordFields stolenGlock() {
    records::FirearmRecordFields f;
    f.status = "stolen";
    f.serial = "AB-0012345";
    f.make = "Glock";
    f.model = "19";
    f.caliber = "9mm";  // an alias: stored as the listed name
    f.type = "pistol";
    f.countryOfManufacture = "AT";
    f.eventDate = "2026-10-02";
    f.agencyCaseNumber = "A-2026-117";
    return f;
}

std::vector<HubNotice> allNotices(HubFirearmClient& client) {
    std::int64_t cursor = 0;
    return client.notices(0, 1000, cursor);
}

}  // namespace

class HubFirearmsTest : public ::testing::TestWithParam<std::string> {
protected:
    test::TempDir dir;
    std::unique_ptr<HubProcess> hub;
    std::unique_ptr<HubClient> a, b, c;  // agencies AAA, BBB, CCC

    void SetUp() override {
        const std::string db = test::hubDatabase(GetParam());
        if (db == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
        hub = std::make_unique<HubProcess>(dir / "hub", db, "hub");
        const std::string ta = hub->addAgency("AAA"), tb = hub->addAgency("BBB"), tc = hub->addAgency("CCC");
        hub->start({"--workers", "0"});
        a = std::make_unique<HubClient>(hub->url(), ta);
        b = std::make_unique<HubClient>(hub->url(), tb);
        c = std::make_unique<HubClient>(hub->url(), tc);
    }
};

TEST_P(HubFirearmsTest, ASharedRecordIsFoundByAPartialSerialAtAnotherAgencysSeizureAndItsOwnerIsNotified) {
    HubFirearmClient owner(*a), seizer(*b), bystander(*c);
    const records::FirearmRecord shared = owner.share("AAA-0001", stolenGlock(), "officer.a");
    EXPECT_EQ(shared.ownerAgency, "AAA");
    EXPECT_EQ(shared.fields.caliber, "9mm Luger");
    EXPECT_EQ(shared.serialNormalized, "AB0012345");  // upper case, dash dropped
    EXPECT_TRUE(shared.caliberListed);

    // Every agency finds it: exactly as written another way, by prefix, by pattern.
    records::FirearmSearch exact;
    exact.serial = "ab 0012345";
    EXPECT_EQ(bystander.search(exact).size(), 1u);
    records::FirearmSearch prefix;
    prefix.serial = "ab-001";
    prefix.serialPrefix = true;
    EXPECT_EQ(seizer.search(prefix).size(), 1u);
    records::FirearmSearch end;  // the start obliterated: matched on the reversed serial
    end.serial = "*12345";
    EXPECT_EQ(seizer.search(end).size(), 1u);
    end.serial = "?B0012345";
    EXPECT_EQ(seizer.search(end).size(), 1u);
    end.serial = "*99345";
    EXPECT_TRUE(seizer.search(end).empty());

    // BBB seizes a gun whose serial is partly ground off: "AB..345".
    records::FirearmRecordFields found;
    found.status = "seized";
    found.serial = "AB*345";
    found.make = "GLOCK";
    found.caliber = "9x19";
    found.agencyCaseNumber = "B-77";
    const records::SeizureCheck check = seizer.checkSeizure(found, "tech.b");
    ASSERT_EQ(check.matches.size(), 1u);
    EXPECT_EQ(check.agency, "BBB");
    EXPECT_EQ(check.matches[0].record.uid, "AAA-0001");
    EXPECT_EQ(check.matches[0].how, "partial serial");
    EXPECT_TRUE(check.matches[0].wanted);
    EXPECT_TRUE(check.matches[0].makeAgrees);
    EXPECT_TRUE(check.serialPartial);

    // AAA's next pull says so; it sees the check and the record's history. CCC is not told.
    const auto notices = allNotices(owner);
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, "seizure_match");
    EXPECT_EQ(notices[0].agency, "BBB");
    EXPECT_EQ(notices[0].recordUid, "AAA-0001");
    EXPECT_EQ(notices[0].subjectId, check.id);
    EXPECT_EQ(owner.seizureCheck(check.id).matches.size(), 1u);
    const auto history = owner.checksOf("AAA-0001");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].agencyCaseNumber, "B-77");
    EXPECT_TRUE(allNotices(bystander).empty());
    EXPECT_EQ(refusal([&] { bystander.seizureCheck(check.id); }), 404);
    EXPECT_TRUE(bystander.checksOf("AAA-0001").empty());

    // An exact serial that is someone else's matches nothing and notifies no one.
    found.serial = "ZZ999";
    EXPECT_TRUE(seizer.checkSeizure(found, "tech.b").matches.empty());
    EXPECT_EQ(allNotices(owner).size(), 1u);

    // The owner recovers it: the record's status changes for everyone; withdrawn, it leaves every search.
    records::FirearmRecordFields recovered = stolenGlock();
    recovered.status = "recovered";
    EXPECT_EQ(owner.share("AAA-0001", recovered, "officer.a").fields.status, "recovered");
    EXPECT_EQ(seizer.record("AAA-0001").fields.status, "recovered");
    owner.withdraw("AAA-0001", "closed", "officer.a");
    EXPECT_TRUE(seizer.search(exact).empty());
    EXPECT_EQ(refusal([&] { seizer.record("AAA-0001"); }), 404);
}

TEST_P(HubFirearmsTest, OnlyTheOwnerChangesOrWithdrawsARecordAndBadInputChangesNothing) {
    HubFirearmClient owner(*a), other(*b);
    owner.share("AAA-0002", stolenGlock(), "officer.a");
    records::FirearmSearch all;
    all.limit = 100;
    auto changed = stolenGlock();
    changed.status = "cleared";
    std::string message;

    // Another agency's record: neither replaced, nor withdrawn, nor shared under the owner's id.
    EXPECT_EQ(refusal([&] { other.share("AAA-0002", changed, "officer.b"); }, &message), 403);
    EXPECT_NE(message.find("not BBB's"), std::string::npos) << message;
    EXPECT_EQ(refusal([&] { other.withdraw("AAA-0002", "mine now", "officer.b"); }, &message), 403);
    EXPECT_NE(message.find("belongs to AAA"), std::string::npos) << message;

    // An unknown caliber is refused with a suggestion; kept as free text only when asked, and flagged.
    auto misspelt = stolenGlock();
    misspelt.caliber = "9mm Lugar";
    EXPECT_EQ(refusal([&] { owner.share("AAA-0003", misspelt, "officer.a"); }, &message), 400);
    EXPECT_NE(message.find("did you mean 9mm Luger"), std::string::npos) << message;
    // A malformed serial and a wrong status are refused naming the problem.
    auto badSerial = stolenGlock();
    badSerial.serial = "AB#123";
    EXPECT_EQ(refusal([&] { owner.share("AAA-0004", badSerial, "officer.a"); }, &message), 400);
    EXPECT_NE(message.find("'#'"), std::string::npos) << message;
    auto badStatus = stolenGlock();
    badStatus.status = "borrowed";
    EXPECT_EQ(refusal([&] { owner.share("AAA-0005", badStatus, "officer.a"); }, &message), 400);
    EXPECT_NE(message.find("status 'borrowed'"), std::string::npos) << message;
    // Without saying who acts, nothing is taken.
    EXPECT_EQ(refusal([&] { owner.share("AAA-0006", stolenGlock(), ""); }, &message), 400);
    EXPECT_NE(message.find("'by'"), std::string::npos) << message;
    // A seizure check with a malformed serial is refused before anything is stored.
    records::FirearmRecordFields found;
    found.status = "seized";
    found.serial = "AB%12";
    EXPECT_EQ(refusal([&] { other.checkSeizure(found, "tech.b"); }), 400);

    // Nothing of the above changed anything: one record, as shared, and no notice.
    const auto records = other.search(all);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].uid, "AAA-0002");
    EXPECT_EQ(records[0].fields.status, "stolen");
    EXPECT_TRUE(allNotices(owner).empty());

    auto unlisted = stolenGlock();
    unlisted.caliber = "9mm Lugar";
    const auto flagged = owner.share("AAA-0003", unlisted, "officer.a", /*allowUnlistedCaliber=*/true);
    EXPECT_EQ(flagged.fields.caliber, "9mm Lugar");
    EXPECT_FALSE(flagged.caliberListed);
}

TEST_P(HubFirearmsTest, ATraceRequestGoesThroughItsWholeLifeEachSideTakingOnlyItsOwnSteps) {
    HubFirearmClient requester(*b), recipient(*a), outsider(*c);
    recipient.share("AAA-0007", stolenGlock(), "officer.a");
    records::TraceRequestInput in;
    in.toAgency = "AAA";
    in.firearm.serial = "AB-0012345";
    in.firearm.make = "Glock";
    in.firearm.caliber = "9mm";
    in.firearm.recordUid = "AAA-0007";
    in.reason = "Seized at a shooting; who had it last?";
    in.priority = "urgent";
    in.justification = "suspect in custody for 48 h";
    in.dueDate = "2026-01-15";  // past: overdue while open
    std::string message;

    // Urgent without a justification, an unknown recipient, oneself: refused.
    auto unjustified = in;
    unjustified.justification.clear();
    EXPECT_EQ(refusal([&] { requester.submitTrace(unjustified, "trace.b"); }, &message), 400);
    EXPECT_NE(message.find("justification"), std::string::npos) << message;
    auto unknown = in;
    unknown.toAgency = "ZZZ";
    EXPECT_EQ(refusal([&] { requester.submitTrace(unknown, "trace.b"); }, &message), 400);
    EXPECT_NE(message.find("'ZZZ' is not known"), std::string::npos) << message;
    auto self = in;
    self.toAgency = "BBB";
    EXPECT_EQ(refusal([&] { requester.submitTrace(self, "trace.b"); }), 400);
    EXPECT_TRUE(requester.traces("outgoing").empty());

    const auto submitted = requester.submitTrace(in, "trace.b");
    EXPECT_EQ(submitted.status, "submitted");
    EXPECT_EQ(submitted.firearm.caliber, "9mm Luger");
    EXPECT_TRUE(submitted.overdue);
    const std::int64_t id = submitted.id;
    ASSERT_EQ(recipient.traces("incoming").size(), 1u);
    EXPECT_EQ(refusal([&] { outsider.trace(id); }), 404);
    EXPECT_TRUE(outsider.traces("incoming").empty());

    // Each side its own steps, in order.
    EXPECT_EQ(refusal([&] { requester.step(id, "acknowledge", "", "trace.b"); }, &message), 403);
    EXPECT_NE(message.find("only AAA (the recipient)"), std::string::npos) << message;
    EXPECT_EQ(refusal([&] { recipient.step(id, "answer", "", "trace.a"); }), 400);  // an answer needs its text
    EXPECT_EQ(recipient.step(id, "acknowledge", "", "trace.a").status, "acknowledged");
    EXPECT_EQ(refusal([&] { recipient.step(id, "acknowledge", "", "trace.a"); }, &message), 409);
    EXPECT_NE(message.find("is acknowledged"), std::string::npos) << message;
    EXPECT_EQ(recipient.step(id, "start", "", "trace.a").status, "in_progress");
    requester.comment(id, "Any sale records after 2024?", "trace.b");
    EXPECT_EQ(refusal([&] { outsider.comment(id, "hello", "x"); }), 404);
    EXPECT_EQ(refusal([&] { recipient.step(id, "close", "", "trace.a"); }), 403);
    const auto answered = recipient.step(id, "answer", "Sold 2023-04 by dealer 0815 to a buyer on file", "trace.a");
    EXPECT_EQ(answered.status, "answered");
    EXPECT_FALSE(answered.overdue);  // answered: no longer waiting
    EXPECT_EQ(answered.response, "Sold 2023-04 by dealer 0815 to a buyer on file");
    // A file attached by the recipient; the requester fetches it; a third agency learns nothing.
    const auto file = dir / "ledger.txt";
    std::ofstream(file) << "ledger page 12: sold 2023-04\n";
    const auto attached = recipient.attach(id, file.string(), "", "trace.a");
    EXPECT_EQ(attached.name, "ledger.txt");
    ASSERT_EQ(requester.attachments(id).size(), 1u);
    const auto copy = dir / "copy.txt";
    requester.downloadAttachment(id, attached, copy.string());
    std::ifstream copied(copy);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(copied)), {}), "ledger page 12: sold 2023-04\n");
    EXPECT_EQ(refusal([&] { outsider.attachments(id); }), 404);
    EXPECT_EQ(refusal([&] { outsider.attach(id, file.string(), "", "x"); }), 404);
    EXPECT_EQ(refusal([&] { recipient.attach(id, file.string(), "../up.txt", "trace.a"); }), 400);
    const auto closed = requester.step(id, "close", "thanks", "trace.b");
    EXPECT_EQ(closed.status, "closed");
    EXPECT_EQ(refusal([&] { requester.comment(id, "one more", "trace.b"); }), 409);
    EXPECT_EQ(refusal([&] { requester.attach(id, file.string(), "late.txt", "trace.b"); }), 409);
    // Refused uploads left nothing behind: one file kept, no temporaries.
    std::size_t kept = 0, temporaries = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "hub"))
        if (e.is_regular_file()) {
            kept += e.path().parent_path().parent_path().filename() == "attachments";
            temporaries += e.path().filename().string().rfind("attachment-", 0) == 0;
        }
    EXPECT_EQ(kept, 1u);
    EXPECT_EQ(temporaries, 0u);

    // The whole life in its history, each step by whom and which agency.
    std::vector<std::string> steps;
    for (const auto& e : closed.history) steps.push_back(e.agency + ":" + e.kind + ":" + e.toStatus + ":" + e.by);
    EXPECT_EQ(steps, (std::vector<std::string>{"BBB:status:submitted:trace.b", "AAA:status:acknowledged:trace.a",
                                               "AAA:status:in_progress:trace.a", "BBB:comment:in_progress:trace.b",
                                               "AAA:status:answered:trace.a", "AAA:comment:answered:trace.a", "BBB:status:closed:trace.b"}));
    // Each side was told of the other's steps.
    std::vector<std::string> toRecipient, toRequester;
    for (const auto& n : allNotices(recipient)) toRecipient.push_back(n.kind);
    for (const auto& n : allNotices(requester)) toRequester.push_back(n.kind);
    EXPECT_EQ(toRecipient, (std::vector<std::string>{"trace_submitted", "trace_comment", "trace_status"}));
    EXPECT_EQ(toRequester, (std::vector<std::string>{"trace_status", "trace_status", "trace_status", "trace_comment"}));
    EXPECT_TRUE(allNotices(outsider).empty());
}

TEST_P(HubFirearmsTest, AnAlertReachesEveryAgencyUntilItsAgencyWithdrawsIt) {
    HubFirearmClient issuer(*a), other(*b), third(*c);
    records::FirearmAlert alert;
    alert.kind = "modus_operandi";
    alert.title = "Pen guns from a 3D printer";
    alert.description = "Single-shot .22 LR pen guns seized in two cities; look for a cap that unscrews.";
    alert.caliber = ".22 LR";
    EXPECT_EQ(refusal([&] {
                  auto bad = alert;
                  bad.kind = "rumour";
                  issuer.circulate(bad, "officer.a");
              }),
              400);
    const auto circulated = issuer.circulate(alert, "officer.a");
    EXPECT_EQ(circulated.caliber, ".22 Long Rifle");
    EXPECT_EQ(circulated.agency, "AAA");

    for (HubFirearmClient* each : {&other, &third}) {
        const auto notices = allNotices(*each);
        ASSERT_EQ(notices.size(), 1u);
        EXPECT_EQ(notices[0].kind, "alert");
        EXPECT_EQ(notices[0].subjectId, circulated.id);
        ASSERT_EQ(each->alerts().size(), 1u);
    }
    std::string message;
    EXPECT_EQ(refusal([&] { other.withdrawAlert(circulated.id, "not ours", "officer.b"); }, &message), 403);
    EXPECT_NE(message.find("only it withdraws it"), std::string::npos) << message;
    EXPECT_EQ(other.alerts().size(), 1u);

    const auto withdrawn = issuer.withdrawAlert(circulated.id, "the workshop was raided", "officer.a");
    EXPECT_TRUE(withdrawn.withdrawn);
    EXPECT_TRUE(third.alerts().empty());
    EXPECT_EQ(third.alerts(/*includeWithdrawn=*/true).size(), 1u);
    std::int64_t cursor = 0;
    third.notices(0, 1, cursor);  // the first only
    const auto next = third.notices(cursor, 100, cursor);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].kind, "alert_withdrawn");
    EXPECT_EQ(refusal([&] { issuer.withdrawAlert(circulated.id, "again", "officer.a"); }), 409);
}

TEST_P(HubFirearmsTest, ATokenForOneRoleDoesThatRolesWorkOnlyAndSeesThatRolesNotices) {
    // AAA's records officer and trace officer have tokens of their own.
    HubClient recordsToken(hub->url(), hub->admin("token issue AAA --scope records"));
    HubClient tracesToken(hub->url(), hub->admin("token issue AAA --scope traces"));
    HubFirearmClient records(recordsToken), traces(tracesToken), seizer(*b);
    std::string message;
    EXPECT_NE(hub->admin("token issue AAA --scope everything 2>&1 || true").find("scope 'everything'"), std::string::npos);

    records.share("AAA-0100", stolenGlock(), "officer.a");
    EXPECT_EQ(refusal([&] { traces.share("AAA-0101", stolenGlock(), "trace.a"); }, &message), 403);
    EXPECT_NE(message.find("not for firearms (records)"), std::string::npos) << message;
    records::FirearmRecordFields found;
    found.status = "seized";
    found.serial = "AB0012345";
    EXPECT_EQ(refusal([&] { traces.checkSeizure(found, "trace.a"); }), 403);
    records::FirearmAlert alert;
    alert.kind = "firearm";
    alert.title = "t";
    alert.description = "d";
    EXPECT_EQ(refusal([&] { traces.circulate(alert, "trace.a"); }), 403);
    EXPECT_EQ(refusal([&] { records.traces("incoming"); }), 403);
    // Neither may push scans or read lead lists (evidence).
    EXPECT_EQ(refusal([&] { recordsToken.stats(); }, &message), 403);
    EXPECT_NE(message.find("evidence"), std::string::npos) << message;

    // A seizure match and a trace request reach AAA: each token is told of its own.
    seizer.checkSeizure(found, "tech.b");
    records::TraceRequestInput in;
    in.toAgency = "AAA";
    in.firearm.serial = "AB0012345";
    in.reason = "where was it sold?";
    in.dueDate = "2030-01-01";
    const auto submitted = seizer.submitTrace(in, "trace.b");
    auto kinds = [](HubFirearmClient& client) {
        std::vector<std::string> out;
        for (const auto& n : allNotices(client)) out.push_back(n.kind);
        return out;
    };
    EXPECT_EQ(kinds(records), std::vector<std::string>{"seizure_match"});
    EXPECT_EQ(kinds(traces), std::vector<std::string>{"trace_submitted"});
    EXPECT_EQ(traces.step(submitted.id, "acknowledge", "", "trace.a").status, "acknowledged");
    EXPECT_EQ(refusal([&] { records.step(submitted.id, "start", "", "officer.a"); }), 403);
    EXPECT_EQ(traces.trace(submitted.id).status, "acknowledged");  // the refused step changed nothing
}

INSTANTIATE_TEST_SUITE_P(Backends, HubFirearmsTest, ::testing::Values("sqlite", "postgresql"));
