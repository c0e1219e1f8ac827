#include "striae/ui/CalibrationView.h"
#include "striae/ui/FirearmsWindow.h"
#include "striae/ui/StatisticsDashboard.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/ListPrinter.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTreeView>

#include <QStackedWidget>

#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"
#include "striae/ui/CaseBrowser.h"
#include "striae/ui/SurfacePanel.h"
#include "striae/ui/AuditPanel.h"
#include "striae/ui/IntakeWizard.h"
#include "striae/ui/CandidatesPanel.h"
#include "striae/ui/SyncPanel.h"
#include "striae/ui/BulletComparisonPanel.h"
#include "striae/viewer3d/VtkView.h"
#include "striae/imaging/LandSignature.h"
#include "striae/matching/Bullets.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>

#include <QProgressDialog>
#include <unistd.h>
#include <filesystem>
#include <atomic>
#include <functional>
#include <chrono>
#include <thread>
#include "striae/ui/ComparisonPanel.h"
#include "striae/ui/LoginDialog.h"
#include "striae/matching/Cmc.h"

#include <QApplication>
#include <QGuiApplication>

namespace striae::ui {

namespace {
std::string roleNames(const std::vector<records::Role>& roles) {
    std::string s;
    for (records::Role r : roles) s += (s.empty() ? "" : ", ") + std::string(records::toString(r));
    return s;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      caseBrowser_(new CaseBrowser(this)),
      storeStatus_(new QLabel(this)),
      centre_(new QStackedWidget(this)),
      surfacePanel_(new SurfacePanel(this)),
      comparisonPanel_(new ComparisonPanel(this)),
      candidates_(new CandidatesPanel(this)),
      audit_(new AuditPanel(this)),
      sync_(new SyncPanel(this)),
      bulletPanel_(new BulletComparisonPanel(this)) {
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
    centre_->addWidget(welcome_);
    centre_->addWidget(surfacePanel_);
    centre_->addWidget(comparisonPanel_);
    centre_->addWidget(bulletPanel_);
    auto* results = new QDockWidget(tr("Correlation results"), this);
    results->setObjectName("CorrelationResultsDock");
    results->setWidget(candidates_);
    results->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, results);
    connect(candidates_, &CandidatesPanel::compareRequested, this, &MainWindow::showComparison);
    connect(candidates_, &CandidatesPanel::correlateRequested, this, &MainWindow::correlate);
    auto* auditDock = new QDockWidget(tr("Audit trail"), this);
    auditDock->setObjectName("AuditDock");
    auditDock->setWidget(audit_);
    auditDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, auditDock);
    auditDock->hide();
    QMenu* viewMenu = nullptr;
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->text() == tr("&View")) viewMenu = a->menu();
    auto* syncDock = new QDockWidget(tr("Hub sync"), this);
    syncDock->setObjectName("SyncDock");
    syncDock->setWidget(sync_);
    syncDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, syncDock);
    syncDock->hide();
    connect(sync_, &SyncPanel::synced, this, [this](bool changed, const QString& summary) {
        statusBar()->showMessage(tr("Hub sync: %1").arg(summary));
        if (changed && store_) caseBrowser_->loadStore(*store_);  // hub candidates arrive as new cases and runs
    });
    if (viewMenu) {
        viewMenu->addAction(auditDock->toggleViewAction());
        viewMenu->addAction(syncDock->toggleViewAction());
    }
    connect(candidates_, &CandidatesPanel::message, this, [this](const QString& m) { statusBar()->showMessage(m); });
    setCentralWidget(centre_);
    connect(caseBrowser_, &CaseBrowser::acquisitionActivated, this, &MainWindow::showAcquisition);

    storeStatus_->setText(tr("No case store open"));
    userStatus_ = new QLabel(this);
    userStatus_->setObjectName("userStatus");
    statusBar()->addPermanentWidget(storeStatus_);
    statusBar()->addPermanentWidget(userStatus_);
    showSessionState();
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open case store…"), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open case store"));
        if (!folder.isEmpty() && openStore(folder)) showLoginDialog();
    });
    intakeAction_ = file->addAction(tr("New &intake…"), this, &MainWindow::openIntake);
    intakeAction_->setEnabled(false);
    intakeAction_->setToolTip(tr("Open a case store and log in as a technician"));
    file->addAction(tr("Open &scan file…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scan file"), QString(), tr("X3P scans (*.x3p)"));
        if (!path.isEmpty()) openScanFile(path);
    });
    file->addSeparator();
    // The lists as shown (filters applied, in their order), on paper or to a PDF file through the print dialog.
    auto printed = [this](const QAbstractItemView& view, const QString& title, const QString& subtitle) {
        const QString who = user_ ? tr(", printed by %1").arg(QString::fromStdString(user_->username)) : QString();
        const QString where = storeFolder_.isEmpty() ? QString() : tr("Case store %1%2").arg(storeFolder_.toHtmlEscaped(), who.toHtmlEscaped());
        if (printListWithDialog(this, view, title, subtitle.isEmpty() ? where : subtitle + "<br>" + where))
            statusBar()->showMessage(tr("%1 printed").arg(title));
    };
    file->addAction(tr("&Print correlation results…"), QKeySequence::Print, this,
                    [this, printed] { printed(*candidates_->table(), tr("Correlation results"), candidates_->heading()); });
    file->addAction(tr("Print &case list…"), this, [this, printed] { printed(*caseBrowser_->view(), tr("Case list"), QString()); });
    file->addAction(tr("Print &audit trail…"), this, [this, printed] {
        printed(*audit_->table(), tr("Audit trail"), audit_->chainStatus());
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    QMenu* cases = menuBar()->addMenu(tr("&Case"));
    cases->addAction(intakeAction_);  // a new case comes in through intake
    // The scan shown in the 3D view (a land: its bullet) against the store.
    correlateAction_ = cases->addAction(tr("&Correlate the shown scan"), this, [this] {
        if (shownAcquisition_ > 0) correlate(shownAcquisition_);
    });
    cases->addAction(tr("Compare &bullets…"), this, &MainWindow::openBulletComparison);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Reset view"), QKeySequence(Qt::Key_Home), this, [this] {
        for (auto* v : centre_->currentWidget()->findChildren<viewer3d::VtkView*>()) v->resetView();
    });
    // The NIBIN metrics of the store, for the logged-in user (as `striae stats`).
    statisticsAction_ = view->addAction(tr("&Statistics…"), this, [this] {
        if (!store_ || !user_) return;
        auto* dashboard = new StatisticsDashboard(*store_, this);
        dashboard->setAttribute(Qt::WA_DeleteOnClose);
        dashboard->show();
    });
    statisticsAction_->setObjectName("statisticsAction");
    // Firearm records, the seizure check, alerts and notifications (issue 19), for the logged-in user.
    firearmsAction_ = view->addAction(tr("&Firearms…"), this, [this] {
        if (!store_ || !user_) return;
        auto* window = new FirearmsWindow(*store_, *user_, this);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
    });
    firearmsAction_->setObjectName("firearmsAction");

    QMenu* session = menuBar()->addMenu(tr("&Session"));
    loginAction_ = session->addAction(tr("&Log in / switch user…"), QKeySequence(Qt::CTRL | Qt::Key_L), this, &MainWindow::showLoginDialog);
    logoutAction_ = session->addAction(tr("Log &out"), this, &MainWindow::logout);
    loginAction_->setObjectName("loginAction");
    logoutAction_->setObjectName("logoutAction");

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    // Where the LRs come from: the store's calibration model, its data and its validation figures.
    help->addAction(tr("&Calibration model…"), this, [this] {
        std::optional<matching::CalibrationModel> model;
        QString problem;
        try {
            if (store_) model = store_->calibrationModel();
        } catch (const std::exception& e) {
            problem = QString::fromUtf8(e.what());
        }
        if (!model) {
            auto* box = new QMessageBox(QMessageBox::Information, tr("Calibration model"),
                                        !store_ ? tr("Open a case store first.")
                                        : problem.isEmpty() ? tr("This store has no calibration model: its scores are CMC counts, "
                                                                 "not likelihood ratios. A supervisor installs one with "
                                                                 "'striae calibration install MODEL' (docs/validation.md).")
                                                            : tr("The store's calibration model cannot be used: %1").arg(problem),
                                        QMessageBox::Ok, this);
            box->setObjectName("noCalibrationModel");
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        auto* view = new CalibrationView(*model, this);
        view->setAttribute(Qt::WA_DeleteOnClose);
        view->show();
    })->setObjectName("calibrationModelAction");
    help->addAction(tr("&About Striae"), this, &MainWindow::showAbout);
}

MainWindow::~MainWindow() = default;

bool MainWindow::openStore(const QString& folder) {
    try {
        auto store = std::make_unique<records::Store>(records::Store::open(folder.toStdString()));
        const int n = caseBrowser_->loadStore(*store);
        store_ = std::move(store);
        storeFolder_ = folder;
        user_.reset();
        candidates_->setStore(store_.get());
        audit_->setStore(store_.get());
        candidates_->setUser(std::nullopt);
        setStoreName(folder, n);
        showSessionState();
        return true;
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Cannot open the case store: %1").arg(e.what()));
        return false;
    }
}

bool MainWindow::openScanFile(const QString& path) {
    const QFileInfo info(path);
    try {
        const auto x3p = imaging::readX3p(info.absoluteFilePath().toStdString());
        surfacePanel_->setAnnotationContext(nullptr, std::nullopt, 0);
        surfacePanel_->showSurface(x3p.surface, tr("<b>%1</b><br>file, not in a case store (as recorded)<br>%2 × %3 points at %4 µm")
                                                    .arg(info.fileName().toHtmlEscaped())
                                                    .arg(x3p.surface.cols())
                                                    .arg(x3p.surface.rows())
                                                    .arg(x3p.surface.spacingX() * 1e6, 0, 'f', 3));
        shownAcquisition_ = 0;  // nothing of the store is shown: no correlation from here
        centre_->setCurrentWidget(surfacePanel_);
        showSessionState();
        statusBar()->showMessage(tr("Opened %1").arg(info.absoluteFilePath()));
        return true;
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not open %1").arg(info.fileName()));
        QMessageBox::warning(this, tr("Scan not opened"),
                             tr("%1 could not be read:\n%2").arg(info.absoluteFilePath(), QString::fromUtf8(e.what())));
        return false;
    }
}

bool MainWindow::showAcquisition(qint64 id) {
    if (!store_) return false;
    try {
        const auto a = store_->acquisition(id);
        const auto item = store_->item(a.itemId);
        const auto scan = store_->readScan(a.processedSha256);
        surfacePanel_->setAnnotationContext(nullptr, std::nullopt, 0);
        surfacePanel_->showSurface(scan.surface, tr("<b>Case %1, item %2</b><br>scan %3, %4<br>%5 × %6 points at %7 µm")
                                                     .arg(QString::fromStdString(item.caseNumber), QString::fromStdString(item.label))
                                                     .arg(id)
                                                     .arg(QString::fromStdString(records::displayName(a.region)))
                                                     .arg(scan.surface.cols())
                                                     .arg(scan.surface.rows())
                                                     .arg(scan.surface.spacingX() * 1e6, 0, 'f', 3));
        shownAcquisition_ = id;
        surfacePanel_->setAnnotationContext(store_.get(), user_ ? std::optional<records::User>(*user_) : std::nullopt, id);
        centre_->setCurrentWidget(surfacePanel_);
        candidates_->showRunsOf(id);
        audit_->showItem(a.itemId);
        showSessionState();  // what may now be correlated
        statusBar()->showMessage(tr("Showing scan %1 of case %2").arg(id).arg(QString::fromStdString(item.caseNumber)));
        return true;
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Cannot show scan %1: %2").arg(id).arg(e.what()));
        return false;
    }
}

bool MainWindow::login(const QString& username, const QString& password) { return !tryLogin(username, password).has_value(); }

std::optional<QString> MainWindow::tryLogin(const QString& username, const QString& password) {
    if (!store_) return tr("Open a case store first");
    try {
        const auto user = store_->authenticate(username.toStdString(), password.toStdString());
        user_ = std::make_unique<records::User>(user);
        candidates_->setUser(user);
        audit_->setUser(user);
        if (shownAcquisition_) surfacePanel_->setAnnotationContext(store_.get(), user, shownAcquisition_);
        sync_->setSession(storeFolder_, user);
        showSessionState();
        statusBar()->showMessage(tr("Logged in as %1").arg(username));
        return std::nullopt;
    } catch (const std::exception& e) {
        // The previous user (if any) stays logged in; the dialog says why.
        statusBar()->showMessage(tr("Login failed: %1").arg(e.what()));
        return QString::fromUtf8(e.what());
    }
}

void MainWindow::saveSettings(QSettings& s) const {
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    surfacePanel_->saveSettings(s);
}

void MainWindow::restoreSettings(const QSettings& s) {
    if (s.contains("window/geometry")) restoreGeometry(s.value("window/geometry").toByteArray());
    if (s.contains("window/state")) restoreState(s.value("window/state").toByteArray());
    surfacePanel_->restoreSettings(s);
}

void MainWindow::logout() {
    user_.reset();
    candidates_->setUser(std::nullopt);
    audit_->setUser(std::nullopt);
    if (shownAcquisition_) surfacePanel_->setAnnotationContext(store_.get(), std::nullopt, shownAcquisition_);
    showSessionState();
    statusBar()->showMessage(tr("Logged out: read only"));
}

void MainWindow::showLoginDialog() {
    if (!store_) {
        QMessageBox::information(this, tr("Log in"), tr("Open a case store first (File, Open case store)."));
        return;
    }
    LoginDialog dialog([this](const QString& u, const QString& p) { return tryLogin(u, p); },
                       user_ ? QString::fromStdString(user_->username) : QString(), this);
    dialog.exec();
}

// Who is acting, with which roles, always in view; what needs a user says so.
void MainWindow::showSessionState() {
    const bool technician = user_ && user_->has(records::Role::Technician);
    intakeAction_->setEnabled(technician);
    intakeAction_->setToolTip(!store_ ? tr("Open a case store first") : !user_ ? tr("Log in as a technician to record intake")
                              : technician ? QString() : tr("Intake needs the technician role"));
    if (correlateAction_) {
        correlateAction_->setEnabled(technician && shownAcquisition_ > 0);
        correlateAction_->setToolTip(!user_ ? tr("Log in as a technician to run correlations")
                                     : !technician ? tr("Correlation needs the technician role")
                                     : shownAcquisition_ <= 0 ? tr("Show a scan first: double-click it in the case browser") : QString());
    }
    if (statisticsAction_) {
        statisticsAction_->setEnabled(store_ && user_);
        statisticsAction_->setToolTip(!store_ ? tr("Open a case store first") : !user_ ? tr("Log in to see the store's statistics") : QString());
        firearmsAction_->setEnabled(store_ && user_);
        firearmsAction_->setToolTip(!store_ ? tr("Open a case store first") : !user_ ? tr("Log in to see firearm records") : QString());
    }
    if (logoutAction_) logoutAction_->setEnabled(bool(user_));
    if (loginAction_) loginAction_->setEnabled(bool(store_));
    if (!userStatus_) return;
    if (!user_)
        userStatus_->setText(store_ ? tr("Not logged in: read only (Session, Log in)") : QString());
    else
        userStatus_->setText(tr("<b>%1</b> (%2): %3")
                                 .arg(QString::fromStdString(user_->username), QString::fromStdString(user_->fullName),
                                      QString::fromStdString(roleNames(user_->roles))));
}

bool MainWindow::showComparison(qint64 referenceId, qint64 comparedId) {
    if (!store_) return false;
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        const auto a = store_->acquisition(referenceId), b = store_->acquisition(comparedId);
        const auto ia = store_->item(a.itemId), ib = store_->item(b.itemId);
        // A bullet candidate names the two bullets by their first lands: compared land by land.
        if (a.region == "land" && b.region == "land") {
            QGuiApplication::restoreOverrideCursor();
            return showBulletComparison(a.itemId, b.itemId);
        }
        for (const auto* x : {&a, &b})
            if (x->processedSha256.empty())
                throw std::runtime_error("scan " + std::to_string(x->id) +
                                         " is another agency's, named by the hub, and not disclosed yet; it is fetched at the "
                                         "next hub sync once its agency discloses it");
        const auto sa = store_->readScan(a.processedSha256).surface;
        const auto sb = store_->readScan(b.processedSha256).surface;
        const auto result = matching::compareCmc(sa, sb);
        auto title = [](const records::Item& i, qint64 id) {
            return tr("<b>%1 / %2</b> (scan %3)").arg(QString::fromStdString(i.caseNumber), QString::fromStdString(i.label)).arg(id);
        };
        comparisonPanel_->showComparison(sa, sb, result, title(ia, referenceId), title(ib, comparedId));
        // The notes pinned on either scan, at the coarser spacing the comparison shows both at.
        auto pins = [&](qint64 id) {
            std::vector<std::pair<double, double>> at;
            const double um = result.spacing * 1e6;
            for (const auto& n : store_->annotationsOf(id)) at.emplace_back(n.xUm / um, n.yUm / um);
            return at;
        };
        comparisonPanel_->setPins(pins(referenceId), pins(comparedId));
        centre_->setCurrentWidget(comparisonPanel_);
        statusBar()->showMessage(tr("Comparing scan %1 with scan %2: %3 CMCs").arg(referenceId).arg(comparedId).arg(result.originalCount));
        QGuiApplication::restoreOverrideCursor();
        return true;
    } catch (const std::exception& e) {
        QGuiApplication::restoreOverrideCursor();
        statusBar()->showMessage(tr("Cannot compare: %1").arg(e.what()));
        return false;
    }
}

bool MainWindow::showBulletComparison(qint64 itemA, qint64 itemB) {
    if (!store_) return false;
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        const auto ia = store_->item(itemA), ib = store_->item(itemB);
        std::vector<imaging::Surface> scansA, scansB;  // read once: for the signatures and the land images
        auto la = store_->bulletLands(itemA, &scansA), lb = store_->bulletLands(itemB, &scansB);
        if (la.rifling == 0 || lb.rifling == 0) la.rifling = lb.rifling = std::max(la.rifling, lb.rifling);
        const auto result = matching::compareBullets(la, lb);
        std::vector<imaging::LandSignature> a, b;
        for (auto& l : la.lands) a.push_back(std::move(l.signature));
        for (auto& l : lb.lands) b.push_back(std::move(l.signature));
        auto title = [](const records::Item& i) { return QString::fromStdString(i.caseNumber + " / " + i.label); };
        // Two bullets of one label (Q1 of two cases) are told apart by their case.
        const QString nameA = QString::fromStdString(ia.label), nameB = QString::fromStdString(ib.label);
        const bool sameName = nameA == nameB;
        bulletPanel_->showComparison(std::move(a), std::move(b), result, title(ia), title(ib), std::move(scansA), std::move(scansB),
                                     sameName ? title(ia) : nameA, sameName ? title(ib) : nameB);
        centre_->setCurrentWidget(bulletPanel_);
        statusBar()->showMessage(tr("Bullets %1 and %2: score %3, phase %4")
                                     .arg(title(ia), title(ib))
                                     .arg(result.score, 0, 'f', 3)
                                     .arg(result.phase));
        QGuiApplication::restoreOverrideCursor();
        return true;
    } catch (const std::exception& e) {
        QGuiApplication::restoreOverrideCursor();
        statusBar()->showMessage(tr("Cannot compare the bullets: %1").arg(e.what()));
        return false;
    }
}

void MainWindow::openBulletComparison() {
    if (!store_) {
        statusBar()->showMessage(tr("Open a case store first"));
        return;
    }
    // Bullet items with land scans.
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Compare bullets"));
    auto* first = new QComboBox(&dialog);
    auto* second = new QComboBox(&dialog);
    for (const auto& c : store_->findCases({}))
        for (const auto& item : store_->itemsOfCase(c.number)) {
            if (item.kind != "bullet") continue;
            int lands = 0;
            for (const auto& a : store_->acquisitionsOfItem(item.id)) lands += a.region == "land";
            if (lands < 2) continue;
            const QString text = tr("%1 / %2 (%3 lands)").arg(QString::fromStdString(c.number), QString::fromStdString(item.label)).arg(lands);
            first->addItem(text, qint64(item.id));
            second->addItem(text, qint64(item.id));
        }
    if (first->count() < 2) {
        statusBar()->showMessage(tr("The store holds fewer than two bullets with land scans"));
        return;
    }
    second->setCurrentIndex(1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Bullet A:"), first);
    form->addRow(tr("Bullet B:"), second);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted)
        showBulletComparison(first->currentData().toLongLong(), second->currentData().toLongLong());
}

void MainWindow::openIntake() {
    if (!store_ || !user_) return;
    IntakeWizard wizard(store_.get(), this);
    if (wizard.exec() == QDialog::Accepted) runIntake(wizard.request());
}

namespace {

// Progress shared between a worker thread and the dialog that shows it.
struct WorkProgress {
    std::atomic<int> done{0}, total{1};
    std::atomic<bool> cancel{false};
};

// Runs `work` on a worker thread (which opens its own store connection) while
// a modal dialog shows its progress and offers Cancel. Returns the error, empty if none.
std::string runInBackground(QWidget* parent, const QString& label, WorkProgress& progress, const std::function<void()>& work) {
    QProgressDialog dialog(label, QObject::tr("Cancel"), 0, 1, parent);
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(0);
    std::atomic<bool> finished{false};
    std::string error;
    std::thread worker([&] {
        try {
            work();
        } catch (const std::exception& e) {
            error = e.what();
        }
        finished = true;
    });
    while (!finished) {
        QApplication::processEvents(QEventLoop::AllEvents, 30);
        if (dialog.wasCanceled()) progress.cancel = true;
        dialog.setMaximum(std::max(1, progress.total.load()));
        dialog.setValue(std::min(progress.done.load(), dialog.maximum() - 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    worker.join();
    dialog.reset();
    return error;
}

}  // namespace

std::vector<qint64> MainWindow::runIntake(const IntakeRequest& request) {
    std::vector<qint64> imported;
    if (!store_ || !user_) return imported;
    WorkProgress progress;
    progress.total = int(request.files.size()) + 1;
    const std::string folder = storeFolder_.toStdString();
    const records::User actor = *user_;
    const std::string error = runInBackground(this, tr("Importing scans…"), progress, [&] {
        auto local = records::Store::open(folder);
        if (request.newCase) local.addCase(actor, request.caseRecord);
        const auto item = local.addItem(actor, request.caseRecord.number, request.item);
        ++progress.done;
        records::ImportOptions options;
        options.preprocess = !request.alreadyProcessed;
        for (const auto& f : request.files) {
            if (progress.cancel) break;  // each scan is its own transaction: what was imported stays
            std::string x3p = f;
            std::filesystem::path converted;
            if (std::filesystem::path(f).extension() != ".x3p") {
                // Height maps enter the store as X3P, with the conversion in their history.
                converted = std::filesystem::temp_directory_path() /
                            (std::filesystem::path(f).stem().string() + "-" + std::to_string(::getpid()) + ".x3p");
                imaging::writeX3p(loadImageScan(f, request.imageSpacingUm, request.imageZScaleUm), converted.string());
                x3p = converted.string();
            }
            const auto correction = request.regionCorrections.find(f);
            options.regionHints = correction == request.regionCorrections.end() ? imaging::BreechFaceHints{} : correction->second;
            imported.push_back(local.importScan(actor, item.id, x3p, options).id);
            if (!converted.empty()) std::filesystem::remove(converted);
            ++progress.done;
        }
    });
    caseBrowser_->loadStore(*store_);
    statusBar()->showMessage(error.empty() ? tr("Intake recorded: %1 scan(s) imported%2")
                                                 .arg(imported.size())
                                                 .arg(progress.cancel ? tr(", cancelled") : QString())
                                           : tr("Intake stopped: %1").arg(QString::fromStdString(error)));
    // A refusal is a dialog, not only a status line (what was imported before it stays, and is said).
    if (!error.empty())
        QMessageBox::warning(this, tr("Intake stopped"),
                             tr("%1\n\n%2 scan(s) were imported before it.").arg(QString::fromStdString(error)).arg(imported.size()));
    return imported;
}

qint64 MainWindow::correlate(qint64 acquisitionId) {
    if (!store_ || !user_) return 0;
    records::Shortlist shortlist;
    try {
        shortlist = candidates_->shortlist();
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Not correlated"), QString::fromUtf8(e.what()));
        return 0;
    }
    WorkProgress progress;
    records::Id runId = 0;
    const std::string folder = storeFolder_.toStdString();
    const records::User actor = *user_;
    const std::string error = runInBackground(this, tr("Correlating scan %1 against the store…").arg(acquisitionId), progress, [&] {
        auto local = records::Store::open(folder);
        const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        runId = local.correlate(
                         actor, acquisitionId, matching::CmcParameters{}, threads,
                         [&](int d, int t) {
                             progress.done = d;
                             progress.total = t;
                             return !progress.cancel.load();
                         },
                         shortlist)
                    .id;
    });
    if (!error.empty()) {
        statusBar()->showMessage(tr("Correlation not stored: %1").arg(QString::fromStdString(error)));
        // Cancelled by the user: the status line says so; anything else is a refusal, shown as one.
        if (!progress.cancel) QMessageBox::warning(this, tr("Correlation not stored"), QString::fromStdString(error));
        return 0;
    }
    statusBar()->showMessage(tr("Correlation run %1 stored").arg(runId));
    candidates_->showRunsOf(acquisitionId);
    return runId;
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
