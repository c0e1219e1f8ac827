#pragma once
// Two scans side by side as on a comparison microscope: one camera for both,
// the compared scan placed by the registration the matcher found, and the
// CMC cells drawn on both (congruent in green, the others in orange).
#include <QWidget>
#include <memory>

class QCheckBox;
class QLabel;
class QSlider;

namespace striae::imaging {
class Surface;
}
#include "striae/matching/Cmc.h"

namespace striae::viewer3d {
class SurfaceScene;
class VtkView;
}

namespace striae::ui {

class ComparisonPanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonPanel(QWidget* parent = nullptr);
    void showComparison(const imaging::Surface& reference, const imaging::Surface& compared, const matching::CmcResult& result,
                        const QString& referenceTitle, const QString& comparedTitle);
    viewer3d::SurfaceScene* referenceScene() const { return reference_.get(); }
    viewer3d::SurfaceScene* comparedScene() const { return compared_.get(); }
    // Split view as on a comparison microscope: one view, the reference left of
    // a movable line (position 0–100 % of the reference's width), the compared scan right of it.
    void setSplitView(bool on, int linePercent = 50);
    // Selects the cell under a world point (µm) of either view: it is drawn white on the
    // reference, its partner white on the compared scan, and its correlation is given.
    void selectCellAt(double x, double y);
    int selectedCell() const;  // index in the forward cells, -1 for none
    // Annotation pins on each side, at pixels (column, row) of each scan as shown.
    void setPins(const std::vector<std::pair<double, double>>& reference, const std::vector<std::pair<double, double>>& compared);

private:
    viewer3d::VtkView* left_;
    viewer3d::VtkView* right_;
    QLabel* leftTitle_;
    QLabel* rightTitle_;
    QLabel* summary_;
    QCheckBox* showCells_;
    QCheckBox* split_;
    QCheckBox* falseColour_;
    QSlider* splitLine_;
    std::shared_ptr<viewer3d::SurfaceScene> reference_, compared_;
    QString referenceTitle_, splitTitle_, summaryText_;
    matching::CmcResult result_;
    int selectedCell_ = -1;
};

}  // namespace striae::ui
