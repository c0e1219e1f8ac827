#include "striae/matching/CmcFeatures.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace striae::matching {

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    const auto mid = v.begin() + v.size() / 2;
    std::nth_element(v.begin(), mid, v.end());
    if (v.size() % 2) return *mid;
    return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

double thresholdPixels(const CmcParameters& p, double spacing) {
    return spacing > 0 ? p.translationThresholdUm * 1e-6 / spacing : p.translationThresholdUm / 6.25;
}

double fraction(int count, int used) { return used > 0 ? double(count) / used : 0.0; }

// How far the cells' best shifts scatter about the consensus: the median
// absolute deviation of dx and dy combined, in units of T_x.
double registrationSpread(const CmcDirection& d, double thresholdPx) {
    std::vector<double> xs, ys;
    for (const auto& c : d.cells)
        if (c.used && c.best.valid) {
            xs.push_back(std::abs(c.best.dx - d.consensus.dx));
            ys.push_back(std::abs(c.best.dy - d.consensus.dy));
        }
    if (xs.empty()) return 0;
    return std::hypot(median(xs), median(ys)) / thresholdPx;
}

}  // namespace

const std::vector<std::string>& cmcFeatureNames() {
    static const std::vector<std::string> names = {
        "cmc_min",                       // today's score: original-rule count, minimum of both directions
        "cmc_max",                       // the better direction's count
        "cmc_high_min",                  // High-CMC count, minimum of both directions
        "congruent_fraction_min",        // CMCs / used cells, worse direction
        "congruent_fraction_max",        // CMCs / used cells, better direction
        "cluster_fraction_min",          // densest registration cluster / used cells, worse direction
        "cluster_fraction_max",          // the same, better direction
        "registration_spread",           // scatter of the cells' shifts about the consensus, in T_x (mean of directions)
        "direction_theta_disagreement",  // |θ_forward + θ_backward| / T_θ: the two consensus rotations should cancel
        "direction_shift_disagreement",  // |d_forward + d_backward| / T_x: so should the shifts
        "ccf_congruent_mean",            // mean correlation of the congruent cells (both directions)
        "ccf_all_mean",                  // mean best correlation of every used cell (both directions)
    };
    return names;
}

int cmcFeatureIndex(const std::string& name) {
    const auto& names = cmcFeatureNames();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) throw std::invalid_argument("unknown CMC feature '" + name + "'");
    return int(it - names.begin());
}

int densestRegistrationCluster(const CmcDirection& d, const CmcParameters& p, double spacing) {
    const double tx = thresholdPixels(p, spacing);
    std::vector<const CellRegistration*> regs;
    for (const auto& c : d.cells)
        if (c.used && c.best.valid) regs.push_back(&c.best);
    int best = 0;
    for (const auto* a : regs) {
        int n = 0;
        for (const auto* b : regs)
            n += std::abs(a->dx - b->dx) <= tx && std::abs(a->dy - b->dy) <= tx &&
                 std::abs(a->thetaDeg - b->thetaDeg) <= p.rotationThresholdDeg + 1e-9;
        best = std::max(best, n);
    }
    return best;
}

std::vector<double> cmcFeatures(const CmcResult& r) {
    const auto& p = r.parameters;
    const double tx = thresholdPixels(p, r.spacing);
    const auto& f = r.forward;
    const auto& b = r.backward;

    const double congruentF = fraction(f.originalCount, f.usedCells), congruentB = fraction(b.originalCount, b.usedCells);
    const double clusterF = fraction(densestRegistrationCluster(f, p, r.spacing), f.usedCells);
    const double clusterB = fraction(densestRegistrationCluster(b, p, r.spacing), b.usedCells);

    double ccfCongruent = 0, ccfAll = 0;
    int nCongruent = 0, nAll = 0;
    for (const auto* d : {&f, &b})
        for (const auto& c : d->cells) {
            if (!c.used || !c.best.valid) continue;
            ccfAll += c.best.correlation;
            ++nAll;
            if (c.congruentOriginal) {
                ccfCongruent += c.best.correlation;
                ++nCongruent;
            }
        }

    const bool bothDirections = f.usedCells > 0 && b.usedCells > 0;
    const double thetaDisagreement =
        bothDirections ? std::abs(f.consensus.thetaDeg + b.consensus.thetaDeg) / p.rotationThresholdDeg : 0;
    const double shiftDisagreement =
        bothDirections ? std::hypot(f.consensus.dx + b.consensus.dx, f.consensus.dy + b.consensus.dy) / tx : 0;

    return {
        double(std::min(f.originalCount, b.originalCount)),
        double(std::max(f.originalCount, b.originalCount)),
        double(std::min(f.highCount, b.highCount)),
        std::min(congruentF, congruentB),
        std::max(congruentF, congruentB),
        std::min(clusterF, clusterB),
        std::max(clusterF, clusterB),
        0.5 * (registrationSpread(f, tx) + registrationSpread(b, tx)),
        thetaDisagreement,
        shiftDisagreement,
        nCongruent ? ccfCongruent / nCongruent : 0.0,
        nAll ? ccfAll / nAll : 0.0,
    };
}

}  // namespace striae::matching
