#pragma once
#include <QMainWindow>
#include <QSettings>
#include <memory>
#include <optional>

class QLabel;
class QStackedWidget;

namespace striae::records {
class Store;
struct User;
}

namespace striae::ui {

class CaseBrowser;
class SurfacePanel;
class ComparisonPanel;
class CandidatesPanel;
class AuditPanel;
class SyncPanel;
class BulletComparisonPanel;
struct IntakeRequest;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a case store and lists it; false with the reason in the status bar on failure.
    bool openStore(const QString& folder);
    // Shows an acquisition's processed scan in 3D.
    bool showAcquisition(qint64 acquisitionId);
    // Shows an X3P file as it is recorded (no store needed: a file opened from a
    // file manager or the command line). A file that cannot be read is a dialog
    // with the reason; nothing shown changes. Returns whether it was shown.
    bool openScanFile(const QString& path);
    SurfacePanel* surfacePanel() const { return surfacePanel_; }
    ComparisonPanel* comparisonPanel() const { return comparisonPanel_; }
    // Logs a user of the open store in; the actions their roles allow become available.
    bool login(const QString& username, const QString& password);
    // The same, with the reason it failed (nothing when it succeeded).
    std::optional<QString> tryLogin(const QString& username, const QString& password);
    void logout();
    void showLoginDialog();
    // Window layout (geometry, docks) and the 3D view's settings, kept between sessions.
    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);
    // The two scans side by side with their CMC cells (computed now).
    bool showComparison(qint64 referenceAcquisition, qint64 comparedAcquisition);
    // Two bullets (items with land scans, in land order) compared land by land.
    bool showBulletComparison(qint64 itemA, qint64 itemB);
    BulletComparisonPanel* bulletPanel() const { return bulletPanel_; }
    // Correlates a scan against the store on a worker thread, with a progress
    // dialog that can cancel (nothing is stored then). Returns the run id, 0 if none.
    qint64 correlate(qint64 acquisitionId);
    // Records an intake (case, item, scans) on a worker thread with progress
    // and cancel between scans. Returns the acquisitions imported.
    std::vector<qint64> runIntake(const IntakeRequest& request);

    CaseBrowser* caseBrowser() const { return caseBrowser_; }
    SyncPanel* syncPanel() const { return sync_; }
    // Says which store is open, in the status bar and the welcome panel.
    void setStoreName(const QString& folder, int caseCount);

private:
    void createMenus();
    void showAbout();
    void openIntake();
    void openBulletComparison();

    CaseBrowser* caseBrowser_;
    QLabel* storeStatus_;
    QAction* intakeAction_ = nullptr;
    QAction* correlateAction_ = nullptr;
    QAction* statisticsAction_ = nullptr;
    QAction* firearmsAction_ = nullptr;
    QLabel* welcome_;
    QStackedWidget* centre_;
    SurfacePanel* surfacePanel_;
    ComparisonPanel* comparisonPanel_;
    CandidatesPanel* candidates_;
    AuditPanel* audit_;
    SyncPanel* sync_;
    BulletComparisonPanel* bulletPanel_;
    std::unique_ptr<records::Store> store_;
    QString storeFolder_;
    std::unique_ptr<records::User> user_;
    void showSessionState();
    QLabel* userStatus_ = nullptr;
    qint64 shownAcquisition_ = 0;
    QAction* loginAction_ = nullptr;
    QAction* logoutAction_ = nullptr;
};

}  // namespace striae::ui
