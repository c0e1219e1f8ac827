#include "striae/ui/MainWindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include "striae/ui/CaseBrowser.h"

namespace striae::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), caseBrowser_(new CaseBrowser(this)), storeStatus_(new QLabel(this)) {
    setWindowTitle(tr("Striae — forensic ballistic imaging"));
    setObjectName("StriaeMainWindow");
    createMenus();

    auto* dock = new QDockWidget(tr("Case browser"), this);
    dock->setObjectName("CaseBrowserDock");
    dock->setWidget(caseBrowser_);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    resizeDocks({dock}, {420}, Qt::Horizontal);

    welcome_ = new QLabel(
        tr("<h2>Striae</h2><p>Open a case store, or start intake of a new case.</p>"
           "<p>Cases, items and their scans appear in the case browser on the left.</p>"),
        this);
    welcome_->setAlignment(Qt::AlignCenter);
    welcome_->setObjectName("WelcomePanel");
    setCentralWidget(welcome_);

    storeStatus_->setText(tr("No case store open"));
    statusBar()->addPermanentWidget(storeStatus_);
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open case store…"))->setEnabled(false);
    file->addAction(tr("&Import scans…"))->setEnabled(false);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    QMenu* cases = menuBar()->addMenu(tr("&Case"));
    cases->addAction(tr("&New case…"))->setEnabled(false);
    cases->addAction(tr("&Correlate…"))->setEnabled(false);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Reset view"))->setEnabled(false);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Striae"), this, &MainWindow::showAbout);
}

void MainWindow::setStoreName(const QString& folder, int caseCount) {
    storeStatus_->setText(tr("Case store: %1").arg(folder));
    welcome_->setText(tr("<h2>Striae</h2><p>Cases in the store: %1</p>"
                         "<p>Expand a case in the case browser to see its items and scans.</p>")
                          .arg(caseCount));
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Striae"),
                       tr("<b>Striae</b> %1<br>Open forensic ballistic imaging on open formats (X3P).")
                           .arg(QApplication::applicationVersion()));
}

}  // namespace striae::ui
