// Log in, a failed log-in, switching user and logging out inside the
// workstation, with keyboard and mouse events on the real dialog.
#include <gtest/gtest.h>

#include <QAction>
#include <QCheckBox>
#include <QSettings>
#include <QSlider>
#include <QApplication>
#include <QDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QTimer>

#include <functional>

#include "TestData.h"
#include "UiDriving.h"
#include "striae/records/Store.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/SurfacePanel.h"

using namespace striae;
using namespace striae::test;

TEST(Session, LogInFailSwitchUserAndLogOutInTheWindow) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    const auto storePath = dir / "store";
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "Lab", "US"}, "sam", "Sam Super", "super-password");
        const auto admin = store.authenticate("sam", "super-password");
        store.addUser(admin, "SFPD", "tina", "Tina Tech", {records::Role::Technician}, "tech-password");
        store.addUser(admin, "SFPD", "eve", "Eve Examiner", {records::Role::Examiner}, "exam-password");
    }
    ui::MainWindow window;
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    auto* status = window.findChild<QLabel*>("userStatus");
    ASSERT_NE(status, nullptr);
    EXPECT_TRUE(status->text().contains("read only")) << status->text().toStdString();
    auto* login = window.findChild<QAction*>("loginAction");
    auto* logout = window.findChild<QAction*>("logoutAction");
    ASSERT_TRUE(login && logout);
    EXPECT_FALSE(logout->isEnabled());

    // A wrong password: the dialog says so and stays open; then the right one.
    withDialog([&] { login->trigger(); }, [](QDialog* d) {
        typeInto(d->findChild<QLineEdit*>("loginUser"), "tina");
        typeInto(d->findChild<QLineEdit*>("loginPassword"), "wrong-password");
        clickButton(buttonNamed(d, "Log in"));
        QApplication::processEvents();
        auto* error = d->findChild<QLabel*>("loginError");
        EXPECT_TRUE(d->isVisible()) << "a failed log-in leaves the dialog open";
        EXPECT_TRUE(error->isVisible());
        EXPECT_TRUE(error->text().contains("wrong user name or password")) << error->text().toStdString();
        EXPECT_TRUE(d->findChild<QLineEdit*>("loginPassword")->text().isEmpty());
        typeInto(d->findChild<QLineEdit*>("loginPassword"), "tech-password");
        clickButton(buttonNamed(d, "Log in"));
        QApplication::processEvents();
        EXPECT_FALSE(d->isVisible()) << "logged in";
    });
    EXPECT_TRUE(status->text().contains("tina") && status->text().contains("technician")) << status->text().toStdString();
    EXPECT_TRUE(logout->isEnabled());

    // Switch to the examiner without restarting.
    withDialog([&] { login->trigger(); }, [](QDialog* d) {
        EXPECT_EQ(d->windowTitle(), "Switch user");
        typeInto(d->findChild<QLineEdit*>("loginUser"), "eve");
        typeInto(d->findChild<QLineEdit*>("loginPassword"), "exam-password");
        clickButton(buttonNamed(d, "Log in"));
        QApplication::processEvents();
    });
    EXPECT_TRUE(status->text().contains("eve") && status->text().contains("examiner")) << status->text().toStdString();
    EXPECT_FALSE(status->text().contains("tina"));

    logout->trigger();
    EXPECT_TRUE(status->text().contains("read only"));
    EXPECT_FALSE(logout->isEnabled());
    // The Lead button is off and says why.
    QPushButton* lead = buttonNamed(&window, "Lead");
    ASSERT_NE(lead, nullptr);
    EXPECT_FALSE(lead->isEnabled());
    EXPECT_TRUE(lead->toolTip().contains("Log in")) << lead->toolTip().toStdString();
}

// The layout and view settings an examiner chose come back in the next session.
TEST(Session, ViewSettingsAndLayoutAreRemembered) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    QSettings settings(QString::fromStdString((dir / "workstation.ini").string()), QSettings::IniFormat);
    {
        ui::MainWindow window;
        auto* panel = window.surfacePanel();
        for (auto* s : panel->findChildren<QSlider*>()) s->setValue(s->minimum() + 7);
        for (auto* c : panel->findChildren<QCheckBox*>())
            if (c->text().contains("False colour")) c->setChecked(true);
        window.saveSettings(settings);
    }
    settings.sync();
    ui::MainWindow next;
    next.restoreSettings(settings);
    for (auto* s : next.surfacePanel()->findChildren<QSlider*>()) EXPECT_EQ(s->value(), s->minimum() + 7);
    bool falseColour = false;
    for (auto* c : next.surfacePanel()->findChildren<QCheckBox*>())
        if (c->text().contains("False colour")) falseColour = c->isChecked();
    EXPECT_TRUE(falseColour);
}
