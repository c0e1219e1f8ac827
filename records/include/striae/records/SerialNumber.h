#pragma once
// Serial numbers as investigators search them: the same serial is written
// with and without spaces or dashes, in either case, with O for 0 and I for 1,
// with or without leading zeros; partial serials (obliterated digits) are
// searched with wildcards. Normalising both the stored serial and the query
// the same way makes all these one key (docs/firearms.md).
#include <string>
#include <vector>

namespace striae::records {

// Upper case, separators (space, '-', '.', '/', '_') dropped, O → 0 and I → 1,
// leading zeros dropped ("0" stays). Throws RecordsError(InvalidInput) naming
// the character for anything but letters, digits and separators, and for a
// serial with no letter or digit or longer than 40 after normalising.
std::string normalizeSerial(const std::string& serial);

// A serial query: exact, a prefix, or a pattern with '*' (any run of
// characters) and '?' (exactly one), each as SQLite GLOB patterns over the
// normalised serial. A leading '?' may stand for a leading zero that
// normalising dropped, so a pattern starting with k '?' also matches with
// fewer of them.
struct SerialQuery {
    enum class Mode { Exact, Prefix, Pattern };
    Mode mode = Mode::Exact;
    std::string normalized;          // Exact and Prefix: the normalised text
    std::vector<std::string> globs;  // every mode: the GLOB patterns to match (any of them)
};
// `prefix` makes a query without wildcards a prefix query. Throws like normalizeSerial.
SerialQuery parseSerialQuery(const std::string& text, bool prefix = false);

}  // namespace striae::records
