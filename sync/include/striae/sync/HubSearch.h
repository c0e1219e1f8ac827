#pragma once
// The hub's first stage (docs/search.md): every breech face's search
// signature, computed once when its correlation job first runs (or when the
// hub first needs it) and kept in the hub database (search_signature, base64
// of the float signature: portable TEXT on SQLite and PostgreSQL), and an
// index over them journaled in <data>/search.index, reconciled with the table
// on open (so a missing or damaged journal is rebuilt from the database, not
// from the scans). Partition: caliber, item type and region.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"
#include "striae/matching/SearchIndex.h"
#include "striae/matching/SearchSignature.h"
#include "striae/sync/HubTypes.h"

namespace striae::sync {

class HubDatabase;

class HubSearch {
public:
    HubSearch(HubDatabase& db, const std::string& journalPath);

    static std::string partition(const AcquisitionMetadata& m);

    // The acquisition's signature: the stored one, else computed from
    // `surface()` and stored and indexed. std::nullopt when the surface cannot
    // be described (too little of it): such a holding is always compared.
    std::optional<matching::SearchSignature> signatureOf(const HubAcquisition& a, const std::function<imaging::Surface()>& surface);

    // The `keep` holdings most similar to `query` (ids, most similar first)
    // among `holdings`; those without a signature yet get one first.
    // `unranked` receives the holdings that cannot have one.
    std::vector<matching::SearchHit> shortlist(const matching::SearchSignature& query, const std::string& partition,
                                               const std::vector<HubAcquisition>& holdings, std::size_t keep,
                                               const std::function<imaging::Surface(const HubAcquisition&)>& surfaceOf,
                                               std::vector<std::string>& unranked);

    std::size_t indexed() const { return index_->size(); }
    const std::string& openNote() const { return index_->openNote(); }

    // The signature kept for `id`, if any (the second stage's rotations come from it).
    std::optional<matching::SearchSignature> stored(const std::string& id);

private:
    HubDatabase& db_;
    std::mutex writeMutex_;
    std::unique_ptr<matching::SearchIndex> index_;
};

}  // namespace striae::sync
