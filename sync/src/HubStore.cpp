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
    "disclosed, withdrawn, uploaded_at, updated_at, land, lands, lands_scanned, recovered_at";

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
    return a;
}

std::string sha256Hex(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
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
               tokenScopes = hasColumn("token", "scopes");
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
    db_.execute("UPDATE feedback SET origin_hub = ?, origin_id = id WHERE origin_hub = ''", {hubName_});
    db_.execute("CREATE UNIQUE INDEX IF NOT EXISTS feedback_origin ON feedback(origin_hub, origin_id)");
    // The few candidates that became leads, and the reviewed ones: the statistics read them without a scan of all.
    db_.execute("CREATE INDEX IF NOT EXISTS candidate_leads ON candidate(list_id) WHERE lead_at > 0");
    db_.execute("CREATE INDEX IF NOT EXISTS candidate_reviewed ON candidate(list_id) WHERE outcome <> ''");
    db_.execute("UPDATE hub_meta SET value = '6' WHERE name = 'schema_version' AND value IN ('1', '2', '3', '4', '5')");
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
    if (code.empty() || code.size() > 64 || code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != std::string::npos)
        throw HubError(400, "agency code '" + code + "': use 1-64 letters, digits, '-', '_' or '.'");
    HubTransaction t(db_);
    if (!db_.query("SELECT code FROM agency WHERE code = ?", {code}).empty())
        throw HubError(409, "agency " + code + " exists already");
    db_.execute("INSERT INTO agency(code, name, peer, created_at) VALUES (?, ?, ?, ?)",
                {code, name.empty() ? code : name, std::int64_t(peer ? 1 : 0), nowMs()});
    t.commit();
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
    db_.execute("INSERT INTO token(hash, agency, created_at, revoked_at, scopes) VALUES (?, ?, ?, 0, ?)", {sha256Hex(token), agency, nowMs(), scopes});
    t.commit();
    return token;
}

void HubStore::revokeToken(const std::string& token) {
    HubTransaction t(db_);
    const std::string hash = sha256Hex(token);
    if (db_.query("SELECT hash FROM token WHERE hash = ?", {hash}).empty()) throw HubError(404, "no such token");
    db_.execute("UPDATE token SET revoked_at = ? WHERE hash = ? AND revoked_at = 0", {nowMs(), hash});
    t.commit();
}

Caller HubStore::authenticate(const std::string& token) {
    if (token.empty()) throw HubError(401, "no token: send 'Authorization: Bearer <token>'");
    const auto rows = db_.query("SELECT t.agency, t.revoked_at, a.peer, t.scopes FROM token t JOIN agency a ON a.code = t.agency "
                                "WHERE t.hash = ?",
                                {sha256Hex(token)});
    if (rows.empty()) throw HubError(401, "unknown token");
    if (rows[0].integer(1) != 0) throw HubError(401, "token revoked");
    return Caller{rows[0].text(0), rows[0].integer(2) != 0, rows[0].text(3)};
}

std::string HubStore::acquisitionIdFor(const std::string& agency, const std::string& sha256) {
    return sha256Hex(agency + "\n" + sha256).substr(0, 32);
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
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {a.id, a.agency, a.originHub, a.sha256, a.size, m.caseRef, m.itemLabel, m.itemType, m.region, m.caliber,
                 m.classJson, m.acquiredAt, std::int64_t(a.disclosed), std::int64_t(a.withdrawn), a.uploadedAt,
                 a.updatedAt, std::int64_t(m.land), std::int64_t(m.lands), std::int64_t(m.landsScanned), m.recoveredAt});
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
    HubTransaction t(db_);
    const std::string id = acquisitionIdFor(caller.agency, sha256);
    if (auto existing = findAcquisition(id)) {
        if (existing->withdrawn) throw HubError(409, "acquisition " + id + " was withdrawn; it cannot be pushed again");
        return {*existing, false};
    }
    HubAcquisition a;
    a.id = id;
    a.agency = caller.agency;
    a.originHub = hubName_;
    a.sha256 = sha256;
    a.size = size;
    a.metadata = metadata;
    a.uploadedAt = a.updatedAt = nowMs();
    insertAcquisition(a);
    recordChange("acquisition", id);
    t.commit();
    return {a, true};
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

HubAcquisition HubStore::visibleAcquisition(const Caller& caller, const std::string& id) {
    auto a = findAcquisition(id);
    if (!a || (a->agency != caller.agency && !caller.peer && !a->disclosed)) throw HubError(404, "no acquisition " + id);
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
        std::error_code ec;
        if (!hadFile && db_.query("SELECT id FROM acquisition WHERE sha256 = ? AND withdrawn = 0", {sha256}).empty())
            removeScanFiles(sha256);
        throw;
    }
}

HubAcquisition HubStore::ownedBy(const Caller& caller, const std::string& id) {
    HubAcquisition a = visibleAcquisition(caller, id);
    if (a.agency != caller.agency)
        throw HubError(403, "acquisition " + id + " belongs to " + a.agency + "; only the submitting agency may change it");
    if (a.withdrawn) throw HubError(409, "acquisition " + id + " was withdrawn");
    return a;
}

HubAcquisition HubStore::update(const Caller& caller, const std::string& id, const AcquisitionMetadata& m) {
    HubTransaction t(db_);
    HubAcquisition a = ownedBy(caller, id);
    if (m.caliber != a.metadata.caliber || m.itemType != a.metadata.itemType || m.region != a.metadata.region ||
        m.land != a.metadata.land || m.lands != a.metadata.lands || m.landsScanned != a.metadata.landsScanned)
        throw HubError(400, "caliber, item type, region and land decide what an acquisition is compared with; withdraw and push again to change them");
    db_.execute("UPDATE acquisition SET case_ref = ?, item_label = ?, class_json = ?, acquired_at = ?, recovered_at = ?, updated_at = ? WHERE id = ?",
                {m.caseRef, m.itemLabel, m.classJson, m.acquiredAt, m.recoveredAt, nowMs(), id});
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
    std::vector<LeadList> out;
    auto guard = db_.lock();  // one consistent view of lists and candidates
    const std::vector<SqlValue> page{caller.agency, since, std::int64_t(std::clamp(limit, 1, 1000))};
    const char* pageQuery = "SELECT acquisition_id FROM lead_list WHERE agency = ? AND seq > ? ORDER BY seq LIMIT ?";
    std::map<std::string, std::size_t> index;
    for (const auto& l : db_.query(
             std::string("SELECT l.acquisition_id, l.seq, l.correlated_at, l.status, a.case_ref, a.item_label, l.holdings, l.fully_compared, "
                         "l.shortlist FROM lead_list l "
                         "JOIN acquisition a ON a.id = l.acquisition_id WHERE l.acquisition_id IN (") +
                 pageQuery + ") ORDER BY l.seq",
             page)) {
        LeadList list;
        list.acquisitionId = l.text(0);
        list.cursor = l.integer(1);
        list.correlatedAt = l.integer(2);
        list.status = l.text(3);
        list.caseRef = l.text(4);
        list.itemLabel = l.text(5);
        list.holdings = int(l.integer(6));
        list.fullyCompared = int(l.integer(7));
        list.shortlist = l.text(8);
        index[list.acquisitionId] = out.size();
        out.push_back(std::move(list));
    }
    if (out.empty()) return out;
    // All their candidates in one query (a round trip per list costs dearly on PostgreSQL).
    for (const auto& r : db_.query(std::string("SELECT c.list_id, c.id, c.acquisition_id, c.rank, c.score, c.score_high, c.details, "
                                               "c.outcome, a.agency, a.caliber, a.item_type, a.case_ref, a.disclosed FROM candidate c "
                                               "JOIN acquisition a ON a.id = c.acquisition_id WHERE c.list_id IN (") +
                                       pageQuery + ") ORDER BY c.list_id, c.rank",
                                   page)) {
        const auto it = index.find(r.text(0));
        if (it == index.end()) continue;  // a list that moved past the page between the two queries (cannot under the lock)
        HubCandidate c;
        c.listAcquisitionId = r.text(0);
        c.id = r.integer(1);
        c.acquisitionId = r.text(2);
        c.rank = int(r.integer(3));
        c.score = r.real(4);
        c.scoreHigh = r.real(5);
        c.details = r.text(6);
        c.outcome = r.text(7);
        c.agency = r.text(8);
        c.caliber = r.text(9);
        c.itemType = r.text(10);
        c.disclosed = r.integer(12) != 0 || c.agency == caller.agency;
        if (c.disclosed) c.caseRef = r.text(11);
        out[it->second].candidates.push_back(std::move(c));
    }
    return out;
}

void HubStore::reportOutcome(const Caller& caller, std::int64_t candidateId, const std::string& outcome) {
    if (std::find(kHubOutcomes.begin(), kHubOutcomes.end(), outcome) == kHubOutcomes.end())
        throw HubError(400, "outcome '" + outcome + "': expected lead, hit or eliminated");
    HubTransaction t(db_);
    const auto rows = db_.query("SELECT l.agency FROM candidate c JOIN lead_list l ON l.acquisition_id = c.list_id WHERE c.id = ?",
                                {candidateId});
    if (rows.empty()) throw HubError(404, "no candidate " + std::to_string(candidateId));
    if (rows[0].text(0) != caller.agency)
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
    const auto agencies = agency.empty() ? db_.query("SELECT code FROM agency WHERE peer = 0 UNION "
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
                "updated_at = ? WHERE id = ?",
                {m.caseRef, m.itemLabel, m.classJson, m.acquiredAt, m.recoveredAt, std::int64_t(a.disclosed), nowMs(), a.id});
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
