#pragma once
// The audit trail of the item shown, in words: every recorded change to it,
// its scans, their correlation runs and the whole review chain (reviews,
// leads, examinations, verifications, approvals), as the logged-in user may
// see it (blind verification), and whether the store's chain is intact.
#include <QWidget>
#include <optional>

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
    void setUser(std::optional<records::User> user);
    // One event as a sentence (who is in its own column).
    QString describe(const records::AuditEvent& event) const;
    QTableWidget* table() const { return table_; }
    // Whether the store's chain is intact, as said above the list (rich text).
    QString chainStatus() const;

private:
    const records::Store* store_ = nullptr;
    std::optional<records::User> user_;
    QLabel* chain_;
    QTableWidget* table_;
};

}  // namespace striae::ui
