#include "striae/records/SerialNumber.h"

#include "StoreImpl.h"

namespace striae::records {

namespace {

bool separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '_'; }

// Upper case and the look-alike letters, without dropping leading zeros; wildcards kept when allowed.
std::string canonical(const std::string& text, bool wildcards) {
    std::string out;
    for (const char raw : text) {
        const unsigned char c = static_cast<unsigned char>(raw);
        if (separator(raw)) continue;
        if (wildcards && (raw == '*' || raw == '?')) {
            if (raw == '*' && !out.empty() && out.back() == '*') continue;  // ** is *
            out += raw;
            continue;
        }
        if (c >= 'a' && c <= 'z') out += char(c - 'a' + 'A');
        else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += raw;
        else {
            // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string temporaries here.
            std::string shown = c < 0x20 || c >= 0x7f ? std::string("byte ") : std::string(1, '\'');
            if (c < 0x20 || c >= 0x7f) shown += std::to_string(int(c));
            else (shown += raw) += '\'';
            fail(RecordsError::Kind::InvalidInput, "serial number '" + (c < 0x20 || c >= 0x7f ? std::string("…") : text.substr(0, 60)) +
                                                       "': " + shown + " is not a letter, a digit or a separator" +
                                                       (wildcards ? "" : " (wildcards * and ? are for searches)"));
        }
    }
    for (char& c : out) {
        if (c == 'O') c = '0';
        if (c == 'I') c = '1';
    }
    if (out.size() > 40) fail(RecordsError::Kind::InvalidInput, "serial number '" + text.substr(0, 60) + "…' is longer than 40 characters");
    return out;
}

std::string dropLeadingZeros(const std::string& s) {
    std::size_t i = 0;
    while (i + 1 < s.size() && s[i] == '0' && s[i + 1] != '*' && s[i + 1] != '?') ++i;
    // A lone "0" (or zeros up to a wildcard) keeps one zero only when nothing follows it.
    if (i < s.size() && s[i] == '0' && i + 1 < s.size()) ++i;
    return s.substr(i);
}

}  // namespace

std::string normalizeSerial(const std::string& serial) {
    const std::string c = canonical(serial, false);
    if (c.empty()) fail(RecordsError::Kind::InvalidInput, "serial number '" + serial.substr(0, 60) + "' has no letter or digit");
    std::size_t i = 0;
    while (i + 1 < c.size() && c[i] == '0') ++i;
    return c.substr(i);
}

SerialQuery parseSerialQuery(const std::string& text, bool prefix) {
    SerialQuery q;
    const std::string c = canonical(text, true);
    if (c.find_first_of("*?") == std::string::npos) {
        q.normalized = normalizeSerial(text);
        q.mode = prefix ? SerialQuery::Mode::Prefix : SerialQuery::Mode::Exact;
        q.globs = {prefix ? q.normalized + "*" : q.normalized};
        return q;
    }
    bool literal = false;
    for (char ch : c) literal = literal || (ch != '*' && ch != '?');
    if (!literal) fail(RecordsError::Kind::InvalidInput, "serial pattern '" + text.substr(0, 60) + "' has no letter or digit to search by");
    q.mode = SerialQuery::Mode::Pattern;
    std::string pattern = dropLeadingZeros(c);
    if (prefix && pattern.back() != '*') pattern += '*';
    q.globs.push_back(pattern);
    // Leading '?' may have been zeros that the stored serial lost.
    while (!pattern.empty() && pattern.front() == '?') {
        pattern.erase(0, 1);
        if (!pattern.empty() && pattern != "*") q.globs.push_back(pattern);
    }
    return q;
}

}  // namespace striae::records
