#include "striae/ui/CaseBrowser.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

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
    filter_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    filter_->setFilterKeyColumn(-1);

    search_->setPlaceholderText(tr("Search cases, items, calibers…"));
    search_->setClearButtonEnabled(true);
    connect(search_, &QLineEdit::textChanged, filter_, &QSortFilterProxyModel::setFilterFixedString);

    view_->setModel(filter_);
    view_->setSortingEnabled(true);
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

}  // namespace striae::ui
