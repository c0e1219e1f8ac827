#include "striae/ui/FirearmsWindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableWidget>
#include <QTabWidget>
#include <QVBoxLayout>

#include "striae/records/Calibers.h"
#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmHubSync.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/ReferenceTable.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubFirearmClient.h"
#include "striae/sync/NetworkTraces.h"
#include "striae/sync/SyncClient.h"

namespace striae::ui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string s(const QLineEdit* e) { return e->text().trimmed().toStdString(); }

QComboBox* choice(const std::vector<std::string>& values, const QString& objectName, QWidget* parent, bool blank = false) {
    auto* c = new QComboBox(parent);
    c->setObjectName(objectName);
    if (blank) c->addItem(QString());
    for (const auto& v : values) c->addItem(q(v));
    return c;
}

QTableWidget* table(const QStringList& columns, const QString& objectName, QWidget* parent) {
    auto* t = new QTableWidget(0, columns.size(), parent);
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(columns);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    return t;
}

void addRow(QTableWidget* t, const QStringList& cells) {
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c) t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

QLineEdit* line(const QString& objectName, QWidget* parent, const QString& placeholder = {}) {
    auto* e = new QLineEdit(parent);
    e->setObjectName(objectName);
    e->setPlaceholderText(placeholder);
    return e;
}

}  // namespace

FirearmsWindow::FirearmsWindow(records::Store& store, records::User user, QWidget* parent)
    : QDialog(parent), store_(store), user_(std::move(user)), tabs_(new QTabWidget(this)) {
    setObjectName("firearmsWindow");
    setWindowTitle(tr("Firearms — %1").arg(q(user_.fullName.empty() ? user_.username : user_.fullName)));
    tabs_->setObjectName("firearmTabs");
    tabs_->addTab(recordsPage(), tr("&Records"));
    tabs_->addTab(seizurePage(), tr("&Seizure check"));
    tabs_->addTab(alertsPage(), tr("&Alerts"));
    tabs_->addTab(notificationsPage(), tr("&Notifications"));
    tabs_->addTab(tracesPage(), tr("&Trace requests"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs_);
    resize(1100, 720);
    searchRecords();
    refreshAlerts();
    refreshNotifications();
    refreshTraces();
}

QComboBox* FirearmsWindow::caliberChoice(const QString& objectName, QWidget* parent) {
    // The reference list's names; typing another keeps it as written only when the user says so (flagged).
    auto* c = new QComboBox(parent);
    c->setObjectName(objectName);
    c->setEditable(true);
    c->addItem(QString());
    for (const auto& ref : store_.calibers().all()) c->addItem(q(ref.name));
    c->setInsertPolicy(QComboBox::NoInsert);
    return c;
}

void FirearmsWindow::showProblem(QLabel* where, const std::exception& e) {
    where->setStyleSheet("color: #b00020");
    where->setText(q(e.what()));
}

QWidget* FirearmsWindow::recordsPage() {
    auto* page = new QWidget(this);
    searchSerial_ = line("recordSearch", page, tr("serial: exact, or with * and ? for a partial serial; empty for all"));
    searchPrefix_ = new QCheckBox(tr("as a prefix"), page);
    searchPrefix_->setObjectName("recordSearchPrefix");
    auto* search = new QPushButton(tr("Sea&rch"), page);
    search->setObjectName("recordSearchButton");
    connect(search, &QPushButton::clicked, this, &FirearmsWindow::searchRecords);
    connect(searchSerial_, &QLineEdit::returnPressed, this, &FirearmsWindow::searchRecords);
    auto* searchRow = new QHBoxLayout;
    searchRow->addWidget(searchSerial_, 1);
    searchRow->addWidget(searchPrefix_);
    searchRow->addWidget(search);
    records_ = table({tr("Record"), tr("Agency"), tr("Status"), tr("Serial"), tr("Make"), tr("Model"), tr("Caliber"), tr("Shared")}, "records",
                     page);
    auto* share = new QPushButton(tr("S&hare selected with the network"), page);
    share->setObjectName("shareRecord");
    connect(share, &QPushButton::clicked, this, &FirearmsWindow::shareSelected);

    // A new record: the fields of NCIC's gun file, ATF 3312.1 and ISACS 05.31 that a records officer enters first.
    status_ = choice(records::kFirearmRecordStatuses, "recordStatus", page);
    serial_ = line("recordSerial", page, tr("as marked"));
    partial_ = new QCheckBox(tr("partial"), page);
    partial_->setObjectName("recordPartial");
    obliterated_ = new QCheckBox(tr("obliterated"), page);
    obliterated_->setObjectName("recordObliterated");
    make_ = line("recordMake", page);
    // Makes from the firearms reference table as the user types (free text stays possible).
    auto* makes = new QStringListModel(this);
    auto* completer = new QCompleter(makes, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    make_->setCompleter(completer);
    connect(make_, &QLineEdit::textEdited, this, [this, makes](const QString& text) {
        if (text.size() < 2) return;
        QStringList found;
        for (const auto& m : store_.referenceTable().search(text.toStdString(), "make", false, 20))
            if (!found.contains(q(m.reference.make))) found << q(m.reference.make);
        makes->setStringList(found);
    });
    model_ = line("recordModel", page);
    // Models of that make from the reference table; a make and model it holds fill the type and a sole caliber.
    auto* models = new QStringListModel(this);
    auto* modelCompleter = new QCompleter(models, this);
    modelCompleter->setCaseSensitivity(Qt::CaseInsensitive);
    modelCompleter->setFilterMode(Qt::MatchContains);
    model_->setCompleter(modelCompleter);
    referenceFlag_ = new QLabel(page);
    referenceFlag_->setObjectName("referenceFlag");
    referenceFlag_->setWordWrap(true);
    auto lookUp = [this, models] {
        const std::string make = s(make_), model = s(model_);
        referenceFlag_->clear();
        if (make.empty() || store_.referenceTable().size() == 0) return;
        QStringList ofMake;
        std::optional<records::FirearmReference> exact;
        auto same = [](const std::string& a, const std::string& b) { return QString::fromStdString(a).compare(q(b), Qt::CaseInsensitive) == 0; };
        for (const auto& m : store_.referenceTable().search(make, "make", false, 500)) {
            if (!same(m.reference.make, make)) continue;
            ofMake << q(m.reference.model);
            if (!model.empty() && same(m.reference.model, model)) exact = m.reference;
        }
        models->setStringList(ofMake);
        referenceFlag_->setStyleSheet("color: #8a5300");
        if (ofMake.isEmpty()) referenceFlag_->setText(tr("make not in the firearms reference table: kept as written (free text)"));
        else if (!model.empty() && !exact) referenceFlag_->setText(tr("model not in the reference table for this make: kept as written (free text)"));
        else if (exact) {
            referenceFlag_->setStyleSheet(QString());
            QStringList calibers;
            for (const auto& c : exact->calibers) calibers << q(c);
            referenceFlag_->setText(tr("in the reference table: %1, %2%3").arg(q(exact->type), calibers.join(", "),
                                                                             exact->country.empty() ? QString() : ", " + q(exact->country)));
            if (type_->currentText().isEmpty()) type_->setCurrentText(q(exact->type));
            if (caliber_->currentText().trimmed().isEmpty() && exact->calibers.size() == 1) caliber_->setEditText(q(exact->calibers[0]));
            if (country_->text().isEmpty()) country_->setText(q(exact->country));
        }
    };
    // Looked up as the user types (an indexed prefix search), so the flag is there before the field is left.
    connect(make_, &QLineEdit::textChanged, this, lookUp);
    connect(model_, &QLineEdit::textChanged, this, lookUp);
    connect(modelCompleter, qOverload<const QString&>(&QCompleter::activated), this, lookUp);
    caliber_ = caliberChoice("recordCaliber", page);
    freeTextCaliber_ = new QCheckBox(tr("keep a caliber the list lacks as written (flagged)"), page);
    freeTextCaliber_->setObjectName("recordFreeTextCaliber");
    type_ = choice(records::kFirearmTypes, "recordType", page, true);
    country_ = line("recordCountry", page, tr("ISO 3166, e.g. DE"));
    eventDate_ = line("recordEventDate", page, tr("YYYY-MM-DD"));
    agencyCase_ = line("recordAgencyCase", page);
    remarks_ = line("recordRemarks", page);
    recordProblem_ = new QLabel(page);
    recordProblem_->setObjectName("recordProblem");
    recordProblem_->setWordWrap(true);
    auto* save = new QPushButton(tr("Sa&ve record"), page);
    save->setObjectName("saveRecord");
    connect(save, &QPushButton::clicked, this, &FirearmsWindow::saveRecord);
    auto* serialRow = new QHBoxLayout;
    serialRow->addWidget(serial_, 1);
    serialRow->addWidget(partial_);
    serialRow->addWidget(obliterated_);
    auto* form = new QFormLayout;
    form->addRow(tr("Status"), status_);
    form->addRow(tr("Serial number"), serialRow);
    form->addRow(tr("Make"), make_);
    form->addRow(tr("Model"), model_);
    form->addRow(QString(), referenceFlag_);
    form->addRow(tr("Caliber"), caliber_);
    form->addRow(QString(), freeTextCaliber_);
    form->addRow(tr("Type"), type_);
    form->addRow(tr("Country of manufacture"), country_);
    form->addRow(tr("Date of loss, theft or seizure"), eventDate_);
    form->addRow(tr("Agency case number"), agencyCase_);
    form->addRow(tr("Remarks"), remarks_);

    auto* layout = new QVBoxLayout(page);
    layout->addLayout(searchRow);
    layout->addWidget(records_, 1);
    layout->addWidget(share);
    layout->addWidget(new QLabel(tr("<b>New record</b> (records officers; owned by your agency, not shared until you share it)"), page));
    layout->addLayout(form);
    layout->addWidget(recordProblem_);
    layout->addWidget(save);
    return page;
}

void FirearmsWindow::searchRecords() {
    records_->setRowCount(0);
    try {
        records::FirearmSearch query;
        query.serial = s(searchSerial_);
        query.serialPrefix = searchPrefix_->isChecked();
        shown_ = store_.firearmRecords().search(user_, query);
    } catch (const std::exception& e) {
        shown_.clear();
        showProblem(recordProblem_, e);
        return;
    }
    for (const auto& r : shown_)
        addRow(records_, {q(r.uid), q(r.ownerAgency), q(r.fields.status), q(r.fields.serial), q(r.fields.make), q(r.fields.model),
                          q(r.fields.caliber) + (r.caliberListed ? QString() : tr(" (free text)")), r.shared ? tr("yes") : tr("no")});
    records_->resizeColumnsToContents();
}

void FirearmsWindow::saveRecord() {
    records::FirearmRecordFields f;
    f.status = status_->currentText().toStdString();
    f.serial = s(serial_);
    f.serialPartial = partial_->isChecked();
    f.serialObliterated = obliterated_->isChecked();
    f.make = s(make_);
    f.model = s(model_);
    f.caliber = caliber_->currentText().trimmed().toStdString();
    f.type = type_->currentText().toStdString();
    f.countryOfManufacture = s(country_);
    f.eventDate = s(eventDate_);
    f.agencyCaseNumber = s(agencyCase_);
    f.remarks = s(remarks_);
    try {
        const auto r = store_.firearmRecords().create(user_, f, freeTextCaliber_->isChecked());
        recordProblem_->setStyleSheet(QString());
        recordProblem_->setText(tr("Recorded %1 (%2)%3").arg(q(r.uid), q(r.fields.status),
                                                               r.caliberListed ? QString() : tr("; caliber kept as free text, flagged")));
        for (auto* e : {serial_, make_, model_, country_, eventDate_, agencyCase_, remarks_}) e->clear();
        referenceFlag_->clear();
        type_->setCurrentIndex(0);
        caliber_->setCurrentIndex(0);
        caliber_->clearEditText();
        freeTextCaliber_->setChecked(false);  // each record's free text is asked for again
        searchSerial_->clear();
        searchRecords();
    } catch (const std::exception& e) {
        showProblem(recordProblem_, e);
    }
}

void FirearmsWindow::shareSelected() {
    const int row = records_->currentRow();
    if (row < 0 || row >= int(shown_.size())) {
        recordProblem_->setText(tr("Select a record to share"));
        return;
    }
    try {
        const auto r = store_.firearmRecords().setShared(user_, shown_[std::size_t(row)].id, true);
        recordProblem_->setStyleSheet(QString());
        recordProblem_->setText(tr("%1 is shared; it reaches the hub at the next sync").arg(q(r.uid)));
        searchRecords();
    } catch (const std::exception& e) {
        showProblem(recordProblem_, e);
    }
}

QWidget* FirearmsWindow::seizurePage() {
    auto* page = new QWidget(this);
    seizedStatus_ = choice({"seized", "found", "recovered"}, "seizedStatus", page);
    seizedSerial_ = line("seizedSerial", page, tr("as far as it can be read; * and ? for what cannot"));
    seizedPartial_ = new QCheckBox(tr("only its start could be read"), page);
    seizedPartial_->setObjectName("seizedPartial");
    seizedMake_ = line("seizedMake", page);
    seizedCaliber_ = caliberChoice("seizedCaliber", page);
    atHub_ = new QCheckBox(tr("check every agency's shared records at the hub too"), page);
    atHub_->setObjectName("seizedAtHub");
    atHub_->setEnabled(!store_.syncSetting("hub_url").empty());
    auto* check = new QPushButton(tr("&Check"), page);
    check->setObjectName("checkSeizure");
    connect(check, &QPushButton::clicked, this, &FirearmsWindow::checkSeizure);
    seizureResult_ = new QLabel(page);
    seizureResult_->setObjectName("seizureResult");
    seizureResult_->setWordWrap(true);
    matches_ = table({tr("Where"), tr("Record"), tr("Agency"), tr("Status"), tr("Wanted"), tr("How"), tr("Serial"), tr("Make")}, "seizureMatches",
                     page);
    auto* form = new QFormLayout;
    form->addRow(tr("The firearm was"), seizedStatus_);
    form->addRow(tr("Serial number"), seizedSerial_);
    form->addRow(QString(), seizedPartial_);
    form->addRow(tr("Make"), seizedMake_);
    form->addRow(tr("Caliber"), seizedCaliber_);
    form->addRow(QString(), atHub_);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("A firearm found, seized or recovered, checked against every record you may see. "
                                    "A match notifies the agency that recorded it."),
                                 page));
    layout->addLayout(form);
    layout->addWidget(check);
    layout->addWidget(seizureResult_);
    layout->addWidget(matches_, 1);
    return page;
}

void FirearmsWindow::checkSeizure() {
    records::FirearmRecordFields found;
    found.status = seizedStatus_->currentText().toStdString();
    found.serial = s(seizedSerial_);
    found.serialPartial = seizedPartial_->isChecked();
    found.make = s(seizedMake_);
    found.caliber = seizedCaliber_->currentText().trimmed().toStdString();
    matches_->setRowCount(0);
    try {
        const auto local = store_.firearmRecords().checkSeizure(user_, found);
        int wanted = 0;
        auto show = [&](const QString& where, const std::vector<records::SeizureMatch>& matches) {
            for (const auto& m : matches) {
                wanted += m.wanted;
                addRow(matches_, {where, q(m.record.uid), q(m.record.ownerAgency), q(m.record.fields.status), m.wanted ? tr("WANTED") : QString(),
                                  q(m.how) + (m.makeAgrees ? QString() : tr(" — the make differs: check it")), q(m.record.fields.serial),
                                  q(m.record.fields.make)});
            }
        };
        show(tr("this store"), local.matches);
        std::size_t total = local.matches.size();
        if (atHub_->isChecked()) {
            auto hub = sync::hubClientFor(store_, 15);
            const auto network = sync::HubFirearmClient(hub).checkSeizure(found, user_.username);
            show(tr("hub"), network.matches);
            total += network.matches.size();
        }
        seizureResult_->setStyleSheet(wanted ? "color: #b00020; font-weight: bold" : QString());
        seizureResult_->setText(total == 0 ? tr("Check %1: no record matched").arg(local.id)
                                           : tr("Check %1: %2 record(s) matched, %3 wanted; the recording agencies are notified")
                                                 .arg(local.id)
                                                 .arg(total)
                                                 .arg(wanted));
    } catch (const std::exception& e) {
        showProblem(seizureResult_, e);
    }
}

QWidget* FirearmsWindow::alertsPage() {
    auto* page = new QWidget(this);
    alerts_ = table({tr("Source"), tr("Agency"), tr("Kind"), tr("Title"), tr("Description"), tr("Serial"), tr("Make"), tr("Caliber"),
                     tr("Circulated")},
                    "alerts", page);
    // Circulating one: records officers; to this store's agencies, and to every agency of the hub when ticked.
    alertKind_ = choice({"firearm", "modus_operandi"}, "alertKind", page);
    alertTitle_ = line("alertTitle", page);
    alertDescription_ = line("alertDescription", page, tr("what to look for"));
    alertSerial_ = line("alertSerial", page);
    alertMake_ = line("alertMake", page);
    alertToHub_ = new QCheckBox(tr("to every agency of the hub too"), page);
    alertToHub_->setObjectName("alertToHub");
    alertToHub_->setEnabled(!store_.syncSetting("hub_url").empty());
    alertProblem_ = new QLabel(page);
    alertProblem_->setObjectName("alertProblem");
    alertProblem_->setWordWrap(true);
    auto* circulate = new QPushButton(tr("C&irculate alert"), page);
    circulate->setObjectName("circulateAlert");
    connect(circulate, &QPushButton::clicked, this, &FirearmsWindow::circulateAlert);
    auto* form = new QFormLayout;
    form->addRow(tr("Kind"), alertKind_);
    form->addRow(tr("Title"), alertTitle_);
    form->addRow(tr("Description"), alertDescription_);
    form->addRow(tr("Serial number"), alertSerial_);
    form->addRow(tr("Make"), alertMake_);
    form->addRow(QString(), alertToHub_);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("Active alerts: this store's, and the network's as the last hub sync brought them."), page));
    layout->addWidget(alerts_, 1);
    layout->addWidget(new QLabel(tr("<b>Circulate an alert</b> (records officers)"), page));
    layout->addLayout(form);
    layout->addWidget(alertProblem_);
    layout->addWidget(circulate);
    return page;
}

void FirearmsWindow::circulateAlert() {
    records::FirearmAlert a;
    a.kind = alertKind_->currentText().toStdString();
    a.title = s(alertTitle_);
    a.description = s(alertDescription_);
    a.serial = s(alertSerial_);
    a.make = s(alertMake_);
    try {
        const auto circulated = store_.alerts().circulate(user_, a);
        QString text = tr("Alert %1 circulated").arg(circulated.id);
        if (alertToHub_->isChecked()) {
            auto hub = sync::hubClientFor(store_, 15);
            const auto sent = sync::HubFirearmClient(hub).circulate(circulated, user_.username);
            text += tr("; at the hub, alert %1 to every agency").arg(sent.id);
        }
        alertProblem_->setStyleSheet(QString());
        alertProblem_->setText(text);
        for (auto* e : {alertTitle_, alertDescription_, alertSerial_, alertMake_}) e->clear();
        refreshAlerts();
    } catch (const std::exception& e) {
        showProblem(alertProblem_, e);
    }
}

void FirearmsWindow::refreshAlerts() {
    alerts_->setRowCount(0);
    auto add = [this](const QString& source, const records::FirearmAlert& a) {
        addRow(alerts_, {source, q(a.agency), q(a.kind), q(a.title), q(a.description), q(a.serial), q(a.make), q(a.caliber), q(a.circulatedAt)});
    };
    for (const auto& a : store_.alerts().active()) add(tr("this store"), a);
    for (const auto& a : store_.firearmHubSync().networkAlerts()) add(tr("network"), a);
}

QWidget* FirearmsWindow::notificationsPage() {
    auto* page = new QWidget(this);
    notifications_ = table({tr("Source"), tr("Id"), tr("Kind"), tr("From agency"), tr("Record"), tr("What"), tr("When"), tr("Read")},
                           "notifications", page);
    auto* read = new QPushButton(tr("&Mark selected read"), page);
    read->setObjectName("markNotificationRead");
    connect(read, &QPushButton::clicked, this, [this] {
        const int row = notifications_->currentRow();
        if (row < 0) return;
        const bool hub = notifications_->item(row, 0)->text() == tr("hub");
        const auto id = notifications_->item(row, 1)->text().toLongLong();
        try {
            if (hub) store_.firearmHubSync().markNoticeRead(user_, id);
            else store_.firearmRecords().markNotificationRead(user_, id);
        } catch (const std::exception&) {
        }
        refreshNotifications();
    });
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("Seizures that matched your agency's records (here and at the hub), alerts and trace steps."), page));
    layout->addWidget(notifications_, 1);
    layout->addWidget(read);
    return page;
}

void FirearmsWindow::refreshNotifications() {
    notifications_->setRowCount(0);
    for (const auto& n : store_.firearmRecords().notifications(user_))
        addRow(notifications_, {tr("this store"), QString::number(n.id), q(n.kind), q(n.checkingAgency), QString::number(n.recordId),
                                tr("seizure check %1 by %2").arg(n.checkId).arg(q(n.checkedBy)), q(n.createdAt), n.read ? tr("yes") : tr("no")});
    for (const auto& n : store_.firearmHubSync().notices())
        addRow(notifications_, {tr("hub"), QString::number(n.seq), q(n.kind), q(n.agency), q(n.recordUid), q(n.summary), q(n.receivedAt),
                                n.readAt.empty() ? tr("no") : tr("yes")});
}

QWidget* FirearmsWindow::tracesPage() {
    auto* page = new QWidget(this);
    traceBox_ = new QComboBox(page);
    traceBox_->setObjectName("traceBox");
    traceBox_->addItem(tr("incoming"), "incoming");
    traceBox_->addItem(tr("outgoing"), "outgoing");
    if (!store_.syncSetting("hub_url").empty()) {  // with agencies of other stores, through the hub
        traceBox_->addItem(tr("incoming at the hub"), "hub:incoming");
        traceBox_->addItem(tr("outgoing at the hub"), "hub:outgoing");
    }
    connect(traceBox_, &QComboBox::currentIndexChanged, this, &FirearmsWindow::refreshTraces);
    traces_ = table({tr("Id"), tr("From"), tr("To"), tr("Status"), tr("Priority"), tr("Due"), tr("Overdue"), tr("Firearm"), tr("Reason")},
                    "traces", page);
    traceHistory_ = table({tr("At"), tr("By"), tr("Agency"), tr("What"), tr("Status"), tr("Text")}, "traceHistory", page);
    connect(traces_, &QTableWidget::itemSelectionChanged, this, [this] {
        traceHistory_->setRowCount(0);
        const int row = traces_->currentRow();
        if (row < 0 || row >= int(shownTraces_.size())) return;
        for (const auto& e : shownTraces_[std::size_t(row)].history)
            addRow(traceHistory_, {q(e.at), q(e.by), q(e.agency), q(e.kind), q(e.toStatus), q(e.text)});
    });
    traceText_ = line("traceText", page, tr("the answer, the reason, a note or a comment"));
    traceProblem_ = new QLabel(page);
    traceProblem_->setObjectName("traceProblem");
    traceProblem_->setWordWrap(true);
    auto* actions = new QHBoxLayout;
    for (const auto& [action, label] : {std::pair{"acknowledge", tr("Acknowledge")}, std::pair{"start", tr("Start work")},
                                        std::pair{"answer", tr("Answer")}, std::pair{"reject", tr("Reject")}, std::pair{"close", tr("Close")},
                                        std::pair{"comment", tr("Comment")}}) {
        auto* b = new QPushButton(label, page);
        b->setObjectName(QString("trace_") + action);
        connect(b, &QPushButton::clicked, this, [this, a = QString(action)] { traceAction(a); });
        actions->addWidget(b);
    }
    // A new request: to an agency, about a firearm, why, how urgent, by when.
    traceTo_ = line("traceTo", page, tr("the agency's code"));
    traceSerial_ = line("traceSerial", page);
    traceMake_ = line("traceMake", page);
    traceReason_ = line("traceReason", page);
    tracePriority_ = choice({"routine", "urgent"}, "tracePriority", page);
    traceJustification_ = line("traceJustification", page, tr("required for an urgent request"));
    traceDue_ = line("traceDue", page, tr("YYYY-MM-DD"));
    traceThroughHub_ = new QCheckBox(tr("to an agency of another store, through the hub"), page);
    traceThroughHub_->setObjectName("traceThroughHub");
    traceThroughHub_->setEnabled(!store_.syncSetting("hub_url").empty());
    auto* send = new QPushButton(tr("Send &request"), page);
    send->setObjectName("sendTrace");
    connect(send, &QPushButton::clicked, this, &FirearmsWindow::draftTrace);
    auto* form = new QFormLayout;
    form->addRow(tr("To agency"), traceTo_);
    form->addRow(tr("Serial number"), traceSerial_);
    form->addRow(tr("Make"), traceMake_);
    form->addRow(tr("Reason"), traceReason_);
    form->addRow(tr("Priority"), tracePriority_);
    form->addRow(tr("Justification"), traceJustification_);
    form->addRow(tr("Due date"), traceDue_);
    form->addRow(QString(), traceThroughHub_);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(traceBox_);
    layout->addWidget(traces_, 2);
    layout->addWidget(traceHistory_, 1);
    layout->addWidget(traceText_);
    layout->addLayout(actions);
    layout->addWidget(traceProblem_);
    layout->addWidget(new QLabel(tr("<b>New trace request</b> (trace officers)"), page));
    layout->addLayout(form);
    layout->addWidget(send);
    return page;
}

void FirearmsWindow::refreshTraces() {
    traces_->setRowCount(0);
    traceHistory_->setRowCount(0);
    const QString box = traceBox_->currentData().toString();
    try {
        if (box.startsWith("hub:")) {
            shownTraces_ = sync::NetworkTraces(store_, user_, 15).list(box.mid(4).toStdString());
        } else {
            auto traces = store_.traceRequests();
            shownTraces_ = box == "outgoing" ? traces.outgoing(user_) : traces.incoming(user_);
        }
    } catch (const std::exception& e) {
        shownTraces_.clear();
        showProblem(traceProblem_, e);
    }
    for (const auto& t : shownTraces_)
        addRow(traces_, {QString::number(t.id), q(t.fromAgency), q(t.toAgency), q(t.status), q(t.priority), q(t.dueDate),
                         t.overdue ? tr("OVERDUE") : QString(), q(t.firearm.serial.empty() ? t.firearm.make : t.firearm.serial), q(t.reason)});
    traces_->resizeColumnsToContents();
}

void FirearmsWindow::draftTrace() {
    records::TraceRequestInput in;
    in.toAgency = s(traceTo_);
    in.firearm.serial = s(traceSerial_);
    in.firearm.make = s(traceMake_);
    in.reason = s(traceReason_);
    in.priority = tracePriority_->currentText().toStdString();
    in.justification = s(traceJustification_);
    in.dueDate = s(traceDue_);
    try {
        const bool hub = traceThroughHub_->isChecked();
        records::TraceRequest sent;
        if (hub) {
            sent = sync::NetworkTraces(store_, user_, 15).submit(in);
        } else {
            auto traces = store_.traceRequests();
            sent = traces.submit(user_, traces.draft(user_, in).id);
        }
        traceProblem_->setStyleSheet(QString());
        traceProblem_->setText(tr("Trace request %1 sent to %2%3").arg(sent.id).arg(q(sent.toAgency), hub ? tr(" through the hub") : QString()));
        for (auto* e : {traceTo_, traceSerial_, traceMake_, traceReason_, traceJustification_, traceDue_}) e->clear();
        traceBox_->setCurrentIndex(hub ? 3 : 1);  // outgoing
        refreshTraces();
    } catch (const std::exception& e) {
        showProblem(traceProblem_, e);
    }
}

void FirearmsWindow::traceAction(const QString& action) {
    const int row = traces_->currentRow();
    if (row < 0 || row >= int(shownTraces_.size())) {
        traceProblem_->setText(tr("Select a request first"));
        return;
    }
    const records::Id id = shownTraces_[std::size_t(row)].id;
    const std::string text = s(traceText_);
    try {
        auto traces = store_.traceRequests();
        if (traceBox_->currentData().toString().startsWith("hub:")) {
            sync::NetworkTraces network(store_, user_, 15);
            if (action == "comment") network.comment(id, text);
            else network.step(id, action.toStdString(), text);
        } else if (action == "acknowledge") traces.acknowledge(user_, id);
        else if (action == "start") traces.startWork(user_, id);
        else if (action == "answer") traces.answer(user_, id, text);
        else if (action == "reject") traces.reject(user_, id, text);
        else if (action == "close") traces.close(user_, id, text);
        else traces.comment(user_, id, text);
        traceProblem_->setStyleSheet(QString());
        traceProblem_->setText(tr("Trace request %1: %2").arg(id).arg(action));
        traceText_->clear();
        refreshTraces();
        for (int r = 0; r < int(shownTraces_.size()); ++r)
            if (shownTraces_[std::size_t(r)].id == id) traces_->selectRow(r);
    } catch (const std::exception& e) {
        showProblem(traceProblem_, e);
    }
}

}  // namespace striae::ui
