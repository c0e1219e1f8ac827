#include "striae/ui/CandidatesPanel.h"

#include <cmath>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QGuiApplication>
#include <QMenu>
#include <QHBoxLayout>
#include <QCheckBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QIcon>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "striae/records/LeadReport.h"
#include "striae/records/Store.h"
#include "striae/report/LeadReportPdf.h"
#include "striae/ui/ConclusionDialog.h"

namespace striae::ui {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kAcquisitionRole = Qt::UserRole + 2;
constexpr int kLog10LrRole = Qt::UserRole + 5;

// Sorts by the LR itself, whatever the text says about bounds.
struct LrItem : QTableWidgetItem {
    bool operator<(const QTableWidgetItem& other) const override {
        return data(kLog10LrRole).toDouble() < other.data(kLog10LrRole).toDouble();
    }
};

// The review stage as a badge: a letter in a disc, so it reads without colour too.
QIcon stageIcon(const QString& letter, const QColor& colour) {
    QPixmap p(18, 18);
    p.fill(Qt::transparent);
    QPainter painter(&p);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(colour);
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(1, 1, 16, 16);
    painter.setPen(Qt::white);
    QFont f = painter.font();
    f.setBold(true);
    f.setPixelSize(11);
    painter.setFont(f);
    painter.drawText(QRect(0, 0, 18, 18), Qt::AlignCenter, letter);
    return QIcon(p);
}
}  // namespace

CandidatesPanel::CandidatesPanel(QWidget* parent)
    : QWidget(parent),
      heading_(new QLabel(tr("No correlation run"), this)),
      filter_(new QLineEdit(this)),
      hideReviewed_(new QCheckBox(tr("Hide reviewed"), this)),
      note_(new QLineEdit(this)),
      table_(new QTableWidget(0, 9, this)),
      lead_(new QPushButton(tr("Lead"), this)),
      notLead_(new QPushButton(tr("Not a lead"), this)),
      identify_(new QPushButton(tr("Examine…"), this)),
      verify_(new QPushButton(tr("Verify…"), this)),
      approve_(new QPushButton(tr("Approve"), this)),
      reveal_(new QPushButton(tr("Show first conclusion…"), this)),
      report_(new QPushButton(tr("Report…"), this)),
      compare_(new QPushButton(tr("Compare side by side"), this)),
      correlate_(new QPushButton(tr("Correlate now"), this)),
      shortlist_(new QComboBox(this)),
      minLr_(new QComboBox(this)) {
    // How many holdings CMC compares after the first stage: shown, adjustable, "all" for a full run.
    shortlist_->setObjectName("shortlist");
    shortlist_->setEditable(true);
    shortlist_->addItem(QString::fromStdString(records::Shortlist{}.describe()), QString());  // the store's default
    for (const char* choice : {"20%/100", "10%", "5%", "1000", "500", "all"}) shortlist_->addItem(QString::fromLatin1(choice), QString::fromLatin1(choice));
    shortlist_->setToolTip(tr("Holdings kept by the first stage (signatures): a count (500) or a share (25%), then, after '/', how many of "
                              "those the second stage (CMC on a coarse grid) keeps for full CMC (35%/200); 'all' is a full run. Every list "
                              "says how many holdings there were and how many were compared. docs/search.md"));
    table_->setHorizontalHeaderLabels(
        {tr("Rank"), tr("Case / item"), tr("CMC"), tr("High CMC"), tr("log10 LR"), tr("Review"), tr("Caliber"), tr("Agency"), tr("Acquired")});
    // The stopping rule for the list: candidates below a likelihood ratio are hidden (they stay in the run).
    minLr_->setObjectName("minLr");
    minLr_->addItem(tr("all candidates"), 0.0);
    for (double v : {1.0, 100.0, 10000.0}) minLr_->addItem(tr("LR ≥ %1").arg(v, 0, 'g', 6), v);
    minLr_->setToolTip(tr("Hide candidates whose validated likelihood ratio is below this (needs a calibration model; docs/validation.md)"));
    connect(minLr_, &QComboBox::currentIndexChanged, this, &CandidatesPanel::applyFilter);
    filter_->setPlaceholderText(tr("Filter: case, caliber, agency, date…"));
    filter_->setClearButtonEnabled(true);
    connect(filter_, &QLineEdit::textChanged, this, &CandidatesPanel::applyFilter);
    connect(hideReviewed_, &QCheckBox::toggled, this, &CandidatesPanel::applyFilter);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSortingEnabled(true);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    // Two rows, in the order of the workflow, so the panel leaves the views room on a 1280-pixel screen.
    auto* buttons = new QGridLayout;
    int at = 0;
    for (QPushButton* b : {compare_, lead_, notLead_, identify_, verify_, reveal_, approve_, report_}) {
        buttons->addWidget(b, at / 4, at % 4);
        ++at;
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    top->addWidget(heading_, 1);
    top->addWidget(new QLabel(tr("Shortlist:"), this));
    top->addWidget(shortlist_);
    top->addWidget(correlate_);
    layout->addLayout(top);
    auto* filters = new QHBoxLayout;
    filters->addWidget(filter_, 1);
    filters->addWidget(hideReviewed_);
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(minLr_);
    layout->addLayout(filters);
    layout->addWidget(table_, 1);
    note_->setPlaceholderText(tr("Note for the review, conclusion or approval"));
    layout->addWidget(note_);
    layout->addLayout(buttons);
    connect(table_, &QTableWidget::itemSelectionChanged, this, &CandidatesPanel::refreshActions);
    auto compare = [this] {
        const auto rows = table_->selectionModel()->selectedRows();
        if (!rows.isEmpty()) emit compareRequested(query_, table_->item(rows[0].row(), 0)->data(kAcquisitionRole).toLongLong());
    };
    connect(table_, &QTableWidget::cellDoubleClicked, this, compare);
    connect(compare_, &QPushButton::clicked, this, compare);
    connect(correlate_, &QPushButton::clicked, this, [this] {
        if (query_) emit correlateRequested(query_);
    });
    connect(lead_, &QPushButton::clicked, this, [this] {
        act([this](records::Id c) {
            store_->review(*user_, c, true, note());
            store_->markLead(*user_, c, note());
        });
    });
    connect(notLead_, &QPushButton::clicked, this, [this] { act([this](records::Id c) { store_->review(*user_, c, false, note()); }); });
    connect(identify_, &QPushButton::clicked, this, [this] {
        if (const auto c = ConclusionDialog::ask(this, tr("Examination of the lead"), tr("Your conclusion on this lead:"))) examine(*c);
    });
    connect(verify_, &QPushButton::clicked, this, [this] {
        const auto hit = selectedHit();
        const bool blind = hit && hit->hidden;
        const QString context = blind ? tr("Blind verification: you have not seen the first conclusion or who reached it. Your conclusion:")
                                      : tr("Verification (not blind: you have seen the first conclusion). Your conclusion:");
        if (const auto c = ConclusionDialog::ask(this, tr("Verification of the hit"), context)) verify(*c, blind);
    });
    connect(reveal_, &QPushButton::clicked, this, [this] {
        const auto hit = selectedHit();
        if (!hit || !store_ || !user_) return;
        const auto answer = QMessageBox::question(
            this, tr("Show the first conclusion?"),
            tr("Once you have seen the first examiner's conclusion, your verification of this hit can no longer be recorded as "
               "blind. This is recorded in the audit trail."),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) return;
        try {
            store_->revealHit(*user_, hit->id);
        } catch (const std::exception& e) {
            refuse(e.what());
        }
        showRunsOf(query_);
    });
    connect(approve_, &QPushButton::clicked, this, [this] { approve(); });
    // A lead's reports (docs/reports.md): the kind from the button's menu, then where to save it.
    auto* reports = new QMenu(report_);
    reports->setObjectName("reportMenu");
    auto askAndSave = [this](bool court) {
        const auto lead = selectedLead();
        if (!lead) return;
        const QString suggested = QDir::home().filePath(QString("lead-%1-%2.pdf").arg(lead->id).arg(court ? "court" : "intelligence"));
        const QString path = QFileDialog::getSaveFileName(this, court ? tr("Save the comparison report for court") : tr("Save the intelligence report"),
                                                          suggested, tr("PDF (*.pdf)"));
        if (!path.isEmpty()) saveReport(court, path);
    };
    reports->addAction(tr("Intelligence report (PDF)…"), this, [askAndSave] { askAndSave(false); });
    reports->addAction(tr("Comparison report for court (PDF)…"), this, [askAndSave] { askAndSave(true); });
    report_->setMenu(reports);
    refreshActions();
}

QString CandidatesPanel::heading() const { return heading_->text(); }

std::optional<records::Lead> CandidatesPanel::selectedLead() const {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty() || !store_) return std::nullopt;
    return store_->leadOfCandidate(table_->item(rows[0].row(), 0)->data(kIdRole).toLongLong());
}

bool CandidatesPanel::saveReport(bool court, const QString& path) {
    const auto lead = selectedLead();
    if (!lead || !store_ || !user_) {
        refuse(tr("Select a candidate that is a lead (and log in) to make its report"));
        return false;
    }
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);  // a second or two: the figures' cells are recomputed
    try {
        const auto model = store_->reports().build(*user_, lead->id);
        report::writeLeadReportPdf(*store_, model, court ? report::ReportKind::Court : report::ReportKind::Intelligence, path.toStdString(),
                                   STRIAE_VERSION);
        QGuiApplication::restoreOverrideCursor();
        emit message(tr("%1 of lead %2 written to %3").arg(court ? tr("Comparison report") : tr("Intelligence report")).arg(lead->id).arg(path));
        return true;
    } catch (const std::exception& e) {
        QGuiApplication::restoreOverrideCursor();
        refuse(tr("The report of lead %1 was not written: %2").arg(lead->id).arg(QString::fromUtf8(e.what())));
        return false;
    }
}

void CandidatesPanel::setUser(std::optional<records::User> user) {
    user_ = std::move(user);
    if (query_) showRunsOf(query_);  // what the list may show depends on who looks (blind verification)
    refreshActions();
}

void CandidatesPanel::showRunsOf(records::Id acquisitionId) {
    // A bullet's runs are kept on its first land, whichever land is selected.
    bool bullet = false;
    if (store_) {
        try {
            const auto named = store_->acquisition(acquisitionId);
            bullet = named.region == "land";
            if (bullet) {
                const auto lands = store_->landsOfBullet(named.itemId);
                if (!lands.empty()) acquisitionId = lands.front().id;
            }
        } catch (const std::exception&) {
        }
    }
    query_ = acquisitionId;
    table_->setSortingEnabled(false);
    table_->setRowCount(0);
    // Every score says what it is and where its validation lives.
    auto header = [this](int column, const QString& name, const QString& meaning) {
        auto* item = new QTableWidgetItem(name);
        item->setToolTip(meaning);
        table_->setHorizontalHeaderItem(column, item);
    };
    if (bullet) {
        header(2, tr("Bullet score"), tr("Mean cross-correlation (CCF) of the land pairs the best phase lines up; 0 to 1, not a probability. Validation: docs/bullets.md"));
        header(3, tr("Mean CMPS"), tr("Mean number of consecutive matching profile segments on the best phase. Validation: docs/bullets.md"));
    } else {
        header(2, tr("CMC"), tr("Count of congruent matching cells (original rule, the smaller of the two directions); a count, not a probability. Validation: docs/cmc.md"));
        header(3, tr("High CMC"), tr("Count of congruent matching cells by the High CMC rule. Validation: docs/cmc.md"));
    }
    std::optional<matching::CalibrationModel> model;
    QString modelLine;
    if (store_ && !bullet) {
        try {
            model = store_->calibrationModel();
            modelLine = model ? tr("<br>LR: validated likelihood ratio, calibration model %1 (%2), bounded to 10^%3 … 10^%4 by its reference data")
                                    .arg(QString::fromStdString(model->id), QString::fromStdString(model->name))
                                    .arg(model->calibration.lowerBoundLog10, 0, 'f', 2)
                                    .arg(model->calibration.upperBoundLog10, 0, 'f', 2)
                              : tr("<br>No calibration model: the scores are counts, not likelihood ratios");
        } catch (const std::exception& e) {
            modelLine = tr("<br>The calibration model cannot be used: %1").arg(QString::fromUtf8(e.what()));
        }
    }
    header(4, bullet ? tr("—") : tr("log10 LR"),
           bullet ? tr("Bullet scores are not calibrated to likelihood ratios (docs/validation.md)")
                  : model ? tr("Validated likelihood ratio (same firearm against different firearms), log10, from calibration model %1; "
                               "the tooltip of each value gives its 95 % interval. Validation: docs/validation.md")
                                .arg(QString::fromStdString(model->id))
                          : tr("No calibration model installed (striae calibration install): no likelihood ratios"));
    minLr_->setEnabled(!bullet && model.has_value());
    const auto runs = store_ ? store_->runsOf(acquisitionId) : std::vector<records::CorrelationRun>{};
    if (runs.empty()) {
        heading_->setText(tr("Scan %1 has not been correlated (striae correlate %1)").arg(acquisitionId));
    } else {
        const auto& run = runs.front();
        QString searched;
        if (!bullet && run.holdings > 0)
            searched = run.fullyCompared < run.holdings
                           ? tr("<br>%1 holdings of the caliber; the first stage kept %2 for CMC (shortlist %3)")
                                 .arg(run.holdings)
                                 .arg(run.fullyCompared)
                                 .arg(QString::fromStdString(run.shortlist))
                           : tr("<br>%1 holdings of the caliber, all compared by CMC").arg(run.holdings);
        // A hub's list says which tier searched: the agency's national hub, or the international hub's list mirrored by it.
        const QString tier = run.tier.empty() ? QString() : tr(" — the %1 tier's search at the hub").arg(QString::fromStdString(run.tier));
        heading_->setText((bullet ? tr("<b>Bullet correlation run %1</b>: %2 bullets, %3 reviewed") : tr("<b>Correlation run %1</b>: %2 candidates, %3 reviewed"))
                              .arg(run.id)
                              .arg(run.candidateCount)
                              .arg(run.reviewedCount) +
                          tier + searched + modelLine);
        for (const auto& c : store_->candidates(run.id)) {
            const int row = table_->rowCount();
            table_->insertRow(row);
            auto* rank = new QTableWidgetItem;
            rank->setData(Qt::DisplayRole, c.rank);
            rank->setData(kIdRole, qint64(c.id));
            rank->setData(kAcquisitionRole, qint64(c.acquisitionId));
            table_->setItem(row, 0, rank);
            table_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(c.caseNumber + " / " + c.itemLabel)));
            auto* score = new QTableWidgetItem;
            score->setData(Qt::DisplayRole, bullet ? QVariant(std::round(c.score * 1000) / 1000) : QVariant(c.score));
            table_->setItem(row, 2, score);
            auto* high = new QTableWidgetItem;
            high->setData(Qt::DisplayRole, bullet ? QVariant(std::round(c.scoreHigh * 10) / 10) : QVariant(c.scoreHigh));
            table_->setItem(row, 3, high);
            auto* lrItem = new LrItem;
            if (const auto lr = records::candidateLikelihoodRatio(c)) {
                lrItem->setText(QString::number(lr->log10Lr, 'f', 2));
                lrItem->setData(kLog10LrRole, lr->log10Lr);
                lrItem->setToolTip(tr("LR = 10^%1, 95 %% interval 10^%2 … 10^%3%4; calibration model %5")
                                       .arg(lr->log10Lr, 0, 'f', 2)
                                       .arg(lr->lowerLog10, 0, 'f', 2)
                                       .arg(lr->upperLog10, 0, 'f', 2)
                                       .arg(lr->bound.empty() ? QString() : tr(", at the %1 bound the reference data support").arg(QString::fromStdString(lr->bound)))
                                       .arg(QString::fromStdString(lr->model)));
                // At a bound the data could not support more: shown, not hidden in a tooltip.
                if (!lr->bound.empty()) lrItem->setText(lrItem->text() + (lr->bound == "upper" ? tr(" (upper bound)") : tr(" (lower bound)")));
            }
            table_->setItem(row, 4, lrItem);
            const auto lead = store_->leadOfCandidate(c.id);
            QString review = c.decision == "lead" ? tr("lead") : c.decision == "not_lead" ? tr("not a lead") : tr("not reviewed");
            const bool examined = lead && lead->status != "open";
            const auto hit = examined && user_ ? store_->hitOfLead(*user_, lead->id) : std::nullopt;
            if (examined) {
                if (hit && hit->hidden)
                    review = tr("examined; conclusion hidden until you verify");
                else if (hit)
                    review = QString::fromStdString(records::conclusionLabel(hit->conclusion)) +
                             (hit->verifiedByViewer ? tr(", verified by you") : QString()) + (hit->approved ? tr(", approved") : QString());
                else
                    review = lead->status == "hit" ? tr("examined") : tr("lead: %1").arg(QString::fromStdString(lead->status));
            }
            auto* reviewItem = new QTableWidgetItem(review);
            // Lead, Examined, Verified, Approved (Okabe-Ito colours; the letter carries it without colour).
            if (lead && !examined) reviewItem->setIcon(stageIcon("L", QColor(230, 159, 0)));
            if (examined) {
                if (hit && hit->approved) reviewItem->setIcon(stageIcon("A", QColor(0, 158, 115)));
                else if (hit && hit->verifications > 0) reviewItem->setIcon(stageIcon("V", QColor(86, 180, 233)));
                else reviewItem->setIcon(stageIcon("E", QColor(0, 114, 178)));
                reviewItem->setData(Qt::UserRole + 4, hit && hit->approved ? "approved" : hit && hit->verifications > 0 ? "verified" : "examined");
            } else if (lead) {
                reviewItem->setData(Qt::UserRole + 4, "lead");
            }
            reviewItem->setData(Qt::UserRole + 3, !c.decision.empty());
            table_->setItem(row, 5, reviewItem);
            table_->setItem(row, 6, new QTableWidgetItem(QString::fromStdString(c.caliber)));
            table_->setItem(row, 7, new QTableWidgetItem(QString::fromStdString(c.agencyCode)));
            table_->setItem(row, 8, new QTableWidgetItem(QString::fromStdString(c.acquiredAt.substr(0, 10))));
        }
    }
    table_->setSortingEnabled(true);
    table_->sortByColumn(0, Qt::AscendingOrder);
    table_->resizeColumnsToContents();
    applyFilter();
    refreshActions();
}

void CandidatesPanel::setNote(const QString& text) { note_->setText(text); }

std::string CandidatesPanel::note() const { return note_->text().trimmed().toStdString(); }

void CandidatesPanel::setFilterText(const QString& text) { filter_->setText(text); }

void CandidatesPanel::setHideReviewed(bool hide) { hideReviewed_->setChecked(hide); }

void CandidatesPanel::applyFilter() {
    const QString text = filter_->text().trimmed();
    for (int r = 0; r < table_->rowCount(); ++r) {
        bool match = text.isEmpty();
        for (int c = 0; c < table_->columnCount() && !match; ++c)
            match = table_->item(r, c) && table_->item(r, c)->text().contains(text, Qt::CaseInsensitive);
        const bool reviewed = table_->item(r, 5) && table_->item(r, 5)->data(Qt::UserRole + 3).toBool();
        const double minLr = minLr_->isEnabled() ? minLr_->currentData().toDouble() : 0.0;
        const QVariant lr = table_->item(r, 4) ? table_->item(r, 4)->data(kLog10LrRole) : QVariant();
        const bool belowCut = minLr > 0 && (!lr.isValid() || lr.toDouble() < std::log10(minLr) - 1e-12);
        table_->setRowHidden(r, !match || (hideReviewed_->isChecked() && reviewed) || belowCut);
    }
}

void CandidatesPanel::refreshActions() {
    const bool selected = !table_->selectionModel()->selectedRows().isEmpty();
    compare_->setEnabled(selected);
    auto allow = [&](QPushButton* b, records::Role role, const QString& what) {
        const bool hasRole = user_ && user_->has(role);
        b->setEnabled(selected && hasRole);
        b->setToolTip(!user_ ? tr("%1: log in first (Session, Log in)").arg(what)
                      : !hasRole ? tr("%1 needs the %2 role").arg(what, QString::fromLatin1(records::toString(role)))
                      : !selected ? tr("Select a candidate") : QString());
    };
    allow(lead_, records::Role::Technician, tr("Marking leads"));
    const bool canCorrelate = query_ && user_ && user_->has(records::Role::Technician);
    correlate_->setEnabled(canCorrelate);
    correlate_->setToolTip(!query_ ? tr("Open a scan first")
                           : !user_ ? tr("Log in to run correlations")
                           : !canCorrelate ? tr("Running correlations needs the technician role") : QString());
    allow(notLead_, records::Role::Technician, tr("Reviewing candidates"));
    allow(identify_, records::Role::Examiner, tr("Examining leads"));
    allow(verify_, records::Role::Examiner, tr("Verifying hits"));
    allow(approve_, records::Role::Supervisor, tr("Approving hits"));
    const auto hit = selectedHit();
    const bool isLead = selectedLead().has_value();
    report_->setEnabled(isLead && user_);
    report_->setToolTip(!user_ ? tr("Reports: log in first (Session, Log in)")
                        : !isLead ? tr("Select a candidate marked as a lead: its intelligence or court report (PDF)")
                                  : tr("The lead's intelligence report or comparison report for court, as PDF"));
    allow(reveal_, records::Role::Examiner, tr("Seeing the first conclusion"));
    if (reveal_->isEnabled() && !(hit && hit->hidden)) {
        reveal_->setEnabled(false);
        reveal_->setToolTip(hit ? tr("You see this hit's conclusion already") : tr("Select an examined lead"));
    }
}

namespace {
records::Id leadOf(const records::Store& store, records::Id candidate) {
    const auto lead = store.leadOfCandidate(candidate);
    if (!lead) throw records::RecordsError(records::RecordsError::Kind::WorkflowViolation, "this candidate is not a lead");
    return lead->id;
}

records::Id hitOf(const records::Store& store, const records::User& user, records::Id candidate) {
    const auto hit = store.hitOfLead(user, leadOf(store, candidate));
    if (!hit) throw records::RecordsError(records::RecordsError::Kind::WorkflowViolation, "this lead has not been examined");
    return hit->id;
}
}  // namespace

std::optional<records::Hit> CandidatesPanel::selectedHit() const {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty() || !store_ || !user_) return std::nullopt;
    const records::Id candidate = table_->item(rows[0].row(), 0)->data(kIdRole).toLongLong();
    const auto lead = store_->leadOfCandidate(candidate);
    if (!lead) return std::nullopt;
    return store_->hitOfLead(*user_, lead->id);
}

void CandidatesPanel::refuse(const QString& why) {
    emit message(tr("Not done: %1").arg(why));
    // A refusal is a dialog the examiner sees, not only a status line (non-blocking).
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Not done"), why, QMessageBox::Ok, this);
    box->setObjectName("refusal");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void CandidatesPanel::examine(const std::string& conclusion) {
    act([&](records::Id c) { store_->confirmHit(*user_, leadOf(*store_, c), conclusion, note()); });
}

void CandidatesPanel::verify(const std::string& conclusion, bool blind) {
    act([&](records::Id c) { store_->verifyHit(*user_, hitOf(*store_, *user_, c), conclusion, blind, note()); });
}

records::Shortlist CandidatesPanel::shortlist() const {
    const QString chosen = shortlist_->currentIndex() >= 0 && shortlist_->currentText() == shortlist_->itemText(shortlist_->currentIndex())
                               ? shortlist_->currentData().toString()
                               : shortlist_->currentText().trimmed();
    return chosen.isEmpty() ? records::Shortlist{} : records::Shortlist::parse(chosen.toStdString());
}

void CandidatesPanel::approve() {
    act([&](records::Id c) { store_->approveHit(*user_, hitOf(*store_, *user_, c), note()); });
}

void CandidatesPanel::act(const std::function<void(records::Id)>& action) {
    const auto rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty() || !store_ || !user_) return;
    const records::Id candidate = table_->item(rows[0].row(), 0)->data(kIdRole).toLongLong();
    try {
        action(candidate);
        note_->clear();
        emit message(tr("Candidate %1 updated").arg(candidate));
    } catch (const std::exception& e) {
        refuse(QString::fromUtf8(e.what()));
    }
    showRunsOf(query_);
}

}  // namespace striae::ui
