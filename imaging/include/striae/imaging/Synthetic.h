#pragma once
// Reproducible synthetic breech-face scans with ground truth, for tests, the
// demo and scale benchmarks. Each firearm has its own band-limited texture
// with tool-mark structure; each shot transfers it partially, rotated and
// shifted, with its own noise, missing regions and a firing-pin impression.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

struct SynthOptions {
    int firearms = 3;
    int shotsPerFirearm = 3;
    int sizePx = 400;               // square output, pixels
    double spacing = 6.25e-6;       // metres per pixel
    std::uint64_t seed = 1;
    double maxRotationDeg = 30.0;   // between any two shots: each is turned by up to ±half of it
    double maxShiftPx = 15.0;
    double noiseLevel = 0.35;       // shot noise relative to the firearm texture (RMS)
    int missingRegions = 2;
    bool firingPin = true;
    // A raw scan as an instrument gives it: tilted, with the case head around
    // the primer, the gap between them, a deep firing-pin crater and spikes.
    bool raw = false;
    // How the raw scan looks, as different instruments give it:
    //  crater:   measured parabolic crater, case head beyond a gap (the first synthetic kind);
    //  aperture: focus variation / confocal: the pin's deep interior unmeasured, the primer
    //            metal raised where it flowed into the firing-pin aperture, the aperture
    //            shear on one side, nothing measured beyond the primer's edge;
    //  casehead: photometric stereo: every point measured, the whole case head in view
    //            (primer gap, headstamp letters, the case rim), the primer a fifth of it.
    enum class RawStyle { Crater, Aperture, CaseHead };
    RawStyle rawStyle = RawStyle::Crater;
};

struct SynthTruth {
    std::string file;      // file name within the output folder
    int firearm = 0;       // 1-based
    int shot = 0;          // 1-based
    double rotationDeg = 0;
    double shiftXPx = 0;
    double shiftYPx = 0;
    // Where the breech face is, in pixels (raw scans; processed ones are masked there);
    // pinRadius takes in the aperture flow-back where the style has one.
    double pinX = 0, pinY = 0, pinRadius = 0;
    double primerX = 0, primerY = 0, primerRadius = 0;
};

// One shot, deterministic in (options.seed, firearm, shot).
Surface synthesizeShot(const SynthOptions& options, int firearm, int shot, SynthTruth* truth = nullptr);

// Writes firearms × shots X3P files and truth.csv into `folder`; the callback
// reports progress (done, total) and may return false to stop.
std::vector<SynthTruth> writeSyntheticSet(const SynthOptions& options, const std::string& folder,
                                          const std::function<bool(int, int)>& progress = {});

}  // namespace striae::imaging
