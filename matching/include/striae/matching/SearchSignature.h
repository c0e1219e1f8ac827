#pragma once
// A compact signature of a processed breech face for the first stage of a
// search (docs/search.md): computed once per acquisition, compared with
// thousands of others in microseconds, insensitive to the in-plane rotation
// and the shift between two shots of one gun. It ranks; it decides nothing:
// the shortlist it keeps is then compared by CMC.
//
// The default (chosen by measured recall, docs/search.md): the magnitude of
// the surface's 2-D spectrum, which a shift leaves alone, sampled on rings of
// log-spaced wavelength; each ring's angular Fourier coefficients are kept. A
// rotation of the scan multiplies coefficient k by e^(ikφ) on every ring
// alike, so the similarity is the correlation maximised over φ. The other
// methods (rings of the surface itself around the centre of its valid region,
// or magnitudes only) were measured and lost; they stay for eval-search.
#include <complex>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::matching {

enum class SignatureMethod {
    RingMagnitudes,      // |c_r(k)|: rotation-invariant, no search; phase between rings lost
    RingRotationSearch,  // c_r(k) kept; similarity maximised over the rotation φ (all rings share it)
    SpectrumRings,       // |2-D spectrum| on log-spaced wavelength rings, angular magnitudes: shift-invariant, no centre needed
    SpectrumRotationSearch,  // the same rings, coefficients kept, similarity maximised over the rotation
};

struct SignatureOptions {
    SignatureMethod method = SignatureMethod::SpectrumRotationSearch;
    double stepUm = 25;   // the surface is resampled to this spacing first
    int rings = 32;
    int angles = 128;     // samples around a ring
    int harmonics = 16;   // angular Fourier coefficients kept per ring (k = 1 ... harmonics): 32 × 16 × 2 floats = 4 KB
    double shortestWavelengthUm = 40, longestWavelengthUm = 400;  // the spectrum methods' rings
};

struct SearchSignature {
    SignatureMethod method = SignatureMethod::SpectrumRotationSearch;
    int rings = 0, harmonics = 0;
    std::vector<float> values;  // RingRotationSearch: (re, im) per ring and harmonic; otherwise magnitudes; L2-normalised
    std::size_t bytes() const { return values.size() * sizeof(float); }
};

// Throws std::invalid_argument for a surface without enough valid points.
SearchSignature computeSignature(const imaging::Surface& processed, const SignatureOptions& options = {});

// Similarity in [-1, 1] (1: the same up to rotation); throws for signatures
// of different methods or shapes.
double signatureSimilarity(const SearchSignature& a, const SearchSignature& b);

// The similarity and the rotation at which it is reached (degrees; for the
// spectrum methods known only up to a half turn, the spectrum of a real
// surface being symmetric).
struct SignatureMatch {
    double similarity = 0;
    double rotationDeg = 0;
    std::vector<double> otherPeaksDeg;  // the score's other local maxima over the rotation, best first
};
SignatureMatch signatureMatch(const SearchSignature& a, const SearchSignature& b);

const char* signatureMethodName(SignatureMethod method);

}  // namespace striae::matching
