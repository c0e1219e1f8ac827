// Bullets on the command line: land (one land scan's signature),
// compare-bullets (two bullets, a folder of land scans each) and
// eval-bullets (every pair of bullets under a root, same barrel = known match).
#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "Format.h"
#include "striae/imaging/LandSignature.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"
#include "striae/matching/Evaluation.h"
#include "Progress.h"

#include <algorithm>
#include <map>
#include <thread>
#include <atomic>
#include <mutex>

namespace fs = std::filesystem;

namespace striae::cli {

namespace {

void addCompareOptions(CLI::App& cmd, matching::LandCompareOptions& o) {
    cmd.add_option("--max-lag-um", o.maxLagUm, "Largest shift between lands considered, µm (0: any)")->capture_default_str();
    cmd.add_option("--min-overlap", o.minOverlapFraction, "Least overlap at a lag, fraction of the shorter signature")->capture_default_str();
}

void addLandOptions(CLI::App& cmd, imaging::LandOptions& o) {
    cmd.add_option("--band-um", o.bandUm, "Rows averaged around the crosscut, µm")->capture_default_str();
    cmd.add_option("--long-cutoff-um", o.longCutoffUm, "High-pass cutoff (waviness), µm")->capture_default_str();
    cmd.add_option("--short-cutoff-um", o.shortCutoffUm, "Low-pass cutoff (noise), µm")->capture_default_str();
    cmd.add_option("--max-tilt-deg", o.maxTiltDeg, "Largest striae tilt corrected (0: none)")->capture_default_str();
    cmd.add_option("--groove-margin-um", o.grooveMarginUm, "Kept away from each groove shoulder, µm")->capture_default_str();
    cmd.add_option("--crosscut-um", o.crosscutUm, "Crosscut height, µm from y = 0 (default: the first stable height)");
    cmd.add_option("--striae", o.striae, "Which way the striae run on the scans: auto (from the texture), x or y")
        ->transform(CLI::CheckedTransformer(std::map<std::string, imaging::LandOptions::Striae>{
            {"auto", imaging::LandOptions::Striae::Auto}, {"x", imaging::LandOptions::Striae::AlongX}, {"y", imaging::LandOptions::Striae::AlongY}}));
    cmd.add_flag("--mirror", o.mirror, "The scans are mirrored: run the profile the other way");
}

// The land scans of one bullet: the folder's X3P files in name order (L1 ... L6).
std::vector<std::string> landFiles(const fs::path& folder) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.is_regular_file() && e.path().extension() == ".x3p") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// One bullet's lands: numbered from their file names ("...-L3", "Land_3"), or
// by name order when a name has no number; `unusable` land numbers left out.
// The striae direction is decided for the whole bullet unless stated.
struct BulletScans {
    matching::BulletLands lands;
    std::string orientation, numbering;
    std::vector<int> unusable;
};

BulletScans bulletSignatures(const fs::path& folder, imaging::LandOptions options, int rifling = 0,
                             const std::vector<int>& unusable = {}) {
    const auto files = landFiles(folder);
    if (files.size() < 2) throw std::runtime_error(folder.string() + ": expected the land scans of one bullet (X3P files), found " +
                                                   std::to_string(files.size()));
    BulletScans out;
    std::vector<int> numbers;
    bool named = true;
    for (const auto& f : files) {
        const auto n = matching::landNumberFromName(fs::path(f).filename().string());
        named = named && n.has_value();
        numbers.push_back(n.value_or(0));
    }
    if (!named)
        for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = int(i) + 1;
    out.numbering = named ? "land numbers from the file names" : "a file name without a land number: lands numbered in name order";
    std::vector<imaging::Surface> scans;
    for (const auto& f : files) scans.push_back(imaging::readX3p(f).surface);
    if (options.striae == imaging::LandOptions::Striae::Auto) {
        double anisotropy = 0;
        try {
            options.striae = imaging::bulletStriaeDirection(scans, &anisotropy);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(folder.string() + ": " + e.what());
        }
        out.orientation = std::string("striae along ") + (options.striae == imaging::LandOptions::Striae::AlongY ? "y" : "x") +
                          " (found from the lands' texture, anisotropy " + fixed(anisotropy, 1) + ")";
    } else {
        out.orientation = std::string("striae along ") + (options.striae == imaging::LandOptions::Striae::AlongY ? "y" : "x") + " (stated)";
    }
    if (options.mirror) out.orientation += ", mirrored (stated)";
    out.lands.rifling = rifling;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (std::find(unusable.begin(), unusable.end(), numbers[i]) != unusable.end()) {
            out.unusable.push_back(numbers[i]);
            continue;
        }
        try {
            out.lands.lands.push_back({numbers[i], imaging::extractLandSignature(scans[i], options)});
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(files[i] + ": " + e.what());
        }
        out.lands.lands.back().signature.label = fs::path(files[i]).stem().string();
    }
    std::sort(out.lands.lands.begin(), out.lands.lands.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

std::vector<imaging::LandSignature> signaturesOf(const matching::BulletLands& b) {
    std::vector<imaging::LandSignature> out;
    for (const auto& l : b.lands) out.push_back(l.signature);
    return out;
}

// Groove positions a publisher chose by hand (grooves.csv beside the scans:
// filename, filepath, left_groove, right_groove, ... in µm), by file name.
std::map<std::string, std::pair<double, double>> publishedGrooves(const fs::path& folder) {
    std::map<std::string, std::pair<double, double>> out;
    std::ifstream in(folder / "grooves.csv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char ch : line) {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) {
                cells.push_back(cell);
                cell.clear();
            } else cell += ch;
        }
        cells.push_back(cell);
        if (cells.size() < 4) continue;
        try {
            out[fs::path(cells[0]).stem().string()] = {std::stod(cells[2]), std::stod(cells[3])};
        } catch (const std::exception&) {
        }
    }
    return out;
}

Poco::JSON::Object::Ptr comparisonJson(const matching::BulletComparison& c, const std::vector<imaging::LandSignature>& a,
                                       const std::vector<imaging::LandSignature>& b) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("score", c.score);
    o->set("phase", c.phase);
    o->set("phaseMargin", c.phaseMargin);
    o->set("cmpsMean", c.cmpsMean);
    o->set("cmsMean", c.cmsMean);
    Poco::JSON::Array::Ptr phases = new Poco::JSON::Array;
    for (double s : c.phaseScores) {
        if (std::isnan(s)) phases->add(Poco::Dynamic::Var());  // too few land pairs on that phase
        else phases->add(s);
    }
    o->set("phaseScores", phases);
    Poco::JSON::Array::Ptr phasePairs = new Poco::JSON::Array;
    for (int n : c.phasePairs) phasePairs->add(n);
    o->set("phasePairs", phasePairs);
    o->set("rifling", c.lands);
    Poco::JSON::Array::Ptr numbersA = new Poco::JSON::Array, numbersB = new Poco::JSON::Array;
    for (int n : c.landNumbersA) numbersA->add(n);
    for (int n : c.landNumbersB) numbersB->add(n);
    o->set("landsA", numbersA);
    o->set("landsB", numbersB);
    Poco::JSON::Array::Ptr pairs = new Poco::JSON::Array;
    for (const auto& [i, j] : c.alignedPairs) {
        const auto& l = c.matrix[std::size_t(i)][std::size_t(j)];
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        p->set("a", a[std::size_t(i)].label);
        p->set("b", b[std::size_t(j)].label);
        p->set("landA", c.landNumbersA[std::size_t(i)]);
        p->set("landB", c.landNumbersB[std::size_t(j)]);
        p->set("ccf", l.ccf);
        p->set("lagUm", l.lagUm);
        p->set("cms", l.cms);
        p->set("cmps", l.cmps);
        p->set("segments", l.segments);
        pairs->add(p);
    }
    o->set("alignedLands", pairs);
    Poco::JSON::Array::Ptr matrix = new Poco::JSON::Array;
    for (const auto& row : c.matrix) {
        Poco::JSON::Array::Ptr r = new Poco::JSON::Array;
        for (const auto& l : row) r->add(l.ccf);
        matrix->add(r);
    }
    o->set("ccfMatrix", matrix);
    return o;
}

void printComparison(const matching::BulletComparison& c, const std::vector<imaging::LandSignature>& a,
                     const std::vector<imaging::LandSignature>& b) {
    std::cout << std::fixed << std::setprecision(3) << "bullet score (mean CCF on the phase): " << c.score << "\n"
              << "phase: land p of A lines up with land p+" << c.phase << " of B, of " << c.lands
              << " (margin over the next phase " << c.phaseMargin << ")\n"
              << "lands compared: A";
    for (int n : c.landNumbersA) std::cout << ' ' << n;
    std::cout << "; B";
    for (int n : c.landNumbersB) std::cout << ' ' << n;
    std::cout << "; " << c.alignedPairs.size() << " pairs on the phase\nphase scores (pairs):";
    for (std::size_t k = 0; k < c.phaseScores.size(); ++k) {
        if (std::isnan(c.phaseScores[k])) std::cout << "  -";
        else std::cout << ' ' << c.phaseScores[k];
        std::cout << " (" << c.phasePairs[k] << ")";
    }
    std::cout << "\n\n" << std::left << std::setw(24) << "land A" << std::setw(24) << "land B" << std::right << std::setw(7)
              << "CCF" << std::setw(10) << "lag µm" << std::setw(6) << "CMS" << std::setw(10) << "CMPS" << '\n';
    for (const auto& [i, j] : c.alignedPairs) {
        const auto& l = c.matrix[std::size_t(i)][std::size_t(j)];
        std::cout << std::left << std::setw(24) << a[std::size_t(i)].label << std::setw(24) << b[std::size_t(j)].label
                  << std::right << std::setw(7) << std::setprecision(3) << l.ccf << std::setw(10) << std::setprecision(1)
                  << l.lagUm << std::setw(6) << l.cms << std::setw(6) << l.cmps << "/" << std::left << std::setw(3)
                  << l.segments << std::right << '\n';
    }
    std::cout << "\nCCF matrix (rows: lands of A, columns: lands of B)\n";
    for (const auto& row : c.matrix) {
        for (const auto& l : row) std::cout << std::setw(7) << std::setprecision(3) << l.ccf;
        std::cout << '\n';
    }
}

}  // namespace

void addBulletCommands(CLI::App& app) {
    struct Land {
        std::string file, csv;
        bool json = false;
        imaging::LandOptions options;
    };
    auto l = std::make_shared<Land>();
    CLI::App* land = app.add_subcommand("land", "One land scan: striae tilt, groove shoulders, crosscut height and the signature");
    land->add_option("file", l->file, "Land-engraved-area scan (X3P)")->required()->check(CLI::ExistingFile);
    land->add_option("--csv", l->csv, "Write x (µm), profile and signature (µm) to this CSV file");
    land->add_flag("--json", l->json, "Print JSON");
    addLandOptions(*land, l->options);
    land->callback([l] {
        const auto s = imaging::extractLandSignature(imaging::readX3p(l->file).surface, l->options);
        const int n = s.lastValid() - s.firstValid();
        if (!l->json) std::cout << s.orientation << '\n';
        if (l->json) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("file", l->file);
            o.set("orientation", s.orientation);
            o.set("tiltDeg", s.tiltDeg);
            o.set("grooveLeftUm", s.grooveLeftUm);
            o.set("grooveRightUm", s.grooveRightUm);
            o.set("crosscutUm", s.crosscutUm);
            o.set("signaturePoints", n);
            o.stringify(std::cout);
            std::cout << '\n';
        } else {
            std::cout << std::fixed << std::setprecision(1) << "tilt " << std::setprecision(2) << s.tiltDeg << " deg; grooves "
                      << std::setprecision(1) << s.grooveLeftUm << " - " << s.grooveRightUm << " µm; crosscut at "
                      << s.crosscutUm << " µm; signature " << n << " points\n";
        }
        if (!l->csv.empty()) {
            std::ofstream out(l->csv);
            out << "x_um,profile_um,signature_um\n";
            for (std::size_t i = 0; i < s.profile.size(); ++i)
                out << i * s.spacingUm << ',' << s.profile[i] << ',' << s.signature[i] << '\n';
        }
    });

    struct Compare {
        std::string a, b;
        bool json = false;
        int rifling = 0;
        std::vector<int> unusableA, unusableB;
        imaging::LandOptions options;
        matching::LandCompareOptions compare;
    };
    auto c = std::make_shared<Compare>();
    CLI::App* compare = app.add_subcommand("compare-bullets", "Compare two bullets, each a folder of land scans (in land order by file name)");
    compare->add_option("a", c->a, "Folder of bullet A's land scans")->required()->check(CLI::ExistingDirectory);
    compare->add_option("b", c->b, "Folder of bullet B's land scans")->required()->check(CLI::ExistingDirectory);
    compare->add_flag("--json", c->json, "Print JSON");
    compare->add_option("--rifling", c->rifling, "Lands of the barrel (default: the highest land number held)")->check(CLI::Range(2, 40));
    compare->add_option("--unusable-a", c->unusableA, "Land numbers of A not to use (damaged), e.g. 3,5")->delimiter(',');
    compare->add_option("--unusable-b", c->unusableB, "Land numbers of B not to use")->delimiter(',');
    addLandOptions(*compare, c->options);
    addCompareOptions(*compare, c->compare);
    compare->callback([c] {
        auto sa = bulletSignatures(c->a, c->options, c->rifling, c->unusableA);
        auto sb = bulletSignatures(c->b, c->options, c->rifling, c->unusableB);
        if (c->rifling == 0) {
            // Both bullets from one barrel class: the larger of the highest numbers held.
            int highest = 0;
            for (const auto* x : {&sa, &sb})
                for (const auto& l : x->lands.lands) highest = std::max(highest, l.number);
            sa.lands.rifling = sb.lands.rifling = highest;
        }
        const auto result = matching::compareBullets(sa.lands, sb.lands, c->compare);
        const auto a = signaturesOf(sa.lands), b = signaturesOf(sb.lands);
        if (c->json) {
            auto o = comparisonJson(result, a, b);
            o->set("orientationA", sa.orientation);
            o->set("orientationB", sb.orientation);
            o->stringify(std::cout);
            std::cout << '\n';
        } else {
            std::cout << "A: " << sa.orientation << "; " << sa.numbering;
            for (int n : sa.unusable) std::cout << "; land " << n << " marked unusable";
            std::cout << "\nB: " << sb.orientation << "; " << sb.numbering;
            for (int n : sb.unusable) std::cout << "; land " << n << " marked unusable";
            std::cout << "\n";
            printComparison(result, a, b);
        }
    });

    struct Eval {
        std::string root, csv;
        bool json = false;
        imaging::LandOptions options;
        matching::LandCompareOptions compare;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    };
    auto e = std::make_shared<Eval>();
    CLI::App* eval = app.add_subcommand("eval-bullets",
                                        "Compare every pair of bullets under ROOT (a folder of land scans per bullet; bullets in the same parent folder, the barrel, are known matches)");
    eval->add_option("root", e->root, "Root folder")->required()->check(CLI::ExistingDirectory);
    eval->add_flag("--json", e->json, "Print JSON");
    eval->add_option("--csv", e->csv, "Write one row per land pair");
    eval->add_option("--threads,-j", e->threads, "Worker threads")->check(CLI::Range(1, 256));
    addLandOptions(*eval, e->options);
    addCompareOptions(*eval, e->compare);
    eval->callback([e] {
        struct Bullet {
            std::string name, barrel;
            std::vector<imaging::LandSignature> lands;
        };
        std::vector<Bullet> bullets;
        for (const auto& entry : fs::recursive_directory_iterator(e->root))
            if (entry.is_directory() && landFiles(entry.path()).size() >= 2)
                bullets.push_back({fs::relative(entry.path(), e->root).string(), fs::relative(entry.path().parent_path(), e->root).string(), {}});
        std::sort(bullets.begin(), bullets.end(), [](auto& x, auto& y) { return x.name < y.name; });
        if (bullets.size() < 2) throw std::runtime_error(e->root + ": fewer than two bullets (folders of land scans) found");
        {
            Progress progress("land signatures");
            std::atomic<int> next{0}, done{0};
            std::mutex errorMutex;
            std::string error;
            std::vector<std::thread> pool;
            for (int t = 0; t < e->threads; ++t)
                pool.emplace_back([&] {
                    for (int i; (i = next++) < int(bullets.size());) {
                        try {
                            bullets[std::size_t(i)].lands =
                                signaturesOf(bulletSignatures(fs::path(e->root) / bullets[std::size_t(i)].name, e->options).lands);
                        } catch (const std::exception& x) {
                            std::lock_guard lock(errorMutex);
                            error = x.what();
                        }
                        ++done;
                    }
                });
            while (done < int(bullets.size())) {
                progress.update(done, long(bullets.size()));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            for (auto& t : pool) t.join();
            progress.finish();
            if (!error.empty()) throw std::runtime_error(error);
        }
        std::vector<matching::BulletRecord> records;
        for (auto& b : bullets) records.push_back({b.name, b.barrel, b.lands});
        Progress progress("bullet pairs");
        const auto evaluation = matching::evaluateBullets(records, e->compare, e->threads, [&](int d, int t) { progress.update(d, t); });
        progress.finish();
        const auto& pairs = evaluation.pairs;
        const auto& km = evaluation.knownMatchScores;
        const auto& knm = evaluation.knownNonMatchScores;
        const auto& landKm = evaluation.alignedLandScores;
        const auto& landOther = evaluation.otherLandScores;
        const int triples = evaluation.phaseTriples, consistent = evaluation.phaseTriplesConsistent;
        const double bulletAuc = evaluation.bulletAuc, landAuc = evaluation.landAuc;
        // Automatic grooves against the publishers' (where a bullet folder has grooves.csv).
        std::vector<double> leftDelta, rightDelta;
        for (const auto& b : bullets) {
            const auto published = publishedGrooves(fs::path(e->root) / b.name);
            for (const auto& land : b.lands)
                if (auto it = published.find(land.label); it != published.end()) {
                    leftDelta.push_back(land.grooveLeftUm - it->second.first);
                    rightDelta.push_back(land.grooveRightUm - it->second.second);
                }
        }
        auto within = [](const std::vector<double>& d, double limit) {
            return int(std::count_if(d.begin(), d.end(), [&](double x) { return std::abs(x) <= limit; }));
        };
        auto absMedian = [](std::vector<double> d) {
            for (double& x : d) x = std::abs(x);
            return matching::summarize(d);
        };
        const auto kmS = matching::summarize(km), knmS = matching::summarize(knm);
        if (e->json) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("bullets", int(bullets.size()));
            o.set("pairs", int(pairs.size()));
            o.set("knownMatches", int(km.size()));
            o.set("bulletAuc", bulletAuc);
            o.set("landAuc", landAuc);
            o.set("phaseTriples", triples);
            o.set("phaseTriplesConsistent", consistent);
            o.set("groovesChecked", int(leftDelta.size()));
            if (!leftDelta.empty()) {
                o.set("grooveLeftAbsMedianUm", absMedian(leftDelta).median);
                o.set("grooveRightAbsMedianUm", absMedian(rightDelta).median);
                o.set("grooveLeftWithin100Um", within(leftDelta, 100));
                o.set("grooveRightWithin100Um", within(rightDelta, 100));
            }
            Poco::JSON::Array arr;
            for (const auto& p : pairs) {
                auto c = comparisonJson(p.result, bullets[p.a].lands, bullets[p.b].lands);
                c->set("a", bullets[p.a].name);
                c->set("b", bullets[p.b].name);
                c->set("knownMatch", p.knownMatch);
                arr.add(c);
            }
            o.set("comparisons", arr);
            o.stringify(std::cout);
            std::cout << '\n';
        } else {
            std::cout << std::fixed << std::setprecision(3) << std::left << std::setw(26) << "bullet A" << std::setw(26)
                      << "bullet B" << std::setw(5) << "KM" << std::right << std::setw(8) << "score" << std::setw(7)
                      << "phase" << std::setw(8) << "margin" << std::setw(8) << "CMPS" << std::setw(7) << "CMS" << '\n';
            for (const auto& p : pairs)
                std::cout << std::left << std::setw(26) << bullets[p.a].name << std::setw(26) << bullets[p.b].name << std::setw(5)
                          << (p.knownMatch ? "yes" : "no") << std::right << std::setw(8) << p.result.score << std::setw(7)
                          << p.result.phase << std::setw(8) << p.result.phaseMargin << std::setw(8) << std::setprecision(2)
                          << p.result.cmpsMean << std::setw(7) << p.result.cmsMean << std::setprecision(3) << '\n';
            std::cout << "\nbullets: " << bullets.size() << ", pairs: " << pairs.size() << " (" << km.size() << " known match, "
                      << knm.size() << " known non-match)\n"
                      << "bullet level: AUC " << std::setprecision(4) << bulletAuc << std::setprecision(3) << "; KM score min/median/max "
                      << kmS.min << " / " << kmS.median << " / " << kmS.max << "; KNM " << knmS.min << " / " << knmS.median
                      << " / " << knmS.max << "\n"
                      << "phase: consistent around " << consistent << " of " << triples
                      << " triples of known-match bullets (phase(A,C) = phase(A,B) + phase(B,C))\n"
                      << "land level: AUC " << std::setprecision(4) << landAuc << " (" << landKm.size()
                      << " land pairs on the found phase of KM bullets against " << landOther.size() << " others)\n";
            if (!leftDelta.empty()) {
                const auto l = absMedian(leftDelta), r = absMedian(rightDelta);
                const auto rs = matching::summarize(rightDelta), ls = matching::summarize(leftDelta);
                std::cout << std::setprecision(0) << "grooves against the publishers' grooves.csv (" << leftDelta.size()
                          << " lands): left |diff| median " << l.median << " µm, max " << l.max << " µm, within 100 µm: "
                          << within(leftDelta, 100) << "; right |diff| median " << r.median << " µm, max " << r.max
                          << " µm, within 100 µm: " << within(rightDelta, 100) << " (signed median: left " << ls.median
                          << ", right " << rs.median << " µm; + is further right)\n";
            }
        }
        if (!e->csv.empty()) {
            std::ofstream out(e->csv);
            out << "bullet_a,bullet_b,known_match,land_a,land_b,aligned,ccf,lag_um,cms,cmps,segments\n";
            for (const auto& p : pairs)
                for (int i = 0; i < p.result.lands; ++i)
                    for (int j = 0; j < p.result.lands; ++j) {
                        const auto& l = p.result.matrix[std::size_t(i)][std::size_t(j)];
                        out << '"' << bullets[p.a].name << "\",\"" << bullets[p.b].name << "\"," << p.knownMatch << ','
                            << bullets[p.a].lands[std::size_t(i)].label << ',' << bullets[p.b].lands[std::size_t(j)].label << ','
                            << (j == (i + p.result.phase) % p.result.lands) << ',' << l.ccf << ',' << l.lagUm << ',' << l.cms
                            << ',' << l.cmps << ',' << l.segments << '\n';
                    }
        }
        if (bulletAuc < 0) throw std::runtime_error("no known matches or no known non-matches under " + e->root);
    });
}

}  // namespace striae::cli
