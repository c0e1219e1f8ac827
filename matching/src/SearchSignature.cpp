#include "striae/matching/SearchSignature.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "striae/imaging/Preprocess.h"

namespace striae::matching {

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Ring {
    std::vector<double> values;  // heights around the ring, mean removed, 0 where missing
};

// The centre of the valid region and the radii between which rings are sampled:
// where at least half of a circle holds data.
struct Annulus {
    double cx = 0, cy = 0, inner = 0, outer = 0;
};

Annulus annulusOf(const imaging::Surface& s) {
    double sx = 0, sy = 0;
    std::size_t n = 0;
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c)
            if (s.isValid(r, c)) sx += c, sy += r, ++n;
    if (n < 200) throw std::invalid_argument("too few valid points for a search signature (" + std::to_string(n) + ")");
    Annulus a;
    a.cx = sx / double(n), a.cy = sy / double(n);
    const int maxRadius = int(std::hypot(s.rows(), s.cols()) / 2) + 1;
    std::vector<int> valid(std::size_t(maxRadius) + 1, 0), all(std::size_t(maxRadius) + 1, 0);
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c) {
            const int d = std::min(maxRadius, int(std::lround(std::hypot(c - a.cx, r - a.cy))));
            ++all[std::size_t(d)];
            if (s.isValid(r, c)) ++valid[std::size_t(d)];
        }
    // Coverage of each radius over the full circle (2πd samples).
    int first = -1, last = -1;
    for (int d = 1; d <= maxRadius; ++d)
        if (valid[std::size_t(d)] >= 0.5 * 2 * kPi * d) {
            if (first < 0) first = d;
            last = d;
        }
    if (first < 0 || last - first < 4) throw std::invalid_argument("no ring of the breech face is half covered; no search signature");
    a.inner = first, a.outer = last;
    return a;
}

double bilinear(const imaging::Surface& s, double x, double y, bool& ok) {
    const int c = int(std::floor(x)), r = int(std::floor(y));
    if (c < 0 || r < 0 || c + 1 >= s.cols() || r + 1 >= s.rows()) return ok = false, 0.0;
    const double fx = x - c, fy = y - r;
    const double v00 = s.at(r, c), v01 = s.at(r, c + 1), v10 = s.at(r + 1, c), v11 = s.at(r + 1, c + 1);
    if (std::isnan(v00) || std::isnan(v01) || std::isnan(v10) || std::isnan(v11)) return ok = false, 0.0;
    ok = true;
    return (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
}

std::vector<Ring> ringsOf(const imaging::Surface& s, const SignatureOptions& o) {
    const Annulus a = annulusOf(s);
    std::vector<Ring> rings(std::size_t(o.rings));
    for (int i = 0; i < o.rings; ++i) {
        const double radius = a.inner + (a.outer - a.inner) * (i + 0.5) / o.rings;
        auto& ring = rings[std::size_t(i)].values;
        ring.assign(std::size_t(o.angles), 0.0);
        std::vector<bool> present(std::size_t(o.angles), false);
        double sum = 0;
        int n = 0;
        for (int j = 0; j < o.angles; ++j) {
            const double t = 2 * kPi * j / o.angles;
            bool ok = false;
            const double v = bilinear(s, a.cx + radius * std::cos(t), a.cy + radius * std::sin(t), ok);
            if (ok) ring[std::size_t(j)] = v, present[std::size_t(j)] = true, sum += v, ++n;
        }
        const double mean = n ? sum / n : 0;
        for (int j = 0; j < o.angles; ++j) ring[std::size_t(j)] = present[std::size_t(j)] ? (ring[std::size_t(j)] - mean) * 1e6 : 0.0;
    }
    return rings;
}

// Angular Fourier coefficient k of a ring (direct DFT: a few thousand products).
std::complex<double> coefficient(const std::vector<double>& ring, int k) {
    std::complex<double> c = 0;
    const int n = int(ring.size());
    for (int j = 0; j < n; ++j) c += ring[std::size_t(j)] * std::polar(1.0, -2 * kPi * k * j / n);
    return c / double(n);
}

void normalise(std::vector<float>& v) {
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    norm = std::sqrt(norm);
    if (norm > 0)
        for (float& x : v) x = float(x / norm);
}

// |2-D spectrum| sampled on rings of log-spaced wavelength (40-400 µm), each
// ring's angular magnitudes (period π: the spectrum of a real surface is symmetric).
SearchSignature spectrumRings(const imaging::Surface& s, const SignatureOptions& o) {
    const int size = cv::getOptimalDFTSize(std::max(s.rows(), s.cols()));
    cv::Mat z = cv::Mat::zeros(size, size, CV_64F);
    double sum = 0;
    std::size_t n = 0;
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c)
            if (s.isValid(r, c)) sum += s.at(r, c), ++n;
    if (n < 200) throw std::invalid_argument("too few valid points for a search signature");
    const double mean = sum / double(n);
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c)
            if (s.isValid(r, c)) z.at<double>(r, c) = (s.at(r, c) - mean) * 1e6;
    cv::Mat spectrum;
    cv::dft(z, spectrum, cv::DFT_COMPLEX_OUTPUT);
    const double step = s.spacingX() * 1e6;
    SearchSignature sig;
    sig.method = o.method;
    sig.rings = o.rings, sig.harmonics = o.harmonics;
    const int angles = o.angles / 2;
    for (int i = 0; i < o.rings; ++i) {
        const double wavelength = o.longestWavelengthUm * std::pow(o.shortestWavelengthUm / o.longestWavelengthUm, (i + 0.5) / o.rings);
        const double radius = size * step / wavelength;  // in frequency bins
        std::vector<double> ring(static_cast<std::size_t>(angles));
        for (int j = 0; j < angles; ++j) {
            const double t = kPi * j / angles;
            const int u = int(std::lround(radius * std::cos(t))), v = int(std::lround(radius * std::sin(t)));
            const cv::Vec2d f = spectrum.at<cv::Vec2d>((v + size) % size, (u + size) % size);
            ring[std::size_t(j)] = std::log1p(std::hypot(f[0], f[1]));
        }
        if (o.method == SignatureMethod::SpectrumRings) {
            for (int k = 0; k <= o.harmonics / 2; ++k) sig.values.push_back(float(std::abs(coefficient(ring, k))));
        } else {
            // Period π around the spectrum: harmonic k of the ring is angular frequency 2k of the surface.
            double mean = 0;
            for (double v : ring) mean += v;
            mean /= double(ring.size());
            for (double& v : ring) v -= mean;
            for (int k = 1; k <= o.harmonics; ++k) {
                const auto c = coefficient(ring, k);
                sig.values.push_back(float(c.real()));
                sig.values.push_back(float(c.imag()));
            }
        }
    }
    normalise(sig.values);
    return sig;
}

}  // namespace

const char* signatureMethodName(SignatureMethod method) {
    switch (method) {
        case SignatureMethod::RingMagnitudes: return "ring-magnitudes";
        case SignatureMethod::RingRotationSearch: return "ring-rotation-search";
        case SignatureMethod::SpectrumRings: return "spectrum-rings";
        case SignatureMethod::SpectrumRotationSearch: return "spectrum-rotation-search";
    }
    return "?";
}

SearchSignature computeSignature(const imaging::Surface& processed, const SignatureOptions& o) {
    if (processed.empty()) throw std::invalid_argument("empty surface: no search signature");
    const double step = o.stepUm * 1e-6;
    const imaging::Surface s = processed.spacingX() < step * 0.99 ? imaging::resample(processed, step) : processed;
    if (o.method == SignatureMethod::SpectrumRings || o.method == SignatureMethod::SpectrumRotationSearch) return spectrumRings(s, o);
    SearchSignature sig;
    sig.method = o.method;
    sig.rings = o.rings, sig.harmonics = o.harmonics;
    for (const auto& ring : ringsOf(s, o))
        for (int k = 1; k <= o.harmonics; ++k) {
            const auto c = coefficient(ring.values, k);
            if (o.method == SignatureMethod::RingMagnitudes) {
                sig.values.push_back(float(std::abs(c)));
            } else {
                sig.values.push_back(float(c.real()));
                sig.values.push_back(float(c.imag()));
            }
        }
    normalise(sig.values);
    return sig;
}

double signatureSimilarity(const SearchSignature& a, const SearchSignature& b) { return signatureMatch(a, b).similarity; }

SignatureMatch signatureMatch(const SearchSignature& a, const SearchSignature& b) {
    if (a.method != b.method || a.values.size() != b.values.size() || a.rings != b.rings || a.harmonics != b.harmonics)
        throw std::invalid_argument("search signatures of different kinds cannot be compared");
    const bool search = a.method == SignatureMethod::RingRotationSearch || a.method == SignatureMethod::SpectrumRotationSearch;
    if (!search) {
        double dot = 0;
        for (std::size_t i = 0; i < a.values.size(); ++i) dot += double(a.values[i]) * b.values[i];
        return {dot, 0, {}};
    }
    // X(k) = Σ_r a_r(k) conj(b_r(k)); score(φ) = Re Σ_k X(k) e^{ikφ}, maximised over φ.
    // In float, in plain loops over the harmonics that the compiler vectorises:
    // the first stage runs this once per holding.
    const int K = a.harmonics;
    constexpr int kMaxHarmonics = 64;
    if (K > kMaxHarmonics) throw std::invalid_argument("a search signature keeps at most 64 harmonics");
    float xr[kMaxHarmonics] = {}, xi[kMaxHarmonics] = {};
    const float* pa = a.values.data();
    const float* pb = b.values.data();
    for (int r = 0; r < a.rings; ++r, pa += 2 * K, pb += 2 * K)
        for (int k = 0; k < K; ++k) {
            const float ar = pa[2 * k], ai = pa[2 * k + 1], br = pb[2 * k], bi = pb[2 * k + 1];
            xr[k] += ar * br + ai * bi;
            xi[k] += ai * br - ar * bi;
        }
    // cos and −sin of (k+1)φ_j for the rotations tried, computed once per harmonic count.
    const int steps = 4 * K;
    thread_local int tableFor = 0;
    thread_local std::vector<float> cosines, minusSines;
    if (tableFor != K) {
        cosines.resize(std::size_t(steps) * std::size_t(K));
        minusSines.resize(cosines.size());
        for (int j = 0; j < steps; ++j)
            for (int k = 0; k < K; ++k) {
                const double angle = (k + 1) * 2 * kPi * j / steps;
                cosines[std::size_t(j * K + k)] = float(std::cos(angle));
                minusSines[std::size_t(j * K + k)] = float(-std::sin(angle));
            }
        tableFor = K;
    }
    float best = -1e30f;
    int bestStep = 0;
    float scores[4 * kMaxHarmonics];
    for (int j = 0; j < steps; ++j) {
        const float* c = cosines.data() + std::size_t(j) * std::size_t(K);
        const float* m = minusSines.data() + std::size_t(j) * std::size_t(K);
        float score = 0;
        for (int k = 0; k < K; ++k) score += xr[k] * c[k] + xi[k] * m[k];
        scores[j] = score;
        if (score > best) best = score, bestStep = j;
    }
    // The norms are 1: the correlation of the two at the best rotation. The
    // spectrum methods sample half a turn, so harmonic 1 is a turn of 180°.
    const double turn = a.method == SignatureMethod::SpectrumRotationSearch ? 180.0 : 360.0;
    SignatureMatch match{best, turn * bestStep / steps, {}};
    // The other peaks of the score over the rotation, best first: where the
    // best is not the true rotation (a surface whose texture repeats across
    // directions), one of these usually is.
    std::vector<std::pair<float, int>> peaks;
    for (int j = 0; j < steps; ++j)
        if (j != bestStep && scores[j] >= scores[(j + steps - 1) % steps] && scores[j] > scores[(j + 1) % steps]) peaks.emplace_back(scores[j], j);
    std::sort(peaks.rbegin(), peaks.rend());
    for (const auto& [score, j] : peaks) match.otherPeaksDeg.push_back(turn * j / steps);
    return match;
}

}  // namespace striae::matching
