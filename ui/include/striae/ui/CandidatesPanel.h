#pragma once
// The ranked candidates of an acquisition's latest correlation run, with the
// review actions the acting user's roles allow; the others are disabled and
// say which role they need.
#include <QWidget>
#include <functional>
#include <optional>

#include "striae/records/Types.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace striae::records {
class Store;
}

namespace striae::ui {

class CandidatesPanel : public QWidget {
    Q_OBJECT
public:
    explicit CandidatesPanel(QWidget* parent = nullptr);
    void setStore(records::Store* store) { store_ = store; }
    void setUser(std::optional<records::User> user);
    // Lists the newest run of this acquisition (or says there is none).
    void showRunsOf(records::Id acquisitionId);
    QTableWidget* table() const { return table_; }
    // What is listed: the run, how it was searched, the calibration model (rich text).
    QString heading() const;
    // Shows only rows with this text in any column (case, caliber, agency, date...).
    void setFilterText(const QString& text);
    void setHideReviewed(bool hide);
    QComboBox* minLrControl() const { return minLr_; }
    // The note that goes with the next action (review, conclusion, approval).
    void setNote(const QString& note);
    // The shortlist the next correlation uses (the control beside "Correlate now");
    // throws records::RecordsError for text that is not a count, a share or "all".
    records::Shortlist shortlist() const;

    // The actions on the selected candidate, as the buttons run them (after
    // asking for the AFTE conclusion where one is needed).
    void examine(const std::string& conclusion);
    void verify(const std::string& conclusion, bool blind);
    void approve();
    // The selected lead's report (intelligence or court) as PDF at `path`, as the
    // logged-in user may see it; refused with a dialog when there is no lead. The
    // Report… button asks for the kind and the file, then calls this.
    bool saveReport(bool court, const QString& path);

signals:
    void compareRequested(records::Id queryAcquisition, records::Id candidateAcquisition);
    void correlateRequested(records::Id queryAcquisition);
    void message(const QString& text);

private:
    void refreshActions();
    void act(const std::function<void(records::Id candidate)>& action);
    std::optional<records::Hit> selectedHit() const;
    void refuse(const QString& why);
    std::optional<records::Lead> selectedLead() const;

    records::Store* store_ = nullptr;
    std::optional<records::User> user_;
    records::Id query_ = 0;
    void applyFilter();
    std::string note() const;

    QLabel* heading_;
    QLineEdit* filter_;
    QCheckBox* hideReviewed_;
    QLineEdit* note_;
    QTableWidget* table_;
    QPushButton* lead_;
    QPushButton* notLead_;
    QPushButton* identify_;
    QPushButton* verify_;
    QPushButton* approve_;
    QPushButton* reveal_;
    QPushButton* report_;
    QPushButton* compare_;
    QPushButton* correlate_;
    QComboBox* shortlist_;
    QComboBox* minLr_;
};

}  // namespace striae::ui
