#include "striae/records/Statistics.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace striae::records {

namespace {
bool digits(const std::string& s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t i = at; i < at + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}
int number(const std::string& s, std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}
// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm): no time zone, no locale.
std::int64_t daysFromCivil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return std::int64_t(era) * 146097 + doe - 719468;
}

std::string monthOf(std::int64_t seconds) {
    const std::time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
    return buf;
}

// Quantile by linear interpolation between order statistics (R's type 7; the median is the usual one).
double quantile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    const double h = (double(sorted.size()) - 1) * q;
    const auto lo = std::size_t(std::floor(h));
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

StageFigures stage(const std::string& name, std::vector<double> hours) {
    StageFigures f;
    f.stage = name;
    f.count = int(hours.size());
    if (hours.empty()) return f;
    std::sort(hours.begin(), hours.end());
    f.medianHours = quantile(hours, 0.5);
    f.p90Hours = quantile(hours, 0.9);
    f.within48h = double(std::upper_bound(hours.begin(), hours.end(), 48.0) - hours.begin()) / double(hours.size());
    return f;
}

void finish(GroupFigures& g) {
    const int decided = g.hits + g.rejected;
    g.confirmationRate = decided ? double(g.hits) / decided : 0;
}

std::vector<GroupFigures> sortedGroups(std::map<std::string, GroupFigures>& groups) {
    std::vector<GroupFigures> out;
    for (auto& [key, g] : groups) {
        g.key = key;
        finish(g);
        out.push_back(g);
    }
    return out;
}

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Array::Ptr groupsJson(const std::vector<GroupFigures>& groups, const std::string& keyName) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& g : groups) {
        auto o = object();
        o->set(keyName, g.key);
        o->set("entered", g.entered);
        o->set("leads", g.leads);
        o->set("hits", g.hits);
        o->set("rejected", g.rejected);
        o->set("open", g.open);
        o->set("confirmation_rate", g.confirmationRate);
        out->add(o);
    }
    return out;
}

std::string figure(double v, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
}  // namespace

std::optional<std::int64_t> parseIsoTime(const std::string& s) {
    if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2)) return {};
    const int y = number(s, 0, 4), m = number(s, 5, 2), d = number(s, 8, 2);
    if (m < 1 || m > 12 || d < 1 || d > 31) return {};
    std::int64_t t = daysFromCivil(y, m, d) * 86400;
    if (s.size() == 10) return t;
    if ((s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2)) return {};
    t += number(s, 11, 2) * 3600 + number(s, 14, 2) * 60;
    if (s.size() >= 19 && s[16] == ':' && digits(s, 17, 2)) t += number(s, 17, 2);
    return t;
}

std::int64_t epochSeconds(const std::string& iso) { return parseIsoTime(iso).value_or(0); }

Statistics computeStatistics(const StatisticsInput& input, const StatisticsFilter& filter, std::int64_t now) {
    Statistics out;
    out.filter = filter;
    const auto bound = [](const std::string& name, const std::string& value, std::int64_t open) {
        if (value.empty()) return open;
        const auto t = parseIsoTime(value);
        if (!t) throw std::invalid_argument(name + " '" + value + "': expected an ISO date such as 2026-01-31");
        return *t;
    };
    const std::int64_t from = bound("from", filter.from, INT64_MIN);
    std::int64_t to = bound("to", filter.to, INT64_MAX);
    if (filter.to.size() == 10) to += 86400 - 1;  // a date includes its whole day
    const auto inPeriod = [&](std::int64_t t) { return t != 0 && t >= from && t <= to; };
    const auto selected = [&](const std::string& agency, const std::string& caliber) {
        return (filter.agency.empty() || agency == filter.agency) && (filter.caliber.empty() || caliber == filter.caliber);
    };

    std::map<std::string, GroupFigures> months, agencies, calibers;
    const auto each = [&](const std::string& month, const std::string& agency, const std::string& caliber,
                          const std::function<void(GroupFigures&)>& add) {
        add(months[month]);
        add(agencies[agency]);
        add(calibers[caliber]);
    };

    std::vector<std::vector<double>> hours(kTurnaroundStages.size());
    const auto span = [&](std::size_t stageIndex, std::int64_t a, std::int64_t b) {
        if (a != 0 && b != 0 && b >= a) hours[stageIndex].push_back(double(b - a) / 3600.0);
    };
    for (const auto& e : input.evidence) {
        if (!selected(e.agency, e.caliber) || !inPeriod(e.entered)) continue;
        ++out.evidence;
        each(monthOf(e.entered), e.agency, e.caliber, [](GroupFigures& g) { ++g.entered; });
        span(0, e.recovered, e.entered);
        span(1, e.entered, e.correlated);
        span(2, e.correlated, e.lead);
        span(3, e.lead, e.hit);
        span(4, e.recovered, e.lead);
    }
    for (std::size_t i = 0; i < kTurnaroundStages.size(); ++i) out.turnaround.push_back(stage(kTurnaroundStages[i], std::move(hours[i])));

    for (const auto& l : input.leads) {
        if (!selected(l.agency, l.caliber)) continue;
        if (inPeriod(l.markedAt)) {
            ++out.leads;
            each(monthOf(l.markedAt), l.agency, l.caliber, [](GroupFigures& g) { ++g.leads; });
            if (l.status == "open") {
                ++out.openLeads;
                each(monthOf(l.markedAt), l.agency, l.caliber, [](GroupFigures& g) { ++g.open; });
            }
        }
        // Decisions count in the period they were taken.
        if (l.status != "open" && inPeriod(l.decidedAt)) {
            const bool hit = l.status == "hit";
            ++(hit ? out.hits : out.rejected);
            each(monthOf(l.decidedAt), l.agency, l.caliber, [hit](GroupFigures& g) { ++(hit ? g.hits : g.rejected); });
        }
    }
    const int decided = out.hits + out.rejected;
    out.confirmationRate = decided ? double(out.hits) / decided : 0;

    for (const auto& list : input.lists) {
        if (!selected(list.agency, list.caliber) || !inPeriod(list.correlatedAt) || list.reviewed) continue;
        ++out.unreviewedLists;
        out.oldestUnreviewedHours = std::max(out.oldestUnreviewedHours, double(now - list.correlatedAt) / 3600.0);
    }
    for (const auto& o : input.outcomes)
        if (selected(o.agency, o.caliber) && inPeriod(o.recordedAt)) ++out.outcomes[o.kind];

    out.byMonth = sortedGroups(months);
    out.byAgency = sortedGroups(agencies);
    out.byCaliber = sortedGroups(calibers);
    return out;
}

std::string statisticsJson(const Statistics& s) {
    auto root = object();
    auto filter = object();
    filter->set("from", s.filter.from);
    filter->set("to", s.filter.to);
    filter->set("agency", s.filter.agency);
    filter->set("caliber", s.filter.caliber);
    root->set("filter", filter);
    root->set("evidence", s.evidence);
    root->set("leads", s.leads);
    root->set("hits", s.hits);
    root->set("rejected", s.rejected);
    root->set("open_leads", s.openLeads);
    root->set("confirmation_rate", s.confirmationRate);
    Poco::JSON::Array::Ptr turnaround = new Poco::JSON::Array;
    for (const auto& t : s.turnaround) {
        auto o = object();
        o->set("stage", t.stage);
        o->set("count", t.count);
        o->set("median_hours", t.medianHours);
        o->set("p90_hours", t.p90Hours);
        o->set("within_48h", t.within48h);
        turnaround->add(o);
    }
    root->set("turnaround", turnaround);
    root->set("by_month", groupsJson(s.byMonth, "month"));
    root->set("by_agency", groupsJson(s.byAgency, "agency"));
    root->set("by_caliber", groupsJson(s.byCaliber, "caliber"));
    auto backlog = object();
    backlog->set("unreviewed_lists", s.unreviewedLists);
    backlog->set("oldest_hours", s.oldestUnreviewedHours);
    root->set("backlog", backlog);
    auto outcomes = object();
    for (const auto& kind : kLeadOutcomes) outcomes->set(kind, s.outcomes.count(kind) ? s.outcomes.at(kind) : 0);
    root->set("outcomes", outcomes);
    std::ostringstream out;
    root->stringify(out);
    return out.str();
}

std::vector<std::vector<std::string>> statisticsRows(const Statistics& s) {
    std::vector<std::vector<std::string>> rows;
    const auto add = [&](const std::string& section, const std::string& key, const std::string& metric, const std::string& value) {
        rows.push_back({section, key, metric, value});
    };
    add("total", "", "evidence", std::to_string(s.evidence));
    add("total", "", "leads", std::to_string(s.leads));
    add("total", "", "hits", std::to_string(s.hits));
    add("total", "", "rejected", std::to_string(s.rejected));
    add("total", "", "open_leads", std::to_string(s.openLeads));
    add("total", "", "confirmation_rate", figure(s.confirmationRate, 4));
    for (const auto& t : s.turnaround) {
        add("turnaround", t.stage, "count", std::to_string(t.count));
        add("turnaround", t.stage, "median_hours", figure(t.medianHours));
        add("turnaround", t.stage, "p90_hours", figure(t.p90Hours));
        add("turnaround", t.stage, "within_48h", figure(t.within48h, 4));
    }
    const auto groups = [&](const std::string& section, const std::vector<GroupFigures>& gs) {
        for (const auto& g : gs) {
            add(section, g.key, "entered", std::to_string(g.entered));
            add(section, g.key, "leads", std::to_string(g.leads));
            add(section, g.key, "hits", std::to_string(g.hits));
            add(section, g.key, "rejected", std::to_string(g.rejected));
            add(section, g.key, "open", std::to_string(g.open));
            add(section, g.key, "confirmation_rate", figure(g.confirmationRate, 4));
        }
    };
    groups("month", s.byMonth);
    groups("agency", s.byAgency);
    groups("caliber", s.byCaliber);
    add("backlog", "", "unreviewed_lists", std::to_string(s.unreviewedLists));
    add("backlog", "", "oldest_hours", figure(s.oldestUnreviewedHours));
    for (const auto& kind : kLeadOutcomes) add("outcome", kind, "count", std::to_string(s.outcomes.count(kind) ? s.outcomes.at(kind) : 0));
    return rows;
}

std::string statisticsText(const Statistics& s) {
    std::ostringstream out;
    out << "Period: " << (s.filter.from.empty() ? "start" : s.filter.from) << " to " << (s.filter.to.empty() ? "now" : s.filter.to);
    if (!s.filter.agency.empty()) out << ", agency " << s.filter.agency;
    if (!s.filter.caliber.empty()) out << ", caliber " << s.filter.caliber;
    out << "\nEvidence entered: " << s.evidence << "   leads: " << s.leads << " (open " << s.openLeads << ")   hits: " << s.hits
        << "   rejected: " << s.rejected << "   confirmation rate: " << figure(100 * s.confirmationRate, 1) << " %\n";
    out << "\nTurnaround (hours)        count   median      p90   within 48 h\n";
    for (const auto& t : s.turnaround) {
        char line[160];
        std::snprintf(line, sizeof line, "  %-22s %7d %8.1f %8.1f   %6.1f %%\n", t.stage.c_str(), t.count, t.medianHours, t.p90Hours,
                      100 * t.within48h);
        out << line;
    }
    const auto groups = [&](const std::string& title, const std::vector<GroupFigures>& gs) {
        out << "\n" << title << "   entered   leads    hits  rejected  confirmed\n";
        for (const auto& g : gs) {
            char line[200];
            std::snprintf(line, sizeof line, "  %-14s %7d %7d %7d %9d   %6.1f %%\n", g.key.empty() ? "(none)" : g.key.c_str(), g.entered,
                          g.leads, g.hits, g.rejected, 100 * g.confirmationRate);
            out << line;
        }
    };
    groups("By month      ", s.byMonth);
    groups("By agency     ", s.byAgency);
    groups("By caliber    ", s.byCaliber);
    out << "\nBacklog: " << s.unreviewedLists << " unreviewed lists";
    if (s.unreviewedLists) out << ", the oldest " << figure(s.oldestUnreviewedHours, 1) << " h";
    out << "\nOutcomes reported:";
    for (const auto& kind : kLeadOutcomes) out << " " << kind << " " << (s.outcomes.count(kind) ? s.outcomes.at(kind) : 0);
    out << "\nTurnaround: median and 90th percentile (linear interpolation); a recovery date without a time counts from "
           "midnight UTC. See docs/statistics.md.\n";
    return out.str();
}

}  // namespace striae::records
