#pragma once
// The Qt application a PDF needs (fonts and painting; Qt Charts draws through Widgets) on the
// offscreen platform, so that the CLI writes reports without a display. Keep it while printing.
#include <QApplication>

#include <cstdlib>
#include <memory>

namespace striae::cli {

inline std::unique_ptr<QApplication> headlessQt() {
    if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
    static int argc = 1;
    static char name[] = "striae";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QApplication>(argc, argv);
}

}  // namespace striae::cli
