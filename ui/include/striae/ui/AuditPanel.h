#pragma once
// The audit trail of the item shown: every recorded change to it, its scans
// and their correlation runs, and whether the store's hash chain is intact.
#include <QWidget>

#include "striae/records/Types.h"

class QLabel;
class QTableWidget;

namespace striae::records {
class Store;
}

namespace striae::ui {

class AuditPanel : public QWidget {
    Q_OBJECT
public:
    explicit AuditPanel(QWidget* parent = nullptr);
    // Verifies the chain once for the store (it can take seconds on a large store).
    void setStore(const records::Store* store);
    void showItem(records::Id itemId);
    QTableWidget* table() const { return table_; }

private:
    const records::Store* store_ = nullptr;
    QLabel* chain_;
    QTableWidget* table_;
};

}  // namespace striae::ui
