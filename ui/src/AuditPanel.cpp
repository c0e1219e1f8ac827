#include "striae/ui/AuditPanel.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>
#include <set>

#include "striae/records/Store.h"

namespace striae::ui {

namespace {

QString conclusionName(const QString& code) { return QString::fromStdString(records::conclusionLabel(code.toStdString())); }

}  // namespace

AuditPanel::AuditPanel(QWidget* parent) : QWidget(parent), chain_(new QLabel(this)), table_(new QTableWidget(0, 4, this)) {
    table_->setHorizontalHeaderLabels({tr("When (UTC)"), tr("Who"), tr("What"), tr("Event")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    table_->setWordWrap(true);
    chain_->setWordWrap(true);
    chain_->setObjectName("auditChainState");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(chain_);
    layout->addWidget(table_, 1);
}

void AuditPanel::setStore(const records::Store* store) {
    store_ = store;
    table_->setRowCount(0);
    if (!store_) {
        chain_->clear();
        return;
    }
    // Rows and chain; the scan files' SHA-256 are left to `striae audit verify` (they take minutes on a large store).
    const auto report = store_->verifyAudit(false);
    chain_->setText(report.ok() ? tr("Audit chain intact: %1 events, %2 sealed rows, %3 anchored outside the database")
                                      .arg(report.events)
                                      .arg(report.rowsChecked)
                                      .arg(report.anchored)
                                : tr("<b style='color:#c00'>Audit chain broken</b> (%1 problems): %2")
                                      .arg(report.problems.size())
                                      .arg(QString::fromStdString(report.problems.front()).toHtmlEscaped()));
}

void AuditPanel::setUser(std::optional<records::User> user) { user_ = std::move(user); }

QString AuditPanel::describe(const records::AuditEvent& e) const {
    const QJsonObject d = QJsonDocument::fromJson(QByteArray::fromStdString(e.details)).object();
    auto s = [&](const char* key) { return d.value(key).toString(); };
    const QString note = s("note").isEmpty() ? QString() : tr(": “%1”").arg(s("note"));
    const QString id = QString::number(e.entityId);
    if (d.contains("hidden")) return tr("hit %1: examined; conclusion and examiner hidden until you verify (blind verification)").arg(id);
    const std::string& a = e.action;
    if (a == "add_case") return tr("opened case %1%2").arg(s("number"), s("offence").isEmpty() ? QString() : " (" + s("offence") + ")");
    if (a == "add_item")
        return tr("added item %1 to case %2: %3, %4, %5")
            .arg(s("label"), s("case"), QString::fromStdString(records::displayName(s("kind").toStdString())),
                 QString::fromStdString(records::displayName(s("origin").toStdString())), s("caliber"));
    if (a == "custody") return tr("custody: %1%2").arg(s("event"), note);
    if (a == "import")
        return tr("imported scan %1 as acquisition %2 (SHA-256 %3…, %4)").arg(s("file"), id, s("sha256").left(12), s("processing"));
    if (a == "record_acquisition") return tr("recorded acquisition %1 (SHA-256 %2…)").arg(id, s("sha256").left(12));
    if (a == "attach_scan") return tr("stored the disclosed scan of acquisition %1 (SHA-256 %2…)").arg(id, s("sha256").left(12));
    if (a == "hub_acquisition") return tr("recorded %1's holding %2 named by the hub").arg(s("agency"), s("hub_id").left(12));
    if (a == "correlate")
        return tr("correlation run %1 of acquisition %2 (%3): %4 candidates").arg(id, s("query"), s("scope"), s("candidates"));
    if (a == "review")
        return tr("reviewed candidate %1: %2%3").arg(id, s("decision") == "lead" ? tr("a lead") : tr("not a lead"), note);
    if (a == "mark_lead") return tr("candidate %1 became lead %2 (open)%3").arg(s("candidate"), id, note);
    if (a == "examine_lead") {
        const QString c = s("conclusion");
        return tr("examined lead %1: %2; lead %1 open → %3%4").arg(s("lead"), conclusionName(c), c == "identification" ? tr("hit") : tr("rejected"), note);
    }
    if (a == "verify_hit")
        return tr("verified hit %1: %2 (%3)%4").arg(id, conclusionName(s("conclusion")), s("blind") == "yes" ? tr("blind") : tr("not blind"), note);
    if (a == "approve_hit") return tr("approved hit %1%2").arg(id, note);
    if (a == "view_conclusion") return tr("saw the first conclusion of hit %1 before verifying it (a verification can no longer be blind)").arg(id);
    if (a == "add_user") return tr("added user %1 with roles %2").arg(s("username"), s("roles"));
    if (a == "seal_existing_rows") return tr("sealed the %1 rows of an upgraded store").arg(s("rows"));
    return QString::fromStdString(e.action + " " + e.entity + " " + std::to_string(e.entityId));
}

void AuditPanel::showItem(records::Id itemId) {
    table_->setRowCount(0);
    if (!store_) return;
    auto trail = [&](const std::string& entity, records::Id id) {
        return user_ ? store_->auditTrail(*user_, entity, id) : store_->auditTrail(entity, id);
    };
    std::vector<records::AuditEvent> events = trail("item", itemId);
    auto add = [&](const std::vector<records::AuditEvent>& more) { events.insert(events.end(), more.begin(), more.end()); };
    // The whole review chain of this item's scans: runs, reviews, leads, examinations, verifications, approvals.
    for (const auto& a : store_->acquisitionsOfItem(itemId)) {
        add(trail("acquisition", a.id));
        for (const auto& run : store_->runsOf(a.id)) {
            add(trail("run", run.id));
            for (const auto& c : store_->candidates(run.id)) {
                add(trail("candidate", c.id));
                if (const auto lead = store_->leadOfCandidate(c.id)) {
                    add(trail("lead", lead->id));
                    const auto hit = user_ ? store_->hitOfLead(*user_, lead->id) : std::nullopt;
                    if (hit) add(trail("hit", hit->id));
                }
            }
        }
    }
    std::sort(events.begin(), events.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    events.erase(std::unique(events.begin(), events.end(), [](const auto& x, const auto& y) { return x.id == y.id; }), events.end());
    std::map<records::Id, QString> names;
    for (const auto& e : events) {
        if (!names.count(e.userId)) {
            try {
                const auto u = store_->user(e.userId);
                names[e.userId] = QString::fromStdString(u.fullName + " (" + u.username + ")");
            } catch (const std::exception&) {
                names[e.userId] = e.userId == 0 ? tr("hidden") : tr("user %1").arg(e.userId);
            }
        }
        const int row = table_->rowCount();
        table_->insertRow(row);
        table_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(e.at).replace('T', ' ').left(19)));
        table_->setItem(row, 1, new QTableWidgetItem(names[e.userId]));
        table_->setItem(row, 2, new QTableWidgetItem(describe(e)));
        auto* number = new QTableWidgetItem(QString::number(e.id));
        number->setToolTip(tr("chain hash %1…").arg(QString::fromStdString(e.hash).left(16)));
        table_->setItem(row, 3, number);
    }
    table_->resizeColumnToContents(0);
    table_->resizeColumnToContents(1);
    table_->resizeRowsToContents();
}

QString AuditPanel::chainStatus() const { return chain_->text(); }

}  // namespace striae::ui
