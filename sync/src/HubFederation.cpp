#include "striae/sync/HubFederation.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>

#include "JsonFields.h"
#include "LeadListRow.h"
#include "TextFields.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"
#include "striae/sync/HubTierJson.h"

namespace striae::sync {

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS agreement(version BIGINT PRIMARY KEY, active BIGINT NOT NULL, rules TEXT NOT NULL,
  recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forwarded(acquisition_id TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL,
  sent_updated_at BIGINT NOT NULL, at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS intl_list(acquisition_id TEXT PRIMARY KEY, agency TEXT NOT NULL, seq BIGINT NOT NULL,
  status TEXT NOT NULL, correlated_at BIGINT NOT NULL, holdings BIGINT NOT NULL, fully_compared BIGINT NOT NULL,
  shortlist TEXT NOT NULL, hub TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS intl_list_feed ON intl_list(agency, seq);
CREATE TABLE IF NOT EXISTS intl_candidate(id BIGINT PRIMARY KEY, list_id TEXT NOT NULL, remote_id BIGINT NOT NULL,
  acquisition_id TEXT NOT NULL, rank BIGINT NOT NULL, score %REAL% NOT NULL, score_high %REAL% NOT NULL, details TEXT NOT NULL,
  agency TEXT NOT NULL, country TEXT NOT NULL, caliber TEXT NOT NULL, item_type TEXT NOT NULL, case_ref TEXT NOT NULL,
  disclosed BIGINT NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS intl_candidate_list ON intl_candidate(list_id, rank);
CREATE INDEX IF NOT EXISTS intl_candidate_acquisition ON intl_candidate(acquisition_id)
)SQL";

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& v : list) out += (out.empty() ? "" : ", ") + v;
    return out.empty() ? "any" : out;
}

}  // namespace

HubFederation::HubFederation(HubStore& store) : store_(store), audit_(store.database()) {
    auto& db = store_.database();
    db.withSchemaLock([&] { db.executeScript(kSchema); });
}

namespace {
ParticipationAgreement agreementFromRow(const SqlRow& r) {
    ParticipationAgreement a = json::readAgreementRules(r.text(2));
    a.version = r.integer(0);
    a.active = r.integer(1) != 0;
    a.recordedBy = r.text(3);
    a.recordedAt = r.integer(4);
    a.note = r.text(5);
    return a;
}
}  // namespace

ParticipationAgreement HubFederation::agreement() {
    const auto rows = store_.database().query("SELECT version, active, rules, recorded_by, recorded_at, note FROM agreement "
                                              "ORDER BY version DESC LIMIT 1");
    return rows.empty() ? ParticipationAgreement{} : agreementFromRow(rows[0]);
}

std::vector<ParticipationAgreement> HubFederation::agreementHistory() {
    std::vector<ParticipationAgreement> out;
    for (const auto& r : store_.database().query("SELECT version, active, rules, recorded_by, recorded_at, note FROM agreement ORDER BY version"))
        out.push_back(agreementFromRow(r));
    return out;
}

ParticipationAgreement HubFederation::setAgreement(ParticipationAgreement rules, const std::string& by) {
    checkTextField("recorded_by", by, 200, false);
    if (by.empty()) throw HubError(400, "an agreement is recorded by someone: give --by");
    checkTextField("note", rules.note, 2000, true);
    if (store_.tier() != "national") throw HubError(409, "a participation agreement is a national hub's; this hub is " + store_.tier());
    if (store_.country().empty()) throw HubError(409, "this national hub has no country yet (striae-hub tier national --country XX)");
    for (const auto& t : rules.itemTypes)
        if (std::find(kHubItemTypes.begin(), kHubItemTypes.end(), t) == kHubItemTypes.end())
            throw HubError(400, "item type '" + t.substr(0, 40) + "' in the agreement: expected cartridge_case or bullet");
    for (const auto& c : rules.calibers)
        if (c.empty() || c.size() > 100) throw HubError(400, "a caliber in the agreement is empty or longer than 100 characters");
    auto& db = store_.database();
    HubTransaction t(db);
    for (const auto& a : rules.agencies)
        if (db.query("SELECT code FROM agency WHERE code = ? AND kind = 'agency'", {a}).empty())
            throw HubError(400, "agency '" + a.substr(0, 64) + "' in the agreement is not an agency of this hub");
    rules.version = agreement().version + 1;
    rules.active = true;
    rules.recordedBy = by;
    rules.recordedAt = nowMs();
    db.execute("INSERT INTO agreement(version, active, rules, recorded_by, recorded_at, note) VALUES (?, 1, ?, ?, ?, ?)",
               {rules.version, json::writeAgreementRules(rules), by, rules.recordedAt, rules.note});
    audit_.append(by, "agreement.set",
                  "version " + std::to_string(rules.version) + ": calibers " + joined(rules.calibers) + "; item types " + joined(rules.itemTypes) +
                      "; agencies " + joined(rules.agencies) + (rules.flaggedOnly ? "; only pushes flagged international" : "; every push") +
                      (rules.note.empty() ? "" : "; " + rules.note));
    t.commit();
    return rules;
}

ParticipationAgreement HubFederation::revokeAgreement(const std::string& by, const std::string& note) {
    checkTextField("recorded_by", by, 200, false);
    if (by.empty()) throw HubError(400, "a revocation is recorded by someone: give --by");
    checkTextField("note", note, 2000, true);
    auto& db = store_.database();
    HubTransaction t(db);
    ParticipationAgreement current = agreement();
    if (!current.active) throw HubError(409, "no participation agreement is in force");
    current.version += 1;
    current.active = false;
    current.recordedBy = by;
    current.recordedAt = nowMs();
    current.note = note;
    db.execute("INSERT INTO agreement(version, active, rules, recorded_by, recorded_at, note) VALUES (?, 0, ?, ?, ?, ?)",
               {current.version, json::writeAgreementRules(current), by, current.recordedAt, note});
    const auto forwarded = db.query("SELECT count(*) FROM forwarded WHERE state = 'forwarded'").at(0).integer(0);
    audit_.append(by, "agreement.revoke",
                  "version " + std::to_string(current.version) + ": revoked; " + std::to_string(forwarded) +
                      " forwarded acquisitions to be withdrawn from the international tier" + (note.empty() ? "" : "; " + note));
    t.commit();
    return current;
}

std::string HubFederation::refusal(const ParticipationAgreement& a, const HubAcquisition& q, const std::string& hubName) {
    if (q.withdrawn) return "withdrawn";
    if (q.originHub != hubName) return "pushed at " + q.originHub + ", which forwards it";
    if (!a.active) return a.version == 0 ? "no participation agreement" : "the participation agreement is revoked";
    if (!listed(a.calibers, q.metadata.caliber)) return "caliber " + q.metadata.caliber + " is not in the agreement";
    if (!listed(a.itemTypes, q.metadata.itemType)) return "item type " + q.metadata.itemType + " is not in the agreement";
    if (!listed(a.agencies, q.agency)) return "agency " + q.agency + " is not in the agreement";
    if (a.flaggedOnly && !asksInternational(q.metadata.scope)) return "not flagged for the international tier (scope " + q.metadata.scope + ")";
    return {};
}

void HubFederation::registerMember(const Caller& national, const std::string& agency) {
    auto& db = store_.database();
    HubTransaction t(db);
    const auto rows = db.query("SELECT kind, country FROM agency WHERE code = ?", {agency});
    if (rows.empty()) {
        store_.addAccount(agency, agency, "agency", national.country);
        audit_.append(national.agency, "member.registered", "agency " + agency + " of " + national.country + ", on its first forward");
    } else if (rows[0].text(0) != "agency" || rows[0].text(1) != national.country) {
        throw HubError(409, "agency code " + agency + " is " + (rows[0].text(0) == "agency" ? "an agency of " + rows[0].text(1) : "a " + rows[0].text(0) + " account") +
                                " here; " + national.agency + " forwards for " + national.country);
    }
    t.commit();
}

std::optional<ForwardState> HubFederation::forwardState(const std::string& id) {
    const auto rows = store_.database().query("SELECT acquisition_id, state, reason, sent_updated_at, at FROM forwarded WHERE acquisition_id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return ForwardState{rows[0].text(0), rows[0].text(1), rows[0].text(2), rows[0].integer(3), rows[0].integer(4)};
}

std::vector<ForwardState> HubFederation::forwardStates() {
    std::vector<ForwardState> out;
    for (const auto& r : store_.database().query("SELECT acquisition_id, state, reason, sent_updated_at, at FROM forwarded ORDER BY at, acquisition_id"))
        out.push_back({r.text(0), r.text(1), r.text(2), r.integer(3), r.integer(4)});
    return out;
}

namespace {
void setForwardState(HubDatabase& db, const std::string& id, const std::string& state, const std::string& reason, std::int64_t sent) {
    HubTransaction t(db);
    db.execute("DELETE FROM forwarded WHERE acquisition_id = ?", {id});
    db.execute("INSERT INTO forwarded(acquisition_id, state, reason, sent_updated_at, at) VALUES (?, ?, ?, ?, ?)", {id, state, reason, sent, nowMs()});
    t.commit();
}
}  // namespace

void HubFederation::markForwarded(const std::string& id, std::int64_t sentUpdatedAt) {
    setForwardState(store_.database(), id, "forwarded", "", sentUpdatedAt);
}

void HubFederation::markWithdrawn(const std::string& id) {
    auto& db = store_.database();
    HubTransaction t(db);
    setForwardState(db, id, "withdrawn", "", 0);
    dropInternationalList(id);
    t.commit();
}

void HubFederation::markRefused(const std::string& id, const std::string& reason) {
    setForwardState(store_.database(), id, "refused", reason.substr(0, 500), 0);
}

void HubFederation::mirrorInternationalLists(const std::vector<LeadList>& lists, const std::string& internationalHub) {
    auto& db = store_.database();
    HubTransaction t(db);
    for (const auto& l : lists) {
        // Only lists of what this hub forwarded and still holds.
        const auto own = store_.findAcquisition(l.acquisitionId);
        const auto state = forwardState(l.acquisitionId);
        if (!own || own->withdrawn || !state || state->state != "forwarded") continue;
        // A candidate keeps its id here while it stays on the list: the agency's store reports outcomes by it.
        std::map<std::string, std::int64_t> kept;
        for (const auto& r : db.query("SELECT acquisition_id, id FROM intl_candidate WHERE list_id = ?", {l.acquisitionId}))
            kept[r.text(0)] = r.integer(1);
        db.execute("DELETE FROM intl_candidate WHERE list_id = ?", {l.acquisitionId});
        db.execute("DELETE FROM intl_list WHERE acquisition_id = ?", {l.acquisitionId});
        db.execute("INSERT INTO intl_list(acquisition_id, agency, seq, status, correlated_at, holdings, fully_compared, shortlist, hub) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {l.acquisitionId, own->agency, store_.nextSeq(), l.status, l.correlatedAt, std::int64_t(l.holdings),
                    std::int64_t(l.fullyCompared), l.shortlist, internationalHub});
        for (const auto& c : l.candidates)
            db.execute("INSERT INTO intl_candidate(id, list_id, remote_id, acquisition_id, rank, score, score_high, details, agency, country, "
                       "caliber, item_type, case_ref, disclosed, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {kept.count(c.acquisitionId) ? kept[c.acquisitionId] : store_.nextSeq(), l.acquisitionId, c.id, c.acquisitionId, std::int64_t(c.rank), c.score, c.scoreHigh, c.details,
                        c.agency, c.country, c.caliber, c.itemType, c.caseRef, std::int64_t(c.disclosed ? 1 : 0), c.outcome});
    }
    t.commit();
}

void HubFederation::dropInternationalList(const std::string& id) {
    auto& db = store_.database();
    HubTransaction t(db);
    db.execute("DELETE FROM intl_candidate WHERE list_id = ?", {id});
    db.execute("DELETE FROM intl_list WHERE acquisition_id = ?", {id});
    t.commit();
}

std::vector<LeadList> HubFederation::internationalLeads(const Caller& caller, std::int64_t since, int limit) {
    auto& db = store_.database();
    auto guard = db.lock();
    std::vector<LeadList> out;
    std::map<std::string, std::size_t> index;
    const std::vector<SqlValue> page{caller.agency, since, std::int64_t(std::clamp(limit, 1, 1000))};
    const std::string pageQuery = "SELECT acquisition_id FROM intl_list WHERE agency = ? AND seq > ? ORDER BY seq LIMIT ?";
    for (const auto& l : db.query(std::string("SELECT ") + kLeadListColumns + " FROM intl_list l JOIN acquisition a ON a.id = l.acquisition_id "
                                  "WHERE l.acquisition_id IN (" + pageQuery + ") ORDER BY l.seq",
                                  page)) {
        index[l.text(0)] = out.size();
        out.push_back(leadListFromRow(l, "international"));
    }
    if (out.empty()) return out;
    for (const auto& r : db.query("SELECT list_id, id, acquisition_id, rank, score, score_high, details, outcome, agency, caliber, item_type, "
                                  "case_ref, disclosed, country FROM intl_candidate WHERE list_id IN (" + pageQuery + ") ORDER BY list_id, rank",
                                  page)) {
        const auto it = index.find(r.text(0));
        if (it == index.end()) continue;
        HubCandidate c = candidateFromRow(r, "international");
        c.caseRef = r.text(11);  // as the international hub gave it: empty until the owner disclosed it
        c.disclosed = r.integer(12) != 0;
        c.country = r.text(13);
        out[it->second].candidates.push_back(std::move(c));
    }
    return out;
}

std::optional<std::int64_t> HubFederation::internationalCandidate(const Caller& caller, std::int64_t candidateId) {
    const auto rows = store_.database().query("SELECT c.remote_id, l.agency FROM intl_candidate c JOIN intl_list l ON l.acquisition_id = c.list_id "
                                              "WHERE c.id = ?",
                                              {candidateId});
    if (rows.empty()) return std::nullopt;
    if (rows[0].text(1) != caller.agency)
        throw HubError(403, "candidate " + std::to_string(candidateId) + " is on " + rows[0].text(1) +
                                "'s international lead list; only that agency reports its outcome");
    return rows[0].integer(0);
}

void HubFederation::setInternationalOutcome(std::int64_t candidateId, const std::string& outcome) {
    store_.database().execute("UPDATE intl_candidate SET outcome = ? WHERE id = ?", {outcome, candidateId});
}

bool HubFederation::isInternationalCandidateOf(const Caller& caller, const std::string& acquisitionId) {
    return !store_.database()
                .query("SELECT c.id FROM intl_candidate c JOIN intl_list l ON l.acquisition_id = c.list_id WHERE c.acquisition_id = ? "
                       "AND l.agency = ? LIMIT 1",
                       {acquisitionId, caller.agency})
                .empty();
}

}  // namespace striae::sync
