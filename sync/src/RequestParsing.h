#pragma once
// What the hub reads from a request before it acts: the multipart upload of
// a push (metadata part and scan part, the scan streamed to a temporary file
// with a size limit and hashed as it arrives), ids and query parameters.
// Every refusal is a HubError with the status to answer; this is what the
// request fuzzer (fuzz/hub_request_fuzzer.cpp) drives.
#include <Poco/Net/HTTPRequest.h>
#include <Poco/URI.h>

#include <cstdint>
#include <istream>
#include <string>

namespace striae::sync {

struct Upload {
    std::string metadata;  // the JSON of part 'metadata'
    std::string scanPath;  // the temporary file of part 'scan' (removed by ~UploadReceiver unless kept)
    std::string sha256;
    std::int64_t size = 0;
};

// Receives one push's body; owns the temporary scan file until keep().
class UploadReceiver {
public:
    UploadReceiver(std::string tempPath, std::int64_t scanLimit);
    ~UploadReceiver();
    UploadReceiver(const UploadReceiver&) = delete;
    UploadReceiver& operator=(const UploadReceiver&) = delete;
    // Parses a multipart/form-data body; HubError 400/413/415/507 on refusal.
    Upload receive(const Poco::Net::HTTPRequest& request, std::istream& body);
    void keep() { kept_ = true; }
    const std::string& tempPath() const { return tempPath_; }

private:
    std::string tempPath_;
    std::int64_t limit_;
    bool kept_ = false;
};

// A file's bytes as a request's body (of `contentType`, at most `limit`), streamed to `tempPath` and hashed as
// they arrive (HubError 413/415/507, the file removed). The receiver of the result takes the file or removes it.
struct ReceivedFile {
    std::string path, sha256;
    std::int64_t size = 0;
};
ReceivedFile receiveBody(Poco::Net::HTTPRequest& request, std::istream& body, const std::string& tempPath, std::int64_t limit,
                         const std::string& what, const std::string& contentType);

// A 32-hex-digit acquisition id from a path segment (HubError 400).
std::string acquisitionIdFrom(const std::string& segment);
// A non-negative integer query parameter, `fallback` if absent (HubError 400).
std::int64_t integerParameter(const Poco::URI::QueryParameters& query, const std::string& name, std::int64_t fallback);
// A short text query parameter ("" if absent); more than 64 bytes or a control character is HubError 400.
std::string textParameter(const Poco::URI::QueryParameters& query, const std::string& name);
// A candidate id from a path segment (HubError 400).
std::int64_t candidateIdFrom(const std::string& segment);

}  // namespace striae::sync
