#include "striae/ui/ListPrinter.h"

#include <QAbstractItemView>
#include <QDateTime>
#include <QPrintDialog>
#include <QPrinter>
#include <QTableView>
#include <QTextDocument>
#include <QTreeView>

namespace striae::ui {

namespace {

bool columnShown(const QAbstractItemView& view, int column) {
    if (const auto* table = qobject_cast<const QTableView*>(&view)) return !table->isColumnHidden(column);
    if (const auto* tree = qobject_cast<const QTreeView*>(&view)) return !tree->isColumnHidden(column);
    return true;
}

bool rowShown(const QAbstractItemView& view, int row, const QModelIndex& parent) {
    if (const auto* table = qobject_cast<const QTableView*>(&view)) return !table->isRowHidden(row);
    if (const auto* tree = qobject_cast<const QTreeView*>(&view)) return !tree->isRowHidden(row, parent);
    return true;
}

void addRows(const QAbstractItemView& view, const QModelIndex& parent, int depth, const QList<int>& columns, QString& html) {
    const QAbstractItemModel* model = view.model();
    for (int row = 0; row < model->rowCount(parent); ++row) {
        if (!rowShown(view, row, parent)) continue;
        html += "<tr>";
        bool first = true;
        for (int column : columns) {
            const QString text = model->index(row, column, parent).data(Qt::DisplayRole).toString().toHtmlEscaped();
            // A tree's depth as an indent of its first column.
            const QString indent = first && depth > 0 ? QString(" style='padding-left:%1px'").arg(4 + 14 * depth) : QString();
            html += "<td" + indent + ">" + text + "</td>";
            first = false;
        }
        html += "</tr>";
        if (model->hasChildren(model->index(row, 0, parent))) addRows(view, model->index(row, 0, parent), depth + 1, columns, html);
    }
}

}  // namespace

QString listAsHtml(const QAbstractItemView& view, const QString& title, const QString& subtitle) {
    const QAbstractItemModel* model = view.model();
    QString html = "<html><body><h2>" + title.toHtmlEscaped() + "</h2>";
    if (!subtitle.isEmpty()) html += "<p>" + subtitle + "</p>";
    html += "<p style='font-size:7pt; color:#555'>Printed " + QDateTime::currentDateTime().toString(Qt::ISODate) + " from Striae</p>";
    if (!model) return html + "<p>(empty)</p></body></html>";
    QList<int> columns;
    for (int c = 0; c < model->columnCount(); ++c)
        if (columnShown(view, c)) columns << c;
    html += "<table border='1' cellspacing='0' cellpadding='3' width='100%'><thead><tr>";
    for (int c : columns) html += "<th bgcolor='#e8e8e8'>" + model->headerData(c, Qt::Horizontal).toString().toHtmlEscaped() + "</th>";
    html += "</tr></thead>";
    addRows(view, QModelIndex(), 0, columns, html);
    return html + "</table></body></html>";
}

void printList(QPrinter& printer, const QAbstractItemView& view, const QString& title, const QString& subtitle) {
    QTextDocument document;
    document.setDefaultStyleSheet("body { font-family: 'DejaVu Sans'; font-size: 8pt; } th { text-align: left; }");
    document.setHtml(listAsHtml(view, title, subtitle));
    printer.setDocName(title);
    document.print(&printer);
}

bool printListWithDialog(QWidget* parent, const QAbstractItemView& view, const QString& title, const QString& subtitle) {
    QPrinter printer(QPrinter::HighResolution);
    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(QObject::tr("Print %1").arg(title));
    if (dialog.exec() != QDialog::Accepted) return false;
    printList(printer, view, title, subtitle);
    return true;
}

}  // namespace striae::ui
