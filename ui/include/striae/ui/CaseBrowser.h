#pragma once
// The case browser: cases → items → acquisitions, with a search field.
#include <QWidget>

class QLineEdit;
class QStandardItemModel;
class QTreeView;
class QSortFilterProxyModel;

namespace striae::records {
class Store;
}

namespace striae::ui {

class CaseBrowser : public QWidget {
    Q_OBJECT
public:
    explicit CaseBrowser(QWidget* parent = nullptr);

    QStandardItemModel* model() const { return model_; }
    QTreeView* view() const { return view_; }
    int caseCount() const;
    // Lists the X3P scans of a folder (before a case store exists: the demo's scans).
    // Returns how many were listed; unreadable files are listed with their error.
    int addScanFolder(const QString& folder);
    // Shows a case store: cases → items → acquisitions. Returns the number of cases.
    int loadStore(const records::Store& store);

signals:
    // A scan (acquisition) row was opened (double-click or Enter).
    void acquisitionActivated(qint64 acquisitionId);

private:
    QLineEdit* search_;
    QTreeView* view_;
    QStandardItemModel* model_;
    QSortFilterProxyModel* filter_;
};

}  // namespace striae::ui
