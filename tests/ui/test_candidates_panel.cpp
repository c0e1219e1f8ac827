// The correlation results panel: the review actions follow the user's roles,
// disabled ones say why, and enabled ones change the store.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QDialogButtonBox>
#include <QMouseEvent>
#include <QRadioButton>
#include <QPushButton>
#include <QTableWidget>

#include "TestData.h"
#include "UiDriving.h"
#include "UiTestStore.h"
#include "striae/imaging/Synthetic.h"
#include "striae/matching/Cmc.h"
#include "striae/records/Store.h"
#include "striae/ui/AuditPanel.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/ConclusionDialog.h"
#include "striae/ui/MainWindow.h"

using namespace striae;

namespace {
QPushButton* button(ui::CandidatesPanel& panel, const QString& text) {
    for (auto* b : panel.findChildren<QPushButton*>())
        if (b->text() == text) return b;
    return nullptr;
}
}  // namespace

TEST(CandidatesPanel, ActionsFollowRolesAndChangeTheStore) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    std::vector<records::Id> acquisitions;
    auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 2, 1, 160, {"F01-01.x3p", "F02-01.x3p"}, &acquisitions);
    const auto admin = store.authenticate("admin", "admin-password");
    const auto tech = store.authenticate("tina", "tech-password");
    const auto exam = store.authenticate("eve", "exam-password");
    const auto run = store.correlate(tech, acquisitions[0], matching::CmcParameters{}, 1);

    ui::CandidatesPanel panel;
    panel.setStore(&store);
    panel.showRunsOf(acquisitions[0]);
    ASSERT_EQ(panel.table()->rowCount(), 1);
    panel.table()->selectRow(0);
    QPushButton* lead = button(panel, "Lead");
    QPushButton* identify = button(panel, "Examine…");
    ASSERT_TRUE(lead && identify);
    EXPECT_FALSE(lead->isEnabled());
    EXPECT_TRUE(lead->toolTip().contains("Log in")) << lead->toolTip().toStdString();

    panel.setUser(exam);
    panel.table()->selectRow(0);
    EXPECT_FALSE(lead->isEnabled());
    EXPECT_TRUE(lead->toolTip().contains("technician")) << lead->toolTip().toStdString();
    EXPECT_TRUE(identify->isEnabled());

    panel.setUser(tech);
    panel.table()->selectRow(0);
    EXPECT_TRUE(lead->isEnabled());
    EXPECT_FALSE(identify->isEnabled());
    EXPECT_TRUE(identify->toolTip().contains("examiner"));
    lead->click();
    EXPECT_EQ(store.openLeads().size(), 1u);
    EXPECT_EQ(panel.table()->item(0, 4)->text(), "lead");

    panel.setUser(exam);
    panel.table()->selectRow(0);
    panel.examine("identification");
    EXPECT_TRUE(store.openLeads().empty());
    EXPECT_EQ(store.stats().hits, 1);
    EXPECT_EQ(panel.table()->item(0, 4)->text(), "Identification") << "the AFTE name, not the code";
    // The examiner who confirmed cannot verify: the store refuses and the hit stays unverified.
    panel.table()->selectRow(0);
    panel.verify("identification", true);
    EXPECT_EQ(store.stats().verifications, 0);
    const auto exam2 = store.addUser(admin, "A", "ed", "Ed", {records::Role::Examiner}, "exam-password2");
    const auto boss = store.addUser(admin, "A", "sam", "Sam", {records::Role::Supervisor}, "super-password");
    panel.setUser(exam2);
    EXPECT_EQ(panel.table()->item(0, 4)->text(), "examined; conclusion hidden until you verify") << "blind: the verifier's list";
    panel.table()->selectRow(0);
    EXPECT_TRUE(button(panel, "Show first conclusion…")->isEnabled());
    panel.verify("identification", true);
    EXPECT_EQ(panel.table()->item(0, 4)->text(), "Identification, verified by you");
    EXPECT_EQ(store.stats().verifications, 1);
    panel.setUser(boss);
    panel.table()->selectRow(0);
    EXPECT_TRUE(button(panel, "Approve")->isEnabled());
    panel.approve();
    EXPECT_EQ(store.stats().approvals, 1);
    EXPECT_EQ(panel.table()->item(0, 4)->text(), "Identification, approved");
    EXPECT_EQ(panel.table()->item(0, 4)->data(Qt::UserRole + 4).toString(), "approved");
    EXPECT_FALSE(panel.table()->item(0, 4)->icon().isNull()) << "a badge for the stage";
    EXPECT_TRUE(store.verifyAudit().ok());

    // The audit panel tells the whole review chain in words, with the chain state.
    ui::AuditPanel audit;
    audit.setStore(&store);
    audit.setUser(boss);
    audit.showItem(store.acquisition(acquisitions[0]).itemId);
    QStringList lines;
    for (int r = 0; r < audit.table()->rowCount(); ++r) lines << audit.table()->item(r, 1)->text() + ": " + audit.table()->item(r, 2)->text();
    const QString all = lines.join("\n");
    for (const char* expected : {"imported scan", "correlation run", "reviewed candidate", "became lead", "examined lead",
                                 "Identification; lead", "verified hit", "(blind)", "approved hit", "Eve (eve)", "Sam (sam)"})
        EXPECT_TRUE(all.contains(expected)) << expected << " in\n" << all.toStdString();
    EXPECT_FALSE(all.contains("{")) << "no raw JSON";
    EXPECT_TRUE(audit.findChild<QLabel*>("auditChainState")->text().contains("intact"));
    (void)run;
}

TEST(MainWindow, CorrelatesOnAWorkerThreadAndListsTheCandidates) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    test::makeStoreWithScans(dir / "store", dir / "scans", 2, 1, 160, {"F01-01.x3p", "F02-01.x3p"});
    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    EXPECT_EQ(window.correlate(1), 0) << "nobody logged in";
    ASSERT_TRUE(window.login("tina", "tech-password"));
    EXPECT_FALSE(window.login("tina", "wrong-password"));
    const qint64 run = window.correlate(1);
    EXPECT_GT(run, 0);
    const auto store = records::Store::open((dir / "store").string());
    EXPECT_EQ(store.candidates(run).size(), 1u);
    EXPECT_TRUE(store.verifyAudit().ok());
}

// The shortlist beside "Correlate now": chosen in the window, used by the run,
// and the list's heading says how many holdings CMC compared of how many.
TEST(MainWindow, TheShortlistIsChosenBesideCorrelateAndTheListSaysWhatWasCompared) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    test::makeStoreWithScans(dir / "store", dir / "scans", 2, 2, 160, {"F01-01.x3p", "F01-02.x3p", "F02-01.x3p", "F02-02.x3p"});
    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    ASSERT_TRUE(window.showAcquisition(1));
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    auto* shortlist = panel->findChild<QComboBox*>("shortlist");
    ASSERT_NE(shortlist, nullptr);
    EXPECT_TRUE(shortlist->currentText().startsWith("20 %")) << "the default is shown";
    shortlist->setEditText("2");
    const qint64 run = window.correlate(1);
    ASSERT_GT(run, 0);
    EXPECT_EQ(panel->table()->rowCount(), 2);
    const QString heading = panel->findChildren<QLabel*>().front()->text();
    EXPECT_TRUE(heading.contains("3 holdings of the caliber; the first stage kept 2 for CMC (shortlist 2)")) << heading.toStdString();
    shortlist->setCurrentIndex(shortlist->findText("all"));
    ASSERT_GT(window.correlate(1), 0);
    EXPECT_EQ(panel->table()->rowCount(), 3);
    EXPECT_TRUE(panel->findChildren<QLabel*>().front()->text().contains("3 holdings of the caliber, all compared by CMC"));
}

// A correlation the store refuses is a dialog that says why, not a status line.
TEST(MainWindow, ARefusedCorrelationIsADialogWithTheReason) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    {
        auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 1, 1, 120, {"F01-01.x3p"});
        // A land alone: a bullet comparison needs at least two.
        const auto tech = store.authenticate("tina", "tech-password");
        records::CaseRecord c;
        c.number = "B1";
        store.addCase(tech, c);
        records::Item bullet;
        bullet.label = "Q9";
        bullet.kind = "bullet";
        bullet.origin = "crime_scene";
        records::ImportOptions io;
        io.region = "land";
        io.preprocess = false;
        io.land = 1;
        store.importScan(tech, store.addItem(tech, "B1", bullet).id, (dir / "scans" / "F01-01.x3p").string(), io);
    }
    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    QString said;
    qint64 run = -1;
    test::withDialog([&] { run = window.correlate(2); },
                     [&](QDialog* d) {
                         if (auto* box = qobject_cast<QMessageBox*>(d)) said = box->text();
                         d->accept();
                     });
    EXPECT_EQ(run, 0);
    EXPECT_TRUE(said.contains("1 processed land scan")) << said.toStdString();
}

// No anchoring: the conclusion dialog opens with nothing chosen and OK off,
// names the AFTE conclusions in words, and takes a choice made with the mouse.
TEST(ConclusionDialog, ChoosesNothingInAdvance) {
    ASSERT_NE(QApplication::instance(), nullptr);
    ui::ConclusionDialog dialog("Verification of the hit", "Blind verification. Your conclusion:");
    dialog.show();
    QApplication::processEvents();
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_FALSE(dialog.conclusion().has_value());
    QStringList names;
    for (auto* r : dialog.findChildren<QRadioButton*>()) {
        EXPECT_FALSE(r->isChecked()) << r->text().toStdString();
        names << r->text();
    }
    EXPECT_EQ(names, QStringList({"Identification", "Inconclusive A", "Inconclusive B", "Inconclusive C", "Elimination", "Unsuitable"}));
    auto* elimination = dialog.findChild<QRadioButton*>("elimination");
    ASSERT_NE(elimination, nullptr);
    const QPointF at(8, elimination->height() / 2.0);
    QMouseEvent press(QEvent::MouseButtonPress, at, elimination->mapToGlobal(at), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QMouseEvent release(QEvent::MouseButtonRelease, at, elimination->mapToGlobal(at), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(elimination, &press);
    QApplication::sendEvent(elimination, &release);
    QApplication::processEvents();
    EXPECT_TRUE(elimination->isChecked());
    EXPECT_TRUE(ok->isEnabled());
    EXPECT_EQ(dialog.conclusion().value_or(""), "elimination");
}
