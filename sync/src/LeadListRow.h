#pragma once
// A lead list's own columns as the hub's queries select them (HubStore's lists, HubFederation's
// mirrored international ones): acquisition_id, seq, correlated_at, status, case_ref, item_label,
// holdings, fully_compared, shortlist.
#include <string>

#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

inline const char* kLeadListColumns = "l.acquisition_id, l.seq, l.correlated_at, l.status, a.case_ref, a.item_label, l.holdings, "
                                      "l.fully_compared, l.shortlist";

inline LeadList leadListFromRow(const SqlRow& l, const std::string& tier) {
    LeadList list;
    list.acquisitionId = l.text(0);
    list.cursor = l.integer(1);
    list.correlatedAt = l.integer(2);
    list.status = l.text(3);
    list.caseRef = l.text(4);
    list.itemLabel = l.text(5);
    list.holdings = int(l.integer(6));
    list.fullyCompared = int(l.integer(7));
    list.shortlist = l.text(8);
    list.tier = tier;
    return list;
}

// A candidate's columns as both select them first: list_id, id, acquisition_id, rank, score, score_high,
// details, outcome, agency, caliber, item_type (what follows, case reference and disclosure, each reads its way).
inline HubCandidate candidateFromRow(const SqlRow& r, const std::string& tier) {
    HubCandidate c;
    c.listAcquisitionId = r.text(0);
    c.id = r.integer(1);
    c.acquisitionId = r.text(2);
    c.rank = int(r.integer(3));
    c.score = r.real(4);
    c.scoreHigh = r.real(5);
    c.details = r.text(6);
    c.outcome = r.text(7);
    c.agency = r.text(8);
    c.caliber = r.text(9);
    c.itemType = r.text(10);
    c.tier = tier;
    return c;
}

}  // namespace striae::sync
