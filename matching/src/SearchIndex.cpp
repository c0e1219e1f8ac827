#include "striae/matching/SearchIndex.h"

#include <fcntl.h>
#include <unistd.h>

#include <Poco/Checksum.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace striae::matching {

struct SearchIndex::Partition {
    SignatureIndex index;
};

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'S', 'T', 'R', 'I', 'A', 'E', 'S', 'I'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 24;

// The journal is little-endian as the machine (amd64, arm64); a journal from
// a machine of the other order fails its checksums and is rebuilt.
template <typename T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
bool take(const std::string& in, std::size_t& at, T& v) {
    if (at + sizeof v > in.size()) return false;
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return true;
}

std::string header(int rings, int harmonics) {
    std::string h(kMagic, sizeof kMagic);
    put(h, kVersion);
    put(h, std::uint32_t(rings));
    put(h, std::uint32_t(harmonics));
    put(h, std::uint32_t(0));
    return h;
}

std::uint32_t crc(const std::string& bytes) {
    Poco::Checksum c(Poco::Checksum::TYPE_CRC32);
    c.update(bytes.data(), unsigned(bytes.size()));
    return c.checksum();
}

std::string record(char op, const std::string& partition, const std::string& id, const std::int16_t* values, std::size_t count) {
    std::string payload(1, op);
    put(payload, std::uint16_t(partition.size()));
    payload += partition;
    put(payload, std::uint16_t(id.size()));
    payload += id;
    if (op == 'A') payload.append(reinterpret_cast<const char*>(values), count * sizeof(std::int16_t));
    std::string out;
    put(out, std::uint32_t(payload.size()));
    put(out, crc(payload));
    return out + payload;
}

std::string readAll(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    std::string data;
    char buffer[1 << 16];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) data.append(buffer, n);
    std::fclose(f);
    return data;
}

// The journal is created owner-only (0600), as the store's and the hub's other files.
std::FILE* openOwnerOnly(const std::string& path, bool append) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
    if (fd < 0) return nullptr;
    std::FILE* f = ::fdopen(fd, append ? "ab" : "wb");
    if (!f) ::close(fd);
    return f;
}

}  // namespace

SearchIndex::SearchIndex(std::string journalPath) : path_(std::move(journalPath)) {
    if (!path_.empty()) load();
}

SearchIndex::~SearchIndex() {
    if (journal_) std::fclose(journal_);
}

void SearchIndex::load() {
    const SignatureOptions shape;
    const std::string expected = header(shape.rings, shape.harmonics);
    const std::size_t coefficients = std::size_t(shape.rings) * std::size_t(shape.harmonics) * 2;
    std::error_code ec;
    if (!fs::exists(path_, ec)) {
        openNote_ = "no index file: started empty";
        compactLocked();
        return;
    }
    const std::string data = readAll(path_);
    if (data.size() < kHeaderBytes || data.compare(0, kHeaderBytes, expected) != 0) {
        openNote_ = "index file of another kind or version: started empty";
        compactLocked();
        return;
    }
    std::size_t at = kHeaderBytes, good = at, records = 0;
    for (;;) {
        std::uint32_t length = 0, sum = 0;
        std::size_t p = at;
        if (!take(data, p, length) || !take(data, p, sum) || p + length > data.size()) break;
        const std::string payload = data.substr(p, length);
        if (crc(payload) != sum) break;
        std::size_t q = 0;
        char op = 0;
        std::uint16_t partLength = 0, idLength = 0;
        if (!take(payload, q, op) || !take(payload, q, partLength) || q + partLength > payload.size()) break;
        const std::string partition = payload.substr(q, partLength);
        q += partLength;
        if (!take(payload, q, idLength) || q + idLength > payload.size()) break;
        const std::string id = payload.substr(q, idLength);
        q += idLength;
        if (op == 'A' && payload.size() - q == coefficients * sizeof(std::int16_t)) {
            std::vector<std::int16_t> values(coefficients);
            std::memcpy(values.data(), payload.data() + q, coefficients * sizeof(std::int16_t));
            addLocked(partition, id, values.data(), false);
        } else if (op == 'R' && q == payload.size()) {
            removeLocked(id, false);
        } else {
            break;
        }
        at = good = p + length;
        ++records;
    }
    journalRecords_ = records;
    openNote_ = "loaded " + std::to_string(size()) + " signatures from " + std::to_string(records) + " records";
    if (good != data.size()) {
        openNote_ += "; damaged from byte " + std::to_string(good) + " of " + std::to_string(data.size()) + ": cut there";
        fs::resize_file(path_, good, ec);
        if (ec) throw std::runtime_error("search index " + path_ + ": cannot cut its damaged tail: " + ec.message());
    }
    journal_ = openOwnerOnly(path_, true);
    if (!journal_) throw std::runtime_error("search index " + path_ + ": cannot open for appending: " + std::strerror(errno));
}

// Writes the live entries to a new file and puts it in place of the journal.
void SearchIndex::compactLocked() {
    if (path_.empty()) return;
    const SignatureOptions shape;
    const std::string temporary = path_ + ".tmp";
    std::FILE* f = openOwnerOnly(temporary, false);
    if (!f) throw std::runtime_error("search index " + temporary + ": cannot write: " + std::strerror(errno));
    bool ok = std::fwrite(header(shape.rings, shape.harmonics).data(), 1, kHeaderBytes, f) == kHeaderBytes;
    std::size_t records = 0;
    for (const auto& [name, partition] : partitions_) {
        const SignatureIndex& index = partition->index;
        for (const std::int64_t handle : index.ids()) {
            const std::string r = record('A', name, names_.at(handle), index.quantised(handle), index.coefficients());
            ok = ok && std::fwrite(r.data(), 1, r.size(), f) == r.size();
            ++records;
        }
    }
    ok = (std::fclose(f) == 0) && ok;
    std::error_code ec;
    if (!ok) {
        fs::remove(temporary, ec);
        throw std::runtime_error("search index " + temporary + ": write failed (disk full?)");
    }
    if (journal_) std::fclose(journal_), journal_ = nullptr;
    fs::rename(temporary, path_, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw std::runtime_error("search index " + path_ + ": cannot replace: " + ec.message());
    }
    journal_ = openOwnerOnly(path_, true);
    if (!journal_) throw std::runtime_error("search index " + path_ + ": cannot open for appending: " + std::strerror(errno));
    journalRecords_ = records;
}

void SearchIndex::appendRecord(char op, const std::string& partition, const std::string& id, const std::int16_t* values) {
    if (!journal_) return;
    if (partition.size() > 0xffff || id.size() > 0xffff) throw std::invalid_argument("search index: partition or id too long");
    const std::string r = record(op, partition, id, values, SignatureIndex().coefficients());
    if (std::fwrite(r.data(), 1, r.size(), journal_) != r.size() || std::fflush(journal_) != 0)
        throw std::runtime_error("search index " + path_ + ": write failed (disk full?)");
    ++journalRecords_;
}

void SearchIndex::addLocked(const std::string& partition, const std::string& id, const std::int16_t* values, bool journal) {
    if (journal) appendRecord('A', partition, id, values);  // first: a failed write changes nothing in memory
    if (auto it = where_.find(id); it != where_.end() && it->second.first != partition) removeLocked(id, false);
    auto& slot = partitions_[partition];
    if (!slot) slot = std::make_unique<Partition>();
    auto [it, inserted] = where_.try_emplace(id, partition, 0);
    if (inserted) {
        it->second.second = nextHandle_++;
        names_[it->second.second] = id;
    }
    slot->index.addQuantised(it->second.second, values);
}

bool SearchIndex::removeLocked(const std::string& id, bool journal) {
    const auto it = where_.find(id);
    if (it == where_.end()) return false;
    if (journal) appendRecord('R', it->second.first, id, nullptr);
    const auto part = partitions_.find(it->second.first);
    part->second->index.remove(it->second.second);
    if (part->second->index.size() == 0) partitions_.erase(part);
    names_.erase(it->second.second);
    where_.erase(it);
    return true;
}

void SearchIndex::add(const std::string& partition, const std::string& id, const SearchSignature& signature) {
    SignatureIndex scratch;
    scratch.add(0, signature);  // validates and quantises
    std::unique_lock lock(mutex_);
    addLocked(partition, id, scratch.quantised(0), true);
    if (journalRecords_ > 2 * where_.size() + 1024) compactLocked();
}

bool SearchIndex::remove(const std::string& id) {
    std::unique_lock lock(mutex_);
    const bool removed = removeLocked(id, true);
    if (removed && journalRecords_ > 2 * where_.size() + 1024) compactLocked();
    return removed;
}

std::optional<std::string> SearchIndex::partitionOf(const std::string& id) const {
    std::shared_lock lock(mutex_);
    const auto it = where_.find(id);
    if (it == where_.end()) return std::nullopt;
    return it->second.first;
}

bool SearchIndex::contains(const std::string& id) const {
    std::shared_lock lock(mutex_);
    return where_.count(id) != 0;
}

std::vector<SearchHit> SearchIndex::search(const std::string& partition, const SearchSignature& query, std::size_t keep,
                                           const std::function<bool(const std::string&)>& admit) const {
    std::shared_lock lock(mutex_);
    const auto it = partitions_.find(partition);
    if (it == partitions_.end()) return {};
    std::function<bool(std::int64_t)> byHandle;
    if (admit) byHandle = [&](std::int64_t h) { return admit(names_.at(h)); };
    std::vector<SearchHit> out;
    for (const IndexHit& h : it->second->index.search(query, keep, byHandle)) out.push_back({names_.at(h.id), h.similarity});
    return out;
}

std::size_t SearchIndex::reconcile(const std::map<std::string, std::string>& wanted,
                                   const std::function<std::optional<SearchSignature>(const std::string&)>& signatureOf) {
    std::vector<std::string> stale, missing;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, where] : where_)
            if (!wanted.count(id)) stale.push_back(id);
        for (const auto& [id, partition] : wanted)
            if (auto it = where_.find(id); it == where_.end() || it->second.first != partition) missing.push_back(id);
    }
    std::size_t changed = 0;
    for (const auto& id : stale) changed += remove(id) ? 1 : 0;
    for (const auto& id : missing)
        if (auto s = signatureOf(id)) add(wanted.at(id), id, *s), ++changed;
    return changed;
}

std::size_t SearchIndex::size() const {
    std::shared_lock lock(mutex_);
    return where_.size();
}

std::size_t SearchIndex::size(const std::string& partition) const {
    std::shared_lock lock(mutex_);
    const auto it = partitions_.find(partition);
    return it == partitions_.end() ? 0 : it->second->index.size();
}

std::size_t SearchIndex::bytesPerHolding() const { return SignatureIndex().bytesPerHolding(); }

}  // namespace striae::matching
