#pragma once
// The surface model every scan goes through: a grid of heights with x/y
// spacing in metres, missing points as NaN, metadata and a processing history.
// Copies and crops share the height buffer; writing detaches (copy-on-write),
// so views are cheap and a surface handed to another thread stays unchanged.

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace striae::imaging {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct InstrumentInfo {
    std::string manufacturer;
    std::string model;
    std::string serial;
    std::string version;
};

struct SurfaceMetadata {
    std::string featureType = "SUR";
    std::string date;             // ISO 8601 as written by the instrument
    std::string creator;
    InstrumentInfo instrument;
    std::string calibrationDate;
    std::string probingType;      // Contacting | NonContacting
    std::string probingIdentification;
    std::string comment;
};

// One step of processing with the parameters that reproduce it.
struct ProcessingStep {
    std::string name;
    std::vector<std::pair<std::string, std::string>> parameters;
};

struct HeightRange {
    double min = kMissing;
    double max = kMissing;
};

class Surface {
public:
    Surface() = default;
    // rows = y (SizeY), cols = x (SizeX); spacing in metres.
    Surface(int rows, int cols, double spacingX, double spacingY, double fill = kMissing);

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    std::size_t size() const { return static_cast<std::size_t>(rows_) * cols_; }
    bool empty() const { return rows_ == 0 || cols_ == 0; }

    double spacingX() const { return spacingX_; }
    double spacingY() const { return spacingY_; }
    void setSpacing(double spacingX, double spacingY);
    // Position of point (0,0) in metres, so crops keep their place.
    double originX() const { return originX_; }
    double originY() const { return originY_; }
    void setOrigin(double x, double y) { originX_ = x; originY_ = y; }

    double at(int row, int col) const { return data_[offset_ + row * stride_ + col]; }
    void set(int row, int col, double value) { mutableRow(row)[col] = value; }
    bool isValid(int row, int col) const { return at(row, col) == at(row, col); }
    const double* row(int r) const { return data_.get() + offset_ + r * stride_; }
    double* mutableRow(int r);  // detaches if shared
    std::ptrdiff_t stride() const { return stride_; }  // in elements

    // A view of a rectangle sharing the heights; clipped to the surface.
    Surface crop(int row0, int col0, int rows, int cols) const;
    // A contiguous deep copy.
    Surface clone() const;
    bool sharesDataWith(const Surface& other) const { return data_ == other.data_; }

    std::size_t validCount() const;
    double validFraction() const;
    HeightRange heightRange() const;
    // Heights in row-major order, contiguous (copied only if this is a view).
    std::vector<double> toVector() const;

    SurfaceMetadata& metadata() { return metadata_; }
    const SurfaceMetadata& metadata() const { return metadata_; }
    const std::vector<ProcessingStep>& history() const { return history_; }
    void addStep(ProcessingStep step) { history_.push_back(std::move(step)); }
    void setHistory(std::vector<ProcessingStep> h) { history_ = std::move(h); }

private:
    void detach();

    std::shared_ptr<double[]> data_;
    std::ptrdiff_t offset_ = 0;
    std::ptrdiff_t stride_ = 0;
    int rows_ = 0;
    int cols_ = 0;
    double spacingX_ = 1.0;
    double spacingY_ = 1.0;
    double originX_ = 0.0;
    double originY_ = 0.0;
    SurfaceMetadata metadata_;
    std::vector<ProcessingStep> history_;
};

// A height profile along a straight line between two points given in pixels
// (column, row): distance from the start and height, both in metres; heights
// bilinearly interpolated, missing (NaN) where a neighbour is missing.
struct ProfileSample {
    double distance = 0;
    double height = kMissing;
};
std::vector<ProfileSample> profileAlong(const Surface& s, double col0, double row0, double col1, double row1, int samples);

// Formats a double for reports and processing parameters (shortest round-trip form).
std::string formatNumber(double value);

}  // namespace striae::imaging
