#pragma once
// The CMC parameters as command-line options, shared by compare and eval.
#include <CLI/CLI.hpp>

#include "striae/matching/Cmc.h"

namespace striae::cli {

struct CmcCliOptions {
    matching::CmcParameters p;
    int grid = 8;
    matching::CmcParameters parameters() const {
        matching::CmcParameters out = p;
        out.gridRows = out.gridCols = grid;
        return out;
    }
};

inline void addCmcOptions(CLI::App& cmd, CmcCliOptions& o) {
    cmd.add_option("--grid", o.grid, "Cells per side")->check(CLI::Range(1, 64))->capture_default_str();
    cmd.add_option("--max-missing", o.p.maxMissingFraction, "Largest missing fraction of a cell or region")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd.add_option("--region-factor", o.p.regionSizeFactor, "Region side as a multiple of the cell side")->check(CLI::Range(1, 10))->capture_default_str();
    cmd.add_option("--theta-min", o.p.thetaMinDeg, "Smallest rotation, degrees")->capture_default_str();
    cmd.add_option("--theta-max", o.p.thetaMaxDeg, "Largest rotation, degrees")->capture_default_str();
    cmd.add_option("--theta-step", o.p.thetaStepDeg, "Rotation step, degrees")->check(CLI::PositiveNumber)->capture_default_str();
    cmd.add_option("--t-translation", o.p.translationThresholdUm, "T_x = T_y in micrometres")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd.add_option("--t-theta", o.p.rotationThresholdDeg, "T_theta in degrees")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd.add_option("--t-ccf", o.p.correlationThreshold, "T_CCF, minimum correlation")->check(CLI::Range(-1.0, 1.0))->capture_default_str();
    cmd.add_flag("--linear", o.p.linearRotation, "Rotate with linear interpolation instead of nearest-neighbour (cmcR's choice)");
    cmd.add_option("--tau", o.p.highCmcTau, "High CMC tau")->check(CLI::NonNegativeNumber)->capture_default_str();
}

}  // namespace striae::cli
