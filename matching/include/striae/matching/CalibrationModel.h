#pragma once
// A calibration model file: how a CMC comparison becomes a likelihood ratio,
// with what it was fitted on, when, by which software, and its
// cross-validated figures (docs/validation.md). The id is a hash of the
// file's content, so a report that names a model names exactly one file and
// an edited model no longer loads.

#include <string>
#include <vector>

#include "striae/matching/Cmc.h"
#include "striae/matching/LikelihoodRatio.h"
#include "striae/matching/ScoreValidation.h"

namespace striae::matching {

struct CalibrationData {
    std::string description;   // e.g. "Weller et al. (2012), Ruger P95, 11 slides"
    std::string truthFile;     // file name of the truth table
    std::string truthSha256;
    int scans = 0, firearms = 0, pairs = 0, knownMatches = 0, knownNonMatches = 0;
};

struct FoldFigures {
    int firearm = 0;
    std::string example;  // one scan of the firearm, to name it
    ValidationSummary summary;
};

struct CalibrationValidation {
    std::string scheme;                 // how the figures were obtained
    ValidationSummary score;            // the model's score, cross-validated
    ValidationSummary count;            // the CMC count on the same folds
    std::string chosenBecause;          // why this score kind was chosen
    std::vector<FoldFigures> folds;     // per held-out firearm, the model's score
    std::vector<double> knownMatchLog10Lrs, knownNonMatchLog10Lrs;  // out of fold (Tippett, ECE)
};

struct CalibrationModel {
    static constexpr int kFormatVersion = 1;
    std::string id;            // 16 hex digits of the SHA-256 of the file with the id blanked
    std::string name;
    std::string created;       // ISO 8601, UTC
    std::string software;      // "striae 0.9.0"
    CmcParameters parameters;  // the comparisons it is valid for
    ScoreModel score;
    LrCalibration calibration;
    CalibrationData data;
    CalibrationValidation validation;

    // The LR of one comparison; throws std::invalid_argument when the
    // comparison used other CMC parameters than the model was fitted with.
    LrEstimate likelihoodRatio(const CmcResult& result) const;
    double scoreOf(const CmcResult& result) const;
    // "validated LR (model <id>, <name>; docs/validation.md)"
    std::string label() const;
};

// The LR as a candidate's details carry it (store and hub alike):
// {"log10":…,"lower95":…,"upper95":…,"bound":"upper"|"lower"|"","model":id}
std::string likelihoodRatioJson(const LrEstimate& lr, const std::string& modelId);

// Serialises with a fresh id (returned in the model).
std::string calibrationModelJson(CalibrationModel& model);
// Writes atomically (temporary file, then rename); nothing is left on failure.
void writeCalibrationModel(CalibrationModel& model, const std::string& path);
// Throws std::runtime_error naming the file and the problem: unreadable, not
// JSON, wrong format or version, a missing or wrong field, an id that does
// not match the content.
CalibrationModel readCalibrationModel(const std::string& path);
CalibrationModel parseCalibrationModel(const std::string& text, const std::string& source);

}  // namespace striae::matching
