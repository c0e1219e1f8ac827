#include "striae/matching/ScoreValidation.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "striae/matching/CmcFeatures.h"
#include "striae/matching/Evaluation.h"

namespace striae::matching {

namespace {

using FoldKey = std::pair<int, int>;

FoldKey keyOf(const LabelledComparison& c, const std::map<std::string, int>& firearms) {
    const int a = firearms.at(c.reference), b = firearms.at(c.compared);
    return {std::min(a, b), std::max(a, b)};
}

bool involves(const FoldKey& pair, const FoldKey& heldOut) {
    return pair.first == heldOut.first || pair.first == heldOut.second || pair.second == heldOut.first ||
           pair.second == heldOut.second;
}

std::map<FoldKey, std::vector<std::size_t>> foldsOf(const std::vector<LabelledComparison>& comparisons,
                                                    const std::vector<std::size_t>& rows,
                                                    const std::map<std::string, int>& firearms) {
    std::map<FoldKey, std::vector<std::size_t>> folds;
    for (auto r : rows) folds[keyOf(comparisons[r], firearms)].push_back(r);
    return folds;
}

std::vector<int> labelsOf(const std::vector<LabelledComparison>& comparisons, const std::vector<std::size_t>& rows) {
    std::vector<int> y;
    y.reserve(rows.size());
    for (auto r : rows) y.push_back(comparisons[r].knownMatch);
    return y;
}

// Runs f(i) for i in [0, n) on the machine's cores.
void parallel(std::size_t n, const std::function<void(std::size_t)>& f) {
    const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), unsigned(n)));
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    std::exception_ptr failure;
    std::mutex failureMutex;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (std::size_t i; (i = next++) < n;) try {
                    f(i);
                } catch (...) {
                    std::lock_guard lock(failureMutex);
                    if (!failure) failure = std::current_exception();
                }
        });
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

std::pair<double, double> boundsOf(const LrCalibration& c, const std::vector<double>& scores, const std::vector<int>& y) {
    std::vector<double> hp, hd;
    for (std::size_t i = 0; i < scores.size(); ++i) (y[i] ? hp : hd).push_back(c.a + c.b * scores[i]);
    return elubBoundsLog10(hp, hd);
}

}  // namespace

std::map<std::string, int> firearmsFromKnownMatches(const std::vector<LabelledComparison>& comparisons) {
    std::set<std::string> names;
    for (const auto& c : comparisons) names.insert({c.reference, c.compared});
    std::map<std::string, std::string> parent;
    for (const auto& n : names) parent[n] = n;
    std::function<std::string(const std::string&)> root = [&](const std::string& n) {
        return parent[n] == n ? n : parent[n] = root(parent[n]);
    };
    for (const auto& c : comparisons)
        if (c.knownMatch) {
            const auto a = root(c.reference), b = root(c.compared);
            if (a != b) parent[std::max(a, b)] = std::min(a, b);
        }
    std::map<std::string, int> idOfRoot, firearms;
    for (const auto& n : names) {
        const auto r = root(n);
        if (!idOfRoot.count(r)) idOfRoot[r] = int(idOfRoot.size());
        firearms[n] = idOfRoot[r];
    }
    for (const auto& c : comparisons)
        if (!c.knownMatch && firearms[c.reference] == firearms[c.compared])
            throw std::invalid_argument("truth contradicts itself: " + c.reference + " and " + c.compared +
                                        " are a known non-match but linked by known matches");
    return firearms;
}

const char* scoreKindName(ScoreKind kind) { return kind == ScoreKind::CmcCount ? "cmc_count" : "logistic"; }

ScoreKind scoreKindFromName(const std::string& name) {
    if (name == "cmc_count") return ScoreKind::CmcCount;
    if (name == "logistic") return ScoreKind::Logistic;
    throw std::invalid_argument("unknown score kind '" + name + "' (cmc_count or logistic)");
}

double ScoreModel::score(const std::vector<double>& all) const {
    if (all.size() != cmcFeatureNames().size()) throw std::invalid_argument("score model: wrong number of CMC features");
    if (kind == ScoreKind::CmcCount) return all[cmcFeatureIndex("cmc_min")];
    std::vector<double> x;
    x.reserve(features.size());
    for (const auto& f : features) x.push_back(all[cmcFeatureIndex(f)]);
    return regression.logOdds(x);
}

ScoreModel fitScoreModel(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                         const std::vector<std::size_t>& rows, const ValidationOptions& options) {
    ScoreModel m;
    m.kind = kind;
    if (kind == ScoreKind::CmcCount) return m;
    m.features = options.logisticFeatures.empty() ? cmcFeatureNames() : options.logisticFeatures;
    std::vector<int> index;
    for (const auto& f : m.features) index.push_back(cmcFeatureIndex(f));
    std::vector<std::vector<double>> x;
    x.reserve(rows.size());
    for (auto r : rows) {
        std::vector<double> v;
        for (int k : index) v.push_back(comparisons[r].features.at(std::size_t(k)));
        x.push_back(std::move(v));
    }
    m.regression = fitLogisticRegression(x, labelsOf(comparisons, rows), options.modelRidge);
    return m;
}

std::vector<double> outOfFoldScores(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                                    const std::vector<std::size_t>& rows, const std::map<std::string, int>& firearms,
                                    const ValidationOptions& options) {
    std::vector<double> out(rows.size());
    std::map<std::size_t, std::size_t> position;
    for (std::size_t i = 0; i < rows.size(); ++i) position[rows[i]] = i;
    const auto folds = foldsOf(comparisons, rows, firearms);
    for (const auto& [key, test] : folds) {
        std::vector<std::size_t> train;
        for (auto r : rows)
            if (!involves(keyOf(comparisons[r], firearms), key)) train.push_back(r);
        const auto model = fitScoreModel(kind, comparisons, train, options);
        for (auto r : test) out[position[r]] = model.score(comparisons[r].features);
    }
    return out;
}

CrossValidated crossValidate(ScoreKind kind, const std::vector<LabelledComparison>& comparisons,
                             const std::map<std::string, int>& firearms, const ValidationOptions& options) {
    int guns = 0;
    for (const auto& [name, f] : firearms) guns = std::max(guns, f + 1);
    if (guns < 6)
        throw std::invalid_argument("cross-validation over firearms needs at least 6 firearms (a fold holds out two, "
                                    "its calibration two more); the known matches link " + std::to_string(guns));
    CrossValidated cv;
    cv.kind = kind;
    const std::size_t n = comparisons.size();
    cv.scores.assign(n, 0);
    cv.log10Lrs.assign(n, 0);
    for (const auto& c : comparisons) {
        const auto k = keyOf(c, firearms);
        cv.firearmA.push_back(k.first);
        cv.firearmB.push_back(k.second);
    }
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    const auto folds = foldsOf(comparisons, all, firearms);
    std::vector<std::pair<FoldKey, std::vector<std::size_t>>> list(folds.begin(), folds.end());
    cv.folds = int(list.size());
    parallel(list.size(), [&](std::size_t f) {
        const auto& [key, test] = list[f];
        std::vector<std::size_t> train;
        for (auto r : all)
            if (!involves(keyOf(comparisons[r], firearms), key)) train.push_back(r);
        const auto model = fitScoreModel(kind, comparisons, train, options);
        const auto inner = outOfFoldScores(kind, comparisons, train, firearms, options);
        const auto y = labelsOf(comparisons, train);
        auto calibration = fitLogisticCalibration(inner, y, options.calibrationRidge);
        std::tie(calibration.lowerBoundLog10, calibration.upperBoundLog10) = boundsOf(calibration, inner, y);
        for (auto r : test) {
            cv.scores[r] = model.score(comparisons[r].features);
            cv.log10Lrs[r] = calibration.log10Lr(cv.scores[r]);
        }
    });
    return cv;
}

LrCalibration fitFinalCalibration(const std::vector<double>& outOfFold, const std::vector<LabelledComparison>& comparisons,
                                  const std::map<std::string, int>& firearms, const ValidationOptions& options) {
    std::vector<std::size_t> all(comparisons.size());
    std::iota(all.begin(), all.end(), 0);
    const auto y = labelsOf(comparisons, all);
    auto c = fitLogisticCalibration(outOfFold, y, options.calibrationRidge);
    std::tie(c.lowerBoundLog10, c.upperBoundLog10) = boundsOf(c, outOfFold, y);

    // Bootstrap over firearms: draw as many guns as there are, with
    // replacement; a known match counts as often as its gun was drawn, a
    // known non-match as the product of its two guns' draws.
    int guns = 0;
    for (const auto& [name, f] : firearms) guns = std::max(guns, f + 1);
    std::mt19937 rng(options.bootstrapSeed);
    std::uniform_int_distribution<int> pick(0, guns - 1);
    for (int round = 0, attempts = 0; round < options.bootstrapRounds && attempts < options.bootstrapRounds * 10; ++attempts) {
        std::vector<double> drawn(std::size_t(guns), 0);
        for (int g = 0; g < guns; ++g) ++drawn[std::size_t(pick(rng))];
        std::vector<double> w(comparisons.size());
        double w1 = 0, w0 = 0;
        for (std::size_t i = 0; i < comparisons.size(); ++i) {
            const int a = firearms.at(comparisons[i].reference), b = firearms.at(comparisons[i].compared);
            w[i] = a == b ? drawn[std::size_t(a)] : drawn[std::size_t(a)] * drawn[std::size_t(b)];
            (y[i] ? w1 : w0) += w[i];
        }
        if (w1 <= 0 || w0 <= 0) continue;
        const auto b = fitLogisticCalibration(outOfFold, y, options.calibrationRidge, w);
        c.bootstrap.push_back({b.a, b.b});
        ++round;
    }
    return c;
}

ValidationSummary summarize(const CrossValidated& cv, const std::vector<LabelledComparison>& comparisons,
                            const std::vector<double>& scoreThresholds, const std::vector<double>& lrThresholdsLog10,
                            const std::vector<std::size_t>& rowsIn) {
    std::vector<std::size_t> rows = rowsIn;
    if (rows.empty()) {
        rows.resize(comparisons.size());
        std::iota(rows.begin(), rows.end(), 0);
    }
    ValidationSummary s;
    std::vector<double> km, knm, kmLr, knmLr, scores;
    std::vector<int> y;
    for (auto r : rows) {
        const bool m = comparisons[r].knownMatch;
        (m ? km : knm).push_back(cv.scores[r]);
        (m ? kmLr : knmLr).push_back(cv.log10Lrs[r]);
        scores.push_back(cv.scores[r]);
        y.push_back(m);
    }
    if (km.empty() || knm.empty()) throw std::invalid_argument("validation summary: needs known matches and known non-matches");
    s.auc = rocAuc(km, knm);
    s.cllr = cllr(kmLr, knmLr);
    s.cllrMin = cllrMin(scores, y);
    std::vector<double> lrs = kmLr;
    lrs.insert(lrs.end(), knmLr.begin(), knmLr.end());
    const auto [lo, hi] = std::minmax_element(lrs.begin(), lrs.end());
    s.lrRangeLog10 = {*lo, *hi};
    auto rates = [&](const std::string& rule, const std::vector<double>& p, const std::vector<double>& d, double t) {
        ErrorRates e;
        e.rule = rule;
        e.falsePositive = wilsonInterval(int(std::count_if(d.begin(), d.end(), [&](double v) { return v >= t; })), int(d.size()));
        e.falseNegative = wilsonInterval(int(std::count_if(p.begin(), p.end(), [&](double v) { return v < t; })), int(p.size()));
        return e;
    };
    for (double t : scoreThresholds) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "score >= %g", t);
        s.errorRates.push_back(rates(buf, km, knm, t));
    }
    for (double t : lrThresholdsLog10) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "LR >= %g", std::pow(10.0, t));
        s.errorRates.push_back(rates(buf, kmLr, knmLr, t - 1e-12));
    }
    return s;
}

}  // namespace striae::matching
