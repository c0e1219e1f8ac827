#pragma once
// Two land signatures plotted over each other: A as scanned, B shifted by
// the lag the comparison found, so matching striae line up.
#include <QWidget>
#include <vector>

namespace striae::ui {

class SignaturePlot : public QWidget {
    Q_OBJECT
public:
    explicit SignaturePlot(QWidget* parent = nullptr);
    // Heights in µm per sample (NaN: missing), sample spacing in µm; b drawn shifted by lagUm.
    void setSignatures(std::vector<double> a, std::vector<double> b, double spacingUm, double lagUm, const QString& labelA,
                       const QString& labelB, const QString& caption);
    void clear();
    bool hasSignatures() const { return !a_.empty(); }
    double lagUm() const { return lagUm_; }
    QSize sizeHint() const override { return {640, 220}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<double> a_, b_;
    double spacingUm_ = 1, lagUm_ = 0;
    QString labelA_, labelB_, caption_;
};

}  // namespace striae::ui
