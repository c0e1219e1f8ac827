#pragma once
// Bullet comparison from land signatures: land to land (maximum normalized
// cross-correlation and its lag, consecutive matching striae, Congruent
// Matching Profile Segments after Chen et al. 2019), and bullet to bullet
// (the matrix of land scores, the phase that lines the lands up, the
// aligned pairs and the bullet score).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "striae/imaging/LandSignature.h"

namespace striae::matching {

struct LandCompareOptions {
    double minOverlapFraction = 0.5;  // of the shorter signature, at any lag considered
    // Lands are scanned groove to groove, so matching striae sit at similar
    // positions in both scans: lags (in the scans' coordinates) beyond this
    // are not considered. 0: any lag.
    double maxLagUm = 400;
    double striaToleranceUm = 6;      // a peak or valley matches one within this distance
    double segmentUm = 80;            // CMPS: segment length of the reference signature
    double congruenceToleranceUm = 40;  // CMPS: T_x, a segment's position within this of the consensus
    int peaksPerSegment = 5;          // CMPS: correlation peaks each segment offers
};

struct LandComparison {
    double ccf = 0;        // maximum normalized cross-correlation over the lags
    double lagUm = 0;      // b's shift against a at that maximum
    int overlap = 0;       // points compared at that lag
    int cms = 0;           // consecutive matching striae (peaks and valleys) at that lag
    int cmps = 0;          // congruent matching profile segments
    int segments = 0;      // segments of a that could be registered
};

LandComparison compareLands(const imaging::LandSignature& a, const imaging::LandSignature& b, const LandCompareOptions& options = {});

struct BulletComparison {
    int lands = 0;                    // the rifling's number of lands (phases are rotations of land numbers)
    std::vector<int> landNumbersA, landNumbersB;  // the lands compared, per matrix row / column (1-based)
    std::vector<std::vector<LandComparison>> matrix;  // [land of A][land of B], in the order of the numbers above
    std::vector<double> phaseScores;  // per phase k: mean CCF of the land pairs (p, p + k) both bullets hold; NaN if too few
    std::vector<int> phasePairs;      // per phase: how many land pairs took part
    int phase = 0;                    // the best: land p of A lines up with land ((p - 1 + phase) mod lands) + 1 of B
    double score = 0;                 // mean CCF on that phase
    double cmpsMean = 0, cmsMean = 0; // on that phase
    double phaseMargin = 0;           // best phase score minus the second best
    std::vector<std::pair<int, int>> alignedPairs;       // matrix (row, column) on the phase
    std::vector<std::pair<int, int>> alignedLandNumbers; // the same as land numbers (A, B)
};

// One bullet's usable land signatures with their land numbers (1 ... rifling);
// damaged or unusable lands are left out, and the two bullets may hold
// different subsets. `rifling` 0: the highest number held.
struct NumberedLand {
    int number = 0;
    imaging::LandSignature signature;
};
struct BulletLands {
    int rifling = 0;
    std::vector<NumberedLand> lands;
};

// Aligns by land number over the rifling: each phase pairs land p of A with
// land p + k of B where both are held; a phase needs at least half the pairs
// the best-covered phase has, so a phase resting on one lucky pair cannot win.
// Throws std::invalid_argument for different riflings, a number outside
// 1 ... rifling, a number held twice, or no land pair at all.
BulletComparison compareBullets(const BulletLands& a, const BulletLands& b, const LandCompareOptions& options = {});

// Both bullets complete, their signatures in land order (land 1 first); the
// same number of lands required (give numbers through BulletLands otherwise).
BulletComparison compareBullets(const std::vector<imaging::LandSignature>& a, const std::vector<imaging::LandSignature>& b,
                                const LandCompareOptions& options = {});

// The land number in a scan's file name: "...-L3.x3p", "Land_3", "Land3",
// "land 3" (case-insensitive); nothing when the name has none.
std::optional<int> landNumberFromName(const std::string& name);

// The same comparison seen from B's side (B's lands as rows): the matrix
// transposed with lags negated, the phase turned round; scores unchanged (a
// pair's CMS and CMPS stay those counted with A's signature as reference).
BulletComparison transposed(const BulletComparison& comparison);

// Every pair of a set of bullets; bullets of the same barrel are known matches.
struct BulletRecord {
    std::string name, barrel;
    std::vector<imaging::LandSignature> lands;
};

struct BulletPairResult {
    std::size_t a = 0, b = 0;  // indices into the bullets
    bool knownMatch = false;
    BulletComparison result;
};

struct BulletEvaluation {
    std::vector<BulletPairResult> pairs;
    std::vector<double> knownMatchScores, knownNonMatchScores;
    double bulletAuc = 0;
    // Land pairs on the found phase of known-match bullets against all other land pairs (CCF).
    std::vector<double> alignedLandScores, otherLandScores;
    double landAuc = 0;
    // The phase is right when phases compose around every triple of known-match bullets:
    // phase(A, C) = phase(A, B) + phase(B, C) (mod the number of lands).
    int phaseTriples = 0, phaseTriplesConsistent = 0;
};

BulletEvaluation evaluateBullets(const std::vector<BulletRecord>& bullets, const LandCompareOptions& options = {},
                                 int threads = 1, const std::function<void(int, int)>& progress = {});

}  // namespace striae::matching
