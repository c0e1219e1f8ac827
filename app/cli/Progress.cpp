#include "Progress.h"

#include <unistd.h>

#include <cstdio>

namespace striae::cli {

Progress::Progress(std::string label) : label_(std::move(label)), enabled_(::isatty(STDOUT_FILENO) == 1) {}

Progress::~Progress() { finish(); }

void Progress::update(long done, long total) {
    if (!enabled_ || total <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - lastDraw_ < std::chrono::milliseconds(100)) return;
    lastDraw_ = now;
    constexpr int kWidth = 30;
    const int filled = int(kWidth * done / total);
    std::printf("\r%s [%.*s%*s] %ld/%ld", label_.c_str(), filled, "##############################",
                kWidth - filled, "", done, total);
    std::fflush(stdout);
    drawn_ = true;
}

void Progress::finish() {
    if (drawn_) {
        std::printf("\r\033[K");
        std::fflush(stdout);
        drawn_ = false;
    }
}

}  // namespace striae::cli
