#pragma once
// The search's index (docs/search.md): one SignatureIndex per partition (the
// caller's key, e.g. caliber, item type and region), kept in memory and
// journaled to a file next to the store or the hub's data. Each addition and
// withdrawal appends one checksummed record; nothing is rebuilt. The journal
// is derived data: its owner reconciles it with the database on open
// (reconcile) and it is rewritten compactly when mostly superseded. A torn
// or damaged tail (a crash mid-write) is cut off on open and said so in
// openNote(); the reconciliation puts back what it lost. Thread-safe: many
// searches at once, one writer.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "striae/matching/SignatureIndex.h"

namespace striae::matching {

struct SearchHit {
    std::string id;
    float similarity = 0;
};

class SearchIndex {
public:
    // An empty path keeps the index in memory only.
    explicit SearchIndex(std::string journalPath = {});
    ~SearchIndex();
    SearchIndex(const SearchIndex&) = delete;
    SearchIndex& operator=(const SearchIndex&) = delete;

    void add(const std::string& partition, const std::string& id, const SearchSignature& signature);
    bool remove(const std::string& id);
    bool contains(const std::string& id) const;
    std::optional<std::string> partitionOf(const std::string& id) const;

    // The `keep` most similar of the partition's holdings that `admit` lets in.
    std::vector<SearchHit> search(const std::string& partition, const SearchSignature& query, std::size_t keep,
                                  const std::function<bool(const std::string&)>& admit = {}) const;

    // Makes the index hold exactly `wanted` (id → partition): the ones it
    // lacks are computed by `signatureOf` (return std::nullopt to leave one
    // out), the ones it has but should not are withdrawn, the ones filed
    // under another partition are moved. Returns how many changed.
    std::size_t reconcile(const std::map<std::string, std::string>& wanted,
                          const std::function<std::optional<SearchSignature>(const std::string& id)>& signatureOf);

    std::size_t size() const;
    std::size_t size(const std::string& partition) const;
    std::size_t bytesPerHolding() const;
    const std::string& openNote() const { return openNote_; }
    const std::string& journalPath() const { return path_; }

private:
    struct Partition;
    void appendRecord(char op, const std::string& partition, const std::string& id, const std::int16_t* values);
    void load();
    void compactLocked();
    void addLocked(const std::string& partition, const std::string& id, const std::int16_t* values, bool journal);
    bool removeLocked(const std::string& id, bool journal);

    std::string path_, openNote_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::unique_ptr<Partition>> partitions_;
    std::unordered_map<std::string, std::pair<std::string, std::int64_t>> where_;  // id → (partition, handle)
    std::unordered_map<std::int64_t, std::string> names_;                          // handle → id
    std::int64_t nextHandle_ = 1;
    std::size_t journalRecords_ = 0;
    std::FILE* journal_ = nullptr;
};

}  // namespace striae::matching
