#pragma once
// The register of leads and hits: every lead with both sides' cases, its state,
// the examiner's conclusion (as the viewer may see it: hidden from pending
// blind verifiers), verification, approval and reported outcomes. The list
// supervisors and intelligence units work from (and export as CSV/JSON).
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct LeadEntry {
    Id leadId = 0, candidateId = 0, runId = 0;
    std::string status;  // open, hit, rejected
    std::string markedAt, markedBy;
    std::string queryCase, queryItem, candidateCase, candidateItem, candidateAgency, caliber;
    double score = 0;
    Id hitId = 0;             // 0: not examined yet
    std::string conclusion;   // "" when not examined or hidden from the viewer
    bool conclusionHidden = false;
    std::string examinedAt;
    int verifications = 0;
    bool approved = false;
    int outcomes = 0;  // outcomes reported (LeadOutcomes)
};

class LeadRegister {
public:
    LeadRegister(const Store& store, Store::Impl& impl) : store_(store), impl_(impl) {}
    // `status`: open, hit, rejected or "" (all); newest first.
    std::vector<LeadEntry> leads(const User& viewer, const std::string& status = {}) const;

private:
    const Store& store_;
    Store::Impl& impl_;
};

}  // namespace striae::records
