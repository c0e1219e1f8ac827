#include "striae/matching/StageSurfaceFiles.h"

#include <Poco/Checksum.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace striae::matching {
namespace {

// Header: magic, rows, cols, spacing x / y (m), the stage's step (µm) and grid;
// then rows × cols float32 heights (NaN missing); then a CRC-32 of all before it.
constexpr char kMagic[8] = {'S', 'T', 'R', 'S', '2', 'v', '0', '1'};
struct Header {
    char magic[8];
    std::int32_t rows, cols;
    double spacingX, spacingY, stepUm;
};

}  // namespace

StageSurfaceFiles::StageSurfaceFiles(std::string folder) : dir_(std::move(folder)) {}

std::string StageSurfaceFiles::pathFor(const std::string& sha256) const { return dir_ + "/" + sha256 + ".s2"; }

std::optional<imaging::Surface> StageSurfaceFiles::read(const std::string& sha256, const SecondStageOptions& options) const {
    std::ifstream in(pathFor(sha256), std::ios::binary);
    if (!in) return std::nullopt;
    Header h{};
    if (!in.read(reinterpret_cast<char*>(&h), sizeof h) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return std::nullopt;
    if (h.rows < 1 || h.cols < 1 || h.rows > 100000 || h.cols > 100000 || std::abs(h.stepUm - options.stepUm) > 1e-9 ||
        !(h.spacingX > 0) || !(h.spacingY > 0))
        return std::nullopt;
    std::vector<float> values(std::size_t(h.rows) * std::size_t(h.cols));
    std::uint32_t stored = 0;
    if (!in.read(reinterpret_cast<char*>(values.data()), std::streamsize(values.size() * sizeof(float))) ||
        !in.read(reinterpret_cast<char*>(&stored), sizeof stored) || in.peek() != std::char_traits<char>::eof())
        return std::nullopt;
    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(reinterpret_cast<const char*>(&h), sizeof h);
    crc.update(reinterpret_cast<const char*>(values.data()), unsigned(values.size() * sizeof(float)));
    if (crc.checksum() != stored) return std::nullopt;
    imaging::Surface s(h.rows, h.cols, h.spacingX, h.spacingY);
    for (int r = 0; r < h.rows; ++r)
        for (int c = 0; c < h.cols; ++c) {
            const float v = values[std::size_t(r) * std::size_t(h.cols) + std::size_t(c)];
            s.set(r, c, std::isnan(v) ? imaging::kMissing : double(v));
        }
    return s;
}

void StageSurfaceFiles::write(const std::string& sha256, const imaging::Surface& atStep, const SecondStageOptions& options) const {
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.rows = atStep.rows();
    h.cols = atStep.cols();
    h.spacingX = atStep.spacingX();
    h.spacingY = atStep.spacingY();
    h.stepUm = options.stepUm;
    std::vector<float> values(std::size_t(h.rows) * std::size_t(h.cols));
    for (int r = 0; r < h.rows; ++r)
        for (int c = 0; c < h.cols; ++c) values[std::size_t(r) * std::size_t(h.cols) + std::size_t(c)] = float(atStep.row(r)[c]);
    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(reinterpret_cast<const char*>(&h), sizeof h);
    crc.update(reinterpret_cast<const char*>(values.data()), unsigned(values.size() * sizeof(float)));
    const std::uint32_t sum = crc.checksum();
    std::error_code ec;
    // Heights of evidence: the folder 0700 and the files 0600, as the scans beside them.
    if (!fs::exists(dir_, ec) && fs::create_directories(dir_, ec)) fs::permissions(dir_, fs::perms::owner_all, ec);
    // A temporary file renamed into place: a reader (another worker) never sees half of one.
    const std::string temp =
        pathFor(sha256) + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(float)));
        out.write(reinterpret_cast<const char*>(&sum), sizeof sum);
        fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
        if (!out.flush()) {
            out.close();
            fs::remove(temp, ec);
            return;
        }
    }
    fs::rename(temp, pathFor(sha256), ec);
    if (ec) fs::remove(temp, ec);
}

void StageSurfaceFiles::put(const std::string& sha256, const imaging::Surface& processed, const SecondStageOptions& options) const {
    write(sha256, secondStageSurface(processed, options), options);
}

imaging::Surface StageSurfaceFiles::get(const std::string& sha256, const std::function<imaging::Surface()>& scan,
                                        const SecondStageOptions& options) const {
    if (auto kept = read(sha256, options)) return std::move(*kept);
    imaging::Surface atStep = secondStageSurface(scan(), options);
    write(sha256, atStep, options);
    // As the file holds it (float32), so that a search gives the same whether it read or made it.
    for (int r = 0; r < atStep.rows(); ++r)
        for (int c = 0; c < atStep.cols(); ++c)
            if (const double v = atStep.row(r)[c]; !std::isnan(v)) atStep.set(r, c, double(float(v)));
    return atStep;
}

void StageSurfaceFiles::remove(const std::string& sha256) const {
    std::error_code ec;
    fs::remove(pathFor(sha256), ec);
}

}  // namespace striae::matching
