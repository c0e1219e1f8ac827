#pragma once
// The hub sync status panel: what is queued, sent and failed in the outbox,
// the last contact with the hub and its last error; "Sync now" and a
// background sync on a timer. Syncing runs on a worker thread with its own
// store connection, shows progress, and can be stopped.
#include <QWidget>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "striae/records/Types.h"

class QLabel;
class QPushButton;
class QCheckBox;
class QProgressBar;
class QTimer;
class QSpinBox;

namespace striae::ui {

class SyncPanel : public QWidget {
    Q_OBJECT
public:
    explicit SyncPanel(QWidget* parent = nullptr);
    ~SyncPanel() override;

    // The store and the acting user; empty folder: nothing to sync.
    void setSession(const QString& storeFolder, const records::User& user);
    void refresh();
    // Starts a push and pull now, unless one is running. Returns false if not started.
    bool syncNow();
    void stop();
    bool busy() const { return busy_; }
    void setBackgroundInterval(int seconds);  // 0: no background sync

signals:
    // A sync finished; `changed` when lead lists were pulled into the store.
    void synced(bool changed, const QString& summary);

private:
    void finished(const QString& summary, bool changed);

    QLabel* hub_;
    QLabel* outbox_;
    QLabel* lastContact_;
    QLabel* lastError_;
    QLabel* lastResult_;
    QProgressBar* progress_;
    QPushButton* syncButton_;
    QPushButton* stopButton_;
    QCheckBox* background_;
    QSpinBox* minutes_;
    QTimer* timer_;
    QString folder_;
    std::unique_ptr<records::User> user_;
    std::thread worker_;
    std::atomic<bool> busy_{false}, cancel_{false};
    std::atomic<int> done_{0}, total_{0};
};

}  // namespace striae::ui
