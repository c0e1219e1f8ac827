#include "RequestParsing.h"

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/NullStream.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "striae/sync/HubError.h"

namespace fs = std::filesystem;

namespace striae::sync {

namespace {

constexpr std::size_t kMaxMetadataBytes = 1 << 20;

// The scan part streamed to the temporary file (with a size limit); other parts kept by the form.
class ScanPartHandler : public Poco::Net::PartHandler {
public:
    ScanPartHandler(const std::string& tempPath, std::int64_t limit) : tempPath_(tempPath), limit_(limit) {}
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string disposition;
        Poco::Net::NameValueCollection parameters;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, parameters);
        const std::string name = parameters.get("name", "");
        if (name != "scan") {
            Poco::NullOutputStream sink;
            Poco::StreamCopier::copyStream(stream, sink);
            return;
        }
        if (received_) throw HubError(400, "more than one part named 'scan'");
        const std::string filename = parameters.get("filename", "");
        if (filename.find('/') != std::string::npos || filename.find('\\') != std::string::npos ||
            filename.find("..") != std::string::npos || filename.find('\0') != std::string::npos)
            throw HubError(400, "file name '" + filename.substr(0, 80) + "' is not allowed: no paths, only a name");
        std::ofstream out(tempPath_, std::ios::binary | std::ios::trunc);
        Poco::SHA2Engine hash(Poco::SHA2Engine::SHA_256);  // hashed as it arrives: no second read
        char buffer[1 << 16];
        while (stream) {
            stream.read(buffer, sizeof buffer);
            size_ += stream.gcount();
            if (size_ > limit_) throw HubError(413, "scan larger than the hub's limit of " + std::to_string(limit_) + " bytes");
            out.write(buffer, stream.gcount());
            hash.update(buffer, unsigned(stream.gcount()));
        }
        out.close();
        if (!out) throw HubError(507, "the hub could not write the upload");
        sha256_ = Poco::DigestEngine::digestToHex(hash.digest());
        received_ = true;
    }
    bool received() const { return received_; }
    std::int64_t size() const { return size_; }
    const std::string& sha256() const { return sha256_; }

private:
    const std::string& tempPath_;
    std::int64_t limit_, size_ = 0;
    std::string sha256_;
    bool received_ = false;
};

}  // namespace

UploadReceiver::UploadReceiver(std::string tempPath, std::int64_t scanLimit) : tempPath_(std::move(tempPath)), limit_(scanLimit) {}

UploadReceiver::~UploadReceiver() {
    if (!kept_) {
        std::error_code ec;
        fs::remove(tempPath_, ec);
    }
}

Upload UploadReceiver::receive(const Poco::Net::HTTPRequest& request, std::istream& body) {
    const std::string type = request.getContentType();
    if (type.rfind("multipart/form-data", 0) != 0)
        throw HubError(415, "content type '" + type.substr(0, 80) + "': a push is multipart/form-data with parts 'metadata' and 'scan'");
    ScanPartHandler part(tempPath_, limit_);
    Poco::Net::HTMLForm form;
    form.setFieldLimit(10);
    form.setValueLengthLimit(int(kMaxMetadataBytes));
    try {
        form.load(request, body, part);
    } catch (const HubError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw HubError(400, "malformed multipart upload: " + e.displayText());
    } catch (const std::exception& e) {
        throw HubError(400, std::string("malformed multipart upload: ") + e.what());
    }
    if (!form.has("metadata")) throw HubError(400, "part 'metadata' is missing");
    if (!part.received()) throw HubError(400, "part 'scan' is missing");
    return {form.get("metadata"), tempPath_, part.sha256(), part.size()};
}

ReceivedFile receiveBody(Poco::Net::HTTPRequest& request, std::istream& body, const std::string& tempPath, std::int64_t limit,
                         const std::string& what, const std::string& contentType) {
    const std::string megabytes = std::to_string(limit >> 20) + " MB";
    if (request.getContentType().rfind(contentType, 0) != 0)
        throw HubError(415, "content type '" + request.getContentType().substr(0, 80) + "': " + what + " is sent as " + contentType);
    if (request.hasContentLength() && request.getContentLength64() > limit)
        throw HubError(413, what + " of " + std::to_string(request.getContentLength64()) + " bytes; at most " + megabytes);
    ReceivedFile f;
    f.path = tempPath;
    Poco::SHA2Engine hash(Poco::SHA2Engine::SHA_256);
    auto fail = [&](int status, const std::string& message) {
        std::error_code ec;
        fs::remove(f.path, ec);
        throw HubError(status, message);
    };
    {
        std::ofstream out(f.path, std::ios::binary | std::ios::trunc);
        char buffer[1 << 16];
        while (body) {
            body.read(buffer, sizeof buffer);
            const auto n = body.gcount();
            f.size += n;
            if (f.size > limit) {
                out.close();
                fail(413, what + " larger than " + megabytes);
            }
            hash.update(buffer, std::size_t(n));
            out.write(buffer, n);
        }
        if (!out) fail(507, "the hub could not store " + what);
    }
    f.sha256 = Poco::DigestEngine::digestToHex(hash.digest());
    return f;
}

std::string acquisitionIdFrom(const std::string& segment) {
    if (segment.size() != 32 || segment.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw HubError(400, "acquisition id '" + segment.substr(0, 80) + "' is not 32 hexadecimal digits");
    return segment;
}

namespace {
// The whole text as a non-negative decimal integer, or nothing.
std::optional<std::int64_t> nonNegativeInteger(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size() && v >= 0) return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}
}  // namespace

std::int64_t integerParameter(const Poco::URI::QueryParameters& query, const std::string& name, std::int64_t fallback) {
    for (const auto& [key, value] : query)
        if (key == name) {
            if (const auto v = nonNegativeInteger(value)) return *v;
            throw HubError(400, "query parameter '" + name + "' must be a non-negative integer, not '" + value.substr(0, 40) + "'");
        }
    return fallback;
}

std::string textParameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    for (const auto& [key, value] : query)
        if (key == name) {
            if (value.size() > 64) throw HubError(400, "query parameter '" + name + "' is longer than 64 bytes");
            for (unsigned char c : value)
                if (c < 0x20 || c == 0x7f) throw HubError(400, "query parameter '" + name + "' holds a control character");
            return value;
        }
    return {};
}

std::int64_t candidateIdFrom(const std::string& segment) {
    if (const auto v = nonNegativeInteger(segment)) return *v;
    throw HubError(400, "candidate id '" + segment.substr(0, 40) + "' is not a number");
}

}  // namespace striae::sync
