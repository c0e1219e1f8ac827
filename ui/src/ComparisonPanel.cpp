#include "striae/ui/ComparisonPanel.h"

#include <algorithm>
#include <cmath>

#include "striae/imaging/Preprocess.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>

#include "striae/matching/Cmc.h"
#include "striae/viewer3d/SurfaceScene.h"
#include "striae/viewer3d/VtkView.h"

namespace striae::ui {

ComparisonPanel::ComparisonPanel(QWidget* parent)
    : QWidget(parent),
      left_(new viewer3d::VtkView(this)),
      right_(new viewer3d::VtkView(this)),
      leftTitle_(new QLabel(this)),
      rightTitle_(new QLabel(this)),
      summary_(new QLabel(this)),
      showCells_(new QCheckBox(tr("Show CMC cells"), this)),
      split_(new QCheckBox(tr("Split view"), this)),
      falseColour_(new QCheckBox(tr("False colour (one height range)"), this)),
      splitLine_(new QSlider(Qt::Horizontal, this)) {
    splitLine_->setRange(0, 100);
    splitLine_->setValue(50);
    splitLine_->setEnabled(false);
    splitLine_->setToolTip(tr("Where the reference ends and the compared scan begins"));
    showCells_->setChecked(true);
    auto* reset = new QPushButton(tr("Reset view"), this);
    // The two views in a grid of their own: in split mode the right column is
    // empty and the left view takes the whole width (rows spanning both
    // columns would keep the empty column open).
    auto* views = new QGridLayout;
    views->addWidget(leftTitle_, 0, 0);
    views->addWidget(rightTitle_, 0, 1);
    views->addWidget(left_, 1, 0);
    views->addWidget(right_, 1, 1);
    views->setRowStretch(1, 1);
    auto* row = new QHBoxLayout;
    row->addWidget(showCells_);
    row->addWidget(falseColour_);
    row->addWidget(reset);
    row->addStretch();
    auto* splitRow = new QHBoxLayout;
    splitRow->addWidget(split_);
    splitRow->addWidget(splitLine_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(views, 1);
    layout->addWidget(summary_);
    layout->addLayout(row);
    layout->addLayout(splitRow);
    summary_->setWordWrap(true);
    // One camera: when either view moves, repaint the other.
    connect(left_, &viewer3d::VtkView::viewChanged, right_, qOverload<>(&QWidget::update));
    connect(right_, &viewer3d::VtkView::viewChanged, left_, qOverload<>(&QWidget::update));
    // The view that follows draws its coarse mesh too while the other one moves.
    connect(left_, &viewer3d::VtkView::interactionChanged, right_, &viewer3d::VtkView::setInteracting);
    connect(right_, &viewer3d::VtkView::interactionChanged, left_, &viewer3d::VtkView::setInteracting);
    connect(reset, &QPushButton::clicked, left_, &viewer3d::VtkView::resetView);
    // A click on a cell (either side) selects it and its partner on the other side.
    for (viewer3d::VtkView* v : {left_, right_})
        connect(v, &viewer3d::VtkView::surfaceClicked, this, [this](double x, double y, double) { selectCellAt(x, y); });
    connect(split_, &QCheckBox::toggled, this, [this](bool on) { setSplitView(on, splitLine_->value()); });
    connect(splitLine_, &QSlider::valueChanged, this, [this](int v) {
        if (split_->isChecked()) setSplitView(true, v);
    });
    connect(falseColour_, &QCheckBox::toggled, this, [this](bool on) {
        for (const auto& scene : {reference_, compared_})
            if (scene) scene->setFalseColour(on);
        if (split_->isChecked()) setSplitView(true, splitLine_->value());  // the partner's colours too
        left_->update();
        right_->update();
    });
    connect(showCells_, &QCheckBox::toggled, this, [this](bool on) {
        if (reference_) reference_->setCellOverlayVisible(on);
        if (compared_) compared_->setCellOverlayVisible(on);
        left_->update();
        right_->update();
    });
}

void ComparisonPanel::setSplitView(bool on, int linePercent) {
    if (split_->isChecked() != on) {
        const QSignalBlocker block(split_);
        split_->setChecked(on);
    }
    splitLine_->setEnabled(on);
    if (!reference_ || !compared_) return;
    if (on) {
        reference_->splitWith(*compared_, reference_->widthMicrometres() * linePercent / 100.0);
        right_->hide();
        rightTitle_->hide();
        leftTitle_->setText(splitTitle_);
    } else {
        reference_->clearSplit();
        right_->show();
        rightTitle_->show();
        leftTitle_->setText(referenceTitle_);
    }
    left_->update();
    right_->update();
}

void ComparisonPanel::showComparison(const imaging::Surface& referenceScan, const imaging::Surface& comparedScan,
                                     const matching::CmcResult& r, const QString& referenceTitle, const QString& comparedTitle) {
    // Scans at different spacings were compared at the coarser one: shown at
    // it too, so the registration and the cells (in its pixels) fall right.
    auto atCommon = [&](const imaging::Surface& s) {
        return r.spacing > 0 && std::abs(s.spacingX() / r.spacing - 1) > 0.01 ? imaging::resample(s, r.spacing) : s;
    };
    const imaging::Surface reference = atCommon(referenceScan), compared = atCommon(comparedScan);
    reference_ = std::make_shared<viewer3d::SurfaceScene>(reference);
    compared_ = std::make_shared<viewer3d::SurfaceScene>(compared);
    reference_->shareCameraWith(*compared_);
    // One height range for both sides: the same colour means the same height.
    const auto [loA, hiA] = reference_->heightRange();
    const auto [loB, hiB] = compared_->heightRange();
    for (const auto& scene : {reference_, compared_}) {
        scene->setHeightRange(std::min(loA, loB), std::max(hiA, hiB));
        scene->setFalseColour(falseColour_->isChecked());
    }
    const auto& d = r.forward;
    result_ = r;
    selectedCell_ = -1;
    compared_->setRegistration(d.consensus.thetaDeg, d.consensus.dx, d.consensus.dy);
    // The reference's cells, in the reference's frame: the placed compared scan lies under them.
    std::vector<viewer3d::CellOutline> cells;
    for (const auto& c : d.cells)
        if (c.used) cells.push_back({c.row0, c.col0, c.rows, c.cols, c.congruentOriginal});
    reference_->setCellOverlay(cells);
    compared_->setCellOverlay(cells);
    reference_->setCellOverlayVisible(showCells_->isChecked());
    compared_->setCellOverlayVisible(showCells_->isChecked());
    left_->setScene(reference_);
    right_->setScene(compared_);
    referenceTitle_ = referenceTitle;
    splitTitle_ = tr("%1 (left of the line) | %2 (right)").arg(referenceTitle, comparedTitle);
    leftTitle_->setText(referenceTitle);
    rightTitle_->setText(comparedTitle);
    if (split_->isChecked()) setSplitView(true, splitLine_->value());
    summaryText_ = (tr("<b>%1 CMCs</b> (original rule; High CMC rule: %2), %3 of %4 cells congruent in this direction. "
                         "Compared scan placed by the consensus registration: rotation %5°, shift %6, %7 µm.")
                          .arg(r.originalCount)
                          .arg(r.highCount)
                          .arg(d.originalCount)
                          .arg(d.usedCells)
                          .arg(d.consensus.thetaDeg, 0, 'f', 1)
                          .arg(d.consensus.dx * r.spacing * 1e6, 0, 'f', 1)
                          .arg(d.consensus.dy * r.spacing * 1e6, 0, 'f', 1) +
                      (r.resampled ? tr(" Scans at %1 and %2 µm, compared and shown at %3 µm.")
                                         .arg(r.referenceSpacing * 1e6, 0, 'f', 3)
                                         .arg(r.comparedSpacing * 1e6, 0, 'f', 3)
                                         .arg(r.spacing * 1e6, 0, 'f', 3)
                                   : QString()));
    summary_->setText(summaryText_ + tr("<br><i>Click a cell to see it and its partner on the other side.</i>"));
}

int ComparisonPanel::selectedCell() const { return selectedCell_; }

void ComparisonPanel::setPins(const std::vector<std::pair<double, double>>& reference, const std::vector<std::pair<double, double>>& compared) {
    if (reference_) reference_->setPins(reference);
    if (compared_) compared_->setPins(compared);
    left_->update();
    right_->update();
}

void ComparisonPanel::selectCellAt(double x, double y) {
    if (!reference_ || !compared_) return;
    double col = 0, row = 0;
    reference_->worldToPixel(x, y, col, row);  // both overlays are in the reference's frame
    const auto& cells = result_.forward.cells;
    int found = -1;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& c = cells[i];
        if (c.used && col >= c.col0 && col < c.col0 + c.cols && row >= c.row0 && row < c.row0 + c.rows) found = int(i);
    }
    if (found < 0) return;
    selectedCell_ = found;
    const auto& d = result_.forward;
    const auto& cell = cells[std::size_t(found)];
    std::vector<viewer3d::CellOutline> mine, theirs;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& c = cells[i];
        if (!c.used) continue;
        mine.push_back({c.row0, c.col0, c.rows, c.cols, c.congruentOriginal, int(i) == found});
        theirs.push_back({c.row0, c.col0, c.rows, c.cols, c.congruentOriginal, false});
    }
    // The partner: where this cell's own best registration puts it on the compared scan, relative to the consensus placement.
    const int shiftCols = int(std::lround(cell.best.dx - d.consensus.dx)), shiftRows = int(std::lround(cell.best.dy - d.consensus.dy));
    theirs.push_back({cell.row0 + shiftRows, cell.col0 + shiftCols, cell.rows, cell.cols, cell.congruentOriginal, true});
    reference_->setCellOverlay(mine);
    compared_->setCellOverlay(theirs);
    reference_->setCellOverlayVisible(true);
    compared_->setCellOverlayVisible(true);
    const double um = result_.spacing * 1e6;
    summary_->setText(summaryText_ +
                      tr("<br><b>Cell row %1, column %2</b>: correlation %3 at rotation %4°, shift %5, %6 µm — %7")
                          .arg(cell.gridRow + 1)
                          .arg(cell.gridCol + 1)
                          .arg(cell.best.correlation, 0, 'f', 2)
                          .arg(cell.best.thetaDeg, 0, 'f', 1)
                          .arg(cell.best.dx * um, 0, 'f', 1)
                          .arg(cell.best.dy * um, 0, 'f', 1)
                          .arg(cell.congruentOriginal ? tr("congruent (agrees with the consensus)") : tr("not congruent")));
    left_->update();
    right_->update();
}

}  // namespace striae::ui
