#pragma once
// The firearms reference table (as INTERPOL's IFRT): make, model, type,
// calibers, country of manufacture, action, barrel length, markings, the
// serial-number format, maker codes and images. Striae ships none of it (a
// lab or a network loads its own); it is imported from CSV or JSON with each
// row validated — the good rows go in, each bad one is reported with its
// reason — versioned (every import that changes it is a new version), exported
// again, and searched by any field with prefix and fuzzy matching (docs/firearms.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct FirearmReference {
    Id id = 0;
    std::string make, model, type;        // type: one of kFirearmTypes
    std::vector<std::string> calibers;    // listed caliber names (Calibers.h)
    std::string country, action;          // country: ISO 3166 alpha-2
    std::optional<double> barrelLengthMm;
    std::string markings, serialFormat;
    std::vector<std::string> makerCodes, images;  // images: file names, as the table's source names them
    int version = 0;                      // the table's version when this row last changed
};

struct ReferenceImport {
    int version = 0;  // the table's version after the import
    int added = 0, updated = 0, unchanged = 0;
    struct Rejected {
        int row = 0;  // 1-based data row (CSV: the line after the header; JSON: the array index + 1)
        std::string reason;
    };
    std::vector<Rejected> rejected;
};

struct ReferenceMatch {
    FirearmReference reference;
    std::string field;  // where it matched: make, model, maker_codes, markings, country, caliber, type
    bool fuzzy = false; // by similarity rather than by prefix
    double similarity = 1;  // 1 for a prefix match; otherwise the trigram similarity of the closest field
};

class ReferenceTable {
public:
    explicit ReferenceTable(Store::Impl& impl) : impl_(impl) {}
    // Administrators and records officers. Rows are matched by (make, model),
    // any case: a known one is updated. Audited (what changed, the counts).
    ReferenceImport importCsv(const User& actor, const std::string& csv);
    ReferenceImport importJson(const User& actor, const std::string& json);
    // The table as a hub distributes it (its JSON export, version `hubVersion` at the hub): taken in by
    // `striae sync pull` for whoever syncs (any active user), with the same checks and audited as the hub's.
    ReferenceImport importFromHub(const User& actor, const std::string& json, std::int64_t hubVersion);
    std::string exportCsv() const;   // the import's columns; lists joined by '|'
    std::string exportJson() const;  // {"format": "striae-firearm-reference/1", "version": N, "references": [...]}
    int version() const;
    std::size_t size() const;
    // Prefix matches first (make, model, maker code, markings; or the one field
    // named), then, when `fuzzy`, the closest by trigram similarity (typos,
    // missing or swapped letters). At most `limit`.
    std::vector<ReferenceMatch> search(const std::string& text, const std::string& field = {}, bool fuzzy = true, int limit = 20) const;

private:
    Store::Impl& impl_;
    ReferenceImport importRows(const User& actor, const std::vector<std::vector<std::pair<std::string, std::string>>>& rows,
                               const std::string& source, bool distributed = false);
    std::vector<std::vector<std::pair<std::string, std::string>>> jsonRows(const std::string& json) const;
};

}  // namespace striae::records
