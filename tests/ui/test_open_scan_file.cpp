// An X3P file opened as a user does outside a case store: File > Open scan
// file… and the real file dialog, typed into and confirmed with the mouse.
// A corrupt file is refused in a dialog that names the file and the reason,
// and what the 3D view showed stays.
#include <gtest/gtest.h>

#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <memory>

#include <fstream>

#include "TestData.h"
#include "UiDriving.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/SurfacePanel.h"

using namespace striae;
using namespace striae::test;

namespace {

void openThroughTheMenu(ui::MainWindow& window, const std::string& path, const std::function<void(QDialog*)>& afterwards = {}) {
    withDialog([&] { chooseMenu(window, "File", "Open scan file…"); },
               [&](QDialog* files) {
                   auto* dialog = qobject_cast<QFileDialog*>(files);
                   ASSERT_NE(dialog, nullptr) << "the file dialog";
                   if (afterwards) {
                       // What the Open button opens is modal too: answer it once it is up (polled: the
                       // file dialog closes first), or fail after 5 s.
                       auto* poll = new QTimer;
                       auto tries = std::make_shared<int>(0);
                       QObject::connect(poll, &QTimer::timeout, [poll, tries, dialog, afterwards] {
                           auto* next = qobject_cast<QDialog*>(QApplication::activeModalWidget());
                           if (next && next != dialog) {
                               poll->stop();
                               poll->deleteLater();
                               afterwards(next);
                           } else if (++*tries > 100) {
                               poll->stop();
                               poll->deleteLater();
                               ADD_FAILURE() << "no dialog after Open";
                           }
                       });
                       poll->start(50);
                   }
                   typePathAndOpen(dialog, QString::fromStdString(path));
               });
    settle(300);
}

}  // namespace

TEST(OpenScanFile, TheMenuShowsAFileIn3DAndACorruptOneIsRefusedWithItsReason) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    TempDir dir;
    imaging::SynthOptions o;
    o.firearms = 1;
    o.shotsPerFirearm = 1;
    o.sizePx = 160;
    const auto truth = imaging::writeSyntheticSet(o, dir.path().string());
    const std::string good = (dir / truth.at(0).file).string();
    const std::string corrupt = (dir / "truncated.x3p").string();
    {
        std::ifstream in(good, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(corrupt, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    }

    ui::MainWindow window;
    window.show();
    settle(300);
    auto* title = window.surfacePanel()->findChild<QLabel*>("surfaceTitle");
    ASSERT_NE(title, nullptr);

    openThroughTheMenu(window, good);
    EXPECT_TRUE(window.statusBar()->currentMessage().startsWith("Opened ")) << window.statusBar()->currentMessage().toStdString();
    EXPECT_TRUE(title->text().contains(QString::fromStdString(truth.at(0).file))) << title->text().toStdString();
    EXPECT_TRUE(title->text().contains("not in a case store")) << title->text().toStdString();
    EXPECT_TRUE(window.surfacePanel()->isVisible()) << "the 3D view is in front";
    const QString shown = title->text();

    QString refusal, refusalTitle;
    openThroughTheMenu(window, corrupt, [&](QDialog* d) {
        if (auto* box = qobject_cast<QMessageBox*>(d)) {
            refusalTitle = box->windowTitle();
            refusal = box->text();
            clickButton(box->button(QMessageBox::Ok));
        }
    });
    EXPECT_EQ(refusalTitle, "Scan not opened");
    EXPECT_TRUE(refusal.contains("truncated.x3p")) << refusal.toStdString();
    EXPECT_GT(refusal.section('\n', 1).trimmed().size(), 5) << "the reader's reason follows the file: " << refusal.toStdString();
    EXPECT_EQ(title->text(), shown) << "the scan shown before stays";
}
