#pragma once
// The JSON of the hub's firearm endpoints (docs/hub-api.md, "Firearm records,
// seizure checks, trace requests and alerts"), written by the server and read
// by the client. Readers reject a wrong field by name (HubError 400).
#include <cstdint>
#include <string>
#include <vector>

#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/TraceRequests.h"
#include "striae/sync/HubFirearms.h"

namespace striae::sync::json {

// What a write request carries besides its content: who at the agency acts.
struct FirearmWrite {
    std::string by;
    bool allowUnlistedCaliber = false;  // a record's caliber kept as written (flagged)
    std::string reason;                  // a withdrawal's
};

std::string writeRecordFields(const records::FirearmRecordFields& fields, const FirearmWrite& write);
records::FirearmRecordFields readRecordFields(const std::string& text, FirearmWrite& write);
std::string write(const records::FirearmRecord& record);
std::string write(const std::vector<records::FirearmRecord>& records);  // {"records": [...]}
records::FirearmRecord readRecord(const std::string& text);
std::vector<records::FirearmRecord> readRecords(const std::string& text);

std::string write(const records::SeizureCheck& check);
std::string write(const std::vector<records::SeizureCheck>& checks);  // {"checks": [...]}
records::SeizureCheck readSeizureCheck(const std::string& text);
std::vector<records::SeizureCheck> readSeizureChecks(const std::string& text);

std::string writeAlertInput(const records::FirearmAlert& alert, const std::string& by);
records::FirearmAlert readAlertInput(const std::string& text, std::string& by);
std::string write(const records::FirearmAlert& alert);
std::string write(const std::vector<records::FirearmAlert>& alerts);  // {"alerts": [...]}
records::FirearmAlert readAlert(const std::string& text);
std::vector<records::FirearmAlert> readAlerts(const std::string& text);

std::string writeTraceInput(const records::TraceRequestInput& input, const std::string& by);
records::TraceRequestInput readTraceInput(const std::string& text, std::string& by);
std::string write(const records::TraceRequest& trace);
std::string write(const std::vector<records::TraceRequest>& traces);  // {"traces": [...]}
records::TraceRequest readTrace(const std::string& text);
std::vector<records::TraceRequest> readTraces(const std::string& text);

std::string write(const std::vector<records::TraceAttachment>& attachments);  // {"attachments": [...]}
std::string write(const std::vector<records::FirearmPhotograph>& photos);       // {"photos": [...]}
std::vector<records::FirearmPhotograph> readPhotos(const std::string& text);
std::vector<records::TraceAttachment> readAttachments(const std::string& text);

std::string write(const std::vector<HubNotice>& notices, std::int64_t cursor);  // {"cursor": N, "notices": [...]}
std::vector<HubNotice> readNotices(const std::string& text, std::int64_t& cursor);

// {"by": ..., "text"/"reason": ...} bodies of steps, comments and withdrawals.
std::string writeAction(const std::string& by, const std::string& text);
void readAction(const std::string& text, std::string& by, std::string& body);

}  // namespace striae::sync::json
