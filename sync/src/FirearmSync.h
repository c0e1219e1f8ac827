#pragma once
// The firearm side of `striae sync` (SyncClient): the agency's shared records
// sent to the hub (and withdrawn there when no longer shared), the notices and
// the network's alerts pulled into the store (records/FirearmHubSync.h).
#include "striae/records/Store.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/SyncClient.h"

namespace striae::sync {

// Returns false when the hub could not be reached (the rest of the push waits).
bool pushFirearmRecords(records::Store& store, HubClient& hub, const records::User& actor, SyncReport& report);
void pullFirearmNotices(records::Store& store, HubClient& hub, const records::User& actor, SyncReport& report);

}  // namespace striae::sync
