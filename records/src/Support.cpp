// Shared helpers: time, hashing, passwords, roles, audit chaining.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

const char* toString(Role role) {
    switch (role) {
        case Role::Technician: return "technician";
        case Role::Examiner: return "examiner";
        case Role::Supervisor: return "supervisor";
        case Role::Administrator: return "administrator";
    }
    return "?";
}

Role roleFromString(const std::string& name) {
    for (Role r : {Role::Technician, Role::Examiner, Role::Supervisor, Role::Administrator})
        if (name == toString(r)) return r;
    fail(RecordsError::Kind::InvalidInput, "unknown role '" + name + "' (technician, examiner, supervisor, administrator)");
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

std::string nowUtc() {
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

namespace {
const std::string kGenesis(64, '0');

std::string chainHash(const std::string& prev, Id id, const std::string& at, Id user, const std::string& action,
                      const std::string& entity, Id entityId, const std::string& details) {
    const std::string text = prev + "\n" + std::to_string(id) + "\n" + at + "\n" + std::to_string(user) + "\n" + action +
                             "\n" + entity + "\n" + std::to_string(entityId) + "\n" + details;
    return sha256Hex(text.data(), text.size());
}
}  // namespace

void Store::Impl::audit(Id userId, const std::string& action, const std::string& entity, Id entityId,
                        const std::string& details) {
    Id lastId = 0;
    std::string prev = kGenesis;
    SQLite::Statement head(db, "SELECT last_id, last_hash FROM audit_head WHERE one = 1");
    if (head.executeStep()) {
        lastId = head.getColumn(0).getInt64();
        prev = head.getColumn(1).getString();
    }
    const Id id = lastId + 1;
    const std::string at = nowUtc();
    const std::string hash = chainHash(prev, id, at, userId, action, entity, entityId, details);
    SQLite::Statement insert(db,
                             "INSERT INTO audit_event(id, at, user_id, action, entity, entity_id, details, prev_hash, hash) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, id);
    insert.bind(2, at);
    insert.bind(3, userId);
    insert.bind(4, action);
    insert.bind(5, entity);
    insert.bind(6, entityId);
    insert.bind(7, details);
    insert.bind(8, prev);
    insert.bind(9, hash);
    insert.exec();
    SQLite::Statement update(db, "INSERT INTO audit_head(one, last_id, last_hash) VALUES (1, ?, ?) "
                                 "ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash");
    update.bind(1, id);
    update.bind(2, hash);
    update.exec();
}

AuditReport Store::verifyAudit() const {
    AuditReport report;
    SQLite::Statement q(impl_->db, "SELECT id, at, user_id, action, entity, entity_id, details, prev_hash, hash "
                                   "FROM audit_event ORDER BY id");
    std::string expectedPrev = kGenesis;
    Id expectedId = 1;
    while (q.executeStep()) {
        ++report.events;
        const Id id = q.getColumn(0).getInt64();
        const std::string prev = q.getColumn(7).getString(), hash = q.getColumn(8).getString();
        if (id != expectedId)
            report.problems.push_back(id > expectedId ? "events " + std::to_string(expectedId) + "–" + std::to_string(id - 1) +
                                                            " are missing (deleted)"
                                                      : "event " + std::to_string(id) + " is out of order");
        if (prev != expectedPrev)
            report.problems.push_back("event " + std::to_string(id) +
                                      " does not follow the event before it (an event was inserted, deleted or edited before it)");
        const std::string recomputed =
            chainHash(prev, id, q.getColumn(1).getString(), q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                      q.getColumn(4).getString(), q.getColumn(5).getInt64(), q.getColumn(6).getString());
        if (recomputed != hash) report.problems.push_back("event " + std::to_string(id) + " was edited (its hash does not match its content)");
        expectedPrev = hash;
        expectedId = id + 1;
    }
    SQLite::Statement head(impl_->db, "SELECT last_id, last_hash FROM audit_head WHERE one = 1");
    if (head.executeStep()) {
        const Id lastId = head.getColumn(0).getInt64();
        if (lastId != expectedId - 1)
            report.problems.push_back(lastId > expectedId - 1 ? "events after " + std::to_string(expectedId - 1) + " up to " +
                                                                    std::to_string(lastId) + " were deleted"
                                                              : "the chain head is behind event " + std::to_string(expectedId - 1));
        else if (head.getColumn(1).getString() != expectedPrev)
            report.problems.push_back("the last event " + std::to_string(lastId) + " does not match the recorded chain head");
    } else if (report.events > 0) {
        report.problems.push_back("the audit chain head is missing");
    }
    return report;
}

void Store::Impl::indexNote(const std::string& kind, Id id, const std::string& text) {
    if (text.empty()) return;
    SQLite::Statement q(db, "INSERT INTO note_text(kind, ref_id, text) VALUES (?, ?, ?)");
    q.bind(1, kind);
    q.bind(2, id);
    q.bind(3, text);
    q.exec();
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
    return u;
}

}  // namespace striae::records
