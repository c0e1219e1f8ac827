#pragma once
// The case store's records, as plain values.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace striae::records {

using Id = std::int64_t;

// What went wrong, so callers (CLI exit codes, hub HTTP status) can tell.
class RecordsError : public std::runtime_error {
public:
    enum class Kind { NotFound, Conflict, PermissionDenied, InvalidInput, WorkflowViolation, Storage, Tampered, Busy };
    RecordsError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

// Records officers keep the firearm records (lost, stolen, seized …); trace
// officers handle trace requests (docs/firearms.md).
enum class Role { Technician, Examiner, Supervisor, Administrator, RecordsOfficer, TraceOfficer };
const char* toString(Role role);
Role roleFromString(const std::string& name);  // throws InvalidInput

struct Agency {
    Id id = 0;
    std::string code, name, country;
};

struct User {
    Id id = 0;
    Id agencyId = 0;
    std::string username, fullName;
    std::vector<Role> roles;
    bool active = true;
    bool has(Role r) const;
};

struct CaseRecord {
    Id id = 0;
    std::string number, agencyCode, offence, offenceDate, location, notes, createdAt;
    int itemCount = 0;
};

// Kinds and origins as the store spells them.
inline const std::vector<std::string> kItemKinds{"cartridge_case", "bullet", "firearm"};
inline const std::vector<std::string> kItemOrigins{"crime_scene", "test_fire", "reference"};
inline const std::vector<std::string> kRegions{"breech_face", "firing_pin", "ejector", "land"};

struct Item {
    Id id = 0;
    Id caseId = 0;
    std::string caseNumber;
    std::string label, kind, origin, caliber;
    std::string firingPinShape, breechFaceMarks, twist, ammunition, headstamp;
    std::optional<int> lands;
    std::string recoveredAt, recoveredWhere, notes;
    std::optional<Id> firearmId;
};

struct Firearm {
    Id id = 0;
    std::string make, model, caliber, serial, country;
};

struct Acquisition {
    Id id = 0;
    Id itemId = 0;
    std::string region;  // breech_face, firing_pin, ejector, land
    std::optional<int> land;
    std::string instrument, fileSha256, processedSha256, processing, acquiredAt;
    Id acquiredBy = 0;
};

// How many holdings a correlation compares fully by CMC after the first
// stage: `count` when set, else the larger of `minimum` and `fraction` of the
// partition; everything when `everything` is set or the partition is smaller.
// How much of a partition a search compares (docs/search.md): the first stage
// (signatures) keeps `fraction` (at least `minimum`) or `count`; the second
// stage (CMC on a coarse grid) ranks those and keeps its best `secondStage`
// for full CMC. Defaults chosen from eval-search at 10,000 holdings.
struct Shortlist {
    bool everything = false;
    double fraction = 0.35;
    int minimum = 200;
    std::optional<int> count;
    std::optional<int> secondStage = 200;  // none: the first stage's shortlist goes to CMC
    static Shortlist all() {
        Shortlist s;
        s.everything = true;
        s.secondStage.reset();
        return s;
    }
    // "all", "25%" or a count such as "500", optionally followed by "/N" for
    // the second stage's N ("35%/200"); throws RecordsError (InvalidInput) otherwise.
    static Shortlist parse(const std::string& text);
    int keep(int holdings) const;               // by the first stage
    int fullyCompared(int shortlisted) const;  // of those, by CMC
    std::string describe() const;  // e.g. "35 % (at least 200), then 200 by the second stage"
};

struct CorrelationRun {
    Id id = 0;
    Id queryAcquisitionId = 0;
    std::string parameters, scope, startedAt, finishedAt;
    Id runBy = 0;
    int candidateCount = 0;
    int reviewedCount = 0;
    // The partition's size, how many of it CMC compared, and the shortlist
    // that decided it (0 / "" for runs that did not record them: all compared).
    int holdings = 0, fullyCompared = 0;
    std::string shortlist;
    std::string tier;  // a hub run: the tier whose search it is (national, international); "" otherwise
};

struct Candidate {
    Id id = 0;
    Id runId = 0;
    Id acquisitionId = 0;
    int rank = 0;
    double score = 0;       // CMC count, original rule
    double scoreHigh = 0;   // CMC count, High CMC rule
    std::string details;    // JSON: registration and per-direction counts
    std::string caseNumber, itemLabel, caliber;
    std::string agencyCode, acquiredAt;
    std::string decision;   // "", "lead", "not_lead"
};

// A candidate's likelihood ratio (details "lr"), when the store had a
// calibration model whose CMC parameters matched the run's.
struct CandidateLr {
    double log10Lr = 0, lowerLog10 = 0, upperLog10 = 0;  // 95 % interval
    std::string bound;   // "upper" / "lower" when clipped to what the reference data support
    std::string model;   // the calibration model's id
};
std::optional<CandidateLr> candidateLikelihoodRatio(const Candidate& candidate);

inline const std::vector<std::string> kAfteConclusions{"identification", "inconclusive_a", "inconclusive_b",
                                                       "inconclusive_c", "elimination", "unsuitable"};
// What the store's codes are called in the user's language (the codes stay in files and APIs).
inline std::string displayName(const std::string& code) {
    static const std::pair<const char*, const char*> names[] = {
        {"cartridge_case", "Cartridge case"}, {"bullet", "Bullet"},       {"firearm", "Firearm"},
        {"crime_scene", "Crime scene"},       {"test_fire", "Test fire"}, {"reference", "Reference"},
        {"breech_face", "Breech face"},       {"firing_pin", "Firing pin"}, {"ejector", "Ejector mark"},
        {"land", "Land"},                     {"not_lead", "Not a lead"}, {"lead", "Lead"}};
    for (const auto& [c, n] : names)
        if (code == c) return n;
    return code;
}

// Pick-lists for class characteristics (free text stays possible): the firing-pin
// impression shapes and breech-face mark classes used in NIBIN/IBIS entry, and rifling twist.
inline const std::vector<std::string> kFiringPinShapes{"circular", "elliptical", "rectangular", "hemispherical"};
inline const std::vector<std::string> kBreechFaceMarks{"parallel", "arched", "circular", "cross-hatched", "granular", "smooth"};
inline const std::vector<std::string> kTwists{"right", "left"};

// The AFTE Range of Conclusions as examiners name them, and what each means.
inline std::string conclusionLabel(const std::string& code) {
    if (code == "identification") return "Identification";
    if (code == "inconclusive_a") return "Inconclusive A";
    if (code == "inconclusive_b") return "Inconclusive B";
    if (code == "inconclusive_c") return "Inconclusive C";
    if (code == "elimination") return "Elimination";
    if (code == "unsuitable") return "Unsuitable";
    return code;
}
inline std::string conclusionMeaning(const std::string& code) {
    if (code == "identification")
        return "agreement of individual and all discernible class characteristics beyond what different tools produce";
    if (code == "inconclusive_a") return "some agreement of individual and all discernible class characteristics, insufficient for an identification";
    if (code == "inconclusive_b")
        return "agreement of all discernible class characteristics, no agreement or disagreement of individual characteristics";
    if (code == "inconclusive_c")
        return "agreement of all discernible class characteristics, disagreement of individual characteristics insufficient for an elimination";
    if (code == "elimination") return "significant disagreement of discernible class and/or individual characteristics";
    if (code == "unsuitable") return "unsuitable for examination";
    return "";
}

struct Lead {
    Id id = 0;
    Id candidateId = 0;
    std::string status;  // open, hit, rejected
    Id createdBy = 0;
    std::string createdAt;
};

struct Hit {
    Id id = 0;
    Id leadId = 0;
    std::string conclusion;  // "" when hidden from the viewer (see hidden)
    Id examinerId = 0;       // 0 when hidden
    std::string confirmedAt;
    bool approved = false;
    // Blind verification: an examiner who has not verified this hit yet sees
    // that it was examined, not the conclusion or who reached it.
    bool hidden = false;
    bool verifiedByViewer = false;
    int verifications = 0;  // how many second examiners have verified it (their conclusions are not shown here)
};

// A pin with a note on a scan: where (µm from the scan's top-left point, x right, y down), who, when.
struct Annotation {
    Id id = 0;
    Id acquisitionId = 0;
    double xUm = 0, yUm = 0;
    std::string note;
    Id createdBy = 0;
    std::string createdAt;
};

struct AuditEvent {
    Id id = 0;
    std::string at;
    Id userId = 0;
    std::string action, entity;
    Id entityId = 0;
    std::string details, prevHash, hash;
};

struct AuditReport {
    std::size_t events = 0;
    std::size_t rowsChecked = 0;   // rows of the sealed tables recomputed against their seals
    std::size_t filesChecked = 0;  // stored scan files whose SHA-256 was recomputed
    std::size_t anchored = 0;      // events named in the anchor outside the database
    std::vector<std::string> problems;  // each names the event, row or file
    std::vector<std::string> notes;     // not tampering (e.g. the anchor one event behind after a crash)
    bool ok() const { return problems.empty(); }
};

struct StoreStats {
    int agencies = 0, users = 0, cases = 0, items = 0, acquisitions = 0, runs = 0, candidates = 0;
    int reviews = 0, leads = 0, hits = 0, verifications = 0, approvals = 0, auditEvents = 0;
    int schemaVersion = 0;
};

// Sync with a hub.
struct OutboxEntry {
    Id id = 0;
    Id acquisitionId = 0;
    std::string state;  // queued, sent, failed (failed entries are retried with backoff)
    int attempts = 0;
    std::string nextAttemptAt, lastError, hubId, queuedAt, sentAt;
};

struct SyncStatus {
    int queued = 0, sent = 0, failed = 0;
    std::string hubUrl, agencyCode;
    std::string lastContact;  // last successful exchange with the hub
    std::string lastError;    // of the last attempt, empty when it succeeded
    std::string lastAttempt;
};

// An acquisition held by another agency that a hub named as a candidate.
struct RemoteAcquisition {
    std::string hubId, agencyCode, caliber, caseRef, itemType = "cartridge_case";
    // Bullets: the lands of one bullet share a stand-in item, named by the hub id of its land 1.
    std::string bulletKey;
    int land = 0;
};

struct HubCandidateLink {
    Id acquisitionId = 0;            // local (placeholder) acquisition
    std::int64_t hubCandidateId = 0;
    double score = 0, scoreHigh = 0;
    std::string details = "{}";
};

struct OutcomeToReport {
    Id candidateId = 0;
    std::int64_t hubCandidateId = 0;
    std::string outcome;  // lead, hit, eliminated
};

}  // namespace striae::records
