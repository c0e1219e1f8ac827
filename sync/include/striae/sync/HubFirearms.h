#pragma once
// Firearm records, seizure checks, trace requests and alerts at the hub
// (issue 19, docs/hub-api.md): what agencies share with the network, on the
// hub's database (SQLite or PostgreSQL) beside the holdings. The rules are
// the case store's (records/FirearmRules.h); what the hub adds is who may see
// and change what between agencies, and a notice feed each agency pulls:
//   - a record is shared by its owning agency (its uid starts with the
//     agency's code), changed and withdrawn only by it, seen by every agency;
//   - a seizure check by any agency is matched against every shared record;
//     each matched record's owner gets a notice, and both see the check;
//   - a trace request is seen only by its two agencies, each taking only its
//     own steps; every step and comment is a notice to the other;
//   - an alert reaches every agency until the agency that circulated it
//     withdraws it.
// Errors are HubError: 400 bad input (naming the field), 403 another agency's,
// 404 not there or not visible, 409 not in a state that allows it.
#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/TraceRequests.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

// One entry of an agency's notice feed (GET /v1/notices): what happened, and
// the id to fetch it by (a seizure check, an alert or a trace request).
struct HubNotice {
    std::int64_t seq = 0;
    // seizure_match, alert, alert_withdrawn, trace_submitted, trace_status, trace_comment
    std::string kind;
    std::string agency;            // whose action it reports
    std::int64_t subjectId = 0;    // the check, alert or trace request
    std::string recordUid;         // seizure_match: the agency's record that matched
    std::string summary;           // one line for the notifications list
    std::int64_t at = 0;           // ms since the epoch
};

class HubFirearms {
public:
    // Creates its tables when missing; trace attachments are kept in `attachmentsDir` (none taken when "").
    explicit HubFirearms(HubDatabase& db, std::string attachmentsDir = {});

    // Records: shared (created or replaced) by their owner, by uid.
    records::FirearmRecord share(const Caller& caller, const std::string& uid, const records::FirearmRecordFields& fields,
                                 bool allowUnlistedCaliber, const std::string& by);
    records::FirearmRecord withdraw(const Caller& caller, const std::string& uid, const std::string& reason, const std::string& by);
    records::FirearmRecord record(const Caller& caller, const std::string& uid);
    std::vector<records::FirearmRecord> search(const Caller& caller, const records::FirearmSearch& query);

    // Photographs of a shared record, by its owner (PNG, JPEG or TIFF by their first bytes); seen by every agency.
    records::FirearmPhotograph addRecordPhoto(const Caller& caller, const std::string& uid, const std::string& name, const std::string& by,
                                              const std::string& tempPath, const std::string& sha256, std::int64_t size);
    std::vector<records::FirearmPhotograph> recordPhotos(const Caller& caller, const std::string& uid);
    std::pair<std::string, std::string> recordPhotoFile(const Caller& caller, const std::string& uid, std::int64_t photoId);  // path, media type

    // Seizure checks.
    records::SeizureCheck checkSeizure(const Caller& caller, const records::FirearmRecordFields& found, const std::string& by);
    records::SeizureCheck seizureCheck(const Caller& caller, std::int64_t id);  // the checker's, or one that matched the caller's records
    std::vector<records::SeizureCheck> checksMatching(const Caller& caller, const std::string& uid);  // the record's history

    // Alerts.
    records::FirearmAlert circulate(const Caller& caller, const records::FirearmAlert& alert, const std::string& by);
    records::FirearmAlert withdrawAlert(const Caller& caller, std::int64_t id, const std::string& reason);
    std::vector<records::FirearmAlert> alerts(bool activeOnly);

    // Trace requests (submitted when they reach the hub; drafts stay at the workstation).
    records::TraceRequest submitTrace(const Caller& caller, const records::TraceRequestInput& input, const std::string& by);
    records::TraceRequest traceStep(const Caller& caller, std::int64_t id, const std::string& action, const std::string& text,
                                    const std::string& by);
    records::TraceRequest commentTrace(const Caller& caller, std::int64_t id, const std::string& text, const std::string& by);
    records::TraceRequest trace(const Caller& caller, std::int64_t id);
    std::vector<records::TraceRequest> traces(const Caller& caller, const std::string& box);  // incoming or outgoing
    // A file attached by either agency until the request is closed: `tempPath` (received, hashed) is moved
    // into the attachments by its SHA-256, or removed when refused.
    records::TraceAttachment attachToTrace(const Caller& caller, std::int64_t traceId, const std::string& name, const std::string& by,
                                           const std::string& tempPath, const std::string& sha256, std::int64_t size);
    std::vector<records::TraceAttachment> traceAttachments(const Caller& caller, std::int64_t traceId);
    std::string traceAttachmentFile(const Caller& caller, std::int64_t traceId, std::int64_t attachmentId);  // its path
    const std::string& attachmentsDir() const { return attachmentsDir_; }

    // The firearms reference table the hub distributes (the operator imports it:
    // `striae-hub reftable import FILE`, the JSON of `striae reftable export`).
    // Each import is a new version; agencies' stores take it in at their next pull.
    struct ReferenceTableImport {
        std::int64_t version = 0, references = 0;
    };
    ReferenceTableImport importReferenceTable(const std::string& json);  // HubError 400 naming the first bad entry
    // The newest version's JSON ({"format", "version", "references"}), or nullopt when there is none.
    std::optional<std::pair<std::int64_t, std::string>> referenceTable();

    // The caller's notices after `since` (its own, and those to every agency).
    std::vector<HubNotice> notices(const Caller& caller, std::int64_t since, int limit);

private:
    HubDatabase& db_;
    std::string attachmentsDir_;
    // Moves a received file into the attachments by its SHA-256 (kept once), 0600.
    void keepFile(const std::string& tempPath, const std::string& sha256);
    std::int64_t next(const std::string& counter);
    void notify(const std::string& recipient, const std::string& kind, const std::string& agency, std::int64_t subjectId,
                const std::string& recordUid, const std::string& summary);
    std::vector<records::FirearmRecord> selectRecords(const std::string& where, const std::vector<SqlValue>& parameters);
    records::SeizureCheck loadCheck(std::int64_t id);
    records::FirearmAlert alert(std::int64_t id);  // HubError 404
    std::vector<records::FirearmAlert> selectAlerts(const std::string& where, const std::vector<SqlValue>& parameters);
    records::TraceRequest loadTrace(std::int64_t id);
};

}  // namespace striae::sync
