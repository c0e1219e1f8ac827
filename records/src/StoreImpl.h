#pragma once
// Internal: the store's connection and the helpers every operation shares.
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "striae/records/Store.h"

namespace striae::records {

struct Store::Impl {
    SQLite::Database db;
    std::string folder;

    Impl(const std::string& dbPath, int flags, std::string f);

    // Appends an audit event chained to the one before; call inside the change's transaction.
    void audit(Id userId, const std::string& action, const std::string& entity, Id entityId, const std::string& details);
    void indexNote(const std::string& kind, Id id, const std::string& text);
    User loadUser(Id id) const;
};

std::string nowUtc();
std::string sha256Hex(const void* data, std::size_t size);
std::string hashPassword(const std::string& password);
bool checkPassword(const std::string& password, const std::string& stored);
std::string joinRoles(const std::vector<Role>& roles);
std::vector<Role> parseRoles(const std::string& text);
[[noreturn]] void fail(RecordsError::Kind kind, const std::string& message);
void requireRole(const User& actor, Role role, const std::string& action);
bool oneOf(const std::string& value, const std::vector<std::string>& allowed);
std::string listOf(const std::vector<std::string>& values);
// A JSON object from key/value pairs (values escaped), for audit details.
std::string jsonObject(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace striae::records
