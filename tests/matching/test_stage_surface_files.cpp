// The derived second-stage surfaces (hub and store): written, read back as made,
// remade whenever missing, damaged or of other options.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "striae/imaging/Synthetic.h"
#include "striae/matching/StageSurfaceFiles.h"

using namespace striae;
namespace fs = std::filesystem;

namespace {
const std::string kSha(64, 'a');

struct StageSurfaceFilesTest : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("striae-stage-" + std::to_string(::getpid()));
    imaging::Surface processed;
    void SetUp() override {
        fs::remove_all(dir);
        fs::create_directories(dir);
        imaging::SynthOptions o;
        o.sizePx = 220;
        processed = imaging::synthesizeShot(o, 1, 1);
    }
    void TearDown() override { fs::remove_all(dir); }
};

void expectSameAsMade(const imaging::Surface& got, const imaging::Surface& processed) {
    const imaging::Surface made = matching::secondStageSurface(processed);
    ASSERT_EQ(got.rows(), made.rows());
    ASSERT_EQ(got.cols(), made.cols());
    EXPECT_DOUBLE_EQ(got.spacingX(), made.spacingX());
    for (int r = 0; r < made.rows(); ++r)
        for (int c = 0; c < made.cols(); ++c) {
            const double a = got.row(r)[c], b = made.row(r)[c];
            if (std::isnan(b)) EXPECT_TRUE(std::isnan(a)) << r << "," << c;
            else EXPECT_EQ(a, double(float(b))) << r << "," << c;  // kept as float32, which CMC computes in
        }
}
}  // namespace

TEST_F(StageSurfaceFilesTest, WrittenAtPushReadBackAsMade) {
    const matching::StageSurfaceFiles files((dir / "derived").string());
    EXPECT_FALSE(files.read(kSha)) << "nothing written yet";
    files.put(kSha, processed);
    ASSERT_TRUE(fs::exists(files.pathFor(kSha)));
    const auto got = files.read(kSha);
    ASSERT_TRUE(got);
    expectSameAsMade(*got, processed);
    EXPECT_TRUE(fs::is_empty(dir / "derived") == false);
    for (const auto& e : fs::directory_iterator(dir / "derived")) EXPECT_EQ(e.path().extension(), ".s2") << "no temporary left: " << e.path();
    EXPECT_EQ(fs::status(dir / "derived").permissions() & fs::perms::all, fs::perms::owner_all);
    EXPECT_EQ(fs::status(files.pathFor(kSha)).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    files.remove(kSha);
    EXPECT_FALSE(fs::exists(files.pathFor(kSha)));
}

TEST_F(StageSurfaceFilesTest, DamagedTornOrForeignFilesAreRemadeFromTheScan) {
    const matching::StageSurfaceFiles files((dir / "derived").string());
    files.put(kSha, processed);
    const auto size = fs::file_size(files.pathFor(kSha));
    {  // one height flipped: the CRC refuses it
        std::fstream f(files.pathFor(kSha), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(std::streamoff(size / 2));
        f.put(char(0x5a));
    }
    EXPECT_FALSE(files.read(kSha)) << "a damaged file is not used";
    int scans = 0;
    const auto remade = files.get(kSha, [&] {
        ++scans;
        return processed;
    });
    EXPECT_EQ(scans, 1) << "made again from the scan";
    expectSameAsMade(remade, processed);
    ASSERT_TRUE(files.read(kSha)) << "and written again";
    EXPECT_EQ(fs::file_size(files.pathFor(kSha)), size);

    fs::resize_file(files.pathFor(kSha), size - 100);  // torn
    EXPECT_FALSE(files.read(kSha));
    files.get(kSha, [&] { return ++scans, processed; });
    EXPECT_EQ(scans, 2);

    matching::SecondStageOptions other;
    other.stepUm = 50;
    EXPECT_FALSE(files.read(kSha, other)) << "made for another step";
    { std::ofstream(files.pathFor(kSha), std::ios::trunc) << "not a stage surface"; }
    EXPECT_FALSE(files.read(kSha));
    // Read once made, the scan is not needed again.
    files.get(kSha, [&] { return ++scans, processed; });
    files.get(kSha, [&] { return ++scans, processed; });
    EXPECT_EQ(scans, 3);
}
