// striae-workstation: the desktop application.
#include <QApplication>
#include <QAction>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QDockWidget>
#include <QCommandLineParser>
#include <QIcon>
#include <QInputDialog>
#include <QLineEdit>
#include <QScreen>
#include <QStatusBar>

#include "striae/ui/CalibrationView.h"
#include "striae/ui/CaseBrowser.h"
#include "striae/ui/ComparisonPanel.h"
#include "striae/ui/SurfacePanel.h"
#include <QSurfaceFormat>
#include <QSettings>
#include <QTimer>

#include <cstring>

#include "striae/ui/MainWindow.h"

namespace {

// The command line, the same whether it is answered with a display or without one.
struct Options {
    QCommandLineOption screenshot{"screenshot", "Save a screenshot of the main window to FILE, then quit.", "FILE"};
    QCommandLineOption scans{"scans", "List the X3P scans of FOLDER in the case browser.", "FOLDER"};
    QCommandLineOption storeOption{"store", "Open the case store in FOLDER.", "FOLDER"};
    QCommandLineOption showOption{"show", "Show acquisition ID of the store in 3D.", "ID"};
    QCommandLineOption compareOption{"compare", "Compare two acquisitions side by side: A,B.", "A,B"};
    QCommandLineOption bulletsOption{"compare-bullets", "Compare two bullets (items with land scans): A,B.", "A,B"};
    QCommandLineOption syncOption{"sync-panel", "Open the hub sync panel."};
    QCommandLineOption splitOption{"split", "With --compare: the split view, line at PERCENT of the width.", "PERCENT"};
    QCommandLineOption profileOption{"profile", "With --show: a height profile between two pixels C0,R0,C1,R1.", "C0,R0,C1,R1"};
    QCommandLineOption userOption{"user", "Log in as USER (password from $STRIAE_PASSWORD, else asked).", "USER"};
    QCommandLineOption calibrationOption{"calibration-view", "Open Help > Calibration model (with --screenshot: that window is saved)."};

    void addTo(QCommandLineParser& parser) const {
        parser.setApplicationDescription("Striae workstation: forensic ballistic imaging");
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument("files", "X3P scans to show in the 3D view (the last one stays shown).", "[FILE...]");
        for (const auto* o : {&screenshot, &scans, &storeOption, &showOption, &compareOption, &bulletsOption, &syncOption, &splitOption,
                              &profileOption, &userOption, &calibrationOption})
            parser.addOption(*o);
    }
};

void name(QCoreApplication&) {
    QCoreApplication::setApplicationName("Striae");
    QCoreApplication::setApplicationVersion(STRIAE_VERSION);
    QCoreApplication::setOrganizationName("Striae");
    // The desktop entry's name: Wayland and the task bar find the icon through it.
    QGuiApplication::setDesktopFileName("org.striae.workstation");
}

// --help and --version answer without a display (a terminal, a package's build, help2man).
bool asksOnlyForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        for (const char* flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"})
            if (std::strcmp(argv[i], flag) == 0) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options;
    if (asksOnlyForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        name(core);
        QCommandLineParser parser;
        options.addTo(parser);
        parser.process(core);  // prints and exits
        return 0;
    }
    // VTK needs a 3.2 core context; it must be the default before QApplication exists.
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    QSurfaceFormat::setDefaultFormat(format);

    QApplication app(argc, argv);
    name(app);
    QApplication::setWindowIcon(QIcon(":/striae/striae.svg"));

    QCommandLineParser parser;
    options.addTo(parser);
    const auto& [screenshot, scans, storeOption, showOption, compareOption, bulletsOption, syncOption, splitOption, profileOption,
                 userOption, calibrationOption] = options;
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
    for (const QString& file : parser.positionalArguments()) window.openScanFile(file);
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
    if (parser.isSet(calibrationOption))
        if (auto* action = window.findChild<QAction*>("calibrationModelAction")) action->trigger();
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        // Grab what the X server shows once the window has been painted (the calibration model's window if it was asked for).
        QTimer::singleShot(800, &window, [&window, file] {
            const auto views = window.findChildren<striae::ui::CalibrationView*>();
            const QWidget* target = views.isEmpty() ? static_cast<QWidget*>(&window) : views.front();
            const QPixmap shot = target->screen()->grabWindow(target->winId());
            const bool saved = !shot.isNull() && shot.save(file);
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
