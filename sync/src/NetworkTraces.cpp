#include "striae/sync/NetworkTraces.h"

#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmClient.h"
#include "striae/sync/SyncClient.h"

namespace striae::sync {

namespace {
void requireTraceOfficer(const records::User& user, const std::string& action) {
    using records::RecordsError;
    if (!user.active) throw RecordsError(RecordsError::Kind::PermissionDenied, "user " + user.username + " is deactivated");
    if (!user.has(records::Role::TraceOfficer))
        throw RecordsError(RecordsError::Kind::PermissionDenied,
                           "user " + user.username + " may not " + action + " trace requests at the hub: that needs the trace_officer role");
}
}  // namespace

NetworkTraces::NetworkTraces(records::Store& store, records::User user, int timeoutSeconds)
    : store_(store), user_(std::move(user)), timeout_(timeoutSeconds) {}

records::TraceRequest NetworkTraces::submit(const records::TraceRequestInput& input) {
    requireTraceOfficer(user_, "submit");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).submitTrace(input, user_.username);
}

records::TraceRequest NetworkTraces::step(std::int64_t id, const std::string& action, const std::string& text) {
    requireTraceOfficer(user_, action);
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).step(id, action, text, user_.username);
}

records::TraceRequest NetworkTraces::comment(std::int64_t id, const std::string& text) {
    requireTraceOfficer(user_, "comment on");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).comment(id, text, user_.username);
}

records::TraceRequest NetworkTraces::get(std::int64_t id) {
    requireTraceOfficer(user_, "read");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).trace(id);
}

std::vector<records::TraceRequest> NetworkTraces::list(const std::string& box) {
    requireTraceOfficer(user_, "list");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).traces(box);
}

records::TraceAttachment NetworkTraces::attach(std::int64_t id, const std::string& filePath, const std::string& name) {
    requireTraceOfficer(user_, "attach files to");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).attach(id, filePath, name, user_.username);
}

std::vector<records::TraceAttachment> NetworkTraces::attachments(std::int64_t id) {
    requireTraceOfficer(user_, "read");
    HubClient hub = hubClientFor(store_, timeout_);
    return HubFirearmClient(hub).attachments(id);
}

void NetworkTraces::download(std::int64_t id, std::int64_t attachmentId, const std::string& path) {
    requireTraceOfficer(user_, "read");
    HubClient hub = hubClientFor(store_, timeout_);
    HubFirearmClient client(hub);
    for (const auto& a : client.attachments(id))
        if (a.id == attachmentId) return client.downloadAttachment(id, a, path);
    throw HubError(404, "trace request " + std::to_string(id) + " has no attachment " + std::to_string(attachmentId));
}

}  // namespace striae::sync
