#pragma once
// A synthetic land-engraved area: the bullet's curvature (an arch), striae
// that run along y (tilted by `tiltDeg`), groove shoulders rising outside
// [grooveLeftUm, grooveRightUm], and a little noise. `striae` gives the
// striae height (µm) at a position across the land (µm).
#include <cmath>
#include <functional>
#include <random>

#include "striae/imaging/Surface.h"

namespace striae::test {

struct SyntheticLandOptions {
    int cols = 900, rows = 300;
    double spacingUm = 2.0;
    double radiusUm = 4500;          // bullet radius: the arch
    double grooveLeftUm = 200, grooveRightUm = 1600;
    double tiltDeg = 0;
    double noiseUm = 0.05;
    unsigned seed = 1;
};

// Striae: a sum of sinusoids with wavelengths between 15 and 150 µm (seeded).
inline std::function<double(double)> randomStriae(unsigned seed, int components = 40) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> wavelength(15, 150), phase(0, 2 * M_PI), amplitude(0.2, 1.0);
    std::vector<std::array<double, 3>> parts;
    for (int i = 0; i < components; ++i) parts.push_back({wavelength(random), phase(random), amplitude(random)});
    return [parts](double x) {
        double z = 0;
        for (const auto& p : parts) z += p[2] * std::sin(2 * M_PI * x / p[0] + p[1]);
        return z / std::sqrt(double(parts.size()));
    };
}

inline imaging::Surface syntheticLand(const SyntheticLandOptions& o, const std::function<double(double)>& striae) {
    imaging::Surface s(o.rows, o.cols, o.spacingUm * 1e-6, o.spacingUm * 1e-6);
    std::mt19937 random(o.seed);
    std::normal_distribution<double> noise(0, o.noiseUm);
    const double centre = 0.5 * (o.grooveLeftUm + o.grooveRightUm);
    const double slope = std::tan(o.tiltDeg * M_PI / 180);
    auto arch = [&](double x) { return -(x - centre) * (x - centre) / (2 * o.radiusUm); };
    for (int r = 0; r < o.rows; ++r)
        for (int c = 0; c < o.cols; ++c) {
            const double x = c * o.spacingUm, y = r * o.spacingUm;
            double z;
            if (x < o.grooveLeftUm) z = arch(o.grooveLeftUm) + 0.6 * (o.grooveLeftUm - x);          // shoulder rising
            else if (x > o.grooveRightUm) z = arch(o.grooveRightUm) + 0.6 * (x - o.grooveRightUm);
            else z = arch(x) + striae(x - y * slope);
            s.set(r, c, (z + noise(random)) * 1e-6);
        }
    return s;
}

}  // namespace striae::test
