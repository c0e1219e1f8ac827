// Starts the real striae-workstation on the X server (Xvfb in scripts/test),
// grabs its window and checks that something was drawn.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <QColor>
#include <QImage>
#include <QSet>
#include <cstdlib>

#include "TestData.h"

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
