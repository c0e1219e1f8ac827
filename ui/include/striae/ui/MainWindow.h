#pragma once
#include <QMainWindow>

class QLabel;

namespace striae::ui {

class CaseBrowser;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    CaseBrowser* caseBrowser() const { return caseBrowser_; }

private:
    void createMenus();
    void showAbout();

    CaseBrowser* caseBrowser_;
    QLabel* storeStatus_;
};

}  // namespace striae::ui
