#pragma once
// The search's second stage needs each shortlisted holding at 25 µm. Reading
// and resampling a holding's X3P for that cost more than the stage itself, so
// the hub keeps the resampled surface as a derived file beside the scan
// (<data>/derived/<sha256>.s2): written at push, made again from the scan
// whenever it is missing, damaged or of other options. Not evidence: never
// sealed, removed with the scan.
#include <functional>
#include <optional>
#include <string>

#include "striae/imaging/Surface.h"
#include "striae/matching/SecondStage.h"

namespace striae::sync {

class StageSurfaceFiles {
public:
    explicit StageSurfaceFiles(std::string dataDir);

    std::string pathFor(const std::string& sha256) const;

    // The holding's surface at the stage's step: from its file, else from
    // `scan()` (the processed surface), then written for the next search.
    imaging::Surface get(const std::string& sha256, const std::function<imaging::Surface()>& scan,
                         const matching::SecondStageOptions& options = {}) const;

    // Writes the file from the processed surface (at push). Failures to write
    // are not errors: the next search makes it again.
    void put(const std::string& sha256, const imaging::Surface& processed, const matching::SecondStageOptions& options = {}) const;

    // The file as written, or nothing when it is missing, torn, damaged or of other options.
    std::optional<imaging::Surface> read(const std::string& sha256, const matching::SecondStageOptions& options = {}) const;

    void remove(const std::string& sha256) const;

private:
    void write(const std::string& sha256, const imaging::Surface& atStep, const matching::SecondStageOptions& options) const;
    std::string dir_;
};

}  // namespace striae::sync
