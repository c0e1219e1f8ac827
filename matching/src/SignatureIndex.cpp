#include "striae/matching/SignatureIndex.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace striae::matching {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxHarmonics = 64;

std::int16_t toFixed(float v) {
    const float scaled = std::round(std::clamp(v, -1.f, 1.f) * SignatureIndex::kScale);
    return std::int16_t(scaled);
}

// X(k) = Σ_r q_r(k) conj(b_r(k)) in integers. q1 holds (re, im) of the query,
// q2 (im, −re): one multiply-add of pairs gives re·re' + im·im' (the real
// part) and im·re' − re·im' (the imaginary part), which SSE2's pmaddwd does
// for four harmonics at once.
void crossSpectra(const std::int16_t* q1, const std::int16_t* q2, const std::int16_t* b, int rings, int harmonics, std::int32_t* xr,
                  std::int32_t* xi) {
#if defined(__SSE2__)
    if (harmonics % 4 == 0) {
        const int blocks = harmonics / 4;  // 8 int16 = 4 harmonics per register
        __m128i accR[kMaxHarmonics / 4], accI[kMaxHarmonics / 4];
        for (int h = 0; h < blocks; ++h) accR[h] = accI[h] = _mm_setzero_si128();
        for (int r = 0; r < rings; ++r) {
            const std::int16_t* row = b + std::size_t(r) * std::size_t(2 * harmonics);
            const std::int16_t* a1 = q1 + std::size_t(r) * std::size_t(2 * harmonics);
            const std::int16_t* a2 = q2 + std::size_t(r) * std::size_t(2 * harmonics);
            for (int h = 0; h < blocks; ++h) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 8 * h));
                accR[h] = _mm_add_epi32(accR[h], _mm_madd_epi16(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(a1 + 8 * h))));
                accI[h] = _mm_add_epi32(accI[h], _mm_madd_epi16(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(a2 + 8 * h))));
            }
        }
        for (int h = 0; h < blocks; ++h) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(xr + 4 * h), accR[h]);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(xi + 4 * h), accI[h]);
        }
        return;
    }
#endif
    for (int k = 0; k < harmonics; ++k) xr[k] = xi[k] = 0;
    for (int r = 0; r < rings; ++r)
        for (int k = 0; k < harmonics; ++k) {
            const std::size_t at = std::size_t(r) * std::size_t(2 * harmonics) + std::size_t(2 * k);
            xr[k] += std::int32_t(b[at]) * q1[at] + std::int32_t(b[at + 1]) * q1[at + 1];
            xi[k] += std::int32_t(b[at]) * q2[at] + std::int32_t(b[at + 1]) * q2[at + 1];
        }
}

#if defined(__x86_64__)
// The same with AVX2 (eight harmonics a register), chosen at run time where
// the processor has it; harmonics a multiple of 8.
__attribute__((target("avx2"))) void crossSpectraAvx2(const std::int16_t* q1, const std::int16_t* q2, const std::int16_t* b, int rings,
                                                      int harmonics, std::int32_t* xr, std::int32_t* xi) {
    const int blocks = harmonics / 8;
    __m256i accR[kMaxHarmonics / 8], accI[kMaxHarmonics / 8];
    for (int h = 0; h < blocks; ++h) accR[h] = accI[h] = _mm256_setzero_si256();
    for (int r = 0; r < rings; ++r) {
        const std::size_t at = std::size_t(r) * std::size_t(2 * harmonics);
        for (int h = 0; h < blocks; ++h) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + at + 16 * h));
            accR[h] = _mm256_add_epi32(accR[h], _mm256_madd_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q1 + at + 16 * h))));
            accI[h] = _mm256_add_epi32(accI[h], _mm256_madd_epi16(v, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q2 + at + 16 * h))));
        }
    }
    for (int h = 0; h < blocks; ++h) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(xr + 8 * h), accR[h]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(xi + 8 * h), accI[h]);
    }
}
#endif

// cos and −sin of (k+1)φ_j, stored harmonic after harmonic so that the 4K
// rotations of one harmonic are consecutive (the inner loop runs over them).
struct RotationTable {
    int harmonics = 0, steps = 0;
    std::vector<float> cosines, minusSines;
    explicit RotationTable(int k) : harmonics(k), steps(4 * k) {
        cosines.resize(std::size_t(steps) * std::size_t(k));
        minusSines.resize(cosines.size());
        for (int h = 0; h < k; ++h)
            for (int j = 0; j < steps; ++j) {
                const double angle = (h + 1) * 2 * kPi * j / steps;
                cosines[std::size_t(h * steps + j)] = float(std::cos(angle));
                minusSines[std::size_t(h * steps + j)] = float(-std::sin(angle));
            }
    }
};

// max over the rotations j of Σ_k Re(X(k) e^{i(k+1)φ_j}). The hottest loop of
// the search: compiled for AVX2 as well where the processor has it (Debian's
// baseline is SSE2), chosen at run time. (GCC read the former "avx2,fma" as two
// separate clones and picked the AVX2 one; clang refuses that spelling.)
__attribute__((target_clones("avx2", "default"))) float bestRotation(const float* fr, const float* fi, int harmonics,
                                                                          const float* cosines, const float* minusSines, int steps,
                                                                          float* score) {
    for (int j = 0; j < steps; ++j) score[j] = 0.f;
    for (int k = 0; k < harmonics; ++k) {
        const float* c = cosines + std::size_t(k * steps);
        const float* m = minusSines + std::size_t(k * steps);
        const float a = fr[k], b = fi[k];
        for (int j = 0; j < steps; ++j) score[j] += a * c[j] + b * m[j];
    }
    float best = score[0];
    for (int j = 1; j < steps; ++j) best = std::max(best, score[j]);
    return best;
}

#if defined(__x86_64__)
// The same for the signature's usual shape (64 rotations: 16 harmonics) with
// the 64 scores held in eight AVX registers over all harmonics instead of
// being loaded and stored for each: the generic loop spent most of its time
// on that traffic. Results equal the generic loop's up to float rounding order.
__attribute__((target("avx2,fma"))) float bestRotation64Avx2(const float* fr, const float* fi, int harmonics, const float* cosines,
                                                              const float* minusSines) {
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    for (int k = 0; k < harmonics; ++k) {
        const float* c = cosines + std::size_t(k * 64);
        const float* m = minusSines + std::size_t(k * 64);
        const __m256 a = _mm256_set1_ps(fr[k]), b = _mm256_set1_ps(fi[k]);
        for (int v = 0; v < 8; ++v)
            acc[v] = _mm256_fmadd_ps(b, _mm256_loadu_ps(m + 8 * v), _mm256_fmadd_ps(a, _mm256_loadu_ps(c + 8 * v), acc[v]));
    }
    __m256 best = acc[0];
    for (int v = 1; v < 8; ++v) best = _mm256_max_ps(best, acc[v]);
    __m128 half = _mm_max_ps(_mm256_castps256_ps128(best), _mm256_extractf128_ps(best, 1));
    half = _mm_max_ps(half, _mm_movehl_ps(half, half));
    half = _mm_max_ss(half, _mm_shuffle_ps(half, half, 1));
    return _mm_cvtss_f32(half);
}

// Σ_k |X(k)| (the rotation search's upper bound) and X in float, eight harmonics at a time.
__attribute__((target("avx2"))) float toFloatWithBoundAvx2(const std::int32_t* xr, const std::int32_t* xi, int harmonics, float unit,
                                                          float* fr, float* fi) {
    const __m256 u = _mm256_set1_ps(unit);
    __m256 sum = _mm256_setzero_ps();
    for (int k = 0; k < harmonics; k += 8) {
        const __m256 r = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xr + k))), u);
        const __m256 i = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xi + k))), u);
        _mm256_storeu_ps(fr + k, r);
        _mm256_storeu_ps(fi + k, i);
        sum = _mm256_add_ps(sum, _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(r, r), _mm256_mul_ps(i, i))));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = 0;
    for (float v : lanes) total += v;
    return total;
}
#endif

// Orders hits best first (the higher similarity, then the lower id); as a
// priority_queue's comparator it keeps the worst of the kept hits on top.
struct BetterFirst {
    bool operator()(const IndexHit& a, const IndexHit& b) const {
        return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
    }
};
bool better(const IndexHit& a, const IndexHit& b) { return BetterFirst{}(a, b); }

}  // namespace

SignatureIndex::SignatureIndex(int rings, int harmonics) : rings_(rings), harmonics_(harmonics) {
    if (rings < 1 || harmonics < 1 || harmonics > kMaxHarmonics) throw std::invalid_argument("a signature index needs 1+ rings and 1 to 64 harmonics");
}

void SignatureIndex::add(std::int64_t id, const SearchSignature& s) {
    if (s.method != SignatureMethod::SpectrumRotationSearch && s.method != SignatureMethod::RingRotationSearch)
        throw std::invalid_argument("the signature index holds rotation-search signatures only");
    if (s.rings != rings_ || s.harmonics != harmonics_ || s.values.size() != coefficients())
        throw std::invalid_argument("a search signature of another shape than the index's");
    std::vector<std::int16_t> fixed(coefficients());
    for (std::size_t i = 0; i < fixed.size(); ++i) fixed[i] = toFixed(s.values[i]);
    addQuantised(id, fixed.data());
}

void SignatureIndex::addQuantised(std::int64_t id, const std::int16_t* v) {
    const std::size_t n = coefficients();
    if (auto it = slots_.find(id); it != slots_.end()) {
        std::copy(v, v + n, values_.begin() + std::ptrdiff_t(it->second * n));
        return;
    }
    slots_[id] = ids_.size();
    ids_.push_back(id);
    values_.insert(values_.end(), v, v + n);
}

bool SignatureIndex::remove(std::int64_t id) {
    const auto it = slots_.find(id);
    if (it == slots_.end()) return false;
    const std::size_t n = coefficients(), slot = it->second, last = ids_.size() - 1;
    // The last holding moves into the freed slot: the block stays contiguous.
    if (slot != last) {
        std::copy(values_.begin() + std::ptrdiff_t(last * n), values_.begin() + std::ptrdiff_t((last + 1) * n),
                  values_.begin() + std::ptrdiff_t(slot * n));
        ids_[slot] = ids_[last];
        slots_[ids_[slot]] = slot;
    }
    ids_.pop_back();
    values_.resize(last * n);
    slots_.erase(it);
    return true;
}

const std::int16_t* SignatureIndex::quantised(std::int64_t id) const {
    const auto it = slots_.find(id);
    return it == slots_.end() ? nullptr : values_.data() + it->second * coefficients();
}

std::vector<IndexHit> SignatureIndex::search(const SearchSignature& query, std::size_t keep,
                                             const std::function<bool(std::int64_t)>& admit) const {
    if (query.rings != rings_ || query.harmonics != harmonics_ || query.values.size() != coefficients() ||
        (query.method != SignatureMethod::SpectrumRotationSearch && query.method != SignatureMethod::RingRotationSearch))
        throw std::invalid_argument("a query signature of another kind than the index's");
    if (keep == 0) return {};
    const std::size_t n = coefficients();
    const int K = harmonics_;
    std::vector<std::int16_t> q1(n), q2(n);
    for (std::size_t i = 0; i < n; i += 2) {
        const std::int16_t re = toFixed(query.values[i]), im = toFixed(query.values[i + 1]);
        q1[i] = re, q1[i + 1] = im;
        q2[i] = im, q2[i + 1] = std::int16_t(-re);
    }
    thread_local std::unique_ptr<RotationTable> table;
    if (!table || table->harmonics != K) table = std::make_unique<RotationTable>(K);
    const int steps = table->steps;
    const float unit = 1.f / (kScale * kScale);

    // A large share kept (a full run, a generous shortlist): every score is
    // needed anyway, so they are collected and sorted once rather than
    // pushed through a heap of that size.
    const bool collectAll = keep * 8 >= ids_.size();
    std::vector<IndexHit> all;
    if (collectAll) all.reserve(ids_.size());
    std::priority_queue<IndexHit, std::vector<IndexHit>, BetterFirst> kept;
#if defined(__x86_64__)
    static const bool hasAvx2 = __builtin_cpu_supports("avx2"), hasFma = __builtin_cpu_supports("fma");
    const bool avx2 = hasAvx2 && K % 8 == 0;
    const bool rotation64 = avx2 && hasFma && steps == 64;
#endif
    std::int32_t xr[kMaxHarmonics], xi[kMaxHarmonics];
    float fr[kMaxHarmonics], fi[kMaxHarmonics], score[4 * kMaxHarmonics];
    for (std::size_t slot = 0; slot < ids_.size(); ++slot) {
        const std::int64_t id = ids_[slot];
        if (admit && !admit(id)) continue;
#if defined(__x86_64__)
        if (avx2) crossSpectraAvx2(q1.data(), q2.data(), values_.data() + slot * n, rings_, K, xr, xi);
        else
#endif
            crossSpectra(q1.data(), q2.data(), values_.data() + slot * n, rings_, K, xr, xi);
        float bound = 0;  // score(φ) = Re Σ X(k) e^{ikφ} ≤ Σ |X(k)|
#if defined(__x86_64__)
        if (avx2) bound = toFloatWithBoundAvx2(xr, xi, K, unit, fr, fi);
        else
#endif
            for (int k = 0; k < K; ++k) {
                fr[k] = float(xr[k]) * unit, fi[k] = float(xi[k]) * unit;
                bound += std::sqrt(fr[k] * fr[k] + fi[k] * fi[k]);
            }
        // Cannot enter the kept set: the rotation search is skipped.
        if (kept.size() == keep && bound < kept.top().similarity) continue;
        float similarity;
#if defined(__x86_64__)
        if (rotation64) similarity = bestRotation64Avx2(fr, fi, K, table->cosines.data(), table->minusSines.data());
        else
#endif
            similarity = bestRotation(fr, fi, K, table->cosines.data(), table->minusSines.data(), steps, score);
        const IndexHit hit{id, similarity};
        if (collectAll) all.push_back(hit);
        else if (kept.size() < keep) kept.push(hit);
        else if (better(hit, kept.top())) {
            kept.pop();
            kept.push(hit);
        }
    }
    if (collectAll) {
        const std::size_t n = std::min(keep, all.size());
        std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(n), all.end(), BetterFirst{});
        all.resize(n);
        return all;
    }
    std::vector<IndexHit> out;
    out.reserve(kept.size());
    while (!kept.empty()) out.push_back(kept.top()), kept.pop();
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace striae::matching
