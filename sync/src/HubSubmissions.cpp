#include "striae/sync/HubSubmissions.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "FileHash.h"
#include "TextFields.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubStore.h"
#include "striae/sync/HubTierJson.h"

namespace fs = std::filesystem;

namespace striae::sync {

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS submission(id TEXT PRIMARY KEY, country TEXT NOT NULL, owner TEXT NOT NULL, ncb_reference TEXT NOT NULL,
  material TEXT NOT NULL, question TEXT NOT NULL, status TEXT NOT NULL, registered_by TEXT NOT NULL, operator TEXT NOT NULL,
  registered_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, conclusion TEXT NOT NULL, reviewed_by TEXT NOT NULL,
  reported_by TEXT NOT NULL, report_sha256 TEXT NOT NULL, report_json TEXT NOT NULL DEFAULT '', report_pdf_sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submission_country ON submission(country);
CREATE TABLE IF NOT EXISTS submission_event(id BIGINT PRIMARY KEY, submission_id TEXT NOT NULL, at BIGINT NOT NULL,
  actor TEXT NOT NULL, step TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submission_event_of ON submission_event(submission_id, id)
)SQL";

const char* kColumns = "id, country, owner, ncb_reference, material, question, status, registered_by, operator, registered_at, updated_at, "
                       "conclusion, reviewed_by, reported_by, report_sha256, report_pdf_sha256";

void requireOperator(const Caller& caller) {
    if (caller.kind != "operator")
        throw HubError(403, "searches on a country's behalf are registered, acquired, reviewed and reported by the international hub's "
                            "operators; " + caller.agency + " is a " + caller.kind + " account");
}

}  // namespace

HubSubmissions::HubSubmissions(HubStore& store, HubAuditLog& audit, std::string reportsDir)
    : store_(store), audit_(audit), reportsDir_(std::move(reportsDir)) {
    auto& db = store_.database();
    db.withSchemaLock([&] { db.executeScript(kSchema); });
}

Submission HubSubmissions::load(const std::string& id) {
    auto& db = store_.database();
    const auto rows = db.query(std::string("SELECT ") + kColumns + " FROM submission WHERE id = ?", {id});
    if (rows.empty()) throw HubError(404, "no submission " + id.substr(0, 64));
    const auto& r = rows[0];
    Submission s;
    s.id = r.text(0);
    s.country = r.text(1);
    s.owner = r.text(2);
    s.ncbReference = r.text(3);
    s.material = r.text(4);
    s.question = r.text(5);
    s.status = r.text(6);
    s.registeredBy = r.text(7);
    s.operatorAccount = r.text(8);
    s.registeredAt = r.integer(9);
    s.updatedAt = r.integer(10);
    s.conclusion = r.text(11);
    s.reviewedBy = r.text(12);
    s.reportedBy = r.text(13);
    s.reportSha256 = r.text(14);
    s.reportPdfSha256 = r.text(15);
    const auto counts = db.query("SELECT count(*), count(l.acquisition_id) FROM acquisition a LEFT JOIN lead_list l ON l.acquisition_id = a.id "
                                 "AND l.status = 'correlated' WHERE a.submission_id = ? AND a.withdrawn = 0",
                                 {id});
    s.acquisitions = int(counts[0].integer(0));
    s.correlated = int(counts[0].integer(1));
    for (const auto& e : db.query("SELECT at, actor, step, detail FROM submission_event WHERE submission_id = ? ORDER BY id", {id}))
        s.history.push_back({e.integer(0), e.text(1), e.text(2), e.text(3)});
    return s;
}

void HubSubmissions::step(const std::string& id, const std::string& actor, const std::string& stepName, const std::string& detail,
                          const std::string& status) {
    auto& db = store_.database();
    const std::int64_t now = nowMs();
    db.execute("INSERT INTO submission_event(id, submission_id, at, actor, step, detail) VALUES (?, ?, ?, ?, ?, ?)",
               {store_.nextSeq(), id, now, actor, stepName, detail});
    if (status.empty())
        db.execute("UPDATE submission SET updated_at = ? WHERE id = ?", {now, id});
    else
        db.execute("UPDATE submission SET status = ?, updated_at = ? WHERE id = ?", {status, now, id});
    audit_.append(actor, "submission." + stepName, id + ": " + detail);
}

Submission HubSubmissions::registerSubmission(const Caller& caller, const std::string& country, const std::string& ncbReference,
                                              const std::string& material, const std::string& question, const std::string& by) {
    requireOperator(caller);
    checkTextField("ncb_reference", ncbReference, 100, false);
    checkTextField("question", question, 4000, true);
    checkTextField("recorded_by", by, 200, false);
    if (ncbReference.empty()) throw HubError(400, "field 'ncb_reference' is empty: the NCB's reference identifies the request");
    if (question.empty()) throw HubError(400, "field 'question' is empty: say what the country asks");
    if (by.empty()) throw HubError(400, "field 'recorded_by' is empty");
    if (std::find(kSubmissionMaterials.begin(), kSubmissionMaterials.end(), material) == kSubmissionMaterials.end())
        throw HubError(400, "field 'material' is '" + material.substr(0, 40) + "': expected test_fires or double_casts");
    auto& db = store_.database();
    HubTransaction t(db);
    const auto ncb = db.query("SELECT code FROM agency WHERE kind = 'ncb' AND country = ?", {country});
    if (ncb.empty())
        throw HubError(409, "country '" + country.substr(0, 8) + "' has no National Central Bureau account here (striae-hub agency add CODE --ncb " +
                                country.substr(0, 8) + "): the report goes to it");
    if (!db.query("SELECT id FROM submission WHERE country = ? AND ncb_reference = ?", {country, ncbReference}).empty())
        throw HubError(409, "the NCB of " + country + " has a submission with reference " + ncbReference + " already");
    const auto n = db.query("SELECT count(*) FROM submission WHERE country = ?", {country}).at(0).integer(0) + 1;
    const std::string id = "S-" + country + "-" + std::to_string(n);
    const std::int64_t now = nowMs();
    db.execute(std::string("INSERT INTO submission(") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, 'registered', ?, ?, ?, ?, '', '', '', '', '')",
               {id, country, ncb[0].text(0), ncbReference, material, question, by, caller.agency, now, now});
    step(id, by, "registered", "for " + country + " (NCB reference " + ncbReference + ", " + material + "): " + question.substr(0, 200));
    t.commit();
    return load(id);
}

Submission HubSubmissions::submission(const Caller& caller, const std::string& id) {
    Submission s = load(id);
    const bool mayRead = caller.kind == "operator" || caller.peer || (caller.kind == "ncb" && caller.country == s.country);
    if (!mayRead) throw HubError(404, "no submission " + id.substr(0, 64));
    return s;
}

std::vector<Submission> HubSubmissions::submissions(const Caller& caller) {
    if (caller.kind != "operator" && caller.kind != "ncb" && !caller.peer)
        throw HubError(403, "submissions on a country's behalf are read by operators and National Central Bureaus");
    std::vector<Submission> out;
    const auto rows = caller.kind == "ncb" ? store_.database().query("SELECT id FROM submission WHERE country = ? ORDER BY registered_at, id", {caller.country})
                                           : store_.database().query("SELECT id FROM submission ORDER BY registered_at, id");
    for (const auto& r : rows) out.push_back(load(r.text(0)));
    return out;
}

HubAcquisition HubSubmissions::onBehalfAcquisition(const Caller& caller, const std::string& id, const AcquisitionMetadata& metadata,
                                                   const std::string& sha256, std::int64_t size) {
    requireOperator(caller);
    const Submission s = load(id);
    if (s.status == "reviewed" || s.status == "reported")
        throw HubError(409, "submission " + id + " is " + s.status + "; scans are acquired before the review");
    HubAcquisition a;
    a.agency = s.owner;  // the country owns its holdings
    a.originHub = store_.hubName();
    a.sha256 = sha256;
    a.size = size;
    a.metadata = metadata;
    if (a.metadata.caseRef.empty()) a.metadata.caseRef = s.ncbReference;
    a.metadata.scope = "international";
    a.country = s.country;
    a.acquiredFor = caller.agency;
    a.submissionId = id;
    return a;
}

void HubSubmissions::acquired(const Caller& caller, const std::string& id, const HubAcquisition& a, bool created) {
    if (!created) return;
    auto& db = store_.database();
    HubTransaction t(db);
    const Submission s = load(id);
    step(id, caller.agency, "acquired", "scan " + a.id + " (" + a.metadata.itemLabel + ", " + a.metadata.caliber + ")",
         s.status == "registered" ? "acquired" : "");
    t.commit();
}

std::vector<HubAcquisition> HubSubmissions::acquisitions(const std::string& id) {
    std::vector<HubAcquisition> out;
    for (const auto& r : store_.database().query("SELECT id FROM acquisition WHERE submission_id = ? AND withdrawn = 0 ORDER BY uploaded_at, id", {id}))
        if (auto a = store_.findAcquisition(r.text(0))) out.push_back(*a);
    return out;
}

Submission HubSubmissions::review(const Caller& caller, const std::string& id, const std::vector<SubmissionOutcome>& outcomes,
                                  const std::string& conclusion, const std::string& by) {
    requireOperator(caller);
    checkTextField("conclusion", conclusion, 8000, true);
    checkTextField("reviewed_by", by, 200, false);
    if (conclusion.empty()) throw HubError(400, "field 'conclusion' is empty: the review answers the country's question");
    if (by.empty()) throw HubError(400, "field 'reviewed_by' is empty");
    auto& db = store_.database();
    HubTransaction t(db);
    const Submission s = load(id);
    if (s.status == "registered") throw HubError(409, "submission " + id + " has no scans yet");
    if (s.status == "reported") throw HubError(409, "submission " + id + " was reported; its review is closed");
    if (s.correlated < s.acquisitions)
        throw HubError(409, "submission " + id + ": " + std::to_string(s.acquisitions - s.correlated) + " of " + std::to_string(s.acquisitions) +
                                " scans are still being correlated; review once every lead list is in");
    for (const auto& o : outcomes) {
        const auto rows = db.query("SELECT a.submission_id FROM candidate c JOIN acquisition a ON a.id = c.list_id WHERE c.id = ?", {o.candidateId});
        if (rows.empty() || rows[0].text(0) != id)
            throw HubError(400, "candidate " + std::to_string(o.candidateId) + " is not on the lead lists of submission " + id);
        Caller onBehalf = caller;  // the operator acts for the lists it acquired
        store_.reportOutcome(onBehalf, o.candidateId, o.outcome);
    }
    db.execute("UPDATE submission SET conclusion = ?, reviewed_by = ? WHERE id = ?", {conclusion, by, id});
    step(id, by, "reviewed", std::to_string(outcomes.size()) + " outcomes; " + conclusion.substr(0, 200), "reviewed");
    t.commit();
    return load(id);
}

std::string HubSubmissions::freezeReport(const Caller& caller, const std::string& id, const std::string& by) {
    requireOperator(caller);
    checkTextField("sent_by", by, 200, false);
    if (by.empty()) throw HubError(400, "field 'sent_by' is empty");
    auto& db = store_.database();
    HubTransaction t(db);
    Submission s = load(id);
    if (s.status != "reviewed") throw HubError(409, "submission " + id + " is " + s.status + "; a report is sent once the review is recorded");
    const auto held = acquisitions(id);
    std::vector<LeadList> lists;
    for (const auto& a : held)
        if (auto l = store_.leadList(caller, a.id)) lists.push_back(*l);
    s.reportedBy = by;
    s.status = "reported";
    const std::string report = json::writeSubmissionReport(s, held, lists);
    const std::string sha = sha256OfText(report);
    db.execute("UPDATE submission SET report_json = ?, report_sha256 = ?, reported_by = ? WHERE id = ?", {report, sha, by, id});
    step(id, by, "reported", "report SHA-256 " + sha + " sent to the NCB account " + s.owner, "reported");
    t.commit();
    return report;
}

std::string HubSubmissions::reportJson(const Caller& caller, const std::string& id) {
    submission(caller, id);  // may the caller read it
    const auto rows = store_.database().query("SELECT report_json FROM submission WHERE id = ?", {id});
    if (rows.empty() || rows[0].text(0).empty()) throw HubError(404, "submission " + id + " has no report yet");
    return rows[0].text(0);
}

void HubSubmissions::attachReportPdf(const Caller& caller, const std::string& id, const std::string& tempPath, const std::string& sha256) {
    requireOperator(caller);
    const Submission s = load(id);
    if (s.status != "reported") throw HubError(409, "submission " + id + " is " + s.status + "; the report is frozen before its PDF is attached");
    if (!s.reportPdfSha256.empty()) throw HubError(409, "submission " + id + " has its report's PDF already");
    {
        std::ifstream in(tempPath, std::ios::binary);
        char head[5] = {};
        in.read(head, 5);
        if (std::string(head, 5) != "%PDF-") throw HubError(415, "the report's file is not a PDF (it does not start with %PDF-)");
    }
    fs::create_directories(reportsDir_);
    const std::string target = reportsDir_ + "/" + sha256 + ".pdf";
    fs::rename(tempPath, target);
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    auto& db = store_.database();
    HubTransaction t(db);
    db.execute("UPDATE submission SET report_pdf_sha256 = ? WHERE id = ?", {sha256, id});
    step(id, caller.agency, "report_pdf", "PDF SHA-256 " + sha256);
    t.commit();
}

std::string HubSubmissions::reportPdfPath(const Caller& caller, const std::string& id) {
    const Submission s = submission(caller, id);
    if (s.reportPdfSha256.empty()) throw HubError(404, "submission " + id + " has no report PDF yet");
    return reportsDir_ + "/" + s.reportPdfSha256 + ".pdf";
}

}  // namespace striae::sync
