#include "striae/sync/HubSearch.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "striae/sync/HubDatabase.h"

namespace striae::sync {
namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS search_signature(acquisition_id TEXT PRIMARY KEY, method TEXT NOT NULL, rings BIGINT NOT NULL,
  harmonics BIGINT NOT NULL, data TEXT NOT NULL)
)SQL";

std::string encode(const std::vector<float>& values) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(float)));
    encoder.close();
    return out.str();
}

std::vector<float> decode(const std::string& text, std::size_t count) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, Poco::BASE64_NO_PADDING);
    std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    if (bytes.size() != count * sizeof(float)) return {};
    std::vector<float> values(count);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

}  // namespace

HubSearch::HubSearch(HubDatabase& db, const std::string& journalPath) : db_(db) {
    db_.withSchemaLock([&] { db_.executeScript(kSchema); });
    index_ = std::make_unique<matching::SearchIndex>(journalPath);
    // The journal holds exactly the table's current, unwithdrawn signatures.
    const matching::SignatureOptions current;
    std::map<std::string, std::string> wanted;
    for (const auto& r : db_.query("SELECT s.acquisition_id, a.caliber, a.item_type, a.region FROM search_signature s "
                                   "JOIN acquisition a ON a.id = s.acquisition_id WHERE a.withdrawn = 0 AND s.method = ? "
                                   "AND s.rings = ? AND s.harmonics = ?",
                                   {std::string(matching::signatureMethodName(current.method)), std::int64_t(current.rings),
                                    std::int64_t(current.harmonics)})) {
        AcquisitionMetadata m;
        m.caliber = r.text(1), m.itemType = r.text(2), m.region = r.text(3);
        wanted[r.text(0)] = partition(m);
    }
    index_->reconcile(wanted, [&](const std::string& id) { return stored(id); });
}

std::string HubSearch::partition(const AcquisitionMetadata& m) { return m.caliber + "|" + m.itemType + "|" + m.region; }

std::optional<matching::SearchSignature> HubSearch::stored(const std::string& id) {
    const matching::SignatureOptions current;
    const auto rows = db_.query("SELECT method, rings, harmonics, data FROM search_signature WHERE acquisition_id = ?", {id});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows.front();
    // Of another method or shape (an older version): recomputed.
    if (r.text(0) != matching::signatureMethodName(current.method) || r.integer(1) != current.rings || r.integer(2) != current.harmonics)
        return std::nullopt;
    matching::SearchSignature s;
    s.method = current.method, s.rings = current.rings, s.harmonics = current.harmonics;
    s.values = decode(r.text(3), std::size_t(s.rings) * std::size_t(s.harmonics) * 2);
    if (s.values.empty()) return std::nullopt;
    return s;
}

std::optional<matching::SearchSignature> HubSearch::signatureOf(const HubAcquisition& a, const std::function<imaging::Surface()>& surface) {
    if (auto s = stored(a.id)) {
        if (index_->partitionOf(a.id) != partition(a.metadata)) index_->add(partition(a.metadata), a.id, *s);  // new, or its metadata changed
        return s;
    }
    matching::SearchSignature s;
    try {
        s = matching::computeSignature(surface());
    } catch (const std::exception&) {
        return std::nullopt;  // too little surface, or its file gone (withdrawn meanwhile)
    }
    std::lock_guard lock(writeMutex_);  // two jobs may meet the same holding
    db_.execute("DELETE FROM search_signature WHERE acquisition_id = ?", {a.id});
    db_.execute("INSERT INTO search_signature(acquisition_id, method, rings, harmonics, data) VALUES (?, ?, ?, ?, ?)",
                {a.id, std::string(matching::signatureMethodName(s.method)), std::int64_t(s.rings), std::int64_t(s.harmonics),
                 encode(s.values)});
    index_->add(partition(a.metadata), a.id, s);
    return s;
}

std::vector<matching::SearchHit> HubSearch::shortlist(const matching::SearchSignature& query, const std::string& partitionKey,
                                                      const std::vector<HubAcquisition>& holdings, std::size_t keep,
                                                      const std::function<imaging::Surface(const HubAcquisition&)>& surfaceOf,
                                                      std::vector<std::string>& unranked) {
    std::set<std::string> inScope;
    for (const auto& h : holdings) {
        if (index_->partitionOf(h.id) != partitionKey && !signatureOf(h, [&] { return surfaceOf(h); })) {
            unranked.push_back(h.id);
            continue;
        }
        inScope.insert(h.id);
    }
    return index_->search(partitionKey, query, keep, [&](const std::string& id) { return inScope.count(id) != 0; });
}

}  // namespace striae::sync
