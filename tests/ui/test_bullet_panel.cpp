// The bullet comparison view: two bullets with land scans in a store, compared
// land by land; the matrix marks the aligned lands; a cell plots its pair.
#include <gtest/gtest.h>

#include <QApplication>
#include <QLabel>
#include <QStackedWidget>
#include <QTableWidget>

#include "SyntheticLand.h"
#include "TestData.h"
#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"
#include "striae/ui/BulletComparisonPanel.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/SignaturePlot.h"

using namespace striae;

TEST(BulletComparisonView, ShowsTheMatrixThePhaseAndTheAlignedSignatures) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    // Two bullets from one barrel: bullet B's land l carries barrel land (l + 1) mod 6, so A's land i lines up with B's i + 5.
    std::vector<std::string> filesA, filesB;
    for (int l = 0; l < 6; ++l) {
        test::SyntheticLandOptions o;
        o.cols = 500;
        o.rows = 120;
        o.grooveLeftUm = 100;
        o.grooveRightUm = 900;
        o.seed = unsigned(l);
        filesA.push_back((dir / ("A-L" + std::to_string(l + 1) + ".x3p")).string());
        imaging::writeX3p(test::syntheticLand(o, test::randomStriae(40 + unsigned(l))), filesA.back());
        o.seed = unsigned(10 + l);
        filesB.push_back((dir / ("B-L" + std::to_string(l + 1) + ".x3p")).string());
        imaging::writeX3p(test::syntheticLand(o, test::randomStriae(40 + unsigned((l + 1) % 6))), filesB.back());
    }
    {
        auto store = records::Store::create((dir / "store").string(), {0, "A", "Lab", "US"}, "admin", "Ada", "admin-password");
        const auto admin = store.authenticate("admin", "admin-password");
        const auto tech = store.addUser(admin, "A", "tina", "Tina", {records::Role::Technician}, "tech-password");
        records::CaseRecord c;
        c.number = "B-1";
        store.addCase(tech, c);
        for (const auto& [label, files] : {std::pair{"Q1", filesA}, std::pair{"K1", filesB}}) {
            records::Item item;
            item.label = label;
            item.kind = "bullet";
            item.origin = "crime_scene";
            item.caliber = "9mm";
            const auto stored = store.addItem(tech, "B-1", item);
            records::ImportOptions io;
            io.region = "land";
            io.preprocess = false;
            // Imported out of order: the view sorts by land number.
            for (int l : {3, 0, 5, 1, 4, 2}) {
                io.land = l + 1;
                store.importScan(tech, stored.id, files[std::size_t(l)], io);
            }
        }
    }
    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    ASSERT_TRUE(window.showBulletComparison(1, 2));
    auto* panel = window.bulletPanel();
    EXPECT_EQ(window.findChild<QStackedWidget*>()->currentWidget(), panel);
    EXPECT_EQ(panel->result().phase, 5);
    EXPECT_GT(panel->result().score, 0.8);
    auto* matrix = panel->matrix();
    ASSERT_EQ(matrix->rowCount(), 6);
    ASSERT_EQ(matrix->columnCount(), 6);
    EXPECT_EQ(matrix->verticalHeaderItem(0)->text(), "Q1 · L1") << "rows and columns named by bullet and land";
    EXPECT_EQ(matrix->horizontalHeaderItem(5)->text(), "K1 · L6");
    // The selected pair's land images beside the signatures, grey and lit.
    for (QLabel* image : {panel->landImageA(), panel->landImageB()}) {
        ASSERT_FALSE(image->pixmap().isNull());
        const QImage picture = image->pixmap().toImage();
        const QColor centre = picture.pixelColor(picture.width() / 2, picture.height() / 2);
        EXPECT_EQ(centre.red(), centre.green()) << "grey";
        EXPECT_EQ(centre.green(), centre.blue());
    }
    for (int i = 0; i < 6; ++i) {
        EXPECT_TRUE(matrix->item(i, (i + 5) % 6)->font().bold()) << "aligned land " << i;
        EXPECT_FALSE(matrix->item(i, (i + 1) % 6)->font().bold());
    }
    // A cell plots its pair, B shifted by that pair's lag.
    ASSERT_TRUE(panel->plot()->hasSignatures());
    panel->selectPair(2, 3);
    EXPECT_DOUBLE_EQ(panel->plot()->lagUm(), panel->result().matrix[2][3].lagUm);
    EXPECT_EQ(matrix->currentRow(), 2);
    EXPECT_EQ(matrix->currentColumn(), 3);
    EXPECT_EQ(window.findChild<QLabel*>("LandImageA")->parentWidget()->findChildren<QLabel*>().size(), 4u) << "two images, two captions";
    bool captioned = false;
    for (auto* label : panel->findChildren<QLabel*>()) captioned = captioned || label->text() == "Q1 · L3";
    EXPECT_TRUE(captioned) << "the image says which land it is";
    // A bullet without land scans: refused with the reason, the view stays.
    EXPECT_FALSE(window.showBulletComparison(1, 99));
}
