#pragma once
// Ridge-penalised logistic regression, class-balanced, fitted by Newton's
// method (IRLS). Class balance makes the fitted log-odds a log likelihood
// ratio at equal priors; the ridge keeps the fit finite when the training
// classes separate completely (Weller's do), shrinking towards LR = 1 as
// Morrison & Poh (2018) recommend for forensic LR systems.

#include <string>
#include <vector>

namespace striae::matching {

struct LogisticRegression {
    std::vector<double> mean, scale;   // standardisation of each feature (fitted on the training data)
    std::vector<double> coefficients;  // on standardised features
    double intercept = 0;
    double ridge = 0;                  // penalty on the coefficients (not the intercept)
    int iterations = 0;

    // Natural log-odds of "known match" at equal priors.
    double logOdds(const std::vector<double>& features) const;
};

// `weights` (optional, same size as rows) multiply the class-balanced
// weights, e.g. a bootstrap's multiplicities; a zero weight leaves a row out.
// Throws std::invalid_argument when a class is missing or rows are ragged.
LogisticRegression fitLogisticRegression(const std::vector<std::vector<double>>& rows, const std::vector<int>& knownMatch,
                                         double ridge, const std::vector<double>& weights = {});

}  // namespace striae::matching
