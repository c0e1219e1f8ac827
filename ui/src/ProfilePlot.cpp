#include "striae/ui/ProfilePlot.h"

#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace striae::ui {

ProfilePlot::ProfilePlot(QWidget* parent) : QWidget(parent) { setMinimumHeight(140); }

void ProfilePlot::setProfile(std::vector<imaging::ProfileSample> samples) {
    samples_ = std::move(samples);
    update();
}

void ProfilePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QRectF plot = QRectF(rect()).adjusted(46, 8, -8, -24);
    p.setPen(palette().text().color());
    if (samples_.empty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("Profile: shift+click two points on the surface"));
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : samples_)
        if (!std::isnan(s.height)) {
            lo = std::min(lo, s.height);
            hi = std::max(hi, s.height);
        }
    if (!std::isfinite(lo)) {
        p.drawText(rect(), Qt::AlignCenter, tr("No data along this line"));
        return;
    }
    if (hi <= lo) hi = lo + 1e-9;
    const double length = std::max(samples_.back().distance, 1e-12);
    p.drawRect(plot);
    auto toPoint = [&](const imaging::ProfileSample& s) {
        return QPointF(plot.left() + plot.width() * s.distance / length, plot.bottom() - plot.height() * (s.height - lo) / (hi - lo));
    };
    QPainterPath path;
    bool pen = false;
    for (const auto& s : samples_) {
        if (std::isnan(s.height)) {
            pen = false;  // a gap where data is missing
            continue;
        }
        if (pen) path.lineTo(toPoint(s));
        else path.moveTo(toPoint(s));
        pen = true;
    }
    p.setPen(QPen(QColor(200, 60, 40), 1.5));
    p.drawPath(path);
    p.setPen(palette().text().color());
    p.drawText(QRectF(0, plot.top() - 6, 44, 14), Qt::AlignRight, QString::number(hi * 1e6, 'f', 2));
    p.drawText(QRectF(0, plot.bottom() - 8, 44, 14), Qt::AlignRight, QString::number(lo * 1e6, 'f', 2));
    p.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16), Qt::AlignCenter,
               tr("distance 0–%1 µm; height in µm").arg(length * 1e6, 0, 'f', 0));
}

}  // namespace striae::ui
