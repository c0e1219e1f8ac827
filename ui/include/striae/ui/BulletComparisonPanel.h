#pragma once
// Two bullets compared land by land: the matrix of land scores with the
// lands the phase lines up highlighted, the bullet score, and the two
// aligned land signatures plotted over each other for the selected pair.
#include <QWidget>

#include <vector>

#include "striae/imaging/LandSignature.h"
#include "striae/matching/Bullets.h"

class QLabel;
class QTableWidget;

namespace striae::ui {

class SignaturePlot;

class BulletComparisonPanel : public QWidget {
    Q_OBJECT
public:
    explicit BulletComparisonPanel(QWidget* parent = nullptr);
    void showComparison(std::vector<imaging::LandSignature> a, std::vector<imaging::LandSignature> b,
                        const matching::BulletComparison& result, const QString& titleA, const QString& titleB);
    // Plots land i of A over land j of B.
    void selectPair(int i, int j);
    QTableWidget* matrix() const { return matrix_; }
    SignaturePlot* plot() const { return plot_; }
    const matching::BulletComparison& result() const { return result_; }

private:
    QLabel* summary_;
    QTableWidget* matrix_;
    SignaturePlot* plot_;
    std::vector<imaging::LandSignature> a_, b_;
    matching::BulletComparison result_;
};

}  // namespace striae::ui
