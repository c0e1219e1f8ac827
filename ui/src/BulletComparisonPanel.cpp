#include "striae/ui/BulletComparisonPanel.h"

#include <QHeaderView>
#include <QImage>
#include <QPixmap>
#include <QEvent>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <tuple>

#include "striae/imaging/Preprocess.h"
#include "striae/ui/SignaturePlot.h"

namespace striae::ui {

BulletComparisonPanel::BulletComparisonPanel(QWidget* parent)
    : QWidget(parent),
      summary_(new QLabel(this)),
      matrix_(new QTableWidget(this)),
      plot_(new SignaturePlot(this)),
      imageA_(new QLabel(this)),
      imageB_(new QLabel(this)),
      captionA_(new QLabel(this)),
      captionB_(new QLabel(this)) {
    setObjectName("BulletComparisonPanel");
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    matrix_->setObjectName("LandMatrix");
    matrix_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    matrix_->setSelectionMode(QAbstractItemView::SingleSelection);
    matrix_->setToolTip(tr("CCF of each land of A (rows) with each land of B (columns); the lands the phase lines up are in bold. Click a cell to plot the pair."));
    // The two land images, one above the other, beside the signatures.
    auto* images = new QWidget(this);
    auto* imageColumn = new QVBoxLayout(images);
    imageColumn->setContentsMargins(0, 0, 0, 0);
    for (auto [image, caption, name] : {std::tuple{imageA_, captionA_, "LandImageA"}, std::tuple{imageB_, captionB_, "LandImageB"}}) {
        image->setObjectName(name);
        image->setAlignment(Qt::AlignHCenter | Qt::AlignTop);  // under its caption
        image->setMinimumSize(160, 120);
        image->installEventFilter(this);  // rescaled to its label as the splitters move
        image->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        image->setToolTip(tr("The land scan, grey and lit from the upper left; the signature is taken across the striae"));
        caption->setAlignment(Qt::AlignCenter);
        imageColumn->addWidget(caption);
        imageColumn->addWidget(image, 1);
        imageColumn->addSpacing(8);
    }
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(images);
    bottom->addWidget(plot_);
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 3);
    bottom->setSizes({400, 600});  // the land images wide enough to see their striae
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(matrix_);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(splitter, 1);
    connect(matrix_, &QTableWidget::cellClicked, this, &BulletComparisonPanel::selectPair);
}

namespace {
QString numbers(const std::vector<int>& v) {
    QStringList out;
    for (int n : v) out << QString::number(n);
    return out.join(' ');
}
}  // namespace

void BulletComparisonPanel::showComparison(std::vector<imaging::LandSignature> a, std::vector<imaging::LandSignature> b,
                                           const matching::BulletComparison& result, const QString& titleA, const QString& titleB,
                                           std::vector<imaging::Surface> scansA, std::vector<imaging::Surface> scansB,
                                           const QString& nameA, const QString& nameB) {
    a_ = std::move(a);
    b_ = std::move(b);
    scansA_ = std::move(scansA);
    scansB_ = std::move(scansB);
    nameA_ = nameA;
    nameB_ = nameB;
    result_ = result;
    const int rows = int(result.matrix.size()), cols = rows ? int(result.matrix[0].size()) : 0;
    summary_->setText(tr("<b>A:</b> %1 &nbsp; <b>B:</b> %2<br>Bullet score (mean CCF of the aligned lands): <b>%3</b>; "
                         "phase: land p of A with land p+%4 of B, of %8 (%5 ahead of the next phase); mean CMPS %6, mean CMS %7"
                         "<br>%9 land pairs on the phase; lands compared: A %10, B %11")
                          .arg(titleA, titleB)
                          .arg(result.score, 0, 'f', 3)
                          .arg(result.phase)
                          .arg(result.phaseMargin, 0, 'f', 3)
                          .arg(result.cmpsMean, 0, 'f', 1)
                          .arg(result.cmsMean, 0, 'f', 1)
                          .arg(result.lands)
                          .arg(result.alignedPairs.size())
                          .arg(numbers(result.landNumbersA), numbers(result.landNumbersB)));
    matrix_->clear();
    matrix_->setRowCount(rows);
    matrix_->setColumnCount(cols);
    QStringList rowLabels, colLabels;
    for (int i = 0; i < rows; ++i) rowLabels << nameA_ + " · " + QString::fromStdString(a_[std::size_t(i)].label);
    for (int j = 0; j < cols; ++j) colLabels << nameB_ + " · " + QString::fromStdString(b_[std::size_t(j)].label);
    matrix_->setVerticalHeaderLabels(rowLabels);
    matrix_->setHorizontalHeaderLabels(colLabels);
    auto aligned = [&](int i, int j) {
        return std::find(result.alignedPairs.begin(), result.alignedPairs.end(), std::make_pair(i, j)) != result.alignedPairs.end();
    };
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            const auto& c = result.matrix[std::size_t(i)][std::size_t(j)];
            auto* cell = new QTableWidgetItem(QString::number(c.ccf, 'f', 3));
            cell->setTextAlignment(Qt::AlignCenter);
            cell->setToolTip(tr("CCF %1 at %2 µm; CMS %3; CMPS %4 of %5 segments")
                                 .arg(c.ccf, 0, 'f', 3)
                                 .arg(c.lagUm, 0, 'f', 1)
                                 .arg(c.cms)
                                 .arg(c.cmps)
                                 .arg(c.segments));
            // Shade by score; the aligned lands bold and framed in green.
            const int shade = int(255 - std::clamp(c.ccf, 0.0, 1.0) * 120);
            cell->setBackground(QColor(shade, shade, 255));
            if (aligned(i, j)) {
                QFont f = cell->font();
                f.setBold(true);
                cell->setFont(f);
                cell->setBackground(QColor(150, 220, 150));
            }
            matrix_->setItem(i, j, cell);
        }
    matrix_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    if (!result.alignedPairs.empty()) {
        // The best aligned pair first.
        auto best = result.alignedPairs.front();
        for (const auto& p : result.alignedPairs)
            if (result.matrix[std::size_t(p.first)][std::size_t(p.second)].ccf > result.matrix[std::size_t(best.first)][std::size_t(best.second)].ccf)
                best = p;
        selectPair(best.first, best.second);
    }
}

void BulletComparisonPanel::selectPair(int i, int j) {
    if (i < 0 || j < 0 || i >= int(a_.size()) || j >= int(b_.size())) return;
    matrix_->setCurrentCell(i, j);
    const auto& c = result_.matrix[std::size_t(i)][std::size_t(j)];
    plot_->setSignatures(a_[std::size_t(i)].signature, b_[std::size_t(j)].signature, a_[std::size_t(i)].spacingUm, c.lagUm,
                         nameA_ + " · " + QString::fromStdString(a_[std::size_t(i)].label),
                         nameB_ + " · " + QString::fromStdString(b_[std::size_t(j)].label), tr("CCF %1, CMS %2, CMPS %3/%4").arg(c.ccf, 0, 'f', 3).arg(c.cms).arg(c.cmps).arg(c.segments));
    auto show = [](QLabel* image, QLabel* caption, const std::vector<imaging::Surface>& scans, std::size_t k, const QString& name) {
        caption->setText(name);
        if (k >= scans.size() || scans[k].empty()) {
            image->setPixmap({});
            image->setText(tr("(no image)"));
            return QPixmap();
        }
        const imaging::RgbImage picture = imaging::renderShadedRelief(scans[k], 600);
        const QImage q(picture.rgb.data(), picture.width, picture.height, picture.width * 3, QImage::Format_RGB888);
        return QPixmap::fromImage(q.copy());
    };
    landPixmapA_ = show(imageA_, captionA_, scansA_, std::size_t(i), nameA_ + " · " + QString::fromStdString(a_[std::size_t(i)].label));
    landPixmapB_ = show(imageB_, captionB_, scansB_, std::size_t(j), nameB_ + " · " + QString::fromStdString(b_[std::size_t(j)].label));
    fitLandImages();
}

void BulletComparisonPanel::fitLandImages() {
    for (auto [image, pixmap] : {std::pair{imageA_, &landPixmapA_}, std::pair{imageB_, &landPixmapB_}})
        if (!pixmap->isNull()) image->setPixmap(pixmap->scaled(image->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

bool BulletComparisonPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Resize && (watched == imageA_ || watched == imageB_)) fitLandImages();
    return QWidget::eventFilter(watched, event);
}

}  // namespace striae::ui
