#pragma once
// The two commands of files kept with something (a record's photographs, a
// trace request's attachments, here or at the hub): `ADD OWNER FILE [--name N]`
// and `LIST OWNER [--get ID --out FILE] [--json|--csv]`. The callbacks do the
// work (the library checks who may); --out is written through a temporary.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace CLI {
class App;
}

namespace striae::cli {

struct KeptFile {
    std::int64_t id = 0;
    std::string name, type, sha256;
    std::int64_t size = 0;
    std::string agency, addedBy, addedAt;
};

struct KeptFileCommands {
    std::string add, list;       // the subcommands' names, e.g. "attach" and "attachments"
    std::string addHelp, listHelp;
    std::string owner;           // what the files are kept with, e.g. "Trace request id"
    std::string what;            // e.g. "attachment"
    std::function<KeptFile(records::Store&, const records::User&, std::int64_t owner, const std::string& file, const std::string& name)> keep;
    std::function<std::vector<KeptFile>(records::Store&, const records::User&, std::int64_t owner)> files;
    // Writes the kept file's bytes to `out` (checked against its SHA-256).
    std::function<void(records::Store&, const records::User&, std::int64_t owner, const KeptFile& file, const std::string& out)> fetch;
};

void addKeptFileCommands(CLI::App& parent, const KeptFileCommands& spec);

// Copies a checked file to `out` through a temporary beside it.
void copyOut(const std::string& from, const std::string& out);

}  // namespace striae::cli
