// striae preprocess IN OUT: the default breech-face pipeline, step by step.
#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "RegionOptions.h"
#include "striae/imaging/Preprocess.h"
#include "striae/imaging/X3p.h"

namespace striae::cli {

void addPreprocessCommand(CLI::App& app) {
    struct Options {
        std::string in, out;
        imaging::BreechFacePipeline pipeline;
        std::vector<double> bandUm{16, 500};
        double spacingUm = 6.25;
        bool noRegion = false, noCrop = false, json = false;
        std::string overlay;
        int overlaySize = 1000;
        std::vector<double> primerUm, pinUm;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("preprocess", "Turn a raw breech-face scan into a comparable surface (pipeline breechface-default)");
    cmd->add_option("input", o->in, "Raw X3P scan")->required()->check(CLI::ExistingFile);
    cmd->add_option("output", o->out, "Processed X3P to write")->required();
    cmd->add_option("--band", o->bandUm, "Band-pass cut-offs in micrometres: SHORT,LONG (0 disables a side)")
        ->expected(2)->delimiter(',')->capture_default_str();
    cmd->add_option("--spacing", o->spacingUm, "Resample to this spacing in micrometres (0 keeps it)")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd->add_option("--level-order", o->pipeline.levelOrder, "Polynomial order of the levelling fit (1 = plane)")->check(CLI::Range(0, 4))->capture_default_str();
    cmd->add_option("--outliers", o->pipeline.outlierThreshold, "Outlier threshold in robust standard deviations (0 disables)")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd->add_flag("--no-region", o->noRegion, "Do not detect and mask the primer outline and firing-pin impression");
    cmd->add_flag("--no-crop", o->noCrop, "Keep the full frame");
    cmd->add_option("--overlay", o->overlay, "Write a PNG of the raw scan with the found circles and the kept breech face");
    cmd->add_option("--overlay-size", o->overlaySize, "Longest side of the overlay in pixels")->check(CLI::Range(64, 8192))->capture_default_str();
    addRegionOptions(*cmd, o->primerUm, o->pinUm, "");
    cmd->add_flag("--json", o->json, "Print the steps as JSON");
    cmd->callback([o] {
        if (o->bandUm[0] < 0 || o->bandUm[1] < 0 || (o->bandUm[0] > 0 && o->bandUm[1] > 0 && o->bandUm[0] >= o->bandUm[1]))
            throw CLI::ValidationError("--band", "needs SHORT < LONG, both >= 0");
        o->pipeline.shortCutoff = o->bandUm[0] / 1e6;
        o->pipeline.longCutoff = o->bandUm[1] / 1e6;
        o->pipeline.targetSpacing = o->spacingUm / 1e6;
        o->pipeline.findRegion = !o->noRegion;
        o->pipeline.crop = !o->noCrop;
        if (o->noRegion && (!o->primerUm.empty() || !o->pinUm.empty() || !o->overlay.empty()))
            throw CLI::ValidationError("--no-region", "cannot be combined with --primer, --firing-pin or --overlay");
        const imaging::Surface raw = imaging::readX3p(o->in).surface;
        o->pipeline.hints = regionHints(raw, o->primerUm, o->pinUm);
        const std::size_t before = raw.history().size();
        Progress progress("preprocess");
        imaging::BreechFaceFound found;
        const imaging::Surface out = imaging::preprocessBreechFace(raw, o->pipeline, [&](int step, int total, const std::string&) {
            progress.update(step, total);
        }, &found);
        progress.finish();
        if (!o->overlay.empty()) imaging::writeRegionOverlay(raw, found.region, &found.masked, o->overlay, o->overlaySize);
        imaging::writeX3p(out, o->out);
        const double kept = o->pipeline.findRegion ? imaging::annulusKeptFraction(found.masked, found.region) : std::nan("");
        if (o->json) {
            Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
            result.set("input", o->in);
            result.set("output", o->out);
            result.set("sizeX", out.cols());
            result.set("sizeY", out.rows());
            result.set("spacing_m", out.spacingX());
            result.set("validPoints", static_cast<Poco::UInt64>(out.validCount()));
            if (!std::isnan(kept)) result.set("annulusKeptFraction", kept);
            if (!o->overlay.empty()) result.set("overlay", o->overlay);
            Poco::JSON::Array steps;
            for (std::size_t i = before; i < out.history().size(); ++i) {
                Poco::JSON::Object step(Poco::JSON_PRESERVE_KEY_ORDER);
                step.set("step", out.history()[i].name);
                Poco::JSON::Object params(Poco::JSON_PRESERVE_KEY_ORDER);
                for (const auto& [k, v] : out.history()[i].parameters) params.set(k, v);
                step.set("parameters", params);
                steps.add(step);
            }
            result.set("steps", steps);
            result.stringify(std::cout, 2);
            std::cout << '\n';
            return;
        }
        for (std::size_t i = before; i < out.history().size(); ++i) {
            const auto& step = out.history()[i];
            std::cout << "  " << step.name;
            for (const auto& [k, v] : step.parameters) std::cout << "  " << k << "=" << v;
            std::cout << '\n';
        }
        std::cout << "wrote " << o->out << ": " << out.cols() << " x " << out.rows() << " points at "
                  << fixed(out.spacingX() * 1e6, 4) << " µm, " << fixed(100.0 * out.validFraction(), 1) << " % valid\n";
        if (!std::isnan(kept))
            std::cout << "kept " << fixed(100.0 * kept, 1) << " % of the annulus between the firing-pin and primer circles\n";
        if (!o->overlay.empty()) std::cout << "overlay: " << o->overlay << '\n';
    });
}

}  // namespace striae::cli
