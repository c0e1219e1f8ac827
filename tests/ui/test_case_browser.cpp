// The case browser as a widget (no GL needed: offscreen platform when there is no display).
#include <gtest/gtest.h>

#include <QApplication>
#include <QLabel>
#include <QStandardItemModel>
#include <QTreeView>
#include <fstream>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/ui/CaseBrowser.h"
#include "striae/ui/ProfilePlot.h"
#include "striae/ui/SurfacePanel.h"

#include <cmath>

// One QApplication for the whole run, made before the tests and gone before
// exit's static destruction (a static QApplication crashes at exit under xcb).
int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication application(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

namespace {
void app() { ASSERT_NE(QApplication::instance(), nullptr); }
}  // namespace

TEST(CaseBrowser, StartsEmptyWithItsColumns) {
    app();
    striae::ui::CaseBrowser browser;
    EXPECT_EQ(browser.caseCount(), 0);
    EXPECT_EQ(browser.model()->columnCount(), 4);
    EXPECT_EQ(browser.model()->horizontalHeaderItem(0)->text(), "Case / item / acquisition");
}

TEST(CaseBrowser, ListsAScanFolderAndNamesUnreadableFiles) {
    app();
    striae::test::TempDir dir;
    striae::imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 2;
    o.sizePx = 48;
    striae::imaging::writeSyntheticSet(o, dir.path().string());
    std::ofstream(dir / "broken.x3p") << "not a zip";
    striae::ui::CaseBrowser browser;
    EXPECT_EQ(browser.addScanFolder(QString::fromStdString(dir.path().string())), 3);
    ASSERT_EQ(browser.caseCount(), 1);
    QStandardItem* folder = browser.model()->item(0);
    ASSERT_EQ(folder->rowCount(), 3);
    // Sorted by name, capitals first.
    EXPECT_EQ(folder->child(0, 0)->text(), "F01-01.x3p");
    EXPECT_TRUE(folder->child(0, 1)->text().startsWith(QString::fromUtf8("X3P 48 × 48"))) << folder->child(0, 1)->text().toStdString();
    EXPECT_EQ(folder->child(2, 0)->text(), "broken.x3p");
    EXPECT_EQ(folder->child(2, 1)->text(), "unreadable");
    EXPECT_TRUE(folder->child(2, 3)->text().contains("not a readable zip archive"));
}

TEST(SurfacePanel, ProfileToolPlotsHeightsWithAGapOverMissingData) {
    app();
    striae::imaging::SynthOptions o;
    o.sizePx = 120;
    o.missingRegions = 0;
    const auto surface = striae::imaging::synthesizeShot(o, 1, 1);
    striae::ui::SurfacePanel panel;
    panel.showSurface(surface, "test");
    EXPECT_TRUE(panel.profilePlot()->profile().empty());
    panel.showProfile(5, 60, 115, 60);  // across the firing-pin hole in the middle
    const auto& profile = panel.profilePlot()->profile();
    ASSERT_GT(profile.size(), 100u);
    EXPECT_NEAR(profile.back().distance, 110 * surface.spacingX(), 1e-9);
    int missing = 0, present = 0;
    for (const auto& s : profile) (std::isnan(s.height) ? missing : present)++;
    EXPECT_GT(missing, 10) << "the hole";
    EXPECT_GT(present, 50);
    // Measurement: the line's length in µm, and the angle to a second line.
    EXPECT_NEAR(panel.lastDistanceMicrometres(), 110 * surface.spacingX() * 1e6, 1e-6);
    auto* measurement = panel.findChild<QLabel*>("measurement");
    ASSERT_NE(measurement, nullptr);
    EXPECT_TRUE(measurement->text().contains("687.5 µm")) << measurement->text().toStdString();
    panel.showProfile(60, 5, 60, 115);  // a vertical line: 90° to the first
    EXPECT_TRUE(measurement->text().contains("Angle</b> to the previous line: 90.0°")) << measurement->text().toStdString();
}
