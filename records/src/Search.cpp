// The search's first stage in the store: each breech face's signature
// (docs/search.md), kept in search_signature (derived from the processed scan,
// recomputed when missing or of another kind; not evidence, so not sealed),
// and the shortlist that decides how many holdings CMC compares.
#include <cmath>
#include <cstring>
#include <sstream>

#include <filesystem>
#include <map>
#include <set>

#include "StoreImpl.h"
#include "striae/matching/SearchSignature.h"

namespace striae::records {

Shortlist Shortlist::parse(const std::string& text) {
    if (text == "all") return all();
    const auto invalid = [&] {
        fail(RecordsError::Kind::InvalidInput, "shortlist '" + text +
                                                   "' is not 'all', a percentage such as '25%' or a count such as '500', "
                                                   "optionally followed by the second stage's count ('35%/200')");
    };
    Shortlist s;
    s.secondStage.reset();
    std::string first = text;
    try {
        std::size_t used = 0;
        if (const auto slash = text.find('/'); slash != std::string::npos) {
            const std::string second = text.substr(slash + 1);
            const int n = std::stoi(second, &used);
            if (used != second.size() || n < 1) invalid();
            s.secondStage = n;
            first = text.substr(0, slash);
        }
        if (!first.empty() && first.back() == '%') {
            const double percent = std::stod(first.substr(0, first.size() - 1), &used);
            if (used != first.size() - 1 || !(percent > 0 && percent <= 100)) invalid();
            s.fraction = percent / 100;
            return s;
        }
        const int count = std::stoi(first, &used);
        if (used != first.size() || count < 1) invalid();
        s.count = count;
        return s;
    } catch (const std::logic_error&) {
        invalid();
    }
    return s;
}

int Shortlist::keep(int holdings) const {
    if (everything) return holdings;
    if (count) return std::min(holdings, *count);
    return std::min(holdings, std::max(minimum, int(std::ceil(fraction * holdings))));
}

int Shortlist::fullyCompared(int shortlisted) const {
    return secondStage && !everything ? std::min(shortlisted, *secondStage) : shortlisted;
}

std::string Shortlist::describe() const {
    if (everything) return "all";
    std::ostringstream out;
    if (count) out << *count;
    else out << fraction * 100 << " % (at least " << minimum << ")";
    if (secondStage) out << ", then " << *secondStage << " by the second stage";
    return out.str();
}

void storeSignature(SQLite::Database& db, Id acquisitionId, const matching::SearchSignature& s) {
    SQLite::Statement q(db, "INSERT OR REPLACE INTO search_signature(acquisition_id, method, rings, harmonics, data) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, acquisitionId);
    q.bind(2, matching::signatureMethodName(s.method));
    q.bind(3, s.rings);
    q.bind(4, s.harmonics);
    q.bind(5, s.values.data(), int(s.bytes()));
    q.exec();
}

std::optional<matching::SearchSignature> loadSignature(SQLite::Database& db, Id acquisitionId) {
    const matching::SignatureOptions current;
    SQLite::Statement q(db, "SELECT method, rings, harmonics, data FROM search_signature WHERE acquisition_id = ?");
    q.bind(1, acquisitionId);
    if (!q.executeStep()) return std::nullopt;
    // Another method or shape (an older version): recomputed by the caller.
    if (q.getColumn(0).getString() != matching::signatureMethodName(current.method) || q.getColumn(1).getInt() != current.rings ||
        q.getColumn(2).getInt() != current.harmonics)
        return std::nullopt;
    matching::SearchSignature s;
    s.method = current.method, s.rings = current.rings, s.harmonics = current.harmonics;
    const SQLite::Column data = q.getColumn(3);
    if (std::size_t(data.getBytes()) != std::size_t(s.rings) * std::size_t(s.harmonics) * 2 * sizeof(float)) return std::nullopt;
    s.values.resize(std::size_t(data.getBytes()) / sizeof(float));
    std::memcpy(s.values.data(), data.getBlob(), std::size_t(data.getBytes()));
    return s;
}

std::set<Id> signedAcquisitions(SQLite::Database& db) {
    const matching::SignatureOptions current;
    SQLite::Statement q(db, "SELECT acquisition_id FROM search_signature WHERE method = ? AND rings = ? AND harmonics = ? AND length(data) = ?");
    q.bind(1, matching::signatureMethodName(current.method));
    q.bind(2, current.rings);
    q.bind(3, current.harmonics);
    q.bind(4, int(std::size_t(current.rings) * std::size_t(current.harmonics) * 2 * sizeof(float)));
    std::set<Id> ids;
    while (q.executeStep()) ids.insert(q.getColumn(0).getInt64());
    return ids;
}

std::string searchPartition(const std::string& caliber, const std::string& region) { return caliber + "|" + region; }

matching::SearchIndex& reconciledSearchIndex(Store::Impl& impl) {
    if (!impl.searchIndex) impl.searchIndex = std::make_unique<matching::SearchIndex>((std::filesystem::path(impl.folder) / "search.index").string());
    std::map<std::string, std::string> wanted;
    {
        const matching::SignatureOptions current;
        SQLite::Statement q(impl.db, "SELECT a.id, i.caliber, a.region FROM search_signature s JOIN acquisition a ON a.id = s.acquisition_id "
                                     "JOIN item i ON i.id = a.item_id WHERE s.method = ? AND s.rings = ? AND s.harmonics = ? "
                                     "AND a.processed_sha256 <> ''");
        q.bind(1, matching::signatureMethodName(current.method));
        q.bind(2, current.rings);
        q.bind(3, current.harmonics);
        while (q.executeStep()) wanted[q.getColumn(0).getString()] = searchPartition(q.getColumn(1).getString(), q.getColumn(2).getString());
    }
    impl.searchIndex->reconcile(wanted, [&](const std::string& id) { return loadSignature(impl.db, std::stoll(id)); });
    return *impl.searchIndex;
}

}  // namespace striae::records
