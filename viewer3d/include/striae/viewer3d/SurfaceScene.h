#pragma once
// A scan as a lit 3D height map: a VTK scene with a virtual raking light,
// false-colour heights with a scale bar in micrometres, height exaggeration
// and level of detail. It renders into a window (the Qt host) or to an image.
// VTK types stay behind the pointer; only vtkRenderer is named for hosts.

#include <memory>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

class vtkRenderer;

namespace striae::viewer3d {

struct ViewSettings {
    double lightAzimuthDeg = 45;    // around the surface normal, from +x
    double lightElevationDeg = 30;  // above the surface plane: low = raking light
    double exaggeration = 20;       // heights × this against the lateral axes
    bool falseColour = true;        // colour by height with a scale bar; else grey
    std::size_t maxPoints = 1'000'000;  // level of detail: the mesh is subsampled beyond this
};

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
    void resetCamera();

    // Points in the displayed mesh, and the subsampling step used for it.
    std::size_t displayedPoints() const;
    int levelOfDetailStep() const;

    vtkRenderer* renderer() const;

    // Renders off screen (needs an X display; Xvfb in tests) to RGB rows, top row first.
    std::vector<unsigned char> renderToImage(int width, int height);
    // Renders and writes a PNG; throws std::runtime_error naming the file if it cannot.
    void savePng(const std::string& path, int width, int height);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace striae::viewer3d
