// The tiers' endpoints (docs/hub-api.md, "Tiers"): one function per route.
//   at an international hub: what national hubs forward (/v1/federation/...),
//   searches on a country's behalf (/v1/submissions/...);
//   at any hub: the participation agreement and statistics per tier.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <filesystem>
#include <fstream>

#include "HubRequestHandler.h"
#include "JsonFields.h"
#include "RequestParsing.h"
#include "striae/imaging/X3p.h"
#include "striae/sync/CorrelationQueue.h"
#include "striae/sync/Forwarder.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubFederation.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/HubServer.h"
#include "striae/sync/HubStore.h"
#include "striae/sync/HubSubmissions.h"
#include "striae/sync/HubTierJson.h"
#include "striae/sync/TierStatistics.h"

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace striae::sync {

namespace {

struct Route {
    HubServer& hub;
    const Caller& caller;
    const std::vector<std::string>& path;
    const Poco::URI::QueryParameters& query;
    HTTPServerRequest& request;
    HTTPServerResponse& response;
};

std::string tempName(const std::string& what) {
    static std::atomic<unsigned> counter{0};
    return what + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

void requireInternational(Route& r) {
    if (r.hub.store().tier() != "international")
        throw HubError(404, "no such endpoint here: this is a " + r.hub.store().tier() + " hub (the international tier's endpoints are at an international hub)");
}

void requireNational(Route& r) {
    requireInternational(r);
    if (r.caller.kind != "national" || !r.caller.may("federation"))
        throw HubError(403, "the federation endpoints are for national hubs (an account of kind national, a token with scope federation); " +
                                r.caller.agency + " is a " + r.caller.kind + " account");
}

void requireSubmissionsScope(Route& r) {
    requireInternational(r);
    if (!r.caller.may("submissions"))
        throw HubError(403, "this token of " + r.caller.agency + " is for " + r.caller.scopes + ", not for submissions on behalf");
}

// A multipart upload (metadata + scan) read and checked to be a readable X3P; the surface for the search signature.
struct CheckedUpload {
    std::unique_ptr<UploadReceiver> receiver;
    Upload upload;
    imaging::Surface surface;
};
CheckedUpload receiveScan(Route& r) {
    CheckedUpload c;
    c.receiver = std::make_unique<UploadReceiver>(r.hub.store().tempFile(tempName("upload")), r.hub.config().maxUploadBytes);
    c.upload = c.receiver->receive(r.request, r.request.stream());
    try {
        c.surface = imaging::readX3p(c.upload.scanPath).surface;
    } catch (const std::exception& e) {
        throw HubError(422, std::string("the scan is not a readable X3P file: ") + e.what());
    }
    return c;
}

void queueCorrelation(Route& r, const PushResult& result, const imaging::Surface& surface) {
    if (!result.created) return;
    r.hub.queue().signOnPush(result.acquisition, surface);
    r.hub.queue().enqueue(result.acquisition.id);
}

// POST /v1/federation/acquisitions: a national hub forwards one of its agencies' acquisitions.
void acceptForwarded(Route& r) {
    auto scan = receiveScan(r);
    HubAcquisition a = json::readAcquisition(scan.upload.metadata);
    if (a.sha256 != scan.upload.sha256)
        throw HubError(400, "the scan's SHA-256 is " + scan.upload.sha256 + " but the acquisition says " + a.sha256.substr(0, 64));
    if (a.id != HubStore::acquisitionIdFor(a.agency, a.sha256))
        throw HubError(400, "acquisition id " + a.id.substr(0, 40) + " is not the one of agency " + a.agency.substr(0, 64) + " and this scan");
    if (a.withdrawn) throw HubError(400, "a withdrawn acquisition is not forwarded");
    r.hub.federation().registerMember(r.caller, a.agency);
    a.country = r.caller.country;
    a.viaHub = r.caller.agency;
    a.acquiredFor.clear();
    a.submissionId.clear();
    scan.receiver->keep();
    const PushResult result = r.hub.store().insertWithScan(a, scan.upload.scanPath);
    queueCorrelation(r, result, scan.surface);
    sendJson(r.response, result.created ? 201 : 200, json::write(result.acquisition));
}

// PUT /v1/federation/acquisitions/{id}: the owner's update and disclosure, passed on by its national hub.
void updateForwarded(Route& r) {
    const std::string id = acquisitionIdFrom(r.path[3]);
    const HubAcquisition sent = json::readAcquisition(readJsonBody(r.request));
    auto& store = r.hub.store();
    HubAcquisition held = store.visibleAcquisition(r.caller, id);
    const auto& m = sent.metadata;
    const auto& h = held.metadata;
    if (m.caseRef != h.caseRef || m.itemLabel != h.itemLabel || m.classJson != h.classJson || m.acquiredAt != h.acquiredAt ||
        m.recoveredAt != h.recoveredAt || (!m.scope.empty() && m.scope != h.scope))
        held = store.update(r.caller, id, m);
    if (sent.disclosed != held.disclosed) held = store.disclose(r.caller, id, sent.disclosed);
    sendJson(r.response, 200, json::write(held));
}

void withdrawForwarded(Route& r) {
    const std::string id = acquisitionIdFrom(r.path[3]);
    r.hub.store().withdraw(r.caller, id);
    sendJson(r.response, 200, "{\"withdrawn\":\"" + id + "\"}");
}

void forwardedScan(Route& r) {
    const std::string id = acquisitionIdFrom(r.path[3]);
    r.response.sendFile(r.hub.store().scanPathFor(r.caller, id), "application/octet-stream");
}

void federationLeads(Route& r) {
    const std::int64_t since = integerParameter(r.query, "since", 0);
    const int limit = int(std::min<std::int64_t>(integerParameter(r.query, "limit", 100), 1000));
    const auto lists = r.hub.store().leads(r.caller, since, limit);
    sendJson(r.response, 200, json::write(lists, lists.empty() ? since : lists.back().cursor));
}

void federationOutcome(Route& r) {
    const std::int64_t candidate = candidateIdFrom(r.path[3]);
    r.hub.store().reportOutcome(r.caller, candidate, json::readString(readJsonBody(r.request), "outcome"));
    sendJson(r.response, 200, "{\"candidate\":" + std::to_string(candidate) + "}");
}

bool answerFederation(Route& r, const std::string& method) {
    const auto& path = r.path;
    if (path.size() < 3 || path[1] != "federation") return false;
    requireNational(r);
    if (path.size() == 3 && path[2] == "acquisitions" && method == "POST") return acceptForwarded(r), true;
    if (path.size() == 4 && path[2] == "acquisitions" && method == "PUT") return updateForwarded(r), true;
    if (path.size() == 4 && path[2] == "acquisitions" && method == "DELETE") return withdrawForwarded(r), true;
    if (path.size() == 5 && path[2] == "acquisitions" && path[4] == "scan" && method == "GET") return forwardedScan(r), true;
    if (path.size() == 3 && path[2] == "leads" && method == "GET") return federationLeads(r), true;
    if (path.size() == 5 && path[2] == "candidates" && path[4] == "outcome" && method == "POST") return federationOutcome(r), true;
    return false;
}

// The submission with its scans and their lead lists, as the caller may see them.
std::string submissionView(Route& r, const Submission& s) {
    auto& subs = r.hub.submissions();
    const auto held = subs.acquisitions(s.id);
    std::vector<LeadList> lists;
    for (const auto& a : held)
        if (auto l = r.hub.store().leadList(r.caller.kind == "operator" ? r.caller : Caller{s.owner, false, "all", "agency", s.country}, a.id))
            lists.push_back(*l);
    return json::writeSubmissionReport(s, held, lists, /*frozen=*/false);
}

void registerSubmission(Route& r) {
    const auto o = readJsonBody(r.request);
    const Submission s = r.hub.submissions().registerSubmission(r.caller, json::readString(o, "country"), json::readString(o, "ncb_reference"),
                                                                json::readString(o, "material"), json::readString(o, "question"),
                                                                json::readString(o, "recorded_by"));
    sendJson(r.response, 201, json::write(s));
}

void acquireOnBehalf(Route& r) {
    const std::string& id = r.path[2];
    auto scan = receiveScan(r);
    std::string declaredSha;
    const AcquisitionMetadata metadata = json::readMetadata(scan.upload.metadata, &declaredSha);
    if (!declaredSha.empty() && declaredSha != scan.upload.sha256)
        throw HubError(400, "the scan's SHA-256 is " + scan.upload.sha256 + " but the metadata says " + declaredSha + " (damaged in transit?)");
    auto& subs = r.hub.submissions();
    const HubAcquisition a = subs.onBehalfAcquisition(r.caller, id, metadata, scan.upload.sha256, scan.upload.size);
    scan.receiver->keep();
    const PushResult result = r.hub.store().insertWithScan(a, scan.upload.scanPath);
    subs.acquired(r.caller, id, result.acquisition, result.created);
    queueCorrelation(r, result, scan.surface);
    sendJson(r.response, result.created ? 201 : 200, json::write(result.acquisition));
}

void reviewSubmission(Route& r) {
    std::string conclusion, by;
    const auto outcomes = json::readSubmissionOutcomes(readJsonBody(r.request), conclusion, by);
    sendJson(r.response, 200, json::write(r.hub.submissions().review(r.caller, r.path[2], outcomes, conclusion, by)));
}

void attachReportPdf(Route& r) {
    auto f = receiveBody(r.request, r.request.stream(), r.hub.store().tempFile(tempName("report")), 20LL << 20, "a report's PDF", "application/pdf");
    try {
        r.hub.submissions().attachReportPdf(r.caller, r.path[2], f.path, f.sha256);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(f.path, ec);
        throw;
    }
    sendJson(r.response, 200, json::write(r.hub.submissions().submission(r.caller, r.path[2])));
}

bool answerSubmissions(Route& r, const std::string& method) {
    const auto& path = r.path;
    if (path.size() < 2 || path[1] != "submissions") return false;
    requireSubmissionsScope(r);
    auto& subs = r.hub.submissions();
    const bool get = method == "GET" || method == "HEAD";
    if (path.size() == 2 && method == "POST") return registerSubmission(r), true;
    if (path.size() == 2 && get) return sendJson(r.response, 200, json::write(subs.submissions(r.caller))), true;
    if (path.size() == 3 && get) return sendJson(r.response, 200, submissionView(r, subs.submission(r.caller, path[2]))), true;
    if (path.size() == 4 && path[3] == "acquisitions" && method == "POST") return acquireOnBehalf(r), true;
    if (path.size() == 4 && path[3] == "review" && method == "POST") return reviewSubmission(r), true;
    if (path.size() == 4 && path[3] == "report" && method == "POST")
        return sendJson(r.response, 201, subs.freezeReport(r.caller, path[2], json::readString(readJsonBody(r.request), "sent_by"))), true;
    if (path.size() == 4 && path[3] == "report" && get) return sendJson(r.response, 200, subs.reportJson(r.caller, path[2])), true;
    if (path.size() == 4 && path[3] == "report.pdf" && method == "PUT") return attachReportPdf(r), true;
    if (path.size() == 4 && path[3] == "report.pdf" && get)
        return r.response.sendFile(subs.reportPdfPath(r.caller, path[2]), "application/pdf"), true;
    return false;
}

// GET /v1/stats/tiers (and the "tiers" of GET /v1/stats).
void tierStatisticsRoute(Route& r) { sendJson(r.response, 200, tierFiguresJson(r.hub, r.caller, r.query)); }

}  // namespace

// An operator or a peer sees every country (or the one asked for); anyone else its own country's row.
std::string tierFiguresJson(HubServer& hub, const Caller& caller, const Poco::URI::QueryParameters& query) {
    const bool everyCountry = caller.peer || caller.kind == "operator";
    const std::string asked = textParameter(query, "country");
    const std::string own = caller.country.empty() ? hub.store().country() : caller.country;
    if (!everyCountry && !asked.empty() && asked != own)
        throw HubError(403, caller.agency + " may see the figures of its own country (" + own + "), not " + asked + "'s");
    return json::write(tierStatistics(hub.store(), textParameter(query, "from"), textParameter(query, "to"), everyCountry ? asked : own));
}

bool answerTierRoute(HubServer& hub, const Caller& caller, const std::string& method, const std::vector<std::string>& path,
                     const Poco::URI::QueryParameters& query, HTTPServerRequest& request, HTTPServerResponse& response) {
    Route r{hub, caller, path, query, request, response};
    if (answerFederation(r, method)) return true;
    if (answerSubmissions(r, method)) return true;
    if (path.size() == 3 && path[1] == "stats" && path[2] == "tiers" && (method == "GET" || method == "HEAD")) return tierStatisticsRoute(r), true;
    if (path.size() == 2 && path[1] == "agreement" && (method == "GET" || method == "HEAD")) {
        // What this national hub forwards to the international tier, for its agencies to read.
        sendJson(response, 200, json::write(hub.federation().agreement()));
        return true;
    }
    if (path.size() == 4 && path[1] == "acquisitions" && path[3] == "international" && (method == "GET" || method == "HEAD")) {
        const HubAcquisition a = hub.store().visibleAcquisition(caller, acquisitionIdFrom(path[2]));
        const auto state = hub.federation().forwardState(a.id);
        std::string body = "{\"acquisition\":\"" + a.id + "\",\"state\":\"";
        std::string reason = state ? state->reason : HubFederation::refusal(hub.federation().agreement(), a, hub.store().hubName());
        body += state ? state->state : (reason.empty() ? "pending" : "not_forwarded");
        sendJson(response, 200, body + "\",\"reason\":" + json::text(Poco::Dynamic::Var(reason)) + "}");
        return true;
    }
    return false;
}

namespace {
// A call to the international tier for an agency of this national hub: what went wrong there is said as the
// link's problem (503 unreachable, 502 refused this hub), not as the agency's own (a 401 would read as its token).
void throughInternational(HubServer& hub, const std::function<void(HubClient&)>& call) {
    if (!hub.forwarder()) throw HubError(503, "this hub has no link to the international tier");
    try {
        hub.forwarder()->withInternational([&](HubClient& client, const std::string&) { call(client); });
    } catch (const HubError& e) {
        if (e.status() == 0) throw HubError(503, std::string("the international tier cannot be reached now: ") + e.what());
        if (e.status() == 401 || e.status() == 403 || e.status() >= 500)
            throw HubError(502, std::string("the international hub refused this hub's request: ") + e.what());
        throw;
    }
}
}  // namespace

// The scan of a candidate on one of the caller's international lists, fetched from the international tier
// (which answers only if the owner disclosed it) into a temporary file; "" when it is no such candidate.
std::string fetchInternationalScan(HubServer& hub, const Caller& caller, const std::string& id) {
    if (!hub.forwarder() || !hub.federation().isInternationalCandidateOf(caller, id)) return {};
    const std::string temp = hub.store().tempFile(tempName("intl-scan"));
    throughInternational(hub, [&](HubClient& client) {
        const std::string bytes = client.call("GET", "/v1/federation/acquisitions/" + id + "/scan");
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        if (!out) throw HubError(507, "the hub could not keep the scan it fetched");
    });
    return temp;
}

bool reportInternationalOutcome(HubServer& hub, const Caller& caller, std::int64_t candidate, const std::string& outcome) {
    const auto remote = hub.federation().internationalCandidate(caller, candidate);
    if (!remote) return false;
    // Its outcome is the international hub's to keep (the confirmed hits per country); the mirror shows it at once.
    if (std::find(kHubOutcomes.begin(), kHubOutcomes.end(), outcome) == kHubOutcomes.end())
        throw HubError(400, "outcome '" + outcome + "': expected lead, hit or eliminated");
    throughInternational(hub, [&](HubClient& client) {
        client.call("POST", "/v1/federation/candidates/" + std::to_string(*remote) + "/outcome", "{\"outcome\":\"" + outcome + "\"}");
    });
    hub.federation().setInternationalOutcome(candidate, outcome);
    return true;
}

}  // namespace striae::sync
