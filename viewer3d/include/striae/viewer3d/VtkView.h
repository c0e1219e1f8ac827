#pragma once
// The Qt host for a VTK scene: a QOpenGLWidget driving a
// vtkGenericOpenGLRenderWindow in Qt's own context (Debian's VTK Qt module is
// built on Qt 5, so it cannot be used next to Qt 6). Mouse input goes to a
// trackball camera.

#include <QOpenGLWidget>

class QRubberBand;
#include <memory>

namespace striae::viewer3d {

class SurfaceScene;

class VtkView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    // Shows the scene (shared: a comparison may show it elsewhere too); nullptr clears.
    void setScene(std::shared_ptr<SurfaceScene> scene);
    SurfaceScene* scene() const { return scene_.get(); }
    void resetView();
    // While the camera moves the scene draws its coarse mesh (level of detail for interaction).
    void setInteracting(bool moving);
    // Zooms so that this rectangle of the view (widget pixels) fills it (Ctrl+drag does it with the mouse).
    void zoomTo(const QRectF& rect);

signals:
    // The user turned, moved or zoomed the view (for views that share a camera).
    void viewChanged();
    // Shift+click on the surface: the world point hit (µm), for tools such as the profile.
    void surfacePicked(double x, double y, double z);
    // The camera started or stopped moving (views sharing a camera follow).
    void interactionChanged(bool moving);
    // A click (press and release in one place, no modifier) on the surface: the world point hit (µm).
    void surfaceClicked(double x, double y, double z);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    void syncRenderers();
    struct Vtk;
    std::unique_ptr<Vtk> vtk_;
    std::shared_ptr<SurfaceScene> scene_;
    QPointF pressedAt_;
    class QTimer* stillTimer_ = nullptr;
    // The view's own state, not the scene's: a scene too small for a coarse
    // mesh never reports "moving", and views that follow each other must stop.
    bool interacting_ = false;
    bool pick(const QPointF& at, double world[3]) const;
    QRubberBand* band_ = nullptr;
};

}  // namespace striae::viewer3d
