#include "ListOutput.h"

#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <iostream>

namespace striae::cli {

void ListFormat::addOptions(CLI::App& cmd) {
    auto* j = cmd.add_flag("--json", json, "Print JSON");
    auto* c = cmd.add_flag("--csv", csv, "Print CSV (RFC 4180; the same fields as --json)");
    j->excludes(c);
}

// A table printed as CSV, as JSON (an array of objects with the same fields) or as aligned text.
void printTable(const Table& t, const ListFormat& format, const std::string& key) {
    if (format.csv) return t.printCsv(std::cout);
    if (format.json) {
        Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
        for (const auto& r : t.rows) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            for (std::size_t i = 0; i < t.columns.size(); ++i) o->set(t.columns[i], r[i]);
            rows->add(o);
        }
        Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
        root.set(key, rows);
        root.stringify(std::cout);
        std::cout << '\n';
        return;
    }
    std::vector<std::size_t> width(t.columns.size());
    for (std::size_t i = 0; i < t.columns.size(); ++i) width[i] = t.columns[i].size();
    for (const auto& r : t.rows)
        for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], std::min<std::size_t>(r[i].size(), 40));
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::string v = cells[i].size() > 40 ? cells[i].substr(0, 39) + "~" : cells[i];
            std::cout << v << std::string(width[i] - v.size() + 2, ' ');
        }
        std::cout << '\n';
    };
    line(t.columns);
    for (const auto& r : t.rows) line(r);
    if (t.rows.empty()) std::cout << "(none)\n";
}

}  // namespace striae::cli
