#include "striae/ui/SignaturePlot.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace striae::ui {

SignaturePlot::SignaturePlot(QWidget* parent) : QWidget(parent) {
    setObjectName("SignaturePlot");
    setMinimumHeight(180);
}

void SignaturePlot::setSignatures(std::vector<double> a, std::vector<double> b, double spacingUm, double lagUm,
                                  const QString& labelA, const QString& labelB, const QString& caption) {
    a_ = std::move(a);
    b_ = std::move(b);
    spacingUm_ = spacingUm;
    lagUm_ = lagUm;
    labelA_ = labelA;
    labelB_ = labelB;
    caption_ = caption;
    update();
}

void SignaturePlot::clear() {
    a_.clear();
    b_.clear();
    update();
}

void SignaturePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    p.setPen(palette().text().color());
    if (a_.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("Select a land pair to see its signatures"));
        return;
    }
    const QRectF plot = QRectF(rect()).adjusted(46, 24, -10, -26);
    // x in A's coordinates; B's sample j sits at j * spacing - lag.
    double x0 = INFINITY, x1 = -INFINITY, lo = INFINITY, hi = -INFINITY;
    auto extend = [&](const std::vector<double>& s, double offset) {
        for (std::size_t i = 0; i < s.size(); ++i)
            if (!std::isnan(s[i])) {
                const double x = double(i) * spacingUm_ - offset;
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                lo = std::min(lo, s[i]);
                hi = std::max(hi, s[i]);
            }
    };
    extend(a_, 0);
    extend(b_, lagUm_);
    if (!std::isfinite(lo)) return;
    if (hi <= lo) hi = lo + 1;
    if (x1 <= x0) x1 = x0 + 1;
    p.drawRect(plot);
    auto draw = [&](const std::vector<double>& s, double offset, const QColor& colour) {
        QPainterPath path;
        bool pen = false;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (std::isnan(s[i])) {
                pen = false;
                continue;
            }
            const QPointF pt(plot.left() + plot.width() * ((double(i) * spacingUm_ - offset) - x0) / (x1 - x0),
                             plot.bottom() - plot.height() * (s[i] - lo) / (hi - lo));
            if (pen) path.lineTo(pt);
            else path.moveTo(pt);
            pen = true;
        }
        p.setPen(QPen(colour, 1.3));
        p.drawPath(path);
    };
    const QColor colourA(30, 90, 200), colourB(220, 90, 20);
    draw(a_, 0, colourA);
    draw(b_, lagUm_, colourB);
    p.setPen(colourA);
    p.drawText(QRectF(plot.left(), 4, plot.width() / 2, 16), Qt::AlignLeft, labelA_);
    p.setPen(colourB);
    p.drawText(QRectF(plot.center().x(), 4, plot.width() / 2, 16), Qt::AlignRight,
               tr("%1 (shifted %2 µm)").arg(labelB_).arg(-lagUm_, 0, 'f', 1));
    p.setPen(palette().text().color());
    p.drawText(QRectF(0, plot.top() - 6, 44, 14), Qt::AlignRight, QString::number(hi, 'f', 2));
    p.drawText(QRectF(0, plot.bottom() - 8, 44, 14), Qt::AlignRight, QString::number(lo, 'f', 2));
    p.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 18), Qt::AlignCenter,
               tr("%1 — across the land %2–%3 µm; height in µm").arg(caption_).arg(x0, 0, 'f', 0).arg(x1, 0, 'f', 0));
}

}  // namespace striae::ui
