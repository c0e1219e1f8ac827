#include "striae/viewer3d/SurfaceScene.h"

#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkActor2D.h>
#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkTextActor.h>
#include <vtkLight.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkCellData.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkTextProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSmartPointer.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>
#include <vtkPlane.h>
#include <vtkTransform.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>
#include <tuple>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace striae::viewer3d {

struct SurfaceScene::Impl {
    ViewSettings settings;
    vtkNew<vtkPolyData> mesh;
    vtkNew<vtkPoints> points;
    vtkNew<vtkFloatArray> heights;  // micrometres, for colour
    vtkNew<vtkPolyDataNormals> normals;
    vtkNew<vtkLookupTable> colours;
    vtkNew<vtkPolyDataMapper> mapper;
    vtkNew<vtkActor> actor;
    vtkNew<vtkScalarBarActor> scaleBar;
    // The lateral scale bar: a round length (1, 2 or 5 × 10^k µm) near a fifth
    // of the view's width, recomputed before every frame from the camera.
    vtkNew<vtkPoints> lengthBarPoints;
    vtkNew<vtkPolyData> lengthBarLine;
    vtkNew<vtkPolyDataMapper2D> lengthBarMapper;
    vtkNew<vtkActor2D> lengthBar;
    vtkNew<vtkTextActor> lengthLabel;
    vtkNew<vtkCallbackCommand> beforeFrame;
    double barMicrometres = 0;

    void updateLengthBar() {
        const int* size = renderer->GetSize();
        if (size[0] < 2 || size[1] < 2) return;
        vtkCamera* c = renderer->GetActiveCamera();
        const double worldHigh = c->GetParallelProjection() ? 2 * c->GetParallelScale()
                                                            : 2 * c->GetDistance() * std::tan(c->GetViewAngle() * M_PI / 360);
        const double perPixel = worldHigh / size[1];  // µm per pixel at the focal plane
        const double want = perPixel * size[0] * 0.2;
        const double decade = std::pow(10.0, std::floor(std::log10(want)));
        double length = decade;
        for (double m : {2.0, 5.0, 10.0})
            if (decade * m <= want) length = decade * m;
        barMicrometres = length;
        const double px = length / perPixel, x0 = 20, y0 = 22;
        lengthBarPoints->SetPoint(0, x0, y0, 0);
        lengthBarPoints->SetPoint(1, x0 + px, y0, 0);
        lengthBarPoints->SetPoint(2, x0, y0 - 5, 0);
        lengthBarPoints->SetPoint(3, x0, y0 + 5, 0);
        lengthBarPoints->SetPoint(4, x0 + px, y0 - 5, 0);
        lengthBarPoints->SetPoint(5, x0 + px, y0 + 5, 0);
        lengthBarPoints->Modified();
        char text[32];
        if (length >= 1000) std::snprintf(text, sizeof text, "%g mm", length / 1000);
        else std::snprintf(text, sizeof text, "%g µm", length);
        lengthLabel->SetInput(text);
        lengthLabel->SetDisplayPosition(int(x0), int(y0 + 8));
    }
    vtkNew<vtkLight> light;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkRenderer> barRenderer;  // beside the surface, not over it
    double rangeLo = 0, rangeHi = 1;
    std::vector<float> baseHeights;  // µm, unexaggerated, per displayed point
    vtkNew<vtkActor> cells;
    vtkNew<vtkPolyDataMapper> cellMapper;
    double spacingX = 1, spacingY = 1;  // µm per pixel
    float top = 0;                      // highest displayed height, µm
    std::vector<CellOutline> outlines;
    SurfaceScene::Impl* splitPartner = nullptr;
    // The split partner drawn here through mappers of this scene's own: a
    // mapper holds GPU buffers of one OpenGL context, and the partner's own
    // view (another context) draws it too.
    vtkNew<vtkActor> partnerActor;
    vtkNew<vtkPolyDataMapper> partnerMapper, partnerCoarseMapper;
    vtkNew<vtkActor> pins;  // annotation pins: yellow discs just above the surface
    vtkNew<vtkPolyDataMapper> pinMapper;
    vtkNew<vtkActor> profile;
    vtkNew<vtkPolyDataMapper> profileMapper;
    double width = 0;
    int step = 1;
    double centreX = 0, centreY = 0, extent = 1;
    // The coarse mesh drawn while the camera moves (same look, fewer points).
    vtkNew<vtkPoints> coarsePoints;
    vtkNew<vtkFloatArray> coarseHeights;
    vtkNew<vtkPolyData> coarseMesh;
    vtkNew<vtkPolyDataNormals> coarseNormals;
    vtkNew<vtkPolyDataMapper> coarseMapper;
    std::vector<float> coarseBaseHeights;
    bool hasCoarse = false, moving = false;

    void applyExaggeration() {
        for (auto [pts, base] : {std::pair{points.GetPointer(), &baseHeights}, std::pair{coarsePoints.GetPointer(), &coarseBaseHeights}}) {
            for (vtkIdType i = 0; i < pts->GetNumberOfPoints(); ++i) {
                double p[3];
                pts->GetPoint(i, p);
                p[2] = double((*base)[std::size_t(i)]) * settings.exaggeration;
                pts->SetPoint(i, p);
            }
            pts->Modified();
        }
    }

    // The triangulated height map at `step`, its points and per-point heights (µm).
    static void buildMesh(const imaging::Surface& s, int step, vtkPoints* pts, vtkFloatArray* h, std::vector<float>& base,
                          vtkPolyData* mesh) {
        const int rows = (s.rows() + step - 1) / step, cols = (s.cols() + step - 1) / step;
        std::vector<vtkIdType> index(std::size_t(rows) * cols, -1);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const double z = s.at(r * step, c * step);
                if (std::isnan(z)) continue;
                const float um = float(z * 1e6);
                // y grows upwards in the view: the first row of the scan is at the top, at y = 0.
                index[std::size_t(r) * cols + c] = pts->InsertNextPoint(c * step * s.spacingX() * 1e6, -r * step * s.spacingY() * 1e6, 0);
                base.push_back(um);
                h->InsertNextValue(um);
            }
        vtkNew<vtkCellArray> triangles;
        for (int r = 0; r + 1 < rows; ++r)
            for (int c = 0; c + 1 < cols; ++c) {
                const vtkIdType a = index[std::size_t(r) * cols + c], b = index[std::size_t(r) * cols + c + 1];
                const vtkIdType e = index[std::size_t(r + 1) * cols + c], f = index[std::size_t(r + 1) * cols + c + 1];
                if (a >= 0 && b >= 0 && e >= 0) {
                    const vtkIdType t[3] = {a, e, b};
                    triangles->InsertNextCell(3, t);
                }
                if (b >= 0 && e >= 0 && f >= 0) {
                    const vtkIdType t[3] = {b, e, f};
                    triangles->InsertNextCell(3, t);
                }
            }
        h->SetName("height_um");
        mesh->SetPoints(pts);
        mesh->SetPolys(triangles);
        mesh->GetPointData()->SetScalars(h);
    }

    void applyLight() {
        // A directional light from the given azimuth and elevation, like a raking lamp.
        const double az = settings.lightAzimuthDeg * M_PI / 180, el = settings.lightElevationDeg * M_PI / 180;
        const double d = extent * 10;
        light->SetLightTypeToSceneLight();
        light->SetPositional(false);
        light->SetFocalPoint(centreX, centreY, 0);
        light->SetPosition(centreX + d * std::cos(el) * std::cos(az), centreY + d * std::cos(el) * std::sin(az), d * std::sin(el));
        light->SetIntensity(1.0);
    }

    void applyColour() {
        mapper->SetScalarVisibility(settings.falseColour);
        coarseMapper->SetScalarVisibility(settings.falseColour);
        scaleBar->SetVisibility(settings.falseColour);
        // The colour bar gets its own strip at the right; the surface keeps the rest.
        renderer->SetViewport(0, 0, settings.falseColour ? 0.86 : 1.0, 1);
        actor->GetProperty()->SetColor(0.74, 0.74, 0.74);  // neutral grey, as under a comparison microscope
    }

    void applyColourMap() {
        // viridisLite::viridis(11) and cividis(10) (Garnier et al.), interpolated to 256 entries.
        static const unsigned viridis[] = {0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21908C,
                                           0x22A884, 0x43BF71, 0x7AD151, 0xBBDF27, 0xFDE725};
        static const unsigned cividis[] = {0x00204D, 0x00336F, 0x39486B, 0x575C6D, 0x707173,
                                           0x8A8779, 0xA69D75, 0xC4B56C, 0xE4CF5B, 0xFFEA46};
        const unsigned* stops = settings.colourMap == ColourMap::Cividis ? cividis : viridis;
        const int n = settings.colourMap == ColourMap::Cividis ? 10 : 11;
        colours->SetNumberOfTableValues(256);
        for (int i = 0; i < 256; ++i) {
            const double t = i / 255.0 * (n - 1);
            const int k = std::min(int(t), n - 2);
            const double f = t - k;
            auto channel = [&](int shift) {
                const double a = ((stops[k] >> shift) & 0xff) / 255.0, b = ((stops[k + 1] >> shift) & 0xff) / 255.0;
                return a + (b - a) * f;
            };
            colours->SetTableValue(i, channel(16), channel(8), channel(0), 1.0);
        }
        colours->SetTableRange(rangeLo, rangeHi);
        colours->Modified();
    }

    void applyRange() {
        for (vtkPolyDataMapper* m : {mapper.GetPointer(), coarseMapper.GetPointer()}) m->SetScalarRange(rangeLo, rangeHi);
        colours->SetTableRange(rangeLo, rangeHi);
    }
};

SurfaceScene::SurfaceScene(const imaging::Surface& s, const ViewSettings& settings) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.settings = settings;
    if (s.empty() || s.validCount() == 0) throw std::invalid_argument("nothing to show: the surface has no valid points");
    // Level of detail: the smallest step that keeps the mesh within maxPoints.
    d.step = std::max(1, int(std::ceil(std::sqrt(double(s.size()) / double(std::max<std::size_t>(settings.maxPoints, 1))))));
    const int rows = (s.rows() + d.step - 1) / d.step, cols = (s.cols() + d.step - 1) / d.step;
    Impl::buildMesh(s, d.step, d.points, d.heights, d.baseHeights, d.mesh);
    float lo = 0, hi = 0;
    if (settings.interactivePoints > 0 && std::size_t(d.points->GetNumberOfPoints()) > settings.interactivePoints) {
        const int coarseStep =
            std::max(d.step + 1, int(std::ceil(std::sqrt(double(s.size()) / double(settings.interactivePoints)))));
        Impl::buildMesh(s, coarseStep, d.coarsePoints, d.coarseHeights, d.coarseBaseHeights, d.coarseMesh);
        d.hasCoarse = true;
    }
    // Colours span the 1st to 99th percentile, so a few spikes or pits do not wash out the rest.
    {
        std::vector<float> sorted = d.baseHeights;
        std::sort(sorted.begin(), sorted.end());
        lo = sorted[sorted.size() / 100];
        hi = sorted[sorted.size() - 1 - sorted.size() / 100];
    }
    d.spacingX = s.spacingX() * 1e6;
    d.spacingY = s.spacingY() * 1e6;
    d.centreX = (s.cols() - 1) * d.spacingX / 2;
    d.centreY = -(s.rows() - 1) * d.spacingY / 2;
    d.top = hi;
    d.width = s.cols() * d.spacingX;
    d.extent = std::max(cols * d.step * s.spacingX(), rows * d.step * s.spacingY()) * 1e6;
    d.applyExaggeration();

    d.normals->SetInputData(d.mesh);
    d.normals->SetFeatureAngle(180);
    d.normals->SplittingOff();
    d.rangeLo = lo;
    d.rangeHi = hi > lo ? hi : lo + 1e-3;
    d.applyColourMap();
    d.mapper->SetInputConnection(d.normals->GetOutputPort());
    d.mapper->SetLookupTable(d.colours);
    d.mapper->SetScalarRange(lo, hi > lo ? hi : lo + 1e-3);
    d.coarseNormals->SetInputData(d.coarseMesh);
    d.coarseNormals->SetFeatureAngle(180);
    d.coarseNormals->SplittingOff();
    d.coarseMapper->SetInputConnection(d.coarseNormals->GetOutputPort());
    d.coarseMapper->SetLookupTable(d.colours);
    d.coarseMapper->SetScalarRange(lo, hi > lo ? hi : lo + 1e-3);
    d.actor->SetMapper(d.mapper);
    d.actor->GetProperty()->SetAmbient(0.15);
    d.actor->GetProperty()->SetDiffuse(0.85);
    d.actor->GetProperty()->SetSpecular(0.15);
    d.scaleBar->SetLookupTable(d.colours);
    d.scaleBar->SetTitle("height (µm)");
    d.scaleBar->SetNumberOfLabels(5);
    d.scaleBar->SetMaximumWidthInPixels(90);
    d.scaleBar->SetPosition(0.05, 0.1);  // in its own strip right of the surface
    d.scaleBar->SetWidth(0.9);
    d.scaleBar->SetHeight(0.8);
    d.scaleBar->GetTitleTextProperty()->SetFontSize(14);
    d.scaleBar->GetLabelTextProperty()->SetFontSize(12);
    d.renderer->AddActor(d.actor);
    d.cellMapper->SetScalarModeToUseCellData();
    d.cells->SetMapper(d.cellMapper);
    d.cells->GetProperty()->SetLineWidth(2);
    d.cells->GetProperty()->SetLighting(false);
    d.cells->SetVisibility(false);
    d.renderer->AddActor(d.cells);
    d.profile->SetMapper(d.profileMapper);
    d.profile->GetProperty()->SetColor(1.0, 1.0, 1.0);
    d.profile->GetProperty()->SetLineWidth(3);
    d.profile->GetProperty()->SetLighting(false);
    d.profile->SetVisibility(false);
    d.renderer->AddActor(d.profile);
    d.pins->SetMapper(d.pinMapper);
    d.pins->GetProperty()->SetColor(240 / 255.0, 228 / 255.0, 66 / 255.0);  // Okabe-Ito yellow
    d.pins->GetProperty()->SetPointSize(12);
    d.pins->GetProperty()->SetRenderPointsAsSpheres(true);
    d.pins->GetProperty()->SetLighting(false);
    d.pins->SetVisibility(false);
    d.renderer->AddActor(d.pins);
    d.barRenderer->AddViewProp(d.scaleBar);
    {
        d.lengthBarPoints->SetNumberOfPoints(6);
        vtkNew<vtkCellArray> segments;
        for (vtkIdType a : {0, 2, 4}) {
            const vtkIdType seg[2] = {a, a + 1};
            segments->InsertNextCell(2, seg);
        }
        d.lengthBarLine->SetPoints(d.lengthBarPoints);
        d.lengthBarLine->SetLines(segments);
        d.lengthBarMapper->SetInputData(d.lengthBarLine);
        d.lengthBar->SetMapper(d.lengthBarMapper);
        d.lengthBar->GetProperty()->SetColor(1, 1, 1);
        d.lengthBar->GetProperty()->SetLineWidth(2);
        d.lengthLabel->GetTextProperty()->SetFontSize(14);
        d.lengthLabel->GetTextProperty()->SetColor(1, 1, 1);
        d.renderer->AddViewProp(d.lengthBar);
        d.renderer->AddViewProp(d.lengthLabel);
        d.beforeFrame->SetClientData(&d);
        d.beforeFrame->SetCallback([](vtkObject*, unsigned long, void* impl, void*) { static_cast<Impl*>(impl)->updateLengthBar(); });
        d.renderer->AddObserver(vtkCommand::StartEvent, d.beforeFrame);
    }
    d.barRenderer->SetViewport(0.86, 0, 1, 1);
    d.barRenderer->SetBackground(0.12, 0.13, 0.15);
    d.barRenderer->InteractiveOff();
    d.renderer->SetBackground(0.12, 0.13, 0.15);
    d.renderer->AutomaticLightCreationOff();
    d.renderer->AddLight(d.light);
    d.applyLight();
    d.applyColour();
    resetCamera();
}

SurfaceScene::~SurfaceScene() = default;

const ViewSettings& SurfaceScene::settings() const { return impl_->settings; }

void SurfaceScene::setLight(double azimuthDeg, double elevationDeg) {
    impl_->settings.lightAzimuthDeg = azimuthDeg;
    impl_->settings.lightElevationDeg = std::clamp(elevationDeg, 1.0, 90.0);
    impl_->applyLight();
}

void SurfaceScene::setExaggeration(double factor) {
    if (!(factor > 0)) throw std::invalid_argument("height exaggeration must be positive");
    impl_->settings.exaggeration = factor;
    impl_->applyExaggeration();
    if (!impl_->outlines.empty()) {
        const bool visible = impl_->cells->GetVisibility() != 0;
        setCellOverlay(std::vector<CellOutline>(impl_->outlines));  // keep the outlines above the surface
        setCellOverlayVisible(visible);
    }
}

void SurfaceScene::setRegistration(double thetaDeg, double dxPx, double dyPx) {
    Impl& d = *impl_;
    // Image shift (dx, dy) is (dx, -dy) in world units; the matcher's positive
    // angle turns the image counter-clockwise on screen, +z here.
    vtkNew<vtkTransform> t;
    t->PostMultiply();
    t->Translate(-d.centreX, -d.centreY, 0);
    t->RotateZ(thetaDeg);
    t->Translate(d.centreX, d.centreY, 0);
    t->Translate(-dxPx * d.spacingX, dyPx * d.spacingY, 0);
    d.actor->SetUserTransform(t);
    d.pins->SetUserTransform(t);  // notes stay on their place of the placed surface
}

SurfaceScene::CameraPose SurfaceScene::camera() const {
    vtkCamera* c = impl_->renderer->GetActiveCamera();
    CameraPose p{};
    c->GetPosition(p.position);
    c->GetFocalPoint(p.focalPoint);
    c->GetViewUp(p.viewUp);
    p.viewAngle = c->GetViewAngle();
    return p;
}

void SurfaceScene::shareCameraWith(SurfaceScene& other) {
    other.impl_->renderer->SetActiveCamera(impl_->renderer->GetActiveCamera());
}

void SurfaceScene::splitWith(SurfaceScene& other, double splitX) {
    Impl& d = *impl_;
    Impl& o = *other.impl_;
    if (d.splitPartner != &o) {
        clearSplit();
        d.renderer->AddActor(d.partnerActor);
        d.splitPartner = &o;
    }
    // The partner as it is now: its mesh, colours, placement (the registration) and look.
    for (auto [mine, theirs, input] : {std::tuple{d.partnerMapper.GetPointer(), o.mapper.GetPointer(), o.normals.GetPointer()},
                                       std::tuple{d.partnerCoarseMapper.GetPointer(), o.coarseMapper.GetPointer(), o.coarseNormals.GetPointer()}}) {
        mine->SetInputConnection(input->GetOutputPort());
        mine->SetLookupTable(theirs->GetLookupTable());
        mine->SetScalarRange(theirs->GetScalarRange());
        mine->SetScalarVisibility(theirs->GetScalarVisibility());
    }
    d.partnerActor->SetMapper(o.moving ? d.partnerCoarseMapper.GetPointer() : d.partnerMapper.GetPointer());
    d.partnerActor->SetProperty(o.actor->GetProperty());
    d.partnerActor->SetUserTransform(o.actor->GetUserTransform());
    vtkNew<vtkPlane> keepLeft, keepRight;  // a plane keeps the side its normal points to
    keepLeft->SetOrigin(splitX, 0, 0);
    keepLeft->SetNormal(-1, 0, 0);
    keepRight->SetOrigin(splitX, 0, 0);
    keepRight->SetNormal(1, 0, 0);
    for (vtkPolyDataMapper* m : {d.mapper.GetPointer(), d.coarseMapper.GetPointer()}) {
        m->RemoveAllClippingPlanes();
        m->AddClippingPlane(keepLeft);
    }
    for (vtkPolyDataMapper* m : {d.partnerMapper.GetPointer(), d.partnerCoarseMapper.GetPointer()}) {
        m->RemoveAllClippingPlanes();
        m->AddClippingPlane(keepRight);
    }
}

void SurfaceScene::clearSplit() {
    Impl& d = *impl_;
    if (!d.splitPartner) return;
    d.renderer->RemoveActor(d.partnerActor);
    d.mapper->RemoveAllClippingPlanes();
    d.coarseMapper->RemoveAllClippingPlanes();
    d.splitPartner = nullptr;
}

void SurfaceScene::setProfileLine(double x0, double y0, double x1, double y1) {
    Impl& d = *impl_;
    const double z = (double(d.top) + 0.3) * d.settings.exaggeration;
    vtkNew<vtkPoints> pts;
    pts->InsertNextPoint(x0, y0, z);
    pts->InsertNextPoint(x1, y1, z);
    vtkNew<vtkCellArray> line;
    const vtkIdType ids[2] = {0, 1};
    line->InsertNextCell(2, ids);
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(pts);
    poly->SetLines(line);
    d.profileMapper->SetInputData(poly);
    d.profile->SetVisibility(true);
}

void SurfaceScene::clearProfileLine() { impl_->profile->SetVisibility(false); }

void SurfaceScene::setPins(const std::vector<std::pair<double, double>>& pixels) {
    Impl& d = *impl_;
    vtkNew<vtkPoints> pts;
    vtkNew<vtkCellArray> verts;
    const double z = (double(d.top) + 0.5) * d.settings.exaggeration;
    for (const auto& [col, row] : pixels) {
        const vtkIdType id = pts->InsertNextPoint(col * d.spacingX, -row * d.spacingY, z);
        verts->InsertNextCell(1, &id);
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(pts);
    poly->SetVerts(verts);
    d.pinMapper->SetInputData(poly);
    d.pins->SetVisibility(!pixels.empty());
}

void SurfaceScene::worldToPixel(double x, double y, double& col, double& row) const {
    col = x / impl_->spacingX;
    row = -y / impl_->spacingY;
}

double SurfaceScene::widthMicrometres() const { return impl_->width; }

void SurfaceScene::setCellOverlay(const std::vector<CellOutline>& outlines) {
    Impl& d = *impl_;
    d.outlines = outlines;
    vtkNew<vtkPoints> pts;
    vtkNew<vtkCellArray> lines;
    vtkNew<vtkUnsignedCharArray> colours;
    colours->SetNumberOfComponents(3);
    const double z = (double(d.top) + 0.2) * d.settings.exaggeration;
    for (const auto& c : outlines) {
        const double x0 = c.col0 * d.spacingX, x1 = (c.col0 + c.cols) * d.spacingX;
        const double y0 = -c.row0 * d.spacingY, y1 = -(c.row0 + c.rows) * d.spacingY;
        const vtkIdType a = pts->InsertNextPoint(x0, y0, z), b = pts->InsertNextPoint(x1, y0, z);
        const vtkIdType e = pts->InsertNextPoint(x1, y1, z), f = pts->InsertNextPoint(x0, y1, z);
        const vtkIdType loop[5] = {a, b, e, f, a};
        lines->InsertNextCell(5, loop);
        // Okabe-Ito sky blue (congruent) and vermillion (not): apart for colour-blind eyes too,
        // and neither is on the grey surface or in viridis' greens.
        const unsigned char congruent[3] = {86, 180, 233}, other[3] = {213, 94, 0}, selected[3] = {255, 255, 255};
        colours->InsertNextTypedTuple(c.selected ? selected : c.highlighted ? congruent : other);
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(pts);
    poly->SetLines(lines);
    poly->GetCellData()->SetScalars(colours);
    d.cellMapper->SetInputData(poly);
    d.cells->SetVisibility(!outlines.empty());
}

void SurfaceScene::setCellOverlayVisible(bool visible) { impl_->cells->SetVisibility(visible); }

void SurfaceScene::setFalseColour(bool on) {
    impl_->settings.falseColour = on;
    impl_->applyColour();
}

void SurfaceScene::setColourMap(ColourMap map) {
    impl_->settings.colourMap = map;
    impl_->applyColourMap();
}

void SurfaceScene::setHeightRange(double lowUm, double highUm) {
    Impl& d = *impl_;
    if (!(highUm > lowUm)) highUm = lowUm + 1e-3;
    d.rangeLo = lowUm;
    d.rangeHi = highUm;
    d.applyRange();
}

std::pair<double, double> SurfaceScene::heightRange() const { return {impl_->rangeLo, impl_->rangeHi}; }

double SurfaceScene::scaleBarMicrometres() const { return impl_->barMicrometres; }

std::vector<vtkRenderer*> SurfaceScene::renderers() const {
    std::vector<vtkRenderer*> all{impl_->renderer};
    if (impl_->settings.falseColour) all.push_back(impl_->barRenderer);
    return all;
}

void SurfaceScene::resetCamera() {
    Impl& d = *impl_;
    vtkCamera* camera = d.renderer->GetActiveCamera();
    camera->SetFocalPoint(d.centreX, d.centreY, 0);
    camera->SetPosition(d.centreX, d.centreY, d.extent * 2.2);
    camera->SetViewUp(0, 1, 0);
    d.renderer->ResetCamera();
    d.renderer->ResetCameraClippingRange();
}

std::size_t SurfaceScene::displayedPoints() const { return std::size_t(impl_->points->GetNumberOfPoints()); }
int SurfaceScene::levelOfDetailStep() const { return impl_->step; }

void SurfaceScene::setInteracting(bool moving) {
    Impl& d = *impl_;
    d.moving = moving && d.hasCoarse;
    d.actor->SetMapper(d.moving ? d.coarseMapper.GetPointer() : d.mapper.GetPointer());
    if (d.splitPartner)
        d.partnerActor->SetMapper(moving && d.splitPartner->hasCoarse ? d.partnerCoarseMapper.GetPointer() : d.partnerMapper.GetPointer());
}

bool SurfaceScene::interacting() const { return impl_->moving; }

std::size_t SurfaceScene::interactivePointCount() const {
    return std::size_t(impl_->hasCoarse ? impl_->coarsePoints->GetNumberOfPoints() : impl_->points->GetNumberOfPoints());
}
vtkRenderer* SurfaceScene::renderer() const { return impl_->renderer; }

namespace {
// Renders the renderer in an off-screen window of the given size and hands the grabbed frame to `use`.
template <typename Use>
void renderOffScreen(const std::vector<vtkRenderer*>& renderers, int width, int height, Use use) {
    if (width < 16 || height < 16 || width > 8192 || height > 8192) throw std::invalid_argument("image size must be 16–8192 pixels");
    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetSize(width, height);
    for (vtkRenderer* r : renderers) window->AddRenderer(r);
    window->Render();
    vtkNew<vtkWindowToImageFilter> grab;
    grab->SetInput(window);
    grab->SetInputBufferTypeToRGB();
    grab->ReadFrontBufferOff();
    grab->Update();
    use(grab.GetPointer());
    for (vtkRenderer* r : renderers) window->RemoveRenderer(r);
}
}  // namespace

std::vector<unsigned char> SurfaceScene::renderToImage(int width, int height) {
    std::vector<unsigned char> rgb;
    renderOffScreen(renderers(), width, height, [&](vtkWindowToImageFilter* grab) {
        vtkImageData* image = grab->GetOutput();
        int dims[3];
        image->GetDimensions(dims);
        rgb.resize(std::size_t(dims[0]) * dims[1] * 3);
        const auto* src = static_cast<const unsigned char*>(image->GetScalarPointer());
        for (int y = 0; y < dims[1]; ++y)  // VTK's first row is the bottom one
            std::copy_n(src + std::size_t(dims[1] - 1 - y) * dims[0] * 3, std::size_t(dims[0]) * 3, rgb.data() + std::size_t(y) * dims[0] * 3);
    });
    return rgb;
}

double SurfaceScene::timeFrames(int width, int height, int frames) {
    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetMultiSamples(0);  // as the workstation's view draws
    window->SetSize(width, height);
    window->AddRenderer(impl_->renderer);
    window->Render();  // the first frame uploads the mesh; not counted
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; ++i) {
        impl_->renderer->GetActiveCamera()->Azimuth(2.0);
        window->Render();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / std::max(frames, 1);
    window->RemoveRenderer(impl_->renderer);
    return ms;
}

void SurfaceScene::savePng(const std::string& path, int width, int height) {
    int error = 0;
    renderOffScreen(renderers(), width, height, [&](vtkWindowToImageFilter* grab) {
        vtkNew<vtkPNGWriter> writer;
        writer->SetFileName(path.c_str());
        writer->SetInputConnection(grab->GetOutputPort());
        writer->Write();
        error = int(writer->GetErrorCode());
    });
    std::error_code ec;
    if (error != 0 || !std::filesystem::exists(path, ec)) throw std::runtime_error(path + ": cannot write the PNG");
}

}  // namespace striae::viewer3d
