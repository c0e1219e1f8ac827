#include "striae/sync/TierStatistics.h"

#include <map>

#include "striae/records/Statistics.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

namespace {

// [from, to] as ms since the epoch; `to` covers its whole day.
std::pair<std::int64_t, std::int64_t> period(const std::string& from, const std::string& to) {
    std::int64_t low = 0, high = INT64_MAX;
    if (!from.empty()) {
        const auto t = records::parseIsoTime(from);
        if (!t) throw HubError(400, "'from' is '" + from.substr(0, 40) + "': expected an ISO date");
        low = *t * 1000;
    }
    if (!to.empty()) {
        const auto t = records::parseIsoTime(to);
        if (!t) throw HubError(400, "'to' is '" + to.substr(0, 40) + "': expected an ISO date");
        high = (to.size() <= 10 ? *t + 86400 : *t + 1) * 1000 - 1;
    }
    return {low, high};
}

}  // namespace

TierStatistics tierStatistics(HubStore& store, const std::string& from, const std::string& to, const std::string& onlyCountry) {
    TierStatistics s;
    s.tier = store.tier();
    s.hub = store.hubName();
    s.country = store.country();
    s.from = from;
    s.to = to;
    const auto [low, high] = period(from, to);
    auto& db = store.database();
    auto guard = db.lock();
    std::map<std::string, CountryFigures> rows;
    auto row = [&](const std::string& country) -> CountryFigures& {
        auto& r = rows[country];
        r.country = country;
        return r;
    };
    const std::vector<SqlValue> range{low, high};
    for (const auto& r : db.query("SELECT country, sum(CASE WHEN withdrawn = 0 THEN 1 ELSE 0 END), sum(withdrawn) FROM acquisition "
                                  "WHERE agency <> '' AND uploaded_at BETWEEN ? AND ? GROUP BY country",
                                  range)) {
        row(r.text(0)).holdings = r.integer(1);
        row(r.text(0)).withdrawn = r.integer(2);
    }
    if (s.tier == "international") {
        for (const auto& r : db.query("SELECT a.country, count(*) FROM lead_list l JOIN acquisition a ON a.id = l.acquisition_id "
                                      "WHERE l.status = 'correlated' AND l.correlated_at BETWEEN ? AND ? GROUP BY a.country",
                                      range))
            row(r.text(0)).internationalSearches = r.integer(1);
        // A lead or hit whose candidate is of another country than the list's, counted for the list's country.
        const std::string crossBorder = "FROM candidate c JOIN acquisition a ON a.id = c.list_id JOIN acquisition k ON k.id = c.acquisition_id "
                                        "WHERE a.country <> k.country AND ";
        for (const auto& r : db.query("SELECT a.country, count(*) " + crossBorder + "c.lead_at > 0 AND c.lead_at BETWEEN ? AND ? GROUP BY a.country", range))
            row(r.text(0)).crossBorderLeads = r.integer(1);
        for (const auto& r : db.query("SELECT a.country, count(*) " + crossBorder + "c.outcome = 'hit' AND c.outcome_at BETWEEN ? AND ? "
                                      "GROUP BY a.country",
                                      range))
            row(r.text(0)).crossBorderHits = r.integer(1);
        for (const auto& r : db.query("SELECT country, count(*) FROM submission WHERE registered_at BETWEEN ? AND ? GROUP BY country", range))
            row(r.text(0)).submissions = r.integer(1);
    } else {
        const auto f = db.query("SELECT sum(CASE WHEN state = 'forwarded' THEN 1 ELSE 0 END), sum(CASE WHEN state = 'refused' THEN 1 ELSE 0 END), "
                                "sum(CASE WHEN state = 'withdrawn' THEN 1 ELSE 0 END) FROM forwarded WHERE at BETWEEN ? AND ?",
                                range);
        s.forwarded = f[0].integer(0);
        s.refused = f[0].integer(1);
        s.withdrawnFromInternational = f[0].integer(2);
        s.internationalLists = db.query("SELECT count(*) FROM intl_list WHERE correlated_at BETWEEN ? AND ?", range)[0].integer(0);
        const auto leads = db.query("SELECT sum(CASE WHEN c.outcome IN ('lead', 'hit') THEN 1 ELSE 0 END), "
                                    "sum(CASE WHEN c.outcome = 'hit' THEN 1 ELSE 0 END) FROM intl_candidate c "
                                    "JOIN intl_list l ON l.acquisition_id = c.list_id WHERE c.country <> ? AND l.correlated_at BETWEEN ? AND ?",
                                    {s.country, low, high});
        s.internationalLeads = leads[0].integer(0);  // cross-border: candidates of other countries
        s.internationalHits = leads[0].integer(1);
        row(s.country).internationalSearches = s.internationalLists;
        row(s.country).crossBorderLeads = s.internationalLeads;
        row(s.country).crossBorderHits = s.internationalHits;
    }
    for (auto& [country, figures] : rows)
        if (onlyCountry.empty() || country == onlyCountry) s.countries.push_back(figures);
    return s;
}

}  // namespace striae::sync
