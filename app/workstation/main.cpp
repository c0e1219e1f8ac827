// striae-workstation: the desktop application.
#include <QApplication>
#include <QCommandLineParser>
#include <QScreen>
#include <QSurfaceFormat>
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

    QCommandLineParser parser;
    parser.setApplicationDescription("Striae workstation: forensic ballistic imaging");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the main window to FILE, then quit.", "FILE");
    parser.addOption(screenshot);
    parser.process(app);

    striae::ui::MainWindow window;
    window.show();

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
