// The hub's firearm endpoints (docs/hub-api.md): one function per route, over HubFirearms.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "HubRequestHandler.h"
#include "RequestParsing.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmJson.h"
#include "striae/sync/HubFirearms.h"
#include "striae/sync/HubServer.h"
#include "striae/sync/HubStore.h"

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace striae::sync {

namespace {

struct Route {
    HubServer& hub;
    HubFirearms& firearms;
    const Caller& caller;
    const std::vector<std::string>& path;
    const Poco::URI::QueryParameters& query;
    HTTPServerRequest& request;
    HTTPServerResponse& response;
};

std::int64_t idFrom(const std::string& segment, const std::string& what) {
    std::int64_t id = 0;
    bool ok = !segment.empty() && segment.size() <= 18;
    for (char c : segment) ok = ok && c >= '0' && c <= '9';
    if (ok) id = std::stoll(segment);
    if (!ok || id <= 0) throw HubError(400, what + " id '" + segment.substr(0, 40) + "' is not a positive number");
    return id;
}

bool flag(const Poco::URI::QueryParameters& query, const std::string& name) {
    const std::string v = textParameter(query, name);
    if (v.empty() || v == "0" || v == "false") return false;
    if (v == "1" || v == "true") return true;
    throw HubError(400, "parameter '" + name + "' is '" + v + "': expected true or false");
}

void shareRecord(Route& r) {
    json::FirearmWrite w;
    const auto fields = json::readRecordFields(readJsonBody(r.request), w);
    sendJson(r.response, 200, json::write(r.firearms.share(r.caller, r.path[2], fields, w.allowUnlistedCaliber, w.by)));
}

void withdrawRecord(Route& r) {
    std::string by, reason;
    json::readAction(readJsonBody(r.request), by, reason);
    sendJson(r.response, 200, json::write(r.firearms.withdraw(r.caller, r.path[2], reason, by)));
}

void getRecord(Route& r) { sendJson(r.response, 200, json::write(r.firearms.record(r.caller, r.path[2]))); }

void recordChecks(Route& r) { sendJson(r.response, 200, json::write(r.firearms.checksMatching(r.caller, r.path[2]))); }

void searchRecords(Route& r) {
    records::FirearmSearch s;
    s.serial = textParameter(r.query, "serial");
    s.serialPrefix = flag(r.query, "prefix");
    s.make = textParameter(r.query, "make");
    s.model = textParameter(r.query, "model");
    s.caliber = textParameter(r.query, "caliber");
    s.status = textParameter(r.query, "status");
    s.limit = int(std::min<std::int64_t>(integerParameter(r.query, "limit", 200), 10000));
    sendJson(r.response, 200, json::write(r.firearms.search(r.caller, s)));
}

void checkSeizure(Route& r) {
    json::FirearmWrite w;
    const auto found = json::readRecordFields(readJsonBody(r.request), w);
    sendJson(r.response, 201, json::write(r.firearms.checkSeizure(r.caller, found, w.by)));
}

void getSeizure(Route& r) { sendJson(r.response, 200, json::write(r.firearms.seizureCheck(r.caller, idFrom(r.path[2], "seizure check")))); }

void circulateAlert(Route& r) {
    std::string by;
    const auto alert = json::readAlertInput(readJsonBody(r.request), by);
    sendJson(r.response, 201, json::write(r.firearms.circulate(r.caller, alert, by)));
}

void withdrawAlert(Route& r) {
    std::string by, reason;
    json::readAction(readJsonBody(r.request), by, reason);
    sendJson(r.response, 200, json::write(r.firearms.withdrawAlert(r.caller, idFrom(r.path[2], "alert"), reason)));
}

void listAlerts(Route& r) { sendJson(r.response, 200, json::write(r.firearms.alerts(!flag(r.query, "all")))); }

void submitTrace(Route& r) {
    std::string by;
    const auto input = json::readTraceInput(readJsonBody(r.request), by);
    sendJson(r.response, 201, json::write(r.firearms.submitTrace(r.caller, input, by)));
}

void traceStep(Route& r) {
    std::string by, text;
    json::readAction(readJsonBody(r.request), by, text);
    sendJson(r.response, 200, json::write(r.firearms.traceStep(r.caller, idFrom(r.path[2], "trace request"), r.path[3], text, by)));
}

void commentTrace(Route& r) {
    std::string by, text;
    json::readAction(readJsonBody(r.request), by, text);
    sendJson(r.response, 201, json::write(r.firearms.commentTrace(r.caller, idFrom(r.path[2], "trace request"), text, by)));
}

ReceivedFile receiveFile(Route& r, std::int64_t limit, const std::string& what) {
    static std::atomic<unsigned> counter{0};
    return receiveBody(r.request, r.request.stream(), r.hub.store().tempFile("attachment-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)), limit,
                       what, "application/octet-stream");
}

// POST /v1/traces/{id}/attachments?name=N&by=B with the file's bytes (at most 50 MB).
void attachToTrace(Route& r) {
    const std::int64_t id = idFrom(r.path[2], "trace request");
    const auto f = receiveFile(r, records::TraceRequests::kMaxAttachmentBytes, "an attachment");
    const auto a = r.firearms.attachToTrace(r.caller, id, textParameter(r.query, "name"), textParameter(r.query, "by"), f.path, f.sha256, f.size);
    sendJson(r.response, 201, json::write(std::vector<records::TraceAttachment>{a}));
}

// POST /v1/firearms/{uid}/photos?name=N&by=B with the image's bytes (PNG, JPEG or TIFF, at most 20 MB).
void addRecordPhoto(Route& r) {
    const auto f = receiveFile(r, records::FirearmRecords::kMaxPhotographBytes, "a photograph");
    const auto p = r.firearms.addRecordPhoto(r.caller, r.path[2], textParameter(r.query, "name"), textParameter(r.query, "by"), f.path, f.sha256,
                                             f.size);
    sendJson(r.response, 201, json::write(std::vector<records::FirearmPhotograph>{p}));
}

void listRecordPhotos(Route& r) { sendJson(r.response, 200, json::write(r.firearms.recordPhotos(r.caller, r.path[2]))); }

void getRecordPhoto(Route& r) {
    const auto [file, type] = r.firearms.recordPhotoFile(r.caller, r.path[2], idFrom(r.path[4], "photograph"));
    r.response.sendFile(file, type);
}

void listTraceAttachments(Route& r) {
    sendJson(r.response, 200, json::write(r.firearms.traceAttachments(r.caller, idFrom(r.path[2], "trace request"))));
}

void getTraceAttachment(Route& r) {
    const std::string file = r.firearms.traceAttachmentFile(r.caller, idFrom(r.path[2], "trace request"), idFrom(r.path[4], "attachment"));
    r.response.sendFile(file, "application/octet-stream");
}

void getTrace(Route& r) { sendJson(r.response, 200, json::write(r.firearms.trace(r.caller, idFrom(r.path[2], "trace request")))); }

void listTraces(Route& r) {
    const std::string box = textParameter(r.query, "box");
    sendJson(r.response, 200, json::write(r.firearms.traces(r.caller, box.empty() ? "incoming" : box)));
}

// GET /v1/reftable[?since=V]: the newest reference table, or {"version": V, "unchanged": true} when the caller has it.
void referenceTable(Route& r) {
    const std::int64_t since = integerParameter(r.query, "since", 0);
    const auto table = r.firearms.referenceTable();
    if (!table) throw HubError(404, "this hub distributes no reference table yet");
    if (table->first <= since) {
        sendJson(r.response, 200, "{\"version\":" + std::to_string(table->first) + ",\"unchanged\":true}");
        return;
    }
    sendJson(r.response, 200, table->second);
}

void listNotices(Route& r) {
    const std::int64_t since = integerParameter(r.query, "since", 0);
    const int limit = int(std::min<std::int64_t>(integerParameter(r.query, "limit", 200), 1000));
    const auto notices = r.firearms.notices(r.caller, since, limit);
    sendJson(r.response, 200, json::write(notices, notices.empty() ? since : notices.back().seq));
}

}  // namespace

bool answerFirearmRoute(HubServer& hub, const Caller& caller, const std::string& method, const std::vector<std::string>& path,
                        const Poco::URI::QueryParameters& query, HTTPServerRequest& request, HTTPServerResponse& response) {
    if (path.size() < 2) return false;
    const std::string& resource = path[1];
    const bool get = method == "GET" || method == "HEAD";
    void (*handler)(Route&) = nullptr;
    if (resource == "firearms") {
        if (path.size() == 2 && get) handler = searchRecords;
        else if (path.size() == 3 && method == "PUT") handler = shareRecord;
        else if (path.size() == 3 && get) handler = getRecord;
        else if (path.size() == 4 && path[3] == "withdrawal" && method == "POST") handler = withdrawRecord;
        else if (path.size() == 4 && path[3] == "checks" && get) handler = recordChecks;
        else if (path.size() == 4 && path[3] == "photos" && method == "POST") handler = addRecordPhoto;
        else if (path.size() == 4 && path[3] == "photos" && get) handler = listRecordPhotos;
        else if (path.size() == 5 && path[3] == "photos" && get) handler = getRecordPhoto;
    } else if (resource == "seizures") {
        if (path.size() == 2 && method == "POST") handler = checkSeizure;
        else if (path.size() == 3 && get) handler = getSeizure;
    } else if (resource == "alerts") {
        if (path.size() == 2 && method == "POST") handler = circulateAlert;
        else if (path.size() == 2 && get) handler = listAlerts;
        else if (path.size() == 4 && path[3] == "withdrawal" && method == "POST") handler = withdrawAlert;
    } else if (resource == "traces") {
        if (path.size() == 2 && method == "POST") handler = submitTrace;
        else if (path.size() == 2 && get) handler = listTraces;
        else if (path.size() == 3 && get) handler = getTrace;
        else if (path.size() == 4 && path[3] == "comments" && method == "POST") handler = commentTrace;
        else if (path.size() == 4 && path[3] == "attachments" && method == "POST") handler = attachToTrace;
        else if (path.size() == 4 && path[3] == "attachments" && get) handler = listTraceAttachments;
        else if (path.size() == 5 && path[3] == "attachments" && get) handler = getTraceAttachment;
        else if (path.size() == 4 && method == "POST") handler = traceStep;  // acknowledge, start, answer, reject, close
    } else if (resource == "notices") {
        if (path.size() == 2 && get) handler = listNotices;
    } else if (resource == "reftable") {
        if (path.size() == 2 && get) handler = referenceTable;
    }
    if (!handler) return false;
    // Records officers' work (records, seizure checks, circulating alerts) and trace officers' (traces) need their tokens.
    const std::string scope = resource == "traces" ? "traces" : resource == "notices" || resource == "reftable" || (resource == "alerts" && get) ? "" : "records";
    if (!scope.empty() && !caller.may(scope))
        throw HubError(403, "this token of " + caller.agency + " is for " + caller.scopes + ", not for " + resource + " (" + scope + ")");
    // A peer hub replicates scans; what agencies share here is theirs to act on.
    if (caller.peer && !get) throw HubError(403, "a peer hub does not act for an agency on " + resource);
    Route route{hub, hub.firearms(), caller, path, query, request, response};
    handler(route);
    return true;
}

}  // namespace striae::sync
