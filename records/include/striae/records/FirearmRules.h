#pragma once
// The rules of firearm records, seizure checks, trace requests and alerts,
// apart from where they are kept: the case store (FirearmRecords,
// TraceRequests, FirearmAlerts) and the hub (sync::HubFirearms) apply the
// same ones. Each check throws RecordsError(InvalidInput) naming the field
// and the rule; what depends on the keeper (who exists, who may see what) is
// checked by the keeper.
#include <optional>
#include <string>
#include <vector>

#include "striae/records/Calibers.h"
#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/TraceRequests.h"

namespace striae::records {

// The calibers Striae ships (docs/firearms.md says where each came from).
const std::vector<CaliberReference>& starterCalibers();
// The listed name of a caliber written as its name, C.I.P. name or an alias.
std::optional<std::string> resolveCaliber(const std::vector<CaliberReference>& list, const std::string& written);
// Up to three listed names close to what was written (for "did you mean").
std::vector<std::string> suggestCalibers(const std::vector<CaliberReference>& list, const std::string& written);

// A record's fields checked; the caliber by its listed name, or (only when
// `allowUnlistedCaliber`) kept as written with `caliberListed` false.
FirearmRecordFields checkedRecordFields(const FirearmRecordFields& fields, const std::vector<CaliberReference>& calibers,
                                        bool allowUnlistedCaliber, bool& caliberListed);

// A firearm in hand, checked, and how to look for its record: by the serial
// (a pattern when partial) or, when it was obliterated, by make and caliber.
struct SeizureQuery {
    FirearmRecordFields found;  // checked; caliber by its listed name where listed
    FirearmSearch search;
    std::string how;            // "serial", "partial serial", "make and caliber (serial obliterated)"
    bool partial = false;
};
SeizureQuery seizureQuery(const FirearmRecordFields& found, const std::vector<CaliberReference>& calibers);
bool isWantedStatus(const std::string& status);  // lost, stolen, trafficked, smuggled
bool makesAgree(const std::string& a, const std::string& b);  // either empty, or equal ignoring case
bool sameText(const std::string& a, const std::string& b);    // equal ignoring case

// A trace request's content checked (the recipient's existence and the
// record's visibility are the keeper's); `fromAgency` may not be the recipient.
TraceRequestInput checkedTraceInput(const TraceRequestInput& input, const std::string& fromAgency,
                                    const std::vector<CaliberReference>& calibers);
// One step of a request's life: which side takes it, from which statuses, to which.
struct TraceStep {
    std::string action;  // submit, acknowledge, start, answer, reject, close
    bool requesterSide = false;
    std::vector<std::string> from;
    std::string to;
    bool needsText = false;  // an answer, or a rejection's reason
};
const TraceStep& traceStep(const std::string& action);  // InvalidInput for an unknown action
bool traceOpen(const std::string& status);              // submitted, acknowledged, in_progress
bool traceOverdue(const std::string& status, const std::string& dueDate, const std::string& today);

FirearmAlert checkedAlert(const FirearmAlert& alert, const std::vector<CaliberReference>& calibers);

// A kept file's name (an attachment's, a photograph's): a bare file name of at most 200 bytes; `what` names it in the refusal.
void checkFileName(const std::string& what, const std::string& name);
// "image/png", "image/jpeg" or "image/tiff" by a file's first bytes (what it is, not what its name says); "" for anything else.
std::string imageMediaType(const std::string& firstBytes);

}  // namespace striae::records
