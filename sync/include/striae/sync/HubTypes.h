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

struct AcquisitionMetadata {
    std::string caseRef, itemLabel, itemType = "cartridge_case", region = "breech_face", caliber;
    std::string classJson = "{}";  // class characteristics, a JSON object
    std::string acquiredAt;        // ISO time at the submitting site
    std::string recoveredAt;       // when the evidence was recovered (ISO date or time; "" unknown), for turnaround
    int land = 0;                  // bullets: this scan's land (1 ... lands); one acquisition per land
    int lands = 0;                 // bullets: how many lands the bullet has (its rifling)
    int landsScanned = 0;          // bullets: how many of them were scanned and pushed (0: all); damaged lands are not
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
inline const std::vector<std::string> kTokenScopes{"evidence", "records", "traces"};

struct Caller {
    std::string agency;
    bool peer = false;          // another hub, replicating
    std::string scopes = "all";  // "all", or some of kTokenScopes joined by commas
    bool may(const std::string& scope) const {
        if (scopes == "all") return true;
        const std::string padded = "," + scopes + ",";
        return padded.find("," + scope + ",") != std::string::npos;
    }
};

}  // namespace striae::sync
