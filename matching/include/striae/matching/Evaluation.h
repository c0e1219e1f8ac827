#pragma once
// Scoring a matcher against ground truth: ROC AUC, rank correlation, summaries,
// and the truth table format of nist_cmc_counts.csv.

#include <optional>
#include <string>
#include <vector>

namespace striae::matching {

// AUC of scores for known matches against known non-matches (Mann–Whitney,
// ties count one half). 1.0 = complete separation.
double rocAuc(const std::vector<double>& knownMatch, const std::vector<double>& knownNonMatch);

// Spearman rank correlation (average ranks for ties).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

struct Summary {
    double min = 0, median = 0, max = 0;
    std::size_t n = 0;
};
Summary summarize(std::vector<double> values);

// One row of a truth table: reference, compared, KM/KNM, then optional columns.
struct TruthPair {
    std::string reference;
    std::string compared;
    bool knownMatch = false;
    std::optional<double> referenceScore;  // the chosen reference column, when present
};

struct TruthTable {
    std::vector<std::string> columns;
    std::string referenceColumn;  // empty when the table has none
    std::vector<TruthPair> pairs;
};

// Reads CSV (UTF-8 BOM tolerated). The reference score column is `referenceColumn`
// if given, else the last column after the third when there is one. Throws
// std::runtime_error naming the file, line and problem.
TruthTable readTruthTable(const std::string& path, const std::string& referenceColumn = {});

}  // namespace striae::matching
