// Correlation runs and the review workflow: candidate → review → lead → hit →
// verification → approval. The order and the roles are enforced here.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "ParallelWork.h"
#include "StoreImpl.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/CmcJson.h"
#include "striae/matching/SearchSignature.h"
#include "striae/matching/SecondStage.h"
#include "striae/matching/StageSurfaceFiles.h"

namespace striae::records {

namespace {

// The JSON object `json` with one more field.
template <typename T>
std::string withField(const std::string& json, const std::string& name, const T& value) {
    Poco::JSON::Object::Ptr o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    o->set(name, value);
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

struct CandidateRow {
    Id acquisitionId;
    std::string processedSha;
    matching::CmcResult result;
};

}  // namespace

CorrelationRun Store::correlate(const User& actor, Id acquisitionId, const matching::CmcParameters& parameters, int threads,
                                const std::function<bool(int, int)>& progress, const Shortlist& shortlist) {
    requireRole(actor, Role::Technician, "run correlations");
    const Acquisition query = acquisition(acquisitionId);
    if (query.region == "land") return correlateBullet(actor, acquisitionId, threads, progress);
    if (query.region != "breech_face")
        fail(RecordsError::Kind::InvalidInput, "acquisition " + std::to_string(acquisitionId) + " is a " + query.region +
                                                   " scan; local correlation compares breech faces and bullets");
    const Item queryItem = item(query.itemId);
    // The scope: breech faces of the same caliber, on other items.
    std::vector<CandidateRow> rows;
    {
        SQLite::Statement q(impl_->db, "SELECT a.id, a.processed_sha256 FROM acquisition a JOIN item i ON i.id = a.item_id "
                                       "WHERE a.region = 'breech_face' AND a.item_id <> ? AND i.caliber = ? "
                                       "AND a.processed_sha256 <> '' ORDER BY a.id");  // '': a hub candidate not disclosed
        q.bind(1, query.itemId);
        q.bind(2, queryItem.caliber);
        while (q.executeStep()) rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), {}});
    }
    const std::string startedAt = nowUtc();
    const imaging::Surface querySurface = readScan(query.processedSha256).surface;
    const int holdings = int(rows.size());
    const int kept = shortlist.keep(holdings);
    std::vector<double> firstStage(rows.size(), std::nan(""));
    std::map<Id, matching::SecondStageScore> secondStage;  // of the holdings it ranked and kept
    int secondStageRanked = 0;
    if (kept < holdings) {
        // The first stage: the index ranks the partition's signatures against the query's; the best `kept` go on to CMC.
        std::vector<std::size_t> missing;  // holdings imported before signatures were kept (schema < 7)
        const std::set<Id> signedIds = signedAcquisitions(impl_->db);
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (!signedIds.count(rows[i].acquisitionId)) missing.push_back(i);
        std::vector<std::optional<matching::SearchSignature>> computed(missing.size());
        forEachInParallel(
            int(missing.size()), threads,
            [&](int m) {
                try {
                    computed[std::size_t(m)] = matching::computeSignature(readScan(rows[missing[std::size_t(m)]].processedSha).surface);
                } catch (const std::invalid_argument&) {
                }  // a surface the signature cannot describe: always compared by CMC (below)
            },
            [&](int m) { return "signature of acquisition " + std::to_string(rows[missing[std::size_t(m)]].acquisitionId); }, progress,
            "correlation");
        std::optional<matching::SearchSignature> stored = loadSignature(impl_->db, acquisitionId);
        const matching::SearchSignature mine = stored ? std::move(*stored) : matching::computeSignature(querySurface);
        {
            WriteTransaction t(*impl_);  // derived data, kept so the next search need not compute it
            for (std::size_t m = 0; m < missing.size(); ++m)
                if (computed[m]) storeSignature(impl_->db, rows[missing[m]].acquisitionId, *computed[m]);
            t.commit();
        }
        std::unordered_map<std::string, std::size_t> inScope;
        for (std::size_t i = 0; i < rows.size(); ++i) inScope[std::to_string(rows[i].acquisitionId)] = i;
        const auto hits = reconciledSearchIndex(*impl_).search(searchPartition(queryItem.caliber, "breech_face"), mine, std::size_t(kept),
                                                               [&](const std::string& id) { return inScope.count(id) != 0; });
        std::vector<std::size_t> order;
        std::vector<double> scoreOf(rows.size(), std::nan(""));
        for (const auto& h : hits) order.push_back(inScope.at(h.id)), scoreOf[inScope.at(h.id)] = h.similarity;
        // Holdings without a signature cannot be ranked: compared by CMC as well, not silently dropped.
        for (std::size_t m = 0; m < missing.size(); ++m)
            if (!computed[m]) order.push_back(missing[m]);
        std::sort(order.begin(), order.end());
        std::vector<CandidateRow> shortlisted;
        std::vector<double> shortlistedScores;
        for (std::size_t i : order) shortlisted.push_back(rows[i]), shortlistedScores.push_back(scoreOf[i]);
        rows = std::move(shortlisted);
        firstStage = std::move(shortlistedScores);
        const int toCmc = shortlist.fullyCompared(int(rows.size()));
        if (toCmc < int(rows.size())) {
            // The second stage: CMC on a coarse grid, at the rotations the signatures point to, ranks the
            // shortlist; its head goes on to full CMC. A holding without a signature is always kept.
            secondStageRanked = int(rows.size());
            const matching::SecondStageOptions options;
            const imaging::Surface queryAtStep = matching::secondStageSurface(querySurface, options);
            std::vector<std::optional<matching::SearchSignature>> theirs(rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) theirs[i] = loadSignature(impl_->db, rows[i].acquisitionId);
            std::vector<std::optional<matching::SecondStageScore>> scores(rows.size());
            // The holdings at the stage's step are kept in <store>/derived (made at first use), so a
            // search does not read, check and resample every shortlisted scan; full CMC below does.
            const matching::StageSurfaceFiles atStep((std::filesystem::path(impl_->folder) / "derived").string());
            forEachInParallel(
                int(rows.size()), threads,
                [&](int i) {
                    if (!theirs[std::size_t(i)]) return;
                    const std::string& sha = rows[std::size_t(i)].processedSha;
                    const auto other = atStep.get(sha, [&] { return readScan(sha).surface; }, options);
                    scores[std::size_t(i)] = matching::secondStageScore(queryAtStep, other, matching::signatureMatch(mine, *theirs[std::size_t(i)]), options);
                },
                [&](int i) {
                    std::string name = "second stage, acquisition ";  // appended: GCC 12 -O3 warns on literal + temporary
                    return name += std::to_string(rows[std::size_t(i)].acquisitionId);
                }, progress, "correlation");
            std::vector<std::size_t> byRank(rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) byRank[i] = i;
            auto rankOf = [&](std::size_t i) { return scores[i] ? scores[i]->rank() : std::numeric_limits<double>::infinity(); };
            std::stable_sort(byRank.begin(), byRank.end(), [&](std::size_t a, std::size_t b) { return rankOf(a) > rankOf(b); });
            byRank.resize(std::max<std::size_t>(std::size_t(toCmc), std::size_t(std::count_if(scores.begin(), scores.end(), [](auto& x) { return !x; }))));
            std::sort(byRank.begin(), byRank.end());
            std::vector<CandidateRow> head;
            std::vector<double> headScores;
            for (std::size_t i : byRank) {
                head.push_back(rows[i]), headScores.push_back(firstStage[i]);
                if (scores[i]) secondStage[rows[i].acquisitionId] = *scores[i];
            }
            rows = std::move(head);
            firstStage = std::move(headScores);
        }
    }
    matching::setKernelThreads(1);
    forEachInParallel(
        int(rows.size()), threads,
        [&](int i) {
            const imaging::Surface other = readScan(rows[std::size_t(i)].processedSha).surface;
            rows[std::size_t(i)].result = matching::compareCmc(querySurface, other, parameters);
        },
        [&](int i) { return "acquisition " + std::to_string(rows[std::size_t(i)].acquisitionId); }, progress, "correlation");

    // The LR of each candidate, when the store has a calibration model fitted with these parameters.
    const auto model = calibrationModel();
    std::string calibrationNote = "none installed: scores are CMC counts only";
    if (model) {
        try {
            if (!rows.empty()) model->scoreOf(rows[0].result);
            calibrationNote = model->id;
        } catch (const std::invalid_argument&) {
            calibrationNote = "none: model " + model->id + " was fitted with other CMC parameters";
        }
    }
    const bool withLr = model && calibrationNote == model->id;
    std::vector<CandidateInput> found;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        std::string details = matching::cmcSummaryJson(r.result);
        if (!std::isnan(firstStage[i])) details = withField(details, "firstStage", firstStage[i]);
        if (const auto it = secondStage.find(r.acquisitionId); it != secondStage.end()) details = withField(details, "secondStage", it->second.count);
        if (withLr) {
            const auto lr = Poco::JSON::Parser().parse(matching::likelihoodRatioJson(model->likelihoodRatio(r.result), model->id));
            details = withField(details, "lr", lr);
        }
        found.push_back({r.acquisitionId, double(r.result.originalCount), double(r.result.highCount), details});
    }
    // What was searched and how, with the run: the partition, how much of it CMC compared, the shortlist.
    std::string recorded = matching::cmcParametersJson(parameters);
    recorded = withField(recorded, "holdings", holdings);
    recorded = withField(recorded, "fullyCompared", int(rows.size()));
    recorded = withField(recorded, "shortlist", shortlist.describe());
    if (secondStageRanked > 0) recorded = withField(recorded, "secondStageRanked", secondStageRanked);
    recorded = withField(recorded, "calibrationModel", calibrationNote);
    recorded = withField(recorded, "firstStage", kept < holdings ? std::string(matching::signatureMethodName(matching::SignatureOptions{}.method))
                                                                 : std::string("none: every holding compared"));
    return recordCorrelationRun(actor, acquisitionId, "local", recorded, startedAt, std::move(found));
}

CorrelationRun Store::recordCorrelationRun(const User& actor, Id queryAcquisitionId, const std::string& scope,
                                           const std::string& parameters, const std::string& startedAt,
                                           std::vector<CandidateInput> found) {
    requireRole(actor, Role::Technician, "record correlation runs");
    if (scope != "local" && scope != "hub") fail(RecordsError::Kind::InvalidInput, "scope must be local or hub");
    {
        std::vector<Id> ids;
        for (const auto& f : found) ids.push_back(f.acquisitionId);
        std::sort(ids.begin(), ids.end());
        if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
            fail(RecordsError::Kind::InvalidInput, "a correlation run lists acquisition " + std::to_string(*std::adjacent_find(ids.begin(), ids.end())) + " twice");
    }
    // Ranked by CMC count, then by the High CMC count.
    std::stable_sort(found.begin(), found.end(), [](const CandidateInput& a, const CandidateInput& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.scoreHigh > b.scoreHigh;
    });
    WriteTransaction t(*impl_);
    acquisition(queryAcquisitionId);
    SQLite::Statement run(impl_->db, "INSERT INTO correlation_run(query_acquisition_id, parameters, scope, started_at, "
                                     "finished_at, run_by) VALUES (?, ?, ?, ?, ?, ?)");
    run.bind(1, queryAcquisitionId);
    run.bind(2, parameters);
    run.bind(3, scope);
    run.bind(4, startedAt);
    run.bind(5, nowUtc());
    run.bind(6, actor.id);
    run.exec();
    const Id runId = impl_->db.getLastInsertRowid();
    std::vector<std::pair<std::string, Id>> sealed{{"correlation_run", runId}};
    SQLite::Statement cand(impl_->db, "INSERT INTO candidate(run_id, acquisition_id, rank, score, score_high, details) "
                                      "VALUES (?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < found.size(); ++i) {
        cand.reset();
        cand.bind(1, runId);
        cand.bind(2, found[i].acquisitionId);
        cand.bind(3, int(i + 1));
        cand.bind(4, found[i].score);
        cand.bind(5, found[i].scoreHigh);
        cand.bind(6, found[i].details);
        cand.exec();
        sealed.emplace_back("candidate", impl_->db.getLastInsertRowid());
        if (found[i].hubCandidateId != 0) {
            SQLite::Statement link(impl_->db, "INSERT INTO hub_candidate(candidate_id, hub_candidate_id) VALUES (?, ?)");
            link.bind(1, impl_->db.getLastInsertRowid());
            link.bind(2, found[i].hubCandidateId);
            link.exec();
        }
    }
    impl_->audit(actor.id, "correlate", "run", runId,
                 jsonObject({{"query", std::to_string(queryAcquisitionId)}, {"scope", scope}, {"candidates", std::to_string(found.size())},
                             {"top", found.empty() ? "" : std::to_string(found[0].acquisitionId)}}),
                 sealed);
    t.commit();
    return this->run(runId);
}

CorrelationRun Store::run(Id id) const {
    SQLite::Statement q(impl_->db,
                        "SELECT r.id, r.query_acquisition_id, r.parameters, r.scope, r.started_at, r.finished_at, r.run_by, "
                        "(SELECT count(*) FROM candidate k WHERE k.run_id = r.id), "
                        "(SELECT count(*) FROM candidate k JOIN review v ON v.candidate_id = k.id WHERE k.run_id = r.id) "
                        "FROM correlation_run r WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no correlation run " + std::to_string(id));
    CorrelationRun r;
    r.id = q.getColumn(0).getInt64();
    r.queryAcquisitionId = q.getColumn(1).getInt64();
    r.parameters = q.getColumn(2).getString();
    r.scope = q.getColumn(3).getString();
    r.startedAt = q.getColumn(4).getString();
    r.finishedAt = q.getColumn(5).getString();
    r.runBy = q.getColumn(6).getInt64();
    r.candidateCount = q.getColumn(7).getInt();
    r.reviewedCount = q.getColumn(8).getInt();
    try {
        const auto p = Poco::JSON::Parser().parse(r.parameters).extract<Poco::JSON::Object::Ptr>();
        if (p->has("holdings")) r.holdings = p->getValue<int>("holdings");
        if (p->has("fullyCompared")) r.fullyCompared = p->getValue<int>("fullyCompared");
        if (p->has("shortlist")) r.shortlist = p->getValue<std::string>("shortlist");
        if (p->has("tier")) r.tier = p->getValue<std::string>("tier");
    } catch (const std::exception&) {
        // parameters of a hub run or an older version: nothing recorded
    }
    return r;
}

std::vector<CorrelationRun> Store::runsOf(Id queryAcquisitionId) const {
    SQLite::Statement q(impl_->db, "SELECT id FROM correlation_run WHERE query_acquisition_id = ? ORDER BY id DESC");
    q.bind(1, queryAcquisitionId);
    std::vector<Id> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    std::vector<CorrelationRun> out;
    for (Id id : ids) out.push_back(run(id));
    return out;
}

std::optional<Lead> Store::leadOfCandidate(Id candidateId) const {
    SQLite::Statement q(impl_->db, "SELECT id, candidate_id, status, created_by, created_at FROM lead WHERE candidate_id = ?");
    q.bind(1, candidateId);
    if (!q.executeStep()) return std::nullopt;
    return Lead{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                q.getColumn(4).getString()};
}

namespace {
// Whether `viewer` must not see the first conclusion of hit `hitId` examined by `examinerId`:
// an examiner other than its author who has neither verified it nor chosen to see it.
bool hiddenFrom(SQLite::Database& db, const User& viewer, Id hitId, Id examinerId, bool& verified) {
    SQLite::Statement v(db, "SELECT 1 FROM verification WHERE hit_id = ? AND examiner_id = ?");
    v.bind(1, hitId);
    v.bind(2, viewer.id);
    verified = v.executeStep();
    if (!viewer.has(Role::Examiner) || viewer.id == examinerId || verified) return false;
    SQLite::Statement seen(db, "SELECT 1 FROM hit_view WHERE hit_id = ? AND user_id = ?");
    seen.bind(1, hitId);
    seen.bind(2, viewer.id);
    return !seen.executeStep();
}
}  // namespace

std::optional<Hit> Store::hitOfLead(const User& viewer, Id leadId) const {
    SQLite::Statement q(impl_->db, "SELECT id, lead_id, conclusion, examiner_id, confirmed_at, "
                                   "EXISTS (SELECT 1 FROM approval a WHERE a.hit_id = hit.id), "
                                   "(SELECT count(*) FROM verification v WHERE v.hit_id = hit.id) FROM hit WHERE lead_id = ?");
    q.bind(1, leadId);
    if (!q.executeStep()) return std::nullopt;
    Hit h{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getInt64(),
          q.getColumn(4).getString(), q.getColumn(5).getInt() != 0};
    h.verifications = q.getColumn(6).getInt();
    if (hiddenFrom(impl_->db, viewer, h.id, h.examinerId, h.verifiedByViewer)) {
        h.conclusion.clear();
        h.examinerId = 0;
        h.hidden = true;
    }
    return h;
}

Hit Store::revealHit(const User& viewer, Id hitId) {
    requireRole(viewer, Role::Examiner, "see a hit's conclusion before verifying it");
    WriteTransaction t(*impl_);
    SQLite::Statement h(impl_->db, "SELECT lead_id FROM hit WHERE id = ?");
    h.bind(1, hitId);
    if (!h.executeStep()) fail(RecordsError::Kind::NotFound, "no hit " + std::to_string(hitId));
    const Id leadId = h.getColumn(0).getInt64();
    SQLite::Statement seen(impl_->db, "INSERT INTO hit_view(hit_id, user_id, viewed_at) VALUES (?, ?, ?) ON CONFLICT(hit_id, user_id) DO NOTHING");
    seen.bind(1, hitId);
    seen.bind(2, viewer.id);
    seen.bind(3, nowUtc());
    if (seen.exec() > 0) {
        impl_->audit(viewer.id, "view_conclusion", "hit", hitId, jsonObject({{"note", "saw the first conclusion before verifying"}}),
                     {{"hit_view", impl_->db.getLastInsertRowid()}});
    }
    t.commit();
    return *hitOfLead(viewer, leadId);
}

std::vector<Candidate> Store::candidates(Id runId) const {
    run(runId);
    SQLite::Statement q(impl_->db,
                        "SELECT k.id, k.run_id, k.acquisition_id, k.rank, k.score, k.score_high, k.details, c.number, i.label, "
                        "i.caliber, coalesce(v.decision, ''), g.code, a.acquired_at FROM candidate k "
                        "JOIN acquisition a ON a.id = k.acquisition_id JOIN item i ON i.id = a.item_id "
                        "JOIN case_file c ON c.id = i.case_id JOIN agency g ON g.id = c.agency_id "
                        "LEFT JOIN review v ON v.candidate_id = k.id WHERE k.run_id = ? ORDER BY k.rank");
    q.bind(1, runId);
    std::vector<Candidate> out;
    while (q.executeStep()) {
        Candidate c;
        c.id = q.getColumn(0).getInt64();
        c.runId = q.getColumn(1).getInt64();
        c.acquisitionId = q.getColumn(2).getInt64();
        c.rank = q.getColumn(3).getInt();
        c.score = q.getColumn(4).getDouble();
        c.scoreHigh = q.getColumn(5).getDouble();
        c.details = q.getColumn(6).getString();
        c.caseNumber = q.getColumn(7).getString();
        c.itemLabel = q.getColumn(8).getString();
        c.caliber = q.getColumn(9).getString();
        c.decision = q.getColumn(10).getString();
        c.agencyCode = q.getColumn(11).getString();
        c.acquiredAt = q.getColumn(12).getString();
        out.push_back(std::move(c));
    }
    return out;
}

void Store::review(const User& actor, Id candidateId, bool isLead, const std::string& note) {
    requireRole(actor, Role::Technician, "review candidates");
    validateText("review note", note, true);
    WriteTransaction t(*impl_);
    SQLite::Statement c(impl_->db, "SELECT 1 FROM candidate WHERE id = ?");
    c.bind(1, candidateId);
    if (!c.executeStep()) fail(RecordsError::Kind::NotFound, "no candidate " + std::to_string(candidateId));
    SQLite::Statement dup(impl_->db, "SELECT decision FROM review WHERE candidate_id = ?");
    dup.bind(1, candidateId);
    if (dup.executeStep())
        fail(RecordsError::Kind::Conflict, "candidate " + std::to_string(candidateId) + " was already reviewed (" +
                                               dup.getColumn(0).getString() + ")");
    SQLite::Statement q(impl_->db, "INSERT INTO review(candidate_id, decision, note, reviewed_by, reviewed_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, candidateId);
    q.bind(2, isLead ? "lead" : "not_lead");
    q.bind(3, note);
    q.bind(4, actor.id);
    q.bind(5, nowUtc());
    q.exec();
    const Id id = impl_->db.getLastInsertRowid();
    impl_->indexNote("review", id, note);
    impl_->audit(actor.id, "review", "candidate", candidateId, jsonObject({{"decision", isLead ? "lead" : "not_lead"}, {"note", note}}),
                 {{"review", id}});
    t.commit();
}

Lead Store::markLead(const User& actor, Id candidateId, const std::string& note) {
    requireRole(actor, Role::Technician, "mark leads");
    validateText("lead note", note, true);
    WriteTransaction t(*impl_);
    SQLite::Statement r(impl_->db, "SELECT decision FROM review WHERE candidate_id = ?");
    r.bind(1, candidateId);
    if (!r.executeStep())
        fail(RecordsError::Kind::WorkflowViolation, "candidate " + std::to_string(candidateId) + " has not been reviewed; a lead needs a reviewed candidate");
    if (r.getColumn(0).getString() != "lead")
        fail(RecordsError::Kind::WorkflowViolation, "candidate " + std::to_string(candidateId) + " was reviewed as not a lead");
    SQLite::Statement dup(impl_->db, "SELECT id FROM lead WHERE candidate_id = ?");
    dup.bind(1, candidateId);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "candidate " + std::to_string(candidateId) + " is already lead " + dup.getColumn(0).getString());
    SQLite::Statement q(impl_->db, "INSERT INTO lead(candidate_id, status, note, created_by, created_at) VALUES (?, 'open', ?, ?, ?)");
    q.bind(1, candidateId);
    q.bind(2, note);
    q.bind(3, actor.id);
    q.bind(4, nowUtc());
    q.exec();
    Lead lead;
    lead.id = impl_->db.getLastInsertRowid();
    lead.candidateId = candidateId;
    lead.status = "open";
    lead.createdBy = actor.id;
    impl_->indexNote("lead", lead.id, note);
    impl_->audit(actor.id, "mark_lead", "lead", lead.id, jsonObject({{"candidate", std::to_string(candidateId)}, {"note", note}}),
                 {{"lead", lead.id}});
    t.commit();
    return lead;
}

Hit Store::confirmHit(const User& actor, Id leadId, const std::string& conclusion, const std::string& note) {
    requireRole(actor, Role::Examiner, "confirm hits");
    validateText("examination note", note, true);
    if (!oneOf(conclusion, kAfteConclusions))
        fail(RecordsError::Kind::InvalidInput, "'" + conclusion + "' is not an AFTE conclusion (" + listOf(kAfteConclusions) + ")");
    WriteTransaction t(*impl_);
    SQLite::Statement l(impl_->db, "SELECT status FROM lead WHERE id = ?");
    l.bind(1, leadId);
    if (!l.executeStep()) fail(RecordsError::Kind::WorkflowViolation, "no lead " + std::to_string(leadId) + "; a hit needs a lead");
    if (l.getColumn(0).getString() != "open")
        fail(RecordsError::Kind::WorkflowViolation, "lead " + std::to_string(leadId) + " is already " + l.getColumn(0).getString());
    // An identification makes the lead a hit; any other conclusion closes it as rejected, on the record.
    const bool identified = conclusion == "identification";
    SQLite::Statement q(impl_->db, "INSERT INTO hit(lead_id, conclusion, note, examiner_id, confirmed_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, leadId);
    q.bind(2, conclusion);
    q.bind(3, note);
    q.bind(4, actor.id);
    q.bind(5, nowUtc());
    q.exec();
    Hit hit;
    hit.id = impl_->db.getLastInsertRowid();
    hit.leadId = leadId;
    hit.conclusion = conclusion;
    hit.examinerId = actor.id;
    SQLite::Statement u(impl_->db, "UPDATE lead SET status = ? WHERE id = ?");
    u.bind(1, identified ? "hit" : "rejected");
    u.bind(2, leadId);
    u.exec();
    impl_->indexNote("hit", hit.id, note);
    impl_->audit(actor.id, "examine_lead", "hit", hit.id, jsonObject({{"lead", std::to_string(leadId)}, {"conclusion", conclusion}, {"note", note}}),
                 {{"hit", hit.id}, {"lead", leadId}});
    t.commit();
    return hit;
}

void Store::verifyHit(const User& actor, Id hitId, const std::string& conclusion, bool blind, const std::string& note) {
    requireRole(actor, Role::Examiner, "verify hits");
    validateText("verification note", note, true);
    if (!oneOf(conclusion, kAfteConclusions)) fail(RecordsError::Kind::InvalidInput, "'" + conclusion + "' is not an AFTE conclusion (" + listOf(kAfteConclusions) + ")");
    WriteTransaction t(*impl_);
    SQLite::Statement h(impl_->db, "SELECT examiner_id FROM hit WHERE id = ?");
    h.bind(1, hitId);
    if (!h.executeStep()) fail(RecordsError::Kind::NotFound, "no hit " + std::to_string(hitId));
    if (h.getColumn(0).getInt64() == actor.id)
        fail(RecordsError::Kind::WorkflowViolation, "user " + actor.username + " confirmed hit " + std::to_string(hitId) +
                                                        " and cannot also verify it");
    SQLite::Statement approved(impl_->db, "SELECT 1 FROM approval WHERE hit_id = ?");
    approved.bind(1, hitId);
    if (approved.executeStep()) fail(RecordsError::Kind::WorkflowViolation, "hit " + std::to_string(hitId) + " is already approved; it takes no more verifications");
    if (blind) {
        SQLite::Statement seen(impl_->db, "SELECT viewed_at FROM hit_view WHERE hit_id = ? AND user_id = ?");
        seen.bind(1, hitId);
        seen.bind(2, actor.id);
        if (seen.executeStep())
            fail(RecordsError::Kind::WorkflowViolation, "user " + actor.username + " saw the first conclusion of hit " + std::to_string(hitId) +
                                                            " (at " + seen.getColumn(0).getString() +
                                                            "); the verification cannot be recorded as blind");
    }
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM verification WHERE hit_id = ? AND examiner_id = ?");
    dup.bind(1, hitId);
    dup.bind(2, actor.id);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "user " + actor.username + " already verified hit " + std::to_string(hitId));
    SQLite::Statement q(impl_->db, "INSERT INTO verification(hit_id, conclusion, blind, note, examiner_id, verified_at) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, hitId);
    q.bind(2, conclusion);
    q.bind(3, blind ? 1 : 0);
    q.bind(4, note);
    q.bind(5, actor.id);
    q.bind(6, nowUtc());
    q.exec();
    impl_->audit(actor.id, "verify_hit", "hit", hitId, jsonObject({{"conclusion", conclusion}, {"blind", blind ? "yes" : "no"}, {"note", note}}),
                 {{"verification", impl_->db.getLastInsertRowid()}});
    t.commit();
}

void Store::approveHit(const User& actor, Id hitId, const std::string& note) {
    requireRole(actor, Role::Supervisor, "approve hits");
    validateText("approval note", note, true);
    WriteTransaction t(*impl_);
    SQLite::Statement h(impl_->db, "SELECT conclusion, examiner_id FROM hit WHERE id = ?");
    h.bind(1, hitId);
    if (!h.executeStep()) fail(RecordsError::Kind::NotFound, "no hit " + std::to_string(hitId));
    const std::string hitName = "hit " + std::to_string(hitId);
    if (h.getColumn(0).getString() != "identification")
        fail(RecordsError::Kind::WorkflowViolation, hitName + " concluded " + h.getColumn(0).getString() +
                                                        "; only identifications are approved as hits");
    // Examiner, verifier and approver are three different people.
    if (h.getColumn(1).getInt64() == actor.id)
        fail(RecordsError::Kind::WorkflowViolation, "user " + actor.username + " examined " + hitName + " and cannot also approve it");
    SQLite::Statement v(impl_->db, "SELECT v.id, v.conclusion, v.examiner_id, u.username FROM verification v JOIN user u ON u.id = v.examiner_id "
                                   "WHERE v.hit_id = ? ORDER BY v.id");
    v.bind(1, hitId);
    int verifications = 0;
    while (v.executeStep()) {
        ++verifications;
        if (v.getColumn(2).getInt64() == actor.id)
            fail(RecordsError::Kind::WorkflowViolation, "user " + actor.username + " verified " + hitName + " and cannot also approve it");
        // A disagreeing verification sends the hit back to the examiners; a supervisor cannot overrule it by approving.
        if (v.getColumn(1).getString() != "identification")
            fail(RecordsError::Kind::WorkflowViolation, "verification " + v.getColumn(0).getString() + " of " + hitName + " by " +
                                                            v.getColumn(3).getString() + " concluded " + v.getColumn(1).getString() +
                                                            ", not identification: the examiners disagree and the hit cannot be "
                                                            "approved; it goes back to them (docs/records.md, Disagreements)");
    }
    if (verifications == 0)
        fail(RecordsError::Kind::WorkflowViolation, hitName + " has not been verified by a second examiner");
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM approval WHERE hit_id = ?");
    dup.bind(1, hitId);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "hit " + std::to_string(hitId) + " is already approved");
    SQLite::Statement q(impl_->db, "INSERT INTO approval(hit_id, note, supervisor_id, approved_at) VALUES (?, ?, ?, ?)");
    q.bind(1, hitId);
    q.bind(2, note);
    q.bind(3, actor.id);
    q.bind(4, nowUtc());
    q.exec();
    impl_->audit(actor.id, "approve_hit", "hit", hitId, jsonObject({{"note", note}}), {{"approval", impl_->db.getLastInsertRowid()}});
    t.commit();
}

std::vector<Lead> Store::openLeads() const {
    SQLite::Statement q(impl_->db, "SELECT id, candidate_id, status, created_by, created_at FROM lead WHERE status = 'open' ORDER BY id");
    std::vector<Lead> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getString()});
    return out;
}

std::vector<Store::NoteMatch> Store::searchNotes(const std::string& query) const {
    if (query.empty()) fail(RecordsError::Kind::InvalidInput, "empty search");
    // The query is passed as one quoted phrase per word: FTS5 syntax in user text cannot break the search.
    std::string phrase;
    std::istringstream words(query);
    for (std::string w; words >> w;) {
        std::string quoted = "\"";
        for (char ch : w) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        if (!phrase.empty()) phrase += ' ';
        phrase += quoted + "\"";
    }
    SQLite::Statement q(impl_->db, "SELECT kind, ref_id, text FROM note_text WHERE note_text MATCH ? ORDER BY rank LIMIT 200");
    q.bind(1, phrase);
    std::vector<NoteMatch> out;
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
    return out;
}

std::vector<AuditEvent> Store::auditTrail(const User& viewer, const std::string& entity, Id entityId) const {
    std::vector<AuditEvent> events = auditTrail(entity, entityId);
    if (entity != "hit") return events;
    SQLite::Statement h(impl_->db, "SELECT examiner_id FROM hit WHERE id = ?");
    h.bind(1, entityId);
    if (!h.executeStep()) return events;
    bool verified = false;
    if (!hiddenFrom(impl_->db, viewer, entityId, h.getColumn(0).getInt64(), verified)) return events;
    for (auto& e : events)
        if (e.action == "examine_lead" || e.action == "verify_hit") {
            e.details = "{\"hidden\": \"until you have verified this hit (blind verification)\"}";
            e.userId = 0;
        }
    return events;
}

std::vector<AuditEvent> Store::auditTrail(const std::string& entity, Id entityId) const {
    SQLite::Statement q(impl_->db, "SELECT id, at, user_id, action, entity, entity_id, details, prev_hash, hash FROM audit_event "
                                   "WHERE entity = ? AND entity_id = ? ORDER BY id");
    q.bind(1, entity);
    q.bind(2, entityId);
    std::vector<AuditEvent> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                       q.getColumn(4).getString(), q.getColumn(5).getInt64(), q.getColumn(6).getString(), q.getColumn(7).getString(),
                       q.getColumn(8).getString()});
    return out;
}

}  // namespace striae::records
