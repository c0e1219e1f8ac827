#include "striae/matching/CmcJson.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace striae::matching {

namespace {
std::string text(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}
}  // namespace

std::string cmcParametersJson(const CmcParameters& p) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("method", "cmc");
    o.set("grid", p.gridRows);
    o.set("maxMissing", p.maxMissingFraction);
    o.set("regionFactor", p.regionSizeFactor);
    o.set("thetaMin", p.thetaMinDeg);
    o.set("thetaMax", p.thetaMaxDeg);
    o.set("thetaStep", p.thetaStepDeg);
    o.set("tTranslationUm", p.translationThresholdUm);
    o.set("tThetaDeg", p.rotationThresholdDeg);
    o.set("tCcf", p.correlationThreshold);
    return text(o);
}

std::string cmcSummaryJson(const CmcResult& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("forwardOriginal", r.forward.originalCount);
    o.set("backwardOriginal", r.backward.originalCount);
    o.set("forwardHigh", r.forward.highCount);
    o.set("backwardHigh", r.backward.highCount);
    o.set("usedCells", r.forward.usedCells);
    o.set("thetaDeg", r.forward.consensus.thetaDeg);
    o.set("dxPx", r.forward.consensus.dx);
    o.set("dyPx", r.forward.consensus.dy);
    o.set("spacing_m", r.spacing);
    // Scans at different spacings were compared at the coarser: what each had.
    if (r.resampled) {
        o.set("reference_spacing_m", r.referenceSpacing);
        o.set("compared_spacing_m", r.comparedSpacing);
    }
    return text(o);
}

}  // namespace striae::matching
