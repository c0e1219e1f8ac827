#pragma once
// A one-line progress bar for long work, drawn only when stdout is a terminal
// so that scripts and pipes see clean output.
#include <chrono>
#include <string>

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

}  // namespace striae::cli
