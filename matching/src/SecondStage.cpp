#include "striae/matching/SecondStage.h"

#include <stdexcept>

#include "striae/imaging/Preprocess.h"
#include "striae/matching/Cmc.h"

namespace striae::matching {

imaging::Surface secondStageSurface(const imaging::Surface& processed, const SecondStageOptions& options) {
    if (!(options.stepUm > 0)) throw std::invalid_argument("the second stage's step must be positive");
    const double step = options.stepUm * 1e-6;
    return processed.spacingX() < step * 0.99 ? imaging::resample(processed, step) : processed;
}

SecondStageScore secondStageScore(const imaging::Surface& queryAtStep, const imaging::Surface& holdingAtStep, const SignatureMatch& rotation,
                                  const SecondStageOptions& options) {
    if (options.grid < 1 || options.rotations < 1 || !(options.windowDeg >= 0) || !(options.angleStepDeg > 0))
        throw std::invalid_argument("second stage: the grid, the rotations and the angle step must be positive");
    CmcParameters p;
    p.gridRows = p.gridCols = options.grid;
    p.thetaStepDeg = options.angleStepDeg;
    std::vector<double> peaks{rotation.rotationDeg};
    for (std::size_t k = 0; k + 1 < std::size_t(options.rotations) && k < rotation.otherPeaksDeg.size(); ++k)
        peaks.push_back(rotation.otherPeaksDeg[k]);
    // The signature knows the rotation up to a half turn; CMC turns the
    // compared surface, the signature the query: hence the sign.
    std::vector<AngleWindow> windows;
    for (double peak : peaks)
        for (double base : {peak, peak - 180}) windows.push_back({-base - options.windowDeg, -base + options.windowDeg});
    SecondStageScore best;
    bool any = false;
    for (const CmcDirection& d : compareCmcDirectionWindows(queryAtStep, holdingAtStep, p, windows)) {
        const SecondStageScore s{d.originalCount, d.highCount, d.consensus.thetaDeg};
        if (!any || s.rank() > best.rank()) best = s, any = true;
    }
    return best;
}

}  // namespace striae::matching
