// The FFT path agrees with direct summation.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "CrossCorrelation.h"

using namespace striae::matching;

// maxShiftRows 0: every row of the inverse transform; 43 (= 63 − 21 + 1, CMC's
// own choice for these cells): only the rows of valid shifts, as CMC asks.
class CrossCorrelationRows : public ::testing::TestWithParam<int> {};

TEST_P(CrossCorrelationRows, FftPeakMatchesDirectSummation) {
    std::mt19937 rng(11);
    std::normal_distribution<float> noise(0, 1);
    CellCorrelator correlator(63, 57, GetParam());
    for (int trial = 0; trial < 5; ++trial) {
        const int h = 17 + trial, w = 15 + trial, rh = 3 * h, rw = 3 * w;
        std::vector<float> region(std::size_t(rh) * rw), cell(std::size_t(h) * w);
        for (auto& v : region) v = noise(rng);
        // The cell is a noisy copy of part of the region, with some points missing (0).
        const int tr = 3 + trial * 4, tc = 20 - trial * 3;
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c)
                cell[r * w + c] = ((r * 7 + c * 3) % 11 == 0) ? 0.0f : region[(tr + r) * rw + tc + c] + 0.5f * noise(rng);
        const auto spectrum = correlator.cellSpectrum(cell.data(), h, w);
        const PeakShift fft = correlator.bestShift(spectrum.get(), h, w, region.data(), rh, rw);
        const PeakShift direct = bestShiftDirect(cell.data(), h, w, region.data(), rh, rw);
        EXPECT_EQ(fft.row, direct.row);
        EXPECT_EQ(fft.col, direct.col);
        EXPECT_NEAR(fft.value, direct.value, 1e-3 * std::abs(direct.value));
        EXPECT_EQ(direct.row, tr);
        EXPECT_EQ(direct.col, tc);
    }
}

INSTANTIATE_TEST_SUITE_P(AllOrValidRows, CrossCorrelationRows, ::testing::Values(0, 43));

TEST(CrossCorrelation, ARegionBeyondWhatTheCorrelatorWasMadeForIsRefused) {
    CellCorrelator correlator(63, 57, 43);
    std::vector<float> cell(10 * 10, 1.0f), region(63 * 57, 0.5f);
    const auto spectrum = correlator.cellSpectrum(cell.data(), 10, 10);
    // 63 − 10 + 1 = 54 rows of shifts: more than the 43 the inverse computes.
    EXPECT_THROW(correlator.bestShift(spectrum.get(), 10, 10, region.data(), 63, 57), std::logic_error);
}

TEST(CrossCorrelation, FftSizesHaveOnlySmallPrimeFactorsAndManyTwos) {
    EXPECT_EQ(fastFftSize(213), 224) << "2^5 x 7 beats 216 = 2^3 x 27 for FFTW";
    EXPECT_EQ(fastFftSize(128), 128);
    EXPECT_EQ(fastFftSize(11), 12);
    for (int n : {17, 97, 211, 500, 1001}) {
        const int m = fastFftSize(n);
        EXPECT_GE(m, n);
        int r = m;
        for (int p : {2, 3, 5, 7})
            while (r % p == 0) r /= p;
        EXPECT_EQ(r, 1) << m;
    }
}
