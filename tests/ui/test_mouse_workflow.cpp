// The whole examination run in the real window, with the mouse (and the
// keyboard only where text is typed): log in, intake of a new casing through
// the wizard and its file dialog, correlate, compare (rotate, zoom, split),
// measure and pin a note in the 3D view, mark the lead, the examiner's
// conclusion, the blind verification by a second examiner, the supervisor's
// approval; users switched through the Session menu. Any unexpected dialog
// (a refusal) fails the test instead of hanging it.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QDialog>
#include <QFileDialog>
#include <QLabel>
#include <QStatusBar>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTreeView>
#include <QWizard>

#include <cstdlib>

#include "TestData.h"
#include "UiDriving.h"
#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/CaseBrowser.h"
#include "striae/ui/ComparisonPanel.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/SurfacePanel.h"
#include "striae/viewer3d/SurfaceScene.h"
#include "striae/viewer3d/VtkView.h"

using namespace striae;
using namespace striae::test;

namespace {

// Closes and reports a message box nobody expected (a refusal), so the run fails with its text.
class UnexpectedDialogs {
public:
    UnexpectedDialogs() {
        timer_.setInterval(2000);
        QObject::connect(&timer_, &QTimer::timeout, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                ADD_FAILURE() << "unexpected dialog: " << box->windowTitle().toStdString() << ": " << box->text().toStdString();
                box->reject();
            }
        });
        timer_.start();
    }

private:
    QTimer timer_;
};

void logInAs(ui::MainWindow& window, const QString& user, const QString& password) {
    withDialog([&] { chooseMenu(window, "Session", "Log in / switch user…"); },
               [&](QDialog* d) {
                   typeInto(d->findChild<QLineEdit*>("loginUser"), user);
                   typeInto(d->findChild<QLineEdit*>("loginPassword"), password);
                   clickButton(buttonNamed(d, "Log in"));
                   QApplication::processEvents();
                   EXPECT_FALSE(d->isVisible()) << "logged in as " << user.toStdString();
               });
    settle();
    EXPECT_TRUE(window.findChild<QLabel*>("userStatus")->text().contains(user));
}

// Records the AFTE conclusion in the conclusion dialog that `open` brings up.
void conclude(const std::function<void()>& open, const QString& label, const QString& expectContext = {}) {
    withDialog(open, [&](QDialog* d) {
        if (!expectContext.isEmpty()) {
            bool found = false;
            for (auto* l : d->findChildren<QLabel*>()) found = found || l->text().contains(expectContext);
            EXPECT_TRUE(found) << "the dialog says: " << expectContext.toStdString();
        }
        for (auto* r : d->findChildren<QRadioButton*>()) EXPECT_FALSE(r->isChecked()) << "nothing chosen in advance";
        auto* choice = buttonNamed<QRadioButton>(d, label);
        ASSERT_NE(choice, nullptr) << label.toStdString();
        clickAt(choice, QPointF(8, choice->height() / 2.0));  // on the round button
        EXPECT_TRUE(choice->isChecked());
        clickButton(buttonNamed(d, "Record conclusion"));
    });
    settle();
}

QModelIndex rowNamed(QTreeView* view, const QString& text) {
    const auto found = view->model()->match(view->model()->index(0, 0), Qt::DisplayRole, text, 1, Qt::MatchRecursive | Qt::MatchExactly);
    return found.isEmpty() ? QModelIndex() : found.front();
}

}  // namespace

TEST(MouseWorkflow, IntakeToApprovalInTheRealWindow) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    TempDir dir;
    const auto storePath = dir / "store";
    imaging::SynthOptions synth;
    synth.firearms = 2;
    synth.shotsPerFirearm = 2;
    synth.sizePx = 200;
    imaging::writeSyntheticSet(synth, (dir / "scans").string());
    {
        // The users (an administrator's work) and two earlier casings already held.
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "Lab", "US"}, "ada", "Ada Admin", "admin-password");
        const auto admin = store.authenticate("ada", "admin-password");
        const auto tech = store.addUser(admin, "SFPD", "tina", "Tina Tech", {records::Role::Technician}, "tech-password");
        store.addUser(admin, "SFPD", "eve", "Eve Examiner", {records::Role::Examiner}, "eve-password");
        store.addUser(admin, "SFPD", "ed", "Ed Examiner", {records::Role::Examiner}, "ed-password");
        store.addUser(admin, "SFPD", "sam", "Sam Supervisor", {records::Role::Supervisor}, "sam-password");
        records::ImportOptions io;
        io.preprocess = false;
        for (const auto& [number, scan] : {std::pair{"2026-0301", "F01-02.x3p"}, std::pair{"2026-0302", "F02-01.x3p"}}) {
            records::CaseRecord c;
            c.number = number;
            store.addCase(tech, c);
            records::Item item;
            item.label = "Q1";
            item.kind = "cartridge_case";
            item.origin = "crime_scene";
            item.caliber = "9mm Luger";
            store.importScan(tech, store.addItem(tech, number, item).id, (dir / "scans" / scan).string(), io);
        }
    }
    UnexpectedDialogs watch;
    ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    settle(300);

    // 1. The technician logs in and takes in the new casing through the wizard.
    logInAs(window, "tina", "tech-password");
    const QString newScan = QString::fromStdString((dir / "scans" / "F01-01.x3p").string());
    withDialog([&] { chooseMenu(window, "File", "New intake…"); },
               [&](QDialog* d) {
                   auto* wizard = qobject_cast<QWizard*>(d);
                   ASSERT_NE(wizard, nullptr);
                   typeInto(wizard->findChild<QLineEdit*>("caseNumber"), "2026-0417");
                   typeInto(wizard->findChild<QLineEdit*>("offence"), "shots fired");
                   clickButton(wizard->button(QWizard::NextButton));
                   typeInto(wizard->findChild<QLineEdit*>("itemLabel"), "Q1");
                   typeInto(wizard->findChild<QLineEdit*>("caliber"), "9mm Luger");
                   clickButton(wizard->button(QWizard::NextButton));
                   auto* processed = wizard->findChild<QCheckBox*>("alreadyProcessed");
                   clickAt(processed, QPointF(8, processed->height() / 2.0));
                   EXPECT_TRUE(processed->isChecked());
                   withDialog([&] { clickButton(buttonNamed(wizard, "Add scans…")); },
                              [&](QDialog* files) {
                                  typePathAndOpen(qobject_cast<QFileDialog*>(files), newScan);
                              });
                   clickButton(wizard->button(QWizard::FinishButton));
               });
    settle(500);
    const auto view = records::Store::open(storePath.string());
    ASSERT_EQ(view.findCases({}).size(), 3u) << "the new case is in the store";
    const auto newItem = view.itemsOfCase("2026-0417").at(0);
    const auto fresh = view.acquisitionsOfItem(newItem.id).at(0).id;

    // 2. Find it in the case browser by typing its number, double-click it: the 3D view.
    auto* browser = window.findChild<ui::CaseBrowser*>();
    ASSERT_NE(browser, nullptr);
    auto* tree = browser->findChild<QTreeView*>();
    typeInto(browser->findChild<QLineEdit*>(), "2026-0417");
    settle();
    const QModelIndex scanRow = rowNamed(tree, QString("scan %1").arg(fresh));
    ASSERT_TRUE(scanRow.isValid()) << "rows: " << tree->model()->rowCount() << ", first: " << tree->model()->index(0, 0).data().toString().toStdString();
    clickCell(tree, scanRow, true);
    auto* centre = window.findChild<QStackedWidget*>();
    ASSERT_EQ(centre->currentWidget(), window.findChild<ui::SurfacePanel*>()) << window.statusBar()->currentMessage().toStdString();

    // Measure: shift+click two points on the surface.
    auto* surface = window.findChild<ui::SurfacePanel*>();
    viewer3d::VtkView* view3d = surface->findChildren<viewer3d::VtkView*>().at(0);
    // (below the firing-pin hole, on the breech face)
    clickAt(view3d, {view3d->width() * 0.45, view3d->height() * 0.68}, Qt::ShiftModifier);
    clickAt(view3d, {view3d->width() * 0.6, view3d->height() * 0.68}, Qt::ShiftModifier);
    settle(300);
    EXPECT_TRUE(surface->findChild<QLabel*>("measurement")->text().contains("µm")) << surface->findChild<QLabel*>("measurement")->text().toStdString();
    // Annotate: "Pin a note…", shift+click the place, write the note.
    clickButton(surface->findChild<QPushButton*>("pinMode"));
    withDialog([&] { clickAt(view3d, {view3d->width() * 0.55, view3d->height() * 0.65}, Qt::ShiftModifier); },
               [&](QDialog* d) {
                   typeInto(d->findChild<QPlainTextEdit*>(), "scratch at 5 o'clock");
                   clickButton(buttonNamed(d, "OK"));
               });
    settle(300);
    EXPECT_TRUE(surface->findChild<QLabel*>("pins")->text().contains("5 o'clock"));

    // 3. Correlate now; the same gun's casing ranks first.
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    clickButton(buttonNamed(panel, "Correlate now"));
    settle(300);
    QTableWidget* table = panel->table();
    ASSERT_EQ(table->rowCount(), 2);
    EXPECT_EQ(table->item(0, 1)->text(), "2026-0301 / Q1");
    clickCell(table, table->model()->index(0, 1));

    // 4. Compare side by side: rotate, zoom, split.
    clickButton(buttonNamed(panel, "Compare side by side"));
    settle(400);
    auto* comparison = window.findChild<ui::ComparisonPanel*>();
    ASSERT_EQ(centre->currentWidget(), comparison);
    const auto views = comparison->findChildren<viewer3d::VtkView*>();
    ASSERT_EQ(views.size(), 2);
    const auto before = comparison->referenceScene()->camera();
    drag(views[0], {views[0]->width() * 0.3, views[0]->height() * 0.5}, {views[0]->width() * 0.6, views[0]->height() * 0.35});
    wheel(views[1], {views[1]->width() / 2.0, views[1]->height() / 2.0}, 2);
    const auto after = comparison->referenceScene()->camera();
    EXPECT_NE(before.position[0] + before.position[1] + before.position[2], after.position[0] + after.position[1] + after.position[2]);
    for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(after.position[i], comparison->comparedScene()->camera().position[i]) << "one camera";
    auto* split = buttonNamed<QCheckBox>(comparison, "Split view");
    click(split);
    EXPECT_TRUE(split->isChecked());
    EXPECT_FALSE(views[1]->isVisible());
    click(split);

    // 5. The technician marks the lead, with a note.
    clickCell(table, table->model()->index(0, 1));
    QLineEdit* note = nullptr;
    for (auto* e : panel->findChildren<QLineEdit*>())
        if (e->placeholderText().startsWith("Note")) note = e;
    ASSERT_NE(note, nullptr);
    typeInto(note, "breech-face marks agree");
    clickButton(buttonNamed(panel, "Lead"));
    settle();

    // 6. The examiner's conclusion.
    logInAs(window, "eve", "eve-password");
    clickCell(table, table->model()->index(0, 1));
    conclude([&] { clickButton(buttonNamed(panel, "Examine…")); }, "Identification");

    // 7. A second examiner verifies blind: the list hides the first conclusion.
    logInAs(window, "ed", "ed-password");
    EXPECT_TRUE(table->item(0, 5)->text().contains("hidden")) << table->item(0, 5)->text().toStdString();
    clickCell(table, table->model()->index(0, 1));
    conclude([&] { clickButton(buttonNamed(panel, "Verify…")); }, "Identification", "Blind verification");

    // 8. The supervisor approves.
    logInAs(window, "sam", "sam-password");
    clickCell(table, table->model()->index(0, 1));
    QPushButton* approve = buttonNamed(panel, "Approve");
    ASSERT_TRUE(approve->isEnabled()) << approve->toolTip().toStdString();
    clickButton(approve);
    settle(300);
    window.grab().save(QString::fromStdString((dir.path().parent_path() / "striae-mouse-workflow.png").string()));

    const auto store = records::Store::open(storePath.string());
    const auto candidate = store.candidates(store.runsOf(fresh).front().id).at(0);
    const auto lead = store.leadOfCandidate(candidate.id);
    ASSERT_TRUE(lead.has_value());
    const auto supervisor = store.authenticate("sam", "sam-password");
    const auto hit = store.hitOfLead(supervisor, lead->id);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->conclusion, "identification");
    EXPECT_TRUE(hit->approved);
    EXPECT_EQ(hit->verifications, 1);
    bool blind = false;
    for (const auto& e : store.auditTrail("hit", hit->id))
        if (e.action == "verify_hit") blind = e.details.find("\"blind\": \"yes\"") != std::string::npos || e.details.find("\"blind\":\"yes\"") != std::string::npos;
    EXPECT_TRUE(blind) << "recorded as blind";
    EXPECT_EQ(store.annotationsOf(fresh).size(), 1u);
    EXPECT_EQ(store.searchNotes("breech-face agree").size(), 2u) << "the note went with the review and the lead";
    EXPECT_TRUE(store.verifyAudit().ok());
}
