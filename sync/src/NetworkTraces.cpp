#include "striae/sync/NetworkTraces.h"

#include <Poco/JSON/Object.h>

#include <sstream>

#include "striae/records/FirearmHubSync.h"

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
// The step in the store's audit trail too, once the hub took it.
records::TraceRequest audited(records::Store& store, const records::User& user, const std::string& action, const records::TraceRequest& t,
                              const std::string& text = {}) {
    Poco::JSON::Object details(Poco::JSON_PRESERVE_KEY_ORDER);
    details.set("from", t.fromAgency);
    details.set("to", t.toAgency);
    details.set("status", t.status);
    if (!text.empty()) details.set("text", text);
    std::ostringstream json;
    details.stringify(json);
    store.firearmHubSync().noteHubAction(user, "hub_trace_" + action, "hub_trace_request", t.id, json.str());
    return t;
}
}  // namespace

NetworkTraces::NetworkTraces(records::Store& store, records::User user, int timeoutSeconds)
    : store_(store), user_(std::move(user)), timeout_(timeoutSeconds) {}

records::TraceRequest NetworkTraces::submit(const records::TraceRequestInput& input) {
    requireTraceOfficer(user_, "submit");
    HubClient hub = hubClientFor(store_, timeout_);
    return audited(store_, user_, "submit", HubFirearmClient(hub).submitTrace(input, user_.username), input.reason);
}

records::TraceRequest NetworkTraces::step(std::int64_t id, const std::string& action, const std::string& text) {
    requireTraceOfficer(user_, action);
    HubClient hub = hubClientFor(store_, timeout_);
    return audited(store_, user_, action, HubFirearmClient(hub).step(id, action, text, user_.username), text);
}

records::TraceRequest NetworkTraces::comment(std::int64_t id, const std::string& text) {
    requireTraceOfficer(user_, "comment on");
    HubClient hub = hubClientFor(store_, timeout_);
    return audited(store_, user_, "comment", HubFirearmClient(hub).comment(id, text, user_.username), text);
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
    const auto a = HubFirearmClient(hub).attach(id, filePath, name, user_.username);
    Poco::JSON::Object details(Poco::JSON_PRESERVE_KEY_ORDER);
    details.set("attachment", a.id);
    details.set("name", a.name);
    details.set("sha256", a.sha256);
    std::ostringstream json;
    details.stringify(json);
    store_.firearmHubSync().noteHubAction(user_, "hub_trace_attach", "hub_trace_request", id, json.str());
    return a;
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
