#include "striae/matching/Bullets.h"

#include <algorithm>
#include <optional>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <chrono>
#include <stdexcept>
#include <atomic>
#include <thread>

#include "striae/matching/Evaluation.h"

namespace striae::matching {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
bool valid(double v) { return v == v; }

// The valid stretch of a signature.
std::vector<double> trimmed(const imaging::LandSignature& s) {
    const int from = s.firstValid(), to = s.lastValid();
    if (to - from < 10) throw std::invalid_argument("land signature has fewer than 10 points");
    return std::vector<double>(s.signature.begin() + from, s.signature.begin() + to);
}

// Correlation of a with b shifted by `lag` (b[i + lag] against a[i]); NaN below minOverlap.
double correlationAt(const std::vector<double>& a, const std::vector<double>& b, int lag, int minOverlap, int* overlap = nullptr) {
    return imaging::profile::correlation(a, b, minOverlap, lag, overlap);
}

struct Extremum {
    int at;
    bool peak;
};

// Peaks and valleys: local extremes standing out by a quarter of the signature's spread.
std::vector<Extremum> extrema(const std::vector<double>& s) {
    double sum = 0, sum2 = 0;
    int n = 0;
    for (double v : s)
        if (valid(v)) {
            sum += v;
            sum2 += v * v;
            ++n;
        }
    const double sd = n > 1 ? std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n))) : 0;
    std::vector<Extremum> out;
    for (int i = 1; i + 1 < int(s.size()); ++i) {
        const double v = s[std::size_t(i)], l = s[std::size_t(i - 1)], r = s[std::size_t(i + 1)];
        if (!valid(v) || !valid(l) || !valid(r)) continue;
        if (v > l && v >= r && v - sum / n > 0.25 * sd) out.push_back({i, true});
        if (v < l && v <= r && sum / n - v > 0.25 * sd) out.push_back({i, false});
    }
    return out;
}

}  // namespace

LandComparison compareLands(const imaging::LandSignature& la, const imaging::LandSignature& lb, const LandCompareOptions& o) {
    if (std::abs(la.spacingUm - lb.spacingUm) > 0.01 * la.spacingUm)
        throw std::invalid_argument("land signatures at different spacings (" + std::to_string(la.spacingUm) + " and " +
                                    std::to_string(lb.spacingUm) + " µm)");
    const double dx = la.spacingUm;
    const auto a = trimmed(la), b = trimmed(lb);
    const int minOverlap = std::max(20, int(o.minOverlapFraction * double(std::min(a.size(), b.size()))));
    LandComparison out;
    out.ccf = -1;
    int bestLag = 0;
    // A lag of `lag` between the trimmed signatures is this far in the scans.
    const int offset = lb.firstValid() - la.firstValid();
    for (int lag = -int(a.size()); lag <= int(b.size()); ++lag) {
        if (o.maxLagUm > 0 && std::abs(lag + offset) * dx > o.maxLagUm) continue;
        int overlap = 0;
        const double r = correlationAt(a, b, lag, minOverlap, &overlap);
        if (valid(r) && r > out.ccf) {
            out.ccf = r;
            bestLag = lag;
            out.overlap = overlap;
        }
    }
    // Signatures were trimmed to their valid stretch: the lag in the scans' own coordinates.
    out.lagUm = (bestLag + lb.firstValid() - la.firstValid()) * dx;

    // Consecutive matching striae at the best lag.
    {
        const auto ea = extrema(a), eb = extrema(b);
        const double tolerance = o.striaToleranceUm / dx;
        int run = 0;
        for (const auto& e : ea) {
            const int j = e.at + bestLag;
            if (j < 0 || j >= int(b.size())) continue;  // outside the overlap: neither match nor break
            bool matched = false;
            for (const auto& f : eb)
                if (f.peak == e.peak && std::abs(f.at - j) <= tolerance) matched = true;
            run = matched ? run + 1 : 0;
            out.cms = std::max(out.cms, run);
        }
    }

    // CMPS (Chen et al. 2019, multi-segment lengths as cmpsR does it): each
    // basis segment of a, and the same segment doubled and quadrupled around
    // it, offer their best correlation peaks in b (5, 3 and 1); a basis peak
    // stands if the longer segments have a peak within T_x of it. The
    // consensus position is the one most segments have a standing peak near;
    // those segments are congruent.
    {
        const int length = std::max(10, int(std::lround(o.segmentUm / dx)));
        const int tx = std::max(1, int(std::lround(o.congruenceToleranceUm / dx)));
        const int peaksPerScale[3] = {o.peaksPerSegment, std::max(1, (o.peaksPerSegment + 1) / 2), 1};
        // Peaks of the correlation of a[from, to) along b, as shifts (b index - a index).
        auto peaksOf = [&](int from, int to, int count) {
            const int len = to - from;
            std::vector<std::pair<double, int>> peaks;
            double prev2 = kNaN, prev1 = kNaN;
            const std::vector<double> segment(a.begin() + from, a.begin() + to);
            for (int pos = 0; pos + len <= int(b.size()) + 1; ++pos) {
                const double r = pos + len <= int(b.size()) ? correlationAt(segment, b, pos, len / 2) : kNaN;
                if (valid(prev1) && valid(prev2) && prev1 >= prev2 && (!valid(r) || prev1 >= r)) peaks.push_back({prev1, pos - 1 - from});
                prev2 = prev1;
                prev1 = r;
            }
            std::sort(peaks.begin(), peaks.end(), [](auto& x, auto& y) { return x.first > y.first; });
            if (int(peaks.size()) > count) peaks.resize(std::size_t(count));
            std::vector<int> shifts;
            for (const auto& p : peaks) shifts.push_back(p.second);
            return shifts;
        };
        std::vector<std::vector<int>> offered;
        for (int start = 0; start + length <= int(a.size()); start += length) {
            int validCount = 0;
            for (int i = start; i < start + length; ++i) validCount += valid(a[std::size_t(i)]);
            if (validCount < length / 2) continue;
            std::vector<int> standing = peaksOf(start, start + length, peaksPerScale[0]);
            for (int scale = 1; scale < 3 && !standing.empty(); ++scale) {
                const int grow = length * ((1 << scale) - 1) / 2;
                const int from = std::max(0, start - grow), to = std::min(int(a.size()), start + length + grow);
                const auto longer = peaksOf(from, to, peaksPerScale[scale]);
                std::vector<int> kept;
                for (int p : standing)
                    for (int q : longer)
                        if (std::abs(p - q) <= tx) {
                            kept.push_back(p);
                            break;
                        }
                standing = std::move(kept);
            }
            offered.push_back(std::move(standing));
        }
        out.segments = int(offered.size());
        int best = 0;
        for (const auto& candidates : offered)
            for (int candidate : candidates) {
                int count = 0;
                for (const auto& shifts : offered)
                    for (int l : shifts)
                        if (std::abs(l - candidate) <= tx) {
                            ++count;
                            break;
                        }
                best = std::max(best, count);
            }
        out.cmps = best;
    }
    return out;
}

BulletComparison compareBullets(const BulletLands& a, const BulletLands& b, const LandCompareOptions& o) {
    auto highest = [](const BulletLands& x) {
        int m = 0;
        for (const auto& l : x.lands) m = std::max(m, l.number);
        return m;
    };
    const int n = a.rifling > 0 ? a.rifling : std::max(highest(a), b.rifling > 0 ? b.rifling : highest(b));
    if (a.rifling > 0 && b.rifling > 0 && a.rifling != b.rifling)
        throw std::invalid_argument("bullets of " + std::to_string(a.rifling) + " and " + std::to_string(b.rifling) +
                                    " lands: different riflings are not compared");
    if (a.lands.empty() || b.lands.empty()) throw std::invalid_argument("a bullet without usable lands cannot be compared");
    auto check = [n](const BulletLands& x, const char* which) {
        std::vector<char> seen(std::size_t(n) + 1, 0);
        for (const auto& l : x.lands) {
            if (l.number < 1 || l.number > n)
                throw std::invalid_argument(std::string("bullet ") + which + ": land " + std::to_string(l.number) +
                                            " is outside 1 ... " + std::to_string(n));
            if (seen[std::size_t(l.number)]++)
                throw std::invalid_argument(std::string("bullet ") + which + ": land " + std::to_string(l.number) + " is given twice");
        }
    };
    check(a, "A");
    check(b, "B");
    BulletComparison out;
    out.lands = n;
    for (const auto& l : a.lands) out.landNumbersA.push_back(l.number);
    for (const auto& l : b.lands) out.landNumbersB.push_back(l.number);
    const std::size_t na = a.lands.size(), nb = b.lands.size();
    out.matrix.assign(na, std::vector<LandComparison>(nb));
    for (std::size_t i = 0; i < na; ++i)
        for (std::size_t j = 0; j < nb; ++j) out.matrix[i][j] = compareLands(a.lands[i].signature, b.lands[j].signature, o);
    // Per phase, the (row, column) pairs whose land numbers line up.
    std::vector<std::vector<std::pair<int, int>>> pairs(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < na; ++i)
        for (std::size_t j = 0; j < nb; ++j) {
            const int k = ((out.landNumbersB[j] - out.landNumbersA[i]) % n + n) % n;
            pairs[std::size_t(k)].push_back({int(i), int(j)});
        }
    std::size_t most = 0;
    for (const auto& p : pairs) most = std::max(most, p.size());
    if (most == 0) throw std::invalid_argument("no land of A lines up with a land of B");
    const std::size_t needed = std::max<std::size_t>(1, (most + 1) / 2);
    out.phase = -1;
    for (int k = 0; k < n; ++k) {
        const auto& p = pairs[std::size_t(k)];
        out.phasePairs.push_back(int(p.size()));
        if (p.size() < needed) {
            out.phaseScores.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        double s = 0;
        for (const auto& [i, j] : p) s += out.matrix[std::size_t(i)][std::size_t(j)].ccf;
        out.phaseScores.push_back(s / double(p.size()));
        if (out.phase < 0 || out.phaseScores.back() > out.phaseScores[std::size_t(out.phase)]) out.phase = k;
    }
    out.score = out.phaseScores[std::size_t(out.phase)];
    double second = -1;
    bool hasSecond = false;
    for (int k = 0; k < n; ++k)
        if (k != out.phase && !std::isnan(out.phaseScores[std::size_t(k)])) {
            second = std::max(second, out.phaseScores[std::size_t(k)]);
            hasSecond = true;
        }
    out.phaseMargin = hasSecond ? out.score - second : 0;
    const auto& aligned = pairs[std::size_t(out.phase)];
    for (const auto& [i, j] : aligned) {
        const auto& c = out.matrix[std::size_t(i)][std::size_t(j)];
        out.alignedPairs.push_back({i, j});
        out.alignedLandNumbers.push_back({out.landNumbersA[std::size_t(i)], out.landNumbersB[std::size_t(j)]});
        out.cmpsMean += double(c.cmps) / double(aligned.size());
        out.cmsMean += double(c.cms) / double(aligned.size());
    }
    return out;
}

BulletComparison compareBullets(const std::vector<imaging::LandSignature>& a, const std::vector<imaging::LandSignature>& b,
                                const LandCompareOptions& o) {
    if (a.empty() || a.size() != b.size())
        throw std::invalid_argument("bullets with " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                                    " lands: give their land numbers to compare bullets with missing lands");
    BulletLands x{int(a.size()), {}}, y{int(b.size()), {}};
    for (std::size_t i = 0; i < a.size(); ++i) x.lands.push_back({int(i) + 1, a[i]});
    for (std::size_t i = 0; i < b.size(); ++i) y.lands.push_back({int(i) + 1, b[i]});
    return compareBullets(x, y, o);
}

std::optional<int> landNumberFromName(const std::string& name) {
    std::string s = name;
    const auto slash = s.find_last_of("/\\");
    if (slash != std::string::npos) s = s.substr(slash + 1);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    auto digitsAt = [&](std::size_t at) -> std::optional<int> {
        std::size_t end = at;
        while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
        if (end == at || end - at > 3) return std::nullopt;
        if (end < s.size() && std::isalpha(static_cast<unsigned char>(s[end])) && s.compare(end, 4, ".x3p") != 0) return std::nullopt;
        return std::stoi(s.substr(at, end - at));
    };
    // "land" then an optional separator, then the number.
    for (std::size_t at = s.find("land"); at != std::string::npos; at = s.find("land", at + 1)) {
        std::size_t k = at + 4;
        if (k < s.size() && (s[k] == '_' || s[k] == '-' || s[k] == ' ')) ++k;
        if (auto n = digitsAt(k)) return n;
    }
    // "l" right after a separator or at the start, then the number: "-L3", "_l3", "L3".
    for (std::size_t at = 0; at < s.size(); ++at)
        if (s[at] == 'l' && (at == 0 || s[at - 1] == '-' || s[at - 1] == '_' || s[at - 1] == ' ' || s[at - 1] == '.'))
            if (auto n = digitsAt(at + 1)) return n;
    return std::nullopt;
}

BulletComparison transposed(const BulletComparison& c) {
    BulletComparison t = c;
    const int n = c.lands;
    const std::size_t rows = c.matrix.size(), cols = rows ? c.matrix[0].size() : 0;
    t.matrix.assign(cols, std::vector<LandComparison>(rows));
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) {
            t.matrix[j][i] = c.matrix[i][j];
            t.matrix[j][i].lagUm = -c.matrix[i][j].lagUm;
        }
    std::swap(t.landNumbersA, t.landNumbersB);
    // Phase k seen from B is phase n - k seen from A: the same cells.
    for (int k = 0; k < n; ++k) {
        t.phaseScores[std::size_t(k)] = c.phaseScores[std::size_t((n - k) % n)];
        t.phasePairs[std::size_t(k)] = c.phasePairs[std::size_t((n - k) % n)];
    }
    t.phase = (n - c.phase) % n;
    t.alignedPairs.clear();
    t.alignedLandNumbers.clear();
    for (const auto& [i, j] : c.alignedPairs) t.alignedPairs.push_back({j, i});
    for (const auto& [p, q] : c.alignedLandNumbers) t.alignedLandNumbers.push_back({q, p});
    // In the order of B's rows, as comparing B with A lists them.
    std::sort(t.alignedPairs.begin(), t.alignedPairs.end());
    std::sort(t.alignedLandNumbers.begin(), t.alignedLandNumbers.end(), [&](const auto& x, const auto& y) {
        const auto at = [&](int number) { return std::find(t.landNumbersA.begin(), t.landNumbersA.end(), number) - t.landNumbersA.begin(); };
        return at(x.first) < at(y.first);
    });
    return t;
}

BulletEvaluation evaluateBullets(const std::vector<BulletRecord>& bullets, const LandCompareOptions& options, int threads,
                                 const std::function<void(int, int)>& progress) {
    BulletEvaluation out;
    for (std::size_t i = 0; i < bullets.size(); ++i)
        for (std::size_t j = i + 1; j < bullets.size(); ++j) out.pairs.push_back({i, j, bullets[i].barrel == bullets[j].barrel, {}});
    std::atomic<int> next{0}, done{0};
    std::vector<std::thread> pool;
    std::exception_ptr error;
    std::mutex errorMutex;
    for (int t = 0; t < std::max(1, threads); ++t)
        pool.emplace_back([&] {
            for (int i; (i = next++) < int(out.pairs.size());) {
                auto& p = out.pairs[std::size_t(i)];
                try {
                    p.result = compareBullets(bullets[p.a].lands, bullets[p.b].lands, options);
                } catch (...) {
                    std::lock_guard lock(errorMutex);
                    error = std::current_exception();
                }
                ++done;
            }
        });
    while (progress && done < int(out.pairs.size())) {
        progress(done, int(out.pairs.size()));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    if (progress) progress(int(out.pairs.size()), int(out.pairs.size()));

    std::map<std::pair<std::size_t, std::size_t>, int> phaseOf;
    for (const auto& p : out.pairs) {
        (p.knownMatch ? out.knownMatchScores : out.knownNonMatchScores).push_back(p.result.score);
        const int n = p.result.lands;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const bool aligned = p.knownMatch && j == (i + p.result.phase) % n;
                (aligned ? out.alignedLandScores : out.otherLandScores).push_back(p.result.matrix[std::size_t(i)][std::size_t(j)].ccf);
            }
        if (p.knownMatch) phaseOf[{p.a, p.b}] = p.result.phase;
    }
    out.bulletAuc = rocAuc(out.knownMatchScores, out.knownNonMatchScores);
    out.landAuc = rocAuc(out.alignedLandScores, out.otherLandScores);
    for (const auto& [ab, p1] : phaseOf)
        for (const auto& [bc, p2] : phaseOf) {
            if (bc.first != ab.second) continue;
            const auto ac = phaseOf.find({ab.first, bc.second});
            if (ac == phaseOf.end()) continue;
            const int n = int(bullets[ab.first].lands.size());
            ++out.phaseTriples;
            out.phaseTriplesConsistent += (p1 + p2) % n == ac->second;
        }
    return out;
}

}  // namespace striae::matching
