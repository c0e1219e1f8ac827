#pragma once
// The reference list of calibers: a small factual starter set (the common
// cartridges by their SAAMI names, with C.I.P. names where given and the
// usual aliases; docs/firearms.md says where each came from). Firearm records
// and intake pick calibers from it; free text stays possible and is flagged.
#include <optional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct CaliberReference {
    std::string name, cipName;
    std::vector<std::string> aliases;
    std::string kind;    // pistol, rifle, rimfire, shotshell
    std::string source;  // e.g. "SAAMI Z299.3; C.I.P."
};

class Calibers {
public:
    explicit Calibers(Store::Impl& impl) : impl_(impl) {}
    std::vector<CaliberReference> all() const;
    // The listed name of a caliber written as its name, C.I.P. name or an alias
    // (case, spaces and dots do not matter: "9mm luger", "9 MM LUGER", "9x19").
    std::optional<std::string> resolve(const std::string& written) const;
    // Up to three listed names close to what was written (for "did you mean").
    std::vector<std::string> suggest(const std::string& written) const;

private:
    Store::Impl& impl_;
};

}  // namespace striae::records
