#pragma once
// The local case store: one SQLite file (WAL, foreign keys) and a folder of
// scan files named by their SHA-256. The library enforces the workflow (who
// may do what, in which order), not the UI; every change appends an event to
// a hash-chained audit trail in the same transaction.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "striae/imaging/Preprocess.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"
#include "striae/matching/CalibrationModel.h"
#include "striae/records/Types.h"

namespace striae::matching {
struct CmcParameters;
}

namespace striae::records {

struct CaseFilter {
    std::string number;      // exact, or prefix ending in '*'
    std::string caliber;
    std::string itemLabel;   // cases with an item of this label
    std::string fromDate, toDate;  // offence date range, ISO (inclusive)
    std::string status;      // "open-leads": cases with an open lead
};

class StoreStatistics;
class LeadOutcomes;
class LeadRegister;
class LeadReportBuilder;
class FirearmRecords;
class Calibers;
class ReferenceTable;
class TraceRequests;
class FirearmAlerts;
class FirearmHubSync;
class FirearmReports;

struct ImportOptions {
    std::string region = "breech_face";
    std::optional<int> land;
    std::string instrument;
    bool preprocess = true;  // run the default breech-face pipeline; false: the file is already processed
    // Circles the technician corrected (pixels of the raw scan): they replace the
    // detection, and the processing history says "given".
    imaging::BreechFaceHints regionHints;
    // Larger files are refused before they are read (a scan is 10-500 MB).
    std::uint64_t maxFileBytes = std::uint64_t(2) << 30;
};

class Store {
public:
    // Creates a new store in `folder` (which must not hold one) with its first
    // agency and administrator.
    static Store create(const std::string& folder, const Agency& agency, const std::string& adminUser,
                        const std::string& adminName, const std::string& adminPassword);
    // Opens an existing store, upgrading its schema if `migrate` (else an older
    // schema is an error that says so). Cleans up what an interrupted import left.
    static Store open(const std::string& folder, bool migrate = true);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    static int currentSchemaVersion();
    int schemaVersion() const;
    const std::string& folder() const;
    std::string filePath(const std::string& sha256) const;
    // Reads a stored scan, checking its content against its SHA-256 first: a
    // file altered in files/ is refused (Tampered), never silently compared.
    imaging::X3pFile readScan(const std::string& sha256) const;
    StoreStats stats() const;
    // PRAGMA integrity_check: "ok" or the problems.
    std::string integrityCheck() const;

    // Users and agencies.
    User authenticate(const std::string& username, const std::string& password) const;
    Agency addAgency(const User& actor, const Agency& agency);
    User addUser(const User& actor, const std::string& agencyCode, const std::string& username,
                 const std::string& fullName, const std::vector<Role>& roles, const std::string& password);
    User user(Id id) const;

    // Cases, items, firearms.
    CaseRecord addCase(const User& actor, const CaseRecord& input);
    CaseRecord caseByNumber(const std::string& number) const;
    std::vector<CaseRecord> findCases(const CaseFilter& filter) const;
    Item addItem(const User& actor, const std::string& caseNumber, const Item& input);
    Item item(Id id) const;
    std::vector<Item> itemsOfCase(const std::string& caseNumber) const;
    Firearm addFirearm(const User& actor, const Firearm& input);
    void addCustodyEvent(const User& actor, Id itemId, const std::string& event, const std::string& note);

    // Acquisitions: the scan is stored by content hash; idempotent per item and file.
    Acquisition importScan(const User& actor, Id itemId, const std::string& x3pPath, const ImportOptions& options);
    // Records an acquisition whose raw and processed scans are already in the
    // store's files (e.g. pulled from a hub). Both files must exist.
    Acquisition recordAcquisition(const User& actor, Id itemId, const Acquisition& metadata);
    Acquisition acquisition(Id id) const;
    std::vector<Acquisition> acquisitionsOfItem(Id itemId) const;
    // Acquisitions of items of a caliber acquired in [from, to] (ISO timestamps), newest first.
    std::vector<Acquisition> findAcquisitions(const std::string& caliber, const std::string& from, const std::string& to,
                                              int limit = 100) const;

    // Correlation of one acquisition against the store's breech faces of the
    // same caliber (other items), ranked by CMC count. A land acquisition
    // correlates its bullet (correlateBullet; the CMC parameters do not apply).
    // `progress(done, total)` may return false to cancel; nothing is stored then.
    // With more holdings than the shortlist keeps, a first stage (the search
    // signature, docs/search.md) ranks them and only the shortlist is compared
    // by CMC; the run records how many holdings there were, how many were
    // fully compared and the shortlist used (Shortlist::all() compares all).
    CorrelationRun correlate(const User& actor, Id acquisitionId, const matching::CmcParameters& parameters, int threads,
                             const std::function<bool(int, int)>& progress = {}, const Shortlist& shortlist = {});
    // A bullet (named by any of its land acquisitions) against every other
    // bullet of the store with the same caliber and rifling, ranked by the
    // bullet score (mean CCF of the land pairs the best phase lines up), the
    // mean CMPS second. The run is kept on the bullet's first land, and each
    // candidate is the other bullet's first land, as the hub keeps bullet leads.
    CorrelationRun correlateBullet(const User& actor, Id landAcquisitionId, int threads, const std::function<bool(int, int)>& progress = {});
    // The land scans of a bullet item as numbered signatures: land numbers from
    // the import (else in order), the rifling from the item (0 when unknown), the
    // striae direction decided for the whole bullet. Throws InvalidInput when the
    // item holds fewer than two processed land scans.
    // `scans`, when given, receives the land scans in the same order (for showing them).
    matching::BulletLands bulletLands(Id itemId, std::vector<imaging::Surface>* scans = nullptr) const;
    // The bullet's land acquisitions in land order (the first is its key).
    std::vector<Acquisition> landsOfBullet(Id itemId) const;
    // Stores a finished run with its ranked candidates (from `correlate`, or pulled from a hub).
    struct CandidateInput {
        Id acquisitionId = 0;
        double score = 0, scoreHigh = 0;
        std::string details = "{}";
        std::int64_t hubCandidateId = 0;  // scope "hub": the hub's id, for reporting the outcome back
    };
    CorrelationRun recordCorrelationRun(const User& actor, Id queryAcquisitionId, const std::string& scope,
                                        const std::string& parametersJson, const std::string& startedAt,
                                        std::vector<CandidateInput> candidates);
    CorrelationRun run(Id id) const;
    std::vector<CorrelationRun> runsOf(Id queryAcquisitionId) const;  // newest first
    std::optional<Lead> leadOfCandidate(Id candidateId) const;
    // The hit of a lead as `viewer` may see it: the conclusion and its examiner
    // are hidden from an examiner who has not verified it (blind verification),
    // unless that examiner chose to see them (revealHit).
    std::optional<Hit> hitOfLead(const User& viewer, Id leadId) const;
    // Shows the first conclusion to `viewer` and records that they saw it (audited):
    // their verification of this hit can then no longer be recorded as blind.
    Hit revealHit(const User& viewer, Id hitId);
    std::vector<Candidate> candidates(Id runId) const;

    // Annotations: pins with notes on a scan, kept and audited like every record.
    Annotation annotate(const User& actor, Id acquisitionId, double xUm, double yUm, const std::string& note);
    std::vector<Annotation> annotationsOf(Id acquisitionId) const;

    // The review workflow.
    void review(const User& actor, Id candidateId, bool isLead, const std::string& note);
    Lead markLead(const User& actor, Id candidateId, const std::string& note);
    Hit confirmHit(const User& actor, Id leadId, const std::string& conclusion, const std::string& note);
    void verifyHit(const User& actor, Id hitId, const std::string& conclusion, bool blind, const std::string& note);
    void approveHit(const User& actor, Id hitId, const std::string& note);
    std::vector<Lead> openLeads() const;

    // Full-text search over notes (cases, items, reviews, leads, hits).
    struct NoteMatch {
        std::string kind;
        Id id = 0;
        std::string text;
    };
    std::vector<NoteMatch> searchNotes(const std::string& query) const;

    // Audit trail.
    std::vector<AuditEvent> auditTrail(const std::string& entity, Id entityId) const;
    // The same, as `viewer` may see it: a hit's conclusion hidden from its blind verifiers.
    std::vector<AuditEvent> auditTrail(const User& viewer, const std::string& entity, Id entityId) const;
    // Recomputes the chain, every sealed row (hits, verifications, approvals,
    // reviews, leads, users and roles, acquisitions, cases, items …), the
    // anchor outside the database and, if `checkFiles`, the SHA-256 of every
    // stored scan file; names each disagreement.
    AuditReport verifyAudit(bool checkFiles = true) const;

    // Sync with a hub (driven by striae::sync): settings, the outbox of
    // acquisitions to push, lead lists pulled in as correlation runs of scope
    // "hub", and the review outcomes still to report back.
    void setSyncSetting(const User& actor, const std::string& name, const std::string& value);  // administrators
    std::string syncSetting(const std::string& name) const;                                      // "" when unset
    // Where the hub token is kept: "the system keyring", the secrets file, or "" when unset.
    std::string secretLocation(const std::string& name) const;
    int enqueueForSync(const User& actor);  // queues this store's own acquisitions not queued yet; returns how many
    std::vector<OutboxEntry> dueOutbox(const std::string& now) const;
    std::vector<OutboxEntry> outbox() const;
    void markOutboxSent(Id entryId, const std::string& hubId);
    void markOutboxFailed(Id entryId, const std::string& error, const std::string& nextAttemptAt);
    void noteHubContact(const std::string& error);  // empty: the exchange succeeded
    SyncStatus syncStatus() const;
    std::optional<Id> acquisitionOfHubId(const std::string& hubId) const;  // ours (sent) or another agency's
    std::string hubIdOfAcquisition(Id acquisitionId) const;
    bool isRemoteAcquisition(Id acquisitionId) const;
    // The local stand-in for another agency's acquisition (created once, under case HUB-<agency>).
    Id remoteAcquisition(const User& actor, const RemoteAcquisition& remote);
    // Stores the scan of an acquisition recorded without one (not yet disclosed when pulled; its
    // processed_sha256 is empty until then).
    void attachScan(const User& actor, Id acquisitionId, const std::string& x3pPath);
    // `parameters`: how the hub searched, as a JSON object (method "hub";
    // holdings, fullyCompared and shortlist when the hub said).
    CorrelationRun recordHubLeadList(const User& actor, Id queryAcquisitionId, const std::string& correlatedAt,
                                     const std::vector<HubCandidateLink>& candidates, const std::string& parameters = R"({"method":"hub"})");
    std::vector<OutcomeToReport> outcomesToReport() const;
    void markOutcomeReported(Id candidateId, const std::string& outcome);

    // The calibration model (docs/validation.md) that turns this store's CMC
    // comparisons into likelihood ratios: a `striae calibrate` file installed
    // by a supervisor (audited), kept as <store>/calibration-model.json.
    // correlate() then gives every candidate its LR with the model's id, and
    // the run names the model. Throws InvalidInput for a bad model file.
    matching::CalibrationModel installCalibrationModel(const User& actor, const std::string& modelPath);
    std::optional<matching::CalibrationModel> calibrationModel() const;  // none installed: nullopt

    // The case with everything about it, as JSON (format striae-case-export/2): items,
    // scans, runs and candidates, each candidate's review, lead, conclusion,
    // verifications and approval with their audit events, leads on its scans from
    // other cases, and the audit chain's head. As `viewer` may see it: a hit's
    // conclusion stays hidden from its pending blind verifiers.
    std::string exportCase(const User& viewer, const std::string& caseNumber) const;

    // Concerns kept beside the store on its database, each in its own header:
    // the NIBIN statistics (StoreStatistics.h), the feedback loop (LeadOutcomes.h)
    // and the register of leads and hits (LeadRegister.h).
    StoreStatistics statistics() const;
    LeadOutcomes outcomes();
    LeadRegister leadRegister() const;
    LeadReportBuilder reports() const;  // what reports of a lead carry (LeadReport.h)
    FirearmRecords firearmRecords();    // lost, stolen … seized firearms (FirearmRecords.h)
    Calibers calibers() const;          // the reference list of calibers (Calibers.h)
    ReferenceTable referenceTable();    // the firearms reference table (ReferenceTable.h)
    TraceRequests traceRequests();      // trace requests between agencies (TraceRequests.h)
    FirearmAlerts alerts();             // firearm and modus-operandi alerts (FirearmAlerts.h)
    FirearmHubSync firearmHubSync();    // records sent to the hub, its notices and alerts (FirearmHubSync.h)
    FirearmReports firearmReports();    // statistics of records and traces, saved reports (FirearmStatistics.h)

    struct Impl;

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace striae::records
