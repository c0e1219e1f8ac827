// The search's first-stage signature on synthetic shots: compact, turned and
// shifted shots of one firearm find each other first, and bad input is named.
#include <gtest/gtest.h>

#include "striae/imaging/Synthetic.h"
#include "striae/matching/SearchSignature.h"

using namespace striae;

TEST(SearchSignature, ShotsOfOneFirearmFindEachOtherDespiteRotationAndShift) {
    imaging::SynthOptions o;
    o.sizePx = 400;
    o.maxRotationDeg = 180;  // shots turned by up to ±90° against each other
    o.maxShiftPx = 25;
    constexpr int firearms = 5, shots = 3;
    std::vector<matching::SearchSignature> signatures;
    for (int f = 1; f <= firearms; ++f)
        for (int s = 1; s <= shots; ++s) signatures.push_back(matching::computeSignature(imaging::synthesizeShot(o, f, s)));
    EXPECT_LE(signatures.front().bytes(), 4096u);
    for (std::size_t q = 0; q < signatures.size(); ++q) {
        std::size_t best = q == 0 ? 1 : 0;
        for (std::size_t g = 0; g < signatures.size(); ++g)
            if (g != q && matching::signatureSimilarity(signatures[q], signatures[g]) > matching::signatureSimilarity(signatures[q], signatures[best]))
                best = g;
        EXPECT_EQ(best / shots, q / shots) << "shot " << q << " finds a shot of another firearm first";
    }
    EXPECT_NEAR(matching::signatureSimilarity(signatures[0], signatures[0]), 1.0, 1e-3) << "itself, at no rotation";
}

TEST(SearchSignature, RefusesWhatItCannotDescribe) {
    EXPECT_THROW(matching::computeSignature(imaging::Surface()), std::invalid_argument);
    EXPECT_THROW(matching::computeSignature(imaging::Surface(50, 50, 6.25e-6, 6.25e-6)), std::invalid_argument) << "no valid point";
    imaging::SynthOptions o;
    o.sizePx = 200;
    const auto a = matching::computeSignature(imaging::synthesizeShot(o, 1, 1));
    matching::SignatureOptions other;
    other.rings = 16;
    const auto b = matching::computeSignature(imaging::synthesizeShot(o, 1, 2), other);
    EXPECT_THROW(matching::signatureSimilarity(a, b), std::invalid_argument) << "different shapes";
}
