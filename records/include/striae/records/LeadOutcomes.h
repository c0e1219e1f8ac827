#pragma once
// The feedback loop: what came of a lead (an arrest, cases linked, a charge,
// or no investigative value), recorded by the investigator's agency, sent to
// the hub with the pair of acquisitions it concerns, and received by every
// agency that holds one of them. Audited like every record.
#include <cstdint>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct LeadOutcome {
    Id id = 0;
    Id leadId = 0;       // 0 when received for a pair this store has no lead on
    Id candidateId = 0;  // the local candidate naming the pair, 0 when none
    std::string kind;    // arrest, linked_cases, charge, no_value
    std::string note, agencyCode, recordedBy, recordedAt;
    bool received = false;  // reported by another agency, through the hub
};

// An outcome as the hub passes it on: the pair (the list's acquisition and the
// candidate's, by hub id), who reported it and when.
struct HubOutcome {
    std::int64_t hubId = 0;
    std::string listAcquisitionId, candidateAcquisitionId;
    std::string kind, note, agencyCode, recordedBy, recordedAt;
};

// A local outcome not yet sent: the hub candidate its lead stands on.
struct OutcomeToSend {
    Id outcomeId = 0;
    std::int64_t hubCandidateId = 0;
    std::string kind, note, recordedBy, recordedAt;
};

class LeadOutcomes {
public:
    explicit LeadOutcomes(Store::Impl& impl) : impl_(impl) {}
    // Any active user of the store may record one (investigators report to the
    // lab that holds the lead); the lead must exist, the kind be one of
    // kLeadOutcomes, the note plain text.
    LeadOutcome record(const User& actor, Id leadId, const std::string& kind, const std::string& note);
    std::vector<LeadOutcome> ofLead(Id leadId) const;
    std::vector<LeadOutcome> ofCandidate(Id candidateId) const;
    std::vector<LeadOutcome> all() const;

    // Sync: outcomes of leads on hub candidates that have not been sent yet.
    std::vector<OutcomeToSend> toSend() const;
    void markSent(Id outcomeId, std::int64_t hubId);
    // Stores an outcome pulled from the hub once (its hub id is the key), on the
    // local candidate whose run and candidate name the same pair of hub
    // acquisitions (either way round); false when it was known already.
    bool receive(const User& actor, const HubOutcome& outcome);

private:
    Store::Impl& impl_;
};

}  // namespace striae::records
