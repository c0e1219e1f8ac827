// Shared helpers: time, hashing, passwords, roles, audit chaining.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

const char* toString(Role role) {
    switch (role) {
        case Role::Technician: return "technician";
        case Role::Examiner: return "examiner";
        case Role::Supervisor: return "supervisor";
        case Role::Administrator: return "administrator";
        case Role::RecordsOfficer: return "records_officer";
        case Role::TraceOfficer: return "trace_officer";
    }
    return "?";
}

Role roleFromString(const std::string& name) {
    for (Role r : {Role::Technician, Role::Examiner, Role::Supervisor, Role::Administrator, Role::RecordsOfficer, Role::TraceOfficer})
        if (name == toString(r)) return r;
    fail(RecordsError::Kind::InvalidInput,
         "unknown role '" + name + "' (technician, examiner, supervisor, administrator, records_officer, trace_officer)");
}

bool User::has(Role r) const {
    for (Role x : roles)
        if (x == r) return true;
    return false;
}

void fail(RecordsError::Kind kind, const std::string& message) { throw RecordsError(kind, message); }

void requireRole(const User& actor, Role role, const std::string& action) {
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    if (!actor.has(role))
        fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " (" + joinRoles(actor.roles) +
                                                       ") may not " + action + ": that needs the " + toString(role) +
                                                       " role");
}

namespace {
std::mutex clockMutex;
std::function<std::string()> replacedClock;
}  // namespace

void setClock(std::function<std::string()> clock) {
    std::lock_guard lock(clockMutex);
    replacedClock = std::move(clock);
}

std::string nowUtc() {
    {
        std::lock_guard lock(clockMutex);
        if (replacedClock) return replacedClock();
    }
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
    return buf;
}

std::string sha256Hex(const void* data, std::size_t size) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(data, size);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

namespace {
constexpr int kIterations = 120000;

std::string toHex(const unsigned char* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::string derive(const std::string& password, const std::string& salt, int iterations) {
    unsigned char out[32];
    PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), reinterpret_cast<const unsigned char*>(salt.data()),
                      int(salt.size()), iterations, EVP_sha256(), sizeof out, out);
    return toHex(out, sizeof out);
}
}  // namespace

// PBKDF2-HMAC-SHA256 with a random 16-byte salt: "pbkdf2-sha256$iterations$salt$hash".
std::string hashPassword(const std::string& password) {
    if (password.size() < 8) fail(RecordsError::Kind::InvalidInput, "a password needs at least 8 characters");
    unsigned char salt[16];
    if (RAND_bytes(salt, sizeof salt) != 1) fail(RecordsError::Kind::Storage, "no random bytes for a password salt");
    const std::string saltHex = toHex(salt, sizeof salt);
    return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + saltHex + "$" + derive(password, saltHex, kIterations);
}

bool checkPassword(const std::string& password, const std::string& stored) {
    std::istringstream in(stored);
    std::string scheme, iterations, salt, hash;
    if (!std::getline(in, scheme, '$') || !std::getline(in, iterations, '$') || !std::getline(in, salt, '$') ||
        !std::getline(in, hash))
        return false;
    if (scheme != "pbkdf2-sha256") return false;
    const std::string candidate = derive(password, salt, std::stoi(iterations));
    return candidate.size() == hash.size() && CRYPTO_memcmp(candidate.data(), hash.data(), hash.size()) == 0;
}

bool oneOf(const std::string& value, const std::vector<std::string>& allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string listOf(const std::vector<std::string>& values) {
    std::string s;
    for (const auto& v : values) {
        if (!s.empty()) s += ", ";
        s += v;
    }
    return s;
}

std::string joinRoles(const std::vector<Role>& roles) {
    std::string s;
    for (Role r : roles) {
        if (!s.empty()) s += ',';
        s += toString(r);
    }
    return s;
}

std::vector<Role> parseRoles(const std::string& text) {
    std::vector<Role> roles;
    std::istringstream in(text);
    std::string name;
    while (std::getline(in, name, ','))
        if (!name.empty()) roles.push_back(roleFromString(name));
    return roles;
}

std::string jsonObject(const std::vector<std::pair<std::string, std::string>>& fields) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : fields) o.set(k, v);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Store::Impl::Impl(const std::string& dbPath, int flags, std::string f) : db(dbPath, flags), folder(std::move(f)) {
    db.setBusyTimeout(10000);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA synchronous=NORMAL");
}

void Store::Impl::indexNote(const std::string& kind, Id id, const std::string& text) {
    if (text.empty()) return;
    SQLite::Statement q(db, "INSERT INTO note_text(kind, ref_id, text) VALUES (?, ?, ?)");
    q.bind(1, kind);
    q.bind(2, id);
    q.bind(3, text);
    q.exec();
}

std::string usernameOf(SQLite::Database& db, Id userId) {
    SQLite::Statement q(db, "SELECT username FROM user WHERE id = ?");
    q.bind(1, userId);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

User Store::Impl::loadUser(Id id) const {
    SQLite::Statement q(db, "SELECT id, agency_id, username, full_name, roles, active FROM user WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no user " + std::to_string(id));
    User u;
    u.id = q.getColumn(0).getInt64();
    u.agencyId = q.getColumn(1).getInt64();
    u.username = q.getColumn(2).getString();
    u.fullName = q.getColumn(3).getString();
    u.roles = parseRoles(q.getColumn(4).getString());
    u.active = q.getColumn(5).getInt() != 0;
    // Roles decide what a user may do: a user row changed outside Striae (say,
    // roles raised with sqlite3) is refused, not trusted.
    SQLite::Statement seal(db, "SELECT row_hash, event_id FROM audit_seal WHERE entity = 'user' AND row_id = ? ORDER BY event_id DESC LIMIT 1");
    seal.bind(1, id);
    if (!seal.executeStep() || seal.getColumn(0).getString() != rowHash(const_cast<SQLite::Database&>(db), "user", id))
        fail(RecordsError::Kind::Tampered, "the record of user " + u.username + " was changed outside Striae (it differs from the audit trail); "
                                           "run `striae audit verify`");
    return u;
}

std::string agencyCodeOf(SQLite::Database& db, Id agencyId) {
    SQLite::Statement q(db, "SELECT code FROM agency WHERE id = ?");
    q.bind(1, agencyId);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

}  // namespace striae::records
