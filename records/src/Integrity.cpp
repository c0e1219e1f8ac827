// Evidence integrity: the audit chain seals the rows each change created, an
// anchor outside the database catches a truncated chain, and `verifyAudit`
// recomputes everything (events, rows, stored scan files) and names each
// disagreement.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

namespace fs = std::filesystem;

// The tables whose rows are evidence or decide who may do what. Operational
// state (outbox, sync settings, hub candidate links, the note index) is not
// sealed: see docs/security.md.
const std::vector<std::string>& sealedTables() {
    static const std::vector<std::string> tables{"agency",      "user",   "case_file", "item",   "firearm",
                                                 "custody_event", "acquisition", "correlation_run", "candidate",
                                                 "review",      "lead",   "hit",       "verification", "approval",
                                                 "hub_acquisition", "hit_view",  "annotation", "lead_outcome",
                                                 "firearm_record", "seizure_check", "trace_request", "trace_event", "firearm_alert",
                                                 "trace_attachment", "firearm_record_link", "firearm_record_photo"};
    return tables;
}

namespace {

const std::string kGenesis(64, '0');

bool isSealedTable(const std::string& table) {
    const auto& t = sealedTables();
    return std::find(t.begin(), t.end(), table) != t.end();
}

// One row as text: every column by name with its SQLite type, so that a value
// changed in type (1 vs '1') changes the hash too.
std::string rowText(SQLite::Statement& q, int firstColumn) {
    std::string text;
    for (int c = firstColumn; c < q.getColumnCount(); ++c) {
        const SQLite::Column col = q.getColumn(c);
        text += col.getName();
        if (col.isNull()) text += "=n\n";
        else if (col.isInteger()) text += "=i:" + std::to_string(col.getInt64()) + "\n";
        else if (col.isFloat()) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", col.getDouble());
            text += std::string("=r:") + buf + "\n";
        } else {
            const std::string value = col.getString();
            text += (col.isBlob() ? "=b:" : "=t:") + std::to_string(value.size()) + ":" + value + "\n";
        }
    }
    return text;
}

std::string hashRow(const std::string& table, Id rowId, const std::string& text) {
    const std::string all = table + "\n" + std::to_string(rowId) + "\n" + text;
    return sha256Hex(all.data(), all.size());
}

std::string sealsText(const std::vector<RowSeal>& seals) {
    std::vector<RowSeal> sorted = seals;
    std::sort(sorted.begin(), sorted.end(), [](const RowSeal& a, const RowSeal& b) {
        return a.table != b.table ? a.table < b.table : a.rowId < b.rowId;
    });
    std::string text;
    for (const auto& s : sorted) text += "\n" + s.table + ":" + std::to_string(s.rowId) + ":" + s.hash;
    return text;
}

}  // namespace

std::string rowHash(SQLite::Database& db, const std::string& table, Id rowId) {
    if (!isSealedTable(table)) fail(RecordsError::Kind::Storage, "table " + table + " is not sealed by the audit trail");
    SQLite::Statement q(db, "SELECT * FROM \"" + table + "\" WHERE rowid = ?");  // the name is from the fixed list
    q.bind(1, rowId);
    if (!q.executeStep()) return {};
    return hashRow(table, rowId, rowText(q, 0));
}

// Events without seals hash as they did before seals existed (schema 3), so
// older chains still verify.
std::string chainHash(const std::string& prev, Id id, const std::string& at, Id user, const std::string& action,
                      const std::string& entity, Id entityId, const std::string& details, const std::vector<RowSeal>& seals) {
    const std::string text = prev + "\n" + std::to_string(id) + "\n" + at + "\n" + std::to_string(user) + "\n" + action +
                             "\n" + entity + "\n" + std::to_string(entityId) + "\n" + details + sealsText(seals);
    return sha256Hex(text.data(), text.size());
}

std::string anchorPath(const std::string& folder) { return (fs::path(folder) / "audit-anchor").string(); }

void Store::Impl::audit(Id userId, const std::string& action, const std::string& entity, Id entityId,
                        const std::string& details, const std::vector<std::pair<std::string, Id>>& rows) {
    Id lastId = 0;
    std::string prev = kGenesis;
    SQLite::Statement head(db, "SELECT last_id, last_hash FROM audit_head WHERE one = 1");
    if (head.executeStep()) {
        lastId = head.getColumn(0).getInt64();
        prev = head.getColumn(1).getString();
    }
    std::vector<RowSeal> seals;
    for (const auto& row : rows) {
        const std::string& table = row.first;
        const Id rowId = row.second;
        if (std::any_of(seals.begin(), seals.end(), [&](const RowSeal& s) { return s.table == table && s.rowId == rowId; })) continue;
        const std::string hash = rowHash(db, table, rowId);
        if (hash.empty()) fail(RecordsError::Kind::Storage, "cannot seal " + table + " " + std::to_string(rowId) + ": no such row");
        seals.push_back({table, rowId, hash});
    }
    const Id id = lastId + 1;
    const std::string at = nowUtc();
    const std::string hash = chainHash(prev, id, at, userId, action, entity, entityId, details, seals);
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
    SQLite::Statement seal(db, "INSERT INTO audit_seal(event_id, entity, row_id, row_hash) VALUES (?, ?, ?, ?)");
    for (const auto& s : seals) {
        seal.reset();
        seal.bind(1, id);
        seal.bind(2, s.table);
        seal.bind(3, s.rowId);
        seal.bind(4, s.hash);
        seal.exec();
    }
    SQLite::Statement update(db, "INSERT INTO audit_head(one, last_id, last_hash) VALUES (1, ?, ?) "
                                 "ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash");
    update.bind(1, id);
    update.bind(2, hash);
    update.exec();
    pendingAnchors.emplace_back(id, hash);
}

void Store::Impl::commit(SQLite::Transaction& transaction) {
    try {
        transaction.commit();
    } catch (...) {
        pendingAnchors.clear();
        throw;
    }
    appendAnchors();
}

void Store::Impl::rollbackPending() { pendingAnchors.clear(); }

// One write per commit with O_APPEND, so concurrent writers' lines never mix.
// Written after the commit: a crash in between leaves the anchor one event
// behind, which verification reports as a note, never as tampering.
void Store::Impl::appendAnchors() {
    if (pendingAnchors.empty()) return;
    std::string lines;
    for (const auto& [id, hash] : pendingAnchors) lines += std::to_string(id) + " " + hash + "\n";
    pendingAnchors.clear();
    const int fd = ::open(anchorPath(folder).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;  // verification reports the missing lines
    const ssize_t n = ::write(fd, lines.data(), lines.size());
    (void)n;
    ::fsync(fd);
    ::close(fd);
}

namespace {

void checkRows(SQLite::Database& db, const std::map<std::pair<std::string, Id>, std::pair<std::string, Id>>& lastSeal,
               AuditReport& report) {
    for (const auto& table : sealedTables()) {
        SQLite::Statement q(db, "SELECT rowid, * FROM \"" + table + "\" ORDER BY rowid");
        std::size_t rows = 0;
        while (q.executeStep()) {
            ++rows;
            const Id rowId = q.getColumn(0).getInt64();
            const auto seal = lastSeal.find({table, rowId});
            if (seal == lastSeal.end()) {
                report.problems.push_back(table + " " + std::to_string(rowId) +
                                          " was not written by Striae (no audit event records it)");
                continue;
            }
            if (hashRow(table, rowId, rowText(q, 1)) != seal->second.first)
                report.problems.push_back(table + " " + std::to_string(rowId) + " was changed outside Striae (it differs from what event " +
                                          std::to_string(seal->second.second) + " recorded)");
        }
        report.rowsChecked += rows;
    }
    for (const auto& [key, seal] : lastSeal) {
        SQLite::Statement exists(db, "SELECT 1 FROM \"" + key.first + "\" WHERE rowid = ?");
        exists.bind(1, key.second);
        if (!exists.executeStep())
            report.problems.push_back(key.first + " " + std::to_string(key.second) + " was deleted (event " +
                                      std::to_string(seal.second) + " recorded it)");
    }
}

std::string fileSha256(const std::string& path, bool& readable) {
    std::ifstream in(path, std::ios::binary);
    readable = bool(in);
    if (!in) return {};
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string all = bytes.str();
    return sha256Hex(all.data(), all.size());
}

}  // namespace

AuditReport Store::verifyAudit(bool checkFiles) const {
    AuditReport report;
    // Seals by event, to recompute each event's hash and know each row's last seal.
    std::map<Id, std::vector<RowSeal>> sealsOf;
    {
        SQLite::Statement s(impl_->db, "SELECT event_id, entity, row_id, row_hash FROM audit_seal ORDER BY event_id");
        while (s.executeStep())
            sealsOf[s.getColumn(0).getInt64()].push_back({s.getColumn(1).getString(), s.getColumn(2).getInt64(), s.getColumn(3).getString()});
    }
    std::map<std::pair<std::string, Id>, std::pair<std::string, Id>> lastSeal;  // (table, row) -> (hash, event)
    std::map<Id, std::string> eventHashes;
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
        const auto seals = sealsOf.find(id);
        const std::vector<RowSeal> none;
        const auto& eventSeals = seals == sealsOf.end() ? none : seals->second;
        const std::string recomputed =
            chainHash(prev, id, q.getColumn(1).getString(), q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                      q.getColumn(4).getString(), q.getColumn(5).getInt64(), q.getColumn(6).getString(), eventSeals);
        if (recomputed != hash)
            report.problems.push_back("event " + std::to_string(id) + " was edited (its hash does not match its content and the rows it sealed)");
        for (const auto& s : eventSeals) lastSeal[{s.table, s.rowId}] = {s.hash, id};
        eventHashes[id] = hash;
        expectedPrev = hash;
        expectedId = id + 1;
    }
    for (const auto& [eventId, seals] : sealsOf)
        if (!eventHashes.count(eventId))
            report.problems.push_back("row seals of event " + std::to_string(eventId) + " remain but the event is gone");
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

    // The anchor outside the database: every event it names must be there, unchanged.
    {
        std::ifstream anchor(anchorPath(impl_->folder));
        if (!anchor) {
            if (report.events > 0) report.problems.push_back("the audit anchor file " + anchorPath(impl_->folder) + " is missing");
        } else {
            Id lastAnchored = 0;
            for (std::string line; std::getline(anchor, line);) {
                std::istringstream in(line);
                Id id = 0;
                std::string hash;
                if (!(in >> id >> hash) || hash.size() != 64) {
                    report.problems.push_back("the audit anchor has an unreadable line: '" + line.substr(0, 80) + "'");
                    continue;
                }
                ++report.anchored;
                lastAnchored = std::max(lastAnchored, id);
                const auto event = eventHashes.find(id);
                if (event == eventHashes.end())
                    report.problems.push_back("event " + std::to_string(id) + " named in the audit anchor is missing from the store (the trail was truncated or rewritten)");
                else if (event->second != hash)
                    report.problems.push_back("event " + std::to_string(id) + " differs from the audit anchor (the trail was rewritten)");
            }
            const Id lastEvent = expectedId - 1;
            if (lastEvent > lastAnchored + 1)
                report.problems.push_back("events " + std::to_string(lastAnchored + 1) + "–" + std::to_string(lastEvent) +
                                          " are not in the audit anchor (written outside Striae, or the anchor was cut)");
            else if (lastEvent == lastAnchored + 1)
                report.notes.push_back("the last event " + std::to_string(lastEvent) +
                                       " is not in the anchor yet (a program stopped between commit and anchor)");
        }
    }

    checkRows(impl_->db, lastSeal, report);

    if (checkFiles) {
        SQLite::Statement a(impl_->db, "SELECT id, file_sha256, processed_sha256 FROM acquisition ORDER BY id");
        std::map<std::string, std::pair<bool, std::string>> known;  // each file hashed once, however many acquisitions name it
        while (a.executeStep()) {
            const Id id = a.getColumn(0).getInt64();
            for (int c : {1, 2}) {
                const std::string sha = a.getColumn(c).getString();
                if (sha.empty() || sha.rfind("pending:", 0) == 0) continue;  // a hub holding not disclosed yet
                bool readable = false;
                if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
                    report.problems.push_back("acquisition " + std::to_string(id) + " names a scan '" + sha.substr(0, 70) + "' that is not a SHA-256");
                    continue;
                }
                auto found = known.find(sha);
                if (found == known.end()) {
                    const std::string hash = fileSha256(filePath(sha), readable);
                    found = known.emplace(sha, std::make_pair(readable, hash)).first;
                    ++report.filesChecked;
                }
                readable = found->second.first;
                const std::string& actual = found->second.second;
                const std::string which = c == 1 ? "scan file" : "processed scan file";
                if (!readable) report.problems.push_back("the " + which + " of acquisition " + std::to_string(id) + " (" + sha.substr(0, 12) + "…) is missing");
                else if (actual != sha)
                    report.problems.push_back("the " + which + " of acquisition " + std::to_string(id) + " (" + sha.substr(0, 12) +
                                              "…) was altered: its SHA-256 is now " + actual.substr(0, 12) + "…");
            }
        }
        // The files attached to trace requests and the records' photographs, by their SHA-256 (AttachedFiles.h).
        for (const auto& [table, what] : {std::pair{"trace_attachment", "trace attachment"}, std::pair{"firearm_record_photo", "firearm photograph"}}) {
            SQLite::Statement t(impl_->db, std::string("SELECT id, sha256 FROM ") + table + " ORDER BY id");
            while (t.executeStep()) {
                const Id id = t.getColumn(0).getInt64();
                const std::string sha = t.getColumn(1).getString();
                bool readable = false;
                const std::string actual = fileSha256(traceAttachmentPath(impl_->folder, sha), readable);
                ++report.filesChecked;
                const std::string name = std::string(what) + " " + std::to_string(id) + " (" + sha.substr(0, 12) + "…)";
                if (!readable) report.problems.push_back(name + " is missing");
                else if (actual != sha) report.problems.push_back(name + " was altered: its SHA-256 is now " + actual.substr(0, 12) + "…");
            }
        }
    }
    return report;
}

// Seals every row of the sealed tables in one event: for stores created before
// rows were sealed (schema 3), so that later changes to them are caught.
void sealExistingRows(Store::Impl& impl) {
    std::vector<std::pair<std::string, Id>> rows;
    for (const auto& table : sealedTables()) {
        if (!impl.db.tableExists(table)) continue;  // created by a later migration
        SQLite::Statement q(impl.db, "SELECT rowid FROM \"" + table + "\"");
        while (q.executeStep()) rows.emplace_back(table, q.getColumn(0).getInt64());
    }
    impl.audit(0, "seal_existing_rows", "store", 0, jsonObject({{"rows", std::to_string(rows.size())}}), rows);
    // The anchor starts here: every earlier event is named too, so a later truncation below it is caught.
    SQLite::Statement events(impl.db, "SELECT id, hash FROM audit_event ORDER BY id");
    impl.pendingAnchors.clear();
    while (events.executeStep()) impl.pendingAnchors.emplace_back(events.getColumn(0).getInt64(), events.getColumn(1).getString());
}

}  // namespace striae::records
