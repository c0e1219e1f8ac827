// Trace requests between two agencies on a real store: the whole life of a
// request, each side doing only its part, a third agency seeing nothing,
// bad input and out-of-order steps refused with nothing changed, overdue
// flags at known dates, every step in the audit trail.
#include <gtest/gtest.h>

#include "StoreFixture.h"
#include "striae/records/Clock.h"
#include "striae/records/FirearmAlerts.h"
#include "striae/records/TraceRequests.h"

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace striae;
using records::RecordsError;
using striae::test::kindOf;


class TraceRequestsTest : public test::StoreFixture {
protected:
    records::User sfTracer, opdTracer, laTracer;
    records::TraceRequestInput input;
    void SetUp() override {
        StoreFixture::SetUp();
        sfTracer = store->addUser(admin, "SFPD", "tess", "Tess Trace", {records::Role::TraceOfficer}, "tess-password");
        store->addAgency(admin, {0, "OPD", "Oakland PD", "US"});
        store->addAgency(admin, {0, "LAPD", "Los Angeles PD", "US"});
        opdTracer = store->addUser(admin, "OPD", "otto", "Otto Trace", {records::Role::TraceOfficer}, "otto-password");
        laTracer = store->addUser(admin, "LAPD", "lena", "Lena Trace", {records::Role::TraceOfficer}, "lena-password");
        input.toAgency = "OPD";
        input.firearm.serial = "AB-12345";
        input.firearm.make = "Example Arms";
        input.firearm.caliber = "9x19";
        input.reason = "recovered at a homicide scene; last known dealer in Oakland";
        input.dueDate = "2026-12-20";
    }
    void TearDown() override { records::setClock({}); }
};

TEST_F(TraceRequestsTest, ARequestGoesThroughItsWholeLifeEachSideDoingItsPart) {
    records::setClock([] { return std::string("2026-12-07T10:00:00.000Z"); });
    auto traces = store->traceRequests();
    const auto drafted = traces.draft(sfTracer, input);
    EXPECT_EQ(drafted.status, "draft");
    EXPECT_EQ(drafted.firearm.caliber, "9mm Luger");
    EXPECT_TRUE(traces.incoming(opdTracer).empty()) << "a draft is not sent yet";
    EXPECT_EQ(kindOf([&] { traces.get(opdTracer, drafted.id); }), RecordsError::Kind::NotFound);
    input.priority = "urgent";
    input.justification = "a second shooting with the same gun is feared";
    EXPECT_EQ(traces.edit(sfTracer, drafted.id, input).priority, "urgent");
    traces.submit(sfTracer, drafted.id);
    ASSERT_EQ(traces.incoming(opdTracer).size(), 1u);
    EXPECT_EQ(traces.outgoing(sfTracer).size(), 1u);
    // The recipient's steps are not the requester's, and the reverse.
    std::string message;
    EXPECT_EQ(kindOf([&] { traces.acknowledge(sfTracer, drafted.id); }, &message), RecordsError::Kind::PermissionDenied);
    EXPECT_NE(message.find("only OPD (the recipient)"), std::string::npos) << message;
    EXPECT_EQ(kindOf([&] { traces.answer(opdTracer, drafted.id, "sold 2019"); }, &message), RecordsError::Kind::WorkflowViolation)
        << "not acknowledged yet";
    EXPECT_NE(message.find("is submitted"), std::string::npos) << message;
    traces.acknowledge(opdTracer, drafted.id);
    traces.comment(sfTracer, drafted.id, "the suspect named a gun show in Reno");
    traces.startWork(opdTracer, drafted.id);
    EXPECT_EQ(kindOf([&] { traces.edit(sfTracer, drafted.id, input); }), RecordsError::Kind::WorkflowViolation) << "only drafts are edited";
    const auto answered = traces.answer(opdTracer, drafted.id, "sold new by Bay Guns, Oakland, 2019-04-02, to a buyer on file");
    EXPECT_EQ(answered.status, "answered");
    EXPECT_EQ(answered.response.rfind("sold new", 0), 0u);
    const auto closed = traces.close(sfTracer, drafted.id, "thank you");
    EXPECT_EQ(closed.status, "closed");
    EXPECT_EQ(kindOf([&] { traces.comment(opdTracer, drafted.id, "late"); }), RecordsError::Kind::WorkflowViolation);
    std::vector<std::string> steps;
    for (const auto& e : closed.history) steps.push_back(e.agency + ":" + e.kind + ":" + e.toStatus);
    EXPECT_EQ(steps, (std::vector<std::string>{"SFPD:created:draft", "SFPD:edited:draft", "SFPD:status:submitted", "OPD:status:acknowledged",
                                               "SFPD:comment:acknowledged", "OPD:status:in_progress", "OPD:status:answered", "SFPD:status:closed"}));
    // A third agency learns nothing; a user without the role does nothing.
    EXPECT_EQ(kindOf([&] { traces.get(laTracer, drafted.id); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { traces.comment(laTracer, drafted.id, "me too"); }), RecordsError::Kind::NotFound);
    EXPECT_TRUE(traces.incoming(laTracer).empty());
    EXPECT_EQ(kindOf([&] { traces.draft(tech, input); }), RecordsError::Kind::PermissionDenied);
    int audited = 0;
    for (const auto& e : store->auditTrail("trace_request", drafted.id)) audited += e.action.find("trace") != std::string::npos;
    EXPECT_EQ(audited, 8);
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(TraceRequestsTest, BadRequestsAreRefusedWithTheirReasonAndNothingIsStored) {
    auto traces = store->traceRequests();
    const auto refused = [&](records::TraceRequestInput in, const std::string& expected) {
        std::string message;
        EXPECT_EQ(kindOf([&] { traces.draft(sfTracer, in); }, &message), RecordsError::Kind::InvalidInput) << expected;
        EXPECT_NE(message.find(expected), std::string::npos) << message;
    };
    auto in = input;
    in.toAgency = "NOWHERE";
    refused(in, "is not known");
    in = input;
    in.toAgency = "SFPD";
    refused(in, "another agency");
    in = input;
    in.priority = "urgent";
    refused(in, "needs a justification");
    in = input;
    in.dueDate = "";
    refused(in, "due date");
    in = input;
    in.dueDate = "2026-13-01";
    refused(in, "due date");
    in = input;
    in.firearm.serial = "AB#1";
    refused(in, "'#'");
    in = input;
    in.reason = "";
    refused(in, "say why");
    EXPECT_TRUE(traces.outgoing(sfTracer).empty());
    // An answer without text and a rejection without reason are refused too.
    const auto t = traces.draft(sfTracer, input);
    traces.submit(sfTracer, t.id);
    traces.acknowledge(opdTracer, t.id);
    EXPECT_EQ(kindOf([&] { traces.answer(opdTracer, t.id, "  "); }), RecordsError::Kind::InvalidInput);
    EXPECT_EQ(kindOf([&] { traces.reject(opdTracer, t.id, ""); }), RecordsError::Kind::InvalidInput);
    EXPECT_EQ(traces.get(sfTracer, t.id).status, "acknowledged") << "nothing changed";
    EXPECT_EQ(traces.reject(opdTracer, t.id, "no record of this serial").status, "rejected");
}

TEST_F(TraceRequestsTest, AnOpenRequestPastItsDueDateIsOverdue) {
    records::setClock([] { return std::string("2026-12-07T10:00:00.000Z"); });
    auto traces = store->traceRequests();
    const auto t = traces.draft(sfTracer, input);  // due 2026-12-20
    traces.submit(sfTracer, t.id);
    EXPECT_FALSE(traces.get(opdTracer, t.id).overdue);
    records::setClock([] { return std::string("2026-12-21T09:00:00.000Z"); });
    EXPECT_TRUE(traces.get(opdTracer, t.id).overdue);
    EXPECT_TRUE(traces.incoming(opdTracer).at(0).overdue);
    traces.acknowledge(opdTracer, t.id);
    traces.answer(opdTracer, t.id, "sold 2019");
    EXPECT_FALSE(traces.get(sfTracer, t.id).overdue) << "answered: no longer overdue";
}

TEST_F(TraceRequestsTest, AnAlertReachesEveryAgencyUntilItsAgencyWithdrawsIt) {
    const auto sfOfficer = store->addUser(admin, "SFPD", "rita", "Rita Records", {records::Role::RecordsOfficer}, "rita-password");
    const auto opdOfficer = store->addUser(admin, "OPD", "oscar", "Oscar Records", {records::Role::RecordsOfficer}, "oscar-password");
    auto alerts = store->alerts();
    records::FirearmAlert a;
    a.kind = "modus_operandi";
    a.title = "Pistols disguised as phones";
    a.description = "A 9 mm two-shot pistol in a phone-shaped case; fires through the camera opening.";
    a.caliber = "9x19";
    const auto circulated = alerts.circulate(sfOfficer, a);
    EXPECT_EQ(circulated.agency, "SFPD");
    EXPECT_EQ(circulated.caliber, "9mm Luger");
    ASSERT_EQ(alerts.active().size(), 1u) << "every agency of the store sees it";
    std::string message;
    EXPECT_EQ(kindOf([&] { alerts.withdraw(opdOfficer, circulated.id, "not ours"); }, &message), RecordsError::Kind::PermissionDenied);
    EXPECT_NE(message.find("circulated by SFPD"), std::string::npos) << message;
    EXPECT_EQ(kindOf([&] { alerts.circulate(tech, a); }), RecordsError::Kind::PermissionDenied);
    a.kind = "rumour";
    EXPECT_EQ(kindOf([&] { alerts.circulate(sfOfficer, a); }), RecordsError::Kind::InvalidInput);
    a.kind = "firearm";
    a.description = "";
    EXPECT_EQ(kindOf([&] { alerts.circulate(sfOfficer, a); }), RecordsError::Kind::InvalidInput);
    EXPECT_EQ(alerts.all().size(), 1u) << "nothing stored by the refusals";
    EXPECT_TRUE(alerts.withdraw(sfOfficer, circulated.id, "the maker was arrested").withdrawn);
    EXPECT_TRUE(alerts.active().empty());
    EXPECT_EQ(kindOf([&] { alerts.withdraw(sfOfficer, circulated.id, "again"); }), RecordsError::Kind::WorkflowViolation);
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(TraceRequestsTest, AFileIsAttachedByEitherAgencyKeptByItsHashAndCheckedByTheAudit) {
    auto traces = store->traceRequests();
    const auto id = traces.submit(sfTracer, traces.draft(sfTracer, input).id).id;
    const auto file = dir / "sales-record.txt";
    {
        std::ofstream out(file);
        out << "Bay Guns, Oakland: sold 2019-04-02, form 4473 on file\n";
    }
    const auto attached = traces.attach(opdTracer, id, file.string());
    EXPECT_EQ(attached.name, "sales-record.txt");
    EXPECT_EQ(attached.agency, "OPD");
    EXPECT_EQ(attached.size, std::int64_t(std::filesystem::file_size(file)));
    ASSERT_EQ(traces.attachments(sfTracer, id).size(), 1u) << "the requester sees it";
    EXPECT_EQ(traces.get(sfTracer, id).history.back().text.rfind("attached sales-record.txt", 0), 0u);
    const std::string path = traces.attachmentPath(sfTracer, attached.id);
    std::ifstream in(path);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "Bay Guns, Oakland: sold 2019-04-02, form 4473 on file\n");

    // Refused, nothing kept: a third agency, a name with folders, a file that is not there, a technician.
    EXPECT_EQ(kindOf([&] { traces.attach(laTracer, id, file.string()); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { traces.attachments(laTracer, id); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { traces.attachmentPath(laTracer, attached.id); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { traces.attach(sfTracer, id, file.string(), "../../etc/passwd"); }), RecordsError::Kind::InvalidInput);
    EXPECT_EQ(kindOf([&] { traces.attach(sfTracer, id, (dir / "nothing.pdf").string()); }), RecordsError::Kind::NotFound);
    EXPECT_EQ(kindOf([&] { traces.attach(tech, id, file.string()); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(traces.attachments(sfTracer, id).size(), 1u);
    EXPECT_TRUE(store->verifyAudit().ok());

    // The file altered behind the store's back: the audit and the read both say so.
    std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    {
        std::ofstream out(path, std::ios::app);
        out << "sold to someone else\n";
    }
    const auto report = store->verifyAudit();
    EXPECT_FALSE(report.ok());
    bool named = false;
    for (const auto& p : report.problems) named = named || p.find("trace attachment " + std::to_string(attached.id)) != std::string::npos;
    EXPECT_TRUE(named);
    EXPECT_EQ(kindOf([&] { traces.attachmentPath(sfTracer, attached.id); }), RecordsError::Kind::Tampered);
    // A closed request takes no more.
    traces.close(sfTracer, id, "done");
    std::filesystem::remove(path);
    EXPECT_EQ(kindOf([&] { traces.attach(sfTracer, id, file.string()); }), RecordsError::Kind::WorkflowViolation);
    EXPECT_FALSE(std::filesystem::exists(path)) << "a refused attachment leaves no file";
}
