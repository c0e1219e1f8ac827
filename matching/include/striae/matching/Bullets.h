#pragma once
// Bullet comparison from land signatures: land to land (maximum normalized
// cross-correlation and its lag, consecutive matching striae, Congruent
// Matching Profile Segments after Chen et al. 2019), and bullet to bullet
// (the matrix of land scores, the phase that lines the lands up, the
// aligned pairs and the bullet score).
#include <functional>
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
    int lands = 0;
    std::vector<std::vector<LandComparison>> matrix;  // [land of A][land of B]
    std::vector<double> phaseScores;  // per phase k: mean CCF of lands (i, (i + k) mod n)
    int phase = 0;                    // the best: land i of A lines up with land (i + phase) mod n of B
    double score = 0;                 // mean CCF on that phase
    double cmpsMean = 0, cmsMean = 0; // on that phase
    double phaseMargin = 0;           // best phase score minus the second best
    std::vector<std::pair<int, int>> alignedPairs;
};

// Both bullets must have the same number of lands (their signatures in land order).
BulletComparison compareBullets(const std::vector<imaging::LandSignature>& a, const std::vector<imaging::LandSignature>& b,
                                const LandCompareOptions& options = {});

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
