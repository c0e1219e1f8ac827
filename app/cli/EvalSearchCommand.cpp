// striae eval-search DIR: how well the search's first stage keeps true mates.
// Every scan of DIR queries a gallery of all the others; mates are scans of
// one group, the file name up to its last '-' (Weller: TWss-nn, ss the
// slide). --mirrors adds a mirror image of every scan (a mirrored breech face
// matches no firearm but has real texture statistics); --gallery N,M,... grows
// the gallery to N, M, ... holdings with the mirrors and then distractors made
// from them (SearchDistractors.h), searched through the index the store and
// the hub use. --rerank K then compares by CMC, at the largest gallery, each
// query with the mates and the K best non-mates its shortlist kept.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>

#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "SearchDistractors.h"
#include "striae/imaging/Preprocess.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/SecondStage.h"
#include "striae/matching/SearchSignature.h"
#include "striae/matching/SignatureIndex.h"
#include "striae/records/Types.h"

namespace striae::cli {
namespace {

namespace fs = std::filesystem;

struct Entry {
    std::string name, group;  // group empty: a distractor
    matching::SearchSignature signature;
    int mirrorOf = -1;               // a mirror image of scan mirrorOf
    long long recipe = -1;           // a built distractor: its recipe's index
};

std::vector<std::size_t> parseSizes(const std::string& text) {
    std::vector<std::size_t> sizes;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');) {
        std::size_t used = 0;
        const long long n = std::stoll(part, &used);
        if (used != part.size() || n < 2) throw CLI::ValidationError("--gallery", "'" + part + "' is not a gallery size of 2 or more");
        sizes.push_back(std::size_t(n));
    }
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

// CMC's ranking (the store's): the count, then the High CMC count.
bool cmcBetter(const matching::CmcResult& a, const matching::CmcResult& b) {
    return a.originalCount != b.originalCount ? a.originalCount > b.originalCount : a.highCount > b.highCount;
}

}  // namespace

void addEvalSearchCommand(CLI::App& app) {
    struct Options {
        std::string dir, method = "spectrum-rotation-search", gallery, shortlist;
        double stepUm = 25;
        int rings = 32, harmonics = 16;
        double shortest = 40, longest = 400;
        bool mirrors = false;
        int rerank = 0;
        int secondStage = 0, secondStageSample = 200, endToEnd = 0;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("eval-search", "Recall of the search's first stage: each scan queries all the others (mates: same file-name group)");
    cmd->add_option("dir", o->dir, "Folder of processed scans (X3P)")->required()->check(CLI::ExistingDirectory);
    cmd->add_option("--method", o->method, "spectrum-rotation-search (default), spectrum-rings, ring-rotation-search or ring-magnitudes")->capture_default_str();
    cmd->add_option("--step", o->stepUm, "Resample to this spacing first (µm)")->capture_default_str();
    cmd->add_option("--rings", o->rings, "Rings")->capture_default_str();
    cmd->add_option("--harmonics", o->harmonics, "Angular harmonics per ring")->capture_default_str();
    cmd->add_option("--wavelengths", o->shortest, "Spectrum methods: the shortest wavelength (µm)")->capture_default_str();
    cmd->add_option("--longest", o->longest, "Spectrum methods: the longest wavelength (µm)")->capture_default_str();
    cmd->add_flag("--mirrors", o->mirrors, "Add a mirror image of every scan to the gallery as a distractor");
    cmd->add_option("--gallery", o->gallery,
                    "Gallery sizes to measure, e.g. 1000,10000,100000: the other scans, their mirror images, then distractors built from them");
    cmd->add_option("--shortlist", o->shortlist, "The shortlist whose survival is measured ('all', '25%' or a count; default: the store's default)");
    cmd->add_option("--rerank", o->rerank, "At the largest gallery, compare by CMC each query with the mates and this many best non-mates of its shortlist")
        ->check(CLI::Range(0, 10000));
    cmd->add_option("--second-stage", o->secondStage,
                    "At the largest gallery, rank each shortlist by the second stage and measure how many mates its head of this many keeps "
                    "(default: the shortlist's, e.g. 200 of '35%/200')")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--second-stage-sample", o->secondStageSample, "Non-mates of each shortlist the second stage scores to estimate ranks")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--end-to-end", o->endToEnd, "Run this many whole searches (both stages, CMC) at the largest gallery and time them")
        ->check(CLI::Range(0, 1000));
    cmd->add_option("--threads,-j", o->threads, "Worker threads")->check(CLI::Range(1, 256));
    cmd->callback([o] {
        matching::SignatureOptions so;
        so.stepUm = o->stepUm, so.rings = o->rings, so.harmonics = o->harmonics;
        so.shortestWavelengthUm = o->shortest, so.longestWavelengthUm = o->longest;
        if (o->method == "ring-rotation-search") so.method = matching::SignatureMethod::RingRotationSearch;
        else if (o->method == "ring-magnitudes") so.method = matching::SignatureMethod::RingMagnitudes;
        else if (o->method == "spectrum-rings") so.method = matching::SignatureMethod::SpectrumRings;
        else if (o->method == "spectrum-rotation-search") so.method = matching::SignatureMethod::SpectrumRotationSearch;
        else throw CLI::ValidationError("--method", "unknown method '" + o->method + "'");
        const bool indexed = so.method == matching::SignatureMethod::SpectrumRotationSearch || so.method == matching::SignatureMethod::RingRotationSearch;
        std::vector<std::size_t> sizes = o->gallery.empty() ? std::vector<std::size_t>{} : parseSizes(o->gallery);
        if (!sizes.empty() && !indexed) throw CLI::ValidationError("--gallery", "needs a rotation-search method (the index holds those)");
        if (o->rerank > 0 && !indexed) throw CLI::ValidationError("--rerank", "needs a rotation-search method");
        records::Shortlist shortlist;
        if (!o->shortlist.empty()) shortlist = records::Shortlist::parse(o->shortlist);

        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(o->dir))
            if (e.path().extension() == ".x3p") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.size() < 3) throw std::runtime_error(o->dir + ": fewer than three X3P files");
        const std::size_t scans = files.size();
        const bool withMirrors = o->mirrors || !sizes.empty();
        const std::size_t largest = sizes.empty() ? (withMirrors ? 2 * scans : scans) - 1 : sizes.back();
        if (sizes.empty()) sizes.push_back(largest);
        if (sizes.front() + 1 < scans)
            throw CLI::ValidationError("--gallery", "a gallery holds at least the other " + std::to_string(scans - 1) + " scans");
        const std::size_t total = std::max(largest + 1, withMirrors ? 2 * scans : scans);

        // The second stage as asked, else as the shortlist says (the default's: 200).
        const int secondKeep = o->secondStage > 0 ? o->secondStage : shortlist.secondStage && !shortlist.everything ? *shortlist.secondStage : 0;
        const bool needScans = o->rerank > 0 || o->endToEnd > 0 || secondKeep > 0, needFull = o->rerank > 0 || o->endToEnd > 0;
        std::vector<Entry> entries(total);
        // The scans as read, their mirror images at full spacing, and at the signature's step (which is the second stage's).
        std::vector<imaging::Surface> real(needScans ? scans : 0), full(needFull ? scans : 0), coarse(scans);
        std::vector<std::string> groups(scans);
        std::atomic<long long> signatureMicros{0};
        parallelFor(int(scans), o->threads, "signatures", [&](int i) {
            const auto surface = imaging::readX3p(files[std::size_t(i)].string()).surface;
            if (!real.empty()) real[std::size_t(i)] = surface;
            const std::string stem = files[std::size_t(i)].stem().string();
            const auto start = std::chrono::steady_clock::now();
            entries[std::size_t(i)] = {stem, stem.substr(0, stem.rfind('-')), matching::computeSignature(surface, so)};
            signatureMicros += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
            groups[std::size_t(i)] = entries[std::size_t(i)].group;
            if (!withMirrors) return;
            const imaging::Surface m = mirrored(surface);
            entries[scans + std::size_t(i)] = {stem + " (mirrored)", "", matching::computeSignature(m, so), i};
            const double step = so.stepUm * 1e-6;
            coarse[std::size_t(i)] = m.spacingX() < step * 0.99 ? imaging::resample(m, step) : m;
            if (!full.empty()) full[std::size_t(i)] = m;
        });
        const std::size_t built = total - (withMirrors ? 2 * scans : scans);
        std::atomic<int> refused{0};
        if (built > 0)
            parallelFor(int(built), o->threads, "distractors", [&](int i) {
                Entry& e = entries[2 * scans + std::size_t(i)];
                // A recipe whose parts barely overlap leaves too little surface: the next one is taken.
                for (long long attempt = 0;; ++attempt) {
                    const long long recipe = i + attempt * 100000000LL;
                    try {
                        e.signature = matching::computeSignature(buildDistractor(distractorRecipe(std::uint64_t(recipe), groups), coarse), so);
                        e.recipe = recipe;
                        e.name = "distractor " + std::to_string(recipe);
                        break;
                    } catch (const std::invalid_argument&) {
                        ++refused;
                    }
                }
            });

        // Any gallery entry at the scans' own spacing, and at the second stage's step;
        // a built distractor is rebuilt from its recipe.
        auto fullOf = [&](std::size_t g) -> imaging::Surface {
            if (g < scans) return real[g];
            if (entries[g].mirrorOf >= 0) return full[std::size_t(entries[g].mirrorOf)];
            return buildDistractor(distractorRecipe(std::uint64_t(entries[g].recipe), groups), full);
        };
        const matching::SecondStageOptions so2;
        std::vector<imaging::Surface> scanAtStep(secondKeep > 0 || o->endToEnd > 0 ? scans : 0);
        for (std::size_t i = 0; i < scanAtStep.size(); ++i) scanAtStep[i] = matching::secondStageSurface(real[i], so2);
        auto atStep = [&](std::size_t g) -> imaging::Surface {
            if (g < scans) return scanAtStep[g];
            if (entries[g].mirrorOf >= 0) return coarse[std::size_t(entries[g].mirrorOf)];
            return buildDistractor(distractorRecipe(std::uint64_t(entries[g].recipe), groups), coarse);
        };

        // Every query's full ranking through the index (the store's and the hub's first stage).
        std::unique_ptr<matching::SignatureIndex> index;
        if (indexed) {
            index = std::make_unique<matching::SignatureIndex>(so.rings, so.harmonics);
            for (std::size_t g = 0; g < total; ++g) index->add(std::int64_t(g), entries[g].signature);
        }
        struct PerSize {
            std::size_t mates = 0, inTop1 = 0, inTop10 = 0, inOne = 0, inFive = 0, firstIsMate = 0, survived = 0;
            std::vector<std::size_t> ranks;
        };
        std::vector<PerSize> per(sizes.size());
        std::vector<std::vector<std::size_t>> shortlisted(scans);  // at the largest gallery, first-stage order
        std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> deepest;  // (rank, query, mate) at the largest gallery
        std::mutex merge;
        const auto compareStart = std::chrono::steady_clock::now();
        parallelFor(int(scans), o->threads, "queries", [&](int qi) {
            const std::size_t q = std::size_t(qi);
            std::vector<std::pair<float, std::size_t>> ranked;
            if (index) {
                for (const auto& h : index->search(entries[q].signature, total, [q](std::int64_t id) { return std::size_t(id) != q; }))
                    ranked.emplace_back(h.similarity, std::size_t(h.id));
            } else {
                for (std::size_t g = 0; g < total; ++g)
                    if (g != q) ranked.emplace_back(float(matching::signatureSimilarity(entries[q].signature, entries[g].signature)), g);
                std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
            }
            std::vector<PerSize> mine(sizes.size());
            for (std::size_t si = 0; si < sizes.size(); ++si) {
                const std::size_t gallery = sizes[si];
                const std::size_t onePercent = std::max<std::size_t>(1, gallery / 100), fivePercent = std::max<std::size_t>(1, gallery * 5 / 100);
                const std::size_t keep = std::size_t(shortlist.keep(int(gallery)));
                std::size_t rank = 0;
                for (const auto& [score, g] : ranked) {
                    if (g > gallery) continue;  // the gallery is entries 0 … gallery less the query
                    const bool mate = g < scans && entries[g].group == entries[q].group;
                    if (rank == 0) mine[si].firstIsMate += mate;
                    if (si + 1 == sizes.size() && rank < keep) shortlisted[q].push_back(g);
                    if (mate) {
                        ++mine[si].mates;
                        mine[si].inTop1 += rank < 1, mine[si].inTop10 += rank < 10, mine[si].inOne += rank < onePercent;
                        mine[si].inFive += rank < fivePercent, mine[si].survived += rank < keep;
                        mine[si].ranks.push_back(rank + 1);
                        if (si + 1 == sizes.size()) {
                            std::lock_guard lock(merge);
                            deepest.emplace_back(rank + 1, q, g);
                        }
                    }
                    ++rank;
                }
            }
            std::lock_guard lock(merge);
            for (std::size_t si = 0; si < sizes.size(); ++si) {
                auto& to = per[si];
                const auto& from = mine[si];
                to.mates += from.mates, to.inTop1 += from.inTop1, to.inTop10 += from.inTop10, to.inOne += from.inOne;
                to.inFive += from.inFive, to.firstIsMate += from.firstIsMate, to.survived += from.survived;
                to.ranks.insert(to.ranks.end(), from.ranks.begin(), from.ranks.end());
            }
        });
        const double compareSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compareStart).count();

        std::cout << "method " << matching::signatureMethodName(so.method) << ", step " << so.stepUm << " µm, " << so.rings << " rings, "
                  << so.harmonics << " harmonics; " << entries.front().signature.bytes() << " bytes a signature, "
                  << fixed(double(signatureMicros) / 1000.0 / double(scans), 1) << " ms to compute (resampled surface)\n"
                  << "queries " << scans << "; distractors: " << (withMirrors ? scans : 0) << " mirror images, " << built
                  << " built from them (" << refused << " recipes refused for too little surface)\n"
                  << "first stage " << (index ? "through the index (16-bit)" : "float similarities") << ": "
                  << fixed(compareSeconds * 1e6 / double(scans * (total - 1)), 2) << " µs a holding; shortlist " << shortlist.describe() << "\n";
        for (std::size_t si = 0; si < sizes.size(); ++si) {
            auto& p = per[si];
            const std::size_t gallery = sizes[si];
            std::sort(p.ranks.begin(), p.ranks.end());
            auto share = [&](std::size_t n) { return fixed(100.0 * double(n) / double(std::max<std::size_t>(1, p.mates)), 1) + " %"; };
            const std::size_t p99 = p.ranks.empty() ? 0 : p.ranks[std::min(p.ranks.size() - 1, p.ranks.size() * 99 / 100)];
            std::cout << "gallery " << gallery << ": true mates " << p.mates << "; in the first-stage top 1 " << share(p.inTop1) << ", top 10 "
                      << share(p.inTop10) << ", top 1 % (" << std::max<std::size_t>(1, gallery / 100) << ") " << share(p.inOne) << ", top 5 % ("
                      << std::max<std::size_t>(1, gallery * 5 / 100) << ") " << share(p.inFive) << "; surviving the shortlist ("
                      << shortlist.keep(int(gallery)) << ") " << share(p.survived) << "\n"
                      << "  queries whose first-stage rank 1 is a true mate: " << fixed(100.0 * double(p.firstIsMate) / double(scans), 1)
                      << " %; worst rank of a true mate " << (p.ranks.empty() ? 0 : p.ranks.back()) << ", 99th percentile " << p99 << " ("
                      << fixed(100.0 * double(p99) / double(gallery), 2) << " % of the gallery)\n";
        }
        std::sort(deepest.rbegin(), deepest.rend());
        std::cout << "deepest true mates at gallery " << largest << ":";
        for (std::size_t i = 0; i < std::min<std::size_t>(6, deepest.size()); ++i)
            std::cout << (i ? ", " : " ") << entries[std::get<1>(deepest[i])].name << " → " << entries[std::get<2>(deepest[i])].name << " rank "
                      << std::get<0>(deepest[i]);
        std::cout << "\n";
        if (secondKeep > 0) {
            // The cascade at the largest gallery: the second stage ranks each query's first-stage shortlist
            // and keeps its head for CMC. It scores every mate the shortlist kept and a sample of its
            // non-mates; a mate's rank is then estimated from the share of the sample above it.
            std::size_t kept = 0, shortlistedMates = 0, pairs = 0;
            std::vector<std::string> lost;
            const auto start = std::chrono::steady_clock::now();
            parallelFor(int(scans), o->threads, "second stage", [&](int qi) {
                const std::size_t q = std::size_t(qi);
                std::vector<std::size_t> mates, nonMates;
                for (std::size_t g : shortlisted[q]) (g < scans && entries[g].group == entries[q].group ? mates : nonMates).push_back(g);
                const std::size_t sample = std::min<std::size_t>(nonMates.size(), std::size_t(o->secondStageSample));
                auto score = [&](std::size_t g) {
                    return matching::secondStageScore(scanAtStep[q], atStep(g), matching::signatureMatch(entries[q].signature, entries[g].signature), so2).rank();
                };
                std::vector<double> sampled, mateScores;
                for (std::size_t k = 0; k < sample; ++k) sampled.push_back(score(nonMates[k * nonMates.size() / sample]));
                for (std::size_t g : mates) mateScores.push_back(score(g));
                std::sort(sampled.rbegin(), sampled.rend());
                std::size_t mine = 0;
                std::vector<std::string> myLost;
                for (std::size_t m = 0; m < mates.size(); ++m) {
                    std::size_t matesAbove = 0;
                    for (double other : mateScores) matesAbove += other > mateScores[m];
                    const auto above = std::size_t(std::lower_bound(sampled.begin(), sampled.end(), mateScores[m], std::greater<double>()) - sampled.begin());
                    const double estimated = 1.0 + double(matesAbove) + (sample ? double(above) * double(nonMates.size()) / double(sample) : 0.0);
                    if (estimated <= double(secondKeep)) ++mine;
                    else myLost.push_back(entries[q].name + " → " + entries[mates[m]].name + " (rank about " + std::to_string(std::lround(estimated)) + ")");
                }
                std::lock_guard lock(merge);
                kept += mine, shortlistedMates += mates.size(), pairs += sample + mates.size();
                lost.insert(lost.end(), myLost.begin(), myLost.end());
            });
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::size_t allMates = 0;
            for (std::size_t q = 0; q < scans; ++q)
                for (std::size_t g = 0; g < scans; ++g) allMates += g != q && entries[g].group == entries[q].group;
            std::cout << "second stage at gallery " << largest << " (CMC on " << so2.grid << "×" << so2.grid << " cells at " << so2.stepUm << " µm, ±"
                      << so2.windowDeg << "° around the first stage's " << so2.rotations << " best rotations; "
                      << fixed(seconds * 1000.0 * o->threads / double(std::max<std::size_t>(1, pairs)), 1) << " ms a holding per thread): of "
                      << allMates << " true mates, " << shortlistedMates << " survive the first stage's " << shortlist.describe() << ", " << kept
                      << " (" << fixed(100.0 * double(kept) / double(allMates), 1) << " %) also the second stage's " << secondKeep
                      << " (ranks estimated from " << o->secondStageSample << " sampled non-mates a query)\n";
            std::sort(lost.begin(), lost.end());
            for (const auto& l : lost) std::cout << "  lost at the second stage: " << l << "\n";
        }
        if (o->endToEnd > 0) {
            // Whole searches as the store and the hub run them, timed on the machine's threads: the first stage over
            // the largest gallery, the second stage over all it kept, CMC over the second stage's head.
            matching::setKernelThreads(1);
            for (int k = 0; k < o->endToEnd; ++k) {
                const std::size_t q = std::size_t(k) * scans / std::size_t(o->endToEnd);
                const auto t0 = std::chrono::steady_clock::now();
                const std::size_t keep = std::size_t(shortlist.keep(int(largest)));
                const auto hits = index->search(entries[q].signature, keep, [q](std::int64_t id) { return std::size_t(id) != q; });
                const auto t1 = std::chrono::steady_clock::now();
                std::vector<double> rank(hits.size());
                parallelFor(int(hits.size()), o->threads, "second stage", [&](int i) {
                    const std::size_t g = std::size_t(hits[std::size_t(i)].id);
                    rank[std::size_t(i)] = matching::secondStageScore(scanAtStep[q], atStep(g), matching::signatureMatch(entries[q].signature, entries[g].signature), so2).rank();
                });
                std::vector<std::size_t> order(hits.size());
                for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
                std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank[a] > rank[b]; });
                order.resize(std::size_t(shortlist.fullyCompared(int(order.size()))));
                const auto t2 = std::chrono::steady_clock::now();
                std::vector<matching::CmcResult> results(order.size());
                parallelFor(int(order.size()), o->threads, "CMC", [&](int i) {
                    const std::size_t g = std::size_t(hits[order[std::size_t(i)]].id);
                    results[std::size_t(i)] = matching::compareCmc(real[q], fullOf(g));
                });
                const auto t3 = std::chrono::steady_clock::now();
                std::size_t best = 0, matesKept = 0;
                for (std::size_t i = 0; i < order.size(); ++i) {
                    const std::size_t g = std::size_t(hits[order[i]].id);
                    matesKept += g < scans && entries[g].group == entries[q].group;
                    if (cmcBetter(results[i], results[best])) best = i;
                }
                const std::size_t top = std::size_t(hits[order[best]].id);
                auto sec = [](auto a, auto b) { return fixed(std::chrono::duration<double>(b - a).count(), 2) + " s"; };
                std::cout << "end to end, " << entries[q].name << " against " << largest << " holdings on " << o->threads << " threads: first stage "
                          << sec(t0, t1) << " (kept " << hits.size() << "), second stage " << sec(t1, t2) << " (kept " << order.size() << ", " << matesKept
                          << " of them mates), CMC " << sec(t2, t3) << "; total " << sec(t0, t3) << "; rank 1 " << entries[top].name << " (CMC "
                          << results[best].originalCount << ", " << (top < scans && entries[top].group == entries[q].group ? "a true mate" : "not a mate") << ")\n";
            }
        }
        if (o->rerank <= 0) return;

        // CMC on the shortlist at the largest gallery: every mate it kept and its K best non-mates,
        // each distractor rebuilt at the scan's own spacing from the same recipe.
        std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (query, entry)
        for (std::size_t q = 0; q < scans; ++q) {
            int nonMates = 0;
            for (std::size_t g : shortlisted[q]) {
                const bool mate = g < scans && entries[g].group == entries[q].group;
                if (mate || nonMates < o->rerank) pairs.emplace_back(q, g), nonMates += !mate;
            }
        }
        matching::setKernelThreads(1);
        std::vector<matching::CmcResult> results(pairs.size());
        parallelFor(int(pairs.size()), o->threads, "CMC", [&](int i) {
            results[std::size_t(i)] = matching::compareCmc(real[pairs[std::size_t(i)].first], fullOf(pairs[std::size_t(i)].second));
        });
        std::size_t rankOneMate = 0, withMate = 0;
        int bestNonMateCount = 0;
        std::map<std::size_t, std::pair<const matching::CmcResult*, const matching::CmcResult*>> best;  // query → (best mate, best non-mate)
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const auto [q, g] = pairs[i];
            const bool mate = g < scans && entries[g].group == entries[q].group;
            auto& slot = mate ? best[q].first : best[q].second;
            if (!slot || cmcBetter(results[i], *slot)) slot = &results[i];
            if (!mate) bestNonMateCount = std::max(bestNonMateCount, results[i].originalCount);
        }
        for (const auto& [q, b] : best) {
            withMate += b.first != nullptr;
            rankOneMate += b.first && (!b.second || cmcBetter(*b.first, *b.second));  // a tie is not a mate at rank 1
        }
        std::cout << "CMC rerank at gallery " << largest << " (" << pairs.size() << " comparisons: each query's shortlisted mates and its "
                  << o->rerank << " best-ranked shortlisted non-mates): queries whose rank 1 is a true mate "
                  << fixed(100.0 * double(rankOneMate) / double(scans), 1) << " % (" << rankOneMate << " of " << scans << "; " << withMate
                  << " kept a mate); the highest non-mate CMC count " << bestNonMateCount << "\n";
    });
}

}  // namespace striae::cli
