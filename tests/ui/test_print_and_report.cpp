// Printing and reports from the workstation, as a user does them: a lead's
// intelligence report saved through the Report… button's menu and the save
// dialog; the correlation results (as filtered) and the case list printed
// through File > Print… to a PDF file in Qt's print dialog. The PDFs are read
// back with pdftotext.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPrintDialog>
#include <QScreen>
#include <QStatusBar>
#include <QTableWidget>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "TestData.h"
#include "UiDriving.h"
#include "UiTestStore.h"
#include "striae/records/Store.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/MainWindow.h"

using namespace striae;
using namespace striae::test;

namespace {

std::string pdfText(const std::filesystem::path& pdf) {
    const std::string command = "pdftotext -layout '" + pdf.string() + "' - 2>&1";
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) out.append(buffer, n);
        ::pclose(p);
    }
    return out;
}

// Prints through the print dialog that `open` brings up, to a PDF file.
void printToFile(const std::function<void()>& open, const std::filesystem::path& pdf) {
    withDialog(open, [&](QDialog* d) {
        EXPECT_NE(qobject_cast<QPrintDialog*>(d), nullptr) << "the print dialog";
        if (auto* printers = d->findChild<QComboBox*>("printers")) {
            const int toFile = printers->findText("Print to File (PDF)");
            ASSERT_GE(toFile, 0) << "no printing to a file offered";
            printers->setCurrentIndex(toFile);
        }
        settle(100);
        if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) d->grab().save(QString(shots) + "/print-dialog.png");
        auto* name = d->findChild<QLineEdit*>("filename");
        ASSERT_NE(name, nullptr) << "the print dialog's file name";
        ASSERT_TRUE(name->isEnabled());
        name->selectAll();
        name->clear();
        typeInto(name, QString::fromStdString(pdf.string()));
        QPushButton* print = buttonNamed(d, "Print");
        ASSERT_NE(print, nullptr);
        clickButton(print);
    });
    settle();
}

}  // namespace

TEST(PrintAndReport, ALeadsReportIsSavedAndTheListsPrintFromTheWindow) {
    if (std::system("command -v pdftotext >/dev/null") != 0) GTEST_SKIP() << "poppler-utils not installed";
    TempDir dir;
    const auto storePath = dir / "store";
    std::vector<records::Id> acquisitions;
    {
        // C1 and C2 share a gun (F01), C3 is another; C2 was correlated and its best candidate made a lead.
        auto store = makeStoreWithScans(storePath, dir / "scans", 2, 2, 160, {"F01-01.x3p", "F01-02.x3p", "F02-01.x3p"}, &acquisitions);
        const auto tina = store.authenticate("tina", "tech-password");
        const auto run = store.correlate(tina, acquisitions[1], {}, 1);
        const auto candidates = store.candidates(run.id);
        ASSERT_EQ(candidates.size(), 2u);
        ASSERT_EQ(candidates[0].caseNumber, "C1");
        store.review(tina, candidates[0].id, true, "congruent cells across the aperture");
        store.markLead(tina, candidates[0].id, "to the examiner");
    }
    ui::MainWindow window;
    window.show();
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    ASSERT_TRUE(window.showAcquisition(acquisitions[1]));
    settle();
    auto* panel = window.findChild<ui::CandidatesPanel*>();
    ASSERT_NE(panel, nullptr);
    QTableWidget* table = panel->table();
    ASSERT_EQ(table->rowCount(), 2);
    QPushButton* report = buttonNamed(panel, "Report…");
    ASSERT_NE(report, nullptr);

    // Not a lead: no report.
    clickCell(table, table->model()->index(1, 1));
    EXPECT_FALSE(report->isEnabled()) << report->toolTip().toStdString();
    // The lead: Report… → Intelligence report (PDF)… → the save dialog.
    clickCell(table, table->model()->index(0, 1));
    ASSERT_TRUE(report->isEnabled()) << report->toolTip().toStdString();
    const auto intelligence = dir / "lead-1.pdf";
    QTimer::singleShot(200, [&] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        ASSERT_NE(menu, nullptr) << "the report menu did not open";
        QAction* chosen = nullptr;
        for (QAction* a : menu->actions())
            if (a->text() == "Intelligence report (PDF)…") chosen = a;
        ASSERT_NE(chosen, nullptr);
        if (const char* shots = std::getenv("STRIAE_UI_SHOTS"))  // the whole screen: the menu is a window of its own
            QGuiApplication::primaryScreen()->grabWindow(0).save(QString(shots) + "/report-menu.png");
        // The save dialog opens from within the menu's choice: answer it once it is up.
        QTimer::singleShot(300, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            ASSERT_NE(dialog, nullptr) << "the save dialog";
            dialog->setDirectory(QString::fromStdString(dir.path().string()));
            settle(100);
            auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
            ASSERT_NE(name, nullptr);
            name->clear();
            typeInto(name, QString::fromStdString(intelligence.filename().string()));
            QPushButton* save = buttonNamed(dialog, "Save");
            ASSERT_NE(save, nullptr);
            clickButton(save);
        });
        const QPointF at = menu->actionGeometry(chosen).center();
        mouse(menu, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
        mouse(menu, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
        mouse(menu, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    });
    clickButton(report);
    settle(300);
    ASSERT_TRUE(std::filesystem::exists(intelligence)) << "the report was not saved";
    const std::string reportText = pdfText(intelligence);
    for (const std::string expected : {"Intelligence report", "lead 1", "C1", "C2", "congruent cells across the aperture", "Audit excerpt"})
        EXPECT_NE(reportText.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << reportText;
    EXPECT_NE(window.statusBar()->currentMessage().indexOf("written to"), -1) << window.statusBar()->currentMessage().toStdString();

    // The correlation results as filtered on screen: C3 only.
    auto* filter = panel->findChild<QLineEdit*>();
    for (auto* edit : panel->findChildren<QLineEdit*>())
        if (edit->placeholderText().startsWith("Filter")) filter = edit;
    typeInto(filter, "C3");
    settle();
    const auto results = dir / "results.pdf";
    printToFile([&] { chooseMenu(window, "File", "Print correlation results…"); }, results);
    ASSERT_TRUE(std::filesystem::exists(results)) << "nothing printed";
    const std::string resultsText = pdfText(results);
    for (const std::string expected : {"Correlation results", "C3 / Q1", "Review", "Correlation run", "printed by tina"})
        EXPECT_NE(resultsText.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << resultsText;
    EXPECT_EQ(resultsText.find("C1 / Q1"), std::string::npos) << "a row the filter hides was printed:\n" << resultsText;

    // The case list: every case.
    const auto cases = dir / "cases.pdf";
    printToFile([&] { chooseMenu(window, "File", "Print case list…"); }, cases);
    const std::string casesText = pdfText(cases);
    for (const std::string expected : {"Case list", "C1", "C2", "C3", "Q1"})
        EXPECT_NE(casesText.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << casesText;
}
