#pragma once
// Small helpers for human-readable CLI output.
#include <cmath>
#include <cstdio>
#include <string>

namespace striae::cli {

inline std::string fixed(double v, int decimals) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

inline std::string micrometres(double metres, int decimals = 3) { return fixed(metres * 1e6, decimals) + " µm"; }

inline std::string bytes(double n) {
    const char* units[] = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (n >= 1000 && u < 3) { n /= 1000; ++u; }
    return fixed(n, u ? 2 : 0) + " " + units[u];
}

}  // namespace striae::cli
