#include "striae/matching/LikelihoodRatio.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "striae/matching/LogisticRegression.h"

namespace striae::matching {

namespace {
constexpr double kLn10 = 2.302585092994046;

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const auto i = std::size_t(std::floor(pos));
    const double f = pos - double(i);
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v.back();
}
}  // namespace

double LrCalibration::log10Lr(double score) const {
    return std::clamp(a + b * score, lowerBoundLog10, upperBoundLog10);
}

LrEstimate LrCalibration::estimate(double score) const {
    LrEstimate e;
    const double raw = a + b * score;
    e.log10Lr = log10Lr(score);
    e.atUpperBound = raw >= upperBoundLog10;
    e.atLowerBound = raw <= lowerBoundLog10;
    if (bootstrap.empty()) {
        e.lowerLog10 = e.upperLog10 = e.log10Lr;
        return e;
    }
    std::vector<double> values;
    values.reserve(bootstrap.size());
    for (const auto& ab : bootstrap) values.push_back(std::clamp(ab[0] + ab[1] * score, lowerBoundLog10, upperBoundLog10));
    e.lowerLog10 = std::min(percentile(values, 0.025), e.log10Lr);
    e.upperLog10 = std::max(percentile(values, 0.975), e.log10Lr);
    return e;
}

LrCalibration fitLogisticCalibration(const std::vector<double>& scores, const std::vector<int>& y, double ridge,
                                     const std::vector<double>& weights) {
    std::vector<std::vector<double>> rows;
    rows.reserve(scores.size());
    for (double s : scores) rows.push_back({s});
    const auto m = fitLogisticRegression(rows, y, ridge, weights);
    LrCalibration c;
    c.b = m.coefficients[0] / m.scale[0] / kLn10;
    c.a = (m.intercept - m.coefficients[0] * m.mean[0] / m.scale[0]) / kLn10;
    return c;
}

std::pair<double, double> elubBoundsLog10(const std::vector<double>& hp, const std::vector<double>& hd) {
    if (hp.empty() || hd.empty()) throw std::invalid_argument("ELUB: needs LRs of both known matches and known non-matches");
    // Normalised Bayes error at threshold rho with one misleading LR at rho added
    // to the class it would mislead about.
    auto nbe = [&](double rho) {
        const double theta = std::pow(10.0, rho);
        if (rho < 0) {
            const double missed = (double(std::count_if(hp.begin(), hp.end(), [&](double v) { return v <= rho; })) + 1) /
                                  double(hp.size() + 1);
            const double falseAlarm = double(std::count_if(hd.begin(), hd.end(), [&](double v) { return v > rho; })) / double(hd.size());
            return missed / theta + falseAlarm;
        }
        const double falseAlarm = (double(std::count_if(hd.begin(), hd.end(), [&](double v) { return v >= rho; })) + 1) /
                                  double(hd.size() + 1);
        const double missed = double(std::count_if(hp.begin(), hp.end(), [&](double v) { return v < rho; })) / double(hp.size());
        return theta * falseAlarm + missed;
    };
    // The contiguous admissible range around 0 (nothing beyond a first failure is trusted).
    double upper = 0, lower = 0;
    for (int k = 1; k <= 1000; ++k) {
        if (nbe(k * 0.01) >= 1) break;
        upper = k * 0.01;
    }
    for (int k = 1; k <= 1000; ++k) {
        if (nbe(-k * 0.01) >= 1) break;
        lower = -k * 0.01;
    }
    return {lower, upper};
}

double cllr(const std::vector<double>& hp, const std::vector<double>& hd) {
    if (hp.empty() || hd.empty()) throw std::invalid_argument("Cllr: needs LRs of both known matches and known non-matches");
    // log2(1 + 10^-x), computed without overflow for large |x|.
    auto cost = [](double log10Odds) {
        const double z = -log10Odds * kLn10;
        if (std::isinf(z)) return z > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        return (z > 30 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) / std::log(2.0);
    };
    double sp = 0, sd = 0;
    for (double v : hp) sp += cost(v);
    for (double v : hd) sd += cost(-v);
    return 0.5 * (sp / double(hp.size()) + sd / double(hd.size()));
}

std::vector<double> pavLog10Lrs(const std::vector<double>& scores, const std::vector<int>& y) {
    const std::size_t n = scores.size();
    if (n != y.size()) throw std::invalid_argument("PAV: scores and labels differ in length");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Blocks of tied scores first (a monotone fit cannot split ties), then pooling.
    struct Block { double sum, count; std::size_t first, last; };
    std::vector<Block> blocks;
    for (std::size_t k = 0; k < n;) {
        std::size_t e = k;
        double s = 0;
        while (e < n && scores[order[e]] == scores[order[k]]) s += y[order[e++]];
        blocks.push_back({s, double(e - k), k, e});
        while (blocks.size() > 1) {
            auto& b = blocks.back();
            auto& a = blocks[blocks.size() - 2];
            if (a.sum / a.count < b.sum / b.count) break;
            a = {a.sum + b.sum, a.count + b.count, a.first, b.last};
            blocks.pop_back();
        }
        k = e;
    }
    const double n1 = std::accumulate(y.begin(), y.end(), 0.0), n0 = double(n) - n1;
    std::vector<double> out(n);
    for (const auto& b : blocks) {
        const double p = b.sum / b.count;
        double llr;
        if (p <= 0) llr = -std::numeric_limits<double>::infinity();
        else if (p >= 1) llr = std::numeric_limits<double>::infinity();
        else llr = std::log10(p / (1 - p)) - std::log10(n1 / n0);
        for (std::size_t k = b.first; k < b.last; ++k) out[order[k]] = llr;
    }
    return out;
}

double cllrMin(const std::vector<double>& scores, const std::vector<int>& y) {
    const auto lrs = pavLog10Lrs(scores, y);
    std::vector<double> hp, hd;
    for (std::size_t i = 0; i < lrs.size(); ++i) (y[i] ? hp : hd).push_back(lrs[i]);
    return cllr(hp, hd);
}

double empiricalCrossEntropy(const std::vector<double>& hp, const std::vector<double>& hd, double priorLog10Odds) {
    if (hp.empty() || hd.empty()) throw std::invalid_argument("ECE: needs LRs of both known matches and known non-matches");
    const double prior = 1 / (1 + std::pow(10.0, -priorLog10Odds));
    auto cost = [](double log10Odds) {  // -log2 P(true hypothesis | evidence) for posterior log10 odds
        const double z = -log10Odds * kLn10;
        if (std::isinf(z)) return z > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        return (z > 30 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) / std::log(2.0);
    };
    double sp = 0, sd = 0;
    for (double v : hp) sp += cost(v + priorLog10Odds);
    for (double v : hd) sd += cost(-(v + priorLog10Odds));
    return prior * sp / double(hp.size()) + (1 - prior) * sd / double(hd.size());
}

RateInterval wilsonInterval(int errors, int trials) {
    RateInterval r;
    r.errors = errors;
    r.trials = trials;
    if (trials <= 0) return r;
    const double z = 1.959963984540054, n = trials, p = errors / n;
    const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    r.rate = p;
    r.lower = errors == 0 ? 0.0 : std::max(0.0, centre - half);
    r.upper = errors == trials ? 1.0 : std::min(1.0, centre + half);
    return r;
}

}  // namespace striae::matching
