#include "striae/ui/SurfacePanel.h"

#include "striae/records/Store.h"

#include <QCheckBox>
#include <QSettings>
#include <QInputDialog>
#include <QMessageBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

#include "striae/ui/ProfilePlot.h"
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
      measure_(new QLabel(this)),
      pinMode_(new QPushButton(tr("Pin a note…"), this)),
      pinList_(new QLabel(this)),
      azimuth_(slider(0, 360, 45, this)),
      elevation_(slider(5, 90, 30, this)),
      exaggeration_(slider(1, 200, 20, this)),
      falseColour_(new QCheckBox(tr("False colour by height"), this)),
      colourMap_(new QComboBox(this)),
      plot_(new ProfilePlot(this)) {
    // Grey and lit by default, as under a comparison microscope; false colour on a perceptual map if asked.
    falseColour_->setChecked(false);
    colourMap_->addItem(tr("Viridis"));
    colourMap_->addItem(tr("Cividis (colour-blind safe)"));
    colourMap_->setEnabled(false);
    auto* reset = new QPushButton(tr("Reset view"), this);
    auto* save = new QPushButton(tr("Save view as PNG…"), this);
    auto* controls = new QFormLayout;
    controls->addRow(tr("Light azimuth (°)"), azimuth_);
    controls->addRow(tr("Light elevation (°)"), elevation_);
    controls->addRow(tr("Height exaggeration (×)"), exaggeration_);
    controls->addRow(falseColour_);
    controls->addRow(tr("Colour map"), colourMap_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(reset);
    buttons->addWidget(save);
    buttons->addStretch();
    auto* side = new QVBoxLayout;
    side->addWidget(title_);
    side->addLayout(controls);
    side->addLayout(buttons);
    auto* profileHeading = new QLabel(tr("<b>Profile and measurement</b> (shift+click two points; a second line gives the angle)"), this);
    profileHeading->setWordWrap(true);
    side->addWidget(profileHeading);
    side->addWidget(plot_);
    title_->setObjectName("surfaceTitle");
    measure_->setObjectName("measurement");
    measure_->setWordWrap(true);
    measure_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    side->addWidget(measure_);
    pinMode_->setCheckable(true);
    pinMode_->setObjectName("pinMode");
    pinMode_->setToolTip(tr("Then shift+click the place on the surface and write the note"));
    pinMode_->setEnabled(false);
    pinList_->setObjectName("pins");
    pinList_->setWordWrap(true);
    side->addWidget(pinMode_);
    side->addWidget(pinList_);
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
    connect(colourMap_, &QComboBox::currentIndexChanged, this, &SurfacePanel::applyControls);
    connect(reset, &QPushButton::clicked, view_, &viewer3d::VtkView::resetView);
    connect(view_, &viewer3d::VtkView::surfacePicked, this, [this](double x, double y, double) {
        if (!scene_) return;
        if (pinMode_->isChecked()) {
            pinMode_->setChecked(false);
            bool ok = false;
            const QString note = QInputDialog::getMultiLineText(this, tr("Pin a note"), tr("Note at this place (kept in the case, audited):"),
                                                                QString(), &ok);
            if (ok && !note.trimmed().isEmpty()) pinNote(x, -y, note.trimmed());
            return;
        }
        if (!profileStart_) {
            profileStart_ = std::make_pair(x, y);
            return;
        }
        double c0, r0, c1, r1;
        scene_->worldToPixel(profileStart_->first, profileStart_->second, c0, r0);
        scene_->worldToPixel(x, y, c1, r1);
        profileStart_.reset();
        showProfile(c0, r0, c1, r1);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save view"), QString(), tr("PNG images (*.png)"));
        if (!path.isEmpty()) saveView(path);
    });
}

void SurfacePanel::showSurface(const imaging::Surface& surface, const QString& title) {
    scene_ = std::make_shared<viewer3d::SurfaceScene>(surface);
    surface_ = surface;
    profileStart_.reset();
    lastDirection_.reset();
    measure_->clear();
    plot_->setProfile({});
    title_->setText(title);
    applyControls();
    view_->setScene(scene_);
}

void SurfacePanel::applyControls() {
    if (!scene_) return;
    scene_->setLight(azimuth_->value(), elevation_->value());
    scene_->setExaggeration(exaggeration_->value());
    scene_->setFalseColour(falseColour_->isChecked());
    scene_->setColourMap(colourMap_->currentIndex() == 1 ? viewer3d::ColourMap::Cividis : viewer3d::ColourMap::Viridis);
    colourMap_->setEnabled(falseColour_->isChecked());
    view_->update();
}

void SurfacePanel::showProfile(double col0, double row0, double col1, double row1) {
    if (!scene_) return;
    const int samples = std::max(2, int(std::hypot(col1 - col0, row1 - row0) * 2));
    plot_->setProfile(imaging::profileAlong(surface_, col0, row0, col1, row1, samples));
    scene_->setProfileLine(col0 * surface_.spacingX() * 1e6, -row0 * surface_.spacingY() * 1e6, col1 * surface_.spacingX() * 1e6,
                           -row1 * surface_.spacingY() * 1e6);
    // Metrology: the line's length and direction in the scan's frame, and the angle to the line before.
    const double dx = (col1 - col0) * surface_.spacingX() * 1e6, dy = -(row1 - row0) * surface_.spacingY() * 1e6;
    const double length = std::hypot(dx, dy);
    const double direction = std::atan2(dy, dx) * 180 / M_PI;
    QString text = tr("<b>Distance</b> %1 µm, direction %2° from the x axis").arg(length, 0, 'f', 1).arg(direction, 0, 'f', 1);
    if (lastDirection_) {
        double between = std::fmod(std::abs(direction - *lastDirection_), 180.0);
        if (between > 90) between = 180 - between;
        text += tr("<br><b>Angle</b> to the previous line: %1°").arg(between, 0, 'f', 1);
    }
    lastDirection_ = direction;
    lastDistanceUm_ = length;
    measure_->setText(text);
    view_->update();
}

void SurfacePanel::setAnnotationContext(records::Store* store, std::optional<records::User> user, records::Id acquisitionId) {
    store_ = store;
    user_ = std::move(user);
    acquisitionId_ = acquisitionId;
    pinMode_->setEnabled(store_ && user_ && acquisitionId_ > 0);
    pinMode_->setToolTip(!user_ ? tr("Log in to pin notes (Session, Log in)") : tr("Then shift+click the place on the surface and write the note"));
    refreshPins();
}

void SurfacePanel::saveSettings(QSettings& s) const {
    s.setValue("view/lightAzimuth", azimuth_->value());
    s.setValue("view/lightElevation", elevation_->value());
    s.setValue("view/exaggeration", exaggeration_->value());
    s.setValue("view/falseColour", falseColour_->isChecked());
    s.setValue("view/colourMap", colourMap_->currentIndex());
}

void SurfacePanel::restoreSettings(const QSettings& s) {
    azimuth_->setValue(s.value("view/lightAzimuth", azimuth_->value()).toInt());
    elevation_->setValue(s.value("view/lightElevation", elevation_->value()).toInt());
    exaggeration_->setValue(s.value("view/exaggeration", exaggeration_->value()).toInt());
    falseColour_->setChecked(s.value("view/falseColour", falseColour_->isChecked()).toBool());
    colourMap_->setCurrentIndex(s.value("view/colourMap", colourMap_->currentIndex()).toInt());
    applyControls();
}

bool SurfacePanel::pinNote(double xUm, double yUm, const QString& note) {
    if (!store_ || !user_ || acquisitionId_ <= 0) return false;
    try {
        store_->annotate(*user_, acquisitionId_, xUm, yUm, note.toStdString());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Not pinned"), QString::fromUtf8(e.what()));
        return false;
    }
    refreshPins();
    return true;
}

void SurfacePanel::refreshPins() {
    std::vector<std::pair<double, double>> at;
    QStringList lines;
    if (store_ && acquisitionId_ > 0 && scene_) {
        int n = 0;
        for (const auto& a : store_->annotationsOf(acquisitionId_)) {
            at.emplace_back(a.xUm / (surface_.spacingX() * 1e6), a.yUm / (surface_.spacingY() * 1e6));
            lines << tr("%1. (%2, %3 µm) %4").arg(++n).arg(a.xUm, 0, 'f', 0).arg(a.yUm, 0, 'f', 0).arg(QString::fromStdString(a.note).toHtmlEscaped());
        }
    }
    if (scene_) scene_->setPins(at);
    pinList_->setText(lines.isEmpty() ? QString() : tr("<b>Notes</b><br>") + lines.join("<br>"));
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
