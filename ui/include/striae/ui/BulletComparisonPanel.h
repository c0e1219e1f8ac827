#pragma once
// Two bullets compared land by land: the matrix of land scores (rows and
// columns named by bullet and land) with the lands the phase lines up
// highlighted, the bullet score, and for the selected pair the two land
// images (grey, lit) beside their aligned signatures plotted over each other.
#include <QPixmap>
#include <QWidget>

#include <vector>

#include "striae/imaging/LandSignature.h"
#include "striae/imaging/Surface.h"
#include "striae/matching/Bullets.h"

class QLabel;
class QTableWidget;

namespace striae::ui {

class SignaturePlot;

class BulletComparisonPanel : public QWidget {
    Q_OBJECT
public:
    explicit BulletComparisonPanel(QWidget* parent = nullptr);
    // scansA/B: the land scans in the order of a/b (for the images; may be empty);
    // nameA/B: the short bullet names the matrix headers carry (e.g. the item labels).
    void showComparison(std::vector<imaging::LandSignature> a, std::vector<imaging::LandSignature> b,
                        const matching::BulletComparison& result, const QString& titleA, const QString& titleB,
                        std::vector<imaging::Surface> scansA = {}, std::vector<imaging::Surface> scansB = {},
                        const QString& nameA = QStringLiteral("A"), const QString& nameB = QStringLiteral("B"));
    // Plots land i of A over land j of B.
    void selectPair(int i, int j);
    QTableWidget* matrix() const { return matrix_; }
    SignaturePlot* plot() const { return plot_; }
    QLabel* landImageA() const { return imageA_; }
    QLabel* landImageB() const { return imageB_; }
    const matching::BulletComparison& result() const { return result_; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fitLandImages();  // the selected lands' images scaled to their labels, aspect kept
    QLabel* summary_;
    QTableWidget* matrix_;
    SignaturePlot* plot_;
    QLabel *imageA_, *imageB_, *captionA_, *captionB_;
    std::vector<imaging::LandSignature> a_, b_;
    std::vector<imaging::Surface> scansA_, scansB_;
    QString nameA_, nameB_;
    QPixmap landPixmapA_, landPixmapB_;  // unscaled
    matching::BulletComparison result_;
};

}  // namespace striae::ui
