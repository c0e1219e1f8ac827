#pragma once
// The hub's firearm endpoints as the workstation and the CLI call them
// (docs/hub-api.md): records an agency shares, seizure checks, alerts, trace
// requests and the notice feed. `by` names who at the agency acts (the hub
// knows agencies by their tokens, not their users). Every call throws
// HubError with the hub's status and message.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/sync/HubClient.h"
#include "striae/sync/HubFirearms.h"

namespace striae::sync {

class HubFirearmClient {
public:
    explicit HubFirearmClient(HubClient& hub) : hub_(hub) {}

    records::FirearmRecord share(const std::string& uid, const records::FirearmRecordFields& fields, const std::string& by,
                                 bool allowUnlistedCaliber = false);
    records::FirearmRecord withdraw(const std::string& uid, const std::string& reason, const std::string& by);
    records::FirearmRecord record(const std::string& uid);
    std::vector<records::FirearmRecord> search(const records::FirearmSearch& query);
    std::vector<records::SeizureCheck> checksOf(const std::string& uid);
    records::FirearmPhotograph addPhoto(const std::string& uid, const std::string& imagePath, const std::string& name, const std::string& by);
    std::vector<records::FirearmPhotograph> photos(const std::string& uid);
    // Writes the photograph to `path` (through a temporary; nothing on failure), checked against its SHA-256.
    void downloadPhoto(const std::string& uid, const records::FirearmPhotograph& photo, const std::string& path);

    records::SeizureCheck checkSeizure(const records::FirearmRecordFields& found, const std::string& by);
    records::SeizureCheck seizureCheck(std::int64_t id);

    records::FirearmAlert circulate(const records::FirearmAlert& alert, const std::string& by);
    records::FirearmAlert withdrawAlert(std::int64_t id, const std::string& reason, const std::string& by);
    std::vector<records::FirearmAlert> alerts(bool includeWithdrawn = false);

    records::TraceRequest submitTrace(const records::TraceRequestInput& input, const std::string& by);
    // acknowledge, start, answer, reject, close (FirearmRules.h's steps)
    records::TraceRequest step(std::int64_t traceId, const std::string& action, const std::string& text, const std::string& by);
    records::TraceRequest comment(std::int64_t traceId, const std::string& text, const std::string& by);
    records::TraceRequest trace(std::int64_t traceId);
    std::vector<records::TraceRequest> traces(const std::string& box);  // incoming or outgoing
    records::TraceAttachment attach(std::int64_t traceId, const std::string& filePath, const std::string& name, const std::string& by);
    std::vector<records::TraceAttachment> attachments(std::int64_t traceId);
    // Writes the attachment to `path` (through a temporary; nothing on failure), checked against its SHA-256.
    void downloadAttachment(std::int64_t traceId, const records::TraceAttachment& attachment, const std::string& path);

    std::vector<HubNotice> notices(std::int64_t since, int limit, std::int64_t& cursor);
    // The hub's reference table if it is newer than `since` (its JSON; `version` set), else nullopt (`version`: the hub's).
    std::optional<std::string> referenceTable(std::int64_t since, std::int64_t& version);

private:
    HubClient& hub_;
};

}  // namespace striae::sync
