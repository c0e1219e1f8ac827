#include "striae/ui/BulletComparisonPanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "striae/ui/SignaturePlot.h"

namespace striae::ui {

BulletComparisonPanel::BulletComparisonPanel(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)), matrix_(new QTableWidget(this)), plot_(new SignaturePlot(this)) {
    setObjectName("BulletComparisonPanel");
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    matrix_->setObjectName("LandMatrix");
    matrix_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    matrix_->setSelectionMode(QAbstractItemView::SingleSelection);
    matrix_->setToolTip(tr("CCF of each land of A (rows) with each land of B (columns); the lands the phase lines up are in bold. Click a cell to plot the pair."));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(matrix_);
    splitter->addWidget(plot_);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(splitter, 1);
    connect(matrix_, &QTableWidget::cellClicked, this, &BulletComparisonPanel::selectPair);
}

void BulletComparisonPanel::showComparison(std::vector<imaging::LandSignature> a, std::vector<imaging::LandSignature> b,
                                           const matching::BulletComparison& result, const QString& titleA, const QString& titleB) {
    a_ = std::move(a);
    b_ = std::move(b);
    result_ = result;
    const int n = result.lands;
    double cmps = 0;
    for (const auto& [i, j] : result.alignedPairs) cmps += result.matrix[std::size_t(i)][std::size_t(j)].cmps;
    summary_->setText(tr("<b>A:</b> %1 &nbsp; <b>B:</b> %2<br>Bullet score (mean CCF of the aligned lands): <b>%3</b>; "
                         "phase: land i of A with land i+%4 of B (%5 ahead of the next phase); mean CMPS %6, mean CMS %7")
                          .arg(titleA, titleB)
                          .arg(result.score, 0, 'f', 3)
                          .arg(result.phase)
                          .arg(result.phaseMargin, 0, 'f', 3)
                          .arg(result.cmpsMean, 0, 'f', 1)
                          .arg(result.cmsMean, 0, 'f', 1));
    matrix_->clear();
    matrix_->setRowCount(n);
    matrix_->setColumnCount(n);
    QStringList rows, cols;
    for (int i = 0; i < n; ++i) {
        rows << QString::fromStdString(a_[std::size_t(i)].label);
        cols << QString::fromStdString(b_[std::size_t(i)].label);
    }
    matrix_->setVerticalHeaderLabels(rows);
    matrix_->setHorizontalHeaderLabels(cols);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const auto& c = result.matrix[std::size_t(i)][std::size_t(j)];
            auto* cell = new QTableWidgetItem(QString::number(c.ccf, 'f', 3));
            cell->setTextAlignment(Qt::AlignCenter);
            cell->setToolTip(tr("CCF %1 at %2 µm; CMS %3; CMPS %4 of %5 segments")
                                 .arg(c.ccf, 0, 'f', 3)
                                 .arg(c.lagUm, 0, 'f', 1)
                                 .arg(c.cms)
                                 .arg(c.cmps)
                                 .arg(c.segments));
            // Shade by score; the aligned lands bold and framed in green.
            const int shade = int(255 - std::clamp(c.ccf, 0.0, 1.0) * 120);
            cell->setBackground(QColor(shade, shade, 255));
            if (j == (i + result.phase) % n) {
                QFont f = cell->font();
                f.setBold(true);
                cell->setFont(f);
                cell->setBackground(QColor(150, 220, 150));
            }
            matrix_->setItem(i, j, cell);
        }
    matrix_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    if (n > 0) {
        // The best aligned pair first.
        int best = 0;
        for (int i = 0; i < n; ++i)
            if (result.matrix[std::size_t(i)][std::size_t((i + result.phase) % n)].ccf >
                result.matrix[std::size_t(best)][std::size_t((best + result.phase) % n)].ccf)
                best = i;
        selectPair(best, (best + result.phase) % n);
    }
}

void BulletComparisonPanel::selectPair(int i, int j) {
    if (i < 0 || j < 0 || i >= int(a_.size()) || j >= int(b_.size())) return;
    matrix_->setCurrentCell(i, j);
    const auto& c = result_.matrix[std::size_t(i)][std::size_t(j)];
    plot_->setSignatures(a_[std::size_t(i)].signature, b_[std::size_t(j)].signature, a_[std::size_t(i)].spacingUm, c.lagUm,
                         QString::fromStdString(a_[std::size_t(i)].label), QString::fromStdString(b_[std::size_t(j)].label),
                         tr("CCF %1, CMS %2, CMPS %3/%4").arg(c.ccf, 0, 'f', 3).arg(c.cms).arg(c.cmps).arg(c.segments));
}

}  // namespace striae::ui
