#pragma once
// How a command prints a list: aligned text (default), --json (an array of
// objects under one key) or --csv (RFC 4180, the same fields as the JSON).
#include <string>

#include "Table.h"

namespace CLI {
class App;
}

namespace striae::cli {

struct ListFormat {
    bool json = false, csv = false;
    void addOptions(CLI::App& cmd);
};

void printTable(const Table& t, const ListFormat& format, const std::string& key);

}  // namespace striae::cli
