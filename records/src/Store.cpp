// Opening, creating and migrating the store; users, agencies; cleanup after
// an interrupted import.
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "Schema.h"
#include "StoreImpl.h"

namespace striae::records {

namespace fs = std::filesystem;

namespace {

std::string databasePath(const std::string& folder) { return (fs::path(folder) / "store.db").string(); }

int readVersion(SQLite::Database& db) {
    if (!db.tableExists("schema_version")) return 0;
    SQLite::Statement q(db, "SELECT version FROM schema_version");
    return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

// Applies the migrations the store lacks; the one that introduced row seals
// (4) also seals every existing row in its transaction, so a store upgraded
// from an older version is covered from then on.
void applyMigrations(Store::Impl& impl) {
    SQLite::Database& db = impl.db;
    int version = readVersion(db);
    const auto& all = migrations();
    if (version > int(all.size()))
        fail(RecordsError::Kind::Storage, "the store's schema (version " + std::to_string(version) +
                                              ") is newer than this program's (" + std::to_string(all.size()) + ")");
    for (; version < int(all.size()); ++version) {
        WriteTransaction t(impl);
        db.exec(all[version]);
        constexpr int kSealsVersion = 4;
        const bool hasEvents = db.execAndGet("SELECT count(*) FROM audit_event").getInt() > 0;
        if (version + 1 == kSealsVersion && hasEvents) sealExistingRows(impl);
        db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
        db.exec("DELETE FROM schema_version");
        SQLite::Statement q(db, "INSERT INTO schema_version(version) VALUES (?)");
        q.bind(1, version + 1);
        q.exec();
        t.commit();
    }
}

// What an interrupted import may leave: temporaries in files/.tmp, and scans
// named in an import journal that no acquisition refers to. Only done when no
// other process is importing (they hold the lock shared).
void removeLeftovers(SQLite::Database& db, const std::string& folder) {
    const fs::path journals = fs::path(folder) / "journal";
    const fs::path temps = fs::path(folder) / "files" / ".tmp";
    std::error_code ec;
    if (fs::is_empty(journals, ec) && fs::is_empty(temps, ec)) return;  // the usual case: nothing to look at
    const int lock = ::open((fs::path(folder) / "lock").c_str(), O_RDWR | O_CREAT, 0600);
    if (lock < 0) return;
    if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
        ::close(lock);
        return;
    }
    fs::remove_all(temps, ec);
    SQLite::Statement referenced(db, "SELECT 1 FROM acquisition WHERE file_sha256 = ?1 OR processed_sha256 = ?1 LIMIT 1");
    for (const auto& entry : fs::directory_iterator(journals, ec)) {
        std::ifstream in(entry.path());
        for (std::string sha; std::getline(in, sha);) {
            if (sha.size() != 64) continue;
            referenced.reset();
            referenced.bind(1, sha);
            if (!referenced.executeStep()) fs::remove(fs::path(folder) / "files" / sha.substr(0, 2) / (sha + ".x3p"), ec);
        }
        fs::remove(entry.path(), ec);
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

int Store::currentSchemaVersion() { return int(migrations().size()); }
int Store::schemaVersion() const { return readVersion(impl_->db); }
const std::string& Store::folder() const { return impl_->folder; }

std::string Store::filePath(const std::string& sha) const {
    return (fs::path(impl_->folder) / "files" / sha.substr(0, 2) / (sha + ".x3p")).string();
}

Store Store::create(const std::string& folder, const Agency& agency, const std::string& adminUser,
                    const std::string& adminName, const std::string& adminPassword) {
    if (fs::exists(databasePath(folder))) fail(RecordsError::Kind::Conflict, folder + " already holds a case store");
    if (agency.code.empty() || agency.name.empty() || agency.country.empty())
        fail(RecordsError::Kind::InvalidInput, "an agency needs a code, a name and a country");
    if (adminUser.empty()) fail(RecordsError::Kind::InvalidInput, "the administrator needs a user name");
    validateUsername(adminUser);
    validateText("full name", adminName, false, 200);
    validateIdentifier("agency code", agency.code);
    const std::string passwordHash = hashPassword(adminPassword);
    fs::create_directories(fs::path(folder) / "files");
    restrictPermissions(folder);
    {
        // The database file is created owner-only before SQLite opens it (its WAL and shared-memory files take its mode).
        const int fd = ::open(databasePath(folder).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) fail(RecordsError::Kind::Storage, databasePath(folder) + ": cannot create");
        ::close(fd);
    }
    auto impl = std::make_unique<Impl>(databasePath(folder), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, folder);
    applyMigrations(*impl);
    WriteTransaction t(*impl);
    SQLite::Statement a(impl->db, "INSERT INTO agency(code, name, country) VALUES (?, ?, ?)");
    a.bind(1, agency.code);
    a.bind(2, agency.name);
    a.bind(3, agency.country);
    a.exec();
    const Id agencyId = impl->db.getLastInsertRowid();
    SQLite::Statement u(impl->db, "INSERT INTO user(agency_id, username, full_name, roles, password_hash, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?)");
    u.bind(1, agencyId);
    u.bind(2, adminUser);
    u.bind(3, adminName);
    u.bind(4, joinRoles({Role::Administrator, Role::Supervisor}));
    u.bind(5, passwordHash);
    u.bind(6, nowUtc());
    u.exec();
    const Id userId = impl->db.getLastInsertRowid();
    impl->audit(userId, "create_store", "agency", agencyId, jsonObject({{"agency", agency.code}, {"administrator", adminUser}}),
                {{"agency", agencyId}, {"user", userId}});
    t.commit();
    restrictPermissions(folder);
    return Store(std::move(impl));
}

Store Store::open(const std::string& folder, bool migrate) {
    if (!fs::exists(databasePath(folder))) fail(RecordsError::Kind::NotFound, folder + ": no case store here (striae db init)");
    auto impl = std::make_unique<Impl>(databasePath(folder), SQLite::OPEN_READWRITE, folder);
    const int version = readVersion(impl->db);
    if (version < currentSchemaVersion()) {
        if (!migrate)
            fail(RecordsError::Kind::Storage, folder + ": schema version " + std::to_string(version) + " needs migrating to " +
                                                  std::to_string(currentSchemaVersion()) + " (striae db migrate)");
        applyMigrations(*impl);
    } else if (version > currentSchemaVersion()) {
        applyMigrations(*impl);  // reports the newer schema
    }
    removeLeftovers(impl->db, folder);
    restrictPermissions(folder);
    // A hub token kept in the database by an older version moves to the secrets file.
    if (impl->db.tableExists("sync_setting")) {
        SQLite::Statement token(impl->db, "SELECT value FROM sync_setting WHERE name = 'hub_token'");
        if (token.executeStep()) {
            writeSecret(folder, "hub_token", token.getColumn(0).getString());
            impl->db.exec("DELETE FROM sync_setting WHERE name = 'hub_token'");
        }
    }
    return Store(std::move(impl));
}

std::string Store::integrityCheck() const {
    SQLite::Statement q(impl_->db, "PRAGMA integrity_check");
    std::string out;
    while (q.executeStep()) {
        if (!out.empty()) out += "; ";
        out += q.getColumn(0).getString();
    }
    return out;
}

StoreStats Store::stats() const {
    StoreStats s;
    auto count = [&](const char* table) {
        SQLite::Statement q(impl_->db, std::string("SELECT count(*) FROM ") + table);  // fixed names, no user input
        q.executeStep();
        return q.getColumn(0).getInt();
    };
    s.agencies = count("agency");
    s.users = count("user");
    s.cases = count("case_file");
    s.items = count("item");
    s.acquisitions = count("acquisition");
    s.runs = count("correlation_run");
    s.candidates = count("candidate");
    s.reviews = count("review");
    s.leads = count("lead");
    s.hits = count("hit");
    s.verifications = count("verification");
    s.approvals = count("approval");
    s.auditEvents = count("audit_event");
    s.schemaVersion = schemaVersion();
    return s;
}

User Store::authenticate(const std::string& username, const std::string& password) const {
    SQLite::Statement q(impl_->db, "SELECT id, password_hash, active FROM user WHERE username = ?");
    q.bind(1, username);
    if (!q.executeStep() || !checkPassword(password, q.getColumn(1).getString()))
        fail(RecordsError::Kind::PermissionDenied, "wrong user name or password");
    if (q.getColumn(2).getInt() == 0) fail(RecordsError::Kind::PermissionDenied, "user " + username + " is deactivated");
    return impl_->loadUser(q.getColumn(0).getInt64());
}

User Store::user(Id id) const { return impl_->loadUser(id); }

Agency Store::addAgency(const User& actor, const Agency& agency) {
    requireRole(actor, Role::Administrator, "add agencies");
    if (agency.code.empty() || agency.name.empty() || agency.country.empty())
        fail(RecordsError::Kind::InvalidInput, "an agency needs a code, a name and a country");
    WriteTransaction t(*impl_);
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM agency WHERE code = ?");
    dup.bind(1, agency.code);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "agency " + agency.code + " already exists");
    SQLite::Statement a(impl_->db, "INSERT INTO agency(code, name, country) VALUES (?, ?, ?)");
    a.bind(1, agency.code);
    a.bind(2, agency.name);
    a.bind(3, agency.country);
    a.exec();
    Agency out = agency;
    out.id = impl_->db.getLastInsertRowid();
    impl_->audit(actor.id, "add_agency", "agency", out.id, jsonObject({{"code", agency.code}, {"country", agency.country}}),
                 {{"agency", out.id}});
    t.commit();
    return out;
}

User Store::addUser(const User& actor, const std::string& agencyCode, const std::string& username,
                    const std::string& fullName, const std::vector<Role>& roles, const std::string& password) {
    requireRole(actor, Role::Administrator, "add users");
    if (username.empty() || fullName.empty()) fail(RecordsError::Kind::InvalidInput, "a user needs a user name and a full name");
    validateUsername(username);
    validateText("full name", fullName, false, 200);
    if (roles.empty()) fail(RecordsError::Kind::InvalidInput, "a user needs at least one role");
    const std::string passwordHash = hashPassword(password);
    WriteTransaction t(*impl_);
    SQLite::Statement ag(impl_->db, "SELECT id FROM agency WHERE code = ?");
    ag.bind(1, agencyCode);
    if (!ag.executeStep()) fail(RecordsError::Kind::NotFound, "no agency " + agencyCode);
    const Id agencyId = ag.getColumn(0).getInt64();
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM user WHERE username = ?");
    dup.bind(1, username);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "user " + username + " already exists");
    SQLite::Statement u(impl_->db, "INSERT INTO user(agency_id, username, full_name, roles, password_hash, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?)");
    u.bind(1, agencyId);
    u.bind(2, username);
    u.bind(3, fullName);
    u.bind(4, joinRoles(roles));
    u.bind(5, passwordHash);
    u.bind(6, nowUtc());
    u.exec();
    const Id id = impl_->db.getLastInsertRowid();
    impl_->audit(actor.id, "add_user", "user", id, jsonObject({{"username", username}, {"roles", joinRoles(roles)}}),
                 {{"user", id}});
    t.commit();
    return impl_->loadUser(id);
}

}  // namespace striae::records
