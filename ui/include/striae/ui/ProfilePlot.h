#pragma once
// A height profile: height (µm) against distance along the line (µm).
#include <QWidget>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::ui {

class ProfilePlot : public QWidget {
    Q_OBJECT
public:
    explicit ProfilePlot(QWidget* parent = nullptr);
    void setProfile(std::vector<imaging::ProfileSample> samples);
    const std::vector<imaging::ProfileSample>& profile() const { return samples_; }
    QSize sizeHint() const override { return {280, 160}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<imaging::ProfileSample> samples_;
};

}  // namespace striae::ui
