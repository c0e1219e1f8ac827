// The international tier (issue 20, docs/hub-api.md "Tiers"), as national hubs, an
// international pair, agencies, an NCB and the secretariat's operators use it: real
// striae-hub processes on loopback, on SQLite and on PostgreSQL (same tests).
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "HubProcess.h"
#include "striae/imaging/Synthetic.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/HubStore.h"

namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;
using striae::test::eventually;
using striae::test::statusOf;
using striae::test::HubProcess;

namespace {

AcquisitionMetadata metadata(const std::string& caseRef, const std::string& label, const std::string& scope,
                             const std::string& caliber = "9mm") {
    AcquisitionMetadata m;
    m.caseRef = caseRef;
    m.itemLabel = label;
    m.caliber = caliber;
    m.scope = scope;
    return m;
}

Poco::JSON::Object::Ptr parse(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

std::vector<LeadList> leads(HubClient& client, const std::string& scope) {
    std::int64_t cursor = 0;
    return json::readLeadLists(client.call("GET", "/v1/leads?since=0&limit=1000&scope=" + scope), cursor);
}

const LeadList* listOf(const std::vector<LeadList>& lists, const std::string& id, const std::string& tier) {
    for (const auto& l : lists)
        if (l.acquisitionId == id && l.tier == tier) return &l;
    return nullptr;
}

const HubCandidate* candidate(const LeadList* list, const std::string& id) {
    if (!list) return nullptr;
    for (const auto& c : list->candidates)
        if (c.acquisitionId == id) return &c;
    return nullptr;
}

// Whether a peer's view of a hub holds the acquisition live ("live"), withdrawn ("withdrawn") or not at all ("").
std::string heldAs(HubClient& peerView, const std::string& id) {
    try {
        return peerView.acquisition(id).withdrawn ? "withdrawn" : "live";
    } catch (const HubError&) {
        return "";
    }
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The exit status and output of a command that may fail.
std::pair<int, std::string> runStatus(const std::string& command) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    std::string out;
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    const int status = pipe ? ::pclose(pipe) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

class HubTiersTest : public test::HubBackendTest {
protected:
    void SetUp() override { makeScans(33); }
    // Each on a port of its own chosen before it starts, so that hubs can name each other.
    std::unique_ptr<HubProcess> hub(const std::string& name) {
        auto h = HubBackendTest::hub(name);
        h->usePort(test::freePort());
        return h;
    }
    static std::string token(HubProcess& h, const std::string& code, const std::string& kindOption, const std::string& scopes = "all") {
        h.admin("agency add " + code + (kindOption.empty() ? "" : " " + kindOption));
        return h.admin("token issue " + code + " --scope " + scopes);
    }
    static std::string dbOption(const HubProcess& h) {
        const std::string url = h.databaseUrl();
        return url.rfind("sqlite:", 0) == 0 ? "" : " --db " + test::shellQuote(url);
    }
    static std::vector<std::string> serveArgs(std::vector<std::string> extra = {}) {
        std::vector<std::string> a{"--workers", "1", "--replication-interval-ms", "200", "--forward-interval-ms", "200"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

TEST_P(HubTiersTest, TheAgreementForwardsWhatItAllowsAndItsRevocationWithdrawsItFromTheInternationalTier) {
    auto intl = hub("ibin");
    intl->admin("tier international");
    const std::string franceAtIntl = token(*intl, "FR-HUB", "--national FR", "federation");
    const std::string watcher = token(*intl, "auditor", "--peer");  // reads every holding, as a peer hub does
    intl->start(serveArgs());

    auto fr = hub("fr");
    fr->admin("tier national --country FR");
    const std::string police = token(*fr, "FR-PN", "");
    // Without --every-push only pushes that ask for the international tier (the case flag) go, and only in 9mm.
    fr->admin("agreement set --calibers 9mm --by 'Cdt. Martin' --note 'IBIN participation FR-2026-01'");
    const auto frArgs = serveArgs({"--international", "ibin=" + intl->url(), "--international-token", "ibin=" + franceAtIntl});
    fr->start(frArgs);

    HubClient agency(fr->url(), police), view(intl->url(), watcher);
    const auto flagged = agency.push(scan("F01-01"), metadata("FR-1", "1", "both")).acquisition;
    const auto national = agency.push(scan("F02-01"), metadata("FR-2", "1", "national")).acquisition;
    const auto otherCaliber = agency.push(scan("F03-01"), metadata("FR-3", "1", "international", ".40 S&W")).acquisition;
    EXPECT_EQ(flagged.country, "FR");

    ASSERT_TRUE(eventually([&] { return heldAs(view, flagged.id) == "live"; })) << fr->logText() << intl->logText();
    const auto atIntl = view.acquisition(flagged.id);
    EXPECT_EQ(atIntl.agency, "FR-PN") << "the owner stays the agency";
    EXPECT_EQ(atIntl.country, "FR");
    EXPECT_EQ(atIntl.viaHub, "FR-HUB");
    EXPECT_EQ(heldAs(view, national.id), "") << "not flagged for the international tier: stays in the country";
    EXPECT_EQ(heldAs(view, otherCaliber.id), "") << "a caliber outside the agreement stays in the country";
    // Each acquisition says what became of it towards the international tier, and why.
    EXPECT_EQ(parse(agency.call("GET", "/v1/acquisitions/" + flagged.id + "/international"))->getValue<std::string>("state"), "forwarded");
    const auto refusedCaliber = parse(agency.call("GET", "/v1/acquisitions/" + otherCaliber.id + "/international"));
    EXPECT_EQ(refusedCaliber->getValue<std::string>("state"), "not_forwarded");
    EXPECT_NE(refusedCaliber->getValue<std::string>("reason").find("caliber .40 S&W"), std::string::npos);
    EXPECT_NE(parse(agency.call("GET", "/v1/acquisitions/" + national.id + "/international"))->getValue<std::string>("reason").find("scope national"),
              std::string::npos);

    // The owner raises the case flag later: now it goes.
    auto m = national.metadata;
    m.scope = "both";
    agency.update(national.id, m);
    ASSERT_TRUE(eventually([&] { return heldAs(view, national.id) == "live"; })) << fr->logText();

    // A foreign or unknown account cannot forward, nor push at the international hub.
    HubClient frenchAgencyAtIntl(intl->url(), franceAtIntl);
    EXPECT_EQ(statusOf([&] { frenchAgencyAtIntl.push(scan("F01-02"), metadata("X", "1", "both")); }), 403);

    // A wider agreement recorded while the national hub is down (killed): weighed again when it is back.
    fr->kill(SIGKILL);
    fr->admin("agreement set --calibers '9mm,.40 S&W' --by 'Cdt. Martin' --note 'IBIN participation FR-2026-02'");
    fr->start(frArgs);
    ASSERT_TRUE(eventually([&] { return heldAs(view, otherCaliber.id) == "live"; })) << fr->logText();
    EXPECT_NE(fr->admin("agreement show").find("version 2 in force"), std::string::npos);

    // Revocation: everything forwarded is withdrawn from the international tier; the national holdings stay.
    fr->admin("agreement revoke --by 'Cdt. Martin' --note 'participation suspended'");
    ASSERT_TRUE(eventually([&] {
        return heldAs(view, flagged.id) == "withdrawn" && heldAs(view, national.id) == "withdrawn" && heldAs(view, otherCaliber.id) == "withdrawn";
    })) << fr->logText();
    EXPECT_FALSE(agency.acquisition(flagged.id).withdrawn) << "the country keeps its own holding";
    EXPECT_EQ(parse(agency.call("GET", "/v1/acquisitions/" + flagged.id + "/international"))->getValue<std::string>("state"), "withdrawn");

    // Audited, in a chain of hashes that finds an edit.
    const std::string trail = fr->admin("audit");
    EXPECT_NE(trail.find("agreement.set"), std::string::npos) << trail;
    EXPECT_NE(trail.find("agreement.revoke"), std::string::npos) << trail;
    EXPECT_NE(trail.find("Cdt. Martin"), std::string::npos) << trail;
    EXPECT_NE(fr->admin("audit --verify").find("whole"), std::string::npos);
    HubDatabase(fr->databaseUrl()).execute("UPDATE hub_audit SET detail = 'calibers any' WHERE event = 'agreement.set'");
    const auto [status, said] = runStatus(std::string(STRIAE_HUB) + " --data " + fr->dataDir().string() + " --name fr" +
                                          dbOption(*fr) + " audit --verify");
    EXPECT_EQ(status, 1) << said;
    EXPECT_NE(said.find("entry 1"), std::string::npos) << said;
}

// Two countries' national hubs forward to an international pair (two hubs, peers of each other, as IBIN's
// two correlation servers). What an owner decides at home reaches every tier and both servers.
TEST_P(HubTiersTest, OwnershipCrossBorderLeadsAndThePairConvergeAcrossThreeTiersOfHubs) {
    auto ibinA = hub("ibin-a");
    auto ibinB = hub("ibin-b");
    std::map<std::string, std::string> tokensAtA, tokensAtB;
    for (auto* h : {ibinA.get(), ibinB.get()}) {
        h->admin("tier international");
        auto& tokens = h == ibinA.get() ? tokensAtA : tokensAtB;
        tokens["FR"] = token(*h, "FR-HUB", "--national FR", "federation");
        tokens["DE"] = token(*h, "DE-HUB", "--national DE", "federation");
        tokens["operator"] = token(*h, "IPSG", "--operator");
        tokens["peer"] = token(*h, h == ibinA.get() ? "ibin-b" : "ibin-a", "--peer");
        tokens["ncb-DE"] = token(*h, "NCB-DE", "--ncb DE", "evidence,submissions");
    }
    auto peerOf = [&](HubProcess& other, const std::string& name, const std::string& token) {
        return std::vector<std::string>{"--peer", name + "=" + other.url(), "--peer-token", name + "=" + token};
    };
    // Each pulls the other's feed with the token the other issued to it.
    ibinA->start(serveArgs(peerOf(*ibinB, "ibin-b", tokensAtB["peer"])));
    ibinB->start(serveArgs(peerOf(*ibinA, "ibin-a", tokensAtA["peer"])));
    auto nationalHub = [&](const std::string& name, const std::string& country, const std::string& agencyCode, std::string& agencyToken) {
        auto h = hub(name);
        h->admin("tier national --country " + country);
        agencyToken = token(*h, agencyCode, "");
        h->admin("agreement set --by 'NCB " + country + "'");
        // ibin-a first, ibin-b when ibin-a cannot be reached.
        h->start(serveArgs({"--international", "ibin-a=" + ibinA->url(), "--international-token", "ibin-a=" + tokensAtA[country],
                            "--international", "ibin-b=" + ibinB->url(), "--international-token", "ibin-b=" + tokensAtB[country]}));
        return h;
    };
    std::string frToken, deToken;
    auto fr = nationalHub("fr", "FR", "FR-PN", frToken);
    auto de = nationalHub("de", "DE", "DE-BKA", deToken);
    HubClient paris(fr->url(), frToken), berlin(de->url(), deToken);
    HubClient viewA(ibinA->url(), tokensAtA["peer"]);  // the peer's token at ibin-a sees every holding there
    HubClient viewB(ibinB->url(), tokensAtB["peer"]);

    // The same gun fired in both countries: F01-01 in Paris, F01-02 in Berlin.
    const auto parisShot = paris.push(scan("F01-01"), metadata("PARIS-17", "1", "both")).acquisition;
    const auto berlinShot = berlin.push(scan("F01-02"), metadata("BERLIN-4", "1", "both")).acquisition;
    const auto berlinOther = berlin.push(scan("F02-02"), metadata("BERLIN-5", "1", "international")).acquisition;
    ASSERT_TRUE(eventually([&] {
        for (auto* v : {&viewA, &viewB})
            for (const auto& id : {parisShot.id, berlinShot.id, berlinOther.id})
                if (heldAs(*v, id) != "live") return false;
        return true;
    })) << fr->logText() << de->logText() << ibinA->logText() << ibinB->logText();

    // Berlin's international list (mirrored to its own hub) ranks the French shot first, and says so.
    const LeadList* international = nullptr;
    std::vector<LeadList> berlinLists;
    ASSERT_TRUE(eventually([&] {
        berlinLists = leads(berlin, "international");
        international = listOf(berlinLists, berlinShot.id, "international");
        return international && candidate(international, parisShot.id);
    })) << de->logText() << ibinA->logText();
    const HubCandidate* french = candidate(international, parisShot.id);
    EXPECT_EQ(international->candidates.front().acquisitionId, parisShot.id) << "the same gun ranks first across the border";
    EXPECT_EQ(french->tier, "international");
    EXPECT_EQ(french->country, "FR");
    EXPECT_EQ(french->agency, "FR-PN");
    EXPECT_FALSE(french->disclosed);
    EXPECT_EQ(french->caseRef, "") << "another country's case reference only after its owner discloses it";
    for (const auto& l : berlinLists) EXPECT_EQ(l.tier, "international") << "scope international: international lists only";
    // The national scope: Berlin's own hub's lists, which know nothing of France.
    const auto nationalLists = leads(berlin, "national");
    ASSERT_NE(listOf(nationalLists, berlinShot.id, "national"), nullptr);
    EXPECT_EQ(candidate(listOf(nationalLists, berlinShot.id, "national"), parisShot.id), nullptr);
    EXPECT_EQ(leads(berlin, "both").size(), nationalLists.size() + berlinLists.size());

    // The scan: not before disclosure, then through Berlin's own hub from the international tier.
    EXPECT_EQ(statusOf([&] { berlin.downloadScan(parisShot.id, (dir / "seen.x3p").string()); }), 404);
    paris.disclose(parisShot.id, true);
    ASSERT_TRUE(eventually([&] {
        return statusOf([&] { berlin.downloadScan(parisShot.id, (dir / "seen.x3p").string()); }) == 200;
    })) << fr->logText();
    EXPECT_EQ(fileBytes((dir / "seen.x3p").string()), fileBytes(scan("F01-01")));
    ASSERT_TRUE(eventually([&] {
        const auto now = leads(berlin, "international");
        const auto* c = candidate(listOf(now, berlinShot.id, "international"), parisShot.id);
        return c && c->caseRef == "PARIS-17";
    })) << "the disclosure reaches the lists naming it";

    // A cross-border hit, reported at home, counted at the international tier for Germany.
    const std::int64_t hitCandidate = candidate(listOf(leads(berlin, "international"), berlinShot.id, "international"), parisShot.id)->id;
    berlin.reportOutcome(hitCandidate, "hit");
    HubClient operatorAtA(ibinA->url(), tokensAtA["operator"]);
    const auto figures = parse(operatorAtA.call("GET", "/v1/stats/tiers"));
    std::map<std::string, Poco::JSON::Object::Ptr> byCountry;
    const auto countries = figures->getArray("countries");
    for (std::size_t i = 0; i < countries->size(); ++i) byCountry[countries->getObject(unsigned(i))->getValue<std::string>("country")] = countries->getObject(unsigned(i));
    ASSERT_TRUE(byCountry.count("DE") && byCountry.count("FR")) << figures;
    EXPECT_EQ(byCountry["DE"]->getValue<int>("holdings"), 2);
    EXPECT_EQ(byCountry["DE"]->getValue<int>("cross_border_hits"), 1);
    EXPECT_EQ(byCountry["DE"]->getValue<int>("cross_border_leads"), 1);
    EXPECT_GE(byCountry["DE"]->getValue<int>("international_searches"), 2);
    EXPECT_EQ(byCountry["FR"]->getValue<int>("cross_border_hits"), 0);
    // Nothing in another period.
    const auto before = parse(operatorAtA.call("GET", "/v1/stats/tiers?from=2001-01-01&to=2001-12-31"))->getArray("countries");
    for (std::size_t i = 0; i < before->size(); ++i) EXPECT_EQ(before->getObject(unsigned(i))->getValue<int>("cross_border_hits"), 0);
    // Germany's NCB sees its country's agencies' international activity: the lists of both Berlin scans.
    HubClient ncbGermany(ibinA->url(), tokensAtA["ncb-DE"]);
    std::int64_t cursor = 0;
    const auto germanLists = ncbGermany.leads(0, 100, cursor);
    std::set<std::string> listed;
    for (const auto& l : germanLists) listed.insert(l.acquisitionId);
    EXPECT_EQ(listed, (std::set<std::string>{berlinShot.id, berlinOther.id}));
    EXPECT_EQ(statusOf([&] { ncbGermany.acquisition(parisShot.id); }), 200) << "disclosed by now";
    EXPECT_EQ(statusOf([&] { ncbGermany.push(scan("F03-02"), metadata("X", "1", "both")); }), 403);
    // A national hub's own figures name its country only.
    HubClient deAtIntl(ibinA->url(), tokensAtA["DE"]);
    const auto deFigures = parse(deAtIntl.call("GET", "/v1/stats/tiers"))->getArray("countries");
    ASSERT_EQ(deFigures->size(), 1u);
    EXPECT_EQ(deFigures->getObject(0)->getValue<std::string>("country"), "DE");
    EXPECT_EQ(statusOf([&] { deAtIntl.call("GET", "/v1/stats/tiers?country=FR"); }), 403);
    // GET /v1/stats carries the same figures, as its "tiers".
    const auto inStats = parse(operatorAtA.call("GET", "/v1/stats"));
    ASSERT_TRUE(inStats->has("tiers"));
    EXPECT_EQ(inStats->getObject("tiers")->getValue<std::string>("tier"), "international");
    EXPECT_EQ(inStats->getObject("tiers")->getArray("countries")->size(), countries->size());

    // An update by the owner reaches both international servers.
    auto m = parisShot.metadata;
    m.caseRef = "PARIS-17-bis";
    paris.update(parisShot.id, m);
    ASSERT_TRUE(eventually([&] {
        return viewA.acquisition(parisShot.id).metadata.caseRef == "PARIS-17-bis" && viewB.acquisition(parisShot.id).metadata.caseRef == "PARIS-17-bis";
    })) << fr->logText() << ibinB->logText();

    // ibin-b killed; France pushes and withdraws meanwhile; ibin-b, back, converges with ibin-a.
    ibinB->kill(SIGKILL);
    const auto parisLater = paris.push(scan("F03-01"), metadata("PARIS-20", "1", "both")).acquisition;
    paris.withdraw(parisShot.id);
    ASSERT_TRUE(eventually([&] { return heldAs(viewA, parisShot.id) == "withdrawn" && heldAs(viewA, parisLater.id) == "live"; }))
        << fr->logText();
    // The withdrawal reached Berlin's mirrored list too.
    ASSERT_TRUE(eventually([&] {
        return candidate(listOf(leads(berlin, "international"), berlinShot.id, "international"), parisShot.id) == nullptr;
    })) << de->logText();
    EXPECT_EQ(statusOf([&] { berlin.downloadScan(parisShot.id, (dir / "gone.x3p").string()); }), 404);
    ibinB->start(serveArgs(peerOf(*ibinA, "ibin-a", tokensAtA["peer"])));
    HubClient viewB2(ibinB->url(), tokensAtB["peer"]);
    ASSERT_TRUE(eventually([&] { return heldAs(viewB2, parisShot.id) == "withdrawn" && heldAs(viewB2, parisLater.id) == "live"; }))
        << ibinB->logText();
    for (const auto& id : {berlinShot.id, berlinOther.id}) EXPECT_EQ(heldAs(viewB2, id), "live");
    EXPECT_EQ(viewB2.acquisition(parisLater.id).country, "FR");

    // Now ibin-a down: France forwards to ibin-b instead; ibin-a, back, has it from its peer.
    ibinA->kill(SIGKILL);
    const auto parisWhileADown = paris.push(scan("F03-02"), metadata("PARIS-21", "1", "both")).acquisition;
    ASSERT_TRUE(eventually([&] { return heldAs(viewB2, parisWhileADown.id) == "live"; })) << fr->logText();
    EXPECT_EQ(viewB2.acquisition(parisWhileADown.id).viaHub, "FR-HUB");
    ibinA->start(serveArgs(peerOf(*ibinB, "ibin-b", tokensAtB["peer"])));
    HubClient viewA2(ibinA->url(), tokensAtA["peer"]);
    ASSERT_TRUE(eventually([&] { return heldAs(viewA2, parisWhileADown.id) == "live"; })) << ibinA->logText();
    EXPECT_EQ(heldAs(viewA2, parisShot.id), "withdrawn");

    // Both international hubs down: an outcome on an international candidate is refused as the link's problem
    // (503), and not kept at home as if it had been passed on.
    const auto berlinNow = leads(berlin, "international");
    const auto* anyInternational = listOf(berlinNow, berlinShot.id, "international");
    ASSERT_TRUE(anyInternational && !anyInternational->candidates.empty());
    const std::int64_t pending = anyInternational->candidates.front().id;
    ibinA->kill(SIGKILL);
    ibinB->kill(SIGKILL);
    try {
        berlin.reportOutcome(pending, "eliminated");
        ADD_FAILURE() << "an outcome with the international tier down was taken";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 503);
        EXPECT_NE(std::string(e.what()).find("international tier cannot be reached"), std::string::npos) << e.what();
    }
    const auto berlinAfter = leads(berlin, "international");
    const auto* unchanged = candidate(listOf(berlinAfter, berlinShot.id, "international"), anyInternational->candidates.front().acquisitionId);
    ASSERT_NE(unchanged, nullptr);
    EXPECT_EQ(unchanged->outcome, "");
}

// A country without equipment: its NCB sends test fires; the secretariat's operator registers the
// submission, acquires the scans as the country's holdings, the hub correlates them against what
// the members forwarded, the operator reviews and sends the report, which the NCB fetches. The
// operator works with `striae submission`, as at the secretariat; the steps are the hub's to enforce.
TEST_P(HubTiersTest, ASubmissionOnBehalfOfACountryThroughItsWholeLife) {
    auto intl = hub("ibin");
    intl->admin("tier international");
    const std::string franceAtIntl = token(*intl, "FR-HUB", "--national FR", "federation");
    const std::string operatorToken = token(*intl, "IPSG", "--operator", "submissions");
    const std::string kenya = token(*intl, "NCB-KE", "--ncb KE", "submissions");
    const std::string uganda = token(*intl, "NCB-UG", "--ncb UG", "submissions");
    const std::string operatorEvidenceOnly = intl->admin("token issue IPSG --scope evidence");
    intl->start(serveArgs());
    auto fr = hub("fr");
    fr->admin("tier national --country FR");
    const std::string police = token(*fr, "FR-PN", "");
    fr->admin("agreement set --every-push --by 'NCB FR'");
    fr->start(serveArgs({"--international", "ibin=" + intl->url(), "--international-token", "ibin=" + franceAtIntl}));
    HubClient paris(fr->url(), police);
    const auto parisShot = paris.push(scan("F01-01"), metadata("PARIS-9", "1", "national")).acquisition;  // --every-push: forwarded all the same
    HubClient operatorAtIntl(intl->url(), operatorToken), kenyaAtIntl(intl->url(), kenya), ugandaAtIntl(intl->url(), uganda);

    auto tokenFile = [&](const std::string& name, const std::string& token) {
        const auto path = dir / name;
        std::ofstream(path) << token << '\n';
        return " --hub " + intl->url() + " --token-file " + path.string();
    };
    const std::string asOperator = tokenFile("operator.token", operatorToken), asKenya = tokenFile("kenya.token", kenya);
    const std::string cli = std::string(STRIAE_CLI) + " submission ";

    // Registered by the operator (the NCB's reference, the question).
    const std::string registered = test::runCommand(cli + "register" + asOperator +
                                                    " --country KE --reference KE/NCB/2026/118 --material test_fires"
                                                    " --question 'Was the pistol seized in Mombasa used in a shooting abroad?' --by 'A. Okafor'");
    EXPECT_NE(registered.find("S-KE-1"), std::string::npos) << registered;
    EXPECT_NE(registered.find("registered"), std::string::npos) << registered;
    // Refusals that change nothing: no NCB account for the country, a token of another role, an NCB registering.
    EXPECT_EQ(statusOf([&] {
                  operatorAtIntl.call("POST", "/v1/submissions",
                                      R"({"country":"TZ","ncb_reference":"1","material":"test_fires","question":"q","recorded_by":"x"})");
              }),
              409);
    EXPECT_EQ(statusOf([&] { HubClient(intl->url(), operatorEvidenceOnly).call("GET", "/v1/submissions"); }), 403);
    EXPECT_EQ(statusOf([&] {
                  kenyaAtIntl.call("POST", "/v1/submissions", R"({"country":"KE","ncb_reference":"2","material":"test_fires","question":"q","recorded_by":"x"})");
              }),
              403);
    // Its status, visible to both; not to another country's NCB.
    EXPECT_EQ(parse(kenyaAtIntl.call("GET", "/v1/submissions"))->getArray("submissions")->size(), 1u);
    EXPECT_EQ(parse(ugandaAtIntl.call("GET", "/v1/submissions"))->getArray("submissions")->size(), 0u);
    EXPECT_EQ(statusOf([&] { ugandaAtIntl.call("GET", "/v1/submissions/S-KE-1"); }), 404);
    EXPECT_EQ(statusOf([&] { operatorAtIntl.call("POST", "/v1/submissions/S-KE-1/review", R"({"conclusion":"c","reviewed_by":"x"})"); }), 409)
        << "no scans yet";

    // Acquired on Kenya's behalf (once France's holding is at the international tier): Kenya's holdings,
    // owned by its NCB's account.
    ASSERT_TRUE(eventually([&] {
        const auto countries = parse(operatorAtIntl.call("GET", "/v1/stats/tiers?country=FR"))->getArray("countries");
        return countries->size() == 1 && countries->getObject(0)->getValue<int>("holdings") == 1;
    })) << fr->logText();
    const std::string acquired = test::runCommand(cli + "acquire S-KE-1 " + scan("F01-02") + asOperator + " --item TF-1 --caliber 9mm");
    EXPECT_NE(acquired.find("for NCB-KE (KE)"), std::string::npos) << acquired;
    test::runCommand(cli + "acquire S-KE-1 " + scan("F02-02") + asOperator + " --item TF-2 --caliber 9mm");
    EXPECT_EQ(parse(kenyaAtIntl.call("GET", "/v1/submissions/S-KE-1"))->getObject("submission")->getValue<std::string>("status"), "acquired");

    // Correlated against the members' holdings: the French shot of the same gun leads TF-1's list.
    Poco::JSON::Object::Ptr view;
    ASSERT_TRUE(eventually([&] {
        view = parse(operatorAtIntl.call("GET", "/v1/submissions/S-KE-1"));
        return view->getObject("submission")->getValue<int>("correlated") == 2 && view->getArray("lead_lists")->size() == 2;
    })) << intl->logText();
    // TF-1's list: the French shot of the same gun first, scoring above what TF-2 (another gun) gives it.
    const std::string tf1 = acquired.substr(acquired.find("acquired ") + 9, 32);
    std::int64_t frenchCandidate = 0;
    double sameGun = -1, otherGun = -1;
    const auto lists = view->getArray("lead_lists");
    for (std::size_t i = 0; i < lists->size(); ++i) {
        const auto list = lists->getObject(unsigned(i));
        const auto candidates = list->getArray("candidates");
        for (std::size_t j = 0; j < candidates->size(); ++j) {
            const auto c = candidates->getObject(unsigned(j));
            if (c->getValue<std::string>("acquisition") != parisShot.id) continue;
            EXPECT_EQ(c->getValue<std::string>("country"), "FR");
            EXPECT_EQ(c->getValue<std::string>("case_ref"), "") << "France did not disclose it";
            if (list->getValue<std::string>("acquisition") == tf1) {
                EXPECT_EQ(c->getValue<int>("rank"), 1);
                frenchCandidate = c->getValue<std::int64_t>("id");
                sameGun = c->getValue<double>("score");
            } else {
                otherGun = c->getValue<double>("score");
            }
        }
    }
    ASSERT_GT(frenchCandidate, 0) << view;
    EXPECT_GT(sameGun, otherGun);
    const auto acquisitions = view->getArray("acquisitions");
    for (std::size_t i = 0; i < acquisitions->size(); ++i) {
        const auto a = acquisitions->getObject(unsigned(i));
        EXPECT_EQ(a->getValue<std::string>("agency"), "NCB-KE");
        EXPECT_EQ(a->getValue<std::string>("country"), "KE");
        EXPECT_EQ(a->getValue<std::string>("acquired_for"), "IPSG") << "marked acquired on the country's behalf";
    }
    EXPECT_EQ(statusOf([&] { operatorAtIntl.call("POST", "/v1/submissions/S-KE-1/report", R"({"sent_by":"x"})"); }), 409) << "not reviewed";

    // Reviewed at the hub, then the report sent (JSON frozen, PDF rendered from it and attached).
    const std::string reviewed = test::runCommand(cli + "review S-KE-1" + asOperator + " --outcome " + std::to_string(frenchCandidate) +
                                                  "=lead --conclusion 'TF-1 ranks a French holding first: a lead for "
                                                  "microscopic confirmation' --by 'Dr. B. Mensah'");
    EXPECT_NE(reviewed.find("reviewed"), std::string::npos) << reviewed;
    EXPECT_EQ(statusOf([&] {
                  operatorAtIntl.upload("/v1/submissions/S-KE-1/acquisitions", scan("F03-02"), "", json::writeMetadata(metadata("", "TF-3", "")));
              }),
              409);
    EXPECT_EQ(parse(kenyaAtIntl.call("GET", "/v1/submissions/S-KE-1"))->getObject("submission")->getValue<int>("acquisitions"), 2)
        << "after the review no scan is added";
    const auto sentPdf = (dir / "sent.pdf").string();
    test::runCommand(cli + "report S-KE-1" + asOperator + " --by 'Dr. B. Mensah' -o " + sentPdf);

    // The NCB fetches it: the same PDF, checked against the hash the hub recorded.
    const auto receivedPdf = (dir / "received.pdf").string(), receivedJson = (dir / "received.json").string();
    test::runCommand(cli + "fetch S-KE-1" + asKenya + " -o " + receivedPdf + " --json " + receivedJson);
    EXPECT_EQ(fileBytes(receivedPdf), fileBytes(sentPdf));
    const std::string text = test::runCommand("pdftotext -layout " + receivedPdf + " -");
    for (const std::string expected : {"Search on behalf of KE", "KE/NCB/2026/118", "Mombasa", "TF-1", "FR-PN", "lead", "Dr. B. Mensah",
                                       "lead for microscopic", "CMC count"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    EXPECT_EQ(text.find("PARIS-9"), std::string::npos) << "France did not disclose its case reference";
    EXPECT_NE(text.find("not disclosed"), std::string::npos);
    const auto report = parse(fileBytes(receivedJson));
    EXPECT_EQ(report->getObject("submission")->getValue<std::string>("status"), "reported");
    const auto history = parse(kenyaAtIntl.call("GET", "/v1/submissions/S-KE-1"))->getObject("submission")->getArray("history");
    std::vector<std::string> steps;
    for (std::size_t i = 0; i < history->size(); ++i) steps.push_back(history->getObject(unsigned(i))->getValue<std::string>("step"));
    EXPECT_EQ(steps, (std::vector<std::string>{"registered", "acquired", "acquired", "reviewed", "reported", "report_pdf"}));
    EXPECT_EQ(statusOf([&] { ugandaAtIntl.call("GET", "/v1/submissions/S-KE-1/report.pdf"); }), 404);

    // Counted for Kenya at the international tier; the hub's audit trail holds each step.
    const auto countries = parse(operatorAtIntl.call("GET", "/v1/stats/tiers"))->getArray("countries");
    bool kenyaCounted = false;
    for (std::size_t i = 0; i < countries->size(); ++i) {
        const auto c = countries->getObject(unsigned(i));
        if (c->getValue<std::string>("country") != "KE") continue;
        kenyaCounted = true;
        EXPECT_EQ(c->getValue<int>("submissions_on_behalf"), 1);
        EXPECT_EQ(c->getValue<int>("holdings"), 2);
        EXPECT_EQ(c->getValue<int>("international_searches"), 2);
    }
    EXPECT_TRUE(kenyaCounted);
    // The operator's command line says the same.
    const std::string table = intl->admin("stats --tiers --country KE");
    EXPECT_NE(table.find("tier international"), std::string::npos) << table;
    EXPECT_NE(table.find("KE"), std::string::npos) << table;
    EXPECT_EQ(table.find("FR "), std::string::npos) << "only the country asked for: " << table;
    const auto asJson = parse(intl->admin("stats --tiers --json"))->getArray("countries");
    EXPECT_GE(asJson->size(), 2u) << "FR and KE";
    const std::string trail = intl->admin("audit");
    EXPECT_NE(trail.find("submission.reported"), std::string::npos) << trail;
    EXPECT_NE(intl->admin("audit --verify").find("whole"), std::string::npos);
}

// What a national hub, an NCB, an operator or an agency may not do between tiers, each refused with a
// status and message that name the problem, and nothing changed.
TEST_P(HubTiersTest, RefusalsBetweenTiersNameTheProblemAndChangeNothing) {
    auto intl = hub("ibin");
    intl->admin("tier international");
    const std::string france = token(*intl, "FR-HUB", "--national FR", "federation");
    const std::string germany = token(*intl, "DE-HUB", "--national DE", "federation");
    const std::string ncb = token(*intl, "NCB-KE", "--ncb KE", "submissions,evidence");
    const std::string operators = token(*intl, "IPSG", "--operator", "submissions,evidence");
    const std::string watcher = token(*intl, "auditor", "--peer");
    intl->admin("agency add DE-BKA");  // an account of the hub's own, of no country: not France's to forward for
    intl->start(serveArgs());
    HubClient fr(intl->url(), france), de(intl->url(), germany), kenya(intl->url(), ncb), ipsg(intl->url(), operators), view(intl->url(), watcher);

    auto forwarded = [&](const std::string& agency, const std::string& file) {
        HubAcquisition a;
        a.agency = agency;
        a.originHub = "fr";
        a.sha256 = test::runCommand("sha256sum " + file + " | cut -c1-64");
        a.id = HubStore::acquisitionIdFor(agency, a.sha256);
        a.metadata = metadata("FR-9", "1", "both");
        return a;
    };
    auto forward = [&](HubClient& client, const HubAcquisition& a, const std::string& file) {
        return client.upload("/v1/federation/acquisitions", file, a.sha256, json::write(a));
    };
    // A good forward, for what follows.
    const auto held = forward(fr, forwarded("FR-PN", scan("F01-01")), scan("F01-01")).acquisition;
    EXPECT_EQ(held.country, "FR");

    std::string message;
    auto refused = [&](const std::function<void()>& call) {
        try {
            call();
        } catch (const HubError& e) {
            message = e.what();
            return e.status();
        }
        message.clear();
        return 200;
    };
    EXPECT_EQ(refused([&] { forward(fr, forwarded("DE-BKA", scan("F02-01")), scan("F02-01")); }), 409);
    EXPECT_NE(message.find("DE-BKA"), std::string::npos) << message;
    auto wrongId = forwarded("FR-PN", scan("F02-01"));
    wrongId.id = std::string(32, 'a');
    EXPECT_EQ(refused([&] { forward(fr, wrongId, scan("F02-01")); }), 400);
    EXPECT_NE(message.find("not the one of agency FR-PN"), std::string::npos) << message;
    auto wrongScan = forwarded("FR-PN", scan("F02-01"));
    EXPECT_EQ(refused([&] { forward(fr, wrongScan, scan("F03-01")); }), 400);
    EXPECT_NE(message.find("SHA-256"), std::string::npos) << message;
    const auto notX3p = (dir / "not.x3p").string();
    std::ofstream(notX3p) << "not a scan";
    EXPECT_EQ(refused([&] { forward(fr, forwarded("FR-PN", notX3p), notX3p); }), 422);
    // Another country's national hub neither changes nor withdraws France's holding (it cannot even see it).
    auto changed = held;
    changed.disclosed = true;
    EXPECT_EQ(refused([&] { de.call("PUT", "/v1/federation/acquisitions/" + held.id, json::write(changed)); }), 404);
    EXPECT_EQ(refused([&] { de.call("DELETE", "/v1/federation/acquisitions/" + held.id); }), 404);
    EXPECT_EQ(refused([&] { de.call("GET", "/v1/federation/acquisitions/" + held.id + "/scan"); }), 404);
    // Other kinds of account on the federation's routes, and the federation's token elsewhere.
    EXPECT_EQ(refused([&] { ipsg.call("GET", "/v1/federation/leads"); }), 403);
    EXPECT_NE(message.find("operator"), std::string::npos) << message;
    EXPECT_EQ(refused([&] { kenya.push(scan("F02-02"), metadata("KE-1", "1", "both")); }), 403);
    EXPECT_EQ(refused([&] { fr.call("GET", "/v1/submissions"); }), 403);
    EXPECT_NE(message.find("federation"), std::string::npos) << message;
    EXPECT_EQ(refused([&] {
                  ipsg.call("POST", "/v1/submissions", R"({"country":"KE","ncb_reference":"R1","material":"bullets","question":"q","recorded_by":"x"})");
              }),
              400);
    EXPECT_NE(message.find("material"), std::string::npos) << message;
    EXPECT_EQ(refused([&] { ipsg.call("PUT", "/v1/submissions/S-KE-1/report.pdf", "%PDF-1.4", "application/pdf"); }), 404);

    // Nothing of it stayed: one holding, no file left over from the refused uploads.
    EXPECT_EQ(heldAs(view, held.id), "live");
    for (const auto& other : {forwarded("FR-PN", scan("F02-01")).id, forwarded("DE-BKA", scan("F02-01")).id})
        EXPECT_EQ(heldAs(view, other), "");
    EXPECT_TRUE(fs::is_empty(intl->dataDir() / "files" / ".tmp"));
    EXPECT_EQ(test::runCommand("find " + (intl->dataDir() / "files").string() + " -name '*.x3p' | wc -l"), "1");

    // The administration refuses what does not fit the hub's tier.
    const auto [agreementStatus, agreementSaid] =
        runStatus(std::string(STRIAE_HUB) + " --data " + intl->dataDir().string() + " --name ibin" + dbOption(*intl) + " agreement set --by x");
    EXPECT_EQ(agreementStatus, 1);
    EXPECT_NE(agreementSaid.find("national hub's"), std::string::npos) << agreementSaid;
    auto home = hub("home");
    home->admin("tier national --country FR");
    const auto [ncbStatus, ncbSaid] =
        runStatus(std::string(STRIAE_HUB) + " --data " + home->dataDir().string() + " --name home" + dbOption(*home) + " agency add NCB-FR --ncb FR");
    EXPECT_EQ(ncbStatus, 1);
    EXPECT_NE(ncbSaid.find("international hub"), std::string::npos) << ncbSaid;
    const auto [typeStatus, typeSaid] = runStatus(std::string(STRIAE_HUB) + " --data " + home->dataDir().string() + " --name home" +
                                                  dbOption(*home) + " agreement set --item-types pistol --by x");
    EXPECT_EQ(typeStatus, 1);
    EXPECT_NE(typeSaid.find("pistol"), std::string::npos) << typeSaid;
    const auto [revokeStatus, revokeSaid] =
        runStatus(std::string(STRIAE_HUB) + " --data " + home->dataDir().string() + " --name home" + dbOption(*home) + " agreement revoke --by x");
    EXPECT_EQ(revokeStatus, 1);
    EXPECT_NE(revokeSaid.find("no participation agreement"), std::string::npos) << revokeSaid;
    EXPECT_NE(home->admin("agreement show").find("forwarded 0"), std::string::npos);
}

// The workstation's side: a store configured to ask for both tiers pushes through its national hub, which
// forwards; the pull brings both tiers' lists, each run saying which tier searched; the scope of a scan
// pushed before is changed from the command line.
TEST(HubTiersCli, AStoreAsksForBothTiersAndItsRunsSayWhichTierSearched) {
    test::TempDir dir;
    imaging::SynthOptions o;
    o.firearms = 2;
    o.shotsPerFirearm = 2;
    o.sizePx = 96;
    o.seed = 5;
    imaging::writeSyntheticSet(o, (dir / "scans").string());
    HubProcess intl(dir / "ibin", "", "ibin"), fr(dir / "fr", "", "fr"), de(dir / "de", "", "de");
    for (auto* h : {&intl, &fr, &de}) h->usePort(test::freePort());
    intl.admin("tier international");
    const std::string frAtIntl = (intl.admin("agency add FR-HUB --national FR"), intl.admin("token issue FR-HUB --scope federation"));
    const std::string deAtIntl = (intl.admin("agency add DE-HUB --national DE"), intl.admin("token issue DE-HUB --scope federation"));
    intl.start({"--workers", "1"});
    const std::vector<std::string> fast{"--workers", "1", "--forward-interval-ms", "200"};
    fr.admin("tier national --country FR");
    const std::string token = fr.addAgency("FR-PN");
    fr.admin("agreement set --by 'NCB FR'");
    auto frArgs = fast;
    frArgs.insert(frArgs.end(), {"--international", "ibin=" + intl.url(), "--international-token", "ibin=" + frAtIntl});
    fr.start(frArgs);
    de.admin("tier national --country DE");
    HubClient berlin(de.url(), de.addAgency("DE-BKA"));
    de.admin("agreement set --by 'NCB DE'");
    auto deArgs = fast;
    deArgs.insert(deArgs.end(), {"--international", "ibin=" + intl.url(), "--international-token", "ibin=" + deAtIntl});
    de.start(deArgs);
    const auto german = berlin.push((dir / "scans" / "F01-02.x3p").string(), metadata("B-1", "1", "both")).acquisition;

    const std::string store = (dir / "store").string();
    const std::string cli = std::string(STRIAE_CLI) + " ";
    std::string admin;
    const std::string env = test::cliStoreWithTechnician(store, "FR-PN", "FR", &admin);
    test::runCommand(env + cli + "case add P-1");
    test::runCommand(env + cli + "item add P-1 Q1 --caliber 9mm");
    test::runCommand(env + cli + "item add P-1 Q2 --caliber 9mm");
    test::runCommand(env + cli + "import 1 " + test::shellQuote((dir / "scans" / "F01-01.x3p").string()) + " --processed");
    test::runCommand(env + cli + "import 2 " + test::shellQuote((dir / "scans" / "F02-01.x3p").string()) + " --processed");
    const auto [badStatus, badSaid] = runStatus(admin + "STRIAE_HUB_TOKEN=" + token + " " + cli + "sync configure --hub " + fr.url() +
                                                " --agency FR-PN --scope worldwide");
    EXPECT_NE(badStatus, 0) << badSaid;
    test::runCommand(admin + "STRIAE_HUB_TOKEN=" + token + " " + cli + "sync configure --hub " + fr.url() + " --agency FR-PN --scope both");
    EXPECT_NE(test::runCommand(env + cli + "sync push --json").find("\"pushed\":2"), std::string::npos);

    // Forwarded; Berlin's German shot and Paris's Q1 are the same gun: Paris's international list names it.
    HubClient paris(fr.url(), token);
    ASSERT_TRUE(eventually([&] {
        for (const auto& l : leads(paris, "international"))
            if (candidate(&l, german.id)) return true;
        return false;
    })) << fr.logText() << intl.logText();
    const std::string pulled = test::runCommand(env + cli + "sync pull");
    EXPECT_NE(pulled.find("lead lists pulled"), std::string::npos) << pulled;
    std::set<std::string> tiers;
    for (const std::string run : {"1", "2", "3", "4"}) {
        const auto [status, shown] = runStatus(env + cli + "run show " + run + " --json");
        if (status != 0) continue;
        const auto r = parse(shown);
        if (r->has("tier")) tiers.insert(r->getValue<std::string>("tier"));
    }
    EXPECT_EQ(tiers, (std::set<std::string>{"national", "international"}));

    // Scan 2 back to the national tier: withdrawn from the international one.
    EXPECT_NE(test::runCommand(env + cli + "sync scope 2 national").find("now searched national"), std::string::npos);
    HubClient frView(fr.url(), token);
    std::string q2Id;
    for (const auto& l : leads(frView, "national"))
        if (l.itemLabel == "Q2") q2Id = l.acquisitionId;
    ASSERT_FALSE(q2Id.empty());
    ASSERT_TRUE(eventually([&] { return parse(frView.call("GET", "/v1/acquisitions/" + q2Id + "/international"))->getValue<std::string>("state") == "withdrawn"; }))
        << fr.logText();
    EXPECT_EQ(frView.acquisition(q2Id).metadata.scope, "national");
}

INSTANTIATE_TEST_SUITE_P(Backends, HubTiersTest, ::testing::Values("sqlite", "postgresql"));
