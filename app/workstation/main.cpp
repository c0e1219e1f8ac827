// striae-workstation: the desktop application.
#include <QApplication>
#include <QDockWidget>
#include <QCommandLineParser>
#include <QIcon>
#include <QInputDialog>
#include <QLineEdit>
#include <QScreen>
#include <QStatusBar>

#include "striae/ui/CaseBrowser.h"
#include "striae/ui/ComparisonPanel.h"
#include "striae/ui/SurfacePanel.h"
#include <QSurfaceFormat>
#include <QSettings>
#include <QTimer>

#include "striae/ui/MainWindow.h"

int main(int argc, char** argv) {
    // VTK needs a 3.2 core context; it must be the default before QApplication exists.
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    QSurfaceFormat::setDefaultFormat(format);

    QApplication app(argc, argv);
    QApplication::setApplicationName("Striae");
    QApplication::setApplicationVersion(STRIAE_VERSION);
    QApplication::setOrganizationName("Striae");
    QApplication::setWindowIcon(QIcon(":/striae/striae.svg"));

    QCommandLineParser parser;
    parser.setApplicationDescription("Striae workstation: forensic ballistic imaging");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the main window to FILE, then quit.", "FILE");
    parser.addOption(screenshot);
    QCommandLineOption scans("scans", "List the X3P scans of FOLDER in the case browser.", "FOLDER");
    parser.addOption(scans);
    QCommandLineOption storeOption("store", "Open the case store in FOLDER.", "FOLDER");
    parser.addOption(storeOption);
    QCommandLineOption showOption("show", "Show acquisition ID of the store in 3D.", "ID");
    parser.addOption(showOption);
    QCommandLineOption compareOption("compare", "Compare two acquisitions side by side: A,B.", "A,B");
    parser.addOption(compareOption);
    QCommandLineOption bulletsOption("compare-bullets", "Compare two bullets (items with land scans): A,B.", "A,B");
    parser.addOption(bulletsOption);
    QCommandLineOption syncOption("sync-panel", "Open the hub sync panel.");
    parser.addOption(syncOption);
    QCommandLineOption splitOption("split", "With --compare: the split view, line at PERCENT of the width.", "PERCENT");
    parser.addOption(splitOption);
    QCommandLineOption profileOption("profile", "With --show: a height profile between two pixels C0,R0,C1,R1.", "C0,R0,C1,R1");
    parser.addOption(profileOption);
    QCommandLineOption userOption("user", "Log in as USER (password from $STRIAE_PASSWORD, else asked).", "USER");
    parser.addOption(userOption);
    parser.process(app);

    striae::ui::MainWindow window;
    // The examiner's window layout and view settings from the last session; screenshots show the defaults.
    QSettings settings("Striae", "workstation");
    if (!parser.isSet(screenshot)) {
        window.restoreSettings(settings);
        QObject::connect(&app, &QApplication::aboutToQuit, &window, [&window, &settings] { window.saveSettings(settings); });
    }
    if (parser.isSet(scans)) {
        const int n = window.caseBrowser()->addScanFolder(parser.value(scans));
        window.statusBar()->showMessage(QObject::tr("%1 scans listed from %2").arg(n).arg(parser.value(scans)));
    }
    if (parser.isSet(storeOption)) window.openStore(parser.value(storeOption));
    window.show();
    if (parser.isSet(userOption)) {
        QString password = qEnvironmentVariable("STRIAE_PASSWORD");
        if (password.isEmpty())
            password = QInputDialog::getText(&window, QObject::tr("Log in"), QObject::tr("Password for %1").arg(parser.value(userOption)),
                                             QLineEdit::Password);
        window.login(parser.value(userOption), password);
    }
    if (parser.isSet(showOption)) window.showAcquisition(parser.value(showOption).toLongLong());
    if (parser.isSet(profileOption)) {
        const QStringList v = parser.value(profileOption).split(',');
        if (v.size() == 4) window.surfacePanel()->showProfile(v[0].toDouble(), v[1].toDouble(), v[2].toDouble(), v[3].toDouble());
    }
    if (parser.isSet(compareOption)) {
        const QStringList ids = parser.value(compareOption).split(',');
        if (ids.size() == 2) window.showComparison(ids[0].toLongLong(), ids[1].toLongLong());
        if (parser.isSet(splitOption)) window.comparisonPanel()->setSplitView(true, parser.value(splitOption).toInt());
    }

    if (parser.isSet(syncOption))
        if (auto* dock = window.findChild<QDockWidget*>("SyncDock")) dock->show();
    if (parser.isSet(bulletsOption)) {
        const QStringList ids = parser.value(bulletsOption).split(',');
        if (ids.size() == 2) window.showBulletComparison(ids[0].toLongLong(), ids[1].toLongLong());
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        // Grab what the X server shows once the window has been painted.
        QTimer::singleShot(800, &window, [&window, file] {
            const QPixmap shot = window.screen()->grabWindow(window.winId());
            const bool saved = !shot.isNull() && shot.save(file);
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
