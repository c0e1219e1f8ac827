#pragma once
// The search's second stage needs each shortlisted holding at 25 µm. Reading
// (and checking) and resampling a holding's X3P for that cost more than the
// stage itself, so the hub and the store keep the resampled surface as a
// derived file beside the scans (<folder>/<sha256>.s2, the folder being
// <hub data>/derived or <store>/derived): made from the scan whenever it is
// missing, damaged or of other options. Not evidence: never sealed (CRC-32
// against damage only), removed with the scan; full CMC always reads the scan.
#include <functional>
#include <optional>
#include <string>

#include "striae/imaging/Surface.h"
#include "striae/matching/SecondStage.h"

namespace striae::matching {

class StageSurfaceFiles {
public:
    explicit StageSurfaceFiles(std::string folder);

    std::string pathFor(const std::string& sha256) const;

    // The holding's surface at the stage's step: from its file, else from
    // `scan()` (the processed surface), then written for the next search.
    imaging::Surface get(const std::string& sha256, const std::function<imaging::Surface()>& scan,
                         const SecondStageOptions& options = {}) const;

    // Writes the file from the processed surface (at push). Failures to write
    // are not errors: the next search makes it again.
    void put(const std::string& sha256, const imaging::Surface& processed, const SecondStageOptions& options = {}) const;

    // The file as written, or nothing when it is missing, torn, damaged or of other options.
    std::optional<imaging::Surface> read(const std::string& sha256, const SecondStageOptions& options = {}) const;

    void remove(const std::string& sha256) const;

private:
    std::string dir_;
};

}  // namespace striae::matching
