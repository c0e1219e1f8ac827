#pragma once
// From a similarity score to a likelihood ratio, and the measures of how good
// the LRs are (docs/validation.md). Every LR here is log10(LR) for
// "same firearm" against "different firearms".
//
// - Logistic calibration: log10 LR = a + b·score, fitted class-balanced with a
//   small ridge (finite even for completely separated reference data).
// - ELUB bounds (Vergeer et al. 2016): the LRs the reference data can support;
//   beyond them an LR is extrapolation and is clipped to the bound.
// - An interval for each LR from a bootstrap over firearms of the calibration.
// - Cllr, Cllr-min (PAV), empirical cross-entropy, Tippett curves, and
//   Wilson intervals for error rates.

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace striae::matching {

struct LrEstimate {
    double log10Lr = 0;
    double lowerLog10 = 0, upperLog10 = 0;  // 95 % bootstrap interval, within the bounds
    bool atUpperBound = false, atLowerBound = false;
};

struct LrCalibration {
    double a = 0, b = 0;                              // log10 LR = a + b·score before bounds
    double lowerBoundLog10 = 0, upperBoundLog10 = 0;  // ELUB
    std::vector<std::array<double, 2>> bootstrap;     // (a, b) of each bootstrap refit

    double log10Lr(double score) const;               // clipped to the bounds
    LrEstimate estimate(double score) const;
};

// Class-balanced logistic calibration of `scores`; `weights` as for
// fitLogisticRegression. Bounds and bootstrap are left empty (0, none).
LrCalibration fitLogisticCalibration(const std::vector<double>& scores, const std::vector<int>& knownMatch,
                                     double ridge = 1e-3, const std::vector<double>& weights = {});

// ELUB bounds (log10) of a set of LRs with their truth, after Vergeer et al.
// (2016): the widest range around LR = 1 over which the LRs, with one
// misleading LR added at each threshold, still do better than an LR of 1
// (normalised Bayes error below 1). Searched on a 0.01 grid within ±10.
std::pair<double, double> elubBoundsLog10(const std::vector<double>& knownMatchLog10,
                                          const std::vector<double>& knownNonMatchLog10);

// Log-likelihood-ratio cost (bits): 0 perfect, 1 = an LR of 1 always.
double cllr(const std::vector<double>& knownMatchLog10, const std::vector<double>& knownNonMatchLog10);

// LRs of the pool-adjacent-violators fit of labels on scores (the best any
// monotone calibration of these scores could do on this data); ±inf at the ends.
std::vector<double> pavLog10Lrs(const std::vector<double>& scores, const std::vector<int>& knownMatch);

// Cllr of the PAV-calibrated scores.
double cllrMin(const std::vector<double>& scores, const std::vector<int>& knownMatch);

// Empirical cross-entropy (bits) at prior log10 odds (Ramos et al. 2013).
double empiricalCrossEntropy(const std::vector<double>& knownMatchLog10, const std::vector<double>& knownNonMatchLog10,
                             double priorLog10Odds);

struct RateInterval {
    int errors = 0, trials = 0;
    double rate = 0, lower = 0, upper = 0;  // Wilson score interval, 95 %
};
RateInterval wilsonInterval(int errors, int trials);

}  // namespace striae::matching
