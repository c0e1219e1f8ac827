// The store's side of syncing with a hub: settings, the outbox, other
// agencies' acquisitions as local stand-ins, pulled lead lists, outcomes.
#include <algorithm>

#include "StoreImpl.h"

namespace striae::records {

namespace {
const std::vector<std::string> kSyncSettings{"hub_url", "hub_token", "agency", "search_scope", "leads_cursor", "feedback_cursor", "notice_cursor", "reftable_version",
                                             "last_contact", "last_error", "last_attempt"};

void putSetting(SQLite::Database& db, const std::string& name, const std::string& value) {
    SQLite::Statement q(db, "INSERT INTO sync_setting(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    q.bind(1, name);
    q.bind(2, value);
    q.exec();
}

OutboxEntry readEntry(SQLite::Statement& q) {
    OutboxEntry e;
    e.id = q.getColumn(0).getInt64();
    e.acquisitionId = q.getColumn(1).getInt64();
    e.state = q.getColumn(2).getString();
    e.attempts = q.getColumn(3).getInt();
    e.nextAttemptAt = q.getColumn(4).getString();
    e.lastError = q.getColumn(5).getString();
    e.hubId = q.getColumn(6).getString();
    e.queuedAt = q.getColumn(7).getString();
    e.sentAt = q.getColumn(8).getString();
    return e;
}

const char* kOutboxColumns =
    "SELECT id, acquisition_id, state, attempts, next_attempt_at, last_error, hub_id, queued_at, sent_at FROM outbox ";
}  // namespace

void Store::setSyncSetting(const User& actor, const std::string& name, const std::string& value) {
    if (name == "notice_cursor" || name == "reftable_version") {
        if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    } else if (name == "leads_cursor" || name == "feedback_cursor")
        requireRole(actor, Role::Technician, "pull lead lists");
    else
        requireRole(actor, Role::Administrator, "configure the hub connection");
    if (!oneOf(name, kSyncSettings)) fail(RecordsError::Kind::InvalidInput, "sync setting '" + name + "' is not one of " + listOf(kSyncSettings));
    // Where pushes ask to be searched (docs/hub-api.md, "Tiers"): the agency's national hub, the international tier, or both.
    if (name == "search_scope" && !value.empty() && !oneOf(value, {"national", "international", "both"}))
        fail(RecordsError::Kind::InvalidInput, "search scope '" + value + "': expected national, international or both");
    if (name == "hub_token") {
        // The token is a credential: in the system keyring or a file only its owner can read, never in the database.
        writeSecret(impl_->folder, name, value);
        WriteTransaction t(*impl_);
        impl_->audit(actor.id, "sync_setting", "sync", 0, jsonObject({{"name", name}, {"value", value.empty() ? "(cleared)" : "(set)"}}));
        t.commit();
        return;
    }
    WriteTransaction t(*impl_);
    putSetting(impl_->db, name, value);
    if (name != "leads_cursor" && name != "feedback_cursor" && name != "notice_cursor" && name != "reftable_version")  // cursors move on every pull: not audited
        impl_->audit(actor.id, "sync_setting", "sync", 0, jsonObject({{"name", name}, {"value", name == "hub_token" ? "(set)" : value}}));
    t.commit();
}

std::string Store::secretLocation(const std::string& name) const { return records::secretLocation(impl_->folder, name); }

std::string Store::syncSetting(const std::string& name) const {
    if (name == "hub_token") return readSecret(impl_->folder, name);
    SQLite::Statement q(impl_->db, "SELECT value FROM sync_setting WHERE name = ?");
    q.bind(1, name);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

int Store::enqueueForSync(const User& actor) {
    requireRole(actor, Role::Technician, "send acquisitions to the hub");
    WriteTransaction t(*impl_);
    SQLite::Statement q(impl_->db,
                        "INSERT INTO outbox(acquisition_id, state, attempts, next_attempt_at, queued_at) "
                        "SELECT a.id, 'queued', 0, '', ? FROM acquisition a WHERE a.processed_sha256 <> '' "
                        "AND a.id NOT IN (SELECT acquisition_id FROM outbox) "
                        "AND a.id NOT IN (SELECT acquisition_id FROM hub_acquisition) ORDER BY a.id");
    q.bind(1, nowUtc());  // due at once ('' sorts first)
    const int n = q.exec();
    if (n > 0) impl_->audit(actor.id, "sync_enqueue", "sync", 0, jsonObject({{"queued", std::to_string(n)}}));
    t.commit();
    return n;
}

std::vector<OutboxEntry> Store::dueOutbox(const std::string& now) const {
    SQLite::Statement q(impl_->db, std::string(kOutboxColumns) + "WHERE state IN ('queued', 'failed') AND next_attempt_at <= ? ORDER BY id");
    q.bind(1, now);
    std::vector<OutboxEntry> out;
    while (q.executeStep()) out.push_back(readEntry(q));
    return out;
}

std::vector<OutboxEntry> Store::outbox() const {
    SQLite::Statement q(impl_->db, std::string(kOutboxColumns) + "ORDER BY id");
    std::vector<OutboxEntry> out;
    while (q.executeStep()) out.push_back(readEntry(q));
    return out;
}

void Store::markOutboxSent(Id entryId, const std::string& hubId) {
    SQLite::Statement q(impl_->db, "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_error = '', hub_id = ?, "
                                   "sent_at = ? WHERE id = ?");
    q.bind(1, hubId);
    q.bind(2, nowUtc());
    q.bind(3, entryId);
    if (q.exec() != 1) fail(RecordsError::Kind::NotFound, "no outbox entry " + std::to_string(entryId));
}

void Store::markOutboxFailed(Id entryId, const std::string& error, const std::string& nextAttemptAt) {
    SQLite::Statement q(impl_->db, "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, "
                                   "next_attempt_at = ? WHERE id = ?");
    q.bind(1, error);
    q.bind(2, nextAttemptAt);
    q.bind(3, entryId);
    if (q.exec() != 1) fail(RecordsError::Kind::NotFound, "no outbox entry " + std::to_string(entryId));
}

void Store::noteHubContact(const std::string& error) {
    WriteTransaction t(*impl_);
    const std::string now = nowUtc();
    putSetting(impl_->db, "last_attempt", now);
    putSetting(impl_->db, "last_error", error);
    if (error.empty()) putSetting(impl_->db, "last_contact", now);
    t.commit();
}

SyncStatus Store::syncStatus() const {
    SyncStatus s;
    SQLite::Statement q(impl_->db, "SELECT state, count(*) FROM outbox GROUP BY state");
    while (q.executeStep()) {
        const std::string state = q.getColumn(0).getString();
        const int n = q.getColumn(1).getInt();
        (state == "queued" ? s.queued : state == "sent" ? s.sent : s.failed) = n;
    }
    s.hubUrl = syncSetting("hub_url");
    s.agencyCode = syncSetting("agency");
    s.lastContact = syncSetting("last_contact");
    s.lastError = syncSetting("last_error");
    s.lastAttempt = syncSetting("last_attempt");
    return s;
}

std::optional<Id> Store::acquisitionOfHubId(const std::string& hubId) const {
    SQLite::Statement q(impl_->db, "SELECT acquisition_id FROM outbox WHERE hub_id = ? UNION ALL "
                                   "SELECT acquisition_id FROM hub_acquisition WHERE hub_id = ?");
    q.bind(1, hubId);
    q.bind(2, hubId);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getInt64();
}

std::string Store::hubIdOfAcquisition(Id acquisitionId) const {
    SQLite::Statement q(impl_->db, "SELECT hub_id FROM outbox WHERE acquisition_id = ? AND hub_id <> '' UNION ALL "
                                   "SELECT hub_id FROM hub_acquisition WHERE acquisition_id = ?");
    q.bind(1, acquisitionId);
    q.bind(2, acquisitionId);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

bool Store::isRemoteAcquisition(Id acquisitionId) const {
    SQLite::Statement q(impl_->db, "SELECT 1 FROM hub_acquisition WHERE acquisition_id = ?");
    q.bind(1, acquisitionId);
    return q.executeStep();
}

Id Store::remoteAcquisition(const User& actor, const RemoteAcquisition& r) {
    requireRole(actor, Role::Technician, "record hub candidates");
    if (r.hubId.size() != 32 || r.hubId.find_first_not_of("0123456789abcdef") != std::string::npos)
        fail(RecordsError::Kind::InvalidInput, "hub acquisition id '" + r.hubId + "' is not 32 hexadecimal digits");
    if (auto known = acquisitionOfHubId(r.hubId)) return *known;
    const std::string kind = r.itemType == "bullet" ? "bullet" : "cartridge_case";
    WriteTransaction t(*impl_);
    const std::string now = nowUtc();
    // The other agency, its stand-in case, an item per acquisition.
    SQLite::Statement agency(impl_->db, "INSERT INTO agency(code, name, country) VALUES (?, ?, '') ON CONFLICT(code) DO NOTHING");
    agency.bind(1, r.agencyCode);
    agency.bind(2, r.agencyCode + " (via hub)");
    agency.exec();
    const std::string caseNumber = "HUB-" + r.agencyCode;
    SQLite::Statement kase(impl_->db,
                           "INSERT INTO case_file(number, agency_id, notes, created_by, created_at) "
                           "SELECT ?, id, 'Acquisitions of another agency named as candidates by the hub', ?, ? FROM agency "
                           "WHERE code = ? ON CONFLICT(number) DO NOTHING");
    kase.bind(1, caseNumber);
    kase.bind(2, actor.id);
    kase.bind(3, now);
    kase.bind(4, r.agencyCode);
    kase.exec();
    {
        // The stand-in case must be that agency's: a local case that took the name (before HUB- was reserved) is not used.
        SQLite::Statement owner(impl_->db, "SELECT a.code FROM case_file c JOIN agency a ON a.id = c.agency_id WHERE c.number = ?");
        owner.bind(1, caseNumber);
        if (owner.executeStep() && owner.getColumn(0).getString() != r.agencyCode)
            fail(RecordsError::Kind::Conflict, "case " + caseNumber + " belongs to agency " + owner.getColumn(0).getString() +
                                                   ", not to " + r.agencyCode + "; rename it before pulling that agency's holdings");
    }
    const std::string label = r.bulletKey.empty() ? r.hubId : r.bulletKey;
    Id itemId = 0;
    {
        SQLite::Statement known(impl_->db, "SELECT i.id FROM item i JOIN case_file c ON c.id = i.case_id WHERE c.number = ? AND i.label = ?");
        known.bind(1, caseNumber);
        known.bind(2, label);
        if (known.executeStep()) itemId = known.getColumn(0).getInt64();
    }
    if (itemId == 0) {
        SQLite::Statement item(impl_->db, "INSERT INTO item(case_id, label, kind, origin, caliber, notes, created_at) "
                                          "SELECT id, ?, ?, 'reference', ?, ?, ? FROM case_file WHERE number = ?");
        item.bind(1, label);
        item.bind(2, kind);
        item.bind(3, r.caliber);
        item.bind(4, r.caseRef.empty() ? std::string("case not disclosed") : "their case " + r.caseRef);
        item.bind(5, now);
        item.bind(6, caseNumber);
        item.exec();
        itemId = impl_->db.getLastInsertRowid();
    }
    SQLite::Statement acq(impl_->db, "INSERT INTO acquisition(item_id, region, land, instrument, file_sha256, processed_sha256, "
                                     "processing, acquired_by, acquired_at, caliber) VALUES (?, ?, ?, 'hub', ?, '', 'hub', ?, ?, ?)");
    acq.bind(1, itemId);
    acq.bind(2, kind == "bullet" ? "land" : "breech_face");
    if (r.land > 0) acq.bind(3, r.land);
    else acq.bind(3);
    acq.bind(4, "pending:" + r.hubId);  // no scan until disclosed (processed_sha256 '' says so); unique per land
    acq.bind(5, actor.id);
    acq.bind(6, now);
    acq.bind(7, r.caliber);
    acq.exec();
    const Id id = impl_->db.getLastInsertRowid();
    SQLite::Statement link(impl_->db, "INSERT INTO hub_acquisition(acquisition_id, hub_id, agency_code) VALUES (?, ?, ?)");
    link.bind(1, id);
    link.bind(2, r.hubId);
    link.bind(3, r.agencyCode);
    link.exec();
    const Id standInAgency = impl_->db.execAndGet("SELECT agency_id FROM case_file WHERE id = (SELECT case_id FROM item WHERE id = " +
                                                  std::to_string(itemId) + ")").getInt64();
    const Id standInCase = impl_->db.execAndGet("SELECT case_id FROM item WHERE id = " + std::to_string(itemId)).getInt64();
    impl_->audit(actor.id, "hub_acquisition", "acquisition", id, jsonObject({{"hub_id", r.hubId}, {"agency", r.agencyCode}}),
                 {{"agency", standInAgency}, {"case_file", standInCase}, {"item", itemId}, {"acquisition", id}, {"hub_acquisition", id}});
    t.commit();
    return id;
}

CorrelationRun Store::recordHubLeadList(const User& actor, Id queryAcquisitionId, const std::string& correlatedAt,
                                        const std::vector<HubCandidateLink>& links, const std::string& parameters) {
    // The same list pulled again (a pull interrupted before its cursor was
    // saved) is not recorded twice.
    std::vector<std::pair<std::int64_t, double>> incoming;
    for (const auto& l : links) incoming.emplace_back(l.hubCandidateId, l.score);
    std::sort(incoming.begin(), incoming.end());
    for (const auto& previous : runsOf(queryAcquisitionId)) {
        if (previous.scope != "hub") continue;
        SQLite::Statement q(impl_->db, "SELECT h.hub_candidate_id, c.score FROM candidate c JOIN hub_candidate h ON h.candidate_id = c.id "
                                       "WHERE c.run_id = ? ORDER BY h.hub_candidate_id");
        q.bind(1, previous.id);
        std::vector<std::pair<std::int64_t, double>> held;
        while (q.executeStep()) held.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getDouble());
        if (held == incoming && previous.startedAt == correlatedAt) return previous;
        break;  // only the newest hub run counts
    }
    std::vector<CandidateInput> inputs;
    for (const auto& l : links) inputs.push_back({l.acquisitionId, l.score, l.scoreHigh, l.details, l.hubCandidateId});
    return recordCorrelationRun(actor, queryAcquisitionId, "hub", parameters, correlatedAt, inputs);
}

std::vector<OutcomeToReport> Store::outcomesToReport() const {
    // What the examiners decided, in the hub's terms; reported when it changed.
    SQLite::Statement q(impl_->db,
                        "SELECT h.candidate_id, h.hub_candidate_id, h.reported_outcome, v.decision, l.id, x.conclusion "
                        "FROM hub_candidate h LEFT JOIN review v ON v.candidate_id = h.candidate_id "
                        "LEFT JOIN lead l ON l.candidate_id = h.candidate_id LEFT JOIN hit x ON x.lead_id = l.id");
    std::vector<OutcomeToReport> out;
    while (q.executeStep()) {
        std::string outcome;
        const std::string decision = q.getColumn(3).isNull() ? "" : q.getColumn(3).getString();
        const std::string conclusion = q.getColumn(5).isNull() ? "" : q.getColumn(5).getString();
        if (conclusion == "identification") outcome = "hit";
        else if (conclusion == "elimination" || decision == "not_lead") outcome = "eliminated";
        else if (!q.getColumn(4).isNull()) outcome = "lead";
        if (!outcome.empty() && outcome != q.getColumn(2).getString())
            out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), outcome});
    }
    return out;
}

void Store::markOutcomeReported(Id candidateId, const std::string& outcome) {
    SQLite::Statement q(impl_->db, "UPDATE hub_candidate SET reported_outcome = ? WHERE candidate_id = ?");
    q.bind(1, outcome);
    q.bind(2, candidateId);
    q.exec();
}

}  // namespace striae::records
