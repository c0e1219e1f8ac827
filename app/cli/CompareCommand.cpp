// striae compare A.x3p B.x3p: Congruent Matching Cells between two breech faces.
#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <memory>
#include <optional>

#include "CmcOptions.h"
#include "Commands.h"
#include "Format.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/matching/Cmc.h"

namespace striae::cli {
namespace {

Poco::JSON::Object registrationJson(const matching::Registration& r, double spacing) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("theta_deg", r.thetaDeg);
    o.set("dx_px", r.dx);
    o.set("dy_px", r.dy);
    o.set("dx_um", r.dx * spacing * 1e6);
    o.set("dy_um", r.dy * spacing * 1e6);
    return o;
}

Poco::JSON::Object directionJson(const matching::CmcDirection& d, double spacing) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("usedCells", d.usedCells);
    o.set("originalCount", d.originalCount);
    o.set("highCount", d.highCount);
    o.set("highPassed", d.highPassed);
    o.set("consensus", registrationJson(d.consensus, spacing));
    o.set("highConsensus", registrationJson(d.highConsensus, spacing));
    Poco::JSON::Array counts;
    for (int c : d.thetaCounts) counts.add(c);
    o.set("thetaCounts", counts);
    Poco::JSON::Array cells;
    for (const auto& c : d.cells) {
        Poco::JSON::Object cell(Poco::JSON_PRESERVE_KEY_ORDER);
        cell.set("row", c.gridRow);
        cell.set("col", c.gridCol);
        cell.set("used", c.used);
        cell.set("missingFraction", c.missingFraction);
        if (c.best.valid) {
            cell.set("theta_deg", c.best.thetaDeg);
            cell.set("dx_px", c.best.dx);
            cell.set("dy_px", c.best.dy);
            cell.set("correlation", c.best.correlation);
        }
        cell.set("congruentOriginal", c.congruentOriginal);
        cell.set("congruentHigh", c.congruentHigh);
        cells.add(cell);
    }
    o.set("cells", cells);
    return o;
}

void printDirection(const char* title, const matching::CmcDirection& d, double spacing) {
    std::cout << title << ": " << d.originalCount << " CMCs of " << d.usedCells << " cells (original), " << d.highCount
              << " (High CMC" << (d.highPassed ? "" : ", failed: original count used") << ")\n";
    std::cout << "  consensus: rotation " << fixed(d.consensus.thetaDeg, 1) << "°, shift " << fixed(d.consensus.dx, 1) << ", "
              << fixed(d.consensus.dy, 1) << " px (" << fixed(d.consensus.dx * spacing * 1e6, 1) << ", "
              << fixed(d.consensus.dy * spacing * 1e6, 1) << " µm)\n";
    std::cout << "  cell   rotation   dx    dy   corr   CMC\n";
    for (const auto& c : d.cells) {
        if (!c.used) continue;
        std::printf("  %d,%d  %7.1f  %4d  %4d  %5.2f   %s%s\n", c.gridRow + 1, c.gridCol + 1, c.best.thetaDeg, c.best.dx,
                    c.best.dy, c.best.correlation, c.congruentOriginal ? "original " : "",
                    c.congruentHigh ? "high" : "");
    }
}

void printLikelihoodRatio(const matching::CalibrationModel& m, const matching::LrEstimate& lr) {
    auto power = [](double log10) { return "10^" + fixed(log10, 2); };
    std::cout << "likelihood ratio (same firearm vs different firearms): LR = " << power(lr.log10Lr) << ", 95 % interval "
              << power(lr.lowerLog10) << " .. " << power(lr.upperLog10) << '\n';
    if (lr.atUpperBound || lr.atLowerBound)
        std::cout << "  at the " << (lr.atUpperBound ? "upper" : "lower")
                  << " bound the reference data support (ELUB " << power(m.calibration.lowerBoundLog10) << " .. "
                  << power(m.calibration.upperBoundLog10) << "): the data cannot support a stronger LR\n";
    std::cout << "  " << m.label() << ", fitted " << m.created << " by " << m.software << " on " << m.data.pairs
              << " pairs of " << m.data.firearms << " firearms" << (m.data.description.empty() ? "" : " (" + m.data.description + ")")
              << "; cross-validated Cllr " << fixed(m.validation.score.cllr, 3) << " bits\n";
}

}  // namespace

void addCompareCommand(CLI::App& app) {
    struct Options {
        std::string a, b;
        bool json = false, quiet = false;
        std::string model;
        CmcCliOptions cmc;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("compare", "Compare two processed breech-face scans with Congruent Matching Cells");
    cmd->add_option("reference", o->a, "Reference scan (X3P, processed)")->required()->check(CLI::ExistingFile);
    cmd->add_option("compared", o->b, "Compared scan (X3P, processed)")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", o->json, "Print JSON with every cell");
    cmd->add_flag("--summary", o->quiet, "Print the counts and consensus only");
    cmd->add_option("--lr", o->model, "Calibration model (striae calibrate): also give the likelihood ratio with its interval")
        ->check(CLI::ExistingFile);
    addCmcOptions(*cmd, o->cmc);
    cmd->callback([o] {
        std::optional<matching::CalibrationModel> model;
        if (!o->model.empty()) model = matching::readCalibrationModel(o->model);  // a bad model fails before the work
        const auto a = imaging::readX3p(o->a).surface;
        const auto b = imaging::readX3p(o->b).surface;
        const matching::CmcResult r = matching::compareCmc(a, b, o->cmc.parameters());
        std::optional<matching::LrEstimate> lr;
        if (model) lr = model->likelihoodRatio(r);
        if (o->json) {
            Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
            out.set("reference", o->a);
            out.set("compared", o->b);
            out.set("originalCount", r.originalCount);
            out.set("highCount", r.highCount);
            out.set("spacing_m", r.spacing);
            out.set("referenceSpacing_m", r.referenceSpacing);
            out.set("comparedSpacing_m", r.comparedSpacing);
            out.set("resampled", r.resampled);
            out.set("forward", directionJson(r.forward, r.spacing));
            out.set("backward", directionJson(r.backward, r.spacing));
            out.set("countClass", "CMC count: interpretable, not a likelihood ratio (docs/cmc.md)");
            if (lr) {
                Poco::JSON::Object l(Poco::JSON_PRESERVE_KEY_ORDER);
                l.set("class", "validated likelihood ratio");
                l.set("log10Lr", lr->log10Lr);
                l.set("lower95Log10", lr->lowerLog10);
                l.set("upper95Log10", lr->upperLog10);
                l.set("atUpperBound", lr->atUpperBound);
                l.set("atLowerBound", lr->atLowerBound);
                l.set("boundsLog10", Poco::JSON::Array());
                l.getArray("boundsLog10")->add(model->calibration.lowerBoundLog10);
                l.getArray("boundsLog10")->add(model->calibration.upperBoundLog10);
                l.set("score", matching::scoreKindName(model->score.kind));
                l.set("scoreValue", model->scoreOf(r));
                l.set("model", model->id);
                l.set("modelName", model->name);
                l.set("validation", "docs/validation.md; figures in the model file");
                out.set("likelihoodRatio", l);
            }
            out.stringify(std::cout, 2);
            std::cout << '\n';
            return;
        }
        if (r.resampled)
            std::cout << "spacings differ (" << fixed(r.referenceSpacing * 1e6, 3) << " and " << fixed(r.comparedSpacing * 1e6, 3)
                      << " µm): compared at the coarser, " << fixed(r.spacing * 1e6, 3) << " µm\n";
        std::cout << "CMC count (original rule, min of both directions): " << r.originalCount << '\n';
        std::cout << "CMC count (High CMC rule, min of both directions): " << r.highCount << '\n';
        std::cout << "  (a count: interpretable, not a likelihood ratio; its validation is in docs/cmc.md)\n";
        if (lr) printLikelihoodRatio(*model, *lr);
        if (o->quiet) return;
        printDirection("reference -> compared", r.forward, r.spacing);
        printDirection("compared -> reference", r.backward, r.spacing);
    });
}

}  // namespace striae::cli
