#include "striae/sync/HubStore.h"
#include "striae/matching/StageSurfaceFiles.h"

#include <Poco/DigestEngine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>
#include <fcntl.h>

#include "FileHash.h"
#include "LeadListRow.h"
#include "striae/sync/HubError.h"

namespace fs = std::filesystem;

namespace striae::sync {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS hub_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counter(name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO hub_meta(name, value) SELECT 'schema_version', '1' WHERE NOT EXISTS (SELECT 1 FROM hub_meta WHERE name = 'schema_version');
INSERT INTO counter(name, value) SELECT 'seq', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'seq');
CREATE TABLE IF NOT EXISTS agency(code TEXT PRIMARY KEY, name TEXT NOT NULL, peer BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS token(hash TEXT PRIMARY KEY, agency TEXT NOT NULL REFERENCES agency(code),
  created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS acquisition(id TEXT PRIMARY KEY, agency TEXT NOT NULL, origin_hub TEXT NOT NULL,
  sha256 TEXT NOT NULL, size BIGINT NOT NULL, case_ref TEXT NOT NULL, item_label TEXT NOT NULL, item_type TEXT NOT NULL,
  region TEXT NOT NULL, caliber TEXT NOT NULL, class_json TEXT NOT NULL, acquired_at TEXT NOT NULL,
  disclosed BIGINT NOT NULL, withdrawn BIGINT NOT NULL, uploaded_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  land BIGINT NOT NULL, lands BIGINT NOT NULL, lands_scanned BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS acquisition_bullet ON acquisition(agency, case_ref, item_label, item_type);
CREATE INDEX IF NOT EXISTS acquisition_holdings ON acquisition(caliber, item_type, region, withdrawn);
CREATE INDEX IF NOT EXISTS acquisition_agency ON acquisition(agency);
CREATE TABLE IF NOT EXISTS job(acquisition_id TEXT PRIMARY KEY, state TEXT NOT NULL, attempts BIGINT NOT NULL,
  error TEXT NOT NULL, queued_at BIGINT NOT NULL, leased_by TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS job_state ON job(state);
CREATE TABLE IF NOT EXISTS lead_list(acquisition_id TEXT PRIMARY KEY, agency TEXT NOT NULL, seq BIGINT NOT NULL,
  status TEXT NOT NULL, correlated_at BIGINT NOT NULL, holdings BIGINT NOT NULL DEFAULT -1,
  fully_compared BIGINT NOT NULL DEFAULT -1, shortlist TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS lead_list_feed ON lead_list(agency, seq);
CREATE TABLE IF NOT EXISTS candidate(id BIGINT PRIMARY KEY, list_id TEXT NOT NULL, acquisition_id TEXT NOT NULL,
  rank BIGINT NOT NULL, score %REAL% NOT NULL, score_high %REAL% NOT NULL, details TEXT NOT NULL,
  outcome TEXT NOT NULL, outcome_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS candidate_list ON candidate(list_id, rank);
CREATE INDEX IF NOT EXISTS candidate_acquisition ON candidate(acquisition_id);
CREATE TABLE IF NOT EXISTS change_event(seq BIGINT PRIMARY KEY, kind TEXT NOT NULL, acquisition_id TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS peer_cursor(peer TEXT PRIMARY KEY, last_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback(id BIGINT PRIMARY KEY, list_id TEXT NOT NULL, acquisition_id TEXT NOT NULL, agency TEXT NOT NULL,
  kind TEXT NOT NULL, note TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, received_at BIGINT NOT NULL,
  origin_hub TEXT NOT NULL DEFAULT '', origin_id BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS feedback_list ON feedback(list_id);
CREATE INDEX IF NOT EXISTS feedback_acquisition ON feedback(acquisition_id);
INSERT INTO counter(name, value) SELECT 'feedback', 0 WHERE NOT EXISTS (SELECT 1 FROM counter WHERE name = 'feedback')
)SQL";

const char* kAcquisitionColumns =
    "id, agency, origin_hub, sha256, size, case_ref, item_label, item_type, region, caliber, class_json, acquired_at, "
    "disclosed, withdrawn, uploaded_at, updated_at, land, lands, lands_scanned, recovered_at, country, scope, via_hub, acquired_for, "
    "submission_id";

HubAcquisition acquisitionFromRow(const SqlRow& r, std::size_t c = 0) {
    HubAcquisition a;
    a.id = r.text(c + 0);
    a.agency = r.text(c + 1);
    a.originHub = r.text(c + 2);
    a.sha256 = r.text(c + 3);
    a.size = r.integer(c + 4);
    a.metadata.caseRef = r.text(c + 5);
    a.metadata.itemLabel = r.text(c + 6);
    a.metadata.itemType = r.text(c + 7);
    a.metadata.region = r.text(c + 8);
    a.metadata.caliber = r.text(c + 9);
    a.metadata.classJson = r.text(c + 10);
    a.metadata.acquiredAt = r.text(c + 11);
    a.disclosed = r.integer(c + 12) != 0;
    a.withdrawn = r.integer(c + 13) != 0;
    a.uploadedAt = r.integer(c + 14);
    a.updatedAt = r.integer(c + 15);
    a.metadata.land = int(r.integer(c + 16));
    a.metadata.lands = int(r.integer(c + 17));
    a.metadata.landsScanned = int(r.integer(c + 18));
    a.metadata.recoveredAt = r.text(c + 19);
    a.country = r.text(c + 20);
    a.metadata.scope = r.text(c + 21);
    a.viaHub = r.text(c + 22);
    a.acquiredFor = r.text(c + 23);
    a.submissionId = r.text(c + 24);
    return a;
}

void fsyncPath(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

HubStore::HubStore(const std::string& dataDir, const std::string& databaseUrl, const std::string& hubName, bool ownsUploads)
    : dataDir_(dataDir), hubName_(hubName),
      db_(databaseUrl.empty() ? "sqlite:" + (fs::create_directories(dataDir), dataDir + "/hub.db") : databaseUrl) {
    fs::create_directories(dataDir_ + "/files/.tmp");
    db_.withSchemaLock([&] {
        db_.executeScript(kSchema);
        migrate();
    });
    loadTier();
    // Leftovers of uploads a killed hub never finished.
    if (ownsUploads)
        for (const auto& e : fs::directory_iterator(dataDir_ + "/files/.tmp")) fs::remove(e.path());
}

// Schema 2 (2026-12): lands_scanned, for bullets pushed without their damaged lands.
// Schema 3 (2026-12): each lead list's search scope (holdings, fully_compared, shortlist);
// job leases (leased_by, lease_until) for workers in other processes.
void HubStore::migrate() {
    // A data folder made before has the tables without the columns (a query on them fails, outside any transaction).
    auto hasColumn = [&](const std::string& table, const std::string& column) {
        try {
            db_.query("SELECT " + column + " FROM " + table + " WHERE 1 = 0");
            return true;
        } catch (const std::exception&) {
            return false;
        }
    };
    const bool landsScanned = hasColumn("acquisition", "lands_scanned"), scope = hasColumn("lead_list", "shortlist"),
               leases = hasColumn("job", "lease_until"), recovered = hasColumn("acquisition", "recovered_at"),
               leadAt = hasColumn("candidate", "lead_at"), feedbackOrigin = hasColumn("feedback", "origin_hub"),
               tokenScopes = hasColumn("token", "scopes"), tiers = hasColumn("acquisition", "via_hub");
    HubTransaction t(db_);
    if (!landsScanned) db_.execute("ALTER TABLE acquisition ADD COLUMN lands_scanned BIGINT NOT NULL DEFAULT 0");
    if (!scope) {
        db_.execute("ALTER TABLE lead_list ADD COLUMN holdings BIGINT NOT NULL DEFAULT -1");
        db_.execute("ALTER TABLE lead_list ADD COLUMN fully_compared BIGINT NOT NULL DEFAULT -1");
        db_.execute("ALTER TABLE lead_list ADD COLUMN shortlist TEXT NOT NULL DEFAULT ''");
    }
    if (!leases) {
        db_.execute("ALTER TABLE job ADD COLUMN leased_by TEXT NOT NULL DEFAULT ''");
        db_.execute("ALTER TABLE job ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0");
    }
    // 4: the recovery date and the time a candidate first became a lead (turnaround statistics).
    if (!recovered) db_.execute("ALTER TABLE acquisition ADD COLUMN recovered_at TEXT NOT NULL DEFAULT ''");
    if (!leadAt) db_.execute("ALTER TABLE candidate ADD COLUMN lead_at BIGINT NOT NULL DEFAULT 0");
    // 5: where an outcome was first reported, so that peers replicate it once (feedback between hubs).
    if (!feedbackOrigin) {
        db_.execute("ALTER TABLE feedback ADD COLUMN origin_hub TEXT NOT NULL DEFAULT ''");
        db_.execute("ALTER TABLE feedback ADD COLUMN origin_id BIGINT NOT NULL DEFAULT 0");
    }
    // 6: tokens per role at the agency (a token issued before may do everything, as it did).
    if (!tokenScopes) db_.execute("ALTER TABLE token ADD COLUMN scopes TEXT NOT NULL DEFAULT 'all'");
    // 7: tiers (docs/hub-api.md): accounts' kinds and countries; each acquisition's country, search scope, the
    // national hub that forwarded it and, for a search on a country's behalf, the operator and the submission.
    if (!tiers) {
        db_.execute("ALTER TABLE agency ADD COLUMN kind TEXT NOT NULL DEFAULT 'agency'");
        db_.execute("ALTER TABLE agency ADD COLUMN country TEXT NOT NULL DEFAULT ''");
        db_.execute("UPDATE agency SET kind = 'peer' WHERE peer <> 0");
        db_.execute("ALTER TABLE acquisition ADD COLUMN country TEXT NOT NULL DEFAULT ''");
        db_.execute("ALTER TABLE acquisition ADD COLUMN scope TEXT NOT NULL DEFAULT 'national'");
        db_.execute("ALTER TABLE acquisition ADD COLUMN via_hub TEXT NOT NULL DEFAULT ''");
        db_.execute("ALTER TABLE acquisition ADD COLUMN acquired_for TEXT NOT NULL DEFAULT ''");
        db_.execute("ALTER TABLE acquisition ADD COLUMN submission_id TEXT NOT NULL DEFAULT ''");
    }
    db_.execute("CREATE INDEX IF NOT EXISTS acquisition_country ON acquisition(country)");
    db_.execute("CREATE INDEX IF NOT EXISTS acquisition_via_hub ON acquisition(via_hub)");
    db_.execute("INSERT INTO hub_meta(name, value) SELECT 'tier', 'national' WHERE NOT EXISTS (SELECT 1 FROM hub_meta WHERE name = 'tier')");
    db_.execute("INSERT INTO hub_meta(name, value) SELECT 'country', '' WHERE NOT EXISTS (SELECT 1 FROM hub_meta WHERE name = 'country')");
    db_.execute("UPDATE feedback SET origin_hub = ?, origin_id = id WHERE origin_hub = ''", {hubName_});
    db_.execute("CREATE UNIQUE INDEX IF NOT EXISTS feedback_origin ON feedback(origin_hub, origin_id)");
    // The few candidates that became leads, and the reviewed ones: the statistics read them without a scan of all.
    db_.execute("CREATE INDEX IF NOT EXISTS candidate_leads ON candidate(list_id) WHERE lead_at > 0");
    db_.execute("CREATE INDEX IF NOT EXISTS candidate_reviewed ON candidate(list_id) WHERE outcome <> ''");
    db_.execute("UPDATE hub_meta SET value = '7' WHERE name = 'schema_version' AND value IN ('1', '2', '3', '4', '5', '6')");
    t.commit();
}

std::string HubStore::filePath(const std::string& sha256) const {
    return dataDir_ + "/files/" + sha256.substr(0, 2) + "/" + sha256 + ".x3p";
}

// The scan and what was derived from it (the second stage's surface).
void HubStore::removeScanFiles(const std::string& sha256) {
    std::error_code ec;
    fs::remove(filePath(sha256), ec);
    matching::StageSurfaceFiles(dataDir_ + "/derived").remove(sha256);
}

std::string HubStore::tempFile(const std::string& name) const { return dataDir_ + "/files/.tmp/" + name; }

std::int64_t HubStore::nextSeq() {
    return db_.query("UPDATE counter SET value = value + 1 WHERE name = 'seq' RETURNING value").at(0).integer(0);
}

void HubStore::addAgency(const std::string& code, const std::string& name, bool peer) {
    addAccount(code, name, peer ? "peer" : "agency", peer ? std::string() : country());
}

namespace {
bool isCountryCode(const std::string& c) {
    return c.size() >= 2 && c.size() <= 3 && c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
}
}  // namespace

void HubStore::addAccount(const std::string& code, const std::string& name, const std::string& kind, const std::string& country) {
    if (code.empty() || code.size() > 64 || code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != std::string::npos)
        throw HubError(400, "agency code '" + code + "': use 1-64 letters, digits, '-', '_' or '.'");
    if (std::find(kAccountKinds.begin(), kAccountKinds.end(), kind) == kAccountKinds.end())
        throw HubError(400, "account kind '" + kind + "': expected agency, peer, national, ncb or operator");
    if (!country.empty() && !isCountryCode(country))
        throw HubError(400, "country '" + country.substr(0, 16) + "': expected an ISO 3166 code of 2 or 3 capital letters (FR, KEN)");
    if ((kind == "national" || kind == "ncb") && country.empty()) throw HubError(400, "a " + kind + " account needs its country");
    if ((kind == "national" || kind == "ncb" || kind == "operator") && tier() != "international")
        throw HubError(400, "a " + kind + " account belongs at an international hub; this hub is " + tier() +
                                " (striae-hub tier international)");
    HubTransaction t(db_);
    if (!db_.query("SELECT code FROM agency WHERE code = ?", {code}).empty())
        throw HubError(409, "agency " + code + " exists already");
    if (kind == "ncb" && !db_.query("SELECT code FROM agency WHERE kind = 'ncb' AND country = ?", {country}).empty())
        throw HubError(409, "country " + country + " has its National Central Bureau's account already");
    db_.execute("INSERT INTO agency(code, name, peer, created_at, kind, country) VALUES (?, ?, ?, ?, ?, ?)",
                {code, name.empty() ? code : name, std::int64_t(kind == "peer" ? 1 : 0), nowMs(), kind, country});
    t.commit();
}

std::string HubStore::tier() {
    std::lock_guard lock(tierMutex_);
    return tier_;
}

std::string HubStore::country() {
    std::lock_guard lock(tierMutex_);
    return country_;
}

void HubStore::loadTier() {
    const auto rows = db_.query("SELECT name, value FROM hub_meta WHERE name IN ('tier', 'country')");
    std::lock_guard lock(tierMutex_);
    for (const auto& r : rows) (r.text(0) == "tier" ? tier_ : country_) = r.text(1);
}

void HubStore::setTier(const std::string& tier, const std::string& country) {
    if (tier != "national" && tier != "international") throw HubError(400, "tier '" + tier + "': expected national or international");
    if (tier == "national" && !country.empty() && !isCountryCode(country))
        throw HubError(400, "country '" + country.substr(0, 16) + "': expected an ISO 3166 code of 2 or 3 capital letters (FR, KEN)");
    if (tier == "international" && !country.empty()) throw HubError(400, "an international hub belongs to no one country");
    HubTransaction t(db_);
    if (tier == "international" && !db_.query("SELECT id FROM acquisition WHERE via_hub = '' AND acquired_for = '' AND agency <> '' LIMIT 1").empty())
        throw HubError(409, "this hub holds its own agencies' pushes; an international hub holds what national hubs forward");
    db_.execute("UPDATE hub_meta SET value = ? WHERE name = 'tier'", {tier});
    db_.execute("UPDATE hub_meta SET value = ? WHERE name = 'country'", {country});
    // The hub's own agencies, and what they pushed, are of its country.
    if (tier == "national") {
        db_.execute("UPDATE agency SET country = ? WHERE kind = 'agency'", {country});
        db_.execute("UPDATE acquisition SET country = ? WHERE via_hub = '' AND acquired_for = ''", {country});
    }
    t.commit();
    loadTier();
}

std::string HubStore::issueToken(const std::string& agency, const std::string& scopes) {
    if (scopes != "all") {
        std::string rest = scopes + ",";
        for (std::size_t at; !rest.empty() && (at = rest.find(',')) != std::string::npos; rest.erase(0, at + 1))
            if (std::find(kTokenScopes.begin(), kTokenScopes.end(), rest.substr(0, at)) == kTokenScopes.end())
                throw HubError(400, "scope '" + rest.substr(0, std::min<std::size_t>(at, 40)) + "': expected all, or some of evidence, records, traces");
    }
    HubTransaction t(db_);
    if (db_.query("SELECT code FROM agency WHERE code = ?", {agency}).empty())
        throw HubError(404, "no agency " + agency);
    Poco::RandomInputStream random;
    std::string bytes(24, '\0');
    random.read(bytes.data(), std::streamsize(bytes.size()));
    static const char* hex = "0123456789abcdef";
    std::string token = "sth_";
    for (unsigned char c : bytes) {
        token += hex[c >> 4];
        token += hex[c & 15];
    }
    db_.execute("INSERT INTO token(hash, agency, created_at, revoked_at, scopes) VALUES (?, ?, ?, 0, ?)", {sha256OfText(token), agency, nowMs(), scopes});
    t.commit();
    return token;
}

void HubStore::revokeToken(const std::string& token) {
    HubTransaction t(db_);
    const std::string hash = sha256OfText(token);
    if (db_.query("SELECT hash FROM token WHERE hash = ?", {hash}).empty()) throw HubError(404, "no such token");
    db_.execute("UPDATE token SET revoked_at = ? WHERE hash = ? AND revoked_at = 0", {nowMs(), hash});
    t.commit();
}

Caller HubStore::authenticate(const std::string& token) {
    if (token.empty()) throw HubError(401, "no token: send 'Authorization: Bearer <token>'");
    const auto rows = db_.query("SELECT t.agency, t.revoked_at, a.peer, t.scopes, a.kind, a.country FROM token t JOIN agency a ON a.code = t.agency "
                                "WHERE t.hash = ?",
                                {sha256OfText(token)});
    if (rows.empty()) throw HubError(401, "unknown token");
    if (rows[0].integer(1) != 0) throw HubError(401, "token revoked");
    return Caller{rows[0].text(0), rows[0].integer(2) != 0, rows[0].text(3), rows[0].text(4), rows[0].text(5)};
}

std::string HubStore::acquisitionIdFor(const std::string& agency, const std::string& sha256) {
    return sha256OfText(agency + "\n" + sha256).substr(0, 32);
}

std::string HubStore::storeScanFile(const std::string& tempPath, std::string sha) {
    if (sha.empty()) sha = sha256OfFile(tempPath);
    const std::string target = filePath(sha);
    if (fs::exists(target)) {
        fs::remove(tempPath);
        return sha;
    }
    fs::create_directories(fs::path(target).parent_path());
    fsyncPath(tempPath, false);
    fs::rename(tempPath, target);
    fsyncPath(fs::path(target).parent_path().string(), true);
    return sha;
}

void HubStore::insertAcquisition(const HubAcquisition& a) {
    const auto& m = a.metadata;
    db_.execute(std::string("INSERT INTO acquisition(") + kAcquisitionColumns +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {a.id, a.agency, a.originHub, a.sha256, a.size, m.caseRef, m.itemLabel, m.itemType, m.region, m.caliber,
                 m.classJson, m.acquiredAt, std::int64_t(a.disclosed), std::int64_t(a.withdrawn), a.uploadedAt,
                 a.updatedAt, std::int64_t(m.land), std::int64_t(m.lands), std::int64_t(m.landsScanned), m.recoveredAt,
                 a.country, m.scope.empty() ? std::string("national") : m.scope, a.viaHub, a.acquiredFor, a.submissionId});
    if (!a.withdrawn)
        db_.execute("INSERT INTO job(acquisition_id, state, attempts, error, queued_at) VALUES (?, 'queued', 0, '', ?)",
                    {a.id, nowMs()});
}

void HubStore::recordChange(const std::string& kind, const std::string& acquisitionId) {
    db_.execute("INSERT INTO change_event(seq, kind, acquisition_id, at) VALUES (?, ?, ?, ?)",
                {nextSeq(), kind, acquisitionId, nowMs()});
}

PushResult HubStore::push(const Caller& caller, const AcquisitionMetadata& metadata, const std::string& sha256,
                          std::int64_t size) {
    if (caller.peer) throw HubError(403, "a peer hub replicates through the change feed; it does not push");
    if (caller.kind != "agency")
        throw HubError(403, "a " + caller.kind + " account does not push its own scans here" +
                                (caller.kind == "national" ? std::string(" (it forwards: /v1/federation/acquisitions)")
                                 : caller.kind == "operator" ? std::string(" (on a country's behalf: /v1/submissions/{id}/acquisitions)")
                                                             : std::string()));
    if (tier() == "international")
        throw HubError(403, "an international hub holds what national hubs forward; push to your national hub");
    HubAcquisition a;
    a.agency = caller.agency;
    a.originHub = hubName_;
    a.sha256 = sha256;
    a.size = size;
    a.metadata = metadata;
    a.country = caller.country;
    return insertNew(a);
}

PushResult HubStore::insertNew(HubAcquisition a) {
    HubTransaction t(db_);
    a.id = acquisitionIdFor(a.agency, a.sha256);
    if (a.metadata.scope.empty()) a.metadata.scope = "national";
    if (auto existing = findAcquisition(a.id)) {
        if (existing->withdrawn) throw HubError(409, "acquisition " + a.id + " was withdrawn; it cannot be pushed again");
        return {*existing, false};
    }
    a.uploadedAt = a.updatedAt = nowMs();
    insertAcquisition(a);
    recordChange("acquisition", a.id);
    t.commit();
    return {a, true};
}

PushResult HubStore::insertWithScan(const HubAcquisition& a, const std::string& tempPath) {
    std::lock_guard lock(filesMutex_);
    const bool hadFile = fs::exists(filePath(a.sha256));
    storeScanFile(tempPath, a.sha256);
    try {
        return insertNew(a);
    } catch (...) {
        if (!hadFile && db_.query("SELECT id FROM acquisition WHERE sha256 = ? AND withdrawn = 0", {a.sha256}).empty())
            removeScanFiles(a.sha256);
        throw;
    }
}

std::optional<HubAcquisition> HubStore::findAcquisition(const std::string& id) {
    const auto rows = db_.query(std::string("SELECT ") + kAcquisitionColumns + " FROM acquisition WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return acquisitionFromRow(rows[0]);
}

HubAcquisition HubStore::acquisition(const std::string& id) {
    auto a = findAcquisition(id);
    if (!a) throw HubError(404, "no acquisition " + id);
    return *a;
}

bool HubStore::actsFor(const Caller& caller, const HubAcquisition& a) {
    if (caller.kind == "national") return !a.viaHub.empty() && a.viaHub == caller.agency;
    if (caller.kind == "operator") return !a.acquiredFor.empty() && a.acquiredFor == caller.agency;
    return a.agency == caller.agency;
}

bool HubStore::maySee(const Caller& caller, const HubAcquisition& a) {
    if (caller.peer || a.disclosed || actsFor(caller, a)) return true;
    // A national hub and an NCB see their country's holdings, not another's.
    return (caller.kind == "national" || caller.kind == "ncb") && !caller.country.empty() && a.country == caller.country;
}

HubAcquisition HubStore::visibleAcquisition(const Caller& caller, const std::string& id) {
    auto a = findAcquisition(id);
    if (!a || !maySee(caller, *a)) throw HubError(404, "no acquisition " + id);
    return *a;
}

PushResult HubStore::pushWithScan(const Caller& caller, const AcquisitionMetadata& metadata, const std::string& tempPath,
                                  const std::string& sha256, std::int64_t size) {
    std::lock_guard lock(filesMutex_);
    const bool hadFile = fs::exists(filePath(sha256));
    storeScanFile(tempPath, sha256);
    try {
        return push(caller, metadata, sha256, size);
    } catch (...) {
        if (!hadFile && db_.query("SELECT id FROM acquisition WHERE sha256 = ? AND withdrawn = 0", {sha256}).empty())
            removeScanFiles(sha256);
        throw;
    }
}

HubAcquisition HubStore::ownedBy(const Caller& caller, const std::string& id) {
    HubAcquisition a = visibleAcquisition(caller, id);
    // The owner; at an international hub also the national hub that forwarded it (for its agencies) and the NCB
    // of a country's holding acquired on its behalf.
    const bool owner = actsFor(caller, a) || (caller.kind == "ncb" && !a.acquiredFor.empty() && a.agency == caller.agency);
    if (!owner) throw HubError(403, "acquisition " + id + " belongs to " + a.agency + "; only the submitting agency may change it");
    if (a.withdrawn) throw HubError(409, "acquisition " + id + " was withdrawn");
    return a;
}

HubAcquisition HubStore::update(const Caller& caller, const std::string& id, const AcquisitionMetadata& m) {
    HubTransaction t(db_);
    HubAcquisition a = ownedBy(caller, id);
    if (m.caliber != a.metadata.caliber || m.itemType != a.metadata.itemType || m.region != a.metadata.region ||
        m.land != a.metadata.land || m.lands != a.metadata.lands || m.landsScanned != a.metadata.landsScanned)
        throw HubError(400, "caliber, item type, region and land decide what an acquisition is compared with; withdraw and push again to change them");
    // The scope may change (the case flag: the owner asks for, or stops, the international search); "" keeps it.
    db_.execute("UPDATE acquisition SET case_ref = ?, item_label = ?, class_json = ?, acquired_at = ?, recovered_at = ?, scope = ?, updated_at = ? "
                "WHERE id = ?",
                {m.caseRef, m.itemLabel, m.classJson, m.acquiredAt, m.recoveredAt, m.scope.empty() ? a.metadata.scope : m.scope, nowMs(), id});
    recordChange("update", id);
    t.commit();
    return acquisition(id);
}

HubAcquisition HubStore::disclose(const Caller& caller, const std::string& id, bool disclosed) {
    HubTransaction t(db_);
    ownedBy(caller, id);
    db_.execute("UPDATE acquisition SET disclosed = ?, updated_at = ? WHERE id = ?", {std::int64_t(disclosed), nowMs(), id});
    touchListsNaming(id);  // the agencies it is a candidate for may now fetch it
    recordChange("update", id);
    t.commit();
    return acquisition(id);
}

void HubStore::touchListsNaming(const std::string& id) {
    // Lists that name it change: they move to the end of their owners' feeds.
    for (const auto& row : db_.query("SELECT DISTINCT list_id FROM candidate WHERE acquisition_id = ?", {id}))
        db_.execute("UPDATE lead_list SET seq = ? WHERE acquisition_id = ?", {nextSeq(), row.text(0)});
}

void HubStore::removeFromLists(const std::string& id) {
    touchListsNaming(id);
    db_.execute("DELETE FROM candidate WHERE acquisition_id = ? OR list_id = ?", {id, id});
    db_.execute("DELETE FROM lead_list WHERE acquisition_id = ?", {id});
    db_.execute("DELETE FROM job WHERE acquisition_id = ?", {id});
}

void HubStore::withdraw(const Caller& caller, const std::string& id) {
    std::string sha;
    {
        HubTransaction t(db_);
        HubAcquisition a = ownedBy(caller, id);
        sha = a.sha256;
        db_.execute("UPDATE acquisition SET withdrawn = 1, disclosed = 0, updated_at = ? WHERE id = ?", {nowMs(), id});
        removeFromLists(id);
        recordChange("withdrawal", id);
        t.commit();
    }
    // The scan goes too, unless another live acquisition shares it.
    std::lock_guard lock(filesMutex_);
    if (db_.query("SELECT id FROM acquisition WHERE sha256 = ? AND withdrawn = 0", {sha}).empty()) removeScanFiles(sha);
}

std::string HubStore::scanPathFor(const Caller& caller, const std::string& id) {
    const HubAcquisition a = visibleAcquisition(caller, id);
    if (a.withdrawn) throw HubError(410, "acquisition " + id + " was withdrawn by its agency");
    return filePath(a.sha256);
}

std::vector<HubAcquisition> HubStore::bulletOf(const HubAcquisition& land) {
    std::vector<HubAcquisition> out;
    for (const auto& r : db_.query(std::string("SELECT ") + kAcquisitionColumns +
                                       " FROM acquisition WHERE agency = ? AND case_ref = ? AND item_label = ? AND item_type = 'bullet' "
                                       "AND withdrawn = 0 ORDER BY land, uploaded_at",
                                   {land.agency, land.metadata.caseRef, land.metadata.itemLabel}))
        out.push_back(acquisitionFromRow(r));
    return out;
}

std::vector<CorrelationJob> HubStore::queuedJobs() {
    std::vector<CorrelationJob> out;
    for (const auto& r : db_.query("SELECT acquisition_id, attempts FROM job WHERE state = 'queued' ORDER BY queued_at"))
        out.push_back({r.text(0), int(r.integer(1))});
    return out;
}

std::vector<HubAcquisition> HubStore::holdingsFor(const HubAcquisition& q) {
    std::vector<HubAcquisition> out;
    for (const auto& r : db_.query(std::string("SELECT ") + kAcquisitionColumns +
                                       " FROM acquisition WHERE caliber = ? AND item_type = ? AND region = ? AND withdrawn = 0 "
                                       "AND id <> ? ORDER BY uploaded_at, id",
                                   {q.metadata.caliber, q.metadata.itemType, q.metadata.region, q.id}))
        out.push_back(acquisitionFromRow(r));
    return out;
}

bool HubStore::storeLeadList(const std::string& acquisitionId, std::vector<HubCandidate> candidates, const std::string& status,
                             const std::vector<HubCandidate>& reverse, int listSize, const SearchScope& scope,
                             const std::string& worker) {
    HubTransaction t(db_);
    if (!worker.empty()) {
        // The job's row locked until commit: a worker taking it over meanwhile waits, then finds it done.
        const auto job = db_.query(std::string("SELECT state, leased_by FROM job WHERE acquisition_id = ?") + (db_.isPostgres() ? " FOR UPDATE" : ""),
                                   {acquisitionId});
        if (job.empty() || job.front().text(0) != "running" || job.front().text(1) != worker) return false;
    }
    const auto a = findAcquisition(acquisitionId);
    if (!a || a->withdrawn) {
        db_.execute("UPDATE job SET state = 'done' WHERE acquisition_id = ?", {acquisitionId});
        t.commit();
        return true;  // withdrawn while it was being correlated: nothing to list
    }
    // A candidate withdrawn meanwhile is not listed.
    std::erase_if(candidates, [&](const HubCandidate& c) {
        auto other = findAcquisition(c.acquisitionId);
        return !other || other->withdrawn;
    });
    db_.execute("DELETE FROM candidate WHERE list_id = ?", {acquisitionId});
    db_.execute("DELETE FROM lead_list WHERE acquisition_id = ?", {acquisitionId});
    db_.execute("INSERT INTO lead_list(acquisition_id, agency, seq, status, correlated_at, holdings, fully_compared, shortlist) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {acquisitionId, a->agency, nextSeq(), status, nowMs(), std::int64_t(scope.holdings), std::int64_t(scope.fullyCompared),
                 scope.shortlist});
    int rank = 0;
    for (const auto& c : candidates)
        db_.execute("INSERT INTO candidate(id, list_id, acquisition_id, rank, score, score_high, details, outcome, outcome_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, '', 0)",
                    {nextSeq(), acquisitionId, c.acquisitionId, std::int64_t(++rank), c.score, c.scoreHigh, c.details});
    for (const auto& r : reverse) enterInList(r, listSize);
    db_.execute("UPDATE job SET state = 'done', leased_by = '', lease_until = 0 WHERE acquisition_id = ?", {acquisitionId});
    t.commit();
    return true;
}

void HubStore::enterInList(const HubCandidate& c, int listSize) {
    // Only lists already computed: a holding still queued will meet the new acquisition in its own run.
    if (db_.query("SELECT acquisition_id FROM lead_list WHERE acquisition_id = ?", {c.listAcquisitionId}).empty()) return;
    if (!db_.query("SELECT id FROM candidate WHERE list_id = ? AND acquisition_id = ?", {c.listAcquisitionId, c.acquisitionId}).empty())
        return;
    // The holding's list was searched against one more acquisition, by CMC: its scope says so, listed or not.
    db_.execute("UPDATE lead_list SET holdings = holdings + 1, fully_compared = fully_compared + 1 WHERE acquisition_id = ? AND holdings >= 0",
                {c.listAcquisitionId});
    const auto held = db_.query("SELECT id, score, score_high FROM candidate WHERE list_id = ? ORDER BY score, score_high",
                                {c.listAcquisitionId});
    if (int(held.size()) >= listSize) {
        const auto& weakest = held.front();
        const bool better = c.score != weakest.real(1) ? c.score > weakest.real(1) : c.scoreHigh > weakest.real(2);
        if (!better) return;
        db_.execute("DELETE FROM candidate WHERE id = ?", {weakest.integer(0)});
    }
    db_.execute("INSERT INTO candidate(id, list_id, acquisition_id, rank, score, score_high, details, outcome, outcome_at) "
                "VALUES (?, ?, ?, 0, ?, ?, ?, '', 0)",
                {nextSeq(), c.listAcquisitionId, c.acquisitionId, c.score, c.scoreHigh, c.details});
    std::int64_t rank = 0;
    for (const auto& row : db_.query("SELECT id FROM candidate WHERE list_id = ? ORDER BY score DESC, score_high DESC, id",
                                     {c.listAcquisitionId}))
        db_.execute("UPDATE candidate SET rank = ? WHERE id = ?", {++rank, row.integer(0)});
    db_.execute("UPDATE lead_list SET seq = ? WHERE acquisition_id = ?", {nextSeq(), c.listAcquisitionId});
}

void HubStore::failJob(const std::string& acquisitionId, const std::string& error) {
    db_.execute("UPDATE job SET state = 'failed', error = ?, leased_by = '', lease_until = 0 WHERE acquisition_id = ?",
                {error, acquisitionId});
}

std::optional<std::string> HubStore::claimJob(const std::string& worker, std::int64_t leaseMs) {
    const std::int64_t now = nowMs();
    HubTransaction t(db_);
    // A job that killed (or outlived) five workers is not handed to a sixth.
    db_.execute("UPDATE job SET state = 'failed', error = 'abandoned: claimed 5 times without finishing', leased_by = '' "
                "WHERE state = 'running' AND lease_until < ? AND attempts >= 5",
                {now});
    const auto rows = db_.query(std::string("SELECT acquisition_id FROM job WHERE state = 'queued' OR (state = 'running' AND lease_until < ?) "
                                            "ORDER BY queued_at, acquisition_id LIMIT 1") +
                                    (db_.isPostgres() ? " FOR UPDATE SKIP LOCKED" : ""),
                                {now});
    if (rows.empty()) return std::nullopt;
    const std::string id = rows.front().text(0);
    db_.execute("UPDATE job SET state = 'running', leased_by = ?, lease_until = ?, attempts = attempts + 1 WHERE acquisition_id = ?",
                {worker, now + leaseMs, id});
    t.commit();
    return id;
}

bool HubStore::renewLease(const std::string& acquisitionId, const std::string& worker, std::int64_t leaseMs) {
    HubTransaction t(db_);
    const auto held = db_.query("SELECT acquisition_id FROM job WHERE acquisition_id = ? AND state = 'running' AND leased_by = ?",
                                {acquisitionId, worker});
    if (held.empty()) return false;
    db_.execute("UPDATE job SET lease_until = ? WHERE acquisition_id = ?", {nowMs() + leaseMs, acquisitionId});
    t.commit();
    return true;
}

bool HubStore::finishJob(const std::string& acquisitionId, const std::string& worker) {
    HubTransaction t(db_);
    const auto job = db_.query(std::string("SELECT state, leased_by FROM job WHERE acquisition_id = ?") + (db_.isPostgres() ? " FOR UPDATE" : ""),
                               {acquisitionId});
    if (job.empty() || job.front().text(0) != "running" || job.front().text(1) != worker) return false;
    db_.execute("UPDATE job SET state = 'done', leased_by = '', lease_until = 0 WHERE acquisition_id = ?", {acquisitionId});
    t.commit();
    return true;
}

void HubStore::releaseJob(const std::string& acquisitionId, const std::string& worker) {
    db_.execute("UPDATE job SET state = 'queued', leased_by = '', lease_until = 0, attempts = attempts - 1 "
                "WHERE acquisition_id = ? AND state = 'running' AND leased_by = ?",
                {acquisitionId, worker});
}

std::vector<LeadList> HubStore::leads(const Caller& caller, std::int64_t since, int limit) {
    auto guard = db_.lock();  // one consistent view of lists and candidates
    // Whose lists: an agency's own; a national hub's, those of what it forwarded; an NCB's, its country's;
    // an operator's, those of what it acquired on countries' behalf.
    std::string whose = "p.agency = ?", key = caller.agency;
    if (caller.kind == "national") whose = "a.via_hub = ?";
    if (caller.kind == "operator") whose = "a.acquired_for = ?";
    if (caller.kind == "ncb") whose = "a.country = ?", key = caller.country;
    const std::string from = whose.rfind("p.", 0) == 0 ? "lead_list p" : "lead_list p JOIN acquisition a ON a.id = p.acquisition_id";
    return loadLists(caller, "SELECT p.acquisition_id FROM " + from + " WHERE " + whose + " AND p.seq > ? ORDER BY p.seq LIMIT ?",
                     {key, since, std::int64_t(std::clamp(limit, 1, 1000))});
}

std::optional<LeadList> HubStore::leadList(const Caller& caller, const std::string& acquisitionId) {
    auto guard = db_.lock();
    const auto a = findAcquisition(acquisitionId);
    if (!a || !maySee(caller, *a)) return std::nullopt;
    auto lists = loadLists(caller, "SELECT acquisition_id FROM lead_list WHERE acquisition_id = ?", {acquisitionId});
    if (lists.empty()) return std::nullopt;
    return lists.front();
}

std::vector<LeadList> HubStore::loadLists(const Caller& caller, const std::string& pageQuery, const std::vector<SqlValue>& page) {
    std::vector<LeadList> out;
    const std::string listTier = tier();
    std::map<std::string, std::size_t> index;
    for (const auto& l : db_.query(std::string("SELECT ") + kLeadListColumns + " FROM lead_list l JOIN acquisition a ON a.id = l.acquisition_id "
                                   "WHERE l.acquisition_id IN (" + pageQuery + ") ORDER BY l.seq",
                                   page)) {
        index[l.text(0)] = out.size();
        out.push_back(leadListFromRow(l, listTier));
    }
    if (out.empty()) return out;
    // All their candidates in one query (a round trip per list costs dearly on PostgreSQL).
    for (const auto& r : db_.query(std::string("SELECT c.list_id, c.id, c.acquisition_id, c.rank, c.score, c.score_high, c.details, "
                                               "c.outcome, a.agency, a.caliber, a.item_type, a.case_ref, a.disclosed, a.country, a.via_hub, "
                                               "a.acquired_for FROM candidate c "
                                               "JOIN acquisition a ON a.id = c.acquisition_id WHERE c.list_id IN (") +
                                       pageQuery + ") ORDER BY c.list_id, c.rank",
                                   page)) {
        const auto it = index.find(r.text(0));
        if (it == index.end()) continue;  // a list that moved past the page between the two queries (cannot under the lock)
        HubCandidate c = candidateFromRow(r, listTier);
        c.country = r.text(13);
        HubAcquisition held;
        held.agency = c.agency;
        held.country = c.country;
        held.viaHub = r.text(14);
        held.acquiredFor = r.text(15);
        held.disclosed = r.integer(12) != 0;
        c.disclosed = maySee(caller, held);
        if (c.disclosed) c.caseRef = r.text(11);
        out[it->second].candidates.push_back(std::move(c));
    }
    return out;
}

void HubStore::reportOutcome(const Caller& caller, std::int64_t candidateId, const std::string& outcome) {
    if (std::find(kHubOutcomes.begin(), kHubOutcomes.end(), outcome) == kHubOutcomes.end())
        throw HubError(400, "outcome '" + outcome + "': expected lead, hit or eliminated");
    HubTransaction t(db_);
    const auto rows = db_.query("SELECT l.agency, l.acquisition_id FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id WHERE c.id = ?",
                                {candidateId});
    if (rows.empty()) throw HubError(404, "no candidate " + std::to_string(candidateId));
    const auto list = findAcquisition(rows[0].text(1));
    if (!list || !actsFor(caller, *list))
        throw HubError(403, "candidate " + std::to_string(candidateId) + " is on " + rows[0].text(0) +
                                "'s lead list; only that agency reports its outcome");
    // lead_at keeps when it first became a lead (a hit is one too), for the turnaround.
    const std::int64_t now = nowMs();
    db_.execute("UPDATE candidate SET outcome = ?, outcome_at = ?, lead_at = CASE WHEN lead_at = 0 AND ? IN ('lead', 'hit') THEN ? ELSE lead_at END "
                "WHERE id = ?",
                {outcome, now, outcome, now, candidateId});
    t.commit();
}

std::vector<AgencyStats> HubStore::stats(const std::string& agency) {
    std::vector<AgencyStats> out;
    const auto agencies = agency.empty() ? db_.query("SELECT code FROM agency WHERE kind = 'agency' UNION "
                                                             "SELECT DISTINCT agency FROM acquisition WHERE agency <> '' ORDER BY 1")
                                         : std::vector<SqlRow>{SqlRow({agency})};
    for (const auto& row : agencies) {
        AgencyStats s;
        s.agency = row.text(0);
        const auto counts = db_.query(
            "SELECT (SELECT count(*) FROM acquisition WHERE agency = ? AND withdrawn = 0), "
            "(SELECT count(*) FROM acquisition WHERE agency = ? AND withdrawn = 1), "
            "(SELECT count(*) FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id WHERE l.agency = ? AND c.outcome IN ('lead', 'hit')), "
            "(SELECT count(*) FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id WHERE l.agency = ? AND c.outcome = 'hit'), "
            "(SELECT count(*) FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id WHERE l.agency = ? AND c.outcome = 'eliminated')",
            {s.agency, s.agency, s.agency, s.agency, s.agency});
        s.acquisitions = counts[0].integer(0);
        s.withdrawn = counts[0].integer(1);
        s.leads = counts[0].integer(2);
        s.hits = counts[0].integer(3);
        s.eliminated = counts[0].integer(4);
        // Upload to the first lead reported on each list.
        std::vector<double> hours;
        for (const auto& r : db_.query("SELECT min(c.outcome_at) - a.uploaded_at FROM candidate c "
                                       "JOIN lead_list l ON l.acquisition_id = c.list_id JOIN acquisition a ON a.id = l.acquisition_id "
                                       "WHERE l.agency = ? AND c.outcome IN ('lead', 'hit') GROUP BY l.acquisition_id, a.uploaded_at",
                                       {s.agency}))
            hours.push_back(double(r.integer(0)) / 3.6e6);
        if (!hours.empty()) {
            std::sort(hours.begin(), hours.end());
            const std::size_t n = hours.size();
            s.medianHoursToLead = n % 2 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
        }
        out.push_back(s);
    }
    return out;
}

std::vector<HubChange> HubStore::changes(std::int64_t since, int limit) {
    std::vector<HubChange> out;
    for (const auto& r : db_.query(std::string("SELECT e.seq, e.kind, ") + kAcquisitionColumns +
                                       " FROM change_event e JOIN acquisition a ON a.id = e.acquisition_id WHERE e.seq > ? "
                                       "ORDER BY e.seq LIMIT ?",
                                   {since, std::int64_t(std::clamp(limit, 1, 1000))})) {
        HubChange c;
        c.seq = r.integer(0);
        c.kind = r.text(1);
        c.acquisition = acquisitionFromRow(r, 2);
        out.push_back(std::move(c));
    }
    return out;
}

bool HubStore::applyReplicatedAcquisition(const HubAcquisition& a) {
    HubTransaction t(db_);
    if (findAcquisition(a.id)) return false;
    HubAcquisition copy = a;
    copy.uploadedAt = copy.updatedAt = nowMs();
    insertAcquisition(copy);
    t.commit();
    return true;
}

void HubStore::applyReplicatedUpdate(const HubAcquisition& a) {
    HubTransaction t(db_);
    const auto known = findAcquisition(a.id);
    if (!known || known->withdrawn) return;
    const auto& m = a.metadata;
    db_.execute("UPDATE acquisition SET case_ref = ?, item_label = ?, class_json = ?, acquired_at = ?, recovered_at = ?, disclosed = ?, "
                "scope = ?, updated_at = ? WHERE id = ?",
                {m.caseRef, m.itemLabel, m.classJson, m.acquiredAt, m.recoveredAt, std::int64_t(a.disclosed),
                 m.scope.empty() ? known->metadata.scope : m.scope, nowMs(), a.id});
    if (a.disclosed != known->disclosed) touchListsNaming(a.id);
    t.commit();
}

void HubStore::applyReplicatedWithdrawal(const std::string& id) {
    std::string sha;
    {
        HubTransaction t(db_);
        const auto known = findAcquisition(id);
        if (known && known->withdrawn) return;
        if (!known) {
            // A tombstone, so that the acquisition's creation, if it comes later, is not applied.
            HubAcquisition tomb;
            tomb.id = id;
            tomb.withdrawn = true;
            tomb.uploadedAt = tomb.updatedAt = nowMs();
            insertAcquisition(tomb);
        } else {
            sha = known->sha256;
            db_.execute("UPDATE acquisition SET withdrawn = 1, disclosed = 0, updated_at = ? WHERE id = ?", {nowMs(), id});
            removeFromLists(id);
        }
        t.commit();
    }
    if (!sha.empty() && db_.query("SELECT id FROM acquisition WHERE sha256 = ? AND withdrawn = 0", {sha}).empty())
        removeScanFiles(sha);
}

std::int64_t HubStore::peerCursor(const std::string& peer) {
    const auto rows = db_.query("SELECT last_seq FROM peer_cursor WHERE peer = ?", {peer});
    return rows.empty() ? 0 : rows[0].integer(0);
}

void HubStore::setPeerCursor(const std::string& peer, std::int64_t cursor) {
    HubTransaction t(db_);
    db_.execute("DELETE FROM peer_cursor WHERE peer = ?", {peer});
    db_.execute("INSERT INTO peer_cursor(peer, last_seq) VALUES (?, ?)", {peer, cursor});
    t.commit();
}

}  // namespace striae::sync
