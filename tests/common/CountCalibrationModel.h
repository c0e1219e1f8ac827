#pragma once
// A calibration model for tests whose LRs are known in closed form:
// log10 LR = -2 + 0.5 × CMC count, bounded to [-2, 3], with a three-refit bootstrap.
#include <filesystem>
#include <string>

#include "striae/matching/CalibrationModel.h"

namespace striae::test {

// Writes the model to `path`; returns its id.
inline std::string writeCountCalibrationModel(const std::filesystem::path& path, const std::string& name = "test model") {
    matching::CalibrationModel m;
    m.name = name;
    m.created = "2026-12-02T00:00:00Z";
    m.software = "striae test";
    m.score.kind = matching::ScoreKind::CmcCount;
    m.calibration.a = -2;
    m.calibration.b = 0.5;
    m.calibration.lowerBoundLog10 = -2;
    m.calibration.upperBoundLog10 = 3;
    m.calibration.bootstrap = {{-2.2, 0.45}, {-1.8, 0.55}, {-2.0, 0.5}};
    m.validation.scheme = "test";
    matching::writeCalibrationModel(m, path.string());
    return m.id;
}

}  // namespace striae::test
