#pragma once
// One scan in 3D with the controls an examiner uses: raking light direction
// and height, height exaggeration, false colour, reset view, save as PNG.
#include <QWidget>
#include <memory>
#include <optional>

#include "striae/imaging/Surface.h"
#include "striae/records/Types.h"

class QCheckBox;
class QSettings;
class QPushButton;
class QComboBox;
class QLabel;
class QSlider;

namespace striae::ui {
class ProfilePlot;
}

namespace striae::records {
class Store;
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
    // The height profile between two pixels (column, row) of the shown scan, drawn and plotted.
    void showProfile(double col0, double row0, double col1, double row1);
    // The last measured line's length (µm).
    double lastDistanceMicrometres() const { return lastDistanceUm_; }
    // Where notes go: the scan shown (its acquisition in the store) and who writes them.
    void setAnnotationContext(records::Store* store, std::optional<records::User> user, records::Id acquisitionId);
    // Pins a note at (x, y) µm from the scan's top-left point, in the store; false if refused (a dialog says why).
    bool pinNote(double xUm, double yUm, const QString& note);
    // The view settings (light, exaggeration, false colour, colour map), kept between sessions.
    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);
    ProfilePlot* profilePlot() const { return plot_; }

private:
    void applyControls();

    viewer3d::VtkView* view_;
    QLabel* title_;
    QLabel* measure_;
    QPushButton* pinMode_;
    QLabel* pinList_;
    records::Store* store_ = nullptr;
    std::optional<records::User> user_;
    records::Id acquisitionId_ = 0;
    void refreshPins();
    std::optional<double> lastDirection_;
    double lastDistanceUm_ = 0;
    QSlider* azimuth_;
    QSlider* elevation_;
    QSlider* exaggeration_;
    QCheckBox* falseColour_;
    QComboBox* colourMap_;
    ProfilePlot* plot_;
    imaging::Surface surface_;
    std::optional<std::pair<double, double>> profileStart_;  // world µm
    std::shared_ptr<viewer3d::SurfaceScene> scene_;
};

}  // namespace striae::ui
