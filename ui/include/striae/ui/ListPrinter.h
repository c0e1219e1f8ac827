#pragma once
// A list as the user sees it (its visible rows and columns, in their order; a
// tree's rows indented) on paper or in a PDF: Qt's print dialog, which also
// prints to a file. The case list, the correlation results and the audit trail
// are printed this way from the File menu.
#include <QString>

class QAbstractItemView;
class QPrinter;
class QWidget;

namespace striae::ui {

// The list as an HTML table with a heading (title, then the line under it).
QString listAsHtml(const QAbstractItemView& view, const QString& title, const QString& subtitle);
void printList(QPrinter& printer, const QAbstractItemView& view, const QString& title, const QString& subtitle);
// Asks where to print; false when the user cancels.
bool printListWithDialog(QWidget* parent, const QAbstractItemView& view, const QString& title, const QString& subtitle);

}  // namespace striae::ui
