// striae eval DIR --truth CSV: all listed pairs compared on all cores, scored
// against the truth (known match / known non-match) and a reference count column.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "CmcOptions.h"
#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/Evaluation.h"

namespace striae::cli {
namespace {

struct PairOutcome {
    int original = 0, high = 0, forwardOriginal = 0, backwardOriginal = 0, usedCells = 0;
    double thetaDeg = 0, dx = 0, dy = 0;
    std::string error;
};


void printRule(const char* name, const std::vector<matching::TruthPair>& pairs, const std::vector<PairOutcome>& out,
               bool high, int threshold) {
    std::vector<double> km, knm, scores, reference, kmScores, kmReference;
    int kmBelow = 0, knmAbove = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (!out[i].error.empty()) continue;
        const double s = high ? out[i].high : out[i].original;
        (pairs[i].knownMatch ? km : knm).push_back(s);
        if (pairs[i].knownMatch && s < threshold) ++kmBelow;
        if (!pairs[i].knownMatch && s >= threshold) ++knmAbove;
        if (pairs[i].referenceScore) {
            scores.push_back(s);
            reference.push_back(*pairs[i].referenceScore);
            if (pairs[i].knownMatch) {
                kmScores.push_back(s);
                kmReference.push_back(*pairs[i].referenceScore);
            }
        }
    }
    const auto k = matching::summarize(km), n = matching::summarize(knm);
    std::cout << name << '\n';
    std::cout << "  pairs           " << km.size() + knm.size() << " (KM " << km.size() << ", KNM " << knm.size() << ")\n";
    std::cout << "  AUC             " << fixed(matching::rocAuc(km, knm), 4) << '\n';
    std::cout << "  KM  min/median/max   " << fixed(k.min, 0) << " / " << fixed(k.median, 1) << " / " << fixed(k.max, 0) << '\n';
    std::cout << "  KNM min/median/max   " << fixed(n.min, 0) << " / " << fixed(n.median, 1) << " / " << fixed(n.max, 0) << '\n';
    std::cout << "  misclassified at C >= " << threshold << ": " << kmBelow + knmAbove << " (KM below: " << kmBelow
              << ", KNM at or above: " << knmAbove << ")\n";
    if (!reference.empty())
        std::cout << "  Spearman vs reference  " << fixed(matching::spearman(scores, reference), 4) << " (" << reference.size()
                  << " pairs), known matches only " << fixed(matching::spearman(kmScores, kmReference), 4) << '\n';
}

}  // namespace

void addEvalCommand(CLI::App& app) {
    struct Options {
        std::string dir, truth, csv, referenceColumn;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        int limit = 0, every = 1, threshold = 6;
        CmcCliOptions cmc;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("eval", "Compare every pair a truth table lists and score the CMC counts against it");
    cmd->add_option("dir", o->dir, "Folder of processed X3P scans (NAME.x3p)")->required()->check(CLI::ExistingDirectory);
    cmd->add_option("--truth", o->truth, "CSV: reference, compared, KM/KNM, optional reference columns")->required()->check(CLI::ExistingFile);
    cmd->add_option("--csv", o->csv, "Write per-pair results to this CSV");
    cmd->add_option("--reference-column", o->referenceColumn, "Truth column to correlate with (default: the last one)");
    cmd->add_option("--threads,-j", o->threads, "Worker threads")->check(CLI::Range(1, 256))->capture_default_str();
    cmd->add_option("--every", o->every, "Use every N-th pair of the table (a quick subset)")->check(CLI::Range(1, 1000000));
    cmd->add_option("--limit", o->limit, "Use at most N pairs")->check(CLI::NonNegativeNumber);
    cmd->add_option("--threshold", o->threshold, "Decision threshold C for the misclassification count")->capture_default_str();
    addCmcOptions(*cmd, o->cmc);
    cmd->callback([o] {
        namespace fs = std::filesystem;
        const auto table = matching::readTruthTable(o->truth, o->referenceColumn);
        std::vector<matching::TruthPair> pairs;
        for (std::size_t i = 0; i < table.pairs.size(); i += o->every) {
            if (o->limit > 0 && int(pairs.size()) >= o->limit) break;
            pairs.push_back(table.pairs[i]);
        }
        if (pairs.empty()) throw std::runtime_error(o->truth + ": no pairs to compare");

        // Every scan is read once.
        std::vector<std::string> names;
        for (const auto& p : pairs) names.insert(names.end(), {p.reference, p.compared});
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        for (const auto& n : names)
            if (!fs::exists(fs::path(o->dir) / (n + ".x3p"))) throw std::runtime_error(o->dir + ": no scan " + n + ".x3p for the truth table");
        std::map<std::string, imaging::Surface> scans;
        for (const auto& n : names) scans[n];
        const auto start = std::chrono::steady_clock::now();
        parallelFor(int(names.size()), o->threads, "reading", [&](int i) {
            scans.at(names[i]) = imaging::readX3p((fs::path(o->dir) / (names[i] + ".x3p")).string()).surface;
        });

        matching::setKernelThreads(1);  // parallel over pairs instead
        const auto params = o->cmc.parameters();
        std::vector<PairOutcome> out(pairs.size());
        const auto compareStart = std::chrono::steady_clock::now();
        parallelFor(int(pairs.size()), o->threads, "comparing", [&](int i) {
            try {
                const auto r = matching::compareCmc(scans.at(pairs[i].reference), scans.at(pairs[i].compared), params);
                out[i] = {r.originalCount, r.highCount, r.forward.originalCount, r.backward.originalCount, r.forward.usedCells,
                          r.forward.consensus.thetaDeg, r.forward.consensus.dx, r.forward.consensus.dy, {}};
            } catch (const std::exception& e) {
                out[i].error = e.what();
            }
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compareStart).count();
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        int failed = 0;
        for (std::size_t i = 0; i < out.size(); ++i)
            if (!out[i].error.empty()) {
                std::cerr << "pair " << pairs[i].reference << " / " << pairs[i].compared << ": " << out[i].error << '\n';
                ++failed;
            }
        std::cout << "scans " << names.size() << ", pairs " << pairs.size() << ", threads " << o->threads
                  << ", reference column: " << (table.referenceColumn.empty() ? "none" : table.referenceColumn) << '\n';
        printRule("original rule (Song 2013), min of both directions", pairs, out, false, o->threshold);
        printRule("High CMC rule (Tong 2015), min of both directions", pairs, out, true, o->threshold);
        std::cout << "time: " << fixed(total, 1) << " s in all, " << fixed(seconds * o->threads / double(pairs.size()), 3)
                  << " s per comparison per thread\n";

        if (!o->csv.empty()) {
            std::ofstream csv(o->csv);
            csv << "reference,compared,truth,cmc_original,cmc_high,forward_original,backward_original,used_cells,"
                   "theta_deg,dx_px,dy_px,reference_score,error\n";
            for (std::size_t i = 0; i < pairs.size(); ++i) {
                const auto& p = pairs[i];
                const auto& r = out[i];
                csv << p.reference << ',' << p.compared << ',' << (p.knownMatch ? "KM" : "KNM") << ',' << r.original << ','
                    << r.high << ',' << r.forwardOriginal << ',' << r.backwardOriginal << ',' << r.usedCells << ','
                    << r.thetaDeg << ',' << r.dx << ',' << r.dy << ','
                    << (p.referenceScore ? fixed(*p.referenceScore, 0) : std::string()) << ",\"" << r.error << "\"\n";
            }
            if (!csv) throw std::runtime_error(o->csv + ": cannot write");
        }
        if (failed) throw std::runtime_error(std::to_string(failed) + " pairs could not be compared");
    });
}

}  // namespace striae::cli
