#pragma once
// A one-line progress bar for long work, drawn only when stdout is a terminal
// so that scripts and pipes see clean output.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace striae::cli {

class Progress {
public:
    explicit Progress(std::string label);
    ~Progress();
    void update(long done, long total);
    void finish();
    bool enabled() const { return enabled_; }

private:
    std::string label_;
    bool enabled_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point lastDraw_{};
};

// Runs work(i) for i in [0, n) on `threads` threads, reporting progress from this one.
template <typename Work>
void parallelFor(int n, int threads, const char* label, Work work) {
    std::atomic<int> next{0}, done{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i; (i = next++) < n;) {
                work(i);
                ++done;
            }
        });
    Progress progress(label);
    while (done < n) {
        progress.update(done, n);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& t : pool) t.join();
    progress.finish();
}

}  // namespace striae::cli
