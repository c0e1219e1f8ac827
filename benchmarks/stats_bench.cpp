// Statistics at hub scale: a hub database and a case store each holding N
// acquisitions (default 100,000) with lead lists, leads, hits, unreviewed
// lists and outcomes, filled by bulk SQL (what is measured is reading them),
// then the time of the turnaround statistics: everything, one agency, one
// quarter, and the pure computation over the same rows as the baseline.
//   build/dev/benchmarks/stats_bench [N] [postgresql-connection]
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "striae/records/Statistics.h"
#include "striae/records/Store.h"
#include "striae/records/StoreStatistics.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubStatistics.h"
#include "striae/sync/HubStore.h"

using namespace striae;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Median of 5 runs, in seconds.
template <typename F>
double timed(F run) {
    std::vector<double> s;
    for (int i = 0; i < 5; ++i) {
        const auto t = Clock::now();
        run();
        s.push_back(seconds(t));
    }
    std::sort(s.begin(), s.end());
    return s[2];
}

std::string iso(std::int64_t epoch) {
    const std::time_t t = epoch;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Synthetic {
    std::string agency, caliber, recovered, acquired;
    std::int64_t acquiredMs = 0, correlatedMs = 0, leadMs = 0, decidedMs = 0;
    std::string outcome;  // "", lead, hit, eliminated
    bool reviewed = false, feedback = false;
};

std::vector<Synthetic> synthesize(long n) {
    std::mt19937_64 rng(7);
    const std::int64_t start = records::epochSeconds("2024-01-01");
    const char* calibers[] = {"9mm Luger", ".40 S&W", ".45 ACP", ".380 ACP", "7.62x39mm"};
    std::vector<Synthetic> out(n);
    for (long i = 0; i < n; ++i) {
        auto& s = out[i];
        s.agency = "AG" + std::to_string(rng() % 60);
        s.caliber = calibers[rng() % 5];
        const std::int64_t recovered = start + std::int64_t(rng() % (3 * 365 * 86400LL));
        const std::int64_t acquired = recovered + std::int64_t(rng() % (10 * 86400));
        s.recovered = iso(recovered).substr(0, 10);
        s.acquired = iso(acquired);
        s.acquiredMs = acquired * 1000;
        s.correlatedMs = s.acquiredMs + std::int64_t(rng() % 3600000);
        const auto r = rng() % 100;
        s.reviewed = r < 90;
        if (r < 8) {
            s.leadMs = s.correlatedMs + std::int64_t(rng() % (96 * 3600000LL));
            s.outcome = r < 4 ? "hit" : r < 6 ? "eliminated" : "lead";
            s.decidedMs = s.outcome == "lead" ? s.leadMs : s.leadMs + std::int64_t(rng() % (72 * 3600000LL));
            s.feedback = r < 2;
        }
    }
    return out;
}

void fillHub(sync::HubDatabase& db, const std::vector<Synthetic>& rows) {
    db.begin();
    const std::size_t batch = 500;
    for (std::size_t from = 0; from < rows.size(); from += batch) {
        std::string acq = "INSERT INTO acquisition(id, agency, origin_hub, sha256, size, case_ref, item_label, item_type, region, caliber, "
                          "class_json, acquired_at, disclosed, withdrawn, uploaded_at, updated_at, land, lands, lands_scanned, recovered_at) VALUES ";
        std::string lists = "INSERT INTO lead_list(acquisition_id, agency, seq, status, correlated_at) VALUES ";
        std::string cands = "INSERT INTO candidate(id, list_id, acquisition_id, rank, score, score_high, details, outcome, outcome_at, lead_at) VALUES ";
        std::string feedback = "INSERT INTO feedback(id, list_id, acquisition_id, agency, kind, note, recorded_by, recorded_at, received_at, origin_hub, "
                               "origin_id) VALUES ";
        bool anyFeedback = false;
        for (std::size_t i = from; i < std::min(rows.size(), from + batch); ++i) {
            const auto& s = rows[i];
            char id[40];
            std::snprintf(id, sizeof id, "%032zx", i + 1);
            char other[40];
            std::snprintf(other, sizeof other, "%032zx", (i * 7919) % rows.size() + 1);
            const std::string sep = i == from ? "" : ",";
            acq += sep + "('" + id + "','" + s.agency + "','hub','" + std::string(64, 'a') + "',1,'C" + std::to_string(i) + "','1','cartridge_case','breech_face','" +
                   s.caliber + "','{}','" + s.acquired + "',0,0," + std::to_string(s.acquiredMs) + "," + std::to_string(s.acquiredMs) + ",0,0,0,'" +
                   s.recovered + "')";
            lists += sep + "('" + id + "','" + s.agency + "'," + std::to_string(i + 1) + ",'correlated'," + std::to_string(s.correlatedMs) + ")";
            // Five candidates a list; the top one carries the review's outcome.
            for (int k = 0; k < 5; ++k) {
                const std::string outcome = k == 0 ? (s.outcome.empty() && s.reviewed ? "eliminated" : s.outcome) : "";
                const std::int64_t at = k == 0 ? (s.decidedMs ? s.decidedMs : s.correlatedMs + 60000) : 0;
                cands += std::string(i == from && k == 0 ? "" : ",") + "(" + std::to_string(i * 5 + k + 1) + ",'" + id + "','" + other + "'," +
                         std::to_string(k + 1) + ",3,2,'{}','" + outcome + "'," + std::to_string(outcome.empty() ? 0 : at) + "," +
                         std::to_string(k == 0 ? s.leadMs : 0) + ")";
            }
            if (s.feedback) {
                feedback += std::string(anyFeedback ? "," : "") + "(" + std::to_string(i + 1) + ",'" + id + "','" + other + "','" + s.agency +
                            "','arrest','','x','" + iso(s.decidedMs / 1000 + 86400) + "',0,'bench'," + std::to_string(i + 1) + ")";
                anyFeedback = true;
            }
        }
        db.execute(acq);
        db.execute(lists);
        db.execute(cands);
        if (anyFeedback) db.execute(feedback);
    }
    db.commit();
}

void fillStore(const std::string& folder, const std::vector<Synthetic>& rows) {
    SQLite::Database db(folder + "/store.db", SQLite::OPEN_READWRITE);
    SQLite::Transaction t(db);
    db.exec("INSERT INTO case_file(id, number, agency_id, created_by, created_at) VALUES (1, 'BULK', 1, 1, '2024-01-01')");
    SQLite::Statement item(db, "INSERT INTO item(id, case_id, label, kind, origin, caliber, recovered_at, created_at) VALUES (?, 1, ?, 'cartridge_case', 'crime_scene', ?, ?, '2024-01-01')");
    SQLite::Statement acq(db, "INSERT INTO acquisition(id, item_id, region, file_sha256, processed_sha256, acquired_by, acquired_at, caliber) VALUES (?, ?, 'breech_face', ?, ?, 1, ?, ?)");
    SQLite::Statement run(db, "INSERT INTO correlation_run(id, query_acquisition_id, parameters, scope, started_at, finished_at, run_by) VALUES (?, ?, '{}', 'local', ?, ?, 1)");
    SQLite::Statement cand(db, "INSERT INTO candidate(id, run_id, acquisition_id, rank, score, score_high, details) VALUES (?, ?, ?, 1, 3, 2, '{}')");
    SQLite::Statement review(db, "INSERT INTO review(candidate_id, decision, reviewed_by, reviewed_at) VALUES (?, ?, 1, ?)");
    SQLite::Statement lead(db, "INSERT INTO lead(id, candidate_id, status, created_by, created_at) VALUES (?, ?, ?, 1, ?)");
    SQLite::Statement hit(db, "INSERT INTO hit(lead_id, conclusion, examiner_id, confirmed_at) VALUES (?, ?, 1, ?)");
    SQLite::Statement outcome(db, "INSERT INTO lead_outcome(lead_id, candidate_id, kind, agency_code, recorded_by, recorded_at) VALUES (?, ?, 'arrest', 'BULK', 'x', ?)");
    auto reset = [](SQLite::Statement& q) {
        q.exec();
        q.reset();
        q.clearBindings();
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& s = rows[i];
        const auto id = std::int64_t(i + 1);
        item.bind(1, id);
        item.bind(2, std::string("Q").append(std::to_string(i)));
        item.bind(3, s.caliber);
        item.bind(4, s.recovered);
        reset(item);
        acq.bind(1, id);
        acq.bind(2, id);
        acq.bind(3, std::to_string(i));
        acq.bind(4, std::to_string(i));
        acq.bind(5, s.acquired);
        acq.bind(6, s.caliber);
        reset(acq);
        const std::string correlated = iso(s.correlatedMs / 1000);
        run.bind(1, id);
        run.bind(2, id);
        run.bind(3, correlated);
        run.bind(4, correlated);
        reset(run);
        cand.bind(1, id);
        cand.bind(2, id);
        cand.bind(3, std::int64_t((i * 7919) % rows.size() + 1));
        reset(cand);
        if (!s.reviewed && s.outcome.empty()) continue;
        review.bind(1, id);
        review.bind(2, s.outcome.empty() ? "not_lead" : "lead");
        review.bind(3, correlated);
        reset(review);
        if (s.outcome.empty()) continue;
        lead.bind(1, id);
        lead.bind(2, id);
        lead.bind(3, s.outcome == "hit" ? "hit" : s.outcome == "eliminated" ? "rejected" : "open");
        lead.bind(4, iso(s.leadMs / 1000));
        reset(lead);
        if (s.outcome != "lead") {
            hit.bind(1, id);
            hit.bind(2, s.outcome == "hit" ? "identification" : "elimination");
            hit.bind(3, iso(s.decidedMs / 1000));
            reset(hit);
        }
        if (s.feedback) {
            outcome.bind(1, id);
            outcome.bind(2, id);
            outcome.bind(3, iso(s.decidedMs / 1000 + 86400));
            reset(outcome);
        }
    }
    t.commit();
}

void report(const char* name, const records::Statistics& s, double secondsTaken, double baseline) {
    const auto& lead = s.turnaround.back();
    std::printf("  %-40s %8.3f s  (%5.1f × the computation)  evidence %7d  leads %6d  recovery→lead median %6.1f h, p90 %6.1f h, ≤48 h %5.1f %%\n",
                name, secondsTaken, secondsTaken / baseline, s.evidence, s.leads, lead.medianHours, lead.p90Hours, 100 * lead.within48h);
}

}  // namespace

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 100000;
    const std::string postgres = argc > 2 ? argv[2] : "";
    const fs::path dir = fs::temp_directory_path() / ("striae-stats-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto rows = synthesize(n);
    std::printf("stats_bench: %ld acquisitions, 5 candidates a list, ~8 %% with a lead (half of them hits), 60 agencies, 5 calibers\n", n);

    // The baseline: the pure computation over the same timelines, already in memory.
    records::StatisticsInput input;
    for (const auto& s : rows) {
        records::EvidenceTimeline e{s.agency, s.caliber, records::epochSeconds(s.recovered), s.acquiredMs / 1000, s.correlatedMs / 1000,
                                    s.leadMs / 1000, s.outcome == "hit" ? s.decidedMs / 1000 : 0};
        input.evidence.push_back(e);
        if (!s.outcome.empty())
            input.leads.push_back({s.agency, s.caliber, s.leadMs / 1000, s.outcome == "hit" ? "hit" : s.outcome == "eliminated" ? "rejected" : "open",
                                   s.outcome == "lead" ? 0 : s.decidedMs / 1000});
    }
    records::Statistics computed;
    const double baseline = timed([&] { computed = records::computeStatistics(input, {}, records::epochSeconds("2027-01-01")); });
    std::printf("  %-40s %8.3f s\n", "computation only (in memory)", baseline);

    records::StatisticsFilter agency;
    agency.agency = "AG7";
    records::StatisticsFilter quarter;
    quarter.from = "2025-04-01";
    quarter.to = "2025-06-30";

    const auto hubRun = [&](const std::string& label, const std::string& url) {
        if (!url.empty()) {
            // The benchmark's own tables on the server, made afresh.
            sync::HubDatabase fresh(url);
            fresh.execute("DROP TABLE IF EXISTS hub_meta, counter, agency, token, acquisition, job, lead_list, candidate, change_event, "
                          "peer_cursor, feedback, search_signature CASCADE");
        }
        const auto t = Clock::now();
        sync::HubStore hub((dir / label).string(), url, "bench");
        fillHub(hub.database(), rows);
        // What a running hub's database has had time to do after rows came in one push at a time: PostgreSQL's
        // autovacuum keeps planner statistics and the visibility map (index-only scans); SQLite is told to ANALYZE.
        hub.database().execute(hub.database().isPostgres() ? "VACUUM ANALYZE" : "ANALYZE");
        std::printf("hub on %s (filled in %.1f s, then %s)\n", label.c_str(), seconds(t),
                    hub.database().isPostgres() ? "VACUUM ANALYZE" : "ANALYZE");
        records::Statistics s;
        std::printf("  %-40s %8.3f s\n", "(reading 5 columns of every acquisition)",
                    timed([&] { hub.database().query("SELECT agency, caliber, recovered_at, acquired_at, uploaded_at FROM acquisition"); }));
        report("all agencies", s, timed([&] { s = sync::hubStatistics(hub.database(), {}); }), baseline);
        report("one agency (AG7)", s, timed([&] { s = sync::hubStatistics(hub.database(), agency); }), baseline);
        report("one quarter (2025-04-01 to 2025-06-30)", s, timed([&] { s = sync::hubStatistics(hub.database(), quarter); }), baseline);
    };
    hubRun("sqlite", "");
    if (!postgres.empty()) hubRun("postgresql", "postgresql:" + postgres);

    {
        const auto t = Clock::now();
        const std::string folder = (dir / "store").string();
        records::Store::create(folder, {0, "BULK", "Bulk", "US"}, "admin", "Admin", "admin-password");
        fillStore(folder, rows);
        auto store = records::Store::open(folder);
        std::printf("case store (filled in %.1f s)\n", seconds(t));
        records::Statistics s;
        report("all", s, timed([&] { s = store.statistics().compute({}); }), baseline);
        report("one quarter (2025-04-01 to 2025-06-30)", s, timed([&] { s = store.statistics().compute(quarter); }), baseline);
    }
    fs::remove_all(dir);
    return 0;
}
