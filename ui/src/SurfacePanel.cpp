#include "striae/ui/SurfacePanel.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "striae/viewer3d/SurfaceScene.h"
#include "striae/viewer3d/VtkView.h"

namespace striae::ui {

namespace {
QSlider* slider(int lo, int hi, int value, QWidget* parent) {
    auto* s = new QSlider(Qt::Horizontal, parent);
    s->setRange(lo, hi);
    s->setValue(value);
    return s;
}
}  // namespace

SurfacePanel::SurfacePanel(QWidget* parent)
    : QWidget(parent),
      view_(new viewer3d::VtkView(this)),
      title_(new QLabel(this)),
      azimuth_(slider(0, 360, 45, this)),
      elevation_(slider(5, 90, 30, this)),
      exaggeration_(slider(1, 200, 20, this)),
      falseColour_(new QCheckBox(tr("False colour by height"), this)) {
    falseColour_->setChecked(true);
    auto* reset = new QPushButton(tr("Reset view"), this);
    auto* save = new QPushButton(tr("Save view as PNG…"), this);
    auto* controls = new QFormLayout;
    controls->addRow(tr("Light azimuth (°)"), azimuth_);
    controls->addRow(tr("Light elevation (°)"), elevation_);
    controls->addRow(tr("Height exaggeration (×)"), exaggeration_);
    controls->addRow(falseColour_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(reset);
    buttons->addWidget(save);
    buttons->addStretch();
    auto* side = new QVBoxLayout;
    side->addWidget(title_);
    side->addLayout(controls);
    side->addLayout(buttons);
    side->addStretch();
    auto* sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    sideWidget->setFixedWidth(300);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(view_, 1);
    layout->addWidget(sideWidget);
    title_->setWordWrap(true);
    for (QSlider* s : {azimuth_, elevation_, exaggeration_}) connect(s, &QSlider::valueChanged, this, &SurfacePanel::applyControls);
    connect(falseColour_, &QCheckBox::toggled, this, &SurfacePanel::applyControls);
    connect(reset, &QPushButton::clicked, view_, &viewer3d::VtkView::resetView);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save view"), QString(), tr("PNG images (*.png)"));
        if (!path.isEmpty()) saveView(path);
    });
}

void SurfacePanel::showSurface(const imaging::Surface& surface, const QString& title) {
    scene_ = std::make_shared<viewer3d::SurfaceScene>(surface);
    title_->setText(title);
    applyControls();
    view_->setScene(scene_);
}

void SurfacePanel::applyControls() {
    if (!scene_) return;
    scene_->setLight(azimuth_->value(), elevation_->value());
    scene_->setExaggeration(exaggeration_->value());
    scene_->setFalseColour(falseColour_->isChecked());
    view_->update();
}

bool SurfacePanel::saveView(const QString& path, QString* error) {
    const QImage image = view_->grabFramebuffer();
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error) *error = tr("Cannot write %1").arg(path);
        return false;
    }
    return true;
}

}  // namespace striae::ui
