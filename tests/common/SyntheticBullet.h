#pragma once
// Synthetic bullets in a store: six land scans each, written as X3P and
// imported with their land numbers. Bullets of one barrel share the barrel's
// striae; `rotation` says which barrel land the bullet's land 1 carries (how
// the bullet sat in the barrel), so land l of a bullet of rotation k carries
// barrel land (l - 1 + k) mod 6.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "SyntheticLand.h"
#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"

namespace striae::test {

struct SyntheticBulletOptions {
    unsigned barrel = 40;       // seeds the barrel's land striae
    int rotation = 0;
    unsigned noiseSeed = 1;     // each bullet's own noise
    int lands = 6;              // how many lands are scanned (1 ... lands)
    std::optional<int> rifling = 6;
};

// Writes the land scans under `folder` and imports them as a new bullet item
// `label` of case `caseNumber` (which must exist); returns the item.
inline records::Item addSyntheticBullet(records::Store& store, const records::User& tech, const std::string& caseNumber,
                                        const std::string& label, const std::filesystem::path& folder, const SyntheticBulletOptions& b,
                                        const std::string& caliber = "9mm") {
    records::Item item;
    item.label = label;
    item.kind = "bullet";
    item.origin = "crime_scene";
    item.caliber = caliber;
    item.lands = b.rifling;
    const auto stored = store.addItem(tech, caseNumber, item);
    std::filesystem::create_directories(folder);
    records::ImportOptions io;
    io.region = "land";
    io.preprocess = false;
    for (int l = 0; l < b.lands; ++l) {
        SyntheticLandOptions o;
        o.cols = 500;
        o.rows = 120;
        o.grooveLeftUm = 100;
        o.grooveRightUm = 900;
        o.seed = b.noiseSeed * 100 + unsigned(l);
        const auto file = folder / (caseNumber + "-" + label + "-L" + std::to_string(l + 1) + ".x3p");
        imaging::writeX3p(syntheticLand(o, randomStriae(b.barrel + unsigned((l + b.rotation) % 6))), file.string());
        io.land = l + 1;
        store.importScan(tech, stored.id, file.string(), io);
    }
    return stored;
}

}  // namespace striae::test
