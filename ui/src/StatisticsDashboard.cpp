#include "striae/ui/StatisticsDashboard.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include "striae/records/StoreStatistics.h"

namespace striae::ui {

namespace {
QString stageName(const std::string& stage) {
    if (stage == "recovery_to_entry") return QObject::tr("Recovery → entry");
    if (stage == "entry_to_correlation") return QObject::tr("Entry → correlation");
    if (stage == "correlation_to_lead") return QObject::tr("Correlation → lead");
    if (stage == "lead_to_hit") return QObject::tr("Lead → hit");
    if (stage == "recovery_to_lead") return QObject::tr("Recovery → lead");
    return QString::fromStdString(stage);
}
}  // namespace

StatisticsDashboard::StatisticsDashboard(const records::Store& store, QWidget* parent)
    : QDialog(parent),
      store_(store),
      from_(new QLineEdit(this)),
      to_(new QLineEdit(this)),
      agency_(new QLineEdit(this)),
      caliber_(new QLineEdit(this)),
      show_(new QPushButton(tr("&Show"), this)),
      summary_(new QLabel(this)),
      problem_(new QLabel(this)),
      turnaround_(new QTableWidget(int(records::kTurnaroundStages.size()), 4, this)),
      monthly_(new QChartView(this)) {
    setObjectName("statisticsDashboard");
    setWindowTitle(tr("Statistics"));
    from_->setObjectName("statsFrom");
    to_->setObjectName("statsTo");
    agency_->setObjectName("statsAgency");
    caliber_->setObjectName("statsCaliber");
    show_->setObjectName("statsShow");
    summary_->setObjectName("statsSummary");
    problem_->setObjectName("statsProblem");
    turnaround_->setObjectName("statsTurnaround");
    monthly_->setObjectName("statsMonthly");
    for (auto* e : {from_, to_}) e->setPlaceholderText(tr("YYYY-MM-DD"));
    agency_->setPlaceholderText(tr("all agencies"));
    caliber_->setPlaceholderText(tr("all calibers"));
    auto* filters = new QHBoxLayout;
    auto* form = new QFormLayout;
    form->addRow(tr("From"), from_);
    form->addRow(tr("To"), to_);
    auto* form2 = new QFormLayout;
    form2->addRow(tr("Agency"), agency_);
    form2->addRow(tr("Caliber"), caliber_);
    filters->addLayout(form);
    filters->addLayout(form2);
    filters->addWidget(show_, 0, Qt::AlignBottom);
    problem_->setStyleSheet("color: #b00020;");
    problem_->setWordWrap(true);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    turnaround_->setHorizontalHeaderLabels({tr("Evidence"), tr("Median (h)"), tr("90th percentile (h)"), tr("Within 48 h")});
    turnaround_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    turnaround_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QStringList stages;
    for (const auto& s : records::kTurnaroundStages) stages << stageName(s);
    turnaround_->setVerticalHeaderLabels(stages);
    turnaround_->setMinimumHeight(200);
    monthly_->setMinimumHeight(260);
    monthly_->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(problem_);
    layout->addWidget(summary_);
    layout->addWidget(turnaround_);
    layout->addWidget(monthly_, 1);
    connect(show_, &QPushButton::clicked, this, &StatisticsDashboard::refresh);
    for (auto* e : {from_, to_, agency_, caliber_}) connect(e, &QLineEdit::returnPressed, this, &StatisticsDashboard::refresh);
    resize(820, 760);
    refresh();
}

void StatisticsDashboard::refresh() {
    records::StatisticsFilter filter;
    filter.from = from_->text().trimmed().toStdString();
    filter.to = to_->text().trimmed().toStdString();
    filter.agency = agency_->text().trimmed().toStdString();
    filter.caliber = caliber_->text().trimmed().toStdString();
    try {
        shown_ = store_.statistics().compute(filter);
        problem_->clear();
        problem_->hide();
    } catch (const std::exception& e) {
        // The figures shown stay those of the last good filter.
        problem_->setText(tr("Not shown: %1").arg(QString::fromUtf8(e.what())));
        problem_->show();
        return;
    }
    const auto& s = shown_;
    QString outcomes;
    for (const auto& kind : records::kLeadOutcomes)
        outcomes += QString("%1 %2  ").arg(QString::fromStdString(kind)).arg(s.outcomes.count(kind) ? s.outcomes.at(kind) : 0);
    summary_->setText(tr("<b>%1</b> pieces of evidence entered, <b>%2</b> leads (%3 open), <b>%4</b> hits, %5 rejected; "
                         "confirmation rate <b>%6 %</b> (hits over decided leads). Backlog: <b>%7</b> lists nobody has reviewed%8.<br>"
                         "Outcomes reported: %9<br><small>Counts and times from this store's records; how they are counted: "
                         "docs/statistics.md.</small>")
                          .arg(s.evidence)
                          .arg(s.leads)
                          .arg(s.openLeads)
                          .arg(s.hits)
                          .arg(s.rejected)
                          .arg(100 * s.confirmationRate, 0, 'f', 1)
                          .arg(s.unreviewedLists)
                          .arg(s.unreviewedLists ? tr(", the oldest %1 h").arg(s.oldestUnreviewedHours, 0, 'f', 1) : QString())
                          .arg(outcomes.trimmed()));
    for (int r = 0; r < int(s.turnaround.size()); ++r) {
        const auto& t = s.turnaround[r];
        const QStringList cells{QString::number(t.count), t.count ? QString::number(t.medianHours, 'f', 1) : "—",
                                t.count ? QString::number(t.p90Hours, 'f', 1) : "—",
                                t.count ? QString::number(100 * t.within48h, 'f', 1) + " %" : "—"};
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            turnaround_->setItem(r, c, item);
        }
    }
    // Leads and hits per month: Qt Charts, not hand drawing.
    auto* chart = new QChart;
    chart->setTitle(tr("Evidence entered, leads and hits per month"));
    auto* entered = new QBarSet(tr("Entered"));
    auto* leads = new QBarSet(tr("Leads"));
    auto* hits = new QBarSet(tr("Hits"));
    QStringList months;
    int top = 1;
    for (const auto& m : s.byMonth) {
        months << QString::fromStdString(m.key);
        *entered << m.entered;
        *leads << m.leads;
        *hits << m.hits;
        top = std::max({top, m.entered, m.leads, m.hits});
    }
    auto* series = new QBarSeries;
    series->append(entered);
    series->append(leads);
    series->append(hits);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(months);
    auto* y = new QValueAxis;
    y->setRange(0, top);
    y->setLabelFormat("%d");
    y->setTickType(QValueAxis::TicksDynamic);  // whole numbers: these are counts
    y->setTickAnchor(0);
    y->setTickInterval(std::max(1, (top + 4) / 5));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    QChart* old = monthly_->chart();
    monthly_->setChart(chart);
    delete old;
}

}  // namespace striae::ui
