// Case store at scale: a store with N acquisitions (default 1,000,000) of
// synthetic metadata, every record added through the library (own transaction
// and audit event each), then p50/p99 latency of the common queries.
//   build/dev/benchmarks/records_bench [N] [folder]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"

using namespace striae;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

template <typename F>
void latency(const char* name, int samples, F query) {
    std::vector<double> us;
    for (int i = 0; i < samples; ++i) {
        const auto t = Clock::now();
        query(i);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    }
    std::sort(us.begin(), us.end());
    std::printf("  %-44s p50 %8.1f µs   p99 %8.1f µs\n", name, us[us.size() / 2], us[us.size() * 99 / 100]);
}

std::string isoDay(int dayOffset) {  // days after 2021-01-01
    std::tm tm{};
    tm.tm_year = 121;
    tm.tm_mon = 0;
    tm.tm_mday = 1 + dayOffset;
    std::mktime(&tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    const long acquisitions = argc > 1 ? std::atol(argv[1]) : 1000000;
    const std::filesystem::path folder = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "striae-records-bench";
    std::filesystem::remove_all(folder);
    const char* calibers[] = {"9mm Luger", ".40 S&W", ".45 ACP", ".380 ACP", ".22 LR", "7.62x39", "5.56 NATO", ".38 Special"};
    const char* regions[] = {"breech_face", "firing_pin", "ejector", "land"};
    constexpr int kPerItem = 4, kItemsPerCase = 2;
    const long items = acquisitions / kPerItem, cases = items / kItemsPerCase;
    std::mt19937 rng(42);

    auto store = records::Store::create(folder.string(), {0, "BENCH", "Benchmark PD", "US"}, "admin", "Admin", "admin-password");
    const auto admin = store.authenticate("admin", "admin-password");
    const auto tech = store.addUser(admin, "BENCH", "tech", "Tech", {records::Role::Technician}, "tech-password");
    // One real scan in the store; the metadata rows all point at it (content-addressed).
    imaging::SynthOptions so;
    so.firearms = so.shotsPerFirearm = 1;
    so.sizePx = 64;
    imaging::writeSyntheticSet(so, (folder / "seed").string());
    store.addCase(tech, [] { records::CaseRecord c; c.number = "SEED"; return c; }());
    records::Item seedItem;
    seedItem.label = "S";
    seedItem.kind = "cartridge_case";
    seedItem.origin = "reference";
    const auto seed = store.importScan(tech, store.addItem(tech, "SEED", seedItem).id, (folder / "seed/F01-01.x3p").string(), {});

    std::printf("case store at scale: %ld acquisitions, %ld items, %ld cases (each added in its own transaction with an audit event)\n",
                acquisitions, items, cases);
    auto t0 = Clock::now();
    std::vector<records::Id> itemIds;
    std::vector<std::string> caseNumbers;
    for (long c = 0; c < cases; ++c) {
        records::CaseRecord cr;
        char number[32];
        std::snprintf(number, sizeof number, "2021-%07ld", c);
        cr.number = number;
        cr.offence = "shots fired";
        cr.offenceDate = isoDay(int(c % 1800));
        store.addCase(tech, cr);
        caseNumbers.push_back(number);
    }
    const double caseSeconds = seconds(t0);
    t0 = Clock::now();
    for (long i = 0; i < items; ++i) {
        records::Item it;
        it.label = "Q" + std::to_string(i % kItemsPerCase + 1);
        it.kind = "cartridge_case";
        it.origin = "crime_scene";
        it.caliber = calibers[i % 8];
        itemIds.push_back(store.addItem(tech, caseNumbers[i / kItemsPerCase], it).id);
    }
    const double itemSeconds = seconds(t0);
    t0 = Clock::now();
    std::vector<records::Id> acquisitionIds;
    for (long a = 0; a < items * kPerItem; ++a) {
        records::Acquisition m;
        m.region = regions[a % kPerItem];
        m.fileSha256 = seed.fileSha256;
        m.processedSha256 = seed.processedSha256;
        m.processing = "as imported";
        m.acquiredAt = isoDay(int((a / kPerItem / kItemsPerCase) % 1800)) + "T12:00:00.000Z";
        acquisitionIds.push_back(store.recordAcquisition(tech, itemIds[a / kPerItem], m).id);
    }
    const double acquisitionSeconds = seconds(t0);
    // Correlation runs with leads: 2000 runs of 10 candidates, half with an open lead.
    t0 = Clock::now();
    std::uniform_int_distribution<std::size_t> anyAcq(0, acquisitionIds.size() - 1);
    for (int r = 0; r < 2000; ++r) {
        std::vector<records::Store::CandidateInput> found;
        const std::size_t first = anyAcq(rng) % (acquisitionIds.size() - 10);
        for (int k = 0; k < 10; ++k) found.push_back({acquisitionIds[first + k], double(30 - k), double(30 - k), "{}"});
        const auto run = store.recordCorrelationRun(tech, acquisitionIds[anyAcq(rng)], "local", "{}", "2026-01-01T00:00:00Z", found);
        if (r % 2 == 0) {
            const auto top = store.candidates(run.id).front().id;
            store.review(tech, top, true, "");
            store.markLead(tech, top, "");
        }
    }
    const double runSeconds = seconds(t0);
    std::printf("insert rates\n");
    std::printf("  cases          %9.0f / s\n", double(cases) / caseSeconds);
    std::printf("  items          %9.0f / s\n", double(items) / itemSeconds);
    std::printf("  acquisitions   %9.0f / s   (%ld in %.1f s)\n", double(acquisitionIds.size()) / acquisitionSeconds,
                long(acquisitionIds.size()), acquisitionSeconds);
    std::printf("  runs+leads     %9.0f / s   (2000 runs of 10 candidates, 1000 reviewed and marked as leads)\n", 2000 / runSeconds);
    std::printf("  audit events   %d\n", store.stats().auditEvents);

    std::printf("query latency (2000 random queries each)\n");
    std::uniform_int_distribution<long> anyCase(0, cases - 1), anyItem(0, items - 1), anyDay(0, 1770);
    latency("case by number", 2000, [&](int) { store.caseByNumber(caseNumbers[anyCase(rng)]); });
    latency("items of a case", 2000, [&](int) { store.itemsOfCase(caseNumbers[anyCase(rng)]); });
    latency("acquisitions by caliber, 30-day range (100)", 2000, [&](int) {
        const int d = int(anyDay(rng));
        store.findAcquisitions(calibers[d % 8], isoDay(d), isoDay(d + 30) + "T23:59:59Z", 100);
    });
    latency("open leads (1000)", 2000, [&](int) { store.openLeads(); });
    latency("audit trail of an item", 2000, [&](int) { store.auditTrail("item", itemIds[anyItem(rng)]); });
    const auto t = Clock::now();
    const auto report = store.verifyAudit();
    std::printf("audit verify: %zu events, %zu sealed rows, %zu scan files, %zu anchored in %.1f s, %s\n", report.events,
                report.rowsChecked, report.filesChecked, report.anchored, seconds(t), report.ok() ? "intact" : "BROKEN");
    std::printf("store size: %.0f MB\n", double(std::filesystem::file_size(folder / "store.db")) / 1e6);
    return 0;
}
