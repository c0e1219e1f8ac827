// striae-hub under load, on SQLite and on PostgreSQL: a real hub process
// holding 10,000 acquisitions (with lead lists), driven by a bundled load
// client over loopback: pushes per second, lead-list pulls per second, and
// p50/p99 latency, with C concurrent clients.
//   build/dev/benchmarks/hub_bench [--held N] [--clients C] [--postgres CONNINFO] [--pushes P] [--pulls Q]
// Without --postgres, $STRIAE_TEST_POSTGRES is used if set; else SQLite only.
#include <fcntl.h>
#include <opencv2/imgproc.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "SearchDistractors.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/SearchSignature.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/SerialNumber.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubFederation.h"
#include "striae/sync/HubFirearms.h"
#include "striae/sync/HubJson.h"
#include "striae/sync/HubStore.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
    double perSecond = 0, p50ms = 0, p99ms = 0;
    int errors = 0;
};

Figures summarize(std::vector<double> ms, double wallSeconds, int errors) {
    Figures f;
    f.errors = errors;
    if (ms.empty()) return f;
    std::sort(ms.begin(), ms.end());
    f.perSecond = double(ms.size()) / wallSeconds;
    f.p50ms = ms[ms.size() / 2];
    f.p99ms = ms[std::min(ms.size() - 1, std::size_t(double(ms.size()) * 0.99))];
    return f;
}

// Runs `count` requests spread over `clients` threads; each records its latency.
template <typename F>
Figures drive(int clients, int count, F request) {
    std::atomic<int> next{0}, errors{0};
    std::mutex mutex;
    std::vector<double> all;
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            std::vector<double> mine;
            for (int i; (i = next++) < count;) {
                const auto t = Clock::now();
                try {
                    request(c, i);
                    mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
                } catch (const std::exception& e) {
                    if (errors++ < 3) std::fprintf(stderr, "request failed: %s\n", e.what());
                }
            }
            std::lock_guard lock(mutex);
            all.insert(all.end(), mine.begin(), mine.end());
        });
    for (auto& t : threads) t.join();
    return summarize(all, std::chrono::duration<double>(Clock::now() - start).count(), errors);
}

struct Hub {
    pid_t pid = -1;
    int port = 0;
    void start(const std::string& binary, const fs::path& data, const std::string& db, const std::vector<std::string>& workers = {"--workers", "0"}) {
        const auto portFile = data / "port";
        fs::remove(portFile);
        std::vector<std::string> args{binary, "--data", data.string()};
        if (!db.empty()) args.insert(args.end(), {"--db", db});
        // The load client is many clients from one address: the per-address and per-token limits lifted.
        args.insert(args.end(), {"serve", "--listen", "127.0.0.1:0", "--port-file", portFile.string(), "--max-connections-per-client", "1000",
                                 "--rate", "0"});
        args.insert(args.end(), workers.begin(), workers.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = (data / "hub.log").string();
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) throw std::runtime_error("cannot start the hub");
        posix_spawn_file_actions_destroy(&actions);
        for (int i = 0; i < 500 && !fs::exists(portFile); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::ifstream(portFile) >> port;
        if (port == 0) throw std::runtime_error("hub did not start; see " + log);
    }
    ~Hub() {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            ::waitpid(pid, nullptr, 0);
        }
    }
};

std::string newPostgresDatabase(const std::string& conninfo, const std::string& name) {
    HubDatabase admin("postgresql:" + conninfo);
    admin.execute("DROP DATABASE IF EXISTS " + name);
    admin.execute("CREATE DATABASE " + name);
    return "postgresql:" + conninfo + " dbname=" + name;
}

void run(const std::string& backend, const std::string& db, const fs::path& root, const std::vector<std::string>& scans, int held,
         int clients, int pushes, int pulls) {
    const fs::path data = root / backend;
    fs::create_directories(data);
    std::string token;
    {
        // The holdings, through the same storage code the hub runs: `held`
        // acquisitions of one agency over 50 calibers, each with a lead list of 10.
        HubStore store(data.string(), db, "bench");
        store.addAgency("BENCH", "Bench PD");
        token = store.issueToken("BENCH");
        const Caller caller{"BENCH", false};
        const auto t = Clock::now();
        std::vector<std::string> ids;
        for (int i = 0; i < held; ++i) {
            AcquisitionMetadata m;
            m.caseRef = "B-" + std::to_string(i / 4);
            m.itemLabel = "Q" + std::to_string(i % 4);
            m.caliber = "cal-" + std::to_string(i % 50);
            char sha[65];
            std::snprintf(sha, sizeof sha, "%064x", i + 1);
            ids.push_back(store.push(caller, m, sha, 1000).acquisition.id);
        }
        for (int i = 0; i < held; ++i) {
            std::vector<HubCandidate> list;
            for (int k = 1; k <= 10; ++k) {
                HubCandidate c;
                c.acquisitionId = ids[std::size_t((i + k * 50) % held)];
                c.score = 20 - k;
                c.scoreHigh = 20 - k;
                list.push_back(c);
            }
            store.storeLeadList(ids[std::size_t(i)], list, "correlated");
        }
        std::printf("%-10s seeded %d acquisitions with lead lists in %.1f s\n", backend.c_str(), held,
                    std::chrono::duration<double>(Clock::now() - t).count());
    }
    Hub hub;
    hub.start(STRIAE_HUB, data, db);
    const std::string url = "http://127.0.0.1:" + std::to_string(hub.port);
    const Figures push = drive(clients, std::min(pushes, int(scans.size())), [&](int, int i) {
        AcquisitionMetadata m;
        m.caseRef = "P-" + std::to_string(i);
        m.itemLabel = "Q1";
        m.caliber = "cal-" + std::to_string(i % 50);
        HubClient(url, token).push(scans[std::size_t(i)], m);
    });
    const Figures pull = drive(clients, pulls, [&](int c, int i) {
        std::int64_t cursor = 0;
        HubClient(url, token).leads(std::int64_t((i * 7919 + c) % (held * 12)), 20, cursor);
    });
    std::printf("%-10s pushes: %7.1f /s  p50 %6.2f ms  p99 %6.2f ms  (%d errors)\n", backend.c_str(), push.perSecond, push.p50ms,
                push.p99ms, push.errors);
    std::printf("%-10s pulls:  %7.1f /s  p50 %6.2f ms  p99 %6.2f ms  (%d errors; 20 lists of 10 candidates per pull)\n",
                backend.c_str(), pull.perSecond, pull.p50ms, pull.p99ms, pull.errors);
}

// Correlation throughput of W `striae-hub worker` processes (1 thread each)
// on one PostgreSQL queue: a fresh hub with `jobs` breech faces of one
// caliber queued (the serving process correlates nothing), then the workers
// started and timed until every job is done.
double workerThroughput(const std::string& conninfo, const fs::path& root, const std::vector<std::string>& scans, int workers) {
    const std::string db = newPostgresDatabase(conninfo, "striae_hub_bench_w" + std::to_string(workers));
    const fs::path data = root / ("workers-" + std::to_string(workers));
    fs::create_directories(data);
    std::string token;
    {
        HubStore store(data.string(), db, "bench");
        store.addAgency("BENCH", "Bench PD");
        token = store.issueToken("BENCH");
    }
    Hub hub;
    hub.start(STRIAE_HUB, data, db);
    const std::string url = "http://127.0.0.1:" + std::to_string(hub.port);
    for (std::size_t i = 0; i < scans.size(); ++i) {
        AcquisitionMetadata m;
        m.caseRef = "W-" + std::to_string(i);
        m.itemLabel = "Q1";
        m.caliber = "9mm";
        HubClient(url, token).push(scans[i], m);
    }
    HubDatabase watch(db);
    const auto start = Clock::now();
    std::vector<pid_t> pids;
    for (int w = 0; w < workers; ++w) {
        std::vector<std::string> args{STRIAE_HUB, "--data", data.string(), "--name", "bench", "--db", db, "worker", "--id", "w" + std::to_string(w)};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = -1;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = (data / ("worker" + std::to_string(w) + ".log")).string();
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) throw std::runtime_error("cannot start a worker");
        posix_spawn_file_actions_destroy(&actions);
        pids.push_back(pid);
    }
    const std::int64_t jobs = std::int64_t(scans.size());
    while (watch.query("SELECT count(*) FROM job WHERE state = 'done'").front().integer(0) < jobs) {
        if (std::chrono::duration<double>(Clock::now() - start).count() > 900) throw std::runtime_error("workers did not finish in 15 minutes");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (pid_t pid : pids) ::kill(pid, SIGTERM);
    for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
    return double(jobs) / seconds;
}

// Issue 15 point 7: how long a new push waits for its lead list at a hub
// holding `holdings` real-texture breech faces: Weller's 94 processed scans
// other than the query (agency BENCH0), then variants with real texture and
// no firearm's: mirror images of them turned by varied angles ("mirrors"), or
// the distractors `striae eval-search` measures its end-to-end time on
// ("distractors": mirrored, turned, shifted, zoomed, half of them blended with
// a second, app/cli/SearchDistractors.h). Each is pushed through the API (so
// the hub computes its signature and derived surface as at any push) by
// `agencies` agencies that each hold the same variants: the hub keeps one
// file per distinct scan, so the disk holds 94 + (holdings − 94) / agencies
// scans while the search compares every holding. Their own correlation jobs
// are then marked done: what is timed is one new push, Weller's TW06-01, from
// its upload to its lead list, with the default shortlist and 2 correlation
// threads. The hub's folder is kept in `dir` and reused by the next run.

// Variant v of the sources: the surface and what it is, for the report.
std::pair<imaging::Surface, std::string> leadListVariant(int v, const std::string& kind, const std::vector<imaging::Surface>& mirrors,
                                                         const std::vector<std::string>& groups, const std::vector<fs::path>& sources) {
    if (kind == "distractors")
        // As eval-search builds its gallery: a recipe leaving too little surface for a signature gives way to the next.
        for (long long attempt = 0;; ++attempt) {
            const long long recipe = v + attempt * 100000000LL;
            imaging::Surface d = cli::buildDistractor(cli::distractorRecipe(std::uint64_t(recipe), groups), mirrors);
            try {
                matching::computeSignature(d);
                return {std::move(d), "distractor " + std::to_string(recipe)};
            } catch (const std::invalid_argument&) {
            }
        }
    // The mirror image turned about its centre.
    const std::size_t k = std::size_t(v) % sources.size();
    const imaging::Surface& a = mirrors[k];
    cv::Mat m(a.rows(), a.cols(), CV_64F);
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c) m.at<double>(r, c) = a.at(r, c);
    const double angle = double((v / int(sources.size()) + 1) * 37 % 360) - 180 + 0.5 * double(v / int(sources.size()) / 360);
    cv::Mat turned;
    cv::warpAffine(m, turned, cv::getRotationMatrix2D(cv::Point2f((a.cols() - 1) / 2.0f, (a.rows() - 1) / 2.0f), angle, 1.0), m.size(),
                   cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(imaging::kMissing));
    imaging::Surface out(a.rows(), a.cols(), a.spacingX(), a.spacingY());
    for (int r = 0; r < a.rows(); ++r)
        for (int c = 0; c < a.cols(); ++c) out.set(r, c, turned.at<double>(r, c));
    return {std::move(out), "mirror of " + sources[k].stem().string()};
}

// The seeded hub's holdings: acquisition id → the scan it holds, for the report.
std::map<std::string, std::string> seedLeadListHub(const fs::path& dir, const std::vector<fs::path>& sources, int holdings, int agencies, int clients,
                       const std::string& kind) {
    const fs::path data = dir / "lead-list";
    const fs::path names = dir / "holdings.tsv";
    std::map<std::string, std::string> sourceOf;
    if (fs::exists(names) && fs::exists(data / "hub.db")) {
        std::ifstream in(names);
        for (std::string id, source; std::getline(in, id, '\t') && std::getline(in, source);) sourceOf[id] = source;
        if (int(sourceOf.size()) == holdings) {
            std::printf("lead list at scale: reusing the hub of %d holdings in %s\n", holdings, data.c_str());
            return sourceOf;
        }
        throw std::runtime_error(data.string() + " holds " + std::to_string(sourceOf.size()) + " holdings, not " + std::to_string(holdings));
    }
    const int perAgency = (holdings - int(sources.size()) + agencies - 1) / agencies;
    const int distinct = std::max(0, std::min(perAgency, holdings - int(sources.size())));
    std::vector<imaging::Surface> mirrors;
    std::vector<std::string> groups;  // Weller's slide: the name up to its last '-'
    for (const auto& src : sources) {
        mirrors.push_back(cli::mirrored(imaging::readX3p(src.string()).surface));
        const std::string stem = src.stem().string();
        groups.push_back(stem.substr(0, stem.rfind('-')));
    }
    const fs::path variants = dir / "variants";
    fs::create_directories(variants);
    auto t = Clock::now();
    std::vector<std::string> variantFiles(static_cast<std::size_t>(distinct)), variantNames(static_cast<std::size_t>(distinct));
    std::atomic<int> next{0};
    auto write = [&] {
        for (int v; (v = next++) < distinct;) {
            auto [surface, name] = leadListVariant(v, kind, mirrors, groups, sources);
            variantFiles[std::size_t(v)] = (variants / ("V" + std::to_string(v) + ".x3p")).string();
            variantNames[std::size_t(v)] = std::move(name);
            imaging::writeX3p(surface, variantFiles[std::size_t(v)], {'F'});
        }
    };
    {
        std::vector<std::thread> writers;
        for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i) writers.emplace_back(write);
        for (auto& w : writers) w.join();
    }
    std::printf("lead list at scale: %d distinct %s written in %.1f s\n", distinct, kind.c_str(), std::chrono::duration<double>(Clock::now() - t).count());

    // Who pushes what: the originals by the first agency, then the variants by each agency in turn.
    struct Push {
        int agency;
        std::string file, name;
    };
    std::vector<Push> pushes;
    for (const auto& src : sources) pushes.push_back({0, src.string(), src.stem().string()});
    for (int a = 0; a < agencies && int(pushes.size()) < holdings; ++a)
        for (int v = 0; v < distinct && int(pushes.size()) < holdings; ++v) pushes.push_back({a, variantFiles[std::size_t(v)], variantNames[std::size_t(v)]});
    pushes.resize(std::min(pushes.size(), std::size_t(holdings)));

    fs::create_directories(data);
    std::vector<std::string> tokens;
    {
        HubStore store(data.string(), "", "bench");
        for (int a = 0; a < agencies; ++a) {
            store.addAgency("BENCH" + std::to_string(a), "Bench PD " + std::to_string(a));
            tokens.push_back(store.issueToken("BENCH" + std::to_string(a)));
        }
    }
    std::vector<std::string> ids(pushes.size());
    {
        Hub hub;
        hub.start(STRIAE_HUB, data, "", {"--workers", "0"});
        const std::string url = "http://127.0.0.1:" + std::to_string(hub.port);
        t = Clock::now();
        const Figures pushed = drive(clients, int(pushes.size()), [&](int, int i) {
            const Push& p = pushes[std::size_t(i)];
            AcquisitionMetadata m;
            m.caseRef = "L-" + std::to_string(i);
            m.itemLabel = "Q1";
            m.caliber = "9mm Luger";
            ids[std::size_t(i)] = HubClient(url, tokens[std::size_t(p.agency)]).push(p.file, m).acquisition.id;
        });
        std::printf("lead list at scale: pushed %zu holdings (%d agencies, %d distinct scans) in %.1f s (p50 %.1f ms, p99 %.1f ms, %d errors)\n",
                    pushes.size(), agencies, int(sources.size()) + distinct, std::chrono::duration<double>(Clock::now() - t).count(), pushed.p50ms,
                    pushed.p99ms, pushed.errors);
        if (pushed.errors) throw std::runtime_error("pushes failed");
    }
    fs::remove_all(variants);  // the hub holds them now
    // The holdings' own jobs are not what is measured.
    HubDatabase(std::string("sqlite:") + (data / "hub.db").string()).execute("UPDATE job SET state = 'done' WHERE state = 'queued'");
    std::ofstream out(names);
    for (std::size_t i = 0; i < pushes.size(); ++i) {
        sourceOf[ids[i]] = pushes[i].name;
        out << ids[i] << '\t' << pushes[i].name << '\n';
    }
    return sourceOf;
}

void leadListAtScale(const fs::path& dir, const fs::path& weller, int holdings, int agencies, int clients, const std::string& kind) {
    std::vector<fs::path> sources;
    for (const auto& e : fs::directory_iterator(weller))
        if (e.path().extension() == ".x3p") sources.push_back(e.path());
    std::sort(sources.begin(), sources.end());
    const fs::path query = weller / "TW06-01.x3p";
    sources.erase(std::remove(sources.begin(), sources.end(), query), sources.end());
    if (sources.empty() || !fs::exists(query)) throw std::runtime_error("Weller's scans are not in " + weller.string());
    if (holdings < int(sources.size())) sources.resize(std::size_t(holdings));
    const auto sourceOf = seedLeadListHub(dir, sources, holdings, std::max(1, agencies), clients, kind);

    // The query comes from an agency of its own, new each run (a push is
    // idempotent per agency and scan), and is withdrawn after: the next run's
    // query must not find this one.
    const fs::path data = dir / "lead-list";
    const std::string queryAgency = "QUERY" + std::to_string(::getpid());
    std::string token;
    {
        HubStore store(data.string(), "", "bench");
        store.addAgency(queryAgency, "Query PD");
        token = store.issueToken(queryAgency);
    }
    Hub hub;
    hub.start(STRIAE_HUB, data, "", {"--workers", "2"});
    const std::string url = "http://127.0.0.1:" + std::to_string(hub.port);
    HubClient client(url, token);
    const auto t = Clock::now();
    AcquisitionMetadata m;
    m.caseRef = "QUERY";
    m.itemLabel = "Q1";
    m.caliber = "9mm Luger";
    const std::string queryId = client.push(query.string(), m).acquisition.id;
    const double uploaded = std::chrono::duration<double>(Clock::now() - t).count();
    std::int64_t cursor = 0;
    std::optional<LeadList> list;
    while (!list) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        for (auto& l : client.leads(cursor, 100, cursor))
            if (l.acquisitionId == queryId) list = l;
        if (std::chrono::duration<double>(Clock::now() - t).count() > 3600) throw std::runtime_error("no lead list within an hour");
    }
    const double ready = std::chrono::duration<double>(Clock::now() - t).count();
    client.withdraw(queryId);
    std::string first = "none";
    if (!list->candidates.empty())
        if (const auto it = sourceOf.find(list->candidates[0].acquisitionId); it != sourceOf.end()) first = it->second;
    std::printf("lead list at scale: TW06-01 pushed to a hub of %d holdings (SQLite, 2 correlation threads, shortlist '%s'): uploaded in "
                "%.2f s, lead list ready %.1f s after the push began; %d fully compared; rank 1 %s\n",
                list->holdings, list->shortlist.c_str(), uploaded, ready, list->fullyCompared, first.c_str());
}

// Issue 19 point 9 at the hub: `n` shared firearm records of 40 agencies
// (serials in four real-looking formats; filled by SQL in batches, what is
// measured is searching them), then p50/p99 of serial searches and of seizure
// checks (the check, its matches and the owners' notices written) through
// HubFirearms on the hub's database, the one a request's handler calls.
void firearmRecordsAtScale(const std::string& backend, const std::string& db, const fs::path& root, long n) {
    const fs::path data = root / ("firearms-" + backend);
    fs::create_directories(data);
    HubStore store(data.string(), db, "bench");
    HubFirearms firearms(store.database());
    HubDatabase& sql = store.database();
    std::mt19937_64 rng(20261207);
    static const char* letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
    auto serialOf = [&] {
        std::uniform_int_distribution<int> format(0, 3), letter(0, 22), digit(0, 9);
        std::string s;
        switch (format(rng)) {
        case 0: s = {letters[letter(rng)], letters[letter(rng)]}; for (int i = 0; i < 6; ++i) s += char('0' + digit(rng)); break;
        case 1: s = "00"; for (int i = 0; i < 7; ++i) s += char('0' + digit(rng)); break;
        case 2: for (int i = 0; i < 3; ++i) s += letters[letter(rng)]; s += "-"; for (int i = 0; i < 5; ++i) s += char('0' + digit(rng)); break;
        default: for (int i = 0; i < 10; ++i) s += i % 3 == 2 ? letters[letter(rng)] : char('0' + digit(rng));
        }
        return s;
    };
    const auto& calibers = records::starterCalibers();
    std::vector<std::string> serials;
    serials.reserve(std::size_t(n));
    auto t = Clock::now();
    const int batch = 500;
    for (long start = 0; start < n; start += batch) {
        HubTransaction tx(sql);
        std::string insert = "INSERT INTO firearm_record(uid, agency, status, serial, serial_normalized, serial_reversed, serial_obliterated, "
                             "serial_partial, make, model, caliber, caliber_listed, type, country_of_manufacture, country_of_import, importer, "
                             "other_markings, event_date, reported_at, agency_case_number, remarks, created_by, created_at, updated_at, withdrawn) VALUES ";
        std::vector<SqlValue> values;
        for (long i = start; i < std::min(n, start + batch); ++i) {
            serials.push_back(serialOf());
            const std::string normalized = records::normalizeSerial(serials.back());
            const std::string agency = "AG" + std::to_string(i % 40);
            insert += std::string(i == start ? "" : ",") + "(?, ?, ?, ?, ?, ?, 0, 0, ?, '', ?, 1, 'pistol', '', '', '', '', '2018-01-01', '', '', '', 'bench', '', '', 0)";
            for (const SqlValue& v : std::vector<SqlValue>{agency + "-" + std::to_string(i), agency, records::kFirearmRecordStatuses[std::size_t(i % 8)],
                                                          serials.back(), normalized, std::string(normalized.rbegin(), normalized.rend()),
                                                          "Make " + std::to_string(i % 200), calibers[std::size_t(i) % calibers.size()].name})
                values.push_back(v);
        }
        sql.execute(insert, values);
        tx.commit();
    }
    if (!sql.isPostgres()) sql.execute("ANALYZE");
    else sql.execute("ANALYZE firearm_record");
    std::printf("firearm records at the hub (%s): %ld records written in %.1f s\n", backend.c_str(), n, std::chrono::duration<double>(Clock::now() - t).count());

    const Caller caller{"AG7"};
    auto report = [](const char* name, std::vector<double> ms, double found) {
        std::sort(ms.begin(), ms.end());
        std::printf("  %-58s p50 %8.3f ms   p99 %8.3f ms   (%.1f found a query)\n", name, ms[ms.size() / 2],
                    ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], found);
    };
    auto measure = [&](const char* name, int samples, const std::function<std::size_t(int)>& query) {
        std::vector<double> ms;
        std::size_t found = 0;
        for (int i = 0; i < samples; ++i) {
            const auto t0 = Clock::now();
            found += query(i);
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        report(name, ms, double(found) / samples);
    };
    std::uniform_int_distribution<long> pick(0, n - 1);
    auto search = [&](const std::string& serial, bool prefix = false) {
        records::FirearmSearch q;
        q.serial = serial;
        q.serialPrefix = prefix;
        return firearms.search(caller, q).size();
    };
    measure("exact serial, written differently (lower case, spaces)", 500, [&](int) {
        std::string s = serials[std::size_t(pick(rng))];
        for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
        return search(s.substr(0, 2) + " " + s.substr(2));
    });
    measure("exact serial no record has", 500, [&](int) { return search("QQ" + std::to_string(pick(rng))); });
    measure("prefix, first 4 characters", 300, [&](int) { return search(records::normalizeSerial(serials[std::size_t(pick(rng))]).substr(0, 4), true); });
    measure("partial, known start (one character unreadable)", 300, [&](int) {
        std::string s = records::normalizeSerial(serials[std::size_t(pick(rng))]);
        s[s.size() / 2] = '?';
        return search(s);
    });
    measure("partial, start obliterated (*last 5)", 300, [&](int) {
        const std::string s = records::normalizeSerial(serials[std::size_t(pick(rng))]);
        return search("*" + s.substr(s.size() - 5));
    });
    records::FirearmRecordFields found;
    found.status = "seized";
    measure("seizure check, exact serial (check, matches, notices written)", 300, [&](int) {
        found.serial = serials[std::size_t(pick(rng))];
        return firearms.checkSeizure(caller, found, "bench").matches.size();
    });
    measure("seizure check, partial serial (last character unreadable)", 300, [&](int) {
        std::string s = records::normalizeSerial(serials[std::size_t(pick(rng))]);
        s.back() = '?';
        found.serial = s;
        return firearms.checkSeizure(caller, found, "bench").matches.size();
    });
}

// Joining the international tier: a national hub holding `scans.size()` pushed scans puts an agreement
// in force (every push) and is started with its international hub; timed until the international hub
// holds them all, and until the agency's international lists are mirrored home (the international
// hub correlates with `intlWorkers` threads).
void forwardingAtScale(const fs::path& root, const std::vector<std::string>& scans, int clients, int intlWorkers) {
    const fs::path national = root / "forward-national", international = root / "forward-international";
    std::string agencyToken, federationToken, watchToken;
    {
        HubStore store(national.string(), "", "fr");
        store.setTier("national", "FR");
        store.addAgency("FR-PN", "Police");
        agencyToken = store.issueToken("FR-PN");
        HubStore intl(international.string(), "", "ibin");
        intl.setTier("international", "");
        intl.addAccount("FR-HUB", "", "national", "FR");
        federationToken = intl.issueToken("FR-HUB", "federation");
        intl.addAgency("watch", "", /*peer=*/true);
        watchToken = intl.issueToken("watch");
    }
    {
        Hub fr;
        fr.start(STRIAE_HUB, national, "");
        const std::string url = "http://127.0.0.1:" + std::to_string(fr.port);
        drive(clients, int(scans.size()), [&](int, int i) {
            AcquisitionMetadata m;
            m.caseRef = "F-" + std::to_string(i);
            m.itemLabel = "Q1";
            m.caliber = "9mm";
            HubClient(url, agencyToken).push(scans[std::size_t(i)], m);
        });
    }
    {
        HubStore store(national.string(), "", "fr");
        HubFederation federation(store);
        ParticipationAgreement every;
        every.flaggedOnly = false;
        federation.setAgreement(every, "bench");
    }
    Hub intl;
    intl.start(STRIAE_HUB, international, "", {"--workers", std::to_string(intlWorkers)});
    const std::string intlUrl = "http://127.0.0.1:" + std::to_string(intl.port);
    const auto t = Clock::now();
    Hub fr;
    fr.start(STRIAE_HUB, national, "",
             {"--workers", "0", "--forward-interval-ms", "200", "--international", "ibin=" + intlUrl, "--international-token",
              "ibin=" + federationToken});
    const std::string url = "http://127.0.0.1:" + std::to_string(fr.port);
    auto held = [&] {
        std::int64_t n = 0;
        for (const auto& a : HubClient(intlUrl, watchToken).stats()) n += a.acquisitions;
        return n;
    };
    while (held() < std::int64_t(scans.size())) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const double forwarded = std::chrono::duration<double>(Clock::now() - t).count();
    std::int64_t bytes = 0;
    for (const auto& f : scans) bytes += std::int64_t(fs::file_size(f));
    std::printf("forwarding: %zu scans (%.1f MB) forwarded to the international hub in %.1f s: %.1f scans/s, %.2f MB/s\n", scans.size(),
                double(bytes) / 1e6, forwarded, double(scans.size()) / forwarded, double(bytes) / 1e6 / forwarded);
    if (intlWorkers == 0) return;
    auto mirrored = [&] {
        std::int64_t cursor = 0;
        return json::readLeadLists(HubClient(url, agencyToken).call("GET", "/v1/leads?scope=international&limit=1000"), cursor).size();
    };
    while (mirrored() < scans.size()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::printf("forwarding: every international list mirrored home after %.1f s (the international hub correlating with %d threads)\n",
                std::chrono::duration<double>(Clock::now() - t).count(), intlWorkers);
}

}  // namespace

int main(int argc, char** argv) {
    int held = 10000, clients = 8, pushes = 1000, pulls = 5000, workerJobs = 16, leadListHoldings = 0, leadListAgencies = 1;
    std::string leadListDir, leadListVariants = "mirrors";
    long firearmRecords = 0;
    int forward = 0, forwardWorkers = 0;
    std::string postgres = std::getenv("STRIAE_TEST_POSTGRES") ? std::getenv("STRIAE_TEST_POSTGRES") : "";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--held") held = std::atoi(argv[i + 1]);
        else if (a == "--clients") clients = std::atoi(argv[i + 1]);
        else if (a == "--pushes") pushes = std::atoi(argv[i + 1]);
        else if (a == "--pulls") pulls = std::atoi(argv[i + 1]);
        else if (a == "--postgres") postgres = argv[i + 1];
        else if (a == "--worker-jobs") workerJobs = std::atoi(argv[i + 1]);
        else if (a == "--lead-list-holdings") leadListHoldings = std::atoi(argv[i + 1]);
        else if (a == "--lead-list-agencies") leadListAgencies = std::atoi(argv[i + 1]);
        else if (a == "--lead-list-dir") leadListDir = argv[i + 1];
        else if (a == "--lead-list-variants") leadListVariants = argv[i + 1];
        else if (a == "--firearm-records") firearmRecords = std::atol(argv[i + 1]);
        else if (a == "--forward") forward = std::atoi(argv[i + 1]);
        else if (a == "--forward-workers") forwardWorkers = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: hub_bench [--held N] [--clients C] [--pushes P] [--pulls Q] [--worker-jobs J] [--postgres CONNINFO]\n"
                         "       hub_bench --lead-list-holdings N   (a new push's lead list at a hub of N Weller-textured holdings;\n"
                         "                                          --lead-list-agencies A: A agencies hold the same variants, the disk\n"
                         "                                          one copy; --lead-list-dir D: the hub kept in D and reused next run;\n"
                         "                                          --lead-list-variants mirrors|distractors: what fills it)\n"
                         "       hub_bench --firearm-records N      (serial searches and seizure checks at a hub of N shared records)\n"
                         "       hub_bench --forward N              (a national hub of N scans joining the international tier;\n"
                         "                                          --forward-workers W: the international hub correlates, lists mirrored home)\n");
            return 2;
        }
    }
    const fs::path root = fs::temp_directory_path() / ("striae-hub-bench-" + std::to_string(::getpid()));
    fs::create_directories(root);
    if (firearmRecords > 0) {
        firearmRecordsAtScale("sqlite", "", root, firearmRecords);
        if (!postgres.empty()) firearmRecordsAtScale("postgresql", newPostgresDatabase(postgres, "striae_hub_bench_firearms"), root, firearmRecords);
        fs::remove_all(root);
        return 0;
    }
    if (leadListHoldings > 0) {
        const char* env = std::getenv("STRIAE_DATA");
        if (leadListVariants != "mirrors" && leadListVariants != "distractors") {
            std::fprintf(stderr, "hub_bench: --lead-list-variants is mirrors or distractors, not '%s'\n", leadListVariants.c_str());
            fs::remove_all(root);
            return 2;
        }
        const fs::path dir = leadListDir.empty() ? root : fs::path(leadListDir);
        fs::create_directories(dir);
        const auto logSize = fs::exists(dir / "lead-list" / "hub.log") ? fs::file_size(dir / "lead-list" / "hub.log") : 0;
        leadListAtScale(dir, fs::path(env ? env : STRIAE_DEFAULT_DATA) / "weller", leadListHoldings, leadListAgencies, clients, leadListVariants);
        // The hub's log says where the search's time went (first stage, second stage, CMC).
        std::ifstream log(dir / "lead-list" / "hub.log");
        log.seekg(std::streamoff(logSize));
        for (std::string line; std::getline(log, line);)
            if (line.find("correlated ") != std::string::npos) std::printf("hub log: %s\n", line.c_str());
        fs::remove_all(root);
        return 0;
    }
    // Distinct small scans to push (a push of a held scan is a no-op).
    imaging::SynthOptions o;
    o.firearms = (std::max(pushes, forward) + 1) / 2;
    o.shotsPerFirearm = 2;
    o.sizePx = 64;
    imaging::writeSyntheticSet(o, (root / "scans").string());
    std::vector<std::string> scans;
    for (const auto& e : fs::directory_iterator(root / "scans"))
        if (e.path().extension() == ".x3p") scans.push_back(e.path().string());
    std::sort(scans.begin(), scans.end());
    if (forward > 0) {
        scans.resize(std::min(scans.size(), std::size_t(forward)));
        forwardingAtScale(root, scans, clients, forwardWorkers);
        fs::remove_all(root);
        return 0;
    }
    std::printf("hub_bench: %d held, %d clients, %zu pushes of %ld-byte X3P files, %d lead-list pulls; %u cores\n", held, clients,
                scans.size(), long(fs::file_size(scans.at(0))), pulls, std::thread::hardware_concurrency());
    run("sqlite", "", root, scans, held, clients, pushes, pulls);
    if (!postgres.empty()) {
        run("postgresql", newPostgresDatabase(postgres, "striae_hub_bench"), root, scans, held, clients, pushes, pulls);
        if (workerJobs > 0) {
            // Breech faces large enough that CMC, not the queue, is the work (300 px, 1.9 mm).
            imaging::SynthOptions w;
            w.firearms = (workerJobs + 1) / 2;
            w.shotsPerFirearm = 2;
            w.sizePx = 300;
            w.seed = 31;
            imaging::writeSyntheticSet(w, (root / "worker-scans").string());
            std::vector<std::string> jobs;
            for (const auto& e : fs::directory_iterator(root / "worker-scans"))
                if (e.path().extension() == ".x3p") jobs.push_back(e.path().string());
            std::sort(jobs.begin(), jobs.end());
            jobs.resize(std::min(jobs.size(), std::size_t(workerJobs)));
            const double one = workerThroughput(postgres, root, jobs, 1), three = workerThroughput(postgres, root, jobs, 3);
            std::printf("workers:   %zu correlation jobs (each against the others held): 1 worker %.2f jobs/s, 3 workers %.2f jobs/s "
                        "(x%.2f on %u cores)\n",
                        jobs.size(), one, three, three / one, std::thread::hardware_concurrency());
        }
    } else {
        std::printf("postgresql: skipped (no --postgres or $STRIAE_TEST_POSTGRES)\n");
    }
    fs::remove_all(root);
    return 0;
}
