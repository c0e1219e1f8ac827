#pragma once
// Work over many scans on a few threads, with progress and cancellation, for
// the correlation runs (breech faces and bullets).
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "StoreImpl.h"

namespace striae::records {

// Calls work(i) for every i in [0, count) on `threads` threads. progress(done,
// count), asked every 50 ms, may return false to cancel. The first failure
// stops the rest and is thrown as "<what> failed: <name(i)>: <message>"
// (keeping a RecordsError's kind); a cancel throws "<what> cancelled; nothing stored".
inline void forEachInParallel(int count, int threads, const std::function<void(int)>& work, const std::function<std::string(int)>& name,
                              const std::function<bool(int, int)>& progress, const std::string& what) {
    std::atomic<int> next{0}, done{0};
    std::atomic<bool> cancelled{false};
    std::mutex errorMutex;
    std::string error;
    RecordsError::Kind errorKind = RecordsError::Kind::Storage;
    std::vector<std::thread> pool;
    for (int t = 0; t < std::max(1, threads); ++t)
        pool.emplace_back([&] {
            for (int i; !cancelled && (i = next++) < count;) {
                try {
                    work(i);
                } catch (const std::exception& e) {
                    std::lock_guard lock(errorMutex);
                    if (error.empty()) {
                        error = name(i) + ": " + e.what();
                        if (const auto* r = dynamic_cast<const RecordsError*>(&e)) errorKind = r->kind();
                    }
                    cancelled = true;
                }
                ++done;
            }
        });
    for (;;) {
        const int d = done;
        if (progress && !progress(d, count)) cancelled = true;
        if (d >= count || cancelled) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (auto& t : pool) t.join();
    if (!error.empty()) fail(errorKind, what + " failed: " + error);
    if (cancelled) fail(RecordsError::Kind::InvalidInput, what + " cancelled; nothing stored");
}

}  // namespace striae::records
