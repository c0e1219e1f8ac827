#pragma once
// Firearm records, the seizure check, alerts and notifications for the
// logged-in user (issue 19, docs/firearms.md): the pages a records officer
// and a technician receiving a seized gun work in. Every rule is the
// library's (records::FirearmRecords …); a refusal is shown as the library
// words it and changes nothing. Calibers are picked from the reference list;
// one it lacks can be kept as free text, and is flagged.
#include <QDialog>

#include "striae/records/FirearmRecords.h"
#include "striae/records/Store.h"
#include "striae/records/TraceRequests.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace striae::ui {

class FirearmsWindow : public QDialog {
    Q_OBJECT
public:
    FirearmsWindow(records::Store& store, records::User user, QWidget* parent = nullptr);

    QTabWidget* tabs() const { return tabs_; }

public slots:
    void searchRecords();
    void saveRecord();
    void shareSelected();
    void checkSeizure();
    void refreshAlerts();
    void circulateAlert();
    void refreshNotifications();
    void refreshTraces();
    void draftTrace();   // drafts and submits a new request
    void traceAction(const QString& action);  // acknowledge, start, answer, reject, close, comment on the selected request

private:
    QWidget* recordsPage();
    QWidget* seizurePage();
    QWidget* alertsPage();
    QWidget* notificationsPage();
    QWidget* tracesPage();
    QComboBox* caliberChoice(const QString& objectName, QWidget* parent);
    void showProblem(QLabel* where, const std::exception& e);

    records::Store& store_;
    records::User user_;
    QTabWidget* tabs_;
    // Records
    QLineEdit* searchSerial_;
    QCheckBox* searchPrefix_;
    QTableWidget* records_;
    QComboBox *status_, *type_, *caliber_;
    QLineEdit *serial_, *make_, *model_, *country_, *eventDate_, *agencyCase_, *remarks_;
    QCheckBox *partial_, *obliterated_, *freeTextCaliber_;
    QLabel* recordProblem_;
    QLabel* referenceFlag_;  // make and model against the firearms reference table
    std::vector<records::FirearmRecord> shown_;
    // Seizure check
    QComboBox *seizedStatus_, *seizedCaliber_;
    QLineEdit *seizedSerial_, *seizedMake_;
    QCheckBox *seizedPartial_, *atHub_;
    QTableWidget* matches_;
    QLabel* seizureResult_;
    // Alerts and notifications
    QTableWidget *alerts_, *notifications_;
    QComboBox* alertKind_;
    QLineEdit *alertTitle_, *alertDescription_, *alertSerial_, *alertMake_;
    QCheckBox* alertToHub_;
    QLabel* alertProblem_;
    // Trace requests
    QComboBox* traceBox_;  // incoming or outgoing
    QTableWidget *traces_, *traceHistory_;
    QLineEdit *traceTo_, *traceSerial_, *traceMake_, *traceReason_, *traceDue_, *traceJustification_, *traceText_;
    QComboBox* tracePriority_;
    QCheckBox* traceThroughHub_;
    QLabel* traceProblem_;
    std::vector<records::TraceRequest> shownTraces_;
};

}  // namespace striae::ui
