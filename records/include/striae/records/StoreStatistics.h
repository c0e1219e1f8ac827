#pragma once
// The case store's statistics (the NIBIN metrics of Statistics.h) from its own
// records: every scan the store's agencies entered (a bullet once, by its first
// land; other agencies' stand-ins pulled from a hub are not theirs to count),
// its runs, leads, conclusions and the outcomes investigators reported.
#include <cstdint>

#include "striae/records/Statistics.h"
#include "striae/records/Store.h"

namespace striae::records {

class StoreStatistics {
public:
    explicit StoreStatistics(Store::Impl& impl) : impl_(impl) {}
    // The timelines, leads, lists and outcomes as the store holds them.
    StatisticsInput input() const;
    // `now`: seconds since the epoch, for the backlog's age (0: the store's clock).
    Statistics compute(const StatisticsFilter& filter, std::int64_t now = 0) const;

private:
    Store::Impl& impl_;
};

}  // namespace striae::records
