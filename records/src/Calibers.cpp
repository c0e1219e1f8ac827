#include "striae/records/Calibers.h"

#include <algorithm>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

namespace {

// What makes two writings of a caliber the same: case, spaces, dots and commas.
std::string key(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '.' || c == ',' || c == '-' || c == '_') continue;
        out += char(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, '|');)
        if (!part.empty()) out.push_back(part);
    return out;
}

}  // namespace

std::vector<CaliberReference> Calibers::all() const {
    SQLite::Statement q(impl_.db, "SELECT name, cip_name, aliases, kind, source FROM caliber_reference ORDER BY kind, name");
    std::vector<CaliberReference> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), split(q.getColumn(2).getString()), q.getColumn(3).getString(),
                       q.getColumn(4).getString()});
    return out;
}

std::optional<std::string> Calibers::resolve(const std::string& written) const {
    const std::string wanted = key(written);
    if (wanted.empty()) return std::nullopt;
    for (const auto& c : all()) {
        if (key(c.name) == wanted || (!c.cipName.empty() && key(c.cipName) == wanted)) return c.name;
        for (const auto& alias : c.aliases)
            if (key(alias) == wanted) return c.name;
    }
    return std::nullopt;
}

std::vector<std::string> Calibers::suggest(const std::string& written) const {
    const std::string wanted = key(written);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : all()) {
        std::size_t best = editDistance(wanted, key(c.name));
        if (!c.cipName.empty()) best = std::min(best, editDistance(wanted, key(c.cipName)));
        for (const auto& alias : c.aliases) best = std::min(best, editDistance(wanted, key(alias)));
        if (best <= std::max<std::size_t>(2, wanted.size() / 3)) scored.emplace_back(best, c.name);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (const auto& [distance, name] : scored)
        if (out.size() < 3) out.push_back(name);
    return out;
}

}  // namespace striae::records
