#include "striae/viewer3d/VtkView.h"

#include <QRubberBand>
#include <QTimer>

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCellPicker.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkSmartPointer.h>

#include "striae/viewer3d/SurfaceScene.h"

#ifndef GL_DRAW_FRAMEBUFFER
#define GL_DRAW_FRAMEBUFFER 0x8CA9
#endif

namespace striae::viewer3d {

struct VtkView::Vtk {
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    vtkNew<vtkCallbackCommand> makeCurrent, isCurrent, frame;
    vtkNew<vtkRenderer> empty;  // shown until a scene is set
    bool painting = false;
};

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent), vtk_(std::make_unique<Vtk>()) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    Vtk& v = *vtk_;
    // VTK renders into Qt's context: it must ask Qt to make it current, and
    // leave presenting the frame to paintGL.
    v.window->SetOwnContext(false);
    // No multisampling: on software GL it costs more than the mesh itself
    // (benchmarks/viewer3d_bench: 1M points 437 -> 170 ms per frame).
    v.window->SetMultiSamples(0);
    v.window->SetFrameBlitModeToNoBlit();
    v.window->SetReadyForRendering(false);
    v.makeCurrent->SetClientData(this);
    v.makeCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        auto* view = static_cast<VtkView*>(self);
        if (view->context()) view->context()->makeCurrent(view->context()->surface());
    });
    v.isCurrent->SetClientData(this);
    v.isCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void* data) {
        auto* view = static_cast<VtkView*>(self);
        *static_cast<bool*>(data) = view->context() && QOpenGLContext::currentContext() == view->context();
    });
    v.frame->SetClientData(this);
    v.frame->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        auto* view = static_cast<VtkView*>(self);
        if (!view->vtk_->painting) view->update();
    });
    v.window->AddObserver(vtkCommand::WindowMakeCurrentEvent, v.makeCurrent);
    v.window->AddObserver(vtkCommand::WindowIsCurrentEvent, v.isCurrent);
    v.window->AddObserver(vtkCommand::WindowFrameEvent, v.frame);
    v.empty->SetBackground(0.12, 0.13, 0.15);
    v.window->AddRenderer(v.empty);
    v.interactor->SetRenderWindow(v.window);
    v.interactor->SetInteractorStyle(v.style);
    v.interactor->EnableRenderOff();  // Qt decides when to paint
    stillTimer_ = new QTimer(this);
    stillTimer_->setSingleShot(true);
    stillTimer_->setInterval(250);
    connect(stillTimer_, &QTimer::timeout, this, [this] { setInteracting(false); });
}

VtkView::~VtkView() {
    makeCurrent();
    vtk_->window->Finalize();
    doneCurrent();
}

void VtkView::setScene(std::shared_ptr<SurfaceScene> scene) {
    Vtk& v = *vtk_;
    v.window->GetRenderers()->RemoveAllItems();
    scene_ = std::move(scene);
    syncRenderers();
    update();
}

void VtkView::resetView() {
    if (scene_) scene_->resetCamera();
    update();
    emit viewChanged();
}

void VtkView::initializeGL() {
    vtk_->window->SetReadyForRendering(true);
    vtk_->window->OpenGLInitContext();
}

void VtkView::resizeGL(int w, int h) {
    const qreal ratio = devicePixelRatioF();
    vtk_->window->SetSize(int(w * ratio), int(h * ratio));
    vtk_->interactor->SetSize(int(w * ratio), int(h * ratio));
    vtk_->interactor->ConfigureEvent();
}

// The window draws what the scene has now (its colour bar comes and goes with false colour).
void VtkView::syncRenderers() {
    Vtk& v = *vtk_;
    std::vector<vtkRenderer*> want = scene_ ? scene_->renderers() : std::vector<vtkRenderer*>{v.empty.GetPointer()};
    vtkRendererCollection* have = v.window->GetRenderers();
    bool same = have->GetNumberOfItems() == int(want.size());
    for (std::size_t i = 0; same && i < want.size(); ++i) same = have->GetItemAsObject(int(i)) == want[i];
    if (same) return;
    have->RemoveAllItems();
    for (vtkRenderer* r : want) v.window->AddRenderer(r);
}

void VtkView::paintGL() {
    Vtk& v = *vtk_;
    syncRenderers();
    v.painting = true;
    const qreal ratio = devicePixelRatioF();
    v.window->SetSize(int(width() * ratio), int(height() * ratio));
    v.window->Render();
    // Copy VTK's frame into the widget's framebuffer.
    vtkOpenGLState* state = v.window->GetState();
    state->PushDrawFramebufferBinding();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    v.window->BlitDisplayFramebuffer();
    state->PopDrawFramebufferBinding();
    v.painting = false;
}

namespace {
void position(vtkGenericRenderWindowInteractor* i, QWidget* w, const QPointF& p, Qt::KeyboardModifiers mods) {
    const qreal ratio = w->devicePixelRatioF();
    i->SetEventInformationFlipY(int(p.x() * ratio), int(p.y() * ratio), (mods & Qt::ControlModifier) ? 1 : 0,
                                (mods & Qt::ShiftModifier) ? 1 : 0);
}
}  // namespace

void VtkView::mousePressEvent(QMouseEvent* e) {
    pressedAt_ = e->position();
    if (e->modifiers() & Qt::ControlModifier && e->button() == Qt::LeftButton && scene_) {
        // Ctrl+drag: a rectangle to zoom to, not a camera move.
        if (!band_) band_ = new QRubberBand(QRubberBand::Rectangle, this);
        band_->setGeometry(QRect(e->position().toPoint(), QSize()));
        band_->show();
        return;
    }
    if (e->modifiers() & Qt::ShiftModifier && e->button() == Qt::LeftButton && scene_) {
        // A pick, not a camera move: find the surface point under the cursor.
        const qreal ratio = devicePixelRatioF();
        vtkNew<vtkCellPicker> picker;
        picker->SetTolerance(0.002);
        if (picker->Pick(e->position().x() * ratio, (height() - e->position().y()) * ratio, 0, scene_->renderer())) {
            double p[3];
            picker->GetPickPosition(p);
            emit surfacePicked(p[0], p[1], p[2]);
        }
        return;
    }
    setInteracting(true);
    position(vtk_->interactor, this, e->position(), e->modifiers());
    switch (e->button()) {
        case Qt::LeftButton: vtk_->interactor->InvokeEvent(vtkCommand::LeftButtonPressEvent); break;
        case Qt::MiddleButton: vtk_->interactor->InvokeEvent(vtkCommand::MiddleButtonPressEvent); break;
        case Qt::RightButton: vtk_->interactor->InvokeEvent(vtkCommand::RightButtonPressEvent); break;
        default: break;
    }
    update();
}

bool VtkView::pick(const QPointF& at, double world[3]) const {
    if (!scene_) return false;
    const qreal ratio = devicePixelRatioF();
    vtkNew<vtkCellPicker> picker;
    picker->SetTolerance(0.002);
    if (!picker->Pick(at.x() * ratio, (height() - at.y()) * ratio, 0, scene_->renderer())) return false;
    picker->GetPickPosition(world);
    return true;
}

void VtkView::mouseReleaseEvent(QMouseEvent* e) {
    if (band_ && band_->isVisible()) {
        band_->hide();
        zoomTo(QRectF(pressedAt_, e->position()).normalized());
        return;
    }
    if (e->modifiers() & Qt::ShiftModifier && e->button() == Qt::LeftButton) return;
    const bool click = e->button() == Qt::LeftButton && e->modifiers() == Qt::NoModifier &&
                       (e->position() - pressedAt_).manhattanLength() < 4;
    position(vtk_->interactor, this, e->position(), e->modifiers());
    switch (e->button()) {
        case Qt::LeftButton: vtk_->interactor->InvokeEvent(vtkCommand::LeftButtonReleaseEvent); break;
        case Qt::MiddleButton: vtk_->interactor->InvokeEvent(vtkCommand::MiddleButtonReleaseEvent); break;
        case Qt::RightButton: vtk_->interactor->InvokeEvent(vtkCommand::RightButtonReleaseEvent); break;
        default: break;
    }
    if (e->buttons() == Qt::NoButton) setInteracting(false);
    update();
    double p[3];
    if (click && pick(e->position(), p)) emit surfaceClicked(p[0], p[1], p[2]);
}

void VtkView::setInteracting(bool moving) {
    if (interacting_ == moving) return;  // views that follow each other stop here
    interacting_ = moving;
    if (scene_) scene_->setInteracting(moving);
    emit interactionChanged(moving);
    update();
}

void VtkView::zoomTo(const QRectF& r) {
    if (!scene_ || r.width() < 4 || r.height() < 4) return;
    double centre[3];
    vtkCamera* camera = scene_->renderer()->GetActiveCamera();
    if (!pick(r.center(), centre)) camera->GetFocalPoint(centre);  // off the surface: keep the depth
    double f[3], c[3];
    camera->GetFocalPoint(f);
    camera->GetPosition(c);
    for (int i = 0; i < 3; ++i) {  // look at the rectangle's centre from the same direction
        c[i] += centre[i] - f[i];
        f[i] = centre[i];
    }
    camera->SetFocalPoint(f);
    camera->SetPosition(c);
    camera->Zoom(std::min(width() / r.width(), height() / r.height()));
    scene_->renderer()->ResetCameraClippingRange();
    update();
    emit viewChanged();
}

void VtkView::mouseMoveEvent(QMouseEvent* e) {
    if (band_ && band_->isVisible()) {
        band_->setGeometry(QRectF(pressedAt_, e->position()).normalized().toRect());
        return;
    }
    position(vtk_->interactor, this, e->position(), e->modifiers());
    vtk_->interactor->InvokeEvent(vtkCommand::MouseMoveEvent);
    update();
    if (e->buttons() != Qt::NoButton) emit viewChanged();
}

void VtkView::wheelEvent(QWheelEvent* e) {
    position(vtk_->interactor, this, e->position(), e->modifiers());
    // Zoom towards the point under the cursor, as on a microscope stage: the
    // camera slides a little toward it before the trackball's dolly.
    if (scene_) {
        const qreal ratio = devicePixelRatioF();
        vtkNew<vtkCellPicker> picker;
        picker->SetTolerance(0.002);
        if (picker->Pick(e->position().x() * ratio, (height() - e->position().y()) * ratio, 0, scene_->renderer())) {
            double p[3], f[3], c[3];
            picker->GetPickPosition(p);
            vtkCamera* camera = scene_->renderer()->GetActiveCamera();
            camera->GetFocalPoint(f);
            camera->GetPosition(c);
            const double t = e->angleDelta().y() > 0 ? 0.1 : -0.1;
            for (int i = 0; i < 2; ++i) {  // in the surface's plane only
                const double shift = t * (p[i] - f[i]);
                f[i] += shift;
                c[i] += shift;
            }
            camera->SetFocalPoint(f);
            camera->SetPosition(c);
        }
    }
    // Zooming draws the coarse mesh until the wheel has been still for a moment.
    setInteracting(true);
    stillTimer_->start();
    vtk_->interactor->InvokeEvent(e->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent : vtkCommand::MouseWheelBackwardEvent);
    update();
    emit viewChanged();
}

}  // namespace striae::viewer3d
