#include "striae/ui/IntakeWizard.h"

#include "striae/records/Calibers.h"
#include "striae/records/FirearmRules.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateEdit>
#include <QSpinBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWizardPage>

#include "striae/ui/RegionEditor.h"
#include <cmath>

#include "striae/imaging/ImageIO.h"
#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"

namespace striae::ui {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kReadableRole = Qt::UserRole + 2;

// A page whose required fields can be registered from outside.
class Page : public QWizardPage {
public:
    using QWizardPage::QWizardPage;
    using QWizardPage::registerField;
};

// A pick-list showing names, holding the store's codes.
QComboBox* combo(const std::vector<std::string>& values, QWidget* parent) {
    auto* c = new QComboBox(parent);
    for (const auto& v : values) c->addItem(QString::fromStdString(records::displayName(v)), QString::fromStdString(v));
    return c;
}

// A pick-list that also takes free text (flagged by the caller if it is not one of the values).
QComboBox* editableChoice(const std::vector<std::string>& values, const QString& name, QWidget* parent) {
    auto* c = new QComboBox(parent);
    c->setObjectName(name);
    c->setEditable(true);
    c->addItem(QString());
    for (const auto& v : values) c->addItem(QString::fromStdString(v));
    c->setCurrentIndex(0);
    return c;
}
}  // namespace

IntakeWizard::IntakeWizard(const records::Store* store, QWidget* parent) : QWizard(parent), store_(store) {
    setWindowTitle(tr("Intake"));
    // Page 1: the case.
    auto* casePage = new Page(this);
    casePage->setTitle(tr("Case"));
    casePage->setSubTitle(tr("An existing case number adds to that case; a new one opens a case."));
    number_ = new QLineEdit(casePage);
    number_->setObjectName("caseNumber");
    offence_ = new QLineEdit(casePage);
    offence_->setObjectName("offence");
    // A date picker; its lowest value means "not known".
    date_ = new QDateEdit(casePage);
    date_->setObjectName("offenceDate");
    date_->setCalendarPopup(true);
    date_->setDisplayFormat("yyyy-MM-dd");
    date_->setMinimumDate(QDate(1900, 1, 1));
    date_->setSpecialValueText(tr("not known"));
    date_->setDate(date_->minimumDate());
    location_ = new QLineEdit(casePage);
    caseState_ = new QLabel(casePage);
    auto* caseForm = new QFormLayout(casePage);
    caseForm->addRow(tr("Case number"), number_);
    caseForm->addRow(QString(), caseState_);
    caseForm->addRow(tr("Offence"), offence_);
    caseForm->addRow(tr("Offence date"), date_);
    caseForm->addRow(tr("Location"), location_);
    casePage->registerField("caseNumber*", number_);
    connect(number_, &QLineEdit::textChanged, this, [this](const QString& n) {
        bool exists = false;
        if (store_ && !n.isEmpty()) {
            try {
                store_->caseByNumber(n.toStdString());
                exists = true;
            } catch (const std::exception&) {
            }
        }
        caseState_->setText(n.isEmpty() ? QString() : exists ? tr("Existing case: the item is added to it") : tr("New case"));
        for (QWidget* e : std::initializer_list<QWidget*>{offence_, date_, location_}) e->setEnabled(!exists);
    });
    addPage(casePage);

    // Page 2: the item and its class characteristics.
    auto* itemPage = new Page(this);
    itemPage->setTitle(tr("Item"));
    itemPage->setSubTitle(tr("The exhibit and its class characteristics."));
    label_ = new QLineEdit(itemPage);
    label_->setObjectName("itemLabel");
    kind_ = combo(records::kItemKinds, itemPage);
    kind_->setObjectName("kind");
    origin_ = combo(records::kItemOrigins, itemPage);
    caliber_ = new QLineEdit(itemPage);
    caliber_->setObjectName("caliber");
    // Picked from the reference list of calibers (names, C.I.P. names, aliases); free text stays possible and is flagged.
    caliberFlag_ = new QLabel(itemPage);
    caliberFlag_->setObjectName("caliberFlag");
    caliberFlag_->setStyleSheet("color: #8a5300");
    if (store_) {
        const auto calibers = store_->calibers().all();
        QStringList names;
        for (const auto& c : calibers) {
            names << QString::fromStdString(c.name);
            if (!c.cipName.empty() && c.cipName != c.name) names << QString::fromStdString(c.cipName);
            for (const auto& a : c.aliases) names << QString::fromStdString(a);
        }
        auto* completer = new QCompleter(names, caliber_);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        caliber_->setCompleter(completer);
        connect(caliber_, &QLineEdit::textChanged, this, [this, calibers](const QString& text) {
            const std::string written = text.trimmed().toStdString();
            const auto listed = written.empty() ? std::optional<std::string>() : records::resolveCaliber(calibers, written);
            if (written.empty()) caliberFlag_->clear();
            else if (listed) caliberFlag_->setText(*listed == written ? QString() : tr("listed as %1").arg(QString::fromStdString(*listed)));
            else caliberFlag_->setText(tr("not in the reference list: kept as written (free text)"));
        });
    }
    firingPin_ = editableChoice(records::kFiringPinShapes, "firingPinShape", itemPage);
    breechFace_ = editableChoice(records::kBreechFaceMarks, "breechFaceMarks", itemPage);
    notes_ = new QLineEdit(itemPage);
    // Rifling, for bullets: number of lands and twist (pick-lists; 0 lands: not given).
    lands_ = new QSpinBox(itemPage);
    lands_->setObjectName("lands");
    lands_->setRange(0, 40);
    lands_->setSpecialValueText(tr("not given"));
    twist_ = combo({"", "right", "left"}, itemPage);
    twist_->setObjectName("twist");
    twist_->setItemText(0, tr("not given"));
    twist_->setItemText(1, tr("Right"));
    twist_->setItemText(2, tr("Left"));
    auto* itemForm = new QFormLayout(itemPage);
    itemForm->addRow(tr("Label"), label_);
    itemForm->addRow(tr("Kind"), kind_);
    itemForm->addRow(tr("Origin"), origin_);
    itemForm->addRow(tr("Caliber"), caliber_);
    itemForm->addRow(QString(), caliberFlag_);
    itemForm->addRow(tr("Firing-pin shape"), firingPin_);
    itemForm->addRow(tr("Breech-face marks"), breechFace_);
    itemForm->addRow(tr("Lands (rifling)"), lands_);
    itemForm->addRow(tr("Twist"), twist_);
    itemForm->addRow(tr("Notes"), notes_);
    itemPage->registerField("itemLabel*", label_);
    addPage(itemPage);

    // Page 3: the scans, checked as they are added.
    auto* scanPage = new QWizardPage(this);
    scanPage->setTitle(tr("Scans"));
    scanPage->setSubTitle(tr("X3P files; each is read and checked now, and preprocessed on import unless already processed."));
    files_ = new QListWidget(scanPage);
    preview_ = new QLabel(tr("No scan selected"), scanPage);
    preview_->setFixedSize(220, 220);
    preview_->setAlignment(Qt::AlignCenter);
    regionEditor_ = new RegionEditor(scanPage);
    regionEditor_->setMinimumSize(420, 420);
    regionEditor_->hide();
    connect(regionEditor_, &RegionEditor::regionChanged, this, [this] {
        if (!shownPath_.isEmpty()) corrections_[shownPath_.toStdString()] = regionEditor_->corrections();
    });
    processed_ = new QCheckBox(tr("The scans are already processed (store them as they are)"), scanPage);
    processed_->setObjectName("alreadyProcessed");
    auto* add = new QPushButton(tr("Add scans…"), scanPage);
    imageSpacing_ = new QDoubleSpinBox(scanPage);
    imageSpacing_->setObjectName("imageSpacing");
    imageSpacing_->setRange(0.01, 1000);
    imageSpacing_->setDecimals(3);
    imageSpacing_->setValue(6.25);
    imageSpacing_->setSuffix(tr(" µm/pixel"));
    imageZScale_ = new QDoubleSpinBox(scanPage);
    imageZScale_->setObjectName("imageZScale");
    imageZScale_->setRange(0, 100);
    imageZScale_->setDecimals(5);
    imageZScale_->setValue(0.01);
    imageZScale_->setSuffix(tr(" µm/grey level"));
    auto* imageForm = new QFormLayout;
    imageForm->addRow(tr("PNG/TIFF height maps: spacing"), imageSpacing_);
    imageForm->addRow(tr("height per grey level"), imageZScale_);
    auto* lists = new QHBoxLayout;
    lists->addWidget(files_, 1);
    lists->addWidget(preview_);
    lists->addWidget(regionEditor_, 2);
    auto* scanLayout = new QVBoxLayout(scanPage);
    scanLayout->addLayout(lists);
    scanLayout->addWidget(add);
    scanLayout->addWidget(processed_);
    scanLayout->addLayout(imageForm);
    connect(add, &QPushButton::clicked, this, [this] {
        addFiles(QFileDialog::getOpenFileNames(this, tr("Scans"), QString(),
                                               tr("Scans (*.x3p *.png *.tif *.tiff);;X3P (*.x3p);;Height maps (*.png *.tif *.tiff)")));
    });
    connect(files_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) showPreview(item->data(kPathRole).toString());
    });
    // Processed scans need no region; raw ones show what the finder decided.
    connect(processed_, &QCheckBox::toggled, this, [this] {
        if (auto* item = files_->currentItem()) showPreview(item->data(kPathRole).toString());
    });
    addPage(scanPage);
}

imaging::Surface IntakeWizard::load(const QString& path) const {
    if (path.endsWith(".x3p", Qt::CaseInsensitive)) return imaging::readX3p(path.toStdString()).surface;
    return loadImageScan(path.toStdString(), imageSpacing_->value(), imageZScale_->value());
}

int IntakeWizard::addFiles(const QStringList& paths) {
    int readable = 0;
    for (const QString& path : paths) {
        auto* entry = new QListWidgetItem(files_);
        entry->setData(kPathRole, path);
        try {
            const auto surface = load(path);
            entry->setText(tr("%1 — %2 × %3 points, %4 µm, %5 % valid")
                               .arg(QFileInfo(path).fileName())
                               .arg(surface.cols())
                               .arg(surface.rows())
                               .arg(surface.spacingX() * 1e6, 0, 'f', 3)
                               .arg(100.0 * surface.validFraction(), 0, 'f', 1));
            entry->setData(kReadableRole, true);
            ++readable;
        } catch (const std::exception& e) {
            entry->setText(tr("%1 — cannot be imported: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what())));
            entry->setForeground(Qt::red);
            entry->setData(kReadableRole, false);
        }
    }
    if (files_->count() > 0 && !files_->currentItem()) files_->setCurrentRow(0);
    return readable;
}

void IntakeWizard::selectFile(int row) { files_->setCurrentRow(row); }

void IntakeWizard::showPreview(const QString& path) {
    shownPath_ = path;
    const bool raw = !processed_->isChecked() && path.endsWith(".x3p", Qt::CaseInsensitive);
    regionEditor_->setVisible(raw);
    preview_->setVisible(!raw);
    if (raw) {
        try {
            const auto it = corrections_.find(path.toStdString());
            regionEditor_->setScan(load(path), it == corrections_.end() ? imaging::BreechFaceHints{} : it->second);
        } catch (const std::exception&) {
            regionEditor_->clear();
        }
        return;
    }
    try {
        const auto s = load(path);
        const auto range = s.heightRange();
        QImage image(s.cols(), s.rows(), QImage::Format_Grayscale8);
        for (int r = 0; r < s.rows(); ++r) {
            uchar* line = image.scanLine(r);
            for (int c = 0; c < s.cols(); ++c) {
                const double z = s.at(r, c);
                line[c] = std::isnan(z) ? 0 : uchar(20 + 235 * (z - range.min) / std::max(range.max - range.min, 1e-15));
            }
        }
        preview_->setPixmap(QPixmap::fromImage(image).scaled(preview_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
    } catch (const std::exception& e) {
        preview_->setText(tr("No preview:\n%1").arg(QString::fromStdString(e.what())));
    }
}

imaging::Surface loadImageScan(const std::string& path, double spacingUm, double zScaleUm) {
    imaging::ImageImportOptions o;
    o.spacingX = spacingUm / 1e6;
    if (zScaleUm > 0) o.zScale = zScaleUm / 1e6;
    return imaging::readImage(path, o);
}

IntakeRequest IntakeWizard::request() const {
    IntakeRequest r;
    r.caseRecord.number = number_->text().trimmed().toStdString();
    r.caseRecord.offence = offence_->text().toStdString();
    r.caseRecord.offenceDate = date_->date() == date_->minimumDate() ? std::string() : date_->date().toString("yyyy-MM-dd").toStdString();
    r.caseRecord.location = location_->text().toStdString();
    r.newCase = offence_->isEnabled();
    r.item.label = label_->text().trimmed().toStdString();
    r.item.kind = kind_->currentData().toString().toStdString();
    r.item.origin = origin_->currentData().toString().toStdString();
    r.item.caliber = caliber_->text().trimmed().toStdString();
    r.item.firingPinShape = firingPin_->currentText().trimmed().toStdString();
    r.item.breechFaceMarks = breechFace_->currentText().trimmed().toStdString();
    if (lands_->value() > 0) r.item.lands = lands_->value();
    r.item.twist = twist_->currentData().toString().toStdString();
    r.item.notes = notes_->text().toStdString();
    for (int i = 0; i < files_->count(); ++i)
        if (files_->item(i)->data(kReadableRole).toBool()) r.files.push_back(files_->item(i)->data(kPathRole).toString().toStdString());
    r.alreadyProcessed = processed_->isChecked();
    r.imageSpacingUm = imageSpacing_->value();
    r.imageZScaleUm = imageZScale_->value();
    if (!r.alreadyProcessed)
        for (const auto& [file, hints] : corrections_)
            if (hints.primer || hints.firingPin) r.regionCorrections[file] = hints;
    return r;
}

}  // namespace striae::ui
