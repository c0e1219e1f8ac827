#include "PollingLoop.h"

#include <Poco/Logger.h>

#include <chrono>

namespace striae::sync {

PollingLoop::PollingLoop(std::string what, int intervalMs, std::function<int()> pass)
    : what_(std::move(what)), intervalMs_(intervalMs), pass_(std::move(pass)) {}

PollingLoop::~PollingLoop() { stop(); }

void PollingLoop::start() {
    thread_ = std::thread([this] {
        auto& log = Poco::Logger::get("striae-hub");
        std::string lastError;
        for (;;) {
            try {
                while (pass_() > 0) {
                    std::lock_guard lock(mutex_);
                    if (stopping_) return;
                }
                if (!lastError.empty()) log.information(what_ + ": reachable again");
                lastError.clear();
            } catch (const std::exception& e) {
                if (lastError != e.what()) log.warning(what_ + ": " + e.what());
                lastError = e.what();
            }
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [&] { return stopping_ || woken_; });
            if (stopping_) return;
            woken_ = false;
        }
    });
}

void PollingLoop::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PollingLoop::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

}  // namespace striae::sync
