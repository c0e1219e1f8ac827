#pragma once
// Requests per token: a token bucket each (sustained rate, burst), so one
// agency's runaway client cannot take the hub from the others.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace striae::sync {

class RateLimiter {
public:
    RateLimiter(double perSecond, int burst) : perSecond_(perSecond), burst_(std::max(1, burst)) {}
    // True if `key` may make a request now; else `retryAfterSeconds` says when.
    bool allow(const std::string& key, int& retryAfterSeconds) {
        if (!(perSecond_ > 0)) return true;  // unlimited
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        Bucket& b = buckets_.try_emplace(key, Bucket{double(burst_), now}).first->second;
        b.tokens = std::min(double(burst_), b.tokens + std::chrono::duration<double>(now - b.at).count() * perSecond_);
        b.at = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return true;
        }
        retryAfterSeconds = std::max(1, int((1 - b.tokens) / perSecond_ + 0.999));
        return false;
    }

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point at;
    };
    double perSecond_;
    int burst_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace striae::sync
