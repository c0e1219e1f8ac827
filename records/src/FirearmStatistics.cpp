// Statistics of firearm records and trace requests; tailored reports kept by name.
#include "striae/records/FirearmStatistics.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "StoreImpl.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/Statistics.h"
#include "striae/records/TraceRequests.h"

namespace striae::records {

namespace {

// The date a record counts at: when it happened, else when it was reported, else when it was entered.
std::string recordDate(const FirearmRecord& r) {
    if (!r.fields.eventDate.empty()) return r.fields.eventDate.substr(0, 10);
    if (!r.fields.reportedAt.empty()) return r.fields.reportedAt.substr(0, 10);
    return r.createdAt.substr(0, 10);
}

bool inPeriod(const std::string& date, const FirearmStatsFilter& f) {
    return (f.from.empty() || date >= f.from.substr(0, 10)) && (f.to.empty() || date <= f.to.substr(0, 10));
}

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Most first, then by key; months (byKey) in order.
std::vector<CountRow> rows(const std::map<std::string, std::int64_t>& counts, bool byKey = false) {
    std::vector<CountRow> out;
    for (const auto& [key, n] : counts) out.push_back({key, n});
    if (!byKey)
        std::stable_sort(out.begin(), out.end(), [](const CountRow& a, const CountRow& b) { return a.count > b.count; });
    return out;
}

double quantile(std::vector<double> values, double q) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    // Nearest rank, as the NIBIN statistics (Statistics.cpp) count it.
    const std::size_t rank = std::size_t(std::ceil(q * double(values.size())));
    return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void checkFilter(const FirearmStatsFilter& f) {
    validateDate("from", f.from);
    validateDate("to", f.to);
    if (!f.status.empty() && !oneOf(f.status, kFirearmRecordStatuses))
        fail(RecordsError::Kind::InvalidInput, "status '" + f.status.substr(0, 40) + "': expected one of " + listOf(kFirearmRecordStatuses));
    if (!f.type.empty() && !oneOf(f.type, kFirearmTypes))
        fail(RecordsError::Kind::InvalidInput, "type '" + f.type.substr(0, 40) + "': expected one of " + listOf(kFirearmTypes));
    for (const auto& [field, value] : {std::pair{"agency", &f.agency}, std::pair{"make", &f.make}, std::pair{"country", &f.country},
                                       std::pair{"caliber", &f.caliber}})
        validateText(field, *value, false, 200);
}

std::string filterJson(const FirearmStatsFilter& f) {
    return jsonObject({{"from", f.from}, {"to", f.to}, {"agency", f.agency}, {"status", f.status}, {"type", f.type}, {"make", f.make},
                       {"country", f.country}, {"caliber", f.caliber}});
}

FirearmStatsFilter filterFrom(const std::string& text) {
    Poco::JSON::Parser parser;
    const auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    FirearmStatsFilter f;
    for (const auto& [name, field] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}, std::pair{"agency", &f.agency},
                                      std::pair{"status", &f.status}, std::pair{"type", &f.type}, std::pair{"make", &f.make},
                                      std::pair{"country", &f.country}, std::pair{"caliber", &f.caliber}})
        *field = o->optValue<std::string>(name, "");
    return f;
}

}  // namespace

FirearmStatistics FirearmReports::compute(const User& viewer, const FirearmStatsFilter& input) const {
    if (!viewer.active) fail(RecordsError::Kind::PermissionDenied, "user " + viewer.username + " is deactivated");
    checkFilter(input);
    FirearmStatistics s;
    s.filter = input;
    const std::string own = agencyCodeOf(impl_.db, viewer.agencyId);
    if (s.filter.agency.empty()) s.filter.agency = own;
    if (s.filter.agency != own && !viewer.has(Role::Administrator))
        fail(RecordsError::Kind::PermissionDenied, "user " + viewer.username + " may see " + own + "'s figures, not " + s.filter.agency + "'s");
    const FirearmStatsFilter& f = s.filter;
    const std::string caliber = f.caliber.empty() ? std::string() : resolveCaliber(Calibers(impl_).all(), f.caliber).value_or(f.caliber);

    std::map<std::string, std::int64_t> status, type, make, country, calibers, month;
    std::map<std::string, std::string> makeWritten;  // a make counted whatever its case, under its first writing
    for (const auto& r : FirearmRecords(impl_).ownedBy(f.agency)) {
        if (r.withdrawn) continue;
        const std::string date = recordDate(r);
        if (!inPeriod(date, f)) continue;
        if ((!f.status.empty() && r.fields.status != f.status) || (!f.type.empty() && r.fields.type != f.type) ||
            (!f.make.empty() && lower(r.fields.make) != lower(f.make)) || (!f.country.empty() && r.fields.countryOfManufacture != f.country) ||
            (!caliber.empty() && r.fields.caliber != caliber))
            continue;
        ++s.records;
        ++status[r.fields.status];
        ++type[r.fields.type.empty() ? "(not given)" : r.fields.type];
        const std::string makeKey = r.fields.make.empty() ? "(not given)" : lower(r.fields.make);
        ++make[makeWritten.emplace(makeKey, r.fields.make.empty() ? "(not given)" : r.fields.make).first->second];
        ++country[r.fields.countryOfManufacture.empty() ? "(not given)" : r.fields.countryOfManufacture];
        ++calibers[r.fields.caliber.empty() ? "(not given)" : r.fields.caliber];
        ++month[date.substr(0, 7)];
    }
    s.byStatus = rows(status);
    s.byType = rows(type);
    s.byMake = rows(make);
    s.byCountry = rows(country);
    s.byCaliber = rows(calibers);
    s.byMonth = rows(month, true);

    // Trace requests the agency sent or received (drafts are not sent yet), by when they were submitted.
    SQLite::Statement q(impl_.db,
                        "SELECT t.id, t.from_agency, t.status, t.due_date, "
                        "(SELECT min(e.at) FROM trace_event e WHERE e.trace_id = t.id AND e.to_status = 'submitted'), "
                        "(SELECT min(e.at) FROM trace_event e WHERE e.trace_id = t.id AND e.to_status IN ('answered', 'rejected')) "
                        "FROM trace_request t WHERE (t.from_agency = ? OR t.to_agency = ?) AND t.status <> 'draft'");
    q.bind(1, f.agency);
    q.bind(2, f.agency);
    std::map<std::string, std::int64_t> traceStatus;
    std::vector<double> turnaround;
    const std::string today = nowUtc();
    while (q.executeStep()) {
        const std::string submitted = q.getColumn(4).isNull() ? std::string() : q.getColumn(4).getString();
        if (!inPeriod(submitted.substr(0, 10), f)) continue;
        (q.getColumn(1).getString() == f.agency ? s.tracesSent : s.tracesReceived)++;
        const std::string st = q.getColumn(2).getString();
        ++traceStatus[st];
        if (traceOverdue(st, q.getColumn(3).getString(), today)) ++s.tracesOverdue;
        if (!q.getColumn(5).isNull() && !submitted.empty()) {
            const auto from = parseIsoTime(submitted), to = parseIsoTime(q.getColumn(5).getString());
            if (from && to) turnaround.push_back(double(*to - *from) / 86400.0);
        }
    }
    s.tracesByStatus = rows(traceStatus);
    s.tracesAnswered = int(turnaround.size());
    s.medianTurnaroundDays = quantile(turnaround, 0.5);
    s.p90TurnaroundDays = quantile(turnaround, 0.9);
    return s;
}

void FirearmReports::save(const User& actor, const std::string& name, const FirearmStatsFilter& filter) {
    if (!actor.has(Role::RecordsOfficer) && !actor.has(Role::TraceOfficer) && !actor.has(Role::Supervisor))
        requireRole(actor, Role::RecordsOfficer, "save reports");
    validateIdentifier("report name", name);
    checkFilter(filter);
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "INSERT INTO firearm_report(name, filter_json, saved_by, saved_at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT(name) DO UPDATE SET filter_json = excluded.filter_json, saved_by = excluded.saved_by, "
                                  "saved_at = excluded.saved_at");
    q.bind(1, name);
    q.bind(2, filterJson(filter));
    q.bind(3, actor.id);
    q.bind(4, nowUtc());
    q.exec();
    impl_.audit(actor.id, "save_firearm_report", "firearm_report", 0, jsonObject({{"name", name}, {"filter", filterJson(filter)}}));
    t.commit();
}

void FirearmReports::remove(const User& actor, const std::string& name) {
    if (!actor.has(Role::RecordsOfficer) && !actor.has(Role::TraceOfficer) && !actor.has(Role::Supervisor))
        requireRole(actor, Role::RecordsOfficer, "delete reports");
    WriteTransaction t(impl_);
    SQLite::Statement q(impl_.db, "DELETE FROM firearm_report WHERE name = ?");
    q.bind(1, name);
    if (q.exec() == 0) fail(RecordsError::Kind::NotFound, "no saved report '" + name.substr(0, 64) + "'");
    impl_.audit(actor.id, "delete_firearm_report", "firearm_report", 0, jsonObject({{"name", name}}));
    t.commit();
}

FirearmStatsFilter FirearmReports::saved(const std::string& name) const {
    SQLite::Statement q(impl_.db, "SELECT filter_json FROM firearm_report WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no saved report '" + name.substr(0, 64) + "'");
    return filterFrom(q.getColumn(0).getString());
}

std::vector<std::pair<std::string, FirearmStatsFilter>> FirearmReports::savedReports() const {
    SQLite::Statement q(impl_.db, "SELECT name, filter_json FROM firearm_report ORDER BY name");
    std::vector<std::pair<std::string, FirearmStatsFilter>> out;
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), filterFrom(q.getColumn(1).getString()));
    return out;
}

namespace {
Poco::JSON::Object::Ptr countsJson(const std::vector<CountRow>& rows) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& r : rows) o->set(r.key, r.count);
    return o;
}

const std::vector<std::pair<const char*, std::vector<CountRow> FirearmStatistics::*>> kRecordSections{
    {"by_status", &FirearmStatistics::byStatus}, {"by_type", &FirearmStatistics::byType},       {"by_make", &FirearmStatistics::byMake},
    {"by_country", &FirearmStatistics::byCountry}, {"by_caliber", &FirearmStatistics::byCaliber}, {"by_month", &FirearmStatistics::byMonth}};
}  // namespace

std::string firearmStatisticsJson(const FirearmStatistics& s) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Parser parser;
    root.set("filter", parser.parse(filterJson(s.filter)));
    Poco::JSON::Object::Ptr records = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    records->set("total", s.records);
    for (const auto& [name, member] : kRecordSections) records->set(name, countsJson(s.*member));
    root.set("records", records);
    Poco::JSON::Object::Ptr traces = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    traces->set("sent", s.tracesSent);
    traces->set("received", s.tracesReceived);
    traces->set("overdue", s.tracesOverdue);
    traces->set("by_status", countsJson(s.tracesByStatus));
    traces->set("answered", s.tracesAnswered);
    traces->set("median_turnaround_days", s.medianTurnaroundDays);
    traces->set("p90_turnaround_days", s.p90TurnaroundDays);
    root.set("traces", traces);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

std::vector<std::vector<std::string>> firearmStatisticsRows(const FirearmStatistics& s) {
    std::vector<std::vector<std::string>> out{{"records", "total", std::to_string(s.records)}};
    for (const auto& [name, member] : kRecordSections)
        for (const auto& r : s.*member) out.push_back({std::string("records ") + name, r.key, std::to_string(r.count)});
    out.push_back({"traces", "sent", std::to_string(s.tracesSent)});
    out.push_back({"traces", "received", std::to_string(s.tracesReceived)});
    out.push_back({"traces", "overdue", std::to_string(s.tracesOverdue)});
    for (const auto& r : s.tracesByStatus) out.push_back({"traces by_status", r.key, std::to_string(r.count)});
    char buf[64];
    out.push_back({"traces", "answered", std::to_string(s.tracesAnswered)});
    std::snprintf(buf, sizeof buf, "%.2f", s.medianTurnaroundDays);
    out.push_back({"traces", "median_turnaround_days", buf});
    std::snprintf(buf, sizeof buf, "%.2f", s.p90TurnaroundDays);
    out.push_back({"traces", "p90_turnaround_days", buf});
    return out;
}

std::string firearmStatisticsText(const FirearmStatistics& s) {
    std::ostringstream out;
    const auto& f = s.filter;
    out << "Firearm records and trace requests of " << f.agency << ", " << (f.from.empty() ? "from the start" : "from " + f.from) << ' '
        << (f.to.empty() ? "to now" : "to " + f.to) << '\n';
    out << "records: " << s.records << '\n';
    for (const auto& [name, member] : kRecordSections) {
        out << "  " << name << ':';
        for (const auto& r : s.*member) out << "  " << r.key << ' ' << r.count;
        out << '\n';
    }
    out << "trace requests: " << s.tracesSent << " sent, " << s.tracesReceived << " received, " << s.tracesOverdue << " overdue\n  by_status:";
    for (const auto& r : s.tracesByStatus) out << "  " << r.key << ' ' << r.count;
    char buf[160];
    std::snprintf(buf, sizeof buf, "\n  turnaround (submitted to answered or rejected) over %d: median %.1f days, p90 %.1f days\n",
                  s.tracesAnswered, s.medianTurnaroundDays, s.p90TurnaroundDays);
    out << buf;
    return out.str();
}

FirearmReports Store::firearmReports() { return FirearmReports(*impl_); }

}  // namespace striae::records
