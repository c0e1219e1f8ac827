#pragma once
// A national hub's side of the international tier (docs/hub-api.md, "Tiers"):
//   - the participation agreement: what the country's owners allow to be
//     forwarded to the international hub (all, or by caliber, item type,
//     agency, and whether the push asked for an international search: the
//     case flag). It is configuration, kept in versions, audited, and
//     revocable; a revocation withdraws what was forwarded;
//   - what was forwarded (and what the international hub refused);
//   - the international hub's lead lists for the country's acquisitions,
//     mirrored here so that an agency reads both tiers from its own hub, each
//     list and candidate saying which tier searched.
// The Forwarder (Forwarder.h) does the talking; this class keeps the state,
// on the hub's database beside the holdings.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/sync/HubAuditLog.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

class HubStore;

struct ParticipationAgreement {
    std::int64_t version = 0;   // 0: none was ever set
    bool active = false;        // false: revoked (or none)
    // Empty lists allow every value; flaggedOnly forwards only pushes whose
    // scope asks for the international tier (international or both).
    std::vector<std::string> calibers, itemTypes, agencies;
    bool flaggedOnly = true;
    std::string recordedBy, note;
    std::int64_t recordedAt = 0;
};

// One acquisition's state towards the international tier.
struct ForwardState {
    std::string acquisitionId;
    std::string state;          // forwarded, withdrawn, refused
    std::string reason;         // refused: the international hub's answer
    std::int64_t sentUpdatedAt = 0, at = 0;
};

class HubFederation {
public:
    explicit HubFederation(HubStore& store);  // creates its tables when missing

    // The agreement in force (version 0 when none was ever set).
    ParticipationAgreement agreement();
    std::vector<ParticipationAgreement> agreementHistory();
    // A new version, audited; HubError 400 naming a bad caliber list, item type or agency.
    ParticipationAgreement setAgreement(ParticipationAgreement rules, const std::string& by);
    // Revokes the agreement in force (HubError 409 if none is): the forwarder then withdraws what it forwarded.
    ParticipationAgreement revokeAgreement(const std::string& by, const std::string& note);
    // Why the acquisition may not be forwarded under `agreement` ("" when it may).
    static std::string refusal(const ParticipationAgreement& agreement, const HubAcquisition& acquisition, const std::string& hubName);

    std::optional<ForwardState> forwardState(const std::string& acquisitionId);
    std::vector<ForwardState> forwardStates();
    void markForwarded(const std::string& acquisitionId, std::int64_t sentUpdatedAt);
    void markWithdrawn(const std::string& acquisitionId);
    void markRefused(const std::string& acquisitionId, const std::string& reason);

    // The international lists of the country's acquisitions (GET /v1/federation/leads at the international
    // hub): each replaces the mirrored list of its acquisition, and takes a new place in the agency's feed.
    void mirrorInternationalLists(const std::vector<LeadList>& lists, const std::string& internationalHub);
    void dropInternationalList(const std::string& acquisitionId);
    // The caller's mirrored lists after `since` (positions in the same feed as the national lists).
    std::vector<LeadList> internationalLeads(const Caller& caller, std::int64_t since, int limit);
    // The international hub's id of a mirrored candidate on the caller's list (HubError 403/404), or nullopt
    // when the id is not an international candidate here.
    std::optional<std::int64_t> internationalCandidate(const Caller& caller, std::int64_t candidateId);
    void setInternationalOutcome(std::int64_t candidateId, const std::string& outcome);
    // Whether the acquisition is a candidate on one of the caller's international lists (may fetch its scan
    // through this hub, if its owner disclosed it).
    bool isInternationalCandidateOf(const Caller& caller, const std::string& acquisitionId);

    // An international hub: the agency a national hub forwards for, registered as a member of its country on
    // its first forward (HubError 409 if the code is another country's or another kind of account).
    void registerMember(const Caller& nationalHub, const std::string& agency);

    HubAuditLog& audit() { return audit_; }

private:
    HubStore& store_;
    HubAuditLog audit_;
};

}  // namespace striae::sync
