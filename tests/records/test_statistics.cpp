// The NIBIN statistics: the computation on hand-made timelines, and a store
// built with known dates (a replaced clock) whose figures are worked out by hand.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "StoreFixture.h"
#include "striae/matching/Cmc.h"
#include "striae/records/Clock.h"
#include "striae/records/LeadOutcomes.h"
#include "striae/records/LeadRegister.h"
#include "striae/records/StoreStatistics.h"

using namespace striae;
using records::epochSeconds;

namespace {
const records::StageFigures& stage(const records::Statistics& s, const std::string& name) {
    for (const auto& t : s.turnaround)
        if (t.stage == name) return t;
    throw std::runtime_error("no stage " + name);
}
std::int64_t hoursAfter(const std::string& iso, double hours) { return epochSeconds(iso) + std::int64_t(hours * 3600); }
}  // namespace

TEST(Statistics, EpochSecondsReadsIsoDatesAndTimes) {
    EXPECT_EQ(epochSeconds("1970-01-02"), 86400);
    EXPECT_EQ(epochSeconds("2026-03-01T10:00"), epochSeconds("2026-03-01") + 36000);
    EXPECT_EQ(epochSeconds("2026-03-01T10:00:05.123Z"), epochSeconds("2026-03-01") + 36005);
    EXPECT_EQ(epochSeconds("2024-03-01") - epochSeconds("2024-02-28"), 2 * 86400) << "2024 is a leap year";
    EXPECT_EQ(epochSeconds(""), 0);
    EXPECT_EQ(epochSeconds("01/03/2026"), 0);
    EXPECT_FALSE(records::parseIsoTime("2026-13-01"));
}

TEST(Statistics, TurnaroundMediansPercentilesAndTheShareWithin48Hours) {
    records::StatisticsInput in;
    const std::string day = "2026-05-04T00:00";
    // Recovery to lead of 10, 20, 30, 40 and 100 hours; entry one hour after recovery, correlation two after entry.
    for (double h : {10.0, 20.0, 30.0, 40.0, 100.0}) {
        records::EvidenceTimeline e;
        e.agency = h < 50 ? "SFPD" : "NYPD";
        e.caliber = "9mm";
        e.recovered = epochSeconds(day);
        e.entered = hoursAfter(day, 1);
        e.correlated = hoursAfter(day, 3);
        e.lead = hoursAfter(day, h);
        in.evidence.push_back(e);
    }
    records::EvidenceTimeline noRecovery;  // entered without a recovery date: counts, but not in the stages from recovery
    noRecovery.agency = "SFPD";
    noRecovery.caliber = ".40 S&W";
    noRecovery.entered = epochSeconds("2026-06-01T08:00");
    in.evidence.push_back(noRecovery);
    const auto s = records::computeStatistics(in, {}, epochSeconds("2026-07-01"));
    EXPECT_EQ(s.evidence, 6);
    const auto& toLead = stage(s, "recovery_to_lead");
    EXPECT_EQ(toLead.count, 5);
    EXPECT_DOUBLE_EQ(toLead.medianHours, 30);
    EXPECT_NEAR(toLead.p90Hours, 76, 1e-9) << "linear interpolation: 40 + 0.6 × (100 − 40)";
    EXPECT_DOUBLE_EQ(toLead.within48h, 0.8);
    EXPECT_EQ(stage(s, "recovery_to_entry").count, 5);
    EXPECT_DOUBLE_EQ(stage(s, "recovery_to_entry").medianHours, 1);
    EXPECT_DOUBLE_EQ(stage(s, "entry_to_correlation").medianHours, 2);
    EXPECT_EQ(stage(s, "lead_to_hit").count, 0);
    ASSERT_EQ(s.byMonth.size(), 2u);
    EXPECT_EQ(s.byMonth[0].key, "2026-05");
    EXPECT_EQ(s.byMonth[0].entered, 5);
    EXPECT_EQ(s.byMonth[1].key, "2026-06");
    EXPECT_EQ(s.byMonth[1].entered, 1);

    records::StatisticsFilter nypd;
    nypd.agency = "NYPD";
    const auto n = records::computeStatistics(in, nypd, epochSeconds("2026-07-01"));
    EXPECT_EQ(n.evidence, 1);
    EXPECT_DOUBLE_EQ(stage(n, "recovery_to_lead").medianHours, 100);
    EXPECT_DOUBLE_EQ(stage(n, "recovery_to_lead").within48h, 0);

    records::StatisticsFilter may;
    may.from = "2026-05-04";
    may.to = "2026-05-04";  // a date includes its whole day
    EXPECT_EQ(records::computeStatistics(in, may, 0).evidence, 5);
    may.from = "2026-05-05";
    may.to = "2026-06-01";
    EXPECT_EQ(records::computeStatistics(in, may, 0).evidence, 1);

    records::StatisticsFilter bad;
    bad.from = "last week";
    EXPECT_THROW(records::computeStatistics(in, bad, 0), std::invalid_argument);
}

TEST(Statistics, ConfirmationRateCountsDecisionsInThePeriodTheyWereTaken) {
    records::StatisticsInput in;
    const auto lead = [&](const std::string& agency, const std::string& marked, const std::string& status, const std::string& decided) {
        in.leads.push_back({agency, "9mm", epochSeconds(marked), status, epochSeconds(decided)});
    };
    lead("SFPD", "2026-01-10", "hit", "2026-01-12");
    lead("SFPD", "2026-01-20", "rejected", "2026-02-02");
    lead("SFPD", "2026-01-25", "hit", "2026-02-03");
    lead("NYPD", "2026-02-10", "open", "");
    const auto s = records::computeStatistics(in, {}, 0);
    EXPECT_EQ(s.leads, 4);
    EXPECT_EQ(s.hits, 2);
    EXPECT_EQ(s.rejected, 1);
    EXPECT_EQ(s.openLeads, 1);
    EXPECT_NEAR(s.confirmationRate, 2.0 / 3, 1e-12);
    ASSERT_EQ(s.byMonth.size(), 2u);
    EXPECT_EQ(s.byMonth[0].leads, 3);  // January: three marked, one decided (a hit)
    EXPECT_EQ(s.byMonth[0].hits, 1);
    EXPECT_DOUBLE_EQ(s.byMonth[0].confirmationRate, 1);
    EXPECT_EQ(s.byMonth[1].leads, 1);  // February: one marked, two decided
    EXPECT_EQ(s.byMonth[1].hits, 1);
    EXPECT_EQ(s.byMonth[1].rejected, 1);
    EXPECT_DOUBLE_EQ(s.byMonth[1].confirmationRate, 0.5);
    ASSERT_EQ(s.byAgency.size(), 2u);
    EXPECT_EQ(s.byAgency[0].key, "NYPD");
    EXPECT_EQ(s.byAgency[0].open, 1);
    EXPECT_EQ(s.byAgency[1].hits, 2);

    const auto json = Poco::JSON::Parser().parse(records::statisticsJson(s)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(json->getValue<int>("hits"), 2);
    EXPECT_EQ(json->getArray("by_agency")->size(), 2u);
    const auto rows = records::statisticsRows(s);
    EXPECT_NE(std::find(rows.begin(), rows.end(), std::vector<std::string>{"agency", "SFPD", "hits", "2"}), rows.end());
}

// A store whose every record was written at a time the test chose.
class StoreStatisticsTest : public test::StoreFixture {
protected:
    std::string clock = "2026-03-01T08:00:00.000Z";
    records::Id leadId = 0, hitId = 0;

    void SetUp() override {
        records::setClock([this] { return clock; });
        StoreFixture::SetUp();
        store->addCase(tech, test::newCase("C1", "shots fired", "2026-03-01"));
        store->addCase(tech, test::newCase("C2", "homicide", "2026-02-26"));
        records::ImportOptions o;
        o.preprocess = false;
        auto a = test::newItem("Q1");
        a.recoveredAt = "2026-03-01T10:00";
        auto b = test::newItem("Q1");
        b.recoveredAt = "2026-02-27";  // a date only: from midnight UTC
        const auto ia = store->addItem(tech, "C1", a).id;
        const auto ib = store->addItem(tech, "C2", b).id;
        const auto ic = store->addItem(tech, "C2", test::newItem("Q2")).id;  // no recovery date
        clock = "2026-03-01T20:00:00.000Z";
        const auto qa = store->importScan(tech, ia, (scans() / "F01-01.x3p").string(), o);
        clock = "2026-03-01T21:00:00.000Z";
        const auto qb = store->importScan(tech, ib, (scans() / "F01-02.x3p").string(), o);
        clock = "2026-03-01T22:00:00.000Z";
        store->importScan(tech, ic, (scans() / "F02-01.x3p").string(), o);
        clock = "2026-03-02T08:00:00.000Z";
        const auto run = store->correlate(tech, qa.id, matching::CmcParameters{}, 2);
        clock = "2026-03-03T08:00:00.000Z";
        const auto top = store->candidates(run.id).at(0).id;
        store->review(tech, top, true, "many congruent cells");
        leadId = store->markLead(tech, top, "to the examiner").id;
        clock = "2026-03-04T20:00:00.000Z";
        hitId = store->confirmHit(examiner, leadId, "identification", "agree").id;
        clock = "2026-04-10T12:00:00.000Z";
        store->correlate(tech, qb.id, matching::CmcParameters{}, 2);  // a list nobody has reviewed yet
        clock = "2026-04-11T09:00:00.000Z";
        store->outcomes().record(examiner, leadId, "arrest", "suspect arrested with the pistol");
    }
    void TearDown() override { records::setClock({}); }
};

TEST_F(StoreStatisticsTest, FiguresFromTheStoreMatchTheDatesItWasBuiltWith) {
    const auto s = store->statistics().compute({}, epochSeconds("2026-04-12T12:00"));
    EXPECT_EQ(s.evidence, 3);
    EXPECT_EQ(stage(s, "recovery_to_entry").count, 2);
    EXPECT_DOUBLE_EQ(stage(s, "recovery_to_entry").medianHours, (10 + 69) / 2.0);  // 10 h and 69 h
    EXPECT_DOUBLE_EQ(stage(s, "recovery_to_entry").within48h, 0.5);
    EXPECT_EQ(stage(s, "entry_to_correlation").count, 2);
    EXPECT_DOUBLE_EQ(stage(s, "entry_to_correlation").medianHours, (12 + 951) / 2.0);  // 12 h and 39 d 15 h
    EXPECT_EQ(stage(s, "correlation_to_lead").count, 1);
    EXPECT_DOUBLE_EQ(stage(s, "correlation_to_lead").medianHours, 24);
    EXPECT_DOUBLE_EQ(stage(s, "lead_to_hit").medianHours, 36);
    EXPECT_DOUBLE_EQ(stage(s, "recovery_to_lead").medianHours, 46);
    EXPECT_DOUBLE_EQ(stage(s, "recovery_to_lead").within48h, 1);
    EXPECT_EQ(s.leads, 1);
    EXPECT_EQ(s.hits, 1);
    EXPECT_DOUBLE_EQ(s.confirmationRate, 1);
    EXPECT_EQ(s.unreviewedLists, 1);
    EXPECT_DOUBLE_EQ(s.oldestUnreviewedHours, 48);
    EXPECT_EQ(s.outcomes.at("arrest"), 1);
    ASSERT_EQ(s.byCaliber.size(), 1u);
    EXPECT_EQ(s.byCaliber[0].key, "9mm");
    ASSERT_EQ(s.byAgency.size(), 1u);
    EXPECT_EQ(s.byAgency[0].key, "SFPD");

    records::StatisticsFilter april;
    april.from = "2026-04-01";
    const auto a = store->statistics().compute(april, epochSeconds("2026-04-12T12:00"));
    EXPECT_EQ(a.evidence, 0);
    EXPECT_EQ(a.leads, 0);
    EXPECT_EQ(a.hits, 0) << "the hit was confirmed in March";
    EXPECT_EQ(a.unreviewedLists, 1) << "the unreviewed list was correlated in April";
    EXPECT_EQ(a.outcomes.at("arrest"), 1);
    records::StatisticsFilter other;
    other.agency = "NYPD";
    EXPECT_EQ(store->statistics().compute(other).evidence, 0);
    other = {};
    other.to = "yesterday";
    EXPECT_THROW(store->statistics().compute(other), records::RecordsError);
}

TEST_F(StoreStatisticsTest, OutcomesAreAuditedAndBadOnesChangeNothing) {
    const auto outcomes = store->outcomes().ofLead(leadId);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, "arrest");
    EXPECT_EQ(outcomes[0].recordedBy, "eve");
    EXPECT_EQ(outcomes[0].agencyCode, "SFPD");
    EXPECT_EQ(outcomes[0].recordedAt, "2026-04-11T09:00:00.000Z");
    EXPECT_FALSE(outcomes[0].received);
    try {
        store->outcomes().record(examiner, leadId, "conviction", "");
        FAIL() << "an unknown kind was accepted";
    } catch (const records::RecordsError& e) {
        EXPECT_EQ(e.kind(), records::RecordsError::Kind::InvalidInput);
        EXPECT_NE(std::string(e.what()).find("arrest, linked_cases, charge"), std::string::npos) << e.what();
    }
    EXPECT_THROW(store->outcomes().record(examiner, 999, "charge", ""), records::RecordsError);
    EXPECT_THROW(store->outcomes().record(examiner, leadId, "charge", "bad\x1b[2Jnote"), records::RecordsError);
    EXPECT_EQ(store->outcomes().all().size(), 1u);
    const auto trail = store->auditTrail("lead", leadId);
    EXPECT_TRUE(std::any_of(trail.begin(), trail.end(), [](const records::AuditEvent& e) { return e.action == "record_outcome"; }));
    const auto report = store->verifyAudit();
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0]);
}

TEST_F(StoreStatisticsTest, TheLeadRegisterHidesAConclusionFromAPendingBlindVerifier) {
    const auto all = store->leadRegister().leads(supervisor);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].leadId, leadId);
    EXPECT_EQ(all[0].status, "hit");
    EXPECT_EQ(all[0].queryCase, "C1");
    EXPECT_EQ(all[0].candidateCase, "C2");
    EXPECT_EQ(all[0].candidateItem, "Q1");
    EXPECT_EQ(all[0].hitId, hitId);
    EXPECT_EQ(all[0].outcomes, 1);
    EXPECT_TRUE(store->leadRegister().leads(supervisor, "open").empty());
    const auto blind = store->leadRegister().leads(examiner2);
    ASSERT_EQ(blind.size(), 1u);
    EXPECT_TRUE(blind[0].conclusionHidden);
    EXPECT_EQ(blind[0].conclusion, "");
    EXPECT_THROW(store->leadRegister().leads(supervisor, "closed"), records::RecordsError);
}
