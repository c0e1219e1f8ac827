// striae synth: reproducible synthetic breech-face scans with ground truth.
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>

#include "Commands.h"
#include "Progress.h"
#include "striae/imaging/Synthetic.h"

namespace striae::cli {

void addSynthCommand(CLI::App& app) {
    struct Options {
        imaging::SynthOptions synth;
        std::string out;
        double spacingUm = 6.25;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("synth", "Write synthetic breech-face X3P scans (N firearms x M shots) and truth.csv");
    cmd->add_option("--out,-o", opts->out, "Output folder")->required();
    cmd->add_option("--firearms,-n", opts->synth.firearms, "Number of firearms")->check(CLI::Range(1, 100000))->capture_default_str();
    cmd->add_option("--shots,-m", opts->synth.shotsPerFirearm, "Shots per firearm")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--seed", opts->synth.seed, "Random seed (same seed, same files)")->capture_default_str();
    cmd->add_option("--size", opts->synth.sizePx, "Scan size in pixels (square)")->check(CLI::Range(32, 8192))->capture_default_str();
    cmd->add_option("--spacing", opts->spacingUm, "Point spacing in micrometres")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--max-rotation", opts->synth.maxRotationDeg, "Largest rotation between shots, degrees")->check(CLI::Range(0.0, 180.0))->capture_default_str();
    cmd->add_option("--noise", opts->synth.noiseLevel, "Shot noise relative to the firearm's marks")->check(CLI::Range(0.0, 10.0))->capture_default_str();
    cmd->add_flag("--raw", opts->synth.raw, "Raw scans: tilt, case head, primer gap, firing-pin crater and spikes left in");
    cmd->add_option("--raw-style", opts->synth.rawStyle, "With --raw: crater, aperture (confocal: unmeasured pin, flow-back collar) or casehead (photometric stereo: whole case head)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, imaging::SynthOptions::RawStyle>{
            {"crater", imaging::SynthOptions::RawStyle::Crater},
            {"aperture", imaging::SynthOptions::RawStyle::Aperture},
            {"casehead", imaging::SynthOptions::RawStyle::CaseHead}}));
    cmd->callback([opts] {
        opts->synth.spacing = opts->spacingUm / 1e6;  // division keeps 6.25 µm exactly 6.25e-6
        Progress progress("synth");
        const auto truths = imaging::writeSyntheticSet(opts->synth, opts->out, [&](int done, int total) {
            progress.update(done, total);
            return true;
        });
        progress.finish();
        std::cout << "wrote " << truths.size() << " scans (" << opts->synth.firearms << " firearms x "
                  << opts->synth.shotsPerFirearm << " shots, " << opts->synth.sizePx << " px, seed "
                  << opts->synth.seed << ") and truth.csv to " << opts->out << '\n';
    });
}

}  // namespace striae::cli
