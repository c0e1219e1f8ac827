// Statistics of firearm records and trace requests, and tailored reports, on a
// real store at known dates: each count checked against the records entered.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "StoreFixture.h"
#include "striae/records/Clock.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/FirearmStatistics.h"
#include "striae/records/TraceRequests.h"

using namespace striae;
using records::RecordsError;
using striae::test::kindOf;

class FirearmStatisticsTest : public test::StoreFixture {
protected:
    records::User officer, tracer, otherTracer, otherOfficer;
    void SetUp() override {
        StoreFixture::SetUp();
        officer = store->addUser(admin, "SFPD", "rita", "Rita", {records::Role::RecordsOfficer}, "rita-password");
        tracer = store->addUser(admin, "SFPD", "tess", "Tess", {records::Role::TraceOfficer}, "tess-password");
        store->addAgency(admin, {0, "OPD", "Oakland PD", "US"});
        otherTracer = store->addUser(admin, "OPD", "otto", "Otto", {records::Role::TraceOfficer}, "otto-password");
        otherOfficer = store->addUser(admin, "OPD", "olga", "Olga", {records::Role::RecordsOfficer}, "olga-password");
    }
    void TearDown() override { records::setClock({}); }
    void record(const records::User& by, const std::string& status, const std::string& make, const std::string& type,
                const std::string& country, const std::string& caliber, const std::string& eventDate, const std::string& serial) {
        records::FirearmRecordFields f;
        f.status = status;
        f.make = make;
        f.type = type;
        f.countryOfManufacture = country;
        f.caliber = caliber;
        f.eventDate = eventDate;
        f.serial = serial;
        store->firearmRecords().create(by, f);
    }
    records::Id trace(const std::string& due) {
        records::TraceRequestInput in;
        in.toAgency = "OPD";
        in.firearm.serial = "X1";
        in.reason = "who sold it";
        in.dueDate = due;
        auto traces = store->traceRequests();
        const auto id = traces.draft(tracer, in).id;
        traces.submit(tracer, id);
        return id;
    }
};

TEST_F(FirearmStatisticsTest, RecordsAndTracesAreCountedByEachDimensionAndPeriod) {
    record(officer, "stolen", "Glock", "pistol", "AT", "9mm", "2026-01-10", "A1");
    record(officer, "stolen", "GLOCK", "pistol", "AT", "9x19", "2026-01-20", "A2");
    record(officer, "lost", "Smith & Wesson", "revolver", "US", ".38 Spl", "2026-02-03", "A3");
    record(officer, "seized", "Beretta", "pistol", "IT", "9mm Luger", "2026-03-15", "A4");
    record(otherOfficer, "stolen", "Glock", "pistol", "AT", "9mm", "2026-01-11", "B1");  // another agency's: not counted
    {
        records::FirearmRecordFields f;
        f.status = "stolen";
        f.serial = "A5";
        f.eventDate = "2026-02-28";
        const auto withdrawn = store->firearmRecords().create(officer, f);
        store->firearmRecords().withdraw(officer, withdrawn.id, "entered twice");  // withdrawn: not counted
    }
    auto reports = store->firearmReports();
    auto s = reports.compute(officer, {});
    EXPECT_EQ(s.filter.agency, "SFPD");
    EXPECT_EQ(s.records, 4);
    ASSERT_EQ(s.byStatus.size(), 3u);
    EXPECT_EQ(s.byStatus[0].key, "stolen");
    EXPECT_EQ(s.byStatus[0].count, 2);
    ASSERT_FALSE(s.byMake.empty());
    EXPECT_EQ(s.byMake[0].key, "Glock");  // 'Glock' and 'GLOCK' counted together, under the first writing
    EXPECT_EQ(s.byMake[0].count, 2);
    EXPECT_EQ(s.byMake.size(), 3u);
    EXPECT_EQ(s.byType[0].key, "pistol");
    EXPECT_EQ(s.byType[0].count, 3);
    EXPECT_EQ(s.byCountry[0].key, "AT");
    EXPECT_EQ(s.byCaliber[0].key, "9mm Luger");
    EXPECT_EQ(s.byCaliber[0].count, 3);
    ASSERT_EQ(s.byMonth.size(), 3u);
    EXPECT_EQ(s.byMonth[0].key, "2026-01");
    EXPECT_EQ(s.byMonth[0].count, 2);
    EXPECT_EQ(s.byMonth[2].key, "2026-03");

    records::FirearmStatsFilter february;
    february.from = "2026-02-01";
    february.to = "2026-02-28";
    EXPECT_EQ(reports.compute(officer, february).records, 1);
    records::FirearmStatsFilter glocks;
    glocks.make = "glock";
    glocks.caliber = "9 mm Luger";
    EXPECT_EQ(reports.compute(officer, glocks).records, 2);
    records::FirearmStatsFilter bad;
    bad.status = "misplaced";
    EXPECT_EQ(kindOf([&] { reports.compute(officer, bad); }), RecordsError::Kind::InvalidInput);
    records::FirearmStatsFilter theirs;
    theirs.agency = "OPD";
    EXPECT_EQ(kindOf([&] { reports.compute(officer, theirs); }), RecordsError::Kind::PermissionDenied);
    EXPECT_EQ(reports.compute(admin, theirs).records, 1) << "an administrator sees any agency's";
}

TEST_F(FirearmStatisticsTest, TracesAreCountedByStatusOverdueAndTurnaround) {
    auto traces = store->traceRequests();
    records::setClock([] { return std::string("2026-03-01T09:00:00.000Z"); });
    const auto answered = trace("2026-03-10");
    const auto rejected = trace("2026-03-10");
    const auto open = trace("2026-03-05");
    records::setClock([] { return std::string("2026-03-03T09:00:00.000Z"); });  // two days later
    traces.acknowledge(otherTracer, answered);
    traces.answer(otherTracer, answered, "sold 2019");
    records::setClock([] { return std::string("2026-03-07T09:00:00.000Z"); });  // six days after submission
    traces.reject(otherTracer, rejected, "not ours");
    traces.acknowledge(otherTracer, open);
    records::setClock([] { return std::string("2026-03-08T09:00:00.000Z"); });  // `open` is now past its due date

    const auto s = store->firearmReports().compute(tracer, {});
    EXPECT_EQ(s.tracesSent, 3);
    EXPECT_EQ(s.tracesReceived, 0);
    EXPECT_EQ(s.tracesOverdue, 1);
    EXPECT_EQ(s.tracesAnswered, 2);
    EXPECT_NEAR(s.medianTurnaroundDays, 2.0, 1e-9);  // nearest rank of {2, 6}
    EXPECT_NEAR(s.p90TurnaroundDays, 6.0, 1e-9);
    std::map<std::string, std::int64_t> byStatus;
    for (const auto& r : s.tracesByStatus) byStatus[r.key] = r.count;
    EXPECT_EQ(byStatus, (std::map<std::string, std::int64_t>{{"acknowledged", 1}, {"answered", 1}, {"rejected", 1}}));
    EXPECT_EQ(store->firearmReports().compute(otherTracer, {}).tracesReceived, 3);

    // The same figures as JSON and as CSV rows.
    Poco::JSON::Parser parser;
    const auto json = parser.parse(records::firearmStatisticsJson(s)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(json->getObject("traces")->getValue<int>("overdue"), 1);
    bool found = false;
    for (const auto& row : records::firearmStatisticsRows(s)) found = found || row == std::vector<std::string>{"traces", "overdue", "1"};
    EXPECT_TRUE(found);
}

TEST_F(FirearmStatisticsTest, ATailoredReportIsSavedByNameAndOnlyByThoseWhoKeepRecordsOrTraces) {
    auto reports = store->firearmReports();
    records::FirearmStatsFilter f;
    f.from = "2026-01-01";
    f.to = "2026-06-30";
    f.status = "stolen";
    f.make = "Glock";
    reports.save(officer, "stolen-glocks-h1", f);
    const auto back = reports.saved("stolen-glocks-h1");
    EXPECT_EQ(back.from, "2026-01-01");
    EXPECT_EQ(back.status, "stolen");
    EXPECT_EQ(back.make, "Glock");
    EXPECT_EQ(kindOf([&] { reports.save(tech, "mine", f); }), RecordsError::Kind::PermissionDenied);
    f.type = "cannon";
    EXPECT_EQ(kindOf([&] { reports.save(officer, "bad", f); }), RecordsError::Kind::InvalidInput);
    EXPECT_EQ(kindOf([&] { reports.saved("bad"); }), RecordsError::Kind::NotFound) << "a refused save keeps nothing";
    ASSERT_EQ(reports.savedReports().size(), 1u);
    reports.remove(tracer, "stolen-glocks-h1");
    EXPECT_TRUE(reports.savedReports().empty());
    EXPECT_EQ(kindOf([&] { reports.remove(tracer, "stolen-glocks-h1"); }), RecordsError::Kind::NotFound);
}
