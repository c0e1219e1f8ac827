#pragma once
// Trace requests between agencies of different stores, through the hub the
// store is configured for (docs/hub-api.md): the store's user acts, the hub
// knows the agency. The user's role is checked here, in the library, before
// anything reaches the hub (trace officers only); the hub then enforces which
// agency takes which step. Each call throws RecordsError for a refusal here
// and HubError for the hub's.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/records/Store.h"
#include "striae/records/TraceRequests.h"

namespace striae::sync {

class NetworkTraces {
public:
    NetworkTraces(records::Store& store, records::User user, int timeoutSeconds = 30);

    // Drafts stay in the store; this sends the request at once (status submitted).
    records::TraceRequest submit(const records::TraceRequestInput& input);
    // acknowledge, start, answer, reject, close
    records::TraceRequest step(std::int64_t id, const std::string& action, const std::string& text = {});
    records::TraceRequest comment(std::int64_t id, const std::string& text);
    records::TraceRequest get(std::int64_t id);
    std::vector<records::TraceRequest> list(const std::string& box);  // incoming or outgoing
    records::TraceAttachment attach(std::int64_t id, const std::string& filePath, const std::string& name = {});
    std::vector<records::TraceAttachment> attachments(std::int64_t id);
    void download(std::int64_t id, std::int64_t attachmentId, const std::string& path);

private:
    records::Store& store_;
    records::User user_;
    int timeout_;
};

}  // namespace striae::sync
