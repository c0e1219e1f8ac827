#pragma once
// What a calibration model is and how well it did, as an examiner or a court
// would ask: the reference data, the score, the LR bounds, the
// cross-validated figures beside the CMC count's, a Tippett plot and an
// empirical cross-entropy plot (Qt Charts), all from the model file.
#include <QDialog>

#include "striae/matching/CalibrationModel.h"

class QLabel;
class QTableWidget;
class QChartView;

namespace striae::ui {

class CalibrationView : public QDialog {
    Q_OBJECT
public:
    explicit CalibrationView(const matching::CalibrationModel& model, QWidget* parent = nullptr);
    QChartView* tippett() const { return tippett_; }
    QChartView* ece() const { return ece_; }
    QTableWidget* figures() const { return figures_; }

private:
    QLabel* summary_;
    QTableWidget* figures_;
    QChartView* tippett_;
    QChartView* ece_;
};

}  // namespace striae::ui
