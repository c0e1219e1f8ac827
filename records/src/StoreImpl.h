#pragma once
#include <filesystem>
// Internal: the store's connection and the helpers every operation shares.
#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "striae/matching/SearchIndex.h"
#include "striae/matching/SearchSignature.h"
#include "striae/records/Clock.h"
#include "striae/records/Store.h"

namespace striae::records {

struct ReferenceSearchCache;  // ReferenceTable.cpp: the trigram index of the firearms reference table

// A row's hash as an audit event recorded it.
struct RowSeal {
    std::string table;
    Id rowId = 0;
    std::string hash;
};

struct Store::Impl {
    SQLite::Database db;
    std::string folder;
    // Events committed in the open transaction, for the anchor file once it commits.
    std::vector<std::pair<Id, std::string>> pendingAnchors;
    // The first stage's index (<store>/search.index), opened at the first search.
    std::unique_ptr<matching::SearchIndex> searchIndex;
    // The reference table's fuzzy-search index, built at the first search and rebuilt when the table's version moves.
    std::shared_ptr<ReferenceSearchCache> referenceCache;

    Impl(const std::string& dbPath, int flags, std::string f);

    // Appends an audit event chained to the one before, sealing the current
    // state of `rows` (table, rowid); call inside the change's transaction,
    // after the change, and finish with commit().
    void audit(Id userId, const std::string& action, const std::string& entity, Id entityId, const std::string& details,
               const std::vector<std::pair<std::string, Id>>& rows = {});
    // Commits and appends the new events to the anchor outside the database.
    void commit(SQLite::Transaction& transaction);
    void rollbackPending();
    void appendAnchors();
    void indexNote(const std::string& kind, Id id, const std::string& text);
    User loadUser(Id id) const;
};

// A write transaction: BEGIN IMMEDIATE takes the write lock at once, so a
// concurrent writer waits (busy timeout) instead of failing on the upgrade.
struct WriteTransaction : SQLite::Transaction {
    explicit WriteTransaction(Store::Impl& impl) : SQLite::Transaction(impl.db, SQLite::TransactionBehavior::IMMEDIATE), impl_(impl) {}
    ~WriteTransaction() { impl_.rollbackPending(); }
    void commit() { impl_.commit(*this); }

private:
    Store::Impl& impl_;
};

const std::vector<std::string>& sealedTables();
std::string rowHash(SQLite::Database& db, const std::string& table, Id rowId);
std::string chainHash(const std::string& prev, Id id, const std::string& at, Id user, const std::string& action,
                      const std::string& entity, Id entityId, const std::string& details, const std::vector<RowSeal>& seals);
void sealExistingRows(Store::Impl& impl);
std::string anchorPath(const std::string& folder);
// Where a trace request's attachment is kept: <store>/attachments/<first two>/<sha256>.
std::string traceAttachmentPath(const std::string& folder, const std::string& sha256);
// Puts bytes at `target` durably (a temporary in `tempFolder`, fsync, rename); false if it was there already.
bool storeFile(const std::string& bytes, const std::filesystem::path& target, const std::filesystem::path& tempFolder);

std::string sha256Hex(const void* data, std::size_t size);
std::string hashPassword(const std::string& password);
bool checkPassword(const std::string& password, const std::string& stored);
std::string joinRoles(const std::vector<Role>& roles);
std::string usernameOf(SQLite::Database& db, Id userId);  // "" for an unknown user
std::string agencyCodeOf(SQLite::Database& db, Id agencyId);  // "" for an unknown agency
std::vector<Role> parseRoles(const std::string& text);
[[noreturn]] void fail(RecordsError::Kind kind, const std::string& message);
void requireRole(const User& actor, Role role, const std::string& action);
bool oneOf(const std::string& value, const std::vector<std::string>& allowed);
std::string listOf(const std::vector<std::string>& values);
// A JSON object from key/value pairs (values escaped), for audit details.
std::string jsonObject(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace striae::records

namespace striae::records {
// Input checks with messages that name the field and the rule.
void validateUsername(const std::string& username);
// Free text: no control characters (terminal escapes), except line breaks and tabs where `multiline`.
void validateText(const std::string& field, const std::string& value, bool multiline, std::size_t maxLength = 4000);
// An identifier such as a case number or an item label: 1-64 printable characters, no surrounding spaces.
void validateIdentifier(const std::string& field, const std::string& value);
// "" or an ISO date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM[:SS][Z]) that exists on the calendar.
void validateDate(const std::string& field, const std::string& value);
}  // namespace striae::records

namespace striae::records {
// Secrets (the hub token): in the system keyring when a Secret Service answers
// (a marker <store>/secrets/<name>.in-keyring says so), else in
// <store>/secrets/<name>, mode 0600 in a 0700 folder, written atomically;
// "" when there is none. Reading a keyring secret without the keyring fails
// with a message that says where it is.
void writeSecret(const std::string& folder, const std::string& name, const std::string& value);
std::string readSecret(const std::string& folder, const std::string& name);
std::string secretLocation(const std::string& folder, const std::string& name);  // "" when unset
// The search signature of a breech face (search_signature); std::nullopt when
// missing or of another method or shape than this version computes.
void storeSignature(SQLite::Database& db, Id acquisitionId, const matching::SearchSignature& signature);
std::optional<matching::SearchSignature> loadSignature(SQLite::Database& db, Id acquisitionId);
// The acquisitions that have a signature of the current kind (ids only: no signature is read).
std::set<Id> signedAcquisitions(SQLite::Database& db);
// The search index brought in line with the database's stored signatures
// (each breech face under searchPartition(caliber, region)): opened when
// first needed; the database is the truth, the index file derived from it.
matching::SearchIndex& reconciledSearchIndex(Store::Impl& impl);
std::string searchPartition(const std::string& caliber, const std::string& region);
// Owner-only permissions on the store's folders and files (0700 / 0600).
void restrictPermissions(const std::string& folder);
}  // namespace striae::records
