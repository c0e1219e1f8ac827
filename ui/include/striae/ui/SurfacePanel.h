#pragma once
// One scan in 3D with the controls an examiner uses: raking light direction
// and height, height exaggeration, false colour, reset view, save as PNG.
#include <QWidget>
#include <memory>

class QCheckBox;
class QLabel;
class QSlider;

namespace striae::imaging {
class Surface;
}
namespace striae::viewer3d {
class SurfaceScene;
class VtkView;
}

namespace striae::ui {

class SurfacePanel : public QWidget {
    Q_OBJECT
public:
    explicit SurfacePanel(QWidget* parent = nullptr);
    void showSurface(const imaging::Surface& surface, const QString& title);
    viewer3d::SurfaceScene* scene() const { return scene_.get(); }
    viewer3d::VtkView* view() const { return view_; }
    // Writes the current view as PNG; returns false and says why in `error`.
    bool saveView(const QString& path, QString* error = nullptr);

private:
    void applyControls();

    viewer3d::VtkView* view_;
    QLabel* title_;
    QSlider* azimuth_;
    QSlider* elevation_;
    QSlider* exaggeration_;
    QCheckBox* falseColour_;
    std::shared_ptr<viewer3d::SurfaceScene> scene_;
};

}  // namespace striae::ui
