#include "HistoryCodec.h"

#include <cctype>
#include <sstream>

namespace striae::imaging {
namespace {

const std::string kMarker = "[striae processing history]";

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '%' || c == ';' || c == '=' || c == '\n' || c == '\r') {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[(unsigned char)c >> 4];
            out += hex[(unsigned char)c & 15];
        } else {
            out += c;
        }
    }
    return out;
}

std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit((unsigned char)s[i + 1]) && std::isxdigit((unsigned char)s[i + 2])) {
            out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::string encodeHistory(const std::string& comment, const std::vector<ProcessingStep>& history) {
    if (history.empty()) return comment;
    std::string out = comment;
    if (!out.empty()) out += '\n';
    out += kMarker;
    for (const auto& step : history) {
        out += '\n' + escape(step.name);
        for (const auto& [key, value] : step.parameters) out += "; " + escape(key) + "=" + escape(value);
    }
    return out;
}

DecodedComment decodeHistory(const std::string& text) {
    DecodedComment out;
    const auto at = text.find(kMarker);
    if (at == std::string::npos) {
        out.comment = text;
        return out;
    }
    out.comment = trim(text.substr(0, at));
    while (!out.comment.empty() && (out.comment.back() == '\n' || out.comment.back() == '\r')) out.comment.pop_back();
    std::istringstream lines(text.substr(at + kMarker.size()));
    std::string line;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (line.empty()) continue;
        ProcessingStep step;
        std::istringstream parts(line);
        std::string part;
        bool first = true;
        while (std::getline(parts, part, ';')) {
            part = trim(part);
            if (first) {
                step.name = unescape(part);
                first = false;
                continue;
            }
            const auto eq = part.find('=');
            if (eq == std::string::npos) continue;
            step.parameters.emplace_back(unescape(part.substr(0, eq)), unescape(part.substr(eq + 1)));
        }
        out.history.push_back(std::move(step));
    }
    return out;
}

}  // namespace striae::imaging
