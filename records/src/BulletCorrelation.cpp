// Bullets in the local store: a bullet's lands as numbered signatures, and a
// bullet correlated against the store's other bullets, kept as a correlation
// run on its first land so the review workflow (lead → conclusion → blind
// verification → approval) is the one of cartridge cases.
#include <algorithm>

#include <Poco/JSON/Object.h>

#include <sstream>

#include "ParallelWork.h"
#include "StoreImpl.h"
#include "striae/imaging/LandSignature.h"
#include "striae/matching/BulletJson.h"

namespace striae::records {

std::vector<Acquisition> Store::landsOfBullet(Id itemId) const {
    auto lands = acquisitionsOfItem(itemId);
    std::erase_if(lands, [](const Acquisition& a) { return a.region != "land" || a.processedSha256.empty(); });
    std::stable_sort(lands.begin(), lands.end(), [](const Acquisition& x, const Acquisition& y) { return x.land.value_or(0) < y.land.value_or(0); });
    return lands;
}

matching::BulletLands Store::bulletLands(Id itemId, std::vector<imaging::Surface>* scansOut) const {
    const auto lands = landsOfBullet(itemId);
    if (lands.size() < 2)
        fail(RecordsError::Kind::InvalidInput, "item " + std::to_string(itemId) + " has " + std::to_string(lands.size()) +
                                                   " processed land scan(s); a bullet comparison needs the lands of a bullet");
    std::vector<imaging::Surface> scans;
    for (const auto& a : lands) scans.push_back(readScan(a.processedSha256).surface);
    imaging::LandOptions options;
    options.striae = imaging::bulletStriaeDirection(scans);  // throws when the bullet's direction is ambiguous
    matching::BulletLands out;
    out.rifling = item(itemId).lands.value_or(0);
    const bool numbered = std::all_of(lands.begin(), lands.end(), [](const Acquisition& a) { return a.land.has_value(); });
    for (std::size_t i = 0; i < lands.size(); ++i) {
        const int number = numbered ? *lands[i].land : int(i) + 1;
        out.lands.push_back({number, imaging::extractLandSignature(scans[i], options)});
        // Appended, not "L" + to_string(...): GCC 12 at -O3 warns falsely on that form (-Werror=restrict).
        std::string label = "L";
        label += std::to_string(number);
        out.lands.back().signature.label = std::move(label);
    }
    if (scansOut) *scansOut = std::move(scans);
    return out;
}

CorrelationRun Store::correlateBullet(const User& actor, Id landAcquisitionId, int threads, const std::function<bool(int, int)>& progress) {
    requireRole(actor, Role::Technician, "run correlations");
    const Acquisition named = acquisition(landAcquisitionId);
    if (named.region != "land")
        fail(RecordsError::Kind::InvalidInput, "acquisition " + std::to_string(landAcquisitionId) + " is a " + named.region + " scan, not a bullet's land");
    const Item queryItem = item(named.itemId);
    const matching::BulletLands query = bulletLands(queryItem.id);  // refuses a bullet of fewer than two lands
    const Id key = landsOfBullet(queryItem.id).front().id;

    // The scope: other bullets of the same caliber with at least two processed lands.
    struct Other {
        Id itemId = 0, keyAcquisition = 0;
        std::optional<matching::BulletComparison> result;  // none: nothing lines up (another rifling)
    };
    std::vector<Other> others;
    {
        SQLite::Statement q(impl_->db, "SELECT i.id FROM item i JOIN acquisition a ON a.item_id = i.id "
                                       "WHERE i.kind = 'bullet' AND i.id <> ? AND i.caliber = ? AND a.region = 'land' "
                                       "AND a.processed_sha256 <> '' GROUP BY i.id HAVING count(*) >= 2 ORDER BY i.id");
        q.bind(1, queryItem.id);
        q.bind(2, queryItem.caliber);
        while (q.executeStep()) others.push_back({q.getColumn(0).getInt64(), 0, std::nullopt});
    }
    const std::string startedAt = nowUtc();
    forEachInParallel(
        int(others.size()), threads,
        [&](int i) {
            Other& o = others[std::size_t(i)];
            o.keyAcquisition = landsOfBullet(o.itemId).front().id;
            matching::BulletLands theirs = bulletLands(o.itemId);
            matching::BulletLands mine = query;
            // A rifling known on one side only is taken for both; two known and different is a class difference.
            if (mine.rifling == 0 || theirs.rifling == 0) mine.rifling = theirs.rifling = std::max(mine.rifling, theirs.rifling);
            if (mine.rifling != theirs.rifling) return;
            try {
                o.result = matching::compareBullets(mine, theirs);
            } catch (const std::invalid_argument&) {
                // no land pair lines up (numbers beyond the other's rifling): not comparable
            }
        },
        [&](int i) { return "bullet item " + std::to_string(others[std::size_t(i)].itemId); }, progress, "bullet correlation");

    std::vector<CandidateInput> found;
    for (const auto& o : others)
        if (o.result) found.push_back({o.keyAcquisition, o.result->score, o.result->cmpsMean, matching::bulletSummaryJson(*o.result)});
    Poco::JSON::Object parameters(Poco::JSON_PRESERVE_KEY_ORDER);
    parameters.set("method", "bullet");
    parameters.set("score", "mean CCF of the land pairs on the best phase");
    parameters.set("rifling", query.rifling);
    parameters.set("landsScanned", int(query.lands.size()));
    std::ostringstream json;
    parameters.stringify(json);
    return recordCorrelationRun(actor, key, "local", json.str(), startedAt, std::move(found));
}

}  // namespace striae::records
