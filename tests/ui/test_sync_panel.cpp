// The hub sync panel against a real hub: sync now, the outbox counts, the
// last contact, and a hub that is down.
#include <gtest/gtest.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>

#include "HubProcess.h"
#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"
#include "striae/ui/SyncPanel.h"

using namespace striae;

namespace {

QString label(ui::SyncPanel& panel, const char* name) { return panel.findChild<QLabel*>(name)->text(); }

bool waitIdle(ui::SyncPanel& panel, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        if (!panel.busy()) return true;
    }
    return false;
}

records::Id importScan(records::Store& store, const records::User& tech, const std::string& caseNumber, const std::string& path) {
    records::CaseRecord c;
    c.number = caseNumber;
    store.addCase(tech, c);
    records::Item item;
    item.label = "Q1";
    item.kind = "cartridge_case";
    item.origin = "crime_scene";
    item.caliber = "9mm";
    records::ImportOptions o;
    o.preprocess = false;
    return store.importScan(tech, store.addItem(tech, caseNumber, item).id, path, o).id;
}

}  // namespace

TEST(SyncPanel, SyncsWithARealHubAndShowsFailuresWhenItIsDown) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    imaging::SynthOptions so;
    so.firearms = 1;
    so.shotsPerFirearm = 3;
    so.sizePx = 96;
    imaging::writeSyntheticSet(so, (dir / "scans").string());
    test::HubProcess hub(dir / "hub", "", "hub1");
    const std::string token = hub.addAgency("SFPD");
    hub.start({"--workers", "1"});

    const std::string folder = (dir / "store").string();
    auto store = records::Store::create(folder, {0, "SFPD", "SF", "US"}, "admin", "Ada", "admin-password");
    const auto admin = store.authenticate("admin", "admin-password");
    const auto tech = store.addUser(admin, "SFPD", "tina", "Tina", {records::Role::Technician}, "tech-password");
    importScan(store, tech, "C1", (dir / "scans" / "F01-01.x3p").string());
    importScan(store, tech, "C2", (dir / "scans" / "F01-02.x3p").string());

    ui::SyncPanel panel;
    panel.setSession(QString::fromStdString(folder), tech);
    auto* button = panel.findChild<QPushButton*>("SyncNowButton");
    EXPECT_FALSE(button->isEnabled()) << "no hub configured yet";
    EXPECT_TRUE(button->toolTip().contains("striae sync configure"));
    EXPECT_TRUE(label(panel, "SyncHub").contains("not configured"));

    store.setSyncSetting(admin, "hub_url", hub.url());
    store.setSyncSetting(admin, "hub_token", token);
    store.setSyncSetting(admin, "agency", "SFPD");
    panel.refresh();
    ASSERT_TRUE(button->isEnabled());
    button->click();
    EXPECT_TRUE(panel.busy());
    ASSERT_TRUE(waitIdle(panel));
    EXPECT_EQ(label(panel, "SyncOutbox"), "0 queued, 2 sent, 0 failed");
    EXPECT_NE(label(panel, "SyncLastContact"), "never");
    EXPECT_EQ(label(panel, "SyncLastError"), "none");
    EXPECT_TRUE(label(panel, "SyncLastResult").startsWith("pushed 2")) << label(panel, "SyncLastResult").toStdString();

    // The hub goes down; a new scan fails to go, and the panel says why.
    hub.kill(SIGKILL);
    importScan(store, tech, "C3", (dir / "scans" / "F01-03.x3p").string());
    ASSERT_TRUE(panel.syncNow());
    ASSERT_TRUE(waitIdle(panel));
    EXPECT_EQ(label(panel, "SyncOutbox"), "0 queued, 2 sent, 1 failed");
    EXPECT_TRUE(label(panel, "SyncLastError").contains("cannot reach hub")) << label(panel, "SyncLastError").toStdString();
}
