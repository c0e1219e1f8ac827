#pragma once
// A scan as a lit 3D height map: a VTK scene with a virtual raking light,
// false-colour heights with a scale bar in micrometres, height exaggeration
// and level of detail. It renders into a window (the Qt host) or to an image.
// VTK types stay behind the pointer; only vtkRenderer is named for hosts.

#include <memory>
#include <utility>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

class vtkRenderer;

namespace striae::viewer3d {

// Perceptual colour maps for false colour (even steps look even; cividis is
// also readable with red-green colour blindness). No rainbow.
enum class ColourMap { Viridis, Cividis };

struct ViewSettings {
    double lightAzimuthDeg = 45;    // around the surface normal, from +x
    double lightElevationDeg = 30;  // above the surface plane: low = raking light
    double exaggeration = 20;       // heights × this against the lateral axes
    bool falseColour = false;       // grey and lit like a comparison microscope; true: colour by height with a bar beside
    ColourMap colourMap = ColourMap::Viridis;
    std::size_t maxPoints = 1'000'000;  // level of detail: the mesh is subsampled beyond this
    // While the camera moves, a coarser mesh of at most this many points is
    // drawn (the full one again once it stops); 0: always the full mesh.
    std::size_t interactivePoints = 250'000;
};

// A rectangle on the surface, in pixels of the scan (a CMC cell).
struct CellOutline {
    int row0 = 0, col0 = 0, rows = 0, cols = 0;
    bool highlighted = false;  // e.g. a congruent cell
    bool selected = false;     // the cell the examiner clicked (drawn white)
};

// World coordinates are micrometres with the scan's top-left pixel at the
// origin, x along columns and y up (rows go down), so scans of different
// sizes share one frame.
class SurfaceScene {
public:
    explicit SurfaceScene(const imaging::Surface& surface, const ViewSettings& settings = {});
    ~SurfaceScene();
    SurfaceScene(const SurfaceScene&) = delete;
    SurfaceScene& operator=(const SurfaceScene&) = delete;

    const ViewSettings& settings() const;
    void setLight(double azimuthDeg, double elevationDeg);
    void setExaggeration(double factor);
    void setFalseColour(bool on);
    void setColourMap(ColourMap map);
    // The heights (µm) the colours span: by default the 1st to 99th
    // percentile of this scan; a comparison sets one range for both sides.
    void setHeightRange(double lowUm, double highUm);
    std::pair<double, double> heightRange() const;
    // The length the lateral scale bar shows in the last frame (µm).
    double scaleBarMicrometres() const;
    void resetCamera();

    // Places the surface as the matcher registered it against a reference:
    // rotated by thetaDeg about its centre (the matcher's sense), then moved
    // back by the shift (dx, dy) pixels, so it lies over the reference.
    void setRegistration(double thetaDeg, double dxPx, double dyPx);
    // Outlines drawn just above the surface (highlighted: green, else orange); empty clears.
    void setCellOverlay(const std::vector<CellOutline>& cells);
    void setCellOverlayVisible(bool visible);
    // Both scenes look through one camera: turning or zooming one turns the other.
    void shareCameraWith(SurfaceScene& other);
    // Where the camera is and looks (µm), and its zoom: for views and tests that follow it.
    struct CameraPose {
        double position[3], focalPoint[3], viewUp[3];
        double viewAngle;
    };
    CameraPose camera() const;

    // Comparison-microscope split: `other` (placed by its registration) is
    // shown in this scene too, this surface left of the line x = splitX µm,
    // the other right of it. clearSplit() shows each in its own scene again.
    void splitWith(SurfaceScene& other, double splitX);
    void clearSplit();
    // A line drawn on the surface between two world points (µm); clearProfileLine removes it.
    void setProfileLine(double x0, double y0, double x1, double y1);
    void clearProfileLine();
    // Annotation pins at these pixels (column, row) of the scan; empty clears.
    void setPins(const std::vector<std::pair<double, double>>& pixels);
    // World (µm) to pixel (column, row) of this surface, as placed without a registration.
    void worldToPixel(double x, double y, double& col, double& row) const;
    // The lateral extent in µm (x from 0), for placing a split line.
    double widthMicrometres() const;

    // Points in the displayed mesh, and the subsampling step used for it.
    std::size_t displayedPoints() const;
    int levelOfDetailStep() const;
    // Draws the coarse mesh while `moving` (camera interaction), the full one otherwise.
    void setInteracting(bool moving);
    bool interacting() const;
    std::size_t interactivePointCount() const;  // points of the mesh drawn while moving

    vtkRenderer* renderer() const;
    // Everything a window draws for this scene: the surface, and beside it the colour bar when false colour is on.
    std::vector<vtkRenderer*> renderers() const;

    // Renders off screen (needs an X display; Xvfb in tests) to RGB rows, top row first.
    std::vector<unsigned char> renderToImage(int width, int height);
    // Renders `frames` frames off screen, turning the camera a little between
    // them, and returns milliseconds per frame (to measure interactivity).
    double timeFrames(int width, int height, int frames);
    // Renders and writes a PNG; throws std::runtime_error naming the file if it cannot.
    void savePng(const std::string& path, int width, int height);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace striae::viewer3d
