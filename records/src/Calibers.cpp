#include "striae/records/Calibers.h"

#include <algorithm>
#include <sstream>

#include "StoreImpl.h"
#include "striae/records/FirearmRules.h"

namespace striae::records {

namespace {

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

std::optional<std::string> Calibers::resolve(const std::string& written) const { return resolveCaliber(all(), written); }

std::vector<std::string> Calibers::suggest(const std::string& written) const { return suggestCalibers(all(), written); }

}  // namespace striae::records
