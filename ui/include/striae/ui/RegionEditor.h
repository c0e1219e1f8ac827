#pragma once
// What the breech-face finder decided on a raw scan, shown before import and
// correctable by hand: the scan under a raking light with the discarded
// points dimmed, the primer circle (green) and the firing-pin circle (orange).
// Drag a circle's inside to move it, its rim to change its radius; a
// corrected circle is given to the pipeline instead of its detection, and
// the processing history says so.
#include <QImage>
#include <QWidget>
#include <optional>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/Surface.h"

namespace striae::ui {

class RegionEditor : public QWidget {
    Q_OBJECT
public:
    explicit RegionEditor(QWidget* parent = nullptr);

    // Finds the region on the raw scan (or uses the circles given) and shows it.
    void setScan(const imaging::Surface& raw, const imaging::BreechFaceHints& given = {});
    void clear();
    bool hasScan() const { return !raw_.empty(); }

    const imaging::BreechFaceRegion& region() const { return region_; }
    // The circles the technician moved (only those), in pixels of the raw scan.
    imaging::BreechFaceHints corrections() const;
    // Share of the annulus between the circles that is kept.
    double keptFraction() const { return keptFraction_; }

    // Where a point of the raw scan (column, row) is drawn, and back.
    QPointF toWidget(double col, double row) const;
    QPointF toScan(QPointF widgetPoint) const;

signals:
    void regionChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void resizeEvent(QResizeEvent*) override;

private:
    enum class Handle { None, PrimerCentre, PrimerRim, PinCentre, PinRim };
    Handle handleAt(QPointF widgetPoint) const;
    void rerender();
    QRectF imageRect() const;

    imaging::Surface raw_;
    imaging::BreechFaceRegion region_;
    bool primerMoved_ = false, pinMoved_ = false;
    double keptFraction_ = 0;
    QImage image_;
    double imageScale_ = 1;  // raw pixels per image pixel
    Handle dragging_ = Handle::None;
    QPointF dragStart_;
    imaging::Circle dragCircle_;
};

}  // namespace striae::ui
