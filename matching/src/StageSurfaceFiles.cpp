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

// What the file holds for a surface at the stage's step: its header and float32 heights.
struct Stored {
    Header header{};
    std::vector<float> values;
};

Stored toStored(const imaging::Surface& atStep, const SecondStageOptions& options) {
    Stored out;
    std::memcpy(out.header.magic, kMagic, sizeof kMagic);
    out.header.rows = atStep.rows();
    out.header.cols = atStep.cols();
    out.header.spacingX = atStep.spacingX();
    out.header.spacingY = atStep.spacingY();
    out.header.stepUm = options.stepUm;
    out.values.resize(std::size_t(atStep.rows()) * std::size_t(atStep.cols()));
    for (int r = 0; r < atStep.rows(); ++r)
        for (int c = 0; c < atStep.cols(); ++c) out.values[std::size_t(r) * std::size_t(atStep.cols()) + std::size_t(c)] = float(atStep.row(r)[c]);
    return out;
}

imaging::Surface toSurface(const Stored& stored) {
    const Header& h = stored.header;
    imaging::Surface s(h.rows, h.cols, h.spacingX, h.spacingY);
    for (int r = 0; r < h.rows; ++r)
        for (int c = 0; c < h.cols; ++c) {
            const float v = stored.values[std::size_t(r) * std::size_t(h.cols) + std::size_t(c)];
            s.set(r, c, std::isnan(v) ? imaging::kMissing : double(v));
        }
    return s;
}

std::uint32_t checksum(const Stored& stored) {
    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(reinterpret_cast<const char*>(&stored.header), sizeof stored.header);
    crc.update(reinterpret_cast<const char*>(stored.values.data()), unsigned(stored.values.size() * sizeof(float)));
    return crc.checksum();
}

// Written to a temporary file renamed into place: a reader (another worker) never sees half of one.
// A failure to write is not an error (the next search makes it again).
void write(const std::string& dir, const std::string& path, const Stored& stored) {
    const std::uint32_t sum = checksum(stored);
    std::error_code ec;
    // Heights of evidence: the folder 0700 and the files 0600, as the scans beside them.
    if (!fs::exists(dir, ec) && fs::create_directories(dir, ec)) fs::permissions(dir, fs::perms::owner_all, ec);
    const std::string temp =
        path + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(&stored.header), sizeof stored.header);
        out.write(reinterpret_cast<const char*>(stored.values.data()), std::streamsize(stored.values.size() * sizeof(float)));
        out.write(reinterpret_cast<const char*>(&sum), sizeof sum);
        fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
        if (!out.flush()) {
            out.close();
            fs::remove(temp, ec);
            return;
        }
    }
    fs::rename(temp, path, ec);
    if (ec) fs::remove(temp, ec);
}

}  // namespace

StageSurfaceFiles::StageSurfaceFiles(std::string folder) : dir_(std::move(folder)) {}

std::string StageSurfaceFiles::pathFor(const std::string& sha256) const { return dir_ + "/" + sha256 + ".s2"; }

std::optional<imaging::Surface> StageSurfaceFiles::read(const std::string& sha256, const SecondStageOptions& options) const {
    std::ifstream in(pathFor(sha256), std::ios::binary);
    if (!in) return std::nullopt;
    Stored stored;
    Header& h = stored.header;
    if (!in.read(reinterpret_cast<char*>(&h), sizeof h) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return std::nullopt;
    if (h.rows < 1 || h.cols < 1 || h.rows > 100000 || h.cols > 100000 || std::abs(h.stepUm - options.stepUm) > 1e-9 ||
        !(h.spacingX > 0) || !(h.spacingY > 0))
        return std::nullopt;
    stored.values.resize(std::size_t(h.rows) * std::size_t(h.cols));
    std::uint32_t sum = 0;
    if (!in.read(reinterpret_cast<char*>(stored.values.data()), std::streamsize(stored.values.size() * sizeof(float))) ||
        !in.read(reinterpret_cast<char*>(&sum), sizeof sum) || in.peek() != std::char_traits<char>::eof() || checksum(stored) != sum)
        return std::nullopt;
    return toSurface(stored);
}

void StageSurfaceFiles::put(const std::string& sha256, const imaging::Surface& processed, const SecondStageOptions& options) const {
    write(dir_, pathFor(sha256), toStored(secondStageSurface(processed, options), options));
}

imaging::Surface StageSurfaceFiles::get(const std::string& sha256, const std::function<imaging::Surface()>& scan,
                                        const SecondStageOptions& options) const {
    if (auto kept = read(sha256, options)) return std::move(*kept);
    const Stored made = toStored(secondStageSurface(scan(), options), options);
    write(dir_, pathFor(sha256), made);
    return toSurface(made);  // as the file holds it (float32): a search gives the same whether it read or made it
}

void StageSurfaceFiles::remove(const std::string& sha256) const {
    std::error_code ec;
    fs::remove(pathFor(sha256), ec);
}

}  // namespace striae::matching
