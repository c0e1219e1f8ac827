// The correlation results panel: the review actions follow the user's roles,
// disabled ones say why, and enabled ones change the store.
#include <gtest/gtest.h>

#include <QApplication>
#include <QKeyEvent>
#include <cstdlib>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QDialogButtonBox>
#include <QMouseEvent>
#include <QRadioButton>
#include <QPushButton>
#include <QTableWidget>
#include <QBarSeries>
#include <QLineEdit>
#include <QTreeView>

#include "TestData.h"
#include "UiDriving.h"
#include "UiTestStore.h"
#include "striae/imaging/Synthetic.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/matching/Cmc.h"
#include "striae/records/Store.h"
#include "striae/ui/AuditPanel.h"
#include "striae/ui/CalibrationView.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/CaseBrowser.h"
#include "striae/ui/ConclusionDialog.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/StatisticsDashboard.h"

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
    EXPECT_EQ(panel.table()->item(0, 5)->text(), "lead");

    panel.setUser(exam);
    panel.table()->selectRow(0);
    panel.examine("identification");
    EXPECT_TRUE(store.openLeads().empty());
    EXPECT_EQ(store.stats().hits, 1);
    EXPECT_EQ(panel.table()->item(0, 5)->text(), "Identification") << "the AFTE name, not the code";
    // The examiner who confirmed cannot verify: the store refuses and the hit stays unverified.
    panel.table()->selectRow(0);
    panel.verify("identification", true);
    EXPECT_EQ(store.stats().verifications, 0);
    const auto exam2 = store.addUser(admin, "A", "ed", "Ed", {records::Role::Examiner}, "exam-password2");
    const auto boss = store.addUser(admin, "A", "sam", "Sam", {records::Role::Supervisor}, "super-password");
    panel.setUser(exam2);
    EXPECT_EQ(panel.table()->item(0, 5)->text(), "examined; conclusion hidden until you verify") << "blind: the verifier's list";
    panel.table()->selectRow(0);
    EXPECT_TRUE(button(panel, "Show first conclusion…")->isEnabled());
    panel.verify("identification", true);
    EXPECT_EQ(panel.table()->item(0, 5)->text(), "Identification, verified by you");
    EXPECT_EQ(store.stats().verifications, 1);
    panel.setUser(boss);
    panel.table()->selectRow(0);
    EXPECT_TRUE(button(panel, "Approve")->isEnabled());
    panel.approve();
    EXPECT_EQ(store.stats().approvals, 1);
    EXPECT_EQ(panel.table()->item(0, 5)->text(), "Identification, approved");
    EXPECT_EQ(panel.table()->item(0, 5)->data(Qt::UserRole + 4).toString(), "approved");
    EXPECT_FALSE(panel.table()->item(0, 5)->icon().isNull()) << "a badge for the stage";
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
    EXPECT_TRUE(shortlist->currentText().startsWith("35 %")) << "the default is shown";
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

// A list pulled from the hub says which tier searched: the national hub's own, or the international
// hub's list of the same scan that the national hub mirrored (docs/hub-api.md, "Tiers").
TEST(MainWindow, AHubListSaysWhichTierSearched) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    {
        auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 2, 1, 120, {"F01-01.x3p", "F02-01.x3p"});
        const auto tech = store.authenticate("tina", "tech-password");
        store.recordHubLeadList(tech, 1, "2026-12-07T10:00:00Z", {{2, 501, 17, 19, "{}"}},
                                R"({"method":"hub","tier":"international","holdings":3,"fullyCompared":3,"shortlist":"all"})");
    }
    ui::MainWindow window;
    window.resize(1400, 900);
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    window.show();
    test::settle();
    // The scan chosen in the case browser with the mouse, as the examiner does.
    auto* tree = window.findChild<ui::CaseBrowser*>()->findChild<QTreeView*>();
    const auto found = tree->model()->match(tree->model()->index(0, 0), Qt::DisplayRole, "scan 1", 1, Qt::MatchRecursive | Qt::MatchExactly);
    ASSERT_FALSE(found.isEmpty());
    test::clickCell(tree, found.front(), true);
    test::settle();
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    const QString heading = panel->findChildren<QLabel*>().front()->text();
    EXPECT_TRUE(heading.contains("the international tier's search at the hub")) << heading.toStdString();
    EXPECT_TRUE(heading.contains("3 holdings of the caliber, all compared by CMC")) << heading.toStdString();
    EXPECT_EQ(panel->table()->rowCount(), 1);
    if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) window.grab().save(QString(shots) + "/candidates-international-tier.png");
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

// With a calibration model installed, every candidate shows its validated LR
// (with its interval and the model in the tooltip), the heading names the
// model, and the list is cut at an LR chosen with the keyboard.
TEST(MainWindow, CandidatesShowTheirValidatedLikelihoodRatioAndTheListIsCutAtAnLr) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    std::string modelId;
    {
        auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 2, 2, 160, {"F01-01.x3p", "F01-02.x3p", "F02-01.x3p"});
        matching::CalibrationModel m;
        m.name = "ui test model";
        m.created = "2026-12-02T00:00:00Z";
        m.software = "striae test";
        m.calibration.a = -2;  // log10 LR = -2 + 0.5 × CMC count, within [-2, 3]
        m.calibration.b = 0.5;
        m.calibration.lowerBoundLog10 = -2;
        m.calibration.upperBoundLog10 = 3;
        m.calibration.bootstrap = {{-2.2, 0.45}, {-1.8, 0.55}};
        m.validation.scheme = "test";
        matching::writeCalibrationModel(m, (dir / "model.json").string());
        modelId = m.id;
        store.installCalibrationModel(store.authenticate("admin", "admin-password"), (dir / "model.json").string());
    }
    ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    ASSERT_TRUE(window.showAcquisition(1));
    ASSERT_GT(window.correlate(1), 0);
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    auto* table = panel->table();
    ASSERT_EQ(table->rowCount(), 2);
    EXPECT_EQ(table->horizontalHeaderItem(4)->text(), "log10 LR");
    EXPECT_TRUE(table->horizontalHeaderItem(4)->toolTip().contains("docs/validation.md"));
    const QString heading = panel->findChildren<QLabel*>().front()->text();
    EXPECT_TRUE(heading.contains(QString::fromStdString(modelId))) << heading.toStdString();
    // The same firearm: a CMC count of 8 or more, an LR of 100 or more.
    int mate = -1, other = -1;
    for (int r = 0; r < 2; ++r) (table->item(r, 1)->text().startsWith("C2") ? mate : other) = r;
    ASSERT_GE(mate, 0);
    ASSERT_GE(other, 0);
    auto log10Lr = [&](int row) { return table->item(row, 4)->text().split(' ').front().toDouble(); };
    EXPECT_GE(log10Lr(mate), 2.0) << table->item(mate, 4)->text().toStdString();
    if (table->item(mate, 2)->data(Qt::DisplayRole).toDouble() >= 10) {
        EXPECT_TRUE(table->item(mate, 4)->toolTip().contains("upper bound")) << table->item(mate, 4)->toolTip().toStdString();
        EXPECT_TRUE(table->item(mate, 4)->text().endsWith("(upper bound)")) << table->item(mate, 4)->text().toStdString();
    }
    EXPECT_TRUE(table->item(mate, 4)->toolTip().contains(QString::fromStdString(modelId)));
    EXPECT_LT(log10Lr(other), 2.0) << "the other firearm is below LR 100";

    // The examiner's stopping rule: "LR ≥ 100", two steps down with the keyboard.
    auto* cut = panel->findChild<QComboBox*>("minLr");
    ASSERT_TRUE(cut && cut->isEnabled());
    cut->setFocus();
    for (int i = 0; i < 2; ++i) {
        QKeyEvent press(QEvent::KeyPress, Qt::Key_Down, Qt::NoModifier);
        QKeyEvent release(QEvent::KeyRelease, Qt::Key_Down, Qt::NoModifier);
        QApplication::sendEvent(cut, &press);
        QApplication::sendEvent(cut, &release);
    }
    test::settle();
    EXPECT_EQ(cut->currentText(), "LR ≥ 100");
    EXPECT_FALSE(table->isRowHidden(mate));
    EXPECT_TRUE(table->isRowHidden(other)) << "below the cut";
    window.grab().save(QString::fromStdString((dir / "lr.png").string()));
    if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) window.grab().save(QString(shots) + "/candidates-lr.png");
}

// Help → Calibration model… opens the installed model's view: its figures
// beside the count's, a Tippett plot and an ECE plot, all from the file.
TEST(MainWindow, TheCalibrationModelIsShownWithItsFiguresAndPlots) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    {
        auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 1, 1, 120, {"F01-01.x3p"});
        matching::CalibrationModel m;
        m.name = "plots";
        m.created = "2026-12-02T00:00:00Z";
        m.software = "striae test";
        m.calibration = {-2, 0.5, -2, 3, {{-2.1, 0.5}}};
        m.validation.scheme = "test scheme";
        m.validation.score.auc = 0.99;
        m.validation.score.errorRates.push_back({"LR >= 1", matching::wilsonInterval(2, 400), matching::wilsonInterval(1, 40)});
        m.validation.count = m.validation.score;
        m.validation.knownMatchLog10Lrs = {3, 3, 2.5, 1, -0.5};
        m.validation.knownNonMatchLog10Lrs = {-2, -2, -1.5, -1, 0.5, -2};
        matching::writeCalibrationModel(m, (dir / "model.json").string());
        store.installCalibrationModel(store.authenticate("admin", "admin-password"), (dir / "model.json").string());
    }
    ui::MainWindow window;
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    test::chooseMenu(window, "Help", "Calibration model…");
    test::settle(300);
    auto* view = window.findChild<ui::CalibrationView*>("calibrationView");
    ASSERT_NE(view, nullptr);
    EXPECT_TRUE(view->isVisible());
    auto* figures = view->figures();
    ASSERT_GE(figures->rowCount(), 5);
    EXPECT_EQ(figures->item(0, 0)->text(), "AUC");
    EXPECT_EQ(figures->item(3, 0)->text(), "False positives, LR >= 1");
    EXPECT_TRUE(figures->item(3, 2)->text().startsWith("2/400")) << figures->item(3, 2)->text().toStdString();
    EXPECT_EQ(view->tippett()->chart()->series().size(), 2);
    EXPECT_EQ(view->ece()->chart()->series().size(), 3);
    const QString summary = view->findChild<QLabel*>()->text();
    EXPECT_TRUE(summary.contains("docs/validation.md"));
    EXPECT_TRUE(summary.contains("10^-2.00 … 10^3.00")) << summary.toStdString();
    if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) view->grab().save(QString(shots) + "/calibration-view.png");
    view->close();
}

namespace {
void pressReturn(QWidget* w) {
    QKeyEvent press(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier, "\r");
    QKeyEvent release(QEvent::KeyRelease, Qt::Key_Return, Qt::NoModifier, "\r");
    QApplication::sendEvent(w, &press);
    QApplication::sendEvent(w, &release);
}
}  // namespace

// The statistics dashboard as a supervisor uses it: View > Statistics after
// logging in, the figures of the store, a filter typed and applied with the
// mouse and with Enter, a filter that is not a date refused without losing
// what was shown.
TEST(MainWindow, TheStatisticsDashboardShowsTheStoresFiguresAndTakesFilters) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    {
        std::vector<records::Id> ids;
        auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 2, 2, 120, {"F01-01.x3p", "F01-02.x3p", "F02-01.x3p"}, &ids);
        const auto tech = store.authenticate("tina", "tech-password");
        const auto run = store.correlate(tech, ids[1], matching::CmcParameters{}, 2);
        const auto top = store.candidates(run.id).at(0).id;
        store.review(tech, top, true, "");
        store.markLead(tech, top, "");
    }
    ui::MainWindow window;
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
    auto* action = window.findChild<QAction*>("statisticsAction");
    ASSERT_NE(action, nullptr);
    EXPECT_FALSE(action->isEnabled()) << "statistics are for a logged-in user";
    ASSERT_TRUE(window.login("tina", "tech-password"));
    test::chooseMenu(window, "View", "Statistics…");
    test::settle(300);
    auto* dashboard = window.findChild<ui::StatisticsDashboard*>("statisticsDashboard");
    ASSERT_NE(dashboard, nullptr);
    EXPECT_TRUE(dashboard->isVisible());
    EXPECT_TRUE(dashboard->summary()->text().contains("<b>3</b> pieces of evidence")) << dashboard->summary()->text().toStdString();
    EXPECT_TRUE(dashboard->summary()->text().contains("<b>1</b> leads (1 open)")) << dashboard->summary()->text().toStdString();
    auto* table = dashboard->turnaround();
    EXPECT_EQ(table->item(1, 0)->text(), "1") << "one scan was correlated";
    EXPECT_EQ(table->item(2, 0)->text(), "1") << "and became a lead";
    EXPECT_EQ(table->item(0, 0)->text(), "0") << "no recovery dates were entered";
    ASSERT_EQ(dashboard->monthly()->chart()->series().size(), 1);
    EXPECT_EQ(qobject_cast<QBarSeries*>(dashboard->monthly()->chart()->series().at(0))->count(), 3);

    auto* from = dashboard->findChild<QLineEdit*>("statsFrom");
    auto* agency = dashboard->findChild<QLineEdit*>("statsAgency");
    auto* problem = dashboard->findChild<QLabel*>("statsProblem");
    test::click(from);
    test::typeInto(from, "last week");
    test::clickButton(dashboard->findChild<QPushButton*>("statsShow"));
    test::settle();
    EXPECT_TRUE(problem->isVisible());
    EXPECT_TRUE(problem->text().contains("last week")) << problem->text().toStdString();
    EXPECT_EQ(dashboard->shown().evidence, 3) << "the figures shown stay";
    from->clear();
    test::click(agency);
    test::typeInto(agency, "ZZ");
    pressReturn(agency);
    test::settle();
    EXPECT_FALSE(problem->isVisible());
    EXPECT_EQ(dashboard->shown().evidence, 0);
    EXPECT_TRUE(dashboard->summary()->text().contains("<b>0</b> pieces of evidence"));
    agency->clear();
    pressReturn(agency);
    test::settle(200);
    EXPECT_EQ(dashboard->shown().evidence, 3);
    if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) dashboard->grab().save(QString(shots) + "/statistics.png");
    dashboard->close();
}
