#include "striae/ui/SyncPanel.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include "striae/records/Store.h"
#include "striae/sync/SyncClient.h"

namespace striae::ui {

SyncPanel::SyncPanel(QWidget* parent)
    : QWidget(parent),
      hub_(new QLabel(this)),
      outbox_(new QLabel(this)),
      lastContact_(new QLabel(this)),
      lastError_(new QLabel(this)),
      lastResult_(new QLabel(this)),
      progress_(new QProgressBar(this)),
      syncButton_(new QPushButton(tr("Sync now"), this)),
      stopButton_(new QPushButton(tr("Stop"), this)),
      background_(new QCheckBox(tr("Sync in the background every"), this)),
      minutes_(new QSpinBox(this)),
      timer_(new QTimer(this)) {
    setObjectName("SyncPanel");
    hub_->setObjectName("SyncHub");
    outbox_->setObjectName("SyncOutbox");
    lastContact_->setObjectName("SyncLastContact");
    lastError_->setObjectName("SyncLastError");
    lastResult_->setObjectName("SyncLastResult");
    syncButton_->setObjectName("SyncNowButton");
    lastError_->setWordWrap(true);
    lastResult_->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Hub:"), hub_);
    form->addRow(tr("Outbox:"), outbox_);
    form->addRow(tr("Last contact:"), lastContact_);
    form->addRow(tr("Last error:"), lastError_);
    form->addRow(tr("Last sync:"), lastResult_);
    minutes_->setRange(1, 240);
    minutes_->setValue(5);
    minutes_->setSuffix(tr(" min"));
    auto* row = new QHBoxLayout;
    row->addWidget(syncButton_);
    row->addWidget(stopButton_);
    row->addWidget(progress_, 1);
    auto* bg = new QHBoxLayout;
    bg->addWidget(background_);
    bg->addWidget(minutes_);
    bg->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(row);
    layout->addLayout(bg);
    layout->addStretch(1);
    progress_->setVisible(false);
    stopButton_->setVisible(false);
    connect(syncButton_, &QPushButton::clicked, this, [this] { syncNow(); });
    connect(stopButton_, &QPushButton::clicked, this, &SyncPanel::stop);
    connect(timer_, &QTimer::timeout, this, [this] { syncNow(); });
    connect(background_, &QCheckBox::toggled, this, [this](bool on) { setBackgroundInterval(on ? minutes_->value() * 60 : 0); });
    connect(minutes_, &QSpinBox::valueChanged, this, [this](int m) {
        if (background_->isChecked()) setBackgroundInterval(m * 60);
    });
    // Progress of a running sync, polled from the worker's counters.
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [this] {
        if (!busy_) return;
        progress_->setMaximum(std::max(1, total_.load()));
        progress_->setValue(std::min(done_.load(), progress_->maximum()));
    });
    poll->start(100);
    refresh();
}

SyncPanel::~SyncPanel() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
}

void SyncPanel::setSession(const QString& storeFolder, const records::User& user) {
    folder_ = storeFolder;
    user_ = std::make_unique<records::User>(user);
    refresh();
    // A configured hub is synced in the background from the start.
    if (syncButton_->isEnabled() && !background_->isChecked()) background_->setChecked(true);
}

void SyncPanel::setBackgroundInterval(int seconds) {
    if (seconds <= 0) {
        timer_->stop();
        return;
    }
    timer_->start(seconds * 1000);
}

void SyncPanel::refresh() {
    const bool ready = !folder_.isEmpty() && user_;
    records::SyncStatus s;
    if (!folder_.isEmpty()) {
        try {
            s = records::Store::open(folder_.toStdString()).syncStatus();
        } catch (const std::exception& e) {
            s.lastError = e.what();
        }
    }
    hub_->setText(s.hubUrl.empty() ? tr("not configured (striae sync configure)")
                                   : tr("%1 as %2").arg(QString::fromStdString(s.hubUrl), QString::fromStdString(s.agencyCode)));
    outbox_->setText(tr("%1 queued, %2 sent, %3 failed").arg(s.queued).arg(s.sent).arg(s.failed));
    lastContact_->setText(s.lastContact.empty() ? tr("never") : QString::fromStdString(s.lastContact));
    lastError_->setText(s.lastError.empty() ? tr("none") : QString::fromStdString(s.lastError));
    lastError_->setStyleSheet(s.lastError.empty() ? QString() : QStringLiteral("color: #b00020"));
    const bool canSync = ready && !s.hubUrl.empty() && !busy_;
    syncButton_->setEnabled(canSync);
    syncButton_->setToolTip(!ready            ? tr("Open a case store and log in")
                            : s.hubUrl.empty() ? tr("No hub configured: an administrator runs 'striae sync configure'")
                                               : tr("Push queued acquisitions and pull new lead lists"));
}

bool SyncPanel::syncNow() {
    if (busy_ || folder_.isEmpty() || !user_) return false;
    if (worker_.joinable()) worker_.join();
    busy_ = true;
    cancel_ = false;
    done_ = 0;
    total_ = 0;
    progress_->setVisible(true);
    stopButton_->setVisible(true);
    syncButton_->setEnabled(false);
    lastResult_->setText(tr("syncing…"));
    const std::string folder = folder_.toStdString();
    const records::User actor = *user_;
    worker_ = std::thread([this, folder, actor] {
        QString summary;
        bool changed = false;
        try {
            auto store = records::Store::open(folder);
            sync::SyncClient client(store, actor, 30);
            const auto pushed = client.push([this](int d, int t) {
                done_ = d;
                total_ = t;
                return !cancel_.load();
            });
            sync::SyncReport pulled;
            if (!cancel_ && pushed.failed == 0) pulled = client.pull();
            changed = pulled.listsPulled > 0;
            summary = tr("pushed %1 (%2 already held), %3 failed; %4 lead list(s) pulled, %5 scan(s) fetched; %6 outcome(s) reported; "
                         "%7 firearm record(s) shared; %8 firearm notice(s)")
                          .arg(pushed.pushed)
                          .arg(pushed.alreadyHeld)
                          .arg(pushed.failed)
                          .arg(pulled.listsPulled)
                          .arg(pulled.scansFetched)
                          .arg(pushed.outcomesReported)
                          .arg(pushed.recordsShared)
                          .arg(pulled.noticesPulled);
            if (cancel_) summary += tr(" (stopped)");
        } catch (const std::exception& e) {
            summary = tr("failed: %1").arg(QString::fromStdString(e.what()));
        }
        QMetaObject::invokeMethod(this, [this, summary, changed] { finished(summary, changed); }, Qt::QueuedConnection);
    });
    return true;
}

void SyncPanel::stop() { cancel_ = true; }

void SyncPanel::finished(const QString& summary, bool changed) {
    if (worker_.joinable()) worker_.join();
    busy_ = false;
    progress_->setVisible(false);
    stopButton_->setVisible(false);
    lastResult_->setText(summary);
    refresh();
    emit synced(changed, summary);
}

}  // namespace striae::ui
