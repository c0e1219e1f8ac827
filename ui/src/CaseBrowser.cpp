#include "striae/ui/CaseBrowser.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QDir>
#include <QVBoxLayout>

#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"

namespace striae::ui {

CaseBrowser::CaseBrowser(QWidget* parent)
    : QWidget(parent),
      search_(new QLineEdit(this)),
      view_(new QTreeView(this)),
      model_(new QStandardItemModel(0, 4, this)),
      filter_(new QSortFilterProxyModel(this)) {
    model_->setHorizontalHeaderLabels({tr("Case / item / acquisition"), tr("Type"), tr("Caliber"), tr("Status")});
    filter_->setSourceModel(model_);
    filter_->setRecursiveFilteringEnabled(true);
    filter_->setAutoAcceptChildRows(true);  // a case found by its number shows its items and scans
    filter_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    filter_->setFilterKeyColumn(-1);

    search_->setPlaceholderText(tr("Search cases, items, calibers…"));
    search_->setClearButtonEnabled(true);
    connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
        filter_->setFilterFixedString(text);
        view_->expandAll();
    });

    view_->setModel(filter_);
    // Read-only: a double-click shows the scan instead of editing its label.
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(view_, &QTreeView::activated, this, [this](const QModelIndex& index) {
        const QVariant id = index.siblingAtColumn(0).data(Qt::UserRole + 1);
        if (id.isValid()) emit acquisitionActivated(id.toLongLong());
    });
    view_->setSortingEnabled(true);
    view_->sortByColumn(0, Qt::AscendingOrder);
    view_->setAlternatingRowColors(true);
    view_->header()->setStretchLastSection(true);

    auto* title = new QLabel(tr("<b>Cases</b>"), this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(title);
    layout->addWidget(search_);
    layout->addWidget(view_, 1);
}

int CaseBrowser::caseCount() const { return model_->rowCount(); }

int CaseBrowser::addScanFolder(const QString& folder) {
    const QDir dir(folder);
    auto* top = new QStandardItem(tr("Scans in %1").arg(dir.dirName()));
    top->setToolTip(dir.absolutePath());
    QList<QStandardItem*> row{top, new QStandardItem(tr("folder")), new QStandardItem, new QStandardItem};
    int listed = 0;
    for (const QString& name : dir.entryList({"*.x3p"}, QDir::Files, QDir::Name)) {
        QString type, status;
        try {
            const auto x = imaging::readX3p(dir.filePath(name).toStdString());
            type = tr("X3P %1 × %2, %3 µm")
                       .arg(x.surface.cols())
                       .arg(x.surface.rows())
                       .arg(x.surface.spacingX() * 1e6, 0, 'f', 3);
            status = tr("%1 % valid").arg(100.0 * x.surface.validFraction(), 0, 'f', 1);
        } catch (const std::exception& e) {
            type = tr("unreadable");
            status = QString::fromStdString(e.what());
        }
        top->appendRow({new QStandardItem(name), new QStandardItem(type), new QStandardItem(QStringLiteral("—")),
                        new QStandardItem(status)});
        ++listed;
    }
    model_->appendRow(row);
    view_->expandAll();
    for (int c = 0; c < model_->columnCount(); ++c) view_->resizeColumnToContents(c);
    return listed;
}

}  // namespace striae::ui

namespace striae::ui {

int CaseBrowser::loadStore(const records::Store& store) {
    model_->removeRows(0, model_->rowCount());
    const auto cases = store.findCases({});
    for (const auto& c : cases) {
        auto* caseItem = new QStandardItem(QString::fromStdString(c.number));
        caseItem->setToolTip(QString::fromStdString(c.offence + " " + c.location));
        QList<QStandardItem*> row{caseItem, new QStandardItem(tr("case")), new QStandardItem,
                                  new QStandardItem(QString::fromStdString(c.offence + (c.offenceDate.empty() ? "" : ", " + c.offenceDate)))};
        for (const auto& item : store.itemsOfCase(c.number)) {
            auto* itemNode = new QStandardItem(QString::fromStdString(item.label));
            const auto acquisitions = store.acquisitionsOfItem(item.id);
            for (const auto& a : acquisitions) {
                auto* scan = new QStandardItem(tr("scan %1").arg(a.id));
                scan->setData(qint64(a.id), Qt::UserRole + 1);
                scan->setToolTip(tr("Double-click to view in 3D"));
                itemNode->appendRow({scan, new QStandardItem(QString::fromStdString(records::displayName(a.region))),
                                     new QStandardItem, new QStandardItem(QString::fromStdString(a.processing))});
            }
            caseItem->appendRow({itemNode, new QStandardItem(QString::fromStdString(records::displayName(item.kind) + ", " + records::displayName(item.origin))),
                                 new QStandardItem(QString::fromStdString(item.caliber)),
                                                 new QStandardItem(tr("scans: %1").arg(acquisitions.size()))});
        }
        model_->appendRow(row);
    }
    view_->expandAll();
    for (int c = 0; c < model_->columnCount(); ++c) view_->resizeColumnToContents(c);
    return int(cases.size());
}

}  // namespace striae::ui
