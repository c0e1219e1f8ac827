#include "ScanFigure.h"

#include <QPainter>

#include <cmath>

#include "striae/imaging/Preprocess.h"

namespace striae::report {

QImage scanFigure(const imaging::Surface& surface, const std::vector<matching::CmcCell>& cells, int maxSidePx) {
    const imaging::RgbImage relief = imaging::renderShadedRelief(surface, maxSidePx);
    if (relief.width == 0) return {};
    QImage image(reinterpret_cast<const uchar*>(relief.rgb.data()), relief.width, relief.height, relief.width * 3, QImage::Format_RGB888);
    image = image.copy();  // own the pixels
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const double k = 1.0 / relief.scale;  // image pixels per surface pixel
    for (const auto& c : cells) {
        if (!c.used) continue;
        const QRectF r(c.col0 * k, c.row0 * k, c.cols * k, c.rows * k);
        p.setPen(QPen(c.congruentOriginal ? QColor(40, 200, 60) : QColor(200, 200, 200, 140), c.congruentOriginal ? 2.5 : 1));
        p.drawRect(r);
    }
    // Scale bar: 1 mm, or 0.5 mm / 0.2 mm when the scan is small, bottom left on a dark band.
    const double umPerImagePx = surface.spacingX() * relief.scale * 1e6;
    double barUm = 1000;
    while (barUm / umPerImagePx > image.width() * 0.4 && barUm > 50) barUm /= 2;
    const double barPx = barUm / umPerImagePx;
    const int margin = std::max(8, image.width() / 60);
    const int thickness = std::max(4, image.width() / 150);
    QFont font = p.font();
    font.setPixelSize(std::max(12, image.width() / 40));
    p.setFont(font);
    const QString label = barUm >= 1000 ? QString("%1 mm").arg(barUm / 1000) : QString("%1 µm").arg(barUm);
    const QRectF band(margin / 2.0, image.height() - margin * 2.0 - thickness - font.pixelSize(), barPx + margin,
                      margin * 1.5 + thickness + font.pixelSize());
    p.fillRect(band, QColor(0, 0, 0, 150));
    p.fillRect(QRectF(margin, image.height() - margin - thickness, barPx, thickness), Qt::white);
    p.setPen(Qt::white);
    p.drawText(QPointF(margin, image.height() - margin - thickness - 4), label);
    return image;
}

}  // namespace striae::report
