#include "striae/matching/Cmc.h"

#include <opencv2/imgproc.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include "CrossCorrelation.h"
#include "striae/imaging/Preprocess.h"

namespace striae::matching {

std::vector<double> CmcParameters::angles() const {
    std::vector<double> out;
    if (!(thetaStepDeg > 0)) throw std::invalid_argument("CMC angle step must be positive");
    const int n = int(std::floor((thetaMaxDeg - thetaMinDeg) / thetaStepDeg + 1e-9)) + 1;
    for (int i = 0; i < n; ++i) out.push_back(thetaMinDeg + i * thetaStepDeg);
    return out;
}

namespace {

constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

double medianOf(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

cv::Mat toFloat(const imaging::Surface& s) {
    cv::Mat m(s.rows(), s.cols(), CV_32F);
    for (int r = 0; r < s.rows(); ++r) {
        const double* src = s.row(r);
        float* dst = m.ptr<float>(r);
        for (int c = 0; c < s.cols(); ++c) dst[c] = float(src[c]);
    }
    return m;
}

// Mean and standard deviation of the finite values.
struct Moments {
    std::size_t n = 0;
    double mean = 0, sd = 0;
};

Moments moments(const float* v, std::size_t count) {
    double sum = 0, sumSq = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i)
        if (!std::isnan(v[i])) {
            sum += v[i];
            sumSq += double(v[i]) * v[i];
            ++n;
        }
    Moments m;
    m.n = n;
    if (n < 2) return m;
    m.mean = sum / double(n);
    m.sd = std::sqrt(std::max(0.0, (sumSq - sum * m.mean) / double(n - 1)));
    return m;
}

// Sums of the present (non-NaN) values and of their squares, and their
// number, four floats at a time (SSE2, the x86-64 baseline) with double
// accumulators; the summation order is the only difference from a plain loop.
struct PresentSums {
    std::size_t n = 0;
    double sum = 0, sumSq = 0;
};

// Set lanes of a 4-bit mask (the baseline has no POPCNT instruction).
constexpr unsigned char kLanesSet[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

// Not inlined: in its caller the accumulators were spilled to the stack.
__attribute__((noinline)) void addPresent(const float* v, int count, PresentSums& out) {
    int c = 0;
#if defined(__SSE2__)
    __m128d s0 = _mm_setzero_pd(), s1 = _mm_setzero_pd(), q0 = _mm_setzero_pd(), q1 = _mm_setzero_pd();
    std::size_t n = 0;
    for (; c + 4 <= count; c += 4) {
        const __m128 x = _mm_loadu_ps(v + c);
        const __m128 present = _mm_cmpord_ps(x, x);
        const __m128 kept = _mm_and_ps(x, present);
        const __m128d lo = _mm_cvtps_pd(kept), hi = _mm_cvtps_pd(_mm_movehl_ps(kept, kept));
        s0 = _mm_add_pd(s0, lo);
        s1 = _mm_add_pd(s1, hi);
        q0 = _mm_add_pd(q0, _mm_mul_pd(lo, lo));
        q1 = _mm_add_pd(q1, _mm_mul_pd(hi, hi));
        n += kLanesSet[_mm_movemask_ps(present)];
    }
    alignas(16) double lanes[2];
    _mm_store_pd(lanes, _mm_add_pd(s0, s1));
    out.sum += lanes[0] + lanes[1];
    _mm_store_pd(lanes, _mm_add_pd(q0, q1));
    out.sumSq += lanes[0] + lanes[1];
    out.n += n;
#endif
    for (; c < count; ++c)
        if (v[c] == v[c]) {
            out.sum += v[c];
            out.sumSq += double(v[c]) * v[c];
            ++out.n;
        }
}

// A region's frame for the transform: rows rLo…rHi − 1, columns cLo…cHi − 1
// of the rh × rw region are (value − mean) · scale where present, everything
// else 0. `src` points at the region's row rLo, column cLo in the surface.
// Element by element, so the AVX2 copy (chosen where the processor has it)
// gives the same bits; NaN is told by its bits and masked, without a branch,
// so that both copies vectorise.
__attribute__((target_clones("avx2", "default"))) void standardizeRegion(const float* src, std::size_t srcStride, int rLo, int rHi, int cLo,
                                                                         int cHi, int rh, int rw, float mean, float scale, float* frame,
                                                                         std::size_t frameStride) {
    for (int r = 0; r < rh; ++r) {
        float* __restrict dst = frame + std::size_t(r) * frameStride;
        if (r < rLo || r >= rHi) {
            std::fill_n(dst, rw, 0.0f);
            continue;
        }
        std::fill_n(dst, cLo, 0.0f);
        std::fill(dst + cHi, dst + rw, 0.0f);
        const float* __restrict in = src + std::size_t(r - rLo) * srcStride;
        float* __restrict out = dst + cLo;
        for (int c = 0; c < cHi - cLo; ++c) {
            const float x = in[c], v = (x - mean) * scale;
            std::uint32_t xBits, vBits;
            std::memcpy(&xBits, &x, 4);
            std::memcpy(&vBits, &v, 4);
            vBits &= (xBits & 0x7fffffffu) > 0x7f800000u ? 0u : ~0u;  // missing (NaN) → +0
            std::memcpy(out + c, &vBits, 4);
        }
    }
}

// Pearson correlation over the pairs where both are present: the h × w cell
// against the window of `surface` whose top-left is (row0, col0), which may
// reach outside the surface (missing there).
double pairwiseCorrelation(const float* cell, int h, int w, const cv::Mat& surface, int row0, int col0, int minPairs) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    std::size_t n = 0;
    const int cLo = std::clamp(-col0, 0, w), cHi = std::clamp(surface.cols - col0, cLo, w);
    for (int r = 0; r < h; ++r) {
        const int sr = row0 + r;
        if (sr < 0 || sr >= surface.rows) continue;
        const float* a = cell + std::size_t(r) * w;
        const float* b = surface.ptr<float>(sr) + col0;
        int c = cLo;
#if defined(__SSE2__)
        __m128d vx = _mm_setzero_pd(), vy = _mm_setzero_pd(), vxx = _mm_setzero_pd(), vyy = _mm_setzero_pd(), vxy = _mm_setzero_pd();
        for (; c + 2 <= cHi; c += 2) {
            const __m128 x4 = _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + c)));
            const __m128 y4 = _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + c)));
            const __m128 both = _mm_and_ps(_mm_cmpord_ps(x4, x4), _mm_cmpord_ps(y4, y4));
            const __m128d x = _mm_cvtps_pd(_mm_and_ps(x4, both)), y = _mm_cvtps_pd(_mm_and_ps(y4, both));
            vx = _mm_add_pd(vx, x);
            vy = _mm_add_pd(vy, y);
            vxx = _mm_add_pd(vxx, _mm_mul_pd(x, x));
            vyy = _mm_add_pd(vyy, _mm_mul_pd(y, y));
            vxy = _mm_add_pd(vxy, _mm_mul_pd(x, y));
            n += kLanesSet[_mm_movemask_ps(both) & 3];
        }
        alignas(16) double lanes[2];
        _mm_store_pd(lanes, vx), sx += lanes[0] + lanes[1];
        _mm_store_pd(lanes, vy), sy += lanes[0] + lanes[1];
        _mm_store_pd(lanes, vxx), sxx += lanes[0] + lanes[1];
        _mm_store_pd(lanes, vyy), syy += lanes[0] + lanes[1];
        _mm_store_pd(lanes, vxy), sxy += lanes[0] + lanes[1];
#endif
        for (; c < cHi; ++c) {
            if (std::isnan(a[c]) || std::isnan(b[c])) continue;
            const double x = a[c], y = b[c];
            sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
            ++n;
        }
    }
    if (n < std::size_t(std::max(minPairs, 3))) return std::numeric_limits<double>::quiet_NaN();
    const double dn = double(n);
    const double cov = dn * sxy - sx * sy;
    const double vx = dn * sxx - sx * sx, vy = dn * syy - sy * sy;
    if (vx <= 0 || vy <= 0) return std::numeric_limits<double>::quiet_NaN();
    return cov / std::sqrt(vx * vy);
}

struct PreparedCell {
    int index = 0;
    std::vector<float> values;  // h × w, NaN missing
    SpectrumBuffer spectrum;    // of the standardized cell, missing as 0
};

// Standardized copy with missing points as 0, the input of the cross-correlation.
void standardize(const float* in, std::size_t n, const Moments& m, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::isnan(in[i]) ? 0.0f : float((in[i] - m.mean) / m.sd);
}

// The grid: rows and columns split as evenly as integers allow.
std::vector<CmcCell> makeGrid(const imaging::Surface& s, const CmcParameters& p) {
    std::vector<CmcCell> cells;
    for (int i = 0; i < p.gridRows; ++i)
        for (int j = 0; j < p.gridCols; ++j) {
            CmcCell cell;
            cell.gridRow = i;
            cell.gridCol = j;
            cell.row0 = int(std::lround(double(i) * s.rows() / p.gridRows));
            cell.col0 = int(std::lround(double(j) * s.cols() / p.gridCols));
            cell.rows = int(std::lround(double(i + 1) * s.rows() / p.gridRows)) - cell.row0;
            cell.cols = int(std::lround(double(j + 1) * s.cols() / p.gridCols)) - cell.col0;
            cells.push_back(cell);
        }
    return cells;
}

void applyOriginalRule(CmcDirection& d, const CmcParameters& p, double thresholdPx) {
    std::vector<double> xs, ys, thetas;
    for (const auto& cell : d.cells)
        if (cell.best.valid) {
            xs.push_back(cell.best.dx);
            ys.push_back(cell.best.dy);
            thetas.push_back(cell.best.thetaDeg);
        }
    d.consensus = {medianOf(thetas), medianOf(xs), medianOf(ys)};
    d.originalCount = 0;
    for (auto& cell : d.cells) {
        const auto& b = cell.best;
        cell.congruentOriginal = b.valid && std::abs(b.dx - d.consensus.dx) <= thresholdPx &&
                                 std::abs(b.dy - d.consensus.dy) <= thresholdPx &&
                                 std::abs(b.thetaDeg - d.consensus.thetaDeg) <= p.rotationThresholdDeg + 1e-9 &&
                                 b.correlation >= p.correlationThreshold;
        d.originalCount += cell.congruentOriginal;
    }
}

// Tong et al. (2015): per angle, cells congruent with that angle's own
// consensus translation; the angles whose counts come within τ of the highest
// must lie within T_θ of each other, else the rule fails for this direction.
void applyHighCmcRule(CmcDirection& d, const CmcParameters& p, const std::vector<double>& angles, double thresholdPx) {
    const std::size_t na = angles.size();
    d.thetaCounts.assign(na, 0);
    std::vector<std::vector<char>> candidate(na, std::vector<char>(d.cells.size(), 0));
    std::vector<Registration> perAngle(na);
    for (std::size_t a = 0; a < na; ++a) {
        std::vector<double> xs, ys;
        for (const auto& cell : d.cells)
            if (cell.used && cell.byAngle[a].valid) {
                xs.push_back(cell.byAngle[a].dx);
                ys.push_back(cell.byAngle[a].dy);
            }
        perAngle[a] = {angles[a], medianOf(xs), medianOf(ys)};
        for (std::size_t c = 0; c < d.cells.size(); ++c) {
            const auto& cell = d.cells[c];
            if (!cell.used || !cell.byAngle[a].valid) continue;
            const auto& r = cell.byAngle[a];
            if (std::abs(r.dx - perAngle[a].dx) <= thresholdPx && std::abs(r.dy - perAngle[a].dy) <= thresholdPx &&
                r.correlation >= p.correlationThreshold) {
                candidate[a][c] = 1;
                ++d.thetaCounts[a];
            }
        }
    }
    const int maxCount = *std::max_element(d.thetaCounts.begin(), d.thetaCounts.end());
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    std::vector<char> high(na, 0);
    for (std::size_t a = 0; a < na; ++a)
        if (d.thetaCounts[a] > 0 && d.thetaCounts[a] >= maxCount - p.highCmcTau) {
            high[a] = 1;
            lo = std::min(lo, angles[a]);
            hi = std::max(hi, angles[a]);
        }
    d.highPassed = maxCount > 0 && hi - lo <= p.rotationThresholdDeg + 1e-9;
    if (!d.highPassed) {
        d.highCount = d.originalCount;
        return;
    }
    // Each cell counts once, at the high angle where it correlates best.
    std::vector<double> thetas, xs, ys;
    d.highCount = 0;
    for (std::size_t c = 0; c < d.cells.size(); ++c) {
        auto& cell = d.cells[c];
        int bestAngle = -1;
        for (std::size_t a = 0; a < na; ++a)
            if (high[a] && candidate[a][c] &&
                (bestAngle < 0 || cell.byAngle[a].correlation > cell.byAngle[bestAngle].correlation))
                bestAngle = int(a);
        if (bestAngle < 0) continue;
        cell.congruentHigh = true;
        cell.highRegistration = cell.byAngle[bestAngle];
        thetas.push_back(cell.highRegistration.thetaDeg);
        xs.push_back(cell.highRegistration.dx);
        ys.push_back(cell.highRegistration.dy);
        ++d.highCount;
    }
    d.highConsensus = {medianOf(thetas), medianOf(xs), medianOf(ys)};
}

}  // namespace

namespace {

// One direction's fixed part: the reference's cells filtered, standardized
// and transformed, and the compared surface as floats. Registering the cells
// at a set of angles (registerAt) reuses it, so the second stage's few angle
// windows a holding pay for it once.
class DirectionRegistrar {
public:
    DirectionRegistrar(const imaging::Surface& reference, const imaging::Surface& compared, const CmcParameters& p)
        : p_(p), cells_(makeGrid(reference, p)), target_(toFloat(compared)),
          thresholdPx_(p.translationThresholdUm * 1e-6 / reference.spacingX()) {
        if (p.gridRows < 1 || p.gridCols < 1 || p.regionSizeFactor < 1)
            throw std::invalid_argument("CMC grid and region factor must be at least 1");
        if (std::abs(reference.spacingX() / compared.spacingX() - 1) > 0.01)
            throw std::invalid_argument("CMC needs both surfaces at the same spacing (resample first): " +
                                        imaging::formatNumber(reference.spacingX() * 1e6) + " µm vs " +
                                        imaging::formatNumber(compared.spacingX() * 1e6) + " µm");
        int maxRegionRows = 1, maxRegionCols = 1, maxShiftRows = 1;
        for (const auto& cell : cells_) {
            maxRegionRows = std::max(maxRegionRows, p.regionSizeFactor * cell.rows);
            maxRegionCols = std::max(maxRegionCols, p.regionSizeFactor * cell.cols);
            maxShiftRows = std::max(maxShiftRows, (p.regionSizeFactor - 1) * cell.rows + 1);
        }
        correlator_ = std::make_unique<CellCorrelator>(maxRegionRows, maxRegionCols, maxShiftRows);
        std::vector<float> standardized(std::size_t(maxRegionRows) * maxRegionCols);
        const cv::Mat ref = toFloat(reference);
        for (std::size_t i = 0; i < cells_.size(); ++i) {
            CmcCell& cell = cells_[i];
            if (cell.rows < 2 || cell.cols < 2) continue;
            PreparedCell pc;
            pc.index = int(i);
            pc.values.resize(std::size_t(cell.rows) * cell.cols);
            for (int r = 0; r < cell.rows; ++r)
                std::copy_n(ref.ptr<float>(cell.row0 + r) + cell.col0, cell.cols, pc.values.data() + std::size_t(r) * cell.cols);
            const Moments m = moments(pc.values.data(), pc.values.size());
            cell.missingFraction = 1.0 - double(m.n) / double(pc.values.size());
            if (cell.missingFraction > p.maxMissingFraction || !(m.sd > 0)) continue;
            cell.used = true;
            standardize(pc.values.data(), pc.values.size(), m, standardized.data());
            pc.spectrum = correlator_->cellSpectrum(standardized.data(), cell.rows, cell.cols);
            prepared_.push_back(std::move(pc));
            ++usedCells_;
        }
    }

    CmcDirection registerAt(const std::vector<double>& angles) {
        CmcDirection d;
        d.cells = cells_;
        d.usedCells = usedCells_;
        for (auto& cell : d.cells) cell.byAngle.resize(angles.size());
        const cv::Point2f centre((target_.cols - 1) / 2.0f, (target_.rows - 1) / 2.0f);
        for (std::size_t a = 0; a < angles.size(); ++a) {
            // The compared surface is rotated once per angle (into its own buffer:
            // never alias `target_`, or the next warp would write over it).
            if (angles[a] != 0)
                cv::warpAffine(target_, rotated_, cv::getRotationMatrix2D(centre, angles[a], 1.0), target_.size(),
                               p_.linearRotation ? cv::INTER_LINEAR : cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(kNaNf));
            const cv::Mat& rotated = angles[a] == 0 ? target_ : rotated_;
            for (const PreparedCell& pc : prepared_) registerCell(pc, rotated, angles[a], d.cells[pc.index].byAngle[a]);
        }
        for (auto& cell : d.cells) {
            if (!cell.used) continue;
            for (const auto& r : cell.byAngle)
                if (r.valid && (!cell.best.valid || r.correlation > cell.best.correlation)) cell.best = r;
        }
        applyOriginalRule(d, p_, thresholdPx_);
        applyHighCmcRule(d, p_, angles, thresholdPx_);
        return d;
    }

private:
    // Where the cell fits best in the region around its place in the rotated surface.
    void registerCell(const PreparedCell& pc, const cv::Mat& rotated, double angle, CellRegistration& reg) {
        const CmcCell& cell = cells_[pc.index];
        reg.thetaDeg = angle;
        const int rh = p_.regionSizeFactor * cell.rows, rw = p_.regionSizeFactor * cell.cols;
        const int offR = (rh - cell.rows) / 2, offC = (rw - cell.cols) / 2;
        const int r0 = cell.row0 - offR, c0 = cell.col0 - offC;
        // The region is read in place: what lies outside the surface is missing.
        const int rLo = std::clamp(-r0, 0, rh), rHi = std::clamp(rotated.rows - r0, rLo, rh);
        const int cLo = std::clamp(-c0, 0, rw), cHi = std::clamp(rotated.cols - c0, cLo, rw);
        PresentSums sums;
        for (int r = rLo; r < rHi; ++r) addPresent(rotated.ptr<float>(r0 + r) + c0 + cLo, cHi - cLo, sums);
        const std::size_t inBounds = std::size_t(rHi - rLo) * std::size_t(cHi - cLo);
        if (inBounds == 0 || sums.n < 2 || 1.0 - double(sums.n) / double(inBounds) > p_.maxMissingFraction) return;
        Moments m;
        m.n = sums.n;
        m.mean = sums.sum / double(sums.n);
        m.sd = std::sqrt(std::max(0.0, (sums.sumSq - sums.sum * m.mean) / double(sums.n - 1)));
        if (!(m.sd > 0)) return;
        // Some of the region lies on the surface here (inBounds > 0 above).
        standardizeRegion(rotated.ptr<float>(r0 + rLo) + c0 + cLo, rotated.step1(), rLo, rHi, cLo, cHi, rh, rw, float(m.mean),
                          float(1.0 / m.sd), correlator_->beginRegion(rh, rw), std::size_t(correlator_->frameStride()));
        const PeakShift peak = correlator_->bestShiftInFrame(pc.spectrum.get(), cell.rows, cell.cols, rh, rw);
        const double corr =
            pairwiseCorrelation(pc.values.data(), cell.rows, cell.cols, rotated, r0 + peak.row, c0 + peak.col, p_.minOverlapPoints);
        if (std::isnan(corr)) return;
        reg.valid = true;
        reg.dx = peak.col - offC;
        reg.dy = peak.row - offR;
        reg.correlation = corr;
    }

    CmcParameters p_;
    std::vector<CmcCell> cells_;
    cv::Mat target_, rotated_;
    double thresholdPx_;
    std::unique_ptr<CellCorrelator> correlator_;
    std::vector<PreparedCell> prepared_;
    int usedCells_ = 0;
};

}  // namespace

CmcDirection compareCmcDirection(const imaging::Surface& reference, const imaging::Surface& compared,
                                 const CmcParameters& p) {
    const std::vector<double> angles = p.angles();
    return DirectionRegistrar(reference, compared, p).registerAt(angles);
}

std::vector<CmcDirection> compareCmcDirectionWindows(const imaging::Surface& reference, const imaging::Surface& compared,
                                                     const CmcParameters& p, const std::vector<AngleWindow>& windows) {
    DirectionRegistrar registrar(reference, compared, p);
    std::vector<CmcDirection> out;
    out.reserve(windows.size());
    for (const AngleWindow& w : windows) {
        CmcParameters q = p;
        q.thetaMinDeg = w.minDeg;
        q.thetaMaxDeg = w.maxDeg;
        out.push_back(registrar.registerAt(q.angles()));
    }
    return out;
}

void setKernelThreads(int threads) { cv::setNumThreads(threads); }

CmcResult compareCmc(const imaging::Surface& reference, const imaging::Surface& compared, const CmcParameters& p) {
    CmcResult result;
    result.parameters = p;
    result.referenceSpacing = reference.spacingX();
    result.comparedSpacing = compared.spacingX();
    result.spacing = std::max(reference.spacingX(), compared.spacingX());
    if (!(result.spacing > 0)) throw std::invalid_argument("CMC needs surfaces with a positive spacing");
    auto atCommon = [&](const imaging::Surface& s) {
        if (std::abs(s.spacingX() / result.spacing - 1) <= 0.01) return s;
        result.resampled = true;
        return imaging::resample(s, result.spacing);
    };
    const imaging::Surface a = atCommon(reference), b = atCommon(compared);
    result.forward = compareCmcDirection(a, b, p);
    result.backward = compareCmcDirection(b, a, p);
    result.originalCount = std::min(result.forward.originalCount, result.backward.originalCount);
    result.highCount = std::min(result.forward.highCount, result.backward.highCount);
    return result;
}

}  // namespace striae::matching
