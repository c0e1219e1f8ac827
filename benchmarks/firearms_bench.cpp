// Firearm records at scale (issue 19): a store with N records (default
// 1,000,000; serials of several real-looking formats, 40 agencies, 19
// calibers, 8 statuses), the bulk filled by SQL in one transaction (what is
// measured is searching them) and a sample added through the library; then
// p50/p99 of serial searches — exact, prefix, partial patterns — and of
// adding a record (own transaction and audit event), against a plain indexed
// lookup of the same rows as the baseline; seizure checks; and the firearms
// reference table at 250,000 references (import, prefix and fuzzy search).
//   build/dev/benchmarks/firearms_bench [N] [folder]
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "striae/records/Calibers.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/ReferenceTable.h"
#include "striae/records/SerialNumber.h"
#include "striae/records/Store.h"

using namespace striae;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

struct Latency {
    double p50 = 0, p99 = 0;
};

template <typename F>
Latency latency(const char* name, int samples, F query, std::size_t* found = nullptr) {
    std::vector<double> ms;
    std::size_t hits = 0;
    for (int i = 0; i < samples; ++i) {
        const auto t = Clock::now();
        hits += query(i);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    std::sort(ms.begin(), ms.end());
    Latency l{ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
    std::printf("  %-52s p50 %8.3f ms   p99 %8.3f ms   (%.1f records found a query)\n", name, l.p50, l.p99, double(hits) / samples);
    if (found) *found = hits;
    return l;
}

// A serial in one of the formats makers use: letters and digits, digits only with leading zeros, dashed groups.
std::string serialOf(std::mt19937_64& rng) {
    static const char* letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
    std::uniform_int_distribution<int> format(0, 3), letter(0, 22), digit(0, 9);
    std::string s;
    switch (format(rng)) {
        case 0:
            for (int i = 0; i < 3; ++i) s += letters[letter(rng)];
            for (int i = 0; i < 6; ++i) s += char('0' + digit(rng));
            break;
        case 1:
            s = "00";
            for (int i = 0; i < 7; ++i) s += char('0' + digit(rng));
            break;
        case 2:
            for (int i = 0; i < 2; ++i) s += letters[letter(rng)];
            s += '-';
            for (int i = 0; i < 5; ++i) s += char('0' + digit(rng));
            s += '-';
            s += letters[letter(rng)];
            break;
        default:
            s += char('1' + digit(rng) % 9);
            for (int i = 0; i < 3; ++i) s += letters[letter(rng)];
            for (int i = 0; i < 5; ++i) s += char('0' + digit(rng));
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
    const fs::path folder = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "striae-firearms-bench";
    fs::remove_all(folder);
    std::printf("firearms_bench: %ld firearm records in %s\n", n, folder.c_str());
    auto store = records::Store::create(folder.string(), {0, "AG0", "Agency 0", "US"}, "admin", "Admin", "admin-password");
    const auto admin = store.authenticate("admin", "admin-password");
    const auto officer = store.addUser(admin, "AG0", "rita", "Rita", {records::Role::RecordsOfficer}, "rita-password");
    const auto calibers = store.calibers().all();

    std::mt19937_64 rng(20261207);
    std::vector<std::string> serials;
    serials.reserve(std::size_t(n));
    auto t = Clock::now();
    {
        SQLite::Database db((folder / "store.db").string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA journal_mode = WAL");
        SQLite::Transaction tx(db);
        SQLite::Statement q(db, "INSERT INTO firearm_record(uid, owner_agency, status, serial, serial_normalized, serial_reversed, make, model, caliber, "
                                "type, event_date, shared, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pistol', ?, 1, ?, ?, ?)");
        std::uniform_int_distribution<int> agency(0, 39), status(0, 7), caliber(0, int(calibers.size()) - 1), make(0, 199), day(0, 3000);
        for (long i = 0; i < n; ++i) {
            serials.push_back(serialOf(rng));
            const std::string ag = "AG" + std::to_string(agency(rng));
            q.bind(1, ag + "-" + std::to_string(i));
            q.bind(2, ag);
            q.bind(3, records::kFirearmRecordStatuses[std::size_t(status(rng))]);
            q.bind(4, serials.back());
            const std::string normalized = records::normalizeSerial(serials.back());
            q.bind(5, normalized);
            q.bind(6, std::string(normalized.rbegin(), normalized.rend()));
            q.bind(7, "Make " + std::to_string(make(rng)));
            q.bind(8, "Model " + std::to_string(make(rng) % 20));
            q.bind(9, calibers[std::size_t(caliber(rng))].name);
            q.bind(10, "2018-01-01");
            q.bind(11, officer.id);
            q.bind(12, "2026-01-01T00:00:00Z");
            q.bind(13, "2026-01-01T00:00:00Z");
            q.exec();
            q.reset();
        }
        tx.commit();
        db.exec("ANALYZE");
    }
    std::printf("  filled by SQL in %.1f s (%.0f MB on disk)\n", seconds(t), double(fs::file_size(folder / "store.db")) / 1e6);

    auto firearms = store.firearmRecords();
    std::uniform_int_distribution<std::size_t> pick(0, serials.size() - 1);
    // Through the library, as a records officer records one: its own transaction and audit event.
    std::mt19937_64 more(7);
    latency("add a record (library: transaction, audit event)", 500, [&](int) {
        records::FirearmRecordFields f;
        f.status = "stolen";
        f.serial = serialOf(more);
        f.make = "Make 1";
        f.caliber = "9mm";
        firearms.create(officer, f);
        return std::size_t(1);
    });

    SQLite::Database db((folder / "store.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement plain(db, "SELECT id FROM firearm_record WHERE serial_normalized = ?");
    const Latency baseline = latency("baseline: indexed lookup of the normalised serial (SQL)", 2000, [&](int) {
        plain.reset();
        plain.bind(1, records::normalizeSerial(serials[pick(rng)]));
        std::size_t k = 0;
        while (plain.executeStep()) ++k;
        return k;
    });
    auto search = [&](const std::string& serial, bool prefix) {
        records::FirearmSearch s;
        s.serial = serial;
        s.serialPrefix = prefix;
        return firearms.search(officer, s).size();
    };
    auto varied = [&](std::string s) {  // as another agency might write it: lower case, dashes and spaces moved
        for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '-') continue;
            out += s[i];
            if (i == 2) out += ' ';
        }
        return out;
    };
    const Latency exact = latency("exact serial, written differently", 2000, [&](int) { return search(varied(serials[pick(rng)]), false); });
    latency("exact serial that no record has", 2000, [&](int) { return search("QQ" + std::to_string(pick(rng)) + "Z", false); });
    latency("partial: both ends unknown (*23?4*, a scan)", 20, [&](int) {
        const std::string s = records::normalizeSerial(serials[pick(rng)]);
        std::string pattern(1, '*');  // appended, not "literal" + temporary: GCC 12 -O3 warns falsely (-Wrestrict) on that
        pattern.append(s, s.size() - 5, 2).append(1, '?').append(s, s.size() - 2, 1).append(1, '*');
        return search(pattern, false);
    });
    latency("prefix, first 4 characters", 2000, [&](int) { return search(serials[pick(rng)].substr(0, 4), true); });
    latency("partial: known start, one unreadable (AB1?345*)", 500, [&](int) {
        std::string s = records::normalizeSerial(serials[pick(rng)]);
        s[3] = '?';
        return search(s.substr(0, 6) + "*", false);
    });
    const Latency suffix = latency("partial: start obliterated (*2345)", 500, [&](int) {
        const std::string s = records::normalizeSerial(serials[pick(rng)]);
        std::string pattern(1, '*');
        pattern.append(s, s.size() - 5, 5);
        return search(pattern, false);
    });
    std::printf("  ratios against the baseline (p50): exact %.1f×, start obliterated %.0f×\n", exact.p50 / baseline.p50, suffix.p50 / baseline.p50);

    // The seizure check: a seized firearm's serial (exact, or partial) against the records, the check and notifications written.
    records::FirearmRecordFields seized;
    seized.status = "seized";
    latency("seizure check, exact serial (check and notification kept)", 300, [&](int) {
        seized.serial = varied(serials[pick(rng)]);
        return firearms.checkSeizure(officer, seized).matches.size();
    });
    latency("seizure check, partial serial (last character unreadable)", 300, [&](int) {
        const std::string s = records::normalizeSerial(serials[pick(rng)]);
        seized.serial = s.substr(0, s.size() - 1) + "?";
        return firearms.checkSeizure(officer, seized).matches.size();
    });

    // The firearms reference table at IFRT's size: 250,000 made-up references imported from CSV, then searched.
    const long references = std::min(n, 250000L);
    static const char* syllables[] = {"ka", "ro", "vel", "tor", "mi", "sa", "bren", "dal", "ex", "um", "gri", "pho", "lan", "zet",
                                      "qua", "nor", "fi", "bel", "tra", "os", "ven", "cal", "dri", "mu"};
    std::uniform_int_distribution<int> syllable(0, 23), words(2, 3), number(1, 999);
    std::vector<std::string> makes;
    for (int m = 0; m < 4000; ++m) {
        std::string make;
        for (int k = words(rng); k > 0; --k) make += syllables[syllable(rng)];
        make[0] = char(std::toupper(static_cast<unsigned char>(make[0])));
        makes.push_back(make + (m % 3 == 0 ? " Arms" : m % 3 == 1 ? " Works" : ""));
    }
    std::string csv = "make,model,type,calibers,country,maker_codes\r\n";
    for (long i = 0; i < references; ++i) {
        const std::string& make = makes[std::size_t(i) % makes.size()];
        csv += make + ",M" + std::to_string(i / long(makes.size())) + "-" + std::to_string(number(rng)) + ",pistol," +
               calibers[std::size_t(i) % calibers.size()].name + ",DE," + make.substr(0, 3) + std::to_string(i % 7) + "\r\n";
    }
    const auto admin2 = store.authenticate("admin", "admin-password");
    t = Clock::now();
    const auto imported = store.referenceTable().importCsv(admin2, csv);
    std::printf("  reference table: %d references imported from CSV in %.1f s (%zu refused)\n", imported.added, seconds(t), imported.rejected.size());
    auto table = store.referenceTable();
    t = Clock::now();
    table.search("warm", "", true);
    std::printf("  reference table: search index built in %.2f s (first search after a change)\n", seconds(t));
    std::uniform_int_distribution<std::size_t> pickMake(0, makes.size() - 1);
    latency("reference table: make prefix (4 letters)", 500, [&](int) { return table.search(makes[pickMake(rng)].substr(0, 4), "", false).size(); });
    latency("reference table: any field, prefix then fuzzy", 500, [&](int) { return table.search(makes[pickMake(rng)].substr(0, 6), "", true).size(); });
    latency("reference table: a make with two letters swapped (fuzzy)", 500, [&](int) {
        std::string typo = makes[pickMake(rng)];
        std::swap(typo[2], typo[3]);
        return table.search(typo, "make", true).size();
    });
    fs::remove_all(folder);
    return 0;
}
