#pragma once
// The first stage's index over one partition's search signatures
// (docs/search.md): every holding's signature in one contiguous block of
// 16-bit coefficients (2 KB a holding, half the float signature, a bandwidth
// the scan can keep up with), searched by a SIMD brute-force scan that
// keeps the best `keep`. Additions and withdrawals change one slot; nothing is
// rebuilt. Not thread-safe by itself: SearchIndex guards it.
//
// Why brute force and not FAISS: the similarity is a correlation maximised
// over the rotation, not an inner product; FAISS would have to search 64
// turned copies of the query (16 times the arithmetic of this scan, which
// forms the 16 cross-spectra once and turns those), measured in docs/search.md.
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "striae/matching/SearchSignature.h"

namespace striae::matching {

struct IndexHit {
    std::int64_t id = 0;
    float similarity = 0;
};

class SignatureIndex {
public:
    SignatureIndex(int rings = SignatureOptions{}.rings, int harmonics = SignatureOptions{}.harmonics);

    // Adds or replaces `id`'s signature (throws std::invalid_argument for
    // one of another method or shape).
    void add(std::int64_t id, const SearchSignature& signature);
    // Adds a signature already quantised (the persisted form); `values`
    // holds coefficients() 16-bit numbers.
    void addQuantised(std::int64_t id, const std::int16_t* values);
    bool remove(std::int64_t id);
    bool contains(std::int64_t id) const { return slots_.count(id) != 0; }
    std::size_t size() const { return ids_.size(); }
    const std::vector<std::int64_t>& ids() const { return ids_; }
    const std::int16_t* quantised(std::int64_t id) const;
    std::size_t coefficients() const { return std::size_t(rings_) * std::size_t(harmonics_) * 2; }
    std::size_t bytesPerHolding() const { return coefficients() * sizeof(std::int16_t) + sizeof(std::int64_t); }

    // The `keep` most similar holdings that `admit` lets in (all when empty),
    // most similar first; ties by id. Similarities as signatureSimilarity's,
    // to the 16-bit rounding (≤ 1e-3).
    std::vector<IndexHit> search(const SearchSignature& query, std::size_t keep,
                                 const std::function<bool(std::int64_t)>& admit = {}) const;

    // Fixed-point scale of the stored coefficients: every one of an
    // L2-normalised signature is within [-1, 1], so no partial sum of products
    // can leave 32 bits (Cauchy-Schwarz: ≤ 2^28).
    static constexpr float kScale = 16384.f;

private:
    int rings_, harmonics_;
    std::vector<std::int16_t> values_;  // size() × coefficients(), (re, im) per harmonic, ring after ring
    std::vector<std::int64_t> ids_;
    std::unordered_map<std::int64_t, std::size_t> slots_;
};

}  // namespace striae::matching
