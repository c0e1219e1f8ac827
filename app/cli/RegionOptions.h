#pragma once
// --primer / --firing-pin CX,CY,R in micrometres from a scan's first point,
// for `preprocess` and `import`: the circle in the scan's pixels.
#include <CLI/CLI.hpp>

#include <vector>

#include "striae/imaging/Preprocess.h"

namespace striae::cli {

inline void addRegionOptions(CLI::App& cmd, std::vector<double>& primerUm, std::vector<double>& pinUm, const std::string& scope) {
    cmd.add_option("--primer", primerUm, scope + "primer outline CX,CY,R in micrometres from the first point (replaces its detection)")
        ->expected(3)
        ->delimiter(',');
    cmd.add_option("--firing-pin", pinUm, scope + "firing-pin impression CX,CY,R in micrometres (replaces its detection)")
        ->expected(3)
        ->delimiter(',');
}

// The given circles on the scan, for the pipeline's hints.
inline imaging::BreechFaceHints regionHints(const imaging::Surface& scan, const std::vector<double>& primerUm,
                                            const std::vector<double>& pinUm) {
    auto circle = [&](const std::vector<double>& um, const char* name) {
        if (um[2] <= 0) throw CLI::ValidationError(name, "the radius must be positive");
        const double px = scan.spacingX() * 1e6, py = scan.spacingY() * 1e6;
        return imaging::Circle{um[0] / px, um[1] / py, um[2] / px};
    };
    imaging::BreechFaceHints hints;
    if (!primerUm.empty()) hints.primer = circle(primerUm, "--primer");
    if (!pinUm.empty()) hints.firingPin = circle(pinUm, "--firing-pin");
    return hints;
}

}  // namespace striae::cli
