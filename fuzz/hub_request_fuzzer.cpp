// Any bytes as what a client sends the hub: the first byte picks the part
// under test, the rest is its input. Every outcome must be a parsed value or
// a HubError (the hub answers it as a 4xx/5xx); a crash, a sanitizer report,
// another exception or a hang is a bug.
//   0: the JSON metadata of a push (and the other JSON bodies the hub reads)
//   1: a multipart/form-data push body (boundary "B", scan limit 64 KiB)
//   2: a request target: path segments, ids and query parameters
//   3: JSON a hub reads from a peer or returns to a client (lead lists, changes, stats)
#include <Poco/Net/HTTPRequest.h>
#include <Poco/URI.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "RequestParsing.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubJson.h"

using namespace striae::sync;

namespace {
const std::string& tempPath() {
    static const std::string path = "/tmp/striae-hub-fuzz-" + std::to_string(::getpid()) + ".upload";
    return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 4) {
            case 0: {
                std::string sha;
                const AcquisitionMetadata m = json::readMetadata(input, &sha);
                (void)json::writeMetadata(m, sha);
                (void)json::readBool(input, "disclosed");
                (void)json::readString(input, "outcome");
                break;
            }
            case 1: {
                Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/v1/acquisitions");
                request.setContentType("multipart/form-data; boundary=B");
                std::istringstream body(input);
                UploadReceiver receiver(tempPath(), 64 << 10);
                const Upload upload = receiver.receive(request, body);
                std::string sha;
                (void)json::readMetadata(upload.metadata, &sha);
                break;
            }
            case 2: {
                const Poco::URI uri("/v1/" + input);
                std::vector<std::string> path;
                uri.getPathSegments(path);
                for (const auto& segment : path) {
                    try {
                        (void)acquisitionIdFrom(segment);
                    } catch (const HubError&) {
                    }
                    try {
                        (void)candidateIdFrom(segment);
                    } catch (const HubError&) {
                    }
                }
                const auto query = uri.getQueryParameters();
                (void)integerParameter(query, "since", 0);
                (void)integerParameter(query, "limit", 100);
                break;
            }
            default: {
                std::int64_t cursor = 0;
                try {
                    (void)json::readLeadLists(input, cursor);
                } catch (const HubError&) {
                }
                try {
                    (void)json::readChanges(input, cursor);
                } catch (const HubError&) {
                }
                try {
                    (void)json::readStats(input);
                } catch (const HubError&) {
                }
                (void)json::readAcquisition(input);
                break;
            }
        }
    } catch (const HubError&) {
    } catch (const Poco::SyntaxException&) {
        // Poco::URI refuses a malformed target before the hub sees it (the handler answers 400 for it).
    }
    return 0;
}
