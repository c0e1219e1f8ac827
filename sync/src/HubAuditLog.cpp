#include "striae/sync/HubAuditLog.h"

#include "FileHash.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

namespace {

std::string entryHash(const std::string& previous, std::int64_t seq, std::int64_t at, const std::string& actor, const std::string& event,
                      const std::string& detail) {
    // Lengths before the fields: no two entries' texts run together into the same bytes.
    std::string text = previous;
    for (const std::string& field : {std::to_string(seq), std::to_string(at), actor, event, detail})
        text.append("\n").append(std::to_string(field.size())).append(":").append(field);
    return sha256OfText(text);
}

}  // namespace

HubAuditLog::HubAuditLog(HubDatabase& db) : db_(db) {
    db_.withSchemaLock([&] {
        db_.execute("CREATE TABLE IF NOT EXISTS hub_audit(seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, "
                    "event TEXT NOT NULL, detail TEXT NOT NULL, hash TEXT NOT NULL)");
    });
}

HubAuditEntry HubAuditLog::append(const std::string& actor, const std::string& event, const std::string& detail) {
    HubTransaction t(db_);  // nested in the caller's: the database counts the depth
    const auto last = db_.query("SELECT seq, hash FROM hub_audit ORDER BY seq DESC LIMIT 1");
    HubAuditEntry e;
    e.seq = last.empty() ? 1 : last[0].integer(0) + 1;
    e.at = nowMs();
    e.actor = actor;
    e.event = event;
    e.detail = detail;
    e.hash = entryHash(last.empty() ? std::string() : last[0].text(1), e.seq, e.at, actor, event, detail);
    db_.execute("INSERT INTO hub_audit(seq, at, actor, event, detail, hash) VALUES (?, ?, ?, ?, ?, ?)",
                {e.seq, e.at, actor, event, detail, e.hash});
    t.commit();
    return e;
}

std::vector<HubAuditEntry> HubAuditLog::entries(const std::string& eventPrefix) {
    std::vector<HubAuditEntry> out;
    for (const auto& r : db_.query("SELECT seq, at, actor, event, detail, hash FROM hub_audit ORDER BY seq")) {
        if (r.text(3).rfind(eventPrefix, 0) != 0) continue;
        out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5)});
    }
    return out;
}

std::optional<std::int64_t> HubAuditLog::verify() {
    std::string previous;
    std::int64_t expected = 1;
    for (const auto& e : entries()) {
        if (e.seq != expected || entryHash(previous, e.seq, e.at, e.actor, e.event, e.detail) != e.hash) return e.seq;
        previous = e.hash;
        ++expected;
    }
    return std::nullopt;
}

}  // namespace striae::sync
