#pragma once
// The hub's NIBIN statistics (records/Statistics.h) over its holdings: each
// acquisition (a bullet once, by its land 1) with its recovery date and its
// entry time at the site, when its lead list was correlated, when a candidate
// first became a lead and a hit (as the agency reported), the lists nobody
// has reviewed yet, and the outcomes reported through the feedback loop.
// Computed by the same function as the case store's.
#include <cstdint>

#include "striae/records/Statistics.h"

namespace striae::sync {

class HubDatabase;

// `now`: seconds since the epoch (0: the system clock).
records::Statistics hubStatistics(HubDatabase& db, const records::StatisticsFilter& filter, std::int64_t now = 0);

}  // namespace striae::sync
