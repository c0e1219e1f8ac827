#pragma once
// The hub's firearm side as the case store keeps it (docs/hub-api.md), for
// striae::sync to drive: which of the agency's records go to the hub (shared
// and changed since last sent, or no longer shared or withdrawn after they
// were), the notices pulled from the hub (another agency's seizure matched
// one of our records, an alert, a trace step) and the network's alerts as last
// pulled, so that the workstation shows them offline. Bookkeeping and
// received data, like the outbox: not sealed; reading notices is for every
// user, marking one read is recorded with who did it.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/Store.h"

namespace striae::records {

// A notice from the hub's feed (GET /v1/notices), as kept.
struct HubNoticeEntry {
    std::int64_t seq = 0;
    std::string kind;           // seizure_match, alert, alert_withdrawn, trace_submitted, trace_status, trace_comment
    std::string agency;         // whose action it reports
    std::int64_t subjectId = 0; // at the hub: the check, alert or trace request
    std::string recordUid;      // seizure_match: our record
    std::string summary;
    std::int64_t at = 0;        // ms since the epoch, at the hub
    std::string receivedAt, readAt;
};

// What the hub should be told of one of our records.
struct RecordForHub {
    FirearmRecord record;
    bool withdraw = false;  // it was sent, and is no longer shared or was withdrawn here
};

// A photograph of a record the hub has, not sent yet.
struct PhotoForHub {
    std::string recordUid;
    FirearmPhotograph photo;
    std::string path;  // its bytes, checked against the SHA-256
};

class FirearmHubSync {
public:
    explicit FirearmHubSync(Store::Impl& impl) : impl_(impl) {}
    // The agency's records the hub does not have as they are now.
    std::vector<RecordForHub> recordsForHub(const std::string& agency) const;
    // The hub has `recordId` as of `updatedAt` (shared), or no longer (withdrawn).
    void markSent(Id recordId, const std::string& updatedAt, bool withdrawn);
    std::vector<PhotoForHub> photosForHub(const std::string& agency) const;
    void markPhotoSent(Id photoId, std::int64_t hubId);

    // Idempotent by `seq`; returns how many were new.
    int storeNotices(const std::vector<HubNoticeEntry>& notices);
    std::vector<HubNoticeEntry> notices(bool unreadOnly = false) const;  // newest first
    void markNoticeRead(const User& viewer, std::int64_t seq);

    // What the store's user did at the hub (a trace request's step, say), in the store's audit trail:
    // action e.g. "hub_trace_answer", entity "hub_trace_request", the hub's id; details a JSON object.
    void noteHubAction(const User& actor, const std::string& action, const std::string& entity, std::int64_t hubId, const std::string& details);

    // The network's alerts as the hub listed them (withdrawn ones keep their withdrawal).
    void storeAlerts(const std::vector<FirearmAlert>& alerts);
    std::vector<FirearmAlert> networkAlerts(bool activeOnly = true) const;  // newest first; id = the hub's

private:
    Store::Impl& impl_;
};

}  // namespace striae::records
