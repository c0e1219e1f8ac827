#include "striae/ui/AuditPanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

#include "striae/records/Store.h"

namespace striae::ui {

AuditPanel::AuditPanel(QWidget* parent) : QWidget(parent), chain_(new QLabel(this)), table_(new QTableWidget(0, 5, this)) {
    table_->setHorizontalHeaderLabels({tr("Event"), tr("When (UTC)"), tr("Who"), tr("Action"), tr("Details")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    chain_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(chain_);
    layout->addWidget(table_, 1);
}

void AuditPanel::setStore(const records::Store* store) {
    store_ = store;
    table_->setRowCount(0);
    if (!store_) {
        chain_->clear();
        return;
    }
    const auto report = store_->verifyAudit();
    chain_->setText(report.ok() ? tr("Audit chain intact: %1 events").arg(report.events)
                                : tr("<b style='color:#c00'>Audit chain broken</b>: %1").arg(QString::fromStdString(report.problems.front())));
}

void AuditPanel::showItem(records::Id itemId) {
    table_->setRowCount(0);
    if (!store_) return;
    std::vector<records::AuditEvent> events = store_->auditTrail("item", itemId);
    for (const auto& a : store_->acquisitionsOfItem(itemId)) {
        const auto more = store_->auditTrail("acquisition", a.id);
        events.insert(events.end(), more.begin(), more.end());
        for (const auto& run : store_->runsOf(a.id)) {
            const auto runEvents = store_->auditTrail("run", run.id);
            events.insert(events.end(), runEvents.begin(), runEvents.end());
        }
    }
    std::sort(events.begin(), events.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    std::map<records::Id, QString> names;
    for (const auto& e : events) {
        if (!names.count(e.userId)) {
            try {
                names[e.userId] = QString::fromStdString(store_->user(e.userId).username);
            } catch (const std::exception&) {
                names[e.userId] = tr("user %1").arg(e.userId);
            }
        }
        const int row = table_->rowCount();
        table_->insertRow(row);
        table_->setItem(row, 0, new QTableWidgetItem(QString::number(e.id)));
        table_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(e.at)));
        table_->setItem(row, 2, new QTableWidgetItem(names[e.userId]));
        table_->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(e.action)));
        table_->setItem(row, 4, new QTableWidgetItem(QString::fromStdString(e.details)));
    }
    table_->resizeColumnsToContents();
}

}  // namespace striae::ui
