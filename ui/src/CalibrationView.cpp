#include "striae/ui/CalibrationView.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "striae/matching/LikelihoodRatio.h"

namespace striae::ui {

namespace {

QString rate(const matching::RateInterval& r) {
    return QStringLiteral("%1/%2  %3 % [%4, %5]")
        .arg(r.errors)
        .arg(r.trials)
        .arg(100 * r.rate, 0, 'f', 2)
        .arg(100 * r.lower, 0, 'f', 2)
        .arg(100 * r.upper, 0, 'f', 2);
}

QValueAxis* axis(const QString& title, double lo, double hi) {
    auto* a = new QValueAxis;
    a->setTitleText(title);
    a->setRange(lo, hi);
    const double span = hi - lo;
    if (span >= 2 && span <= 14 && span == std::floor(span)) {  // whole decades on log10 axes
        a->setTickCount(int(span) + 1);
        a->setLabelFormat("%.0f");
    }
    return a;
}

// Proportion of LRs at or above each threshold (a Tippett curve), as steps.
QLineSeries* tippettSeries(std::vector<double> lrs, const QString& name, double lo, double hi) {
    auto* s = new QLineSeries;
    s->setName(name);
    std::sort(lrs.begin(), lrs.end());
    const double n = double(lrs.size());
    for (int k = 0; k <= 400; ++k) {
        const double x = lo + (hi - lo) * k / 400.0;
        const auto above = lrs.end() - std::lower_bound(lrs.begin(), lrs.end(), x);
        s->append(x, double(above) / n);
    }
    return s;
}

QChartView* chartView(QChart* chart) {
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(440, 320);
    return view;
}

}  // namespace

CalibrationView::CalibrationView(const matching::CalibrationModel& m, QWidget* parent)
    : QDialog(parent), summary_(new QLabel(this)), figures_(new QTableWidget(0, 3, this)) {
    setWindowTitle(tr("Calibration model %1").arg(QString::fromStdString(m.id)));
    setObjectName("calibrationView");
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setText(
        tr("<b>Calibration model %1</b> %2<br>"
           "Fitted %3 by %4 on %5 pairs of %6 scans from %7 firearms (%8 known matches, %9 known non-matches); truth %10. %11<br>"
           "Score: <b>%12</b> — %13.<br>"
           "LR = 10^(%14 + %15 × score), bounded to 10^%16 … 10^%17 (ELUB: beyond these the reference data cannot support an LR); "
           "95 % intervals from %18 bootstrap refits over firearms.<br>"
           "Validation: %19. Method and what it does not cover: docs/validation.md.")
            .arg(QString::fromStdString(m.id), m.name.empty() ? QString() : QStringLiteral("(%1)").arg(QString::fromStdString(m.name)))
            .arg(QString::fromStdString(m.created), QString::fromStdString(m.software))
            .arg(m.data.pairs)
            .arg(m.data.scans)
            .arg(m.data.firearms)
            .arg(m.data.knownMatches)
            .arg(m.data.knownNonMatches)
            .arg(QString::fromStdString(m.data.truthFile), QString::fromStdString(m.data.description))
            .arg(QString::fromLatin1(matching::scoreKindName(m.score.kind)), QString::fromStdString(m.validation.chosenBecause))
            .arg(m.calibration.a, 0, 'f', 3)
            .arg(m.calibration.b, 0, 'f', 3)
            .arg(m.calibration.lowerBoundLog10, 0, 'f', 2)
            .arg(m.calibration.upperBoundLog10, 0, 'f', 2)
            .arg(m.calibration.bootstrap.size())
            .arg(QString::fromStdString(m.validation.scheme)));

    // The figures, the model's score beside the CMC count on the same folds.
    figures_->setObjectName("calibrationFigures");
    figures_->setHorizontalHeaderLabels({tr("Cross-validated"), tr("CMC count"), tr("This model's score")});
    figures_->verticalHeader()->hide();
    figures_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto add = [this](const QString& name, const QString& count, const QString& score) {
        const int r = figures_->rowCount();
        figures_->insertRow(r);
        figures_->setItem(r, 0, new QTableWidgetItem(name));
        figures_->setItem(r, 1, new QTableWidgetItem(count));
        figures_->setItem(r, 2, new QTableWidgetItem(score));
    };
    const auto& c = m.validation.count;
    const auto& s = m.validation.score;
    add(tr("AUC"), QString::number(c.auc, 'f', 4), QString::number(s.auc, 'f', 4));
    add(tr("Cllr (bits)"), QString::number(c.cllr, 'f', 4), QString::number(s.cllr, 'f', 4));
    add(tr("Cllr-min (bits)"), QString::number(c.cllrMin, 'f', 4), QString::number(s.cllrMin, 'f', 4));
    for (std::size_t i = 0; i < c.errorRates.size() && i < s.errorRates.size(); ++i) {
        add(tr("False positives, %1").arg(QString::fromStdString(s.errorRates[i].rule)), rate(c.errorRates[i].falsePositive),
            rate(s.errorRates[i].falsePositive));
        add(tr("False negatives, %1").arg(QString::fromStdString(s.errorRates[i].rule)), rate(c.errorRates[i].falseNegative),
            rate(s.errorRates[i].falseNegative));
    }
    figures_->resizeColumnsToContents();
    figures_->horizontalHeader()->setStretchLastSection(true);

    const auto& hp = m.validation.knownMatchLog10Lrs;
    const auto& hd = m.validation.knownNonMatchLog10Lrs;
    const double lo = std::floor(m.calibration.lowerBoundLog10) - 1, hi = std::ceil(m.calibration.upperBoundLog10) + 1;

    auto* t = new QChart;
    t->setTitle(tr("Tippett plot (cross-validated LRs)"));
    auto* tx = axis(tr("log10 LR"), lo, hi);
    auto* ty = axis(tr("proportion of LRs ≥ x"), 0, 1);
    t->addAxis(tx, Qt::AlignBottom);
    t->addAxis(ty, Qt::AlignLeft);
    if (!hp.empty() && !hd.empty())
        for (auto* series : {tippettSeries(hp, tr("known matches (%1)").arg(hp.size()), lo, hi),
                             tippettSeries(hd, tr("known non-matches (%1)").arg(hd.size()), lo, hi)}) {
            t->addSeries(series);
            series->attachAxis(tx);
            series->attachAxis(ty);
        }
    t->legend()->setAlignment(Qt::AlignBottom);
    tippett_ = chartView(t);
    tippett_->setObjectName("tippettPlot");

    auto* e = new QChart;
    e->setTitle(tr("Empirical cross-entropy"));
    auto* ex = axis(tr("prior log10 odds"), -4, 4);
    double top = 1.0;
    std::vector<QLineSeries*> curves;
    if (!hp.empty() && !hd.empty()) {
        std::vector<double> all = hp, labels;
        all.insert(all.end(), hd.begin(), hd.end());
        std::vector<int> y(hp.size(), 1);
        y.resize(all.size(), 0);
        const auto pav = matching::pavLog10Lrs(all, y);
        const std::vector<double> pavHp(pav.begin(), pav.begin() + std::ptrdiff_t(hp.size())), pavHd(pav.begin() + std::ptrdiff_t(hp.size()), pav.end());
        const std::vector<double> neutralHp(hp.size(), 0.0), neutralHd(hd.size(), 0.0);
        struct Curve { QString name; const std::vector<double>* p; const std::vector<double>* d; };
        for (const Curve& cv : {Curve{tr("these LRs"), &hp, &hd}, Curve{tr("after PAV (the best calibration)"), &pavHp, &pavHd},
                                Curve{tr("LR = 1 always (neutral)"), &neutralHp, &neutralHd}}) {
            auto* series = new QLineSeries;
            series->setName(cv.name);
            for (int k = 0; k <= 160; ++k) {
                const double prior = -4 + 8.0 * k / 160.0;
                const double value = matching::empiricalCrossEntropy(*cv.p, *cv.d, prior);
                series->append(prior, value);
                top = std::max(top, value);
            }
            curves.push_back(series);
        }
    }
    auto* ey = axis(tr("ECE (bits)"), 0, std::min(top, 2.0) * 1.05);
    e->addAxis(ex, Qt::AlignBottom);
    e->addAxis(ey, Qt::AlignLeft);
    for (auto* series : curves) {
        e->addSeries(series);
        series->attachAxis(ex);
        series->attachAxis(ey);
    }
    e->legend()->setAlignment(Qt::AlignBottom);
    ece_ = chartView(e);
    ece_->setObjectName("ecePlot");

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(figures_, 1);
    auto* plots = new QHBoxLayout;
    plots->addWidget(tippett_);
    plots->addWidget(ece_);
    layout->addLayout(plots, 2);
    resize(1100, 900);
}

}  // namespace striae::ui
