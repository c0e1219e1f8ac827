#pragma once
// The hub's own audit trail of decisions between tiers: participation
// agreements set and revoked, what a revocation withdrew, searches on a
// country's behalf and their reports. Each entry's hash covers the previous
// entry's, so an edited, removed or reordered entry is found by verify().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/sync/HubDatabase.h"

namespace striae::sync {

struct HubAuditEntry {
    std::int64_t seq = 0, at = 0;  // at: ms since the epoch
    std::string actor, event, detail, hash;
};

class HubAuditLog {
public:
    explicit HubAuditLog(HubDatabase& db);  // creates its table when missing
    // Appends within the caller's transaction, if one is open.
    HubAuditEntry append(const std::string& actor, const std::string& event, const std::string& detail);
    std::vector<HubAuditEntry> entries(const std::string& eventPrefix = {});
    // The first entry whose hash does not hold (nullopt: the chain is whole).
    std::optional<std::int64_t> verify();

private:
    HubDatabase& db_;
};

}  // namespace striae::sync
