#pragma once
// Store commands share: where the store is (--store or $STRIAE_STORE) and who
// acts (--user or $STRIAE_USER, password from $STRIAE_PASSWORD or a line on
// stdin with --password-stdin). The acting user is authenticated every time.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "striae/records/Store.h"

namespace striae::cli {

struct StoreSession {
    std::string folder;
    std::string username;
    bool passwordStdin = false;

    void addOptions(CLI::App& cmd, bool needsUser = true) {
        if (const char* s = std::getenv("STRIAE_STORE")) folder = s;
        if (const char* u = std::getenv("STRIAE_USER")) username = u;
        cmd.add_option("--store", folder, "Case store folder (default: $STRIAE_STORE)");
        if (needsUser) {
            cmd.add_option("--user,-u", username, "Acting user (default: $STRIAE_USER)");
            cmd.add_flag("--password-stdin", passwordStdin, "Read the password from the first line of stdin (else $STRIAE_PASSWORD)");
        }
    }

    records::Store open() const {
        if (folder.empty()) throw CLI::ValidationError("--store", "no case store given (--store DIR or $STRIAE_STORE)");
        return records::Store::open(folder);
    }

    static std::string password(bool fromStdin, const char* env) {
        if (fromStdin) {
            std::string line;
            std::getline(std::cin, line);
            return line;
        }
        if (const char* p = std::getenv(env)) return p;
        throw CLI::ValidationError("password", std::string("no password: set $") + env + " or use --password-stdin");
    }

    records::User login(const records::Store& store) const {
        if (username.empty()) throw CLI::ValidationError("--user", "no acting user (--user NAME or $STRIAE_USER)");
        return store.authenticate(username, password(passwordStdin, "STRIAE_PASSWORD"));
    }
};

}  // namespace striae::cli
