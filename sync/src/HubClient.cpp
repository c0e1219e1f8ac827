#include "striae/sync/HubClient.h"

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/NetException.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "FileHash.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubJson.h"

namespace fs = std::filesystem;

namespace striae::sync {

namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> sessionFor(const std::string& url, int timeoutSeconds) {
    Poco::URI uri(url);
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    if (uri.getScheme() == "https") {
        // The system's CAs, plus $STRIAE_HUB_CA (a PEM file) for a hub with its own certificate authority.
        static const Poco::Net::Context::Ptr context = [] {
            Poco::Net::initializeSSL();
            const char* ca = std::getenv("STRIAE_HUB_CA");
            return Poco::Net::Context::Ptr(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca ? ca : "",
                                                                  Poco::Net::Context::VERIFY_RELAXED, 9, true));
        }();
        s = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    }
    else if (uri.getScheme() == "http")
        s = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    else
        throw HubError(0, "hub address '" + url + "': expected http:// or https://");
    s->setTimeout(Poco::Timespan(timeoutSeconds, 0));
    return s;
}

std::string errorMessage(int status, const std::string& body) {
    try {
        return json::readString(body, "error");
    } catch (...) {
        return "HTTP " + std::to_string(status);
    }
}

}  // namespace

HubClient::HubClient(const std::string& url, const std::string& token, int timeoutSeconds)
    : url_(url), token_(token), timeout_(timeoutSeconds) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

int HubClient::request(const std::string& method, const std::string& path, const std::string& contentType,
                       const std::string& requestBody, std::string& responseBody) {
    try {
        auto session = sessionFor(url_, timeout_);
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!token_.empty()) req.set("Authorization", "Bearer " + token_);
        if (!requestBody.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
            req.setContentType(contentType);
            req.setContentLength(std::streamsize(requestBody.size()));
        }
        session->sendRequest(req) << requestBody;
        Poco::Net::HTTPResponse res;
        std::istream& in = session->receiveResponse(res);
        std::ostringstream out;
        Poco::StreamCopier::copyStream(in, out);
        responseBody = out.str();
        return int(res.getStatus());
    } catch (const Poco::Exception& e) {
        throw HubError(0, "cannot reach hub " + url_ + ": " + e.displayText());
    }
}

std::string HubClient::call(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& contentType) {
    std::string response;
    const int status = request(method, path, contentType, body, response);
    if (status < 200 || status >= 300) throw HubError(status, errorMessage(status, response));
    return response;
}

std::string HubClient::health() { return call("GET", "/v1/health"); }

PushReply HubClient::push(const std::string& x3pPath, const AcquisitionMetadata& m) {
    if (!fs::is_regular_file(x3pPath)) throw HubError(0, "no scan file " + x3pPath);
    const std::string sha = sha256OfFile(x3pPath);
    return upload("/v1/acquisitions", x3pPath, sha, json::writeMetadata(m, sha));
}

PushReply HubClient::forward(const std::string& x3pPath, const HubAcquisition& a) {
    if (!fs::is_regular_file(x3pPath)) throw HubError(0, "no scan file " + x3pPath);
    return upload("/v1/federation/acquisitions", x3pPath, a.sha256, json::write(a));
}

PushReply HubClient::upload(const std::string& path, const std::string& x3pPath, const std::string& sha, const std::string& metadataJson) {
    const std::string boundary = "striae-" + (sha.size() >= 24 ? sha : sha256OfFile(x3pPath)).substr(0, 24);
    std::ostringstream head;
    head << "--" << boundary << "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
         << "Content-Type: application/json\r\n\r\n"
         << metadataJson << "\r\n--" << boundary
         << "\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"scan.x3p\"\r\n"
         << "Content-Type: application/octet-stream\r\n\r\n";
    const std::string tail = "\r\n--" + boundary + "--\r\n";
    const std::string headText = head.str();
    const auto size = fs::file_size(x3pPath);
    std::string response;
    int status = 0;
    try {
        auto session = sessionFor(url_, timeout_);
        Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("Authorization", "Bearer " + token_);
        req.setContentType("multipart/form-data; boundary=" + boundary);
        req.setContentLength(std::streamsize(headText.size() + size + tail.size()));
        std::ostream& out = session->sendRequest(req);
        out << headText;
        std::ifstream in(x3pPath, std::ios::binary);
        Poco::StreamCopier::copyStream(in, out);
        out << tail;
        Poco::Net::HTTPResponse res;
        std::istream& rin = session->receiveResponse(res);
        std::ostringstream body;
        Poco::StreamCopier::copyStream(rin, body);
        response = body.str();
        status = int(res.getStatus());
    } catch (const Poco::Exception& e) {
        throw HubError(0, "cannot reach hub " + url_ + ": " + e.displayText());
    }
    if (status != 200 && status != 201) throw HubError(status, errorMessage(status, response));
    return {json::readAcquisition(response), status == 201};
}

HubAcquisition HubClient::acquisition(const std::string& id) {
    return json::readAcquisition(call("GET", "/v1/acquisitions/" + id));
}

HubAcquisition HubClient::update(const std::string& id, const AcquisitionMetadata& m) {
    return json::readAcquisition(call("PATCH", "/v1/acquisitions/" + id, json::writeMetadata(m)));
}

HubAcquisition HubClient::disclose(const std::string& id, bool disclosed) {
    return json::readAcquisition(call("POST", "/v1/acquisitions/" + id + "/disclosure",
                                      std::string("{\"disclosed\":") + (disclosed ? "true" : "false") + "}"));
}

void HubClient::withdraw(const std::string& id) { call("DELETE", "/v1/acquisitions/" + id); }

std::vector<HubAcquisition> HubClient::bulletLands(const std::string& id) {
    return json::readAcquisitions(call("GET", "/v1/acquisitions/" + id + "/lands"));
}

void HubClient::downloadScan(const std::string& id, const std::string& path) {
    const std::string body = call("GET", "/v1/acquisitions/" + id + "/scan");
    const std::string temp = path + ".part";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(body.data(), std::streamsize(body.size()));
        if (!out) throw HubError(0, "cannot write " + temp);
    }
    fs::rename(temp, path);
}

std::vector<LeadList> HubClient::leads(std::int64_t since, int limit, std::int64_t& cursor) {
    return json::readLeadLists(
        call("GET", "/v1/leads?since=" + std::to_string(since) + "&limit=" + std::to_string(limit)), cursor);
}

void HubClient::reportOutcome(std::int64_t candidateId, const std::string& outcome) {
    call("POST", "/v1/candidates/" + std::to_string(candidateId) + "/outcome", "{\"outcome\":\"" + outcome + "\"}");
}

std::vector<AgencyStats> HubClient::stats() { return json::readStats(call("GET", "/v1/stats")); }

std::string HubClient::statistics(const records::StatisticsFilter& filter) {
    Poco::URI uri("/v1/stats");
    if (!filter.from.empty()) uri.addQueryParameter("from", filter.from);
    if (!filter.to.empty()) uri.addQueryParameter("to", filter.to);
    if (!filter.agency.empty()) uri.addQueryParameter("agency", filter.agency);
    if (!filter.caliber.empty()) uri.addQueryParameter("caliber", filter.caliber);
    return call("GET", uri.toString());
}

HubFeedback HubClient::sendFeedback(std::int64_t candidateId, const HubFeedback& feedback) {
    return json::readFeedbackItem(call("POST", "/v1/candidates/" + std::to_string(candidateId) + "/feedback", json::writeFeedbackInput(feedback)));
}

std::vector<HubFeedback> HubClient::feedback(std::int64_t since, int limit, std::int64_t& cursor) {
    return json::readFeedback(call("GET", "/v1/feedback?since=" + std::to_string(since) + "&limit=" + std::to_string(limit)), cursor);
}

std::vector<HubChange> HubClient::changes(std::int64_t since, int limit, std::int64_t& cursor) {
    return json::readChanges(
        call("GET", "/v1/changes?since=" + std::to_string(since) + "&limit=" + std::to_string(limit)), cursor);
}

}  // namespace striae::sync
