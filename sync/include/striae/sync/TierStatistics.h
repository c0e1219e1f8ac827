#pragma once
// Statistics per tier (GET /v1/stats/tiers, striae-hub stats --tiers): at an
// international hub, per member country, its holdings, its international
// searches (lead lists computed for its acquisitions), the cross-border leads
// and confirmed hits on its lists (a candidate of another country marked a
// lead or a hit) and its submissions on behalf; at a national hub, its
// country's row and what went to and came from the international tier.
// The period (ISO dates, inclusive) bounds when each thing happened.
#include <cstdint>
#include <string>
#include <vector>

namespace striae::sync {

class HubStore;

struct CountryFigures {
    std::string country;
    std::int64_t holdings = 0, withdrawn = 0, internationalSearches = 0, crossBorderLeads = 0, crossBorderHits = 0, submissions = 0;
};

struct TierStatistics {
    std::string tier, hub, country, from, to;  // country: a national hub's
    std::vector<CountryFigures> countries;
    // A national hub, towards the international tier.
    std::int64_t forwarded = 0, refused = 0, withdrawnFromInternational = 0, internationalLists = 0, internationalLeads = 0,
                 internationalHits = 0;
};

// `country`: only that country's row (an NCB, a national hub asking); HubError 400 for a bad date.
TierStatistics tierStatistics(HubStore& store, const std::string& from, const std::string& to, const std::string& country = {});

}  // namespace striae::sync
