#pragma once
// A case store for UI tests: administrator "admin", technician "tina"
// (tech-password), examiner "eve" (exam-password); one case per scan (C1, C2,
// ...) with an item Q1 holding that synthetic scan, imported as processed.
#include <filesystem>
#include <string>
#include <vector>

#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"

namespace striae::test {

inline records::Store makeStoreWithScans(const std::filesystem::path& storePath, const std::filesystem::path& scanDir,
                                         int firearms, int shots, int sizePx, const std::vector<std::string>& scans,
                                         std::vector<records::Id>* acquisitions = nullptr) {
    auto store = records::Store::create(storePath.string(), {0, "A", "Lab", "US"}, "admin", "Ada", "admin-password");
    const auto admin = store.authenticate("admin", "admin-password");
    const auto tech = store.addUser(admin, "A", "tina", "Tina", {records::Role::Technician}, "tech-password");
    store.addUser(admin, "A", "eve", "Eve", {records::Role::Examiner}, "exam-password");
    imaging::SynthOptions o;
    o.firearms = firearms;
    o.shotsPerFirearm = shots;
    o.sizePx = sizePx;
    imaging::writeSyntheticSet(o, scanDir.string());
    records::ImportOptions io;
    io.preprocess = false;
    for (std::size_t i = 0; i < scans.size(); ++i) {
        records::CaseRecord c;
        c.number = "C" + std::to_string(i + 1);
        store.addCase(tech, c);
        records::Item item;
        item.label = "Q1";
        item.kind = "cartridge_case";
        item.origin = "crime_scene";
        const auto stored = store.addItem(tech, c.number, item);
        const auto a = store.importScan(tech, stored.id, (scanDir / scans[i]).string(), io);
        if (acquisitions) acquisitions->push_back(a.id);
    }
    return store;
}

}  // namespace striae::test
