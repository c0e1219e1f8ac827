// striae calibrate DIR --truth CSV --out MODEL: compares every pair of a
// labelled set, cross-validates the CMC count and a logistic score over
// held-out firearms, and writes the calibration model (docs/validation.md).
#include <CLI/CLI.hpp>
#include <Poco/DigestStream.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <set>
#include <thread>

#include "CmcOptions.h"
#include "Commands.h"
#include "OutputFile.h"
#include "Format.h"
#include "Progress.h"
#include "StoreSession.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/matching/CmcFeatures.h"
#include "striae/matching/CmcJson.h"
#include "striae/matching/Evaluation.h"
#include "striae/matching/ScoreValidation.h"

namespace striae::cli {
namespace {

namespace fs = std::filesystem;
using matching::LabelledComparison;

std::string fileSha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    Poco::DigestOutputStream digest(engine);
    digest << in.rdbuf();
    digest.flush();
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

std::string parametersLine(const matching::CmcParameters& p) { return "# cmc parameters: " + matching::cmcParametersJson(p); }

// The features CSV: a parameters line, a header, one row per pair.
void writeFeatures(const std::string& path, const std::vector<LabelledComparison>& rows, const matching::CmcParameters& p) {
    std::ostringstream out;
    out.precision(10);
    out << parametersLine(p) << "\nreference,compared,truth";
    for (const auto& n : matching::cmcFeatureNames()) out << ',' << n;
    out << '\n';
    for (const auto& r : rows) {
        out << r.reference << ',' << r.compared << ',' << (r.knownMatch ? "KM" : "KNM");
        for (double v : r.features) out << ',' << v;
        out << '\n';
    }
    writeFileAtomically(path, out.str(), "features");
}

std::vector<LabelledComparison> readFeatures(const std::string& path, const matching::CmcParameters& p) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot read the features");
    std::string line;
    std::getline(in, line);
    if (line != parametersLine(p))
        throw std::runtime_error(path + ": features were computed with other CMC parameters (" + line + ")");
    std::getline(in, line);
    std::string expected = "reference,compared,truth";
    for (const auto& n : matching::cmcFeatureNames()) expected += "," + n;
    if (line != expected) throw std::runtime_error(path + ": the header does not list this version's features");
    std::vector<LabelledComparison> rows;
    for (int lineNo = 3; std::getline(in, line); ++lineNo) {
        if (line.empty()) continue;
        std::stringstream s(line);
        std::string field;
        LabelledComparison c;
        std::getline(s, c.reference, ',');
        std::getline(s, c.compared, ',');
        std::getline(s, field, ',');
        if (field != "KM" && field != "KNM") throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": truth is not KM or KNM");
        c.knownMatch = field == "KM";
        while (std::getline(s, field, ',')) {
            try {
                c.features.push_back(std::stod(field));
            } catch (const std::exception&) {
                throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": '" + field + "' is not a number");
            }
        }
        if (c.features.size() != matching::cmcFeatureNames().size())
            throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": wrong number of features");
        rows.push_back(std::move(c));
    }
    if (rows.empty()) throw std::runtime_error(path + ": no pairs");
    return rows;
}

std::vector<LabelledComparison> computeFeatures(const std::string& dir, const std::vector<matching::TruthPair>& pairs,
                                                const matching::CmcParameters& params, int threads) {
    std::vector<std::string> names;
    for (const auto& p : pairs) names.insert(names.end(), {p.reference, p.compared});
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& n : names)
        if (!fs::exists(fs::path(dir) / (n + ".x3p"))) throw std::runtime_error(dir + ": no scan " + n + ".x3p for the truth table");
    std::map<std::string, imaging::Surface> scans;
    for (const auto& n : names) scans[n];
    parallelFor(int(names.size()), threads, "reading", [&](int i) {
        scans.at(names[i]) = imaging::readX3p((fs::path(dir) / (names[i] + ".x3p")).string()).surface;
    });
    matching::setKernelThreads(1);
    std::vector<LabelledComparison> rows(pairs.size());
    std::vector<std::string> errors(pairs.size());
    parallelFor(int(pairs.size()), threads, "comparing", [&](int i) {
        rows[i].reference = pairs[i].reference;
        rows[i].compared = pairs[i].compared;
        rows[i].knownMatch = pairs[i].knownMatch;
        try {
            rows[i].features = matching::cmcFeatures(matching::compareCmc(scans.at(pairs[i].reference), scans.at(pairs[i].compared), params));
        } catch (const std::exception& e) {
            errors[i] = e.what();
        }
    });
    for (std::size_t i = 0; i < pairs.size(); ++i)
        if (!errors[i].empty())
            throw std::runtime_error("pair " + pairs[i].reference + " / " + pairs[i].compared + ": " + errors[i]);
    return rows;
}

std::string rate(const matching::RateInterval& r) {
    return std::to_string(r.errors) + "/" + std::to_string(r.trials) + " " + fixed(100 * r.rate, 2) + " % [" +
           fixed(100 * r.lower, 2) + ", " + fixed(100 * r.upper, 2) + "]";
}

void printSideBySide(const matching::ValidationSummary& count, const matching::ValidationSummary& score) {
    auto row = [](const std::string& name, const std::string& a, const std::string& b) {
        std::printf("  %-28s %-34s %s\n", name.c_str(), a.c_str(), b.c_str());
    };
    row("", "CMC count", "logistic score");
    row("AUC", fixed(count.auc, 4), fixed(score.auc, 4));
    row("Cllr (bits)", fixed(count.cllr, 4), fixed(score.cllr, 4));
    row("Cllr-min (bits)", fixed(count.cllrMin, 4), fixed(score.cllrMin, 4));
    row("log10 LR range", fixed(count.lrRangeLog10.first, 2) + " .. " + fixed(count.lrRangeLog10.second, 2),
        fixed(score.lrRangeLog10.first, 2) + " .. " + fixed(score.lrRangeLog10.second, 2));
    for (std::size_t i = 0; i < count.errorRates.size() && i < score.errorRates.size(); ++i) {
        const auto& c = count.errorRates[i];
        const auto& s = score.errorRates[i];
        const std::string rule = c.rule == s.rule ? c.rule : c.rule + " | " + s.rule;
        row("FPR " + rule, rate(c.falsePositive), rate(s.falsePositive));
        row("FNR " + rule, rate(c.falseNegative), rate(s.falseNegative));
    }
}

// The logistic score replaces the count only when it wins on the same folds:
// a higher AUC and no more errors at any LR threshold.
bool logisticWins(const matching::ValidationSummary& count, const matching::ValidationSummary& score, std::string& why) {
    if (!(score.auc > count.auc)) {
        why = "the logistic score's cross-validated AUC (" + fixed(score.auc, 4) + ") does not exceed the CMC count's (" +
              fixed(count.auc, 4) + ")";
        return false;
    }
    for (std::size_t i = 0; i < count.errorRates.size(); ++i) {
        const int c = count.errorRates[i].falsePositive.errors + count.errorRates[i].falseNegative.errors;
        const int s = score.errorRates[i].falsePositive.errors + score.errorRates[i].falseNegative.errors;
        if (s > c) {
            why = "the logistic score makes more errors at " + score.errorRates[i].rule;
            return false;
        }
    }
    why = "the logistic score's cross-validated AUC (" + fixed(score.auc, 4) + ") exceeds the CMC count's (" +
          fixed(count.auc, 4) + ") with no more errors at any LR threshold";
    return true;
}

void printModel(const matching::CalibrationModel& m) {
    std::cout << "calibration model " << m.id << (m.name.empty() ? "" : " (" + m.name + ")") << "\n"
              << "  fitted " << m.created << " by " << m.software << "\n"
              << "  reference data: " << m.data.scans << " scans, " << m.data.firearms << " firearms, " << m.data.pairs << " pairs (KM "
              << m.data.knownMatches << ", KNM " << m.data.knownNonMatches << "), truth " << m.data.truthFile << " (sha256 "
              << m.data.truthSha256.substr(0, 16) << "…)\n";
    if (!m.data.description.empty()) std::cout << "  " << m.data.description << "\n";
    std::cout << "  score: " << matching::scoreKindName(m.score.kind) << " (" << m.validation.chosenBecause << ")\n"
              << "  LR = 10^(" << fixed(m.calibration.a, 4) << " + " << fixed(m.calibration.b, 4) << " x score), bounded to 10^"
              << fixed(m.calibration.lowerBoundLog10, 2) << " .. 10^" << fixed(m.calibration.upperBoundLog10, 2) << " (ELUB); "
              << m.calibration.bootstrap.size() << " bootstrap refits for the intervals\n"
              << "  validation: " << m.validation.scheme << "\n";
    printSideBySide(m.validation.count, m.validation.score);
    std::cout << "  (left: the CMC count calibrated on the same folds; right: this model's score" <<
        (m.score.kind == matching::ScoreKind::CmcCount ? ", which is the count" : "") << "; docs/validation.md)\n";
}

}  // namespace

void addCalibrationCommands(CLI::App& app) {
    CLI::App* group = app.add_subcommand("calibration", "Show a calibration model, install one in a case store");
    group->require_subcommand(1);
    {
        struct Show {
            std::string model;
            StoreSession session;
        };
        auto o = std::make_shared<Show>();
        CLI::App* cmd = group->add_subcommand("show", "What a calibration model is, what it was fitted on, its cross-validated figures");
        cmd->add_option("model", o->model, "Model file (default: the store's installed model)");
        o->session.addOptions(*cmd, false);
        cmd->callback([o] {
            if (!o->model.empty()) return printModel(matching::readCalibrationModel(o->model));
            const auto m = o->session.open().calibrationModel();
            if (!m) throw std::runtime_error("the store has no calibration model (striae calibration install MODEL)");
            printModel(*m);
        });
    }
    {
        struct Install {
            std::string model;
            StoreSession session;
        };
        auto o = std::make_shared<Install>();
        CLI::App* cmd = group->add_subcommand("install", "Install a calibration model in a case store (supervisors); correlations then give LRs");
        cmd->add_option("model", o->model, "Model file from striae calibrate")->required()->check(CLI::ExistingFile);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto m = store.installCalibrationModel(o->session.login(store), o->model);
            std::cout << "installed calibration model " << m.id << (m.name.empty() ? "" : " (" + m.name + ")") << '\n';
        });
    }
}

void addCalibrateCommand(CLI::App& app) {
    struct Options {
        std::string dir, truth, out, featuresOut, featuresIn, score = "auto", name, description;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        int every = 1, bootstrap = 200;
        double ridge = 1.0;
        CmcCliOptions cmc;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "calibrate", "Fit a calibration model (CMC comparison -> likelihood ratio) on a labelled set, cross-validated over firearms");
    cmd->add_option("dir", o->dir, "Folder of processed X3P scans (NAME.x3p); not needed with --from-features");
    cmd->add_option("--truth", o->truth, "CSV: reference, compared, KM/KNM (e.g. nist_cmc_counts.csv); not needed with --from-features")->check(CLI::ExistingFile);
    cmd->add_option("--out,-o", o->out, "Write the calibration model (JSON) here")->required();
    cmd->add_option("--features", o->featuresOut, "Also write the per-pair features (CSV) here");
    cmd->add_option("--from-features", o->featuresIn, "Read the per-pair features from this CSV instead of comparing")->check(CLI::ExistingFile);
    cmd->add_option("--score", o->score, "Score to calibrate: auto (the logistic score only if it wins), cmc_count, logistic")
        ->check(CLI::IsMember({"auto", "cmc_count", "logistic"}))->capture_default_str();
    cmd->add_option("--name", o->name, "A name for the model (e.g. the lab and the ammunition)");
    cmd->add_option("--description", o->description, "What the reference data are (make, model, ammunition, instrument)");
    cmd->add_option("--ridge", o->ridge, "Ridge penalty of the logistic score")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd->add_option("--bootstrap", o->bootstrap, "Bootstrap rounds over firearms for the LR intervals")->check(CLI::Range(0, 100000))->capture_default_str();
    cmd->add_option("--threads,-j", o->threads, "Worker threads")->check(CLI::Range(1, 256))->capture_default_str();
    cmd->add_option("--every", o->every, "Use every N-th pair of the table (a quick subset)")->check(CLI::Range(1, 1000000));
    addCmcOptions(*cmd, o->cmc);
    cmd->callback([o] {
        const auto params = o->cmc.parameters();
        std::vector<LabelledComparison> rows;
        std::vector<LabelledComparison> linkage;  // the firearms come from the whole table, even for a subset
        if (!o->featuresIn.empty()) {
            rows = readFeatures(o->featuresIn, params);
        } else {
            if (o->dir.empty()) throw std::runtime_error("calibrate: give the scans' folder or --from-features");
            if (!fs::is_directory(o->dir)) throw std::runtime_error(o->dir + ": not a folder");
            if (o->truth.empty()) throw CLI::ValidationError("--truth", "the truth table is required when comparing the scans");
            const auto table = matching::readTruthTable(o->truth);
            std::vector<matching::TruthPair> pairs;
            for (std::size_t i = 0; i < table.pairs.size(); i += std::size_t(o->every)) pairs.push_back(table.pairs[i]);
            if (pairs.empty()) throw std::runtime_error(o->truth + ": no pairs");
            for (const auto& p : table.pairs) linkage.push_back({p.reference, p.compared, p.knownMatch, {}});
            rows = computeFeatures(o->dir, pairs, params, o->threads);
        }
        if (!o->featuresOut.empty()) writeFeatures(o->featuresOut, rows, params);

        const auto firearms = matching::firearmsFromKnownMatches(linkage.empty() ? rows : linkage);
        int guns = 0;
        for (const auto& [n, f] : firearms) guns = std::max(guns, f + 1);
        const int km = int(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.knownMatch; }));
        if (guns < 6) throw std::runtime_error("calibrate: the known matches link only " + std::to_string(guns) +
                                               " firearms; cross-validation over firearms needs at least 6");
        std::set<std::string> scans;
        for (const auto& r : rows) scans.insert({r.reference, r.compared});
        std::cout << "calibration set: " << scans.size() << " scans, " << guns << " firearms, " << rows.size()
                  << " pairs (KM " << km << ", KNM " << rows.size() - std::size_t(km) << ")\n";

        matching::ValidationOptions options;
        options.modelRidge = o->ridge;
        options.bootstrapRounds = o->bootstrap;
        const std::vector<double> scoreThresholds = {}, lrThresholds = {0, 2, 4};
        const auto cvCount = matching::crossValidate(matching::ScoreKind::CmcCount, rows, firearms, options);
        const auto cvLogistic = matching::crossValidate(matching::ScoreKind::Logistic, rows, firearms, options);
        auto sumCount = matching::summarize(cvCount, rows, {6}, lrThresholds);
        auto sumLogistic = matching::summarize(cvLogistic, rows, {0}, lrThresholds);
        sumCount.errorRates[0].rule = "CMC >= 6";
        sumLogistic.errorRates[0].rule = "log-odds >= 0";
        std::cout << "cross-validation: " << cvCount.folds
                  << " folds; each pair scored and calibrated without either of its firearms\n";
        printSideBySide(sumCount, sumLogistic);

        std::string why;
        matching::ScoreKind kind;
        if (o->score == "auto") kind = logisticWins(sumCount, sumLogistic, why) ? matching::ScoreKind::Logistic : matching::ScoreKind::CmcCount;
        else {
            kind = matching::scoreKindFromName(o->score);
            logisticWins(sumCount, sumLogistic, why);
            why = "chosen on the command line (" + why + ")";
        }
        std::cout << "score: " << matching::scoreKindName(kind) << ": " << why << '\n';
        const auto& cv = kind == matching::ScoreKind::Logistic ? cvLogistic : cvCount;

        matching::CalibrationModel model;
        model.name = o->name;
        model.created = utcNow();
        model.software = std::string("striae ") + STRIAE_VERSION;
        model.parameters = params;
        std::vector<std::size_t> all(rows.size());
        std::iota(all.begin(), all.end(), 0);
        model.score = matching::fitScoreModel(kind, rows, all, options);
        const auto outOfFold = matching::outOfFoldScores(kind, rows, all, firearms, options);
        model.calibration = matching::fitFinalCalibration(outOfFold, rows, firearms, options);
        model.data.description = o->description;
        model.data.truthFile = fs::path(o->truth).filename().string();
        model.data.truthSha256 = fileSha256(o->truth);
        model.data.scans = int(firearms.size());
        model.data.firearms = guns;
        model.data.pairs = int(rows.size());
        model.data.knownMatches = km;
        model.data.knownNonMatches = int(rows.size()) - km;
        model.validation.scheme =
            "leave-one-firearm-out (known matches) / leave-two-firearms-out (known non-matches), " +
            std::to_string(cv.folds) + " folds; calibration per fold fitted on out-of-fold scores of its training pairs; "
            "error-rate intervals: Wilson 95 %, pairs taken as independent";
        model.validation.score = kind == matching::ScoreKind::Logistic ? sumLogistic : sumCount;
        model.validation.count = sumCount;
        model.validation.chosenBecause = why;
        std::map<int, std::string> example;
        for (const auto& [n, f] : firearms)
            if (!example.count(f)) example[f] = n;
        std::cout << "per held-out firearm (" << matching::scoreKindName(kind) << "):\n";
        for (int f = 0; f < guns; ++f) {
            std::vector<std::size_t> involved;
            for (std::size_t i = 0; i < rows.size(); ++i)
                if (cv.firearmA[i] == f || cv.firearmB[i] == f) involved.push_back(i);
            const auto kms = std::count_if(involved.begin(), involved.end(), [&](std::size_t i) { return rows[i].knownMatch; });
            if (kms == 0 || kms == std::ptrdiff_t(involved.size())) {
                std::printf("  firearm %2d (%s): %zu pairs, too few of one kind for a summary\n", f, example[f].c_str(), involved.size());
                continue;
            }
            auto s = matching::summarize(cv, rows, {kind == matching::ScoreKind::Logistic ? 0.0 : 6.0}, lrThresholds, involved);
            s.errorRates[0].rule = kind == matching::ScoreKind::Logistic ? "log-odds >= 0" : "CMC >= 6";
            std::printf("  firearm %2d (%s): AUC %.4f, Cllr %.4f, FPR at LR >= 1 %s, FNR at LR >= 1 %s\n", f,
                        example[f].c_str(), s.auc, s.cllr, rate(s.errorRates[1].falsePositive).c_str(),
                        rate(s.errorRates[1].falseNegative).c_str());
            model.validation.folds.push_back({f, example[f], s});
        }
        for (std::size_t i = 0; i < rows.size(); ++i)
            (rows[i].knownMatch ? model.validation.knownMatchLog10Lrs : model.validation.knownNonMatchLog10Lrs).push_back(cv.log10Lrs[i]);
        matching::writeCalibrationModel(model, o->out);
        std::cout << "LR bounds (ELUB, from " << rows.size() << " reference pairs): 10^" << fixed(model.calibration.lowerBoundLog10, 2)
                  << " .. 10^" << fixed(model.calibration.upperBoundLog10, 2) << "\n";
        std::cout << "model " << model.id << " written to " << o->out << '\n';
    });
}

}  // namespace striae::cli
