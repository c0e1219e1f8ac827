#include "striae/matching/Cmc.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
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

// Pearson correlation over the pairs where both are present.
double pairwiseCorrelation(const float* cell, int h, int w, const float* region, int regionStride, int minPairs) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = 0;
    for (int r = 0; r < h; ++r) {
        const float* a = cell + std::size_t(r) * w;
        const float* b = region + std::size_t(r) * regionStride;
        for (int c = 0; c < w; ++c) {
            if (std::isnan(a[c]) || std::isnan(b[c])) continue;
            const double x = a[c], y = b[c];
            sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
            ++n;
        }
    }
    if (n < std::max(minPairs, 3)) return std::numeric_limits<double>::quiet_NaN();
    const double cov = n * sxy - sx * sy;
    const double vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
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

CmcDirection compareCmcDirection(const imaging::Surface& reference, const imaging::Surface& compared,
                                 const CmcParameters& p) {
    if (p.gridRows < 1 || p.gridCols < 1 || p.regionSizeFactor < 1)
        throw std::invalid_argument("CMC grid and region factor must be at least 1");
    if (std::abs(reference.spacingX() / compared.spacingX() - 1) > 0.01)
        throw std::invalid_argument("CMC needs both surfaces at the same spacing (resample first): " +
                                    imaging::formatNumber(reference.spacingX() * 1e6) + " µm vs " +
                                    imaging::formatNumber(compared.spacingX() * 1e6) + " µm");
    const std::vector<double> angles = p.angles();
    const double thresholdPx = p.translationThresholdUm * 1e-6 / reference.spacingX();

    CmcDirection d;
    d.cells = makeGrid(reference, p);
    const cv::Mat ref = toFloat(reference);
    const cv::Mat target = toFloat(compared);

    int maxRegionRows = 1, maxRegionCols = 1;
    for (const auto& cell : d.cells) {
        maxRegionRows = std::max(maxRegionRows, p.regionSizeFactor * cell.rows);
        maxRegionCols = std::max(maxRegionCols, p.regionSizeFactor * cell.cols);
    }
    CellCorrelator correlator(maxRegionRows, maxRegionCols);
    std::vector<float> standardized(std::size_t(maxRegionRows) * maxRegionCols);

    // Reference cells: filtered, standardized and transformed once.
    std::vector<PreparedCell> prepared;
    for (std::size_t i = 0; i < d.cells.size(); ++i) {
        CmcCell& cell = d.cells[i];
        cell.byAngle.resize(angles.size());
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
        pc.spectrum = correlator.cellSpectrum(standardized.data(), cell.rows, cell.cols);
        prepared.push_back(std::move(pc));
        ++d.usedCells;
    }

    // Work buffers, allocated once for all angles and cells.
    std::vector<float> region(std::size_t(maxRegionRows) * maxRegionCols);
    cv::Mat rotatedBuffer;
    const cv::Point2f centre((target.cols - 1) / 2.0f, (target.rows - 1) / 2.0f);

    for (std::size_t a = 0; a < angles.size(); ++a) {
        // The compared surface is rotated once per angle (into its own buffer:
        // never alias `target`, or the next warp would write over it).
        if (angles[a] != 0)
            cv::warpAffine(target, rotatedBuffer, cv::getRotationMatrix2D(centre, angles[a], 1.0), target.size(),
                           p.linearRotation ? cv::INTER_LINEAR : cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(kNaNf));
        const cv::Mat& rotated = angles[a] == 0 ? target : rotatedBuffer;
        for (const PreparedCell& pc : prepared) {
            CmcCell& cell = d.cells[pc.index];
            CellRegistration& reg = cell.byAngle[a];
            reg.thetaDeg = angles[a];
            const int rh = p.regionSizeFactor * cell.rows, rw = p.regionSizeFactor * cell.cols;
            const int offR = (rh - cell.rows) / 2, offC = (rw - cell.cols) / 2;
            const int r0 = cell.row0 - offR, c0 = cell.col0 - offC;
            // The region around the cell's place, missing outside the surface;
            // its moments are gathered in the same pass.
            std::size_t inBounds = 0, present = 0;
            double sum = 0, sumSq = 0;
            const int cLo = std::clamp(-c0, 0, rw), cHi = std::clamp(rotated.cols - c0, cLo, rw);
            for (int r = 0; r < rh; ++r) {
                float* dst = region.data() + std::size_t(r) * rw;
                const int sr = r0 + r;
                if (sr < 0 || sr >= rotated.rows) {
                    std::fill_n(dst, rw, kNaNf);
                    continue;
                }
                std::fill_n(dst, cLo, kNaNf);
                std::fill(dst + cHi, dst + rw, kNaNf);
                const float* src = rotated.ptr<float>(sr) + c0;
                for (int c = cLo; c < cHi; ++c) {
                    const float v = src[c];
                    dst[c] = v;
                    if (v == v) {
                        sum += v;
                        sumSq += double(v) * v;
                        ++present;
                    }
                }
                inBounds += std::size_t(cHi - cLo);
            }
            if (inBounds == 0 || present < 2 || 1.0 - double(present) / double(inBounds) > p.maxMissingFraction) continue;
            Moments m;
            m.n = present;
            m.mean = sum / double(present);
            m.sd = std::sqrt(std::max(0.0, (sumSq - sum * m.mean) / double(present - 1)));
            if (!(m.sd > 0)) continue;
            float* frame = correlator.beginRegion(rh, rw);
            const float scale = float(1.0 / m.sd), mean = float(m.mean);
            for (int r = 0; r < rh; ++r) {
                const float* src = region.data() + std::size_t(r) * rw;
                float* dst = frame + std::size_t(r) * correlator.frameStride();
                for (int c = 0; c < rw; ++c) dst[c] = src[c] == src[c] ? (src[c] - mean) * scale : 0.0f;
            }
            const PeakShift peak = correlator.bestShiftInFrame(pc.spectrum.get(), cell.rows, cell.cols, rh, rw);
            const int bestR = peak.row, bestC = peak.col;
            const double corr = pairwiseCorrelation(pc.values.data(), cell.rows, cell.cols,
                                                    region.data() + std::size_t(bestR) * rw + bestC, rw, p.minOverlapPoints);
            if (std::isnan(corr)) continue;
            reg.valid = true;
            reg.dx = bestC - offC;
            reg.dy = bestR - offR;
            reg.correlation = corr;
        }
    }

    for (auto& cell : d.cells) {
        if (!cell.used) continue;
        for (const auto& r : cell.byAngle)
            if (r.valid && (!cell.best.valid || r.correlation > cell.best.correlation)) cell.best = r;
    }
    applyOriginalRule(d, p, thresholdPx);
    applyHighCmcRule(d, p, angles, thresholdPx);
    return d;
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
