#include "HubRequestHandler.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "striae/imaging/X3p.h"
#include "RateLimiter.h"
#include "RequestParsing.h"
#include "striae/records/Statistics.h"
#include "striae/sync/HubStatistics.h"
#include "striae/sync/CorrelationQueue.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/HubServer.h"
#include "striae/sync/HubStore.h"
#include "striae/sync/Forwarder.h"
#include "striae/sync/HubFederation.h"

namespace fs = std::filesystem;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace striae::sync {

namespace {

constexpr std::int64_t kMaxJsonBytes = 1 << 20;

thread_local bool answeringHead = false;  // the request being answered is a HEAD: headers only

}  // namespace

void sendJson(HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTPStatus(status));
    response.setContentType("application/json");
    response.setContentLength(std::streamsize(body.size()));
    std::ostream& out = response.send();
    if (!answeringHead) out << body;
}

std::string readJsonBody(HTTPServerRequest& request) {
    const std::string type = request.getContentType();
    if (type.rfind("application/json", 0) != 0)
        throw HubError(415, "content type '" + type + "': this endpoint takes application/json");
    if (request.hasContentLength() && request.getContentLength64() > kMaxJsonBytes)
        throw HubError(413, "request body of " + std::to_string(request.getContentLength64()) + " bytes; at most 1 MiB");
    std::string body;
    char buffer[8192];
    while (request.stream()) {
        request.stream().read(buffer, sizeof buffer);
        body.append(buffer, std::size_t(request.stream().gcount()));
        if (std::int64_t(body.size()) > kMaxJsonBytes) throw HubError(413, "request body larger than 1 MiB");
    }
    return body;
}

namespace {

std::string uniqueName() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::ostringstream out;
    out << "upload-" << std::hex << random();
    return out.str();
}

}  // namespace

void HubRequestHandler::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) {
    HubStore& store = hub_.store();
    const std::string& method = request.getMethod();
    const bool get = method == "GET" || method == "HEAD";  // HEAD is answered as GET, without the body
    answeringHead = method == "HEAD";
    std::string uploadPath;  // never shown to the client
    try {
        if (method != "GET" && method != "HEAD" && method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE") {
            response.set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE");
            throw HubError(405, "method " + method.substr(0, 16) + " is not allowed (GET, HEAD, POST, PUT, PATCH, DELETE)");
        }
        const Poco::URI uri = [&] {
            try {
                return Poco::URI(request.getURI());
            } catch (const Poco::SyntaxException&) {
                throw HubError(400, "malformed request target");
            }
        }();
        std::vector<std::string> path;
        uri.getPathSegments(path);
        for (const auto& segment : path)
            if (segment == ".." || segment == ".") throw HubError(400, "path '" + uri.getPath() + "' is not allowed");
        if (path.empty() || path[0] != "v1") throw HubError(404, "no such endpoint " + uri.getPath() + " (the API is under /v1)");

        if (path.size() == 2 && path[1] == "health" && get) {
            sendJson(response, 200, "{\"hub\":\"" + store.hubName() + "\",\"api\":1,\"status\":\"ok\"}");
            return;
        }

        std::string auth = request.get("Authorization", "");
        const std::string bearer = "Bearer ";
        const std::string token = auth.rfind(bearer, 0) == 0 ? auth.substr(bearer.size()) : "";
        const Caller caller = store.authenticate(token);
        int retryAfter = 1;
        if (!hub_.rateLimiter().allow(token, retryAfter)) {
            response.set("Retry-After", std::to_string(retryAfter));
            throw HubError(429, "too many requests for this token; retry in " + std::to_string(retryAfter) + " s");
        }
        const auto query = uri.getQueryParameters();
        // A token issued for one role at the agency does that role's work only.
        static const std::vector<std::string> evidence{"acquisitions", "leads", "candidates", "feedback", "stats"};
        const bool tierFigures = path.size() == 3 && path[1] == "stats" && path[2] == "tiers";  // statistics per tier: any role
        if (path.size() >= 2 && std::find(evidence.begin(), evidence.end(), path[1]) != evidence.end() && !tierFigures && !caller.may("evidence"))
            throw HubError(403, "this token of " + caller.agency + " is for " + caller.scopes + ", not for scans and lead lists (evidence)");

        if (path.size() == 2 && path[1] == "acquisitions" && method == "POST") {
            const std::int64_t limit = hub_.config().maxUploadBytes;
            if (request.hasContentLength() && request.getContentLength64() > limit + kMaxJsonBytes)
                throw HubError(413, "upload of " + std::to_string(request.getContentLength64()) + " bytes; the hub takes at most " +
                                        std::to_string(limit) + " bytes per scan");
            UploadReceiver receiver(store.tempFile(uniqueName()), limit);
            uploadPath = receiver.tempPath();
            const Upload upload = receiver.receive(request, request.stream());
            std::string declaredSha;
            const AcquisitionMetadata metadata = json::readMetadata(upload.metadata, &declaredSha);
            const std::string sha = upload.sha256;
            if (!declaredSha.empty() && declaredSha != sha)
                throw HubError(400, "the scan's SHA-256 is " + sha + " but the metadata says " + declaredSha +
                                        " (damaged in transit?)");
            imaging::Surface surface;
            try {
                surface = imaging::readX3p(upload.scanPath).surface;  // the hub holds only scans it can read
            } catch (const std::exception& e) {
                throw HubError(422, std::string("the scan is not a readable X3P file: ") + e.what());
            }
            // Stored and recorded together: a refused push leaves no file behind.
            receiver.keep();
            const PushResult result = store.pushWithScan(caller, metadata, upload.scanPath, sha, upload.size);
            if (result.created) {
                hub_.queue().signOnPush(result.acquisition, surface);  // the search signature, while the surface is read
                hub_.queue().enqueue(result.acquisition.id);
                Poco::Logger::get("striae-hub").information("push " + result.acquisition.id + " from " + caller.agency);
                if (hub_.forwarder()) hub_.forwarder()->wake();  // forwarded now if the agreement allows it
            }
            sendJson(response, result.created ? 201 : 200, json::write(result.acquisition));
            return;
        }

        if (path.size() >= 3 && path[1] == "acquisitions") {
            const std::string id = acquisitionIdFrom(path[2]);
            if (path.size() == 3 && get) {
                sendJson(response, 200, json::write(store.visibleAcquisition(caller, id)));
                return;
            }
            if (path.size() == 3 && method == "PATCH") {
                const AcquisitionMetadata m = json::readMetadata(readJsonBody(request));
                sendJson(response, 200, json::write(store.update(caller, id, m)));
                return;
            }
            if (path.size() == 3 && method == "DELETE") {
                store.withdraw(caller, id);
                sendJson(response, 200, "{\"withdrawn\":\"" + id + "\"}");
                return;
            }
            if (path.size() == 4 && path[3] == "disclosure" && method == "POST") {
                const bool disclosed = json::readBool(readJsonBody(request), "disclosed");
                sendJson(response, 200, json::write(store.disclose(caller, id, disclosed)));
                return;
            }
            if (path.size() == 4 && path[3] == "lands" && get) {
                // The land scans of the bullet this acquisition belongs to (what the caller may see).
                const HubAcquisition a = store.visibleAcquisition(caller, id);
                if (a.metadata.itemType != "bullet") throw HubError(400, "acquisition " + id + " is not a bullet's land");
                std::vector<HubAcquisition> visible;
                for (const auto& land : store.bulletOf(a))
                    if (land.agency == caller.agency || caller.peer || land.disclosed) visible.push_back(land);
                if (visible.empty()) throw HubError(404, "no acquisition " + id);
                sendJson(response, 200, json::write(visible));
                return;
            }
            if (path.size() == 4 && path[3] == "scan" && get) {
                std::string file;
                try {
                    file = store.scanPathFor(caller, id);
                } catch (const HubError& e) {
                    // A candidate of another country on the caller's international list: from the international tier,
                    // which gives it only once its owner disclosed it.
                    if (e.status() != 404) throw;
                    const std::string fetched = fetchInternationalScan(hub_, caller, id);
                    if (fetched.empty()) throw;
                    struct Removed {
                        std::string path;
                        ~Removed() {
                            std::error_code ec;
                            fs::remove(path, ec);
                        }
                    } removed{fetched};
                    response.sendFile(fetched, "application/octet-stream");
                    return;
                }
                response.sendFile(file, "application/octet-stream");
                return;
            }
        }

        if (path.size() == 2 && path[1] == "leads" && get) {
            const std::int64_t since = integerParameter(query, "since", 0);
            const int limit = int(std::min<std::int64_t>(integerParameter(query, "limit", 100), 1000));
            // scope: the national lists, the international ones mirrored from the international tier, or both (one feed).
            const std::string scope = textParameter(query, "scope");
            if (!scope.empty() && std::find(kSearchScopes.begin(), kSearchScopes.end(), scope) == kSearchScopes.end())
                throw HubError(400, "parameter 'scope' is '" + scope + "': expected national, international or both");
            std::vector<LeadList> lists;
            if (scope != "international") lists = store.leads(caller, since, limit);
            // A national hub of a country (the only kind that mirrors the international tier's lists).
            if (asksInternational(scope.empty() ? "both" : scope) && store.tier() == "national" && !store.country().empty()) {
                auto international = hub_.federation().internationalLeads(caller, since, limit);
                lists.insert(lists.end(), std::make_move_iterator(international.begin()), std::make_move_iterator(international.end()));
                std::sort(lists.begin(), lists.end(), [](const LeadList& a, const LeadList& b) { return a.cursor < b.cursor; });
                if (int(lists.size()) > limit) lists.resize(std::size_t(limit));
            }
            sendJson(response, 200, json::write(lists, lists.empty() ? since : lists.back().cursor));
            return;
        }

        if (path.size() == 4 && path[1] == "candidates" && path[3] == "outcome" && method == "POST") {
            const std::int64_t candidate = candidateIdFrom(path[2]);
            const std::string outcome = json::readString(readJsonBody(request), "outcome");
            if (!reportInternationalOutcome(hub_, caller, candidate, outcome)) store.reportOutcome(caller, candidate, outcome);
            sendJson(response, 200, "{\"candidate\":" + std::to_string(candidate) + "}");
            return;
        }

        if (path.size() == 4 && path[1] == "candidates" && path[3] == "feedback" && method == "POST") {
            const std::int64_t candidate = candidateIdFrom(path[2]);
            sendJson(response, 201, json::write(store.addFeedback(caller, candidate, json::readFeedbackInput(readJsonBody(request)))));
            return;
        }

        if (path.size() == 2 && path[1] == "feedback" && get) {
            const std::int64_t since = integerParameter(query, "since", 0);
            const int limit = int(std::min<std::int64_t>(integerParameter(query, "limit", 200), 1000));
            const auto feedback = store.feedback(caller, since, limit);
            sendJson(response, 200, json::write(feedback, feedback.empty() ? since : feedback.back().id));
            return;
        }

        if (path.size() == 2 && path[1] == "stats" && get) {
            // An agency sees its own evidence; a peer hub (or the operator's CLI) every agency's, or the one asked for.
            records::StatisticsFilter filter;
            filter.from = textParameter(query, "from");
            filter.to = textParameter(query, "to");
            filter.caliber = textParameter(query, "caliber");
            filter.agency = textParameter(query, "agency");
            if (!caller.peer) {
                if (!filter.agency.empty() && filter.agency != caller.agency)
                    throw HubError(403, "agency " + caller.agency + " may see its own statistics, not " + filter.agency.substr(0, 64) + "'s");
                filter.agency = caller.agency;
            }
            const auto figures = hubStatistics(store.database(), filter);
            // With the figures per tier (holdings, international searches, cross-border leads and hits per country).
            sendJson(response, 200,
                     json::write(store.stats(caller.peer ? filter.agency : caller.agency), records::statisticsJson(figures),
                                 tierFiguresJson(hub_, caller, query)));
            return;
        }

        if (path.size() == 2 && path[1] == "changes" && get) {
            if (!caller.peer) throw HubError(403, "the change feed is for peer hubs");
            const std::int64_t since = integerParameter(query, "since", 0);
            const int limit = int(std::min<std::int64_t>(integerParameter(query, "limit", 200), 1000));
            const auto changes = store.changes(since, limit);
            sendJson(response, 200, json::write(changes, changes.empty() ? since : changes.back().seq));
            return;
        }
        if (answerFirearmRoute(hub_, caller, method, path, query, request, response)) return;
        if (answerTierRoute(hub_, caller, method, path, query, request, response)) return;
        throw HubError(404, "no such endpoint: " + method + " " + uri.getPath());
    } catch (const HubError& e) {
        // Read what the client is still sending (up to a bound), so that it
        // gets this answer instead of a broken connection.
        // Only a framed body (a length, or chunks): without one there is none, and reading would wait for the client to close.
        try {
            constexpr std::int64_t kDrainLimit = 64LL << 20;
            const bool framed = request.hasContentLength() || request.getChunkedTransferEncoding();
            if (framed && (!request.hasContentLength() || request.getContentLength64() <= kDrainLimit)) {
                char buffer[1 << 16];
                std::int64_t drained = 0;
                while (request.stream() && drained < kDrainLimit) {
                    request.stream().read(buffer, sizeof buffer);
                    drained += request.stream().gcount();
                }
            }
        } catch (...) {
        }
        std::string message = e.what();
        if (!uploadPath.empty())  // the server's own paths stay on the server
            for (std::size_t at; (at = message.find(uploadPath)) != std::string::npos;) message.replace(at, uploadPath.size(), "the uploaded scan");
        if (!response.sent()) sendJson(response, e.status(), json::error(e.status(), message));
    } catch (const std::exception& e) {
        // Details (paths, SQL) go to the log under an incident number; the client gets the number.
        static std::atomic<unsigned> incidents{0};
        const std::string incident = std::to_string(::time(nullptr)) + "-" + std::to_string(++incidents);
        Poco::Logger::get("striae-hub").error("incident " + incident + ": " + method + " " + request.getURI() + ": " + e.what());
        if (!response.sent()) sendJson(response, 500, json::error(500, "internal error (incident " + incident + " in the hub's log)"));
    }
}

}  // namespace striae::sync
