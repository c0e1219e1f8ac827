#pragma once
// Driving the workstation as a user does: synthesized mouse events on the
// real widgets (presses, drags, wheel notches, menu choices), key events for
// text, and modal dialogs answered while they are open.
#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QKeyEvent>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMouseEvent>
#include <QPushButton>
#include <QTimer>
#include <QWheelEvent>

#include <chrono>
#include <cmath>
#include <functional>

namespace striae::test {

// Lets the window draw and timers run for `ms` milliseconds.
inline void settle(int ms = 150) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) QApplication::processEvents(QEventLoop::AllEvents, 20);
}

inline void mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons buttons,
                  Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QMouseEvent e(type, at, w->mapToGlobal(at), button, buttons, modifiers);
    QApplication::sendEvent(w, &e);
}

// A left click at `at` (default: the middle of the widget).
inline void clickAt(QWidget* w, QPointF at, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    mouse(w, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton, modifiers);
    mouse(w, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton, modifiers);
    mouse(w, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton, modifiers);
}

inline void click(QWidget* w) {
    clickAt(w, QPointF(w->width() / 2.0, w->height() / 2.0));
    settle();
}

// A press and release on a button; does not wait (the button may open a modal dialog).
inline void clickButton(QAbstractButton* b) { clickAt(b, QPointF(b->width() / 2.0, b->height() / 2.0)); }

// Clicks an item view's row at the middle of the given cell, then double-clicks when asked.
inline void clickCell(QAbstractItemView* view, const QModelIndex& index, bool doubleClick = false) {
    const QPointF at = view->visualRect(index).center();
    clickAt(view->viewport(), at);
    if (doubleClick) {
        mouse(view->viewport(), QEvent::MouseButtonDblClick, at, Qt::LeftButton, Qt::LeftButton);
        mouse(view->viewport(), QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    }
    settle();
}

// A left-button drag across the widget in small steps, as a hand does.
inline void drag(QWidget* w, QPointF from, QPointF to, int steps = 12) {
    mouse(w, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    for (int i = 1; i <= steps; ++i) {
        mouse(w, QEvent::MouseMove, from + (to - from) * (double(i) / steps), Qt::NoButton, Qt::LeftButton);
        QApplication::processEvents();
    }
    mouse(w, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
    settle();
}

inline void wheel(QWidget* w, QPointF at, int notches) {
    for (int i = 0; i < std::abs(notches); ++i) {
        QWheelEvent e(at, w->mapToGlobal(at), QPoint(), QPoint(0, notches > 0 ? 120 : -120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
        QApplication::sendEvent(w, &e);
        QApplication::processEvents();
    }
    settle(400);  // past the still timer: the full mesh again
}

inline void typeInto(QWidget* w, const QString& text) {
    w->setFocus();
    for (const QChar ch : text) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(ch));
        QKeyEvent release(QEvent::KeyRelease, 0, Qt::NoModifier, QString(ch));
        QApplication::sendEvent(w, &press);
        QApplication::sendEvent(w, &release);
    }
}

template <typename Button = QPushButton>
Button* buttonNamed(QWidget* w, const QString& text) {
    for (auto* b : w->findChildren<Button*>())
        if (b->text().remove('&') == text) return b;
    return nullptr;
}

// Picks a file in Qt's file dialog as a user does: goes to its folder (the
// dialog may open in the last one used), types the file's name and presses
// Open once the dialog enables it (its file model lists the folder a moment later).
inline void typePathAndOpen(QFileDialog* dialog, const QString& path) {
    ASSERT_NE(dialog, nullptr) << "the file dialog";
    const QFileInfo file(path);
    dialog->setDirectory(file.absolutePath());
    settle(100);
    auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
    ASSERT_NE(name, nullptr);
    name->clear();
    typeInto(name, file.fileName());
    QPushButton* open = buttonNamed(dialog, "Open");
    ASSERT_NE(open, nullptr);
    for (int i = 0; i < 100 && !(open->isEnabled() && dialog->selectedFiles().value(0) == file.absoluteFilePath()); ++i) settle(50);
    ASSERT_EQ(dialog->selectedFiles().value(0).toStdString(), file.absoluteFilePath().toStdString());
    ASSERT_TRUE(open->isEnabled()) << "Open stayed disabled for " << path.toStdString();
    clickButton(open);
}

// Runs `steps` against the modal dialog once it is open, then triggers `open`
// (which blocks until it closes); a dialog still open after the steps is rejected.
inline void withDialog(const std::function<void()>& open, const std::function<void(QDialog*)>& steps, int afterMs = 150) {
    QTimer::singleShot(afterMs, [steps] {
        auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
        EXPECT_NE(dialog, nullptr) << "no dialog opened";
        if (!dialog) return;
        steps(dialog);
        if (dialog->isVisible()) dialog->reject();
    });
    open();
}

// Opens a menu of the menu bar with the mouse and chooses one of its entries
// (names without the & of their shortcuts). Does not wait for what it opens.
inline void chooseMenu(QMainWindow& window, const QString& menuName, const QString& entry) {
    QMenuBar* bar = window.menuBar();
    QAction* top = nullptr;
    for (QAction* a : bar->actions())
        if (a->text().remove('&') == menuName) top = a;
    ASSERT_NE(top, nullptr) << menuName.toStdString();
    clickAt(bar, bar->actionGeometry(top).center());
    settle(100);
    QMenu* menu = top->menu();
    ASSERT_TRUE(menu && menu->isVisible()) << menuName.toStdString() << " did not open";
    QAction* chosen = nullptr;
    for (QAction* a : menu->actions())
        if (a->text().remove('&') == entry) chosen = a;
    ASSERT_NE(chosen, nullptr) << entry.toStdString();
    ASSERT_TRUE(chosen->isEnabled()) << entry.toStdString() << " is disabled: " << chosen->toolTip().toStdString();
    const QPointF at = menu->actionGeometry(chosen).center();
    mouse(menu, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
    mouse(menu, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
    mouse(menu, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
}

}  // namespace striae::test
