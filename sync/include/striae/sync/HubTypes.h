#pragma once
// The hub's records as plain values, shared by the server, the replicator
// and the client (which reads them from the wire).
#include <cstdint>
#include <string>
#include <vector>

namespace striae::sync {

inline const std::vector<std::string> kHubItemTypes{"cartridge_case", "bullet"};
inline const std::vector<std::string> kHubCaseRegions{"breech_face", "firing_pin", "ejector"};
inline const std::vector<std::string> kHubOutcomes{"lead", "hit", "eliminated"};
// Where a push asks to be searched (docs/hub-api.md, "Tiers"): its national hub's
// holdings, the international hub's (forwarded under the participation
// agreement), or both. The international tier is the push's case flag.
inline const std::vector<std::string> kSearchScopes{"national", "international", "both"};
inline bool asksInternational(const std::string& scope) { return scope == "international" || scope == "both"; }

struct AcquisitionMetadata {
    std::string caseRef, itemLabel, itemType = "cartridge_case", region = "breech_face", caliber;
    std::string classJson = "{}";  // class characteristics, a JSON object
    std::string acquiredAt;        // ISO time at the submitting site
    std::string recoveredAt;       // when the evidence was recovered (ISO date or time; "" unknown), for turnaround
    int land = 0;                  // bullets: this scan's land (1 ... lands); one acquisition per land
    int lands = 0;                 // bullets: how many lands the bullet has (its rifling)
    int landsScanned = 0;          // bullets: how many of them were scanned and pushed (0: all); damaged lands are not
    std::string scope;             // kSearchScopes; "" not said (a push: national; an update: unchanged)
};

struct HubAcquisition {
    std::string id;          // 32 hex: hash of (agency, scan SHA-256), the same on every hub
    std::string agency;      // the owner
    std::string originHub;   // where it was first pushed
    std::string sha256;
    std::int64_t size = 0;
    AcquisitionMetadata metadata;
    bool disclosed = false, withdrawn = false;
    std::int64_t uploadedAt = 0, updatedAt = 0;  // ms since the epoch, at this hub
    // The tiers: the owner's country, the national hub that forwarded it to an
    // international hub (""), and for a submission on behalf of a country the
    // operator's account that acquired it and the submission's id.
    std::string country, viaHub, acquiredFor, submissionId;
};

struct HubCandidate {
    std::int64_t id = 0;
    std::string listAcquisitionId;  // the acquisition whose lead list this is
    std::string acquisitionId;      // the candidate
    int rank = 0;
    double score = 0, scoreHigh = 0;
    std::string details = "{}";
    std::string agency, caliber, itemType;
    std::string caseRef;            // only when the owner disclosed it
    bool disclosed = false;
    std::string outcome;            // "", lead, hit, eliminated
    std::string country;            // the candidate's owner's country ("" on a hub without tiers)
    std::string tier = "national";  // which tier's search produced it: national or international
};

struct LeadList {
    std::string acquisitionId, caseRef, itemLabel;
    std::int64_t cursor = 0;         // the list's position in the agency's feed
    std::int64_t correlatedAt = 0;
    std::string status;              // correlated, waiting (no comparator), failed
    // What the correlation searched: the partition's holdings, how many CMC
    // compared, the shortlist that decided it (-1 / "": not recorded).
    int holdings = -1, fullyCompared = -1;
    std::string shortlist;
    std::string tier = "national";   // the tier that searched: national or international
    std::vector<HubCandidate> candidates;
};

// How a lead list was searched (LeadList's holdings, fullyCompared, shortlist).
struct SearchScope {
    int holdings = -1, fullyCompared = -1;
    std::string shortlist;
};

struct HubChange {
    std::int64_t seq = 0;
    std::string kind;  // acquisition, update, withdrawal
    HubAcquisition acquisition;
};

struct AgencyStats {
    std::string agency;
    std::int64_t acquisitions = 0, withdrawn = 0, leads = 0, hits = 0, eliminated = 0;
    double medianHoursToLead = 0;   // upload to first lead, over the agency's leads
};

// What an investigator reported came of a lead (the feedback loop), as the hub
// passes it to every agency holding one of the pair's acquisitions.
struct HubFeedback {
    std::int64_t id = 0;
    std::string listAcquisitionId, candidateAcquisitionId;
    std::string agency, kind, note, recordedBy, recordedAt;
    // Where it was first reported (the hub's name and its id there): the same
    // outcome replicated between peer hubs is stored once on each.
    std::string originHub;
    std::int64_t originId = 0;
};

// What a token may do (issued per role at the agency, docs/hub-api.md):
// evidence (scans, lead lists, outcomes, statistics), records (firearm
// records, seizure checks, alerts) and traces (trace requests); "all" is every one.
// At an international hub also federation (a national hub forwarding and
// pulling its country's international lists) and submissions (searches on a
// country's behalf: the operator's work, the NCB's reading of it).
inline const std::vector<std::string> kTokenScopes{"evidence", "records", "traces", "federation", "submissions"};

// What an account at a hub is (agency table, column kind).
//   agency    an agency of this hub (national hub), or of a member country (international hub, registered on its first forward)
//   peer      another hub of the same tier, replicating
//   national  at an international hub: a country's national hub, forwarding under its agreement
//   ncb       at an international hub: a country's National Central Bureau (its country's international activity, reports)
//   operator  at an international hub: the secretariat's operators, who search on a country's behalf
inline const std::vector<std::string> kAccountKinds{"agency", "peer", "national", "ncb", "operator"};

struct Caller {
    std::string agency;
    bool peer = false;          // another hub, replicating
    std::string scopes = "all";  // "all", or some of kTokenScopes joined by commas
    std::string kind = "agency";  // kAccountKinds
    std::string country = {};     // the account's country ("" where the hub has no tiers)
    bool may(const std::string& scope) const {
        if (scopes == "all") return true;
        const std::string padded = "," + scopes + ",";
        return padded.find("," + scope + ",") != std::string::npos;
    }
};

}  // namespace striae::sync
