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
    // Says which store is open, in the status bar and the welcome panel.
    void setStoreName(const QString& folder, int caseCount);

private:
    void createMenus();
    void showAbout();

    CaseBrowser* caseBrowser_;
    QLabel* storeStatus_;
    QLabel* welcome_;
};

}  // namespace striae::ui
