#pragma once
// A list as rows of named columns, printed as CSV (RFC 4180, CRLF), with the
// same column names as the command's --json fields.
#include <ostream>
#include <string>
#include <vector>

namespace striae::cli {

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    // One CSV field. Quoted when it holds a comma, quote or line break; a field
    // a spreadsheet would run as a formula (= + - @ first, or a tab or CR) is
    // prefixed with ' — notes and case numbers come from users.
    static std::string csvField(std::string v) {
        if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
            bool number = v.size() > 1 && (v[0] == '-' || v[0] == '+');
            for (std::size_t i = 1; number && i < v.size(); ++i) number = (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == 'e';
            if (!number) v = "'" + v;
        }
        if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
        std::string q = "\"";
        for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    }

    void printCsv(std::ostream& out) const {
        auto line = [&](const std::vector<std::string>& cells) {
            for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csvField(cells[i]);
            out << "\r\n";
        };
        line(columns);
        for (const auto& r : rows) line(r);
    }
};

}  // namespace striae::cli
