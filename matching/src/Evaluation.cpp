#include "striae/matching/Evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace striae::matching {

double rocAuc(const std::vector<double>& km, const std::vector<double>& knm) {
    if (km.empty() || knm.empty()) return std::numeric_limits<double>::quiet_NaN();
    // Rank-sum form: sort all, average ranks of ties.
    std::vector<std::pair<double, int>> all;
    for (double v : km) all.emplace_back(v, 1);
    for (double v : knm) all.emplace_back(v, 0);
    std::sort(all.begin(), all.end());
    double rankSumKm = 0;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t j = i;
        while (j < all.size() && all[j].first == all[i].first) ++j;
        const double rank = (double(i + 1) + double(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            if (all[k].second) rankSumKm += rank;
        i = j;
    }
    const double n1 = double(km.size()), n0 = double(knm.size());
    return (rankSumKm - n1 * (n1 + 1) / 2) / (n1 * n0);
}

namespace {
std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && v[order[j]] == v[order[i]]) ++j;
        const double rank = (double(i + 1) + double(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k) r[order[k]] = rank;
        i = j;
    }
    return r;
}
}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size() || a.size() < 2) return std::numeric_limits<double>::quiet_NaN();
    const auto ra = ranks(a), rb = ranks(b);
    const double n = double(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::numeric_limits<double>::quiet_NaN();
}

Summary summarize(std::vector<double> v) {
    Summary s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    return s;
}

namespace {

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(field);
    for (auto& f : fields) {
        const auto b = f.find_first_not_of(" \t"), e = f.find_last_not_of(" \t");
        f = b == std::string::npos ? std::string() : f.substr(b, e - b + 1);
    }
    return fields;
}

}  // namespace

TruthTable readTruthTable(const std::string& path, const std::string& referenceColumn) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open the truth table");
    TruthTable table;
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error(path + ": empty truth table");
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    table.columns = splitCsv(line);
    if (table.columns.size() < 3) throw std::runtime_error(path + ": needs columns reference, compared, KM/KNM");
    int refIndex = -1;
    if (!referenceColumn.empty()) {
        const auto it = std::find(table.columns.begin(), table.columns.end(), referenceColumn);
        if (it == table.columns.end()) throw std::runtime_error(path + ": no column named '" + referenceColumn + "'");
        refIndex = int(it - table.columns.begin());
    } else if (table.columns.size() > 3) {
        refIndex = int(table.columns.size()) - 1;
    }
    if (refIndex >= 0) table.referenceColumn = table.columns[refIndex];
    int lineNo = 1;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const auto f = splitCsv(line);
        if (f.size() < 3) throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": fewer than 3 fields");
        TruthPair pair;
        pair.reference = f[0];
        pair.compared = f[1];
        std::string label = f[2];
        std::transform(label.begin(), label.end(), label.begin(), ::toupper);
        if (label == "KM" || label == "MATCH" || label == "1") pair.knownMatch = true;
        else if (label == "KNM" || label == "NONMATCH" || label == "0") pair.knownMatch = false;
        else throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": '" + f[2] + "' is neither KM nor KNM");
        if (refIndex >= 0 && refIndex < int(f.size()) && !f[refIndex].empty()) {
            double v = 0;
            const auto [end, ec] = std::from_chars(f[refIndex].data(), f[refIndex].data() + f[refIndex].size(), v);
            if (ec != std::errc() || end != f[refIndex].data() + f[refIndex].size())
                throw std::runtime_error(path + ":" + std::to_string(lineNo) + ": '" + f[refIndex] + "' is not a number");
            pair.referenceScore = v;
        }
        table.pairs.push_back(std::move(pair));
    }
    return table;
}

}  // namespace striae::matching
