// End to end through the workstation's own widgets: intake → correlate →
// mark lead → confirm hit on a temporary store, then the store is checked.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QSpinBox>
#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>

#include "TestData.h"
#include "striae/imaging/ImageIO.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/IntakeWizard.h"
#include "striae/ui/MainWindow.h"

using namespace striae;

namespace {
void fill(QWidget& w, const char* name, const QString& text) {
    auto* edit = w.findChild<QLineEdit*>(name);
    ASSERT_NE(edit, nullptr) << name;
    edit->setText(text);
}

std::vector<qint64> intake(ui::MainWindow& window, const records::Store& store, const QString& caseNumber, const QString& label,
                           const std::filesystem::path& scan) {
    ui::IntakeWizard wizard(&store);
    fill(wizard, "caseNumber", caseNumber);
    fill(wizard, "offence", "shots fired");
    wizard.findChild<QDateEdit*>("offenceDate")->setDate(QDate(2026, 11, 14));
    fill(wizard, "itemLabel", label);
    fill(wizard, "caliber", "9mm Luger");
    EXPECT_EQ(wizard.addFiles({QString::fromStdString(scan.string())}), 1);
    wizard.findChild<QCheckBox*>("alreadyProcessed")->setChecked(true);
    return window.runIntake(wizard.request());
}
}  // namespace

TEST(WorkflowThroughTheUi, IntakeCorrelateLeadHit) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    const auto storePath = dir / "store";
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "Lab", "US"}, "sam", "Sam", "super-password");
        const auto admin = store.authenticate("sam", "super-password");
        store.addUser(admin, "SFPD", "tina", "Tina", {records::Role::Technician}, "tech-password");
        store.addUser(admin, "SFPD", "eve", "Eve", {records::Role::Examiner}, "exam-password");
    }
    imaging::SynthOptions o;
    o.firearms = 2;
    o.shotsPerFirearm = 2;
    o.sizePx = 200;
    imaging::writeSyntheticSet(o, (dir / "scans").string());

    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    const auto view = records::Store::open(storePath.string());
    // Earlier casings in other cases, then the new crime-scene casing.
    ASSERT_EQ(intake(window, view, "2026-0301", "Q1", dir / "scans/F01-02.x3p").size(), 1u);
    ASSERT_EQ(intake(window, view, "2026-0302", "Q1", dir / "scans/F02-01.x3p").size(), 1u);
    const auto fresh = intake(window, view, "2026-0417", "Q1", dir / "scans/F01-01.x3p");
    ASSERT_EQ(fresh.size(), 1u);
    // Names on screen, codes in the store; the date from the picker in ISO form.
    {
        ui::IntakeWizard wizard(&view);
        QStringList kinds;
        for (auto* c : wizard.findChildren<QComboBox*>())
            for (int i = 0; i < c->count(); ++i) kinds << c->itemText(i);
        EXPECT_TRUE(kinds.contains("Cartridge case") && kinds.contains("Crime scene") && kinds.contains("hemispherical")) << kinds.join(", ").toStdString();
        EXPECT_FALSE(kinds.contains("cartridge_case"));
    }
    EXPECT_EQ(view.caseByNumber("2026-0417").offenceDate, "2026-11-14");
    EXPECT_EQ(view.itemsOfCase("2026-0417").at(0).kind, "cartridge_case");
    {
        // A bullet's rifling from the pick-lists.
        ui::IntakeWizard wizard(&view);
        fill(wizard, "caseNumber", "2026-0418");
        fill(wizard, "itemLabel", "B1");
        fill(wizard, "caliber", "9mm Luger");
        auto* kind = wizard.findChild<QComboBox*>("kind");
        kind->setCurrentIndex(kind->findData("bullet"));
        wizard.findChild<QSpinBox*>("lands")->setValue(6);
        auto* twist = wizard.findChild<QComboBox*>("twist");
        twist->setCurrentIndex(twist->findData("right"));
        const auto request = wizard.request();
        EXPECT_EQ(request.item.kind, "bullet");
        EXPECT_EQ(request.item.lands.value_or(0), 6);
        EXPECT_EQ(request.item.twist, "right");
    }

    // A PNG height map goes in too, converted to X3P with its spacing.
    {
        ui::IntakeWizard wizard(&view);
        fill(wizard, "caseNumber", "2026-0302");
        fill(wizard, "itemLabel", "Q2");
        fill(wizard, "caliber", "9mm Luger");
        const auto png = dir / "photo-map.png";
        imaging::writeImage(imaging::readX3p((dir / "scans/F02-02.x3p").string()).surface, png.string());
        EXPECT_EQ(wizard.addFiles({QString::fromStdString(png.string()), QString::fromStdString((dir / "nope.x3p").string())}), 1)
            << "the missing file is listed with its error, not imported";
        wizard.findChild<QCheckBox*>("alreadyProcessed")->setChecked(true);
        const auto ids = window.runIntake(wizard.request());
        ASSERT_EQ(ids.size(), 1u);
        const auto imported = view.acquisition(ids[0]);
        EXPECT_EQ(imaging::readX3p(view.filePath(imported.processedSha256)).surface.spacingX(), 6.25e-6);
    }

    ASSERT_TRUE(window.showAcquisition(fresh[0]));
    const qint64 run = window.correlate(fresh[0]);
    ASSERT_GT(run, 0);
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    ASSERT_NE(panel, nullptr);
    ASSERT_EQ(panel->table()->rowCount(), 3);
    EXPECT_EQ(panel->table()->item(0, 1)->text(), "2026-0301 / Q1") << "the same firearm ranks first";
    // Filters: by case number text, and hiding reviewed candidates.
    panel->setFilterText("0302");
    EXPECT_TRUE(panel->table()->isRowHidden(0));
    EXPECT_FALSE(panel->table()->isRowHidden(1));
    panel->setFilterText("SFPD");
    EXPECT_FALSE(panel->table()->isRowHidden(0)) << "agency column";
    panel->setFilterText("");
    panel->table()->selectRow(0);
    QPushButton* lead = nullptr;
    for (auto* b : panel->findChildren<QPushButton*>())
        if (b->text() == "Lead") lead = b;
    ASSERT_TRUE(lead && lead->isEnabled());
    panel->setNote("breech-face marks agree in most cells");
    lead->click();

    panel->setHideReviewed(true);
    EXPECT_TRUE(panel->table()->isRowHidden(0)) << "reviewed as a lead";
    panel->setHideReviewed(false);
    ASSERT_TRUE(window.login("eve", "exam-password"));
    panel->table()->selectRow(0);
    panel->examine("identification");

    const auto store = records::Store::open(storePath.string());
    const auto s = store.stats();
    EXPECT_EQ(s.cases, 3);
    EXPECT_EQ(s.acquisitions, 4);
    EXPECT_EQ(s.runs, 1);
    EXPECT_EQ(s.leads, 1);
    EXPECT_EQ(s.hits, 1);
    const auto candidates = store.candidates(run);
    const auto leadRecord = store.leadOfCandidate(candidates[0].id);
    ASSERT_TRUE(leadRecord.has_value());
    EXPECT_EQ(leadRecord->status, "hit");
    EXPECT_EQ(store.hitOfLead(store.authenticate("eve", "exam-password"), leadRecord->id)->conclusion, "identification") << "its author sees it";
    EXPECT_TRUE(store.verifyAudit().ok());
    ASSERT_EQ(store.searchNotes("breech-face agree").size(), 2u) << "the note went with the review and the lead";
}
