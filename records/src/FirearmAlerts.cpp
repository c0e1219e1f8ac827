#include "striae/records/FirearmAlerts.h"

#include "StoreImpl.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/SerialNumber.h"

namespace striae::records {

namespace {

const char* kSelect =
    "SELECT a.id, a.agency, a.kind, a.title, a.description, a.serial, a.make, a.model, a.caliber, coalesce(u.username, ''), a.circulated_at, "
    "a.withdrawn_at <> '', a.withdrawn_at, a.withdrawal_reason FROM firearm_alert a LEFT JOIN user u ON u.id = a.circulated_by";

std::vector<FirearmAlert> select(SQLite::Database& db, const std::string& where, Id id = 0) {
    SQLite::Statement q(db, std::string(kSelect) + where + " ORDER BY a.id DESC");
    if (id) q.bind(1, id);
    std::vector<FirearmAlert> out;
    while (q.executeStep()) {
        FirearmAlert a;
        int c = 0;
        a.id = q.getColumn(c++).getInt64();
        for (auto* field : {&a.agency, &a.kind, &a.title, &a.description, &a.serial, &a.make, &a.model, &a.caliber, &a.circulatedBy,
                            &a.circulatedAt})
            *field = q.getColumn(c++).getString();
        a.withdrawn = q.getColumn(c++).getInt() != 0;
        a.withdrawnAt = q.getColumn(c++).getString();
        a.withdrawalReason = q.getColumn(c++).getString();
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace

FirearmAlert FirearmAlerts::circulate(const User& actor, const FirearmAlert& input) {
    requireRole(actor, Role::RecordsOfficer, "circulate alerts");
    const FirearmAlert a = checkedAlert(input, Calibers(impl_).all());
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "INSERT INTO firearm_alert(agency, kind, title, description, serial, make, model, caliber, circulated_by, "
                                  "circulated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int at = 1;
    q.bind(at++, agencyCodeOf(impl_.db, actor.agencyId));
    for (const auto* v : {&a.kind, &a.title, &a.description, &a.serial, &a.make, &a.model, &a.caliber}) q.bind(at++, *v);
    q.bind(at++, actor.id);
    q.bind(at++, nowUtc());
    q.exec();
    const Id id = impl_.db.getLastInsertRowid();
    impl_.audit(actor.id, "circulate_alert", "firearm_alert", id, jsonObject({{"kind", a.kind}, {"title", a.title}}), {{"firearm_alert", id}});
    t.commit();
    return select(impl_.db, " WHERE a.id = ?", id).at(0);
}

FirearmAlert FirearmAlerts::withdraw(const User& actor, Id id, const std::string& reason) {
    requireRole(actor, Role::RecordsOfficer, "withdraw alerts");
    validateText("reason", reason, true);
    WriteTransaction t(impl_);
    const auto found = select(impl_.db, " WHERE a.id = ?", id);
    if (found.empty()) fail(RecordsError::Kind::NotFound, "no alert " + std::to_string(id));
    if (found[0].agency != agencyCodeOf(impl_.db, actor.agencyId))
        fail(RecordsError::Kind::PermissionDenied, "alert " + std::to_string(id) + " was circulated by " + found[0].agency + ": only it withdraws it");
    if (found[0].withdrawn) fail(RecordsError::Kind::WorkflowViolation, "alert " + std::to_string(id) + " was withdrawn already");
    SQLite::Statement q(impl_.db, "UPDATE firearm_alert SET withdrawn_at = ?, withdrawal_reason = ? WHERE id = ?");
    q.bind(1, nowUtc());
    q.bind(2, reason);
    q.bind(3, id);
    q.exec();
    impl_.audit(actor.id, "withdraw_alert", "firearm_alert", id, jsonObject({{"reason", reason}}), {{"firearm_alert", id}});
    t.commit();
    return select(impl_.db, " WHERE a.id = ?", id).at(0);
}

std::vector<FirearmAlert> FirearmAlerts::active() const { return select(impl_.db, " WHERE a.withdrawn_at = ''"); }
std::vector<FirearmAlert> FirearmAlerts::all() const { return select(impl_.db, ""); }

FirearmAlerts Store::alerts() { return FirearmAlerts(*impl_); }

}  // namespace striae::records
