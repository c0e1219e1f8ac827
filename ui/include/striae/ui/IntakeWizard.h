#pragma once
// Intake: the case (new or existing), the item with its class
// characteristics, and the scans, each checked as it is added (size,
// spacing, valid points, or the reason it cannot be read) with a preview.
#include <QWizard>
#include <map>
#include <vector>

#include "striae/imaging/Preprocess.h"

#include "striae/imaging/Surface.h"
#include "striae/records/Types.h"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace striae::ui {
class RegionEditor;
}

namespace striae::records {
class Store;
}

namespace striae::ui {

struct IntakeRequest {
    records::CaseRecord caseRecord;  // the number names an existing case, or opens a new one
    bool newCase = true;
    records::Item item;
    std::vector<std::string> files;  // readable X3P, PNG or TIFF files only
    bool alreadyProcessed = false;
    double imageSpacingUm = 0;       // for PNG/TIFF height maps
    double imageZScaleUm = 0;        // micrometres per grey level (integer images)
    // Per file, the breech-face circles the technician corrected before import.
    std::map<std::string, imaging::BreechFaceHints> regionCorrections;
};

// A PNG/TIFF height map with the stated spacing and height per grey level (µm).
imaging::Surface loadImageScan(const std::string& path, double spacingUm, double zScaleUm);

class IntakeWizard : public QWizard {
    Q_OBJECT
public:
    explicit IntakeWizard(const records::Store* store, QWidget* parent = nullptr);
    IntakeRequest request() const;
    // Adds scans as the file dialog would; returns how many were readable.
    int addFiles(const QStringList& paths);
    // The region editor of the selected raw scan (hidden for processed scans).
    RegionEditor* regionEditor() const { return regionEditor_; }
    void selectFile(int row);

private:
    void showPreview(const QString& path);
    imaging::Surface load(const QString& path) const;

    const records::Store* store_;
    QLineEdit *number_, *offence_, *location_;
    QDateEdit* date_;
    QLabel* caseState_;
    QLineEdit *label_, *caliber_, *notes_;
    QLabel* caliberFlag_;  // a caliber the reference list lacks: kept as written, said so
    QComboBox *firingPin_, *breechFace_, *twist_;
    QSpinBox* lands_;
    QComboBox *kind_, *origin_;
    QListWidget* files_;
    QLabel* preview_;
    RegionEditor* regionEditor_;
    std::map<std::string, imaging::BreechFaceHints> corrections_;
    QString shownPath_;
    QCheckBox* processed_;
    QDoubleSpinBox* imageSpacing_;
    QDoubleSpinBox* imageZScale_;
};

}  // namespace striae::ui
