#pragma once
// Trace requests, as INTERPOL's iARMS carries them: one agency asks another
// (or another country's agency) what it knows of a firearm — where it was
// made and sold, who had it last. Each request goes
//   draft → submitted → acknowledged → in_progress → answered | rejected → closed
// (the requester may also close an open one), with comments from both sides,
// a priority (urgent needs a justification) and a due date; an open request
// past its due date is overdue. Every step is in the audit trail. Only the two
// agencies see a request, and each does only its own part: the requester
// drafts, submits and closes; the recipient acknowledges, works, answers or
// rejects. Both need the trace_officer role (docs/firearms.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

extern const std::vector<std::string> kTraceStatuses;  // draft, submitted, acknowledged, in_progress, answered, rejected, closed

struct TraceFirearm {
    std::string serial, make, model, caliber, type, countryOfManufacture;
    Id recordId = 0;        // the firearm record it is about, if any (FirearmRecords.h)
    std::string recordUid;  // at the hub: the shared record it is about, if any
};

struct TraceRequestInput {
    std::string toAgency;   // the recipient agency's code
    TraceFirearm firearm;
    std::string reason;
    std::string priority = "routine";  // routine or urgent
    std::string justification;         // required for urgent
    std::string dueDate;               // ISO date; required
};

struct TraceEvent {
    std::string at, by, agency;
    std::string kind;  // created, edited, status, comment
    std::string fromStatus, toStatus, text;
};

// A file attached to a request (a sales record, a photograph, a letter): kept
// by its SHA-256 in <store>/attachments, its row sealed, checked by the audit.
struct TraceAttachment {
    Id id = 0;
    Id traceId = 0;
    std::string name;  // as given: a file name, no folders
    std::string sha256;
    std::int64_t size = 0;
    std::string agency, addedBy, addedAt;
};

struct TraceRequest {
    Id id = 0;
    std::string fromAgency, toAgency;
    TraceFirearm firearm;
    std::string reason, priority, justification, dueDate;
    std::string status;
    std::string response;  // the recipient's answer (answered) or reason (rejected)
    std::string createdBy, createdAt, updatedAt;
    bool overdue = false;  // open and past its due date
    std::vector<TraceEvent> history;
};

class TraceRequests {
public:
    explicit TraceRequests(Store::Impl& impl) : impl_(impl) {}
    TraceRequest draft(const User& actor, const TraceRequestInput& input);
    TraceRequest edit(const User& actor, Id id, const TraceRequestInput& input);  // drafts only
    TraceRequest submit(const User& actor, Id id);
    TraceRequest acknowledge(const User& actor, Id id);
    TraceRequest startWork(const User& actor, Id id);
    TraceRequest answer(const User& actor, Id id, const std::string& response);
    TraceRequest reject(const User& actor, Id id, const std::string& reason);
    TraceRequest close(const User& actor, Id id, const std::string& note);
    TraceRequest comment(const User& actor, Id id, const std::string& text);
    TraceRequest get(const User& viewer, Id id) const;  // the two agencies only; a draft only the requester
    std::vector<TraceRequest> outgoing(const User& viewer) const;
    std::vector<TraceRequest> incoming(const User& viewer) const;  // drafts are not sent yet: not listed

    // Either agency's trace officers, until the request is closed; at most 50 MB a file.
    TraceAttachment attach(const User& actor, Id id, const std::string& filePath, const std::string& name = {});
    std::vector<TraceAttachment> attachments(const User& viewer, Id id) const;  // the two agencies only
    // Where the attachment's bytes are (checked against its SHA-256 first: StorageError when altered or missing).
    std::string attachmentPath(const User& viewer, Id attachmentId) const;
    static constexpr std::int64_t kMaxAttachmentBytes = 50LL << 20;

private:
    Store::Impl& impl_;
    TraceRequest move(const User& actor, Id id, const std::string& action, const std::string& text);  // one step (FirearmRules.h)
};

}  // namespace striae::records
