#pragma once
// Records of firearms reported lost, stolen, trafficked or smuggled, and of
// those later found, seized, recovered or cleared: the fields of NCIC's gun
// file, ATF form 3312.1 and ISACS 05.31 (docs/firearms.md). The agency that
// records one owns it: only its records officers change, share or withdraw
// it. Serial numbers are kept as written and normalised for search
// (SerialNumber.h). Every change is audited and the row sealed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

// lost, stolen, trafficked, smuggled (reported missing or illicit); found,
// seized, recovered (in hand again); cleared (the report is closed).
extern const std::vector<std::string> kFirearmRecordStatuses;
extern const std::vector<std::string> kFirearmTypes;  // pistol, revolver, rifle, shotgun, submachine_gun, machine_gun, other

struct FirearmRecordFields {
    std::string status;
    std::string serial;
    bool serialObliterated = false, serialPartial = false;
    std::string make, model, caliber, type;
    std::string countryOfManufacture, countryOfImport, importer, otherMarkings;  // countries: ISO 3166 alpha-2
    std::string eventDate;    // of the loss, theft or seizure (ISO date)
    std::string reportedAt;   // when it was reported (ISO date)
    std::string agencyCaseNumber, remarks;
};

struct FirearmRecord {
    Id id = 0;
    std::string uid;           // the record's id across the network: agency code and a random part
    std::string ownerAgency;   // agency code
    FirearmRecordFields fields;
    std::string serialNormalized;
    bool caliberListed = true;  // the caliber is in the reference list (else free text, flagged)
    bool shared = false, withdrawn = false;
    std::string createdBy, createdAt, updatedAt;
};

struct FirearmSearch {
    std::string serial;         // exact, or with * and ? (partial serials); "" for any
    bool serialPrefix = false;  // the serial as a prefix
    std::string make, model, caliber, status;  // each "" for any; make and model case-insensitive
    bool includeWithdrawn = false;
    int limit = 200;
};

// A firearm found, seized or recovered, checked against the records: what
// was found (the serial as far as it can be read, make, model, caliber), and
// the records it matched, each with how (the serial exactly, or a partial
// serial's pattern) and whether the record was wanted (lost, stolen,
// trafficked, smuggled) or already closed.
struct SeizureMatch {
    FirearmRecord record;
    std::string how;         // "serial" or "partial serial"
    bool wanted = false;     // the record's status says the firearm is missing or illicit
    bool makeAgrees = true;  // false when both name a make and they differ (a weaker match: check it)
};

struct SeizureCheck {
    Id id = 0;
    std::string agency, checkedBy, checkedAt;
    std::string status;  // found, seized, recovered
    std::string serial, make, model, caliber, agencyCaseNumber, remarks;
    bool serialPartial = false;
    std::vector<SeizureMatch> matches;
};

// What a records officer is told: another agency's check matched one of the agency's records.
struct FirearmNotification {
    Id id = 0;
    std::string kind;  // seizure_match
    Id recordId = 0, checkId = 0;
    std::string checkingAgency, checkedBy, createdAt;
    bool read = false;
};

// A firearm in the lab (Store::addFirearm: a seized or recovered gun, its test
// fires the items that name it) linked to a record, so that the gun's
// ballistic leads and hits and its record meet (issue 19 point 3).
struct FirearmRecordLink {
    Id id = 0, recordId = 0;
    Firearm firearm;
    std::vector<std::pair<std::string, std::string>> testFires;  // (case number, item label) of the items naming the firearm
    std::string linkedBy, linkedAt;
};

// A photograph of the firearm a record describes (PNG, JPEG or TIFF, at most
// 20 MB), kept by its SHA-256 beside the store's other files, its row sealed.
struct FirearmPhotograph {
    Id id = 0, recordId = 0;
    std::string name, sha256, mediaType;  // image/png, image/jpeg, image/tiff
    std::int64_t size = 0;
    std::string addedBy, addedAt;
};

class FirearmRecords {
public:
    explicit FirearmRecords(Store::Impl& impl) : impl_(impl) {}
    // Records officers of the actor's agency. The caliber must be one of the
    // reference list's names or aliases (stored by its name) unless
    // `allowUnlistedCaliber`, when it is kept as written and flagged.
    FirearmRecord create(const User& actor, const FirearmRecordFields& fields, bool allowUnlistedCaliber = false);
    FirearmRecord update(const User& actor, Id id, const FirearmRecordFields& fields, bool allowUnlistedCaliber = false);
    FirearmRecord setShared(const User& actor, Id id, bool shared);
    // Withdrawn records stay (the audit trail names them) but leave every search.
    FirearmRecord withdraw(const User& actor, Id id, const std::string& reason);
    // Own agency's records and other agencies' shared ones; throws NotFound otherwise.
    FirearmRecord get(const User& viewer, Id id) const;
    std::vector<FirearmRecord> search(const User& viewer, const FirearmSearch& query) const;
    // Every record `agency` owns, withdrawn ones too, by id (for the hub sync and the statistics,
    // which act for the store's own agency and need no viewer).
    std::vector<FirearmRecord> ownedBy(const std::string& agency) const;
    FirearmRecord ownedRecord(const std::string& agency, Id id) const;  // NotFound unless `agency` owns it

    // The seizure check: a firearm found, seized or recovered by the actor's
    // agency, checked against every record the agency may see (its own and
    // the shared ones). A serial with * or ?, or marked partial, is searched
    // as a pattern. The check is kept and audited; each matched record's
    // agency is notified. Any active user may check (technicians receive
    // seized guns); the serial is required unless obliterated, when make and
    // caliber are.
    SeizureCheck checkSeizure(const User& actor, const FirearmRecordFields& found);
    SeizureCheck seizureCheck(const User& viewer, Id checkId) const;  // the checking agency's, or one that matched the viewer's records
    // The checks that matched one of the viewer's agency's records, newest first (the record's history).
    std::vector<SeizureCheck> checksMatching(const User& viewer, Id recordId) const;
    std::vector<FirearmNotification> notifications(const User& viewer, bool unreadOnly = false) const;

    // Records officers, examiners and technicians of an agency that sees the record; each pair once (audited, sealed).
    FirearmRecordLink linkFirearm(const User& actor, Id recordId, Id firearmId);
    std::vector<FirearmRecordLink> firearmLinks(const User& viewer, Id recordId) const;

    // The owning agency's records officers add photographs; whoever sees the record sees them.
    FirearmPhotograph addPhotograph(const User& actor, Id recordId, const std::string& imagePath, const std::string& name = {});
    std::vector<FirearmPhotograph> photographs(const User& viewer, Id recordId) const;
    std::string photographPath(const User& viewer, Id photographId) const;  // checked against its SHA-256
    static constexpr std::int64_t kMaxPhotographBytes = 20LL << 20;
    void markNotificationRead(const User& viewer, Id notificationId);

private:
    Store::Impl& impl_;
    FirearmRecord ownedForChange(const User& actor, Id id, const std::string& action) const;
    FirearmRecordFields checked(const FirearmRecordFields& fields, bool allowUnlistedCaliber, bool& caliberListed) const;
};

}  // namespace striae::records
