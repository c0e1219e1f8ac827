// Starts the real striae-workstation on the X server (Xvfb in scripts/test),
// grabs its window and checks that something was drawn.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <QColor>
#include <QImage>
#include <QSet>
#include <cstdio>
#include <cstdlib>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "UiTestStore.h"
#include "striae/records/Store.h"

TEST(Workstation, MainWindowAppearsAndIsNotBlank) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    striae::test::TempDir dir;
    const std::string png = (dir / "main.png").string();
    const std::string cmd = std::string(STRIAE_WORKSTATION) + " --screenshot " + png;
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;

    QImage image(QString::fromStdString(png));
    ASSERT_FALSE(image.isNull());
    EXPECT_GE(image.width(), 800);
    EXPECT_GE(image.height(), 500);
    // A blank or black window has one or two colours; menus, text and the tree have many.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3) colours.insert(image.pixel(x, y));
    EXPECT_GT(colours.size(), 20);
    // Some dark text on a light background, at least in the menu bar.
    int dark = 0;
    for (int x = 0; x < image.width(); ++x)
        for (int y = 0; y < 30; ++y) dark += qGray(image.pixel(x, y)) < 100;
    EXPECT_GT(dark, 20);
}

namespace {

// The 3D view sits right of the case browser: a grey surface lit by a raking light, as under a
// comparison microscope (false colour is an option), so many grey levels and hardly any colour.
void expectLitGreySurface(const std::string& png) {
    QImage image(QString::fromStdString(png));
    ASSERT_FALSE(image.isNull());
    QSet<int> greys;
    int saturated = 0, surface = 0;
    for (int y = image.height() / 4; y < image.height() * 3 / 4; y += 2)
        for (int x = image.width() / 2 - 150; x < image.width() / 2 + 150; x += 2) {
            const QColor c = QColor::fromRgb(image.pixel(x, y));
            if (c.value() < 70) continue;  // the background
            ++surface;
            greys.insert(qGray(image.pixel(x, y)));
            saturated += c.hsvSaturation() > 100;
        }
    EXPECT_GT(greys.size(), 60) << "a lit surface, not an empty panel";
    EXPECT_GT(surface, 2000);
    EXPECT_LT(saturated, surface / 50) << "grey by default";
}

}  // namespace

TEST(Workstation, ShowsAStoredScanIn3D) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    striae::test::TempDir dir;
    const auto storePath = dir / "store";
    striae::test::makeStoreWithScans(storePath, dir / "scans", 1, 2, 160, {"F01-01.x3p", "F01-02.x3p"});
    const std::string png = (dir / "3d.png").string();
    const std::string cmd = std::string(STRIAE_WORKSTATION) + " --store " + storePath.string() + " --show 1 --screenshot " + png;
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
    expectLitGreySurface(png);
}

// What a file manager does with the desktop entry (Exec=striae-workstation %F): the file in 3D, no store.
TEST(Workstation, ShowsAnX3pFileNamedOnTheCommandLine) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    striae::test::TempDir dir;
    striae::imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 1;
    o.sizePx = 160;
    const auto truth = striae::imaging::writeSyntheticSet(o, dir.path().string());
    const std::string png = (dir / "file.png").string();
    const std::string cmd = std::string(STRIAE_WORKSTATION) + " --screenshot " + png + " " + (dir / truth.at(0).file).string();
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
    expectLitGreySurface(png);
}

TEST(Workstation, ComparesTwoStoredScansSideBySide) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    striae::test::TempDir dir;
    const auto storePath = dir / "store";
    striae::test::makeStoreWithScans(storePath, dir / "scans", 1, 2, 200, {"F01-01.x3p", "F01-02.x3p"});
    const std::string png = (dir / "compare.png").string();
    const std::string cmd = std::string(STRIAE_WORKSTATION) + " --store " + storePath.string() + " --compare 1,2 --screenshot " + png;
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
    QImage image(QString::fromStdString(png));
    ASSERT_FALSE(image.isNull());
    // Both halves of the comparison area show a rendered surface.
    const int left = image.width() * 45 / 100, right = image.width() * 78 / 100, y0 = image.height() / 3, y1 = image.height() * 2 / 3;
    for (const int cx : {left, right}) {
        QSet<int> greys;
        for (int y = y0; y < y1; y += 2)
            for (int x = cx - 80; x < cx + 80; x += 2) greys.insert(qGray(image.pixel(x, y)));
        EXPECT_GT(greys.size(), 60) << "a lit surface around x = " << cx;
    }
}

// --help and --version answer on a terminal without any display (help2man, a package build, SSH).
TEST(Workstation, HelpAndVersionNeedNoDisplay) {
    for (const char* flag : {"--version", "--help"}) {
        const std::string cmd = "env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb " + std::string(STRIAE_WORKSTATION) + " " + flag + " 2>&1";
        FILE* pipe = ::popen(cmd.c_str(), "r");
        ASSERT_NE(pipe, nullptr);
        std::string out;
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
        const int status = ::pclose(pipe);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << flag << ": " << out;
        EXPECT_EQ(out.find("could not connect to display"), std::string::npos) << out;
        EXPECT_NE(out.find(std::string(flag) == "--version" ? "Striae " : "--compare-bullets <A,B>"), std::string::npos) << out;
    }
}
