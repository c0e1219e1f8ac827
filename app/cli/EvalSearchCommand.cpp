// striae eval-search DIR: how well the search's first stage keeps true mates.
// Every scan of DIR queries a gallery of all the others (plus, with
// --mirrors, a mirror image of every scan: a mirrored breech face matches no
// firearm but has real texture statistics); mates are scans of one group,
// the file name up to its last '-' (Weller: TWss-nn, ss the slide).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/SearchSignature.h"

namespace striae::cli {
namespace {

namespace fs = std::filesystem;

struct Entry {
    std::string name, group;  // group empty: a distractor
    matching::SearchSignature signature;
};

imaging::Surface mirrored(const imaging::Surface& s) {
    imaging::Surface out(s.rows(), s.cols(), s.spacingX(), s.spacingY());
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c) out.set(r, c, s.at(r, s.cols() - 1 - c));
    return out;
}

}  // namespace

void addEvalSearchCommand(CLI::App& app) {
    struct Options {
        std::string dir, method = "spectrum-rotation-search";
        double stepUm = 25;
        int rings = 32, harmonics = 16;
        double shortest = 40, longest = 400;
        bool mirrors = false;
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
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(o->dir))
            if (e.path().extension() == ".x3p") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.size() < 3) throw std::runtime_error(o->dir + ": fewer than three X3P files");
        const std::size_t copies = o->mirrors ? 2 : 1;
        std::vector<Entry> entries(files.size() * copies);
        std::atomic<long long> signatureMicros{0};
        parallelFor(int(files.size()), o->threads, "signatures", [&](int i) {
            const auto surface = imaging::readX3p(files[std::size_t(i)].string()).surface;
            const std::string stem = files[std::size_t(i)].stem().string();
            const auto start = std::chrono::steady_clock::now();
            entries[std::size_t(i)] = {stem, stem.substr(0, stem.rfind('-')), matching::computeSignature(surface, so)};
            signatureMicros += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
            if (o->mirrors) entries[files.size() + std::size_t(i)] = {stem + " (mirrored)", "", matching::computeSignature(mirrored(surface), so)};
        });

        const std::size_t gallery = entries.size() - 1;
        const std::size_t onePercent = std::max<std::size_t>(1, gallery / 100), fivePercent = std::max<std::size_t>(1, gallery * 5 / 100);
        std::size_t mates = 0, inTop1 = 0, inTop10 = 0, inOne = 0, inFive = 0, queries = 0, firstIsMate = 0;
        std::vector<std::size_t> worstRanks;
        const auto compareStart = std::chrono::steady_clock::now();
        for (std::size_t q = 0; q < files.size(); ++q) {
            std::vector<std::pair<double, std::size_t>> ranked;
            for (std::size_t g = 0; g < entries.size(); ++g)
                if (g != q) ranked.emplace_back(matching::signatureSimilarity(entries[q].signature, entries[g].signature), g);
            std::sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
            ++queries;
            firstIsMate += entries[ranked[0].second].group == entries[q].group;
            for (std::size_t rank = 0; rank < ranked.size(); ++rank) {
                if (entries[ranked[rank].second].group != entries[q].group) continue;
                ++mates;
                inTop1 += rank < 1, inTop10 += rank < 10, inOne += rank < onePercent, inFive += rank < fivePercent;
                worstRanks.push_back(rank + 1);
            }
        }
        const double compareSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compareStart).count();
        std::sort(worstRanks.begin(), worstRanks.end());
        auto share = [&](std::size_t n) { return fixed(100.0 * double(n) / double(std::max<std::size_t>(1, mates)), 1) + " %"; };
        std::cout << "method " << matching::signatureMethodName(so.method) << ", step " << so.stepUm << " µm, " << so.rings << " rings, "
                  << so.harmonics << " harmonics; " << entries.front().signature.bytes() << " bytes a signature, "
                  << fixed(double(signatureMicros) / 1000.0 / double(files.size()), 1) << " ms to compute (resampled surface)\n"
                  << "queries " << queries << ", gallery " << gallery << " (" << (o->mirrors ? files.size() : 0) << " mirrored distractors), true mates "
                  << mates << "\n"
                  << "true mates in the first-stage top 1: " << share(inTop1) << ", top 10: " << share(inTop10) << ", top 1 % (" << onePercent
                  << "): " << share(inOne) << ", top 5 % (" << fivePercent << "): " << share(inFive) << "\n"
                  << "queries whose first-stage rank 1 is a true mate: " << fixed(100.0 * double(firstIsMate) / double(queries), 1) << " %\n"
                  << "worst rank of a true mate: " << (worstRanks.empty() ? 0 : worstRanks.back()) << "; 99th percentile: "
                  << (worstRanks.empty() ? 0 : worstRanks[std::min(worstRanks.size() - 1, worstRanks.size() * 99 / 100)]) << "\n"
                  << "similarities: " << fixed(compareSeconds * 1e6 / double(queries * gallery), 2) << " µs each\n";
    });
}

}  // namespace striae::cli
