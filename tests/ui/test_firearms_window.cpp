// The firearms pages of the workstation as their users work them (issue 19):
// a records officer records a stolen pistol (caliber picked from the list; a
// misspelt one refused, then kept as flagged free text) and shares it; a
// technician of another agency checks a seized gun with a partial serial and
// sees it wanted; the officer finds the notification and marks it read.
// Menus, tabs, fields and buttons are driven with synthesized mouse and key events.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>

#include "HubProcess.h"
#include "TestData.h"
#include "UiDriving.h"
#include "striae/records/ReferenceTable.h"
#include "striae/records/Store.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubFirearmClient.h"
#include "striae/ui/FirearmsWindow.h"
#include "striae/ui/IntakeWizard.h"
#include "striae/ui/MainWindow.h"

using namespace striae;
using namespace striae::test;

namespace {

void logIn(ui::MainWindow& window, const QString& user, const QString& password) {
    withDialog([&] { chooseMenu(window, "Session", "Log in / switch user…"); }, [&](QDialog* d) {
        typeInto(d->findChild<QLineEdit*>("loginUser"), user);
        typeInto(d->findChild<QLineEdit*>("loginPassword"), password);
        clickButton(buttonNamed(d, "Log in"));
        QApplication::processEvents();
    });
}

ui::FirearmsWindow* openFirearms(ui::MainWindow& window) {
    for (auto* old : window.findChildren<ui::FirearmsWindow*>()) old->close();
    settle(50);
    chooseMenu(window, "View", "Firearms…");
    settle(200);
    ui::FirearmsWindow* shown = nullptr;
    for (auto* w : window.findChildren<ui::FirearmsWindow*>())
        if (w->isVisible()) shown = w;
    return shown;
}

void showTab(ui::FirearmsWindow* w, int index) {
    QTabBar* bar = w->tabs()->tabBar();
    clickAt(bar, bar->tabRect(index).center());
    settle();
    ASSERT_EQ(w->tabs()->currentIndex(), index);
}

void key(QWidget* w, Qt::Key k) {
    w->setFocus();
    QKeyEvent press(QEvent::KeyPress, k, Qt::NoModifier);
    QKeyEvent release(QEvent::KeyRelease, k, Qt::NoModifier);
    QApplication::sendEvent(w, &press);
    QApplication::sendEvent(w, &release);
    settle(50);
}

template <typename T>
T* child(QWidget* w, const char* name) {
    auto* found = w->findChild<T*>(name);
    EXPECT_NE(found, nullptr) << name;
    return found;
}

// A store of two agencies, SFPD and OPD (passwords: the user's name + "-password"), open in a main window as `user`.
struct TwoAgencies {
    TempDir dir;
    ui::MainWindow window;
    TwoAgencies(const std::string& sfUser, records::Role sfRole, const std::string& opdUser, records::Role opdRole, const std::string& user) {
        auto store = records::Store::create((dir / "store").string(), {0, "SFPD", "San Francisco PD", "US"}, "sam", "Sam", "admin-password");
        const auto admin = store.authenticate("sam", "admin-password");
        store.addUser(admin, "SFPD", sfUser, sfUser, {sfRole}, sfUser + "-password");
        store.addAgency(admin, {0, "OPD", "Oakland PD", "US"});
        store.addUser(admin, "OPD", opdUser, opdUser, {opdRole}, opdUser + "-password");
        window.resize(1400, 900);
        window.show();
        EXPECT_TRUE(window.openStore(QString::fromStdString((dir / "store").string())));
        logIn(window, QString::fromStdString(user), QString::fromStdString(user + "-password"));
    }
};

}  // namespace

TEST(FirearmsWindow, ARecordIsKeptSharedMatchedAtAnotherAgencysSeizureAndItsOwnerIsNotified) {
    ASSERT_NE(QApplication::instance(), nullptr);
    TwoAgencies site("rita", records::Role::RecordsOfficer, "otto", records::Role::Technician, "rita");
    auto& window = site.window;
    auto& dir = site.dir;
    ui::FirearmsWindow* firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr) << "View → Firearms… opened nothing";

    // A stolen pistol: status by the keyboard, serial and make typed, the caliber typed as the list names it.
    auto* status = child<QComboBox>(firearms, "recordStatus");
    key(status, Qt::Key_Down);  // lost → stolen
    ASSERT_EQ(status->currentText(), "stolen");
    typeInto(child<QLineEdit>(firearms, "recordSerial"), "AB-12345");
    typeInto(child<QLineEdit>(firearms, "recordMake"), "Example Arms");
    auto* caliber = child<QComboBox>(firearms, "recordCaliber");
    typeInto(caliber->lineEdit(), "9mm Lugar");  // misspelt: refused, naming the closest
    clickButton(buttonNamed(firearms, "Save record"));
    settle();
    auto* problem = child<QLabel>(firearms, "recordProblem");
    EXPECT_TRUE(problem->text().contains("did you mean 9mm Luger")) << problem->text().toStdString();
    auto* records = child<QTableWidget>(firearms, "records");
    EXPECT_EQ(records->rowCount(), 0) << "a refused record is not kept";
    caliber->lineEdit()->selectAll();
    typeInto(caliber->lineEdit(), "9x19");  // an alias: stored by the list's name
    clickButton(buttonNamed(firearms, "Save record"));
    settle();
    ASSERT_EQ(records->rowCount(), 1) << problem->text().toStdString();
    EXPECT_EQ(records->item(0, 2)->text(), "stolen");
    EXPECT_EQ(records->item(0, 6)->text(), "9mm Luger");
    EXPECT_EQ(records->item(0, 7)->text(), "no");

    // Another with a caliber the list lacks, kept as free text because the officer says so: flagged.
    typeInto(child<QLineEdit>(firearms, "recordSerial"), "ZZ-1");
    caliber->lineEdit()->selectAll();
    typeInto(caliber->lineEdit(), ".50 Beowulf");
    auto* freeText = child<QCheckBox>(firearms, "recordFreeTextCaliber");
    clickAt(freeText, QPointF(8, freeText->height() / 2.0));  // on its box
    settle();
    ASSERT_TRUE(freeText->isChecked());
    clickButton(buttonNamed(firearms, "Save record"));
    settle();
    ASSERT_EQ(records->rowCount(), 2) << problem->text().toStdString();
    EXPECT_TRUE(problem->text().contains("free text, flagged")) << problem->text().toStdString();
    EXPECT_FALSE(freeText->isChecked()) << "the next record is asked again";
    EXPECT_TRUE(caliber->currentText().isEmpty());

    // Share the pistol: select its row, press the button.
    int pistol = records->item(0, 3)->text() == "AB-12345" ? 0 : 1;
    clickCell(records, records->model()->index(pistol, 0));
    clickButton(buttonNamed(firearms, "Share selected with the network"));
    settle();
    EXPECT_TRUE(problem->text().contains("is shared")) << problem->text().toStdString();
    pistol = records->item(0, 3)->text() == "AB-12345" ? 0 : 1;
    EXPECT_EQ(records->item(pistol, 7)->text(), "yes");
    firearms->grab().save(QString::fromStdString((dir.path().parent_path() / "striae-firearms-records.png").string()));

    // Oakland's technician receives a seized gun whose serial is partly ground off.
    logIn(window, "otto", "otto-password");
    firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    showTab(firearms, 1);
    typeInto(child<QLineEdit>(firearms, "seizedSerial"), "ab1*45");
    typeInto(child<QLineEdit>(firearms, "seizedMake"), "example arms");
    clickButton(buttonNamed(firearms, "Check"));
    settle();
    auto* result = child<QLabel>(firearms, "seizureResult");
    EXPECT_TRUE(result->text().contains("1 record(s) matched, 1 wanted")) << result->text().toStdString();
    auto* matches = child<QTableWidget>(firearms, "seizureMatches");
    ASSERT_EQ(matches->rowCount(), 1);
    EXPECT_EQ(matches->item(0, 2)->text(), "SFPD");
    EXPECT_EQ(matches->item(0, 4)->text(), "WANTED");
    EXPECT_EQ(matches->item(0, 5)->text(), "partial serial");
    firearms->grab().save(QString::fromStdString((dir.path().parent_path() / "striae-firearms-seizure.png").string()));

    // Rita's notifications say so; she marks it read.
    logIn(window, "rita", "rita-password");
    firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    showTab(firearms, 3);
    auto* notifications = child<QTableWidget>(firearms, "notifications");
    ASSERT_EQ(notifications->rowCount(), 1);
    EXPECT_EQ(notifications->item(0, 2)->text(), "seizure_match");
    EXPECT_EQ(notifications->item(0, 3)->text(), "OPD");
    EXPECT_EQ(notifications->item(0, 7)->text(), "no");
    clickCell(notifications, notifications->model()->index(0, 0));
    clickButton(buttonNamed(firearms, "Mark selected read"));
    settle();
    EXPECT_EQ(notifications->item(0, 7)->text(), "yes");
}

TEST(FirearmsWindow, ATraceRequestIsSentAnsweredAndClosedFromTheTracePage) {
    ASSERT_NE(QApplication::instance(), nullptr);
    TwoAgencies site("tess", records::Role::TraceOfficer, "owen", records::Role::TraceOfficer, "tess");
    auto& window = site.window;
    auto& dir = site.dir;
    ui::FirearmsWindow* firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    showTab(firearms, 4);
    typeInto(child<QLineEdit>(firearms, "traceTo"), "OPD");
    typeInto(child<QLineEdit>(firearms, "traceSerial"), "AB-12345");
    typeInto(child<QLineEdit>(firearms, "traceReason"), "recovered at a homicide; who sold it?");
    typeInto(child<QLineEdit>(firearms, "traceDue"), "2030-01-31");
    key(child<QComboBox>(firearms, "tracePriority"), Qt::Key_Down);  // urgent, without a justification: refused
    clickButton(buttonNamed(firearms, "Send request"));
    settle();
    auto* problem = child<QLabel>(firearms, "traceProblem");
    EXPECT_TRUE(problem->text().contains("needs a justification")) << problem->text().toStdString();
    auto* box = child<QComboBox>(firearms, "traceBox");
    auto* traces = child<QTableWidget>(firearms, "traces");
    typeInto(child<QLineEdit>(firearms, "traceJustification"), "suspect held 48 h");
    clickButton(buttonNamed(firearms, "Send request"));
    settle();
    EXPECT_TRUE(problem->text().contains("sent to OPD")) << problem->text().toStdString();
    EXPECT_EQ(box->currentData().toString(), "outgoing");
    ASSERT_EQ(traces->rowCount(), 1);
    EXPECT_EQ(traces->item(0, 3)->text(), "submitted");
    EXPECT_EQ(traces->item(0, 4)->text(), "urgent");

    // Oakland's trace officer works it: acknowledges, starts, answers.
    logIn(window, "owen", "owen-password");
    firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    showTab(firearms, 4);
    traces = child<QTableWidget>(firearms, "traces");
    ASSERT_EQ(traces->rowCount(), 1) << "incoming";
    clickCell(traces, traces->model()->index(0, 0));
    problem = child<QLabel>(firearms, "traceProblem");
    clickButton(buttonNamed(firearms, "Close"));  // the requester's step: refused
    settle();
    EXPECT_TRUE(problem->text().contains("only SFPD (the requester)")) << problem->text().toStdString();
    for (const char* step : {"Acknowledge", "Start work"}) {
        clickButton(buttonNamed(firearms, step));
        settle();
    }
    EXPECT_EQ(traces->item(0, 3)->text(), "in_progress");
    typeInto(child<QLineEdit>(firearms, "traceText"), "sold 2019-04-02 by Bay Guns to a buyer on file");
    clickButton(buttonNamed(firearms, "Answer"));
    settle();
    EXPECT_EQ(traces->item(0, 3)->text(), "answered") << problem->text().toStdString();
    auto* history = child<QTableWidget>(firearms, "traceHistory");
    EXPECT_EQ(history->rowCount(), 5) << "created, submitted, acknowledged, in progress, answered";
    firearms->grab().save(QString::fromStdString((dir.path().parent_path() / "striae-firearms-traces.png").string()));

    // San Francisco closes it.
    logIn(window, "tess", "tess-password");
    firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    showTab(firearms, 4);
    box = child<QComboBox>(firearms, "traceBox");
    key(box, Qt::Key_Down);  // outgoing
    traces = child<QTableWidget>(firearms, "traces");
    ASSERT_EQ(traces->rowCount(), 1);
    clickCell(traces, traces->model()->index(0, 0));
    clickButton(buttonNamed(firearms, "Close"));
    settle();
    EXPECT_EQ(traces->item(0, 3)->text(), "closed");
}

TEST(FirearmsWindow, IntakeOffersTheReferenceCalibersAndFlagsFreeText) {
    ASSERT_NE(QApplication::instance(), nullptr);
    TempDir dir;
    auto store = records::Store::create((dir / "store").string(), {0, "SFPD", "San Francisco PD", "US"}, "sam", "Sam", "admin-password");
    ui::IntakeWizard wizard(&store);
    wizard.show();
    settle();
    wizard.next();  // the item page
    settle();
    auto* caliber = child<QLineEdit>(&wizard, "caliber");
    auto* flag = child<QLabel>(&wizard, "caliberFlag");
    typeInto(caliber, "9x19");
    settle();
    EXPECT_EQ(flag->text(), "listed as 9mm Luger");
    ASSERT_NE(caliber->completer(), nullptr);
    caliber->clear();
    typeInto(caliber, "Lu");  // the list offers what contains it
    settle();
    EXPECT_GE(caliber->completer()->completionCount(), 1);
    EXPECT_EQ(caliber->completer()->currentCompletion(), "9mm Luger");
    caliber->clear();
    typeInto(caliber, "9mm Lugar");
    settle();
    EXPECT_EQ(flag->text(), "not in the reference list: kept as written (free text)");
    caliber->clear();
    typeInto(caliber, "9mm Luger");
    settle();
    EXPECT_TRUE(flag->text().isEmpty());
}

TEST(FirearmsWindow, AnAlertAndATraceRequestGoToOtherStoresThroughTheHub) {
    ASSERT_NE(QApplication::instance(), nullptr);
    TempDir dir;
    HubProcess hub(dir / "hub", "", "hub1");
    const std::string tokenA = hub.addAgency("SFPD"), tokenB = hub.addAgency("BPD");
    hub.start({"--workers", "0"});
    const auto storePath = dir / "store";
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "San Francisco PD", "US"}, "sam", "Sam", "admin-password");
        const auto admin = store.authenticate("sam", "admin-password");
        store.addUser(admin, "SFPD", "rita", "Rita Records", {records::Role::RecordsOfficer, records::Role::TraceOfficer}, "rita-password");
        store.setSyncSetting(admin, "hub_url", hub.url());
        store.setSyncSetting(admin, "hub_token", tokenA);
        store.setSyncSetting(admin, "agency", "SFPD");
    }
    ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    logIn(window, "rita", "rita-password");
    ui::FirearmsWindow* firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);

    // An alert to every agency of the hub.
    showTab(firearms, 2);
    key(child<QComboBox>(firearms, "alertKind"), Qt::Key_Down);  // modus_operandi
    typeInto(child<QLineEdit>(firearms, "alertTitle"), "Pen guns");
    typeInto(child<QLineEdit>(firearms, "alertDescription"), "single-shot .22 pen guns; a cap that unscrews");
    auto* toHub = child<QCheckBox>(firearms, "alertToHub");
    ASSERT_TRUE(toHub->isEnabled());
    clickAt(toHub, QPointF(8, toHub->height() / 2.0));
    settle();
    clickButton(buttonNamed(firearms, "Circulate alert"));
    settle(300);
    auto* alertProblem = child<QLabel>(firearms, "alertProblem");
    EXPECT_TRUE(alertProblem->text().contains("at the hub, alert 1 to every agency")) << alertProblem->text().toStdString();
    EXPECT_EQ(child<QTableWidget>(firearms, "alerts")->rowCount(), 1);
    sync::HubClient other(hub.url(), tokenB);
    const auto seen = sync::HubFirearmClient(other).alerts();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].title, "Pen guns");
    EXPECT_EQ(seen[0].kind, "modus_operandi");

    // A trace request to an agency of another store.
    showTab(firearms, 4);
    typeInto(child<QLineEdit>(firearms, "traceTo"), "BPD");
    typeInto(child<QLineEdit>(firearms, "traceSerial"), "PX-44");
    typeInto(child<QLineEdit>(firearms, "traceReason"), "seized at a robbery");
    typeInto(child<QLineEdit>(firearms, "traceDue"), "2030-02-01");
    auto* throughHub = child<QCheckBox>(firearms, "traceThroughHub");
    clickAt(throughHub, QPointF(8, throughHub->height() / 2.0));
    settle();
    clickButton(buttonNamed(firearms, "Send request"));
    settle(300);
    auto* problem = child<QLabel>(firearms, "traceProblem");
    EXPECT_TRUE(problem->text().contains("sent to BPD through the hub")) << problem->text().toStdString();
    EXPECT_EQ(child<QComboBox>(firearms, "traceBox")->currentData().toString(), "hub:outgoing");
    auto* traces = child<QTableWidget>(firearms, "traces");
    ASSERT_EQ(traces->rowCount(), 1);
    EXPECT_EQ(traces->item(0, 2)->text(), "BPD");
    EXPECT_EQ(traces->item(0, 3)->text(), "submitted");
    const auto incoming = sync::HubFirearmClient(other).traces("incoming");
    ASSERT_EQ(incoming.size(), 1u);
    EXPECT_EQ(incoming[0].createdBy, "rita");
    // The other agency answers at the hub; the requester closes from the window.
    sync::HubFirearmClient(other).step(incoming[0].id, "acknowledge", "", "bea");
    sync::HubFirearmClient(other).step(incoming[0].id, "answer", "sold 2021", "bea");
    key(child<QComboBox>(firearms, "traceBox"), Qt::Key_Up);
    key(child<QComboBox>(firearms, "traceBox"), Qt::Key_Down);  // refreshed
    ASSERT_EQ(traces->rowCount(), 1);
    EXPECT_EQ(traces->item(0, 3)->text(), "answered");
    clickCell(traces, traces->model()->index(0, 0));
    clickButton(buttonNamed(firearms, "Close"));
    settle(300);
    EXPECT_EQ(traces->item(0, 3)->text(), "closed") << problem->text().toStdString();
}

TEST(FirearmsWindow, TheRecordFormPicksMakeAndModelFromTheReferenceTableAndFlagsFreeText) {
    ASSERT_NE(QApplication::instance(), nullptr);
    TempDir dir;
    const auto storePath = dir / "store";
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "San Francisco PD", "US"}, "sam", "Sam", "admin-password");
        const auto admin = store.authenticate("sam", "admin-password");
        store.addUser(admin, "SFPD", "rita", "Rita Records", {records::Role::RecordsOfficer}, "rita-password");
        const auto imported = store.referenceTable().importCsv(admin, "make,model,type,calibers,country\n"
                                                                      "Example Arms,P1,pistol,9mm Luger,DE\n"
                                                                      "Example Arms,R2,revolver,.38 Special,US\n");
        ASSERT_EQ(imported.added, 2);
    }
    ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    logIn(window, "rita", "rita-password");
    ui::FirearmsWindow* firearms = openFirearms(window);
    ASSERT_NE(firearms, nullptr);
    auto* make = child<QLineEdit>(firearms, "recordMake");
    auto* model = child<QLineEdit>(firearms, "recordModel");
    auto* flag = child<QLabel>(firearms, "referenceFlag");
    typeInto(make, "example arms");
    key(make, Qt::Key_Tab);  // on to the model (the make was looked up as it was typed)
    EXPECT_TRUE(flag->text().isEmpty()) << flag->text().toStdString();
    typeInto(model, "P1");
    key(model, Qt::Key_Tab);
    EXPECT_EQ(flag->text(), "in the reference table: pistol, 9mm Luger, DE");
    EXPECT_EQ(child<QComboBox>(firearms, "recordType")->currentText(), "pistol");
    EXPECT_EQ(child<QComboBox>(firearms, "recordCaliber")->currentText(), "9mm Luger");
    EXPECT_EQ(child<QLineEdit>(firearms, "recordCountry")->text(), "DE");
    model->clear();
    typeInto(model, "Z9");
    key(model, Qt::Key_Tab);
    EXPECT_EQ(flag->text(), "model not in the reference table for this make: kept as written (free text)");
    make->clear();
    typeInto(make, "Unheard Of");
    key(make, Qt::Key_Tab);
    EXPECT_EQ(flag->text(), "make not in the firearms reference table: kept as written (free text)");
}
