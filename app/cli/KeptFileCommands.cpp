#include "KeptFileCommands.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "ListOutput.h"
#include "StoreSession.h"

namespace striae::cli {

void copyOut(const std::string& from, const std::string& out) {
    const std::string temp = out + ".partial";
    std::filesystem::copy_file(from, temp, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(temp, out);
}

void addKeptFileCommands(CLI::App& parent, const KeptFileCommands& spec) {
    {
        struct Options {
            StoreSession session;
            std::int64_t owner = 0;
            std::string file, name;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = parent.add_subcommand(spec.add, spec.addHelp);
        cmd->add_option("owner", o->owner, spec.owner)->required();
        cmd->add_option("file", o->file, "The file")->required();
        cmd->add_option("--name", o->name, "Its name (default: the file's)");
        o->session.addOptions(*cmd);
        cmd->callback([o, spec] {
            auto store = o->session.open();
            const KeptFile f = spec.keep(store, o->session.login(store), o->owner, o->file, o->name);
            std::cout << spec.what << ' ' << f.id << " (" << f.name << (f.type.empty() ? "" : ", ") << f.type << ", " << f.size
                      << " bytes, SHA-256 " << f.sha256 << ") kept\n";
        });
    }
    struct Options {
        StoreSession session;
        std::int64_t owner = 0, fetch = 0;
        std::string out;
        ListFormat format;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = parent.add_subcommand(spec.list, spec.listHelp);
    cmd->add_option("owner", o->owner, spec.owner)->required();
    cmd->add_option("--get", o->fetch, "The one to write out (checked against its SHA-256)");
    cmd->add_option("--out", o->out, "Where to write it");
    o->format.addOptions(*cmd);
    o->session.addOptions(*cmd);
    cmd->callback([o, spec] {
        auto store = o->session.open();
        const auto viewer = o->session.login(store);
        const auto files = spec.files(store, viewer, o->owner);
        if (o->fetch) {
            if (o->out.empty()) throw CLI::ValidationError("--out", "say where to write the " + spec.what);
            for (const auto& f : files)
                if (f.id == o->fetch) {
                    spec.fetch(store, viewer, o->owner, f, o->out);
                    std::cout << spec.what << ' ' << f.id << " written to " << o->out << '\n';
                    return;
                }
            throw records::RecordsError(records::RecordsError::Kind::NotFound,
                                        std::to_string(o->owner) + " has no " + spec.what + " " + std::to_string(o->fetch));
        }
        Table t;
        t.columns = {"id", "name", "type", "size", "sha256", "agency", "added_by", "added_at"};
        for (const auto& f : files) t.rows.push_back({std::to_string(f.id), f.name, f.type, std::to_string(f.size), f.sha256, f.agency, f.addedBy, f.addedAt});
        printTable(t, o->format, spec.list);
    });
}

}  // namespace striae::cli
