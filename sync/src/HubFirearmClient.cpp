#include "striae/sync/HubFirearmClient.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "striae/sync/HubError.h"
#include "striae/sync/HubFirearmJson.h"

namespace striae::sync {

namespace {
std::string segment(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "/?#&=+;", out);
    return out;
}
}  // namespace

records::FirearmRecord HubFirearmClient::share(const std::string& uid, const records::FirearmRecordFields& fields, const std::string& by,
                                               bool allowUnlistedCaliber) {
    json::FirearmWrite w;
    w.by = by;
    w.allowUnlistedCaliber = allowUnlistedCaliber;
    return json::readRecord(hub_.call("PUT", "/v1/firearms/" + segment(uid), json::writeRecordFields(fields, w)));
}

records::FirearmRecord HubFirearmClient::withdraw(const std::string& uid, const std::string& reason, const std::string& by) {
    return json::readRecord(hub_.call("POST", "/v1/firearms/" + segment(uid) + "/withdrawal", json::writeAction(by, reason)));
}

records::FirearmRecord HubFirearmClient::record(const std::string& uid) { return json::readRecord(hub_.call("GET", "/v1/firearms/" + segment(uid))); }

std::vector<records::FirearmRecord> HubFirearmClient::search(const records::FirearmSearch& s) {
    Poco::URI uri("/v1/firearms");
    if (!s.serial.empty()) uri.addQueryParameter("serial", s.serial);
    if (s.serialPrefix) uri.addQueryParameter("prefix", "true");
    if (!s.make.empty()) uri.addQueryParameter("make", s.make);
    if (!s.model.empty()) uri.addQueryParameter("model", s.model);
    if (!s.caliber.empty()) uri.addQueryParameter("caliber", s.caliber);
    if (!s.status.empty()) uri.addQueryParameter("status", s.status);
    uri.addQueryParameter("limit", std::to_string(s.limit));
    return json::readRecords(hub_.call("GET", uri.toString()));
}

std::vector<records::SeizureCheck> HubFirearmClient::checksOf(const std::string& uid) {
    return json::readSeizureChecks(hub_.call("GET", "/v1/firearms/" + segment(uid) + "/checks"));
}

records::SeizureCheck HubFirearmClient::checkSeizure(const records::FirearmRecordFields& found, const std::string& by) {
    json::FirearmWrite w;
    w.by = by;
    return json::readSeizureCheck(hub_.call("POST", "/v1/seizures", json::writeRecordFields(found, w)));
}

records::SeizureCheck HubFirearmClient::seizureCheck(std::int64_t id) {
    return json::readSeizureCheck(hub_.call("GET", "/v1/seizures/" + std::to_string(id)));
}

records::FirearmAlert HubFirearmClient::circulate(const records::FirearmAlert& alert, const std::string& by) {
    return json::readAlert(hub_.call("POST", "/v1/alerts", json::writeAlertInput(alert, by)));
}

records::FirearmAlert HubFirearmClient::withdrawAlert(std::int64_t id, const std::string& reason, const std::string& by) {
    return json::readAlert(hub_.call("POST", "/v1/alerts/" + std::to_string(id) + "/withdrawal", json::writeAction(by, reason)));
}

std::vector<records::FirearmAlert> HubFirearmClient::alerts(bool includeWithdrawn) {
    return json::readAlerts(hub_.call("GET", includeWithdrawn ? "/v1/alerts?all=true" : "/v1/alerts"));
}

records::TraceRequest HubFirearmClient::submitTrace(const records::TraceRequestInput& input, const std::string& by) {
    return json::readTrace(hub_.call("POST", "/v1/traces", json::writeTraceInput(input, by)));
}

records::TraceRequest HubFirearmClient::step(std::int64_t traceId, const std::string& action, const std::string& text, const std::string& by) {
    return json::readTrace(hub_.call("POST", "/v1/traces/" + std::to_string(traceId) + "/" + segment(action), json::writeAction(by, text)));
}

records::TraceRequest HubFirearmClient::comment(std::int64_t traceId, const std::string& text, const std::string& by) {
    return json::readTrace(hub_.call("POST", "/v1/traces/" + std::to_string(traceId) + "/comments", json::writeAction(by, text)));
}

records::TraceRequest HubFirearmClient::trace(std::int64_t traceId) {
    return json::readTrace(hub_.call("GET", "/v1/traces/" + std::to_string(traceId)));
}

std::vector<records::TraceRequest> HubFirearmClient::traces(const std::string& box) {
    return json::readTraces(hub_.call("GET", "/v1/traces?box=" + segment(box)));
}

std::vector<HubNotice> HubFirearmClient::notices(std::int64_t since, int limit, std::int64_t& cursor) {
    return json::readNotices(hub_.call("GET", "/v1/notices?since=" + std::to_string(since) + "&limit=" + std::to_string(limit)), cursor);
}

namespace {
// A file's bytes POSTed to `path` with its name and who sends it; the hub's answer.
std::string upload(HubClient& hub, const std::string& path, const std::string& filePath, const std::string& name, const std::string& by) {
    std::ifstream in(filePath, std::ios::binary);
    if (!in) throw HubError(0, "cannot read " + filePath);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    Poco::URI uri(path);
    uri.addQueryParameter("name", name.empty() ? std::filesystem::path(filePath).filename().string() : name);
    uri.addQueryParameter("by", by);
    return hub.call("POST", uri.toString(), bytes, "application/octet-stream");
}

// GETs a file and writes it to `out` through a temporary, once its SHA-256 is the one expected.
void download(HubClient& hub, const std::string& path, const std::string& sha256, const std::string& what, const std::string& out) {
    const std::string body = hub.call("GET", path);
    Poco::SHA2Engine hash(Poco::SHA2Engine::SHA_256);
    hash.update(body);
    if (Poco::DigestEngine::digestToHex(hash.digest()) != sha256) throw HubError(502, what + " arrived altered (its SHA-256 differs)");
    const std::string temp = out + ".part";
    {
        std::ofstream file(temp, std::ios::binary | std::ios::trunc);
        file.write(body.data(), std::streamsize(body.size()));
        if (!file) throw HubError(0, "cannot write " + temp);
    }
    std::filesystem::rename(temp, out);
}
}  // namespace

records::TraceAttachment HubFirearmClient::attach(std::int64_t traceId, const std::string& filePath, const std::string& name,
                                                   const std::string& by) {
    const auto list = json::readAttachments(upload(hub_, "/v1/traces/" + std::to_string(traceId) + "/attachments", filePath, name, by));
    if (list.empty()) throw HubError(502, "the hub answered an attachment with nothing");
    return list.front();
}

records::FirearmPhotograph HubFirearmClient::addPhoto(const std::string& uid, const std::string& imagePath, const std::string& name,
                                                      const std::string& by) {
    const auto list = json::readPhotos(upload(hub_, "/v1/firearms/" + segment(uid) + "/photos", imagePath, name, by));
    if (list.empty()) throw HubError(502, "the hub answered a photograph with nothing");
    return list.front();
}

std::vector<records::FirearmPhotograph> HubFirearmClient::photos(const std::string& uid) {
    return json::readPhotos(hub_.call("GET", "/v1/firearms/" + segment(uid) + "/photos"));
}

void HubFirearmClient::downloadPhoto(const std::string& uid, const records::FirearmPhotograph& photo, const std::string& path) {
    download(hub_, "/v1/firearms/" + segment(uid) + "/photos/" + std::to_string(photo.id), photo.sha256, "photograph " + std::to_string(photo.id),
             path);
}

std::vector<records::TraceAttachment> HubFirearmClient::attachments(std::int64_t traceId) {
    return json::readAttachments(hub_.call("GET", "/v1/traces/" + std::to_string(traceId) + "/attachments"));
}

void HubFirearmClient::downloadAttachment(std::int64_t traceId, const records::TraceAttachment& a, const std::string& path) {
    download(hub_, "/v1/traces/" + std::to_string(traceId) + "/attachments/" + std::to_string(a.id), a.sha256, "attachment " + std::to_string(a.id),
             path);
}

std::optional<std::string> HubFirearmClient::referenceTable(std::int64_t since, std::int64_t& version) {
    std::string body = hub_.call("GET", "/v1/reftable?since=" + std::to_string(since));
    const auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    version = o->getValue<std::int64_t>("version");
    if (o->optValue<bool>("unchanged", false)) return std::nullopt;
    return body;
}

}  // namespace striae::sync
