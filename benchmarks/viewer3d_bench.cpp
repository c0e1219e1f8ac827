// Interactivity of the 3D view: milliseconds per frame for a 4-million-point
// scan at several levels of detail, the full mesh as the baseline.
// Needs an X display: xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX" build/dev/benchmarks/viewer3d_bench
#include <chrono>
#include <cmath>
#include <cstdio>

#include "striae/viewer3d/SurfaceScene.h"

using namespace striae;

int main() {
    imaging::Surface big(2000, 2000, 3.125e-6, 3.125e-6, 0.0);  // 4 million points
    for (int r = 0; r < big.rows(); ++r) {
        double* row = big.mutableRow(r);
        for (int c = 0; c < big.cols(); ++c)
            row[c] = 1e-6 * (std::sin(r * 0.05) * std::cos(c * 0.031) + 0.3 * std::sin((r + 2 * c) * 0.21));
    }
    std::printf("3D view of a 2000 x 2000 scan (4,000,000 points), 1024 x 768, 20 frames each\n");
    double full = 0;
    for (const std::size_t budget : {std::size_t(4'000'000), std::size_t(1'000'000), std::size_t(250'000)}) {
        viewer3d::ViewSettings settings;
        settings.maxPoints = budget;
        const auto t = std::chrono::steady_clock::now();
        viewer3d::SurfaceScene scene(big, settings);
        const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
        const double ms = scene.timeFrames(1024, 768, 20);
        if (budget == 4'000'000) full = ms;
        std::printf("  budget %9zu points: step %d, %9zu shown, mesh built in %6.0f ms, %7.1f ms/frame (%5.1f fps), %4.1fx the full mesh's speed\n",
                    budget, scene.levelOfDetailStep(), scene.displayedPoints(), buildMs, ms, 1000 / ms, full / ms);
    }
    // The workstation's default: 1M points at rest, 250k while the camera moves.
    viewer3d::SurfaceScene scene(big, viewer3d::ViewSettings{});
    const double still = scene.timeFrames(1024, 768, 20);
    scene.setInteracting(true);
    const double moving = scene.timeFrames(1024, 768, 20);
    std::printf("  default view: %zu points at rest %.1f ms/frame (%.1f fps); %zu while moving %.1f ms/frame (%.1f fps), "
                "%.1fx the full mesh's speed\n",
                scene.displayedPoints(), still, 1000 / still, scene.interactivePointCount(), moving, 1000 / moving, full / moving);
    return 0;
}
