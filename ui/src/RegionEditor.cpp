#include "striae/ui/RegionEditor.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace striae::ui {

RegionEditor::RegionEditor(QWidget* parent) : QWidget(parent) {
    setObjectName("regionEditor");
    setMinimumSize(320, 320);
    setMouseTracking(true);
    setToolTip(tr("Green: primer outline; orange: firing-pin impression. Drag inside a circle to move it, its rim to resize it."));
}

void RegionEditor::clear() {
    raw_ = {};
    region_ = {};
    image_ = {};
    primerMoved_ = pinMoved_ = false;
    update();
}

void RegionEditor::setScan(const imaging::Surface& raw, const imaging::BreechFaceHints& given) {
    raw_ = raw;
    region_ = imaging::findBreechFace(raw_, given);
    primerMoved_ = given.primer.has_value();
    pinMoved_ = given.firingPin.has_value();
    rerender();
}

imaging::BreechFaceHints RegionEditor::corrections() const {
    imaging::BreechFaceHints h;
    if (primerMoved_) h.primer = region_.primer();
    if (pinMoved_) h.firingPin = region_.firingPin();
    return h;
}

void RegionEditor::rerender() {
    if (raw_.empty()) return;
    // A corrected circle replaces its detection: what the pipeline will keep.
    imaging::BreechFaceRegion shown = region_;
    if (primerMoved_ || pinMoved_) shown = imaging::findBreechFace(raw_, corrections());
    const double margin = shown.primerFound ? 0.03 * shown.primerRadius : 0.0;
    const imaging::Surface masked = imaging::maskBreechFace(raw_, shown, margin);
    keptFraction_ = imaging::annulusKeptFraction(masked, shown);
    // The circles are drawn by the widget, so the picture carries none.
    imaging::BreechFaceRegion noCircles = shown;
    noCircles.primerFound = noCircles.firingPinFound = false;
    const imaging::RgbImage picture = imaging::renderRegionOverlay(raw_, noCircles, &masked, 700);
    image_ = QImage(picture.rgb.data(), picture.width, picture.height, picture.width * 3, QImage::Format_RGB888).copy();
    imageScale_ = picture.scale;
    region_.mask = shown.mask;
    region_.maskRows = shown.maskRows, region_.maskCols = shown.maskCols, region_.maskScale = shown.maskScale;
    update();
}

QRectF RegionEditor::imageRect() const {
    if (image_.isNull()) return {};
    const double s = std::min(width() / double(image_.width()), height() / double(image_.height()));
    const QSizeF size(image_.width() * s, image_.height() * s);
    return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

QPointF RegionEditor::toWidget(double col, double row) const {
    const QRectF r = imageRect();
    if (r.isEmpty()) return {};
    return {r.left() + (col + 0.5) / raw_.cols() * r.width(), r.top() + (row + 0.5) / raw_.rows() * r.height()};
}

QPointF RegionEditor::toScan(QPointF p) const {
    const QRectF r = imageRect();
    if (r.isEmpty()) return {};
    return {(p.x() - r.left()) / r.width() * raw_.cols() - 0.5, (p.y() - r.top()) / r.height() * raw_.rows() - 0.5};
}

RegionEditor::Handle RegionEditor::handleAt(QPointF p) const {
    if (raw_.empty()) return Handle::None;
    const QRectF r = imageRect();
    const double pxPerRaw = r.width() / raw_.cols();
    const QPointF s = toScan(p);
    auto test = [&](bool found, const imaging::Circle& c, Handle rim, Handle centre) -> std::optional<Handle> {
        if (!found) return std::nullopt;
        const double d = std::hypot(s.x() - c.x, s.y() - c.y);
        if (std::abs(d - c.radius) * pxPerRaw <= 8) return rim;
        if (d < c.radius * 0.5) return centre;
        return std::nullopt;
    };
    // The pin lies inside the primer: it is tried first.
    if (auto h = test(region_.firingPinFound, region_.firingPin(), Handle::PinRim, Handle::PinCentre)) return *h;
    if (auto h = test(region_.primerFound, region_.primer(), Handle::PrimerRim, Handle::PrimerCentre)) return *h;
    return Handle::None;
}

void RegionEditor::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (image_.isNull()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No raw scan selected"));
        return;
    }
    const QRectF r = imageRect();
    p.drawImage(r, image_);
    p.setRenderHint(QPainter::Antialiasing);
    const double pxPerRaw = r.width() / raw_.cols();
    auto circle = [&](const imaging::Circle& c, QColor colour) {
        p.setPen(QPen(colour, 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(toWidget(c.x, c.y), c.radius * pxPerRaw, c.radius * pxPerRaw);
        p.drawLine(toWidget(c.x, c.y) - QPointF(5, 0), toWidget(c.x, c.y) + QPointF(5, 0));
        p.drawLine(toWidget(c.x, c.y) - QPointF(0, 5), toWidget(c.x, c.y) + QPointF(0, 5));
    };
    if (region_.primerFound) circle(region_.primer(), QColor(60, 200, 60));
    if (region_.firingPinFound) circle(region_.firingPin(), QColor(255, 140, 0));
    const QString text = tr("primer %1, firing pin %2; %3 % of the annulus kept")
                             .arg(!region_.primerFound ? tr("not found") : primerMoved_ ? tr("corrected") : tr("detected"))
                             .arg(!region_.firingPinFound ? tr("not found") : pinMoved_ ? tr("corrected") : tr("detected"))
                             .arg(std::isnan(keptFraction_) ? 0.0 : 100 * keptFraction_, 0, 'f', 1);
    p.setPen(Qt::white);
    p.fillRect(QRectF(r.left(), r.bottom() - 22, r.width(), 22), QColor(0, 0, 0, 160));
    p.drawText(QRectF(r.left() + 6, r.bottom() - 22, r.width() - 12, 22), Qt::AlignVCenter | Qt::AlignLeft, text);
}

void RegionEditor::mousePressEvent(QMouseEvent* e) {
    dragging_ = handleAt(e->position());
    dragStart_ = toScan(e->position());
    dragCircle_ = (dragging_ == Handle::PinCentre || dragging_ == Handle::PinRim) ? region_.firingPin() : region_.primer();
}

void RegionEditor::mouseMoveEvent(QMouseEvent* e) {
    if (dragging_ == Handle::None) {
        const Handle h = handleAt(e->position());
        setCursor(h == Handle::PrimerRim || h == Handle::PinRim ? Qt::SizeAllCursor
                  : h == Handle::None                           ? Qt::ArrowCursor
                                                                : Qt::OpenHandCursor);
        return;
    }
    const QPointF s = toScan(e->position());
    imaging::Circle c = dragCircle_;
    if (dragging_ == Handle::PrimerCentre || dragging_ == Handle::PinCentre) {
        c.x += s.x() - dragStart_.x();
        c.y += s.y() - dragStart_.y();
    } else {
        c.radius = std::max(4.0, std::hypot(s.x() - c.x, s.y() - c.y));
    }
    if (dragging_ == Handle::PinCentre || dragging_ == Handle::PinRim) {
        region_.pinX = c.x, region_.pinY = c.y, region_.pinRadius = c.radius;
        region_.firingPinSource = "given";
    } else {
        region_.primerX = c.x, region_.primerY = c.y, region_.primerRadius = c.radius;
        region_.primerSource = "given";
    }
    update();
}

void RegionEditor::mouseReleaseEvent(QMouseEvent* e) {
    if (dragging_ == Handle::None) return;
    mouseMoveEvent(e);
    if (dragging_ == Handle::PinCentre || dragging_ == Handle::PinRim) pinMoved_ = true;
    else primerMoved_ = true;
    dragging_ = Handle::None;
    rerender();
    emit regionChanged();
}

void RegionEditor::resizeEvent(QResizeEvent*) { update(); }

}  // namespace striae::ui
