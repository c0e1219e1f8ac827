#pragma once
// An error the hub reports to a client: the HTTP status says what kind
// (400 malformed, 401 no or bad token, 403 not yours, 404, 409, 413 too
// large, 415 wrong content type, 422 unreadable scan), the message names it.
#include <stdexcept>
#include <string>

namespace striae::sync {

class HubError : public std::runtime_error {
public:
    HubError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

}  // namespace striae::sync
