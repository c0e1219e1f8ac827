// Checks on what users type, so that the store holds only what can be shown
// and compared safely: no terminal escapes, no invisible trailing spaces in
// case numbers, no dates that do not exist.
#include <cctype>
#include <cstdio>

#include "StoreImpl.h"

namespace striae::records {

namespace {
void invalid(const std::string& message) { fail(RecordsError::Kind::InvalidInput, message); }

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int digits(const std::string& s, std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}
}  // namespace

void validateUsername(const std::string& u) {
    bool ok = !u.empty() && u.size() <= 64 && std::isalnum(static_cast<unsigned char>(u[0]));
    for (char ch : u) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-');
    if (!ok)
        invalid("user name '" + u.substr(0, 64) + "' is not allowed: 1-64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit");
}

void validateText(const std::string& field, const std::string& value, bool multiline, std::size_t maxLength) {
    if (value.size() > maxLength) invalid(field + " is " + std::to_string(value.size()) + " bytes long; at most " + std::to_string(maxLength));
    for (unsigned char ch : value) {
        if (ch == 0x7f || (ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t'))))
            invalid(field + " holds a control character (code " + std::to_string(int(ch)) + ")" +
                    (multiline ? "; only line breaks and tabs are allowed" : "; it must be one line of text"));
    }
}

void validateIdentifier(const std::string& field, const std::string& value) {
    if (value.empty()) invalid(field + " is empty");
    validateText(field, value, false, 64);
    if (std::isspace(static_cast<unsigned char>(value.front())) || std::isspace(static_cast<unsigned char>(value.back())))
        invalid(field + " '" + value + "' begins or ends with a space");
}

void validateDate(const std::string& field, const std::string& v) {
    if (v.empty()) return;
    auto bad = [&](const std::string& why) {
        invalid(field + " '" + v.substr(0, 40) + "' " + why + " (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])");
    };
    const int y = digits(v, 0, 4), m = digits(v, 5, 2), d = digits(v, 8, 2);
    if (v.size() < 10 || y < 0 || m < 0 || d < 0 || v[4] != '-' || v[7] != '-') bad("is not a date");
    if (y < 1900 || y > 2200) bad("has an implausible year");
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) bad("has no month " + std::to_string(m));
    if (d < 1 || d > days[m - 1] + (m == 2 && isLeap(y) ? 1 : 0)) bad("has no day " + std::to_string(d) + " in that month");
    if (v.size() == 10) return;
    std::string rest = v.substr(10);
    if (rest.back() == 'Z') rest.pop_back();
    const int h = digits(rest, 1, 2), mi = digits(rest, 4, 2);
    if ((rest.size() != 6 && rest.size() != 9) || rest[0] != 'T' || rest[3] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59) bad("has no valid time");
    if (rest.size() == 9) {
        const int sec = digits(rest, 7, 2);
        if (rest[6] != ':' || sec < 0 || sec > 60) bad("has no valid seconds");
    }
}

}  // namespace striae::records
