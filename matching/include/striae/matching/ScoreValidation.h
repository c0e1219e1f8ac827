#pragma once
// Training and cross-validating a similarity score and its LR calibration on
// a labelled set of comparisons (docs/validation.md).
//
// Cross-validation holds out firearms, not pairs: a test pair is scored by a
// model, and its LR by a calibration, fitted only on pairs that involve
// neither of its firearms (leave-one-firearm-out for known matches,
// leave-two-firearms-out for known non-matches). The calibration of each
// fold is itself fitted on out-of-fold scores of its training pairs, so no
// step ever sees a test gun.

#include <map>
#include <string>
#include <vector>

#include "striae/matching/LikelihoodRatio.h"
#include "striae/matching/LogisticRegression.h"

namespace striae::matching {

struct LabelledComparison {
    std::string reference, compared;
    bool knownMatch = false;
    std::vector<double> features;  // cmcFeatures() order
};

// Firearm of each scan: connected components of the known-match pairs,
// numbered from 0 in order of the scans' names. Throws when a known
// non-match joins two scans of one component (the truth contradicts itself).
std::map<std::string, int> firearmsFromKnownMatches(const std::vector<LabelledComparison>& comparisons);

enum class ScoreKind { CmcCount, Logistic };
const char* scoreKindName(ScoreKind kind);  // "cmc_count", "logistic"
ScoreKind scoreKindFromName(const std::string& name);

struct ScoreModel {
    ScoreKind kind = ScoreKind::CmcCount;
    std::vector<std::string> features;  // logistic: the features used, by name
    LogisticRegression regression;

    // `features` here is the full cmcFeatures() vector.
    double score(const std::vector<double>& allFeatures) const;
};

struct ValidationOptions {
    double modelRidge = 1.0;         // on standardised features
    double calibrationRidge = 1e-3;
    std::vector<std::string> logisticFeatures;  // empty: every feature
    int bootstrapRounds = 200;
    unsigned bootstrapSeed = 20261202;
};

ScoreModel fitScoreModel(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                         const std::vector<std::size_t>& rows, const ValidationOptions& options);

struct CrossValidated {
    ScoreKind kind = ScoreKind::CmcCount;
    std::vector<double> scores;     // out of fold, one per comparison
    std::vector<double> log10Lrs;   // out of fold, bounded by the fold's ELUB
    std::vector<int> firearmA, firearmB;  // of each comparison (A ≤ B)
    int folds = 0;
};

CrossValidated crossValidate(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                             const std::map<std::string, int>& firearms, const ValidationOptions& options);

// Out-of-fold scores of `rows` (firearms held out as above, within `rows`).
std::vector<double> outOfFoldScores(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                                    const std::vector<std::size_t>& rows, const std::map<std::string, int>& firearms,
                                    const ValidationOptions& options);

// The calibration of a final model: fitted on out-of-fold scores of every
// comparison, ELUB bounds from those, and a bootstrap over firearms.
LrCalibration fitFinalCalibration(const std::vector<double>& outOfFold, const std::vector<LabelledComparison>& comparisons,
                                  const std::map<std::string, int>& firearms, const ValidationOptions& options);

struct ErrorRates {
    std::string rule;          // e.g. "LR >= 100", "CMC >= 6"
    RateInterval falsePositive;  // known non-matches at or above
    RateInterval falseNegative;  // known matches below
};

struct ValidationSummary {
    double auc = 0, cllr = 0, cllrMin = 0;
    std::pair<double, double> lrRangeLog10;  // smallest and largest out-of-fold log10 LR
    std::vector<ErrorRates> errorRates;
};

// Figures over the comparisons selected by `rows` (all when empty).
// `scoreThresholds` are decision rules on the raw score ("CMC >= 6").
ValidationSummary summarize(const CrossValidated& cv, const std::vector<LabelledComparison>& comparisons,
                            const std::vector<double>& scoreThresholds, const std::vector<double>& lrThresholdsLog10,
                            const std::vector<std::size_t>& rows = {});

}  // namespace striae::matching
