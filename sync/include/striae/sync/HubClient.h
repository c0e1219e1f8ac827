#pragma once
// A client of one hub's API (docs/hub-api.md): what the workstation's sync
// and a peer hub's replicator use. Every call throws HubError: the hub's
// status and message, or status 0 when the hub could not be reached.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/records/Statistics.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

struct PushReply {
    HubAcquisition acquisition;
    bool created = false;
};

class HubClient {
public:
    // url: http://host:port or https://host:port
    HubClient(const std::string& url, const std::string& token, int timeoutSeconds = 30);

    std::string health();
    PushReply push(const std::string& x3pPath, const AcquisitionMetadata& metadata);
    // A national hub forwarding one of its acquisitions (owner, metadata, disclosure) to an international hub.
    PushReply forward(const std::string& x3pPath, const HubAcquisition& acquisition);
    HubAcquisition acquisition(const std::string& id);
    HubAcquisition update(const std::string& id, const AcquisitionMetadata& metadata);
    HubAcquisition disclose(const std::string& id, bool disclosed);
    void withdraw(const std::string& id);
    // The land acquisitions of the bullet `id` belongs to, as far as the caller may see them.
    std::vector<HubAcquisition> bulletLands(const std::string& id);
    // Writes the scan to `path` (through a temporary file; nothing on failure).
    void downloadScan(const std::string& id, const std::string& path);
    std::vector<LeadList> leads(std::int64_t since, int limit, std::int64_t& cursor);
    void reportOutcome(std::int64_t candidateId, const std::string& outcome);
    std::vector<AgencyStats> stats();
    // GET /v1/stats with the filter: the whole answer (agencies and statistics) as JSON.
    std::string statistics(const records::StatisticsFilter& filter);
    // The feedback loop: what came of a lead on one of our lists; and what others reported on pairs we hold.
    HubFeedback sendFeedback(std::int64_t candidateId, const HubFeedback& feedback);
    std::vector<HubFeedback> feedback(std::int64_t since, int limit, std::int64_t& cursor);
    std::vector<HubChange> changes(std::int64_t since, int limit, std::int64_t& cursor);

    // A raw request, for tests of the API's refusals: returns the status and fills `body`.
    int request(const std::string& method, const std::string& path, const std::string& contentType,
                const std::string& requestBody, std::string& responseBody);

    // One request whose answer must be 2xx: its body, else HubError with the hub's message (HubFirearmClient builds on it).
    std::string call(const std::string& method, const std::string& path, const std::string& body = {},
                     const std::string& contentType = "application/json");

    // A multipart upload (parts 'metadata' and 'scan') to `path`: a push, a forward, a scan acquired on a country's behalf.
    PushReply upload(const std::string& path, const std::string& x3pPath, const std::string& sha256, const std::string& metadataJson);

private:
    std::string url_, token_;
    int timeout_;
};

}  // namespace striae::sync
