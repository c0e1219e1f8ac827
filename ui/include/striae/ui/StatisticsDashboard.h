#pragma once
// The NIBIN metrics of the open store (docs/statistics.md): a period, agency
// and caliber filter, the turnaround table (median, p90, share within 48 h of
// each stage), leads and hits per month as a Qt Charts bar chart, totals,
// confirmation rate, backlog and reported outcomes. A filter that is not a
// date is said, and the figures shown stay as they were.
#include <QDialog>

#include "striae/records/Statistics.h"
#include "striae/records/Store.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QChartView;

namespace striae::ui {

class StatisticsDashboard : public QDialog {
    Q_OBJECT
public:
    StatisticsDashboard(const records::Store& store, QWidget* parent = nullptr);
    QTableWidget* turnaround() const { return turnaround_; }
    QChartView* monthly() const { return monthly_; }
    QLabel* summary() const { return summary_; }
    const records::Statistics& shown() const { return shown_; }

public slots:
    void refresh();

private:
    const records::Store& store_;
    QLineEdit *from_, *to_, *agency_, *caliber_;
    QPushButton* show_;
    QLabel* summary_;
    QLabel* problem_;
    QTableWidget* turnaround_;
    QChartView* monthly_;
    records::Statistics shown_;
};

}  // namespace striae::ui
