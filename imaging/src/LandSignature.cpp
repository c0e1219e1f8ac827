#include "striae/imaging/LandSignature.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace striae::imaging {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool valid(double v) { return v == v; }

double median(std::vector<double> v) {
    if (v.empty()) return kNaN;
    const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// Solves the normal equations of a weighted polynomial fit (small degree).
std::vector<double> fitPolynomial(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& w, int degree) {
    const int m = degree + 1;
    std::vector<double> a(std::size_t(m * m), 0.0), b(std::size_t(m), 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (w[i] <= 0) continue;
        std::vector<double> p(std::size_t(m), 1.0);
        for (int k = 1; k < m; ++k) p[std::size_t(k)] = p[std::size_t(k - 1)] * x[i];
        for (int r = 0; r < m; ++r) {
            b[std::size_t(r)] += w[i] * p[std::size_t(r)] * y[i];
            for (int c = 0; c < m; ++c) a[std::size_t(r * m + c)] += w[i] * p[std::size_t(r)] * p[std::size_t(c)];
        }
    }
    // Gaussian elimination with partial pivoting.
    for (int col = 0; col < m; ++col) {
        int pivot = col;
        for (int r = col + 1; r < m; ++r)
            if (std::abs(a[std::size_t(r * m + col)]) > std::abs(a[std::size_t(pivot * m + col)])) pivot = r;
        for (int c = 0; c < m; ++c) std::swap(a[std::size_t(col * m + c)], a[std::size_t(pivot * m + c)]);
        std::swap(b[std::size_t(col)], b[std::size_t(pivot)]);
        const double d = a[std::size_t(col * m + col)];
        if (std::abs(d) < 1e-300) return std::vector<double>(std::size_t(m), 0.0);
        for (int r = col + 1; r < m; ++r) {
            const double f = a[std::size_t(r * m + col)] / d;
            for (int c = col; c < m; ++c) a[std::size_t(r * m + c)] -= f * a[std::size_t(col * m + c)];
            b[std::size_t(r)] -= f * b[std::size_t(col)];
        }
    }
    std::vector<double> coef(std::size_t(m), 0.0);
    for (int r = m - 1; r >= 0; --r) {
        double s = b[std::size_t(r)];
        for (int c = r + 1; c < m; ++c) s -= a[std::size_t(r * m + c)] * coef[std::size_t(c)];
        coef[std::size_t(r)] = s / a[std::size_t(r * m + r)];
    }
    return coef;
}

// The crosscut at `centreRow`: rows within the band averaged per column,
// each row shifted along x so that tilted striae line up.
std::vector<double> bandProfile(const std::vector<double>& z, int rows, int cols, double centreRow, double halfBandRows,
                                double shiftPerRow, const std::vector<bool>* useRow = nullptr) {
    // Per column the median of the band (robust to pits, debris and damage on some rows).
    const int r0 = std::max(0, int(std::floor(centreRow - halfBandRows)));
    const int r1 = std::min(rows - 1, int(std::ceil(centreRow + halfBandRows)));
    std::vector<std::vector<double>> values{std::size_t(cols)};
    int used = 0;
    for (int r = r0; r <= r1; ++r) {
        if (useRow && !(*useRow)[std::size_t(r)]) continue;
        ++used;
        const double shift = (r - centreRow) * shiftPerRow;  // this row's striae sit `shift` px to the right
        const double* row = z.data() + std::size_t(r) * std::size_t(cols);
        for (int c = 0; c < cols; ++c) {
            const double x = c + shift;
            const int x0 = int(std::floor(x));
            const double f = x - x0;
            if (x0 < 0 || x0 + 1 >= cols) continue;
            const double a = row[x0], b = row[x0 + 1];
            if (valid(a) && valid(b)) values[std::size_t(c)].push_back(a * (1 - f) + b * f);
            else if (valid(a) && f < 0.5) values[std::size_t(c)].push_back(a);
            else if (valid(b) && f >= 0.5) values[std::size_t(c)].push_back(b);
        }
    }
    std::vector<double> p(std::size_t(cols), kNaN);
    for (int c = 0; c < cols; ++c)
        if (int(values[std::size_t(c)].size()) * 2 >= used && used > 0) p[std::size_t(c)] = median(std::move(values[std::size_t(c)]));
    return p;
}

std::vector<double> highPass(const std::vector<double>& p, double cutoff, double spacing) {
    const auto low = profile::gaussianLowPass(p, cutoff, spacing);
    std::vector<double> out(p.size(), kNaN);
    for (std::size_t i = 0; i < p.size(); ++i)
        if (valid(p[i]) && valid(low[i])) out[i] = p[i] - low[i];
    return out;
}

// Best lag (sub-pixel) of b against a within ±maxLag, by correlation.
double bestLag(const std::vector<double>& a, const std::vector<double>& b, int maxLag, double* best = nullptr) {
    const int n = int(a.size());
    double bestR = -2;
    int bestK = 0;
    std::vector<double> rs(std::size_t(2 * maxLag + 1), kNaN);
    for (int k = -maxLag; k <= maxLag; ++k) {
        const double r = profile::correlation(a, b, n / 4, k);
        rs[std::size_t(k + maxLag)] = r;
        if (valid(r) && r > bestR) {
            bestR = r;
            bestK = k;
        }
    }
    if (best) *best = bestR;
    double lag = bestK;
    const int i = bestK + maxLag;
    if (i > 0 && i < 2 * maxLag && valid(rs[std::size_t(i - 1)]) && valid(rs[std::size_t(i + 1)])) {
        const double l = rs[std::size_t(i - 1)], c = rs[std::size_t(i)], r = rs[std::size_t(i + 1)];
        const double d = l - 2 * c + r;
        if (d < 0) lag += 0.5 * (l - r) / d;
    }
    return lag;
}

struct Grooves {
    int left = 0, right = 0;
};

// Shoulders: across a land the profile is an arch (the bullet's curvature)
// that falls towards each edge until a groove's shoulder rises out of it.
// Walking out from the middle of the smoothed profile, each groove boundary
// is the lowest point before the profile rises again by `riseUm` (the edge
// itself when no shoulder was scanned), close to bulletxtrctr's "rollapply"
// method.
Grooves findGrooves(const std::vector<double>& p, double spacingUm, double riseUm = 10.0) {
    const auto smooth = profile::gaussianLowPass(p, 60, spacingUm);  // striae out, shape kept
    int first = 0, last = int(p.size());
    while (first < last && !valid(smooth[std::size_t(first)])) ++first;
    while (last > first && !valid(smooth[std::size_t(last - 1)])) --last;
    // The walks start at the top of the arch (in the middle half of the scan).
    const int quarter = (last - first) / 4;
    int middle = (first + last) / 2;
    for (int i = first + quarter; i < last - quarter; ++i)
        if (valid(smooth[std::size_t(i)]) && (!valid(smooth[std::size_t(middle)]) || smooth[std::size_t(i)] > smooth[std::size_t(middle)]))
            middle = i;
    auto walk = [&](int step) {
        int lowest = middle;
        double low = std::numeric_limits<double>::infinity();
        for (int i = middle; i >= first && i < last; i += step) {
            const double v = smooth[std::size_t(i)];
            if (!valid(v)) continue;
            if (v < low) {
                low = v;
                lowest = i;
            } else if (v > low + riseUm) {
                return lowest;
            }
        }
        return step < 0 ? first : last - 1;
    };
    return {walk(-1), walk(+1) + 1};
}

}  // namespace

int LandSignature::firstValid() const {
    for (std::size_t i = 0; i < signature.size(); ++i)
        if (valid(signature[i])) return int(i);
    return int(signature.size());
}

int LandSignature::lastValid() const {
    for (std::size_t i = signature.size(); i > 0; --i)
        if (valid(signature[i - 1])) return int(i);
    return 0;
}

namespace profile {

std::vector<double> gaussianLowPass(const std::vector<double>& z, double cutoff, double spacing) {
    const int n = int(z.size());
    // ISO 16610-21: s(x) = exp(-pi (x / (alpha lambda))^2), alpha = sqrt(ln 2 / pi).
    const double alpha = std::sqrt(std::log(2.0) / M_PI);
    const double scale = alpha * cutoff / spacing;  // in samples
    const int half = std::max(1, int(std::ceil(scale * 1.5)));
    std::vector<double> kernel(std::size_t(2 * half + 1));
    for (int k = -half; k <= half; ++k) kernel[std::size_t(k + half)] = std::exp(-M_PI * (k / scale) * (k / scale));
    std::vector<double> out(std::size_t(n), kNaN);
    for (int i = 0; i < n; ++i) {
        if (!valid(z[std::size_t(i)])) continue;
        double s = 0, w = 0;
        for (int k = std::max(-half, -i); k <= std::min(half, n - 1 - i); ++k) {
            const double v = z[std::size_t(i + k)];
            if (!valid(v)) continue;
            s += kernel[std::size_t(k + half)] * v;
            w += kernel[std::size_t(k + half)];
        }
        if (w > 0) out[std::size_t(i)] = s / w;
    }
    return out;
}

std::vector<double> robustPolynomial(const std::vector<double>& z, int from, int to, int degree) {
    const int n = int(z.size());
    from = std::clamp(from, 0, n);
    to = std::clamp(to, from, n);
    std::vector<double> x, y;
    const double centre = 0.5 * (from + to), half = std::max(1.0, 0.5 * (to - from));
    for (int i = from; i < to; ++i)
        if (valid(z[std::size_t(i)])) {
            x.push_back((i - centre) / half);
            y.push_back(z[std::size_t(i)]);
        }
    std::vector<double> fitted(std::size_t(n), kNaN);
    if (int(x.size()) <= degree + 1) return fitted;
    std::vector<double> w(x.size(), 1.0), coef;
    auto eval = [&](double xi) {
        double v = 0, p = 1;
        for (double c : coef) {
            v += c * p;
            p *= xi;
        }
        return v;
    };
    for (int iteration = 0; iteration < 8; ++iteration) {
        coef = fitPolynomial(x, y, w, degree);
        std::vector<double> r(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) r[i] = std::abs(y[i] - eval(x[i]));
        const double s = 1.4826 * median(r);
        if (s <= 0) break;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double u = r[i] / (4.685 * s);
            w[i] = u < 1 ? (1 - u * u) * (1 - u * u) : 0.0;
        }
    }
    for (int i = 0; i < n; ++i) fitted[std::size_t(i)] = eval((i - centre) / half);
    return fitted;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b, int minOverlap, int lag, int* overlap) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int count = 0;
    const int i0 = std::max(0, -lag), i1 = std::min(int(a.size()), int(b.size()) - lag);
    for (int i = i0; i < i1; ++i) {
        const double x = a[std::size_t(i)], y = b[std::size_t(i + lag)];
        if (!valid(x) || !valid(y)) continue;
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
        ++count;
    }
    if (overlap) *overlap = count;
    if (count < minOverlap) return kNaN;
    const double va = saa - sa * sa / count, vb = sbb - sb * sb / count;
    if (va <= 0 || vb <= 0) return kNaN;
    return (sab - sa * sb / count) / std::sqrt(va * vb);
}

}  // namespace profile

double StriaeEvidence::anisotropy() const {
    const double trace = xx + yy, det = xx * yy - xy * xy;
    const double root = std::sqrt(std::max(0.0, trace * trace / 4 - det));
    const double small = trace / 2 - root;
    return small > 0 ? (trace / 2 + root) / small : std::numeric_limits<double>::infinity();
}

double StriaeEvidence::angleDeg() const {
    // The dominant gradient's direction, turned a quarter: the striae run across it.
    return 0.5 * std::atan2(2 * xy, xx - yy) * 180 / M_PI;
}

StriaeEvidence striaeEvidence(const Surface& land) {
    StriaeEvidence e;
    if (land.empty()) return e;
    cv::Mat z(land.rows(), land.cols(), CV_64F), weight(land.rows(), land.cols(), CV_64F);
    for (int r = 0; r < land.rows(); ++r)
        for (int c = 0; c < land.cols(); ++c) {
            const double v = land.at(r, c);
            const bool valid = !std::isnan(v);
            z.at<double>(r, c) = valid ? v * 1e6 : 0.0;
            weight.at<double>(r, c) = valid ? 1.0 : 0.0;
        }
    // Normalized convolution: a band from 2 px (noise) to 50 µm (curvature, tilt).
    auto blur = [&](double sigma) {
        cv::Mat a, b;
        cv::GaussianBlur(z, a, {0, 0}, sigma, sigma, cv::BORDER_REFLECT);
        cv::GaussianBlur(weight, b, {0, 0}, sigma, sigma, cv::BORDER_REFLECT);
        return cv::Mat(a / (b + 1e-12));
    };
    const cv::Mat band = blur(2.0) - blur(std::max(4.0, 50.0 / (land.spacingX() * 1e6)));
    cv::Mat gx, gy, inside;
    cv::Sobel(band, gx, CV_64F, 1, 0);
    cv::Sobel(band, gy, CV_64F, 0, 1);
    cv::erode(weight, inside, cv::Mat::ones(9, 9, CV_8U));
    for (int r = int(0.2 * land.rows()); r < int(0.8 * land.rows()); ++r)
        for (int c = int(0.2 * land.cols()); c < int(0.8 * land.cols()); ++c) {
            if (inside.at<double>(r, c) < 0.5) continue;
            const double a = gx.at<double>(r, c), b = gy.at<double>(r, c);
            e.xx += a * a, e.yy += b * b, e.xy += a * b;
        }
    return e;
}

LandOptions::Striae striaeDirection(const StriaeEvidence& e, double minAnisotropy) {
    const double anisotropy = e.anisotropy();
    if (!(anisotropy >= minAnisotropy))
        throw std::invalid_argument("cannot tell which way the striae run (texture anisotropy " +
                                    formatNumber(std::round(anisotropy * 100) / 100) + ", under " + formatNumber(minAnisotropy) +
                                    "): state it (--striae x or y)");
    // Striae along y: the gradients run along x.
    return e.xx >= e.yy ? LandOptions::Striae::AlongY : LandOptions::Striae::AlongX;
}

LandOptions::Striae bulletStriaeDirection(const std::vector<const Surface*>& lands, double* anisotropy) {
    StriaeEvidence sum;
    for (const Surface* land : lands) {
        StriaeEvidence e = striaeEvidence(*land);
        // Each land counts alike, whatever its size or roughness.
        const double total = e.xx + e.yy;
        if (total > 0) e.xx /= total, e.yy /= total, e.xy /= total;
        sum += e;
    }
    if (anisotropy) *anisotropy = sum.anisotropy();
    return striaeDirection(sum);
}

LandOptions::Striae bulletStriaeDirection(const std::vector<Surface>& lands, double* anisotropy) {
    std::vector<const Surface*> pointers;
    for (const auto& land : lands) pointers.push_back(&land);
    return bulletStriaeDirection(pointers, anisotropy);
}

namespace {
LandSignature extractOriented(const Surface& land, const LandOptions& o);
}

LandSignature extractLandSignature(const Surface& scan, const LandOptions& o) {
    std::string orientation;
    LandOptions::Striae direction = o.striae;
    if (direction == LandOptions::Striae::Auto) {
        const StriaeEvidence e = striaeEvidence(scan);
        direction = striaeDirection(e);
        orientation = std::string("striae along ") + (direction == LandOptions::Striae::AlongY ? "y" : "x") +
                      " (found: texture anisotropy " + formatNumber(std::round(e.anisotropy() * 10) / 10) + ")";
    } else {
        orientation = std::string("striae along ") + (direction == LandOptions::Striae::AlongY ? "y" : "x") + " (stated)";
    }
    Surface land = scan;
    if (direction == LandOptions::Striae::AlongX || o.mirror) {
        // Turned so the striae run along y (x and y swapped), then mirrored if stated.
        const bool swap = direction == LandOptions::Striae::AlongX;
        Surface turned(swap ? scan.cols() : scan.rows(), swap ? scan.rows() : scan.cols(), swap ? scan.spacingY() : scan.spacingX(),
                       swap ? scan.spacingX() : scan.spacingY());
        for (int r = 0; r < turned.rows(); ++r) {
            double* row = turned.mutableRow(r);
            for (int c = 0; c < turned.cols(); ++c) {
                const int cc = o.mirror ? turned.cols() - 1 - c : c;
                row[c] = swap ? scan.at(cc, r) : scan.at(r, cc);
            }
        }
        turned.metadata() = scan.metadata();
        land = std::move(turned);
        if (swap) orientation += ", turned";
    }
    if (o.mirror) orientation += ", mirrored (stated)";
    LandSignature out = extractOriented(land, o);
    out.orientation = orientation;
    return out;
}

namespace {
LandSignature extractOriented(const Surface& land, const LandOptions& o) {
    const int rows = land.rows(), cols = land.cols();
    if (rows < 10 || cols < 100) throw std::invalid_argument("land scan of " + std::to_string(cols) + " x " + std::to_string(rows) +
                                                             " points: too small for a signature (at least 100 x 10)");
    if (land.validFraction() < 0.3)
        throw std::invalid_argument("land scan has only " + std::to_string(int(land.validFraction() * 100)) + " % valid points");
    const double dx = land.spacingX() * 1e6, dy = land.spacingY() * 1e6;  // µm
    std::vector<double> z(land.size());
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) z[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = land.at(r, c) * 1e6;

    LandSignature out;
    out.spacingUm = dx;

    // Striae direction: the shift between the profiles of the lower and upper
    // quarters of the scan (high-passed, so the curvature does not decide).
    {
        const double y1 = 0.25 * (rows - 1), y2 = 0.75 * (rows - 1);
        const double quarter = 0.2 * rows;
        auto p1 = highPass(bandProfile(z, rows, cols, y1, quarter, 0), o.longCutoffUm, dx);
        auto p2 = highPass(bandProfile(z, rows, cols, y2, quarter, 0), o.longCutoffUm, dx);
        for (int c = 0; c < cols; ++c)
            if (c < cols / 5 || c >= cols - cols / 5) p1[std::size_t(c)] = p2[std::size_t(c)] = kNaN;  // shoulders out
        const int maxLag = int(std::ceil((y2 - y1) * dy * std::tan(o.maxTiltDeg * M_PI / 180) / dx));
        double r = 0;
        const double lag = bestLag(p1, p2, std::max(1, maxLag), &r);
        const double tilt = std::atan(lag * dx / ((y2 - y1) * dy)) * 180 / M_PI;
        out.tiltDeg = (r > 0.3 && std::abs(tilt) < o.maxTiltDeg) ? tilt : 0.0;
    }
    const double shiftPerRow = std::tan(out.tiltDeg * M_PI / 180) * dy / dx;

    // Grooves, on the profile of the whole height (sheared straight): the shoulders run the length of the scan.
    int left = 0, right = cols;
    if (o.grooveLeftUm && o.grooveRightUm) {
        left = std::clamp(int(std::lround(*o.grooveLeftUm / dx)), 0, cols);
        right = std::clamp(int(std::lround(*o.grooveRightUm / dx)), left, cols);
    } else {
        const auto whole = bandProfile(z, rows, cols, 0.5 * (rows - 1), 0.5 * rows, shiftPerRow);
        const Grooves g = findGrooves(whole, dx);
        left = g.left;
        right = g.right;
    }
    out.grooveLeftUm = left * dx;
    out.grooveRightUm = right * dx;
    const int margin = int(std::lround(o.grooveMarginUm / dx));
    const int from = std::min(left + margin, cols), to = std::max(right - margin, from);
    if (to - from < int(200 / dx))
        throw std::invalid_argument("no land found: the part between the groove shoulders is " +
                                    std::to_string(int((to - from) * dx)) + " µm wide");

    auto signatureAt = [&](double centreRow, double halfRows, std::vector<double>* profileOut, const std::vector<bool>* useRow) {
        auto p = bandProfile(z, rows, cols, centreRow, halfRows, shiftPerRow, useRow);
        if (profileOut) *profileOut = p;
        std::vector<double> landOnly(p.size(), kNaN);
        for (int c = from; c < to; ++c) landOnly[std::size_t(c)] = p[std::size_t(c)];
        const auto fit = profile::robustPolynomial(landOnly, from, to, 2);
        for (int c = from; c < to; ++c)
            if (valid(landOnly[std::size_t(c)])) landOnly[std::size_t(c)] -= fit[std::size_t(c)];
        return profile::gaussianLowPass(highPass(landOnly, o.longCutoffUm, dx), o.shortCutoffUm, dx);
    };

    if (o.crosscutUm) {
        const double halfBand = 0.5 * o.bandUm / dy;
        const double centre = std::clamp(*o.crosscutUm / dy, 0.0, rows - 1.0);
        out.crosscutUm = centre * dy;
        out.bandUm = o.bandUm;
        out.signature = signatureAt(centre, halfBand, &out.profile, nullptr);
        return out;
    }
    // The stable part of the land: the scan cut into slices (crosscutStepUm
    // high), each slice's signature compared with the median of them all;
    // the slices that agree (damage, debris and the ends of the engraving do
    // not) are averaged, and the crosscut is their centre.
    const double slice = std::max(2.0, o.crosscutStepUm / dy);
    std::vector<double> centres;
    for (double y = 0.5 * slice; y + 0.5 * slice <= rows; y += slice) centres.push_back(y);
    if (centres.empty()) centres = {0.5 * (rows - 1)};
    std::vector<std::vector<double>> slices;
    for (double c : centres) slices.push_back(signatureAt(c, 0.5 * slice, nullptr, nullptr));
    std::vector<double> consensus(std::size_t(cols), kNaN);
    for (int c = 0; c < cols; ++c) {
        std::vector<double> v;
        for (const auto& sl : slices)
            if (valid(sl[std::size_t(c)])) v.push_back(sl[std::size_t(c)]);
        if (v.size() * 2 >= slices.size()) consensus[std::size_t(c)] = median(std::move(v));
    }
    std::vector<bool> useRow(std::size_t(rows), false);
    double weight = 0, centreSum = 0;
    int kept = 0;
    for (std::size_t k = 0; k < slices.size(); ++k) {
        const double r = profile::correlation(slices[k], consensus, 50);
        if (!valid(r) || r < o.crosscutMinCorrelation) continue;
        ++kept;
        for (int row = std::max(0, int(centres[k] - 0.5 * slice)); row < std::min(rows, int(centres[k] + 0.5 * slice)); ++row) {
            useRow[std::size_t(row)] = true;
            weight += 1;
            centreSum += row;
        }
    }
    if (kept == 0) {  // nothing agrees: the whole height
        std::fill(useRow.begin(), useRow.end(), true);
        weight = rows;
        centreSum = 0.5 * rows * (rows - 1);
    }
    out.crosscutUm = centreSum / weight * dy;
    out.bandUm = weight * dy;
    out.signature = signatureAt(0.5 * (rows - 1), 0.5 * rows, &out.profile, &useRow);
    return out;
}
}  // namespace

}  // namespace striae::imaging
