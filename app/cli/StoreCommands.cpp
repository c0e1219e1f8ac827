// Case store commands: db, user, case, item, import, search, audit, export.
#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Object.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "Commands.h"
#include <filesystem>
#include "striae/imaging/X3p.h"
#include "striae/matching/Bullets.h"
#include "Progress.h"
#include "RegionOptions.h"
#include "OutputFile.h"
#include "Table.h"
#include "StoreSession.h"

namespace striae::cli {

namespace {

void printJson(const Poco::JSON::Object& o) {
    o.stringify(std::cout, 2);
    std::cout << '\n';
}

void addDb(CLI::App& app) {
    CLI::App* db = app.add_subcommand("db", "Create, migrate and check a case store");
    db->require_subcommand(1);

    struct Init {
        std::string folder, agency, agencyName, country, admin, adminName;
        bool passwordStdin = false;
    };
    auto init = std::make_shared<Init>();
    CLI::App* i = db->add_subcommand("init", "Create a case store with its first agency and administrator");
    i->add_option("folder", init->folder, "Folder for the new store")->required();
    i->add_option("--agency", init->agency, "Agency code, e.g. ATF-SF")->required();
    i->add_option("--agency-name", init->agencyName, "Agency name")->required();
    i->add_option("--country", init->country, "Country code, e.g. US")->required();
    i->add_option("--admin", init->admin, "Administrator's user name")->required();
    i->add_option("--admin-name", init->adminName, "Administrator's full name")->required();
    i->add_flag("--password-stdin", init->passwordStdin, "Read the administrator's password from stdin (else $STRIAE_PASSWORD)");
    i->callback([init] {
        const auto store = records::Store::create(init->folder, {0, init->agency, init->agencyName, init->country}, init->admin,
                                                  init->adminName, StoreSession::password(init->passwordStdin, "STRIAE_PASSWORD"));
        std::cout << "created case store " << init->folder << " (schema " << store.schemaVersion() << "), agency " << init->agency
                  << ", administrator " << init->admin << '\n';
    });

    auto migrateFolder = std::make_shared<std::string>();
    CLI::App* m = db->add_subcommand("migrate", "Upgrade a store's schema in place");
    m->add_option("folder", *migrateFolder, "Store folder")->required();
    m->callback([migrateFolder] {
        const auto store = records::Store::open(*migrateFolder, true);
        std::cout << *migrateFolder << ": schema version " << store.schemaVersion() << '\n';
    });

    struct Stats {
        std::string folder;
        bool json = false;
    };
    auto stats = std::make_shared<Stats>();
    CLI::App* s = db->add_subcommand("stats", "Counts of everything in a store, integrity and audit state");
    s->add_option("folder", stats->folder, "Store folder")->required();
    s->add_flag("--json", stats->json, "Print JSON");
    s->callback([stats] {
        const auto store = records::Store::open(stats->folder);
        const auto st = store.stats();
        const auto audit = store.verifyAudit();
        const std::string integrity = store.integrityCheck();
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        const std::pair<const char*, int> counts[] = {
            {"schemaVersion", st.schemaVersion}, {"agencies", st.agencies}, {"users", st.users}, {"cases", st.cases},
            {"items", st.items}, {"acquisitions", st.acquisitions}, {"correlationRuns", st.runs}, {"candidates", st.candidates},
            {"reviews", st.reviews}, {"leads", st.leads}, {"hits", st.hits}, {"verifications", st.verifications},
            {"approvals", st.approvals}, {"auditEvents", st.auditEvents}};
        for (const auto& [k, v] : counts) o.set(k, v);
        o.set("integrity", integrity);
        o.set("auditChain", audit.ok() ? "intact" : "broken");
        if (stats->json) return printJson(o);
        for (const auto& [k, v] : counts) std::printf("%-16s %d\n", k, v);
        std::printf("%-16s %s\n%-16s %s\n", "integrity", integrity.c_str(), "audit chain", audit.ok() ? "intact" : "BROKEN");
    });
}

void addUser(CLI::App& app) {
    CLI::App* user = app.add_subcommand("user", "Manage users (administrators)");
    user->require_subcommand(1);
    struct Add {
        StoreSession session;
        std::string username, fullName, roles, agency;
    };
    auto o = std::make_shared<Add>();
    CLI::App* add = user->add_subcommand("add", "Add a user; the new password comes from $STRIAE_NEW_PASSWORD");
    add->add_option("username", o->username, "User name")->required();
    add->add_option("--name", o->fullName, "Full name")->required();
    add->add_option("--roles", o->roles, "Roles, comma-separated: technician, examiner, supervisor, administrator, records_officer, "
                                         "trace_officer")->required();
    add->add_option("--agency", o->agency, "Agency code")->required();
    o->session.addOptions(*add);
    add->callback([o] {
        auto store = o->session.open();
        const auto actor = o->session.login(store);
        const char* pw = std::getenv("STRIAE_NEW_PASSWORD");
        if (!pw) throw CLI::ValidationError("password", "set $STRIAE_NEW_PASSWORD to the new user's password");
        std::vector<records::Role> roles;
        std::string list = o->roles + ",";
        for (std::size_t a = 0, b; (b = list.find(',', a)) != std::string::npos; a = b + 1)
            if (b > a) roles.push_back(records::roleFromString(list.substr(a, b - a)));
        const auto u = store.addUser(actor, o->agency, o->username, o->fullName, roles, pw);
        std::cout << "user " << u.username << " (" << o->roles << ") added, id " << u.id << '\n';
    });
}

// Another agency in the store (a lab serving several, or the agencies a trace request goes between).
void addAgency(CLI::App& app) {
    CLI::App* agency = app.add_subcommand("agency", "Manage the store's agencies (administrators)");
    agency->require_subcommand(1);
    struct Add {
        StoreSession session;
        records::Agency agency;
    };
    auto o = std::make_shared<Add>();
    CLI::App* add = agency->add_subcommand("add", "Add an agency");
    add->add_option("code", o->agency.code, "Agency code (e.g. OPD)")->required();
    add->add_option("--name", o->agency.name, "Its name")->required();
    add->add_option("--country", o->agency.country, "ISO 3166 two-letter country code")->required();
    o->session.addOptions(*add);
    add->callback([o] {
        auto store = o->session.open();
        const auto actor = o->session.login(store);
        const auto added = store.addAgency(actor, o->agency);
        std::cout << "agency " << added.code << " added, id " << added.id << '\n';
    });
}

Poco::JSON::Object caseJson(const records::CaseRecord& c) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("number", c.number);
    o.set("agency", c.agencyCode);
    o.set("offence", c.offence);
    o.set("offenceDate", c.offenceDate);
    o.set("location", c.location);
    o.set("items", c.itemCount);
    return o;
}

void addCase(CLI::App& app) {
    CLI::App* cs = app.add_subcommand("case", "Open, list and show cases");
    cs->require_subcommand(1);
    struct Add {
        StoreSession session;
        records::CaseRecord input;
    };
    auto a = std::make_shared<Add>();
    CLI::App* add = cs->add_subcommand("add", "Open a case");
    add->add_option("number", a->input.number, "Case number")->required();
    add->add_option("--offence", a->input.offence, "Offence");
    add->add_option("--date", a->input.offenceDate, "Offence date (YYYY-MM-DD)");
    add->add_option("--location", a->input.location, "Location");
    add->add_option("--notes", a->input.notes, "Notes");
    a->session.addOptions(*add);
    add->callback([a] {
        auto store = a->session.open();
        const auto c = store.addCase(a->session.login(store), a->input);
        std::cout << "case " << c.number << " opened\n";
    });

    struct List {
        StoreSession session;
        records::CaseFilter filter;
        bool json = false, csv = false;
    };
    auto l = std::make_shared<List>();
    CLI::App* list = cs->add_subcommand("list", "List cases (filters: number or prefix*, caliber, date range, open leads)");
    list->add_option("--number", l->filter.number, "Case number, or a prefix ending in *");
    list->add_option("--caliber", l->filter.caliber, "Cases with an item of this caliber");
    list->add_option("--item", l->filter.itemLabel, "Cases with an item of this label");
    list->add_option("--from", l->filter.fromDate, "Offence date from (YYYY-MM-DD)");
    list->add_option("--to", l->filter.toDate, "Offence date to (YYYY-MM-DD)");
    list->add_option("--status", l->filter.status, "open-leads: cases with an open lead");
    auto* listJson = list->add_flag("--json", l->json, "Print JSON");
    list->add_flag("--csv", l->csv, "Print CSV (the --json fields as columns)")->excludes(listJson);
    l->session.addOptions(*list, false);
    list->callback([l] {
        const auto store = l->session.open();
        const auto cases = store.findCases(l->filter);
        if (l->csv) {
            Table t{{"number", "agency", "offence", "offenceDate", "location", "items"}, {}};
            for (const auto& c : cases)
                t.rows.push_back({c.number, c.agencyCode, c.offence, c.offenceDate, c.location, std::to_string(c.itemCount)});
            t.printCsv(std::cout);
            return;
        }
        if (l->json) {
            Poco::JSON::Array arr;
            for (const auto& c : cases) arr.add(caseJson(c));
            arr.stringify(std::cout, 2);
            std::cout << '\n';
            return;
        }
        for (const auto& c : cases)
            std::printf("%-16s %-10s %-28s %-12s %d items\n", c.number.c_str(), c.agencyCode.c_str(), c.offence.c_str(),
                        c.offenceDate.c_str(), c.itemCount);
        std::cout << cases.size() << " cases\n";
    });

    struct Show {
        StoreSession session;
        std::string number;
    };
    auto s = std::make_shared<Show>();
    CLI::App* show = cs->add_subcommand("show", "A case with its items and scans");
    show->add_option("number", s->number, "Case number")->required();
    s->session.addOptions(*show, false);
    show->callback([s] {
        const auto store = s->session.open();
        const auto c = store.caseByNumber(s->number);
        std::cout << "case " << c.number << " (" << c.agencyCode << ") " << c.offence << ", " << c.offenceDate << ", " << c.location << '\n';
        for (const auto& i : store.itemsOfCase(c.number)) {
            std::cout << "  item " << i.id << " " << i.label << ": " << i.kind << ", " << i.origin << ", " << i.caliber << '\n';
            for (const auto& a : store.acquisitionsOfItem(i.id))
                std::cout << "    acquisition " << a.id << ": " << a.region << ", " << a.processing << ", sha256 "
                          << a.fileSha256.substr(0, 12) << "…\n";
        }
    });
}

void addItem(CLI::App& app) {
    CLI::App* it = app.add_subcommand("item", "Add items (exhibits) to cases");
    it->require_subcommand(1);
    struct Add {
        StoreSession session;
        std::string caseNumber;
        records::Item input;
        int lands = -1;
        records::Id firearm = 0;
    };
    auto a = std::make_shared<Add>();
    a->input.kind = "cartridge_case";
    a->input.origin = "crime_scene";
    CLI::App* add = it->add_subcommand("add", "Add an item with its class characteristics");
    add->add_option("case", a->caseNumber, "Case number")->required();
    add->add_option("label", a->input.label, "Item label, e.g. Q1")->required();
    add->add_option("--kind", a->input.kind, "cartridge_case, bullet or firearm")->capture_default_str();
    add->add_option("--origin", a->input.origin, "crime_scene, test_fire or reference")->capture_default_str();
    add->add_option("--caliber", a->input.caliber, "Caliber, e.g. 9mm Luger");
    add->add_option("--firing-pin", a->input.firingPinShape, "Firing-pin shape, e.g. hemispherical");
    add->add_option("--breech-face", a->input.breechFaceMarks, "Breech-face mark type, e.g. parallel, arched, granular");
    add->add_option("--lands", a->lands, "Number of lands (bullets)");
    add->add_option("--twist", a->input.twist, "Twist direction (left, right)");
    add->add_option("--ammunition", a->input.ammunition, "Ammunition");
    add->add_option("--headstamp", a->input.headstamp, "Headstamp");
    add->add_option("--recovered-at", a->input.recoveredAt, "When it was recovered");
    add->add_option("--recovered-where", a->input.recoveredWhere, "Where it was recovered");
    add->add_option("--notes", a->input.notes, "Notes");
    add->add_option("--firearm", a->firearm, "The lab's firearm it was fired from (test fires; striae firearm lab-add)");
    a->session.addOptions(*add);
    add->callback([a] {
        if (a->lands >= 0) a->input.lands = a->lands;
        if (a->firearm) a->input.firearmId = a->firearm;
        auto store = a->session.open();
        const auto i = store.addItem(a->session.login(store), a->caseNumber, a->input);
        std::cout << "item " << i.id << " (" << i.label << ") added to case " << i.caseNumber << '\n';
    });
}

void addImport(CLI::App& app) {
    struct Import {
        StoreSession session;
        records::Id item = 0;
        std::vector<std::string> files;
        records::ImportOptions options;
        bool processed = false;
        int firstLand = 0;
        std::vector<double> primerUm, pinUm;
        bool stopOnError = false;
        double maxMegabytes = double(records::ImportOptions{}.maxFileBytes >> 20);
    };
    auto o = std::make_shared<Import>();
    CLI::App* cmd = app.add_subcommand("import", "Import X3P scans into an item (each file in its own transaction)");
    cmd->add_option("item", o->item, "Item id")->required();
    cmd->add_option("files", o->files, "X3P files")->required();
    cmd->add_flag("--stop-on-error", o->stopOnError, "Stop at the first file that fails (default: report it and go on)");
    cmd->add_option("--max-size", o->maxMegabytes, "Refuse files larger than this many MB, before reading them")->capture_default_str();
    cmd->add_option("--region", o->options.region, "breech_face, firing_pin, ejector or land")->capture_default_str();
    cmd->add_option("--instrument", o->options.instrument, "Instrument (default: from the file)");
    cmd->add_flag("--processed", o->processed, "The scans are already processed: store them as they are");
    cmd->add_option("--land", o->firstLand,
                    "With --region land: the land number of the first file; the others follow in order (default: from the file names, "
                    "e.g. -L3 or Land_3, else 1, 2, ...)");
    addRegionOptions(*cmd, o->primerUm, o->pinUm, "One raw breech-face scan: ");
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        // Land numbers from the file names when every name carries one.
        std::vector<int> named;
        if (o->options.region == "land" && o->firstLand == 0) {
            for (const auto& f : o->files)
                if (auto n = matching::landNumberFromName(std::filesystem::path(f).filename().string())) named.push_back(*n);
            if (named.size() != o->files.size()) {
                named.clear();
                o->firstLand = 1;
            }
        }
        if ((!o->primerUm.empty() || !o->pinUm.empty()) && (o->files.size() != 1 || o->processed || o->options.region != "breech_face"))
            throw CLI::ValidationError("--primer/--firing-pin", "apply to one raw breech-face scan at a time");
        if (!o->primerUm.empty() || !o->pinUm.empty())
            o->options.regionHints = regionHints(imaging::readX3p(o->files[0]).surface, o->primerUm, o->pinUm);
        o->options.preprocess = !o->processed;
        auto store = o->session.open();
        const auto actor = o->session.login(store);
        if (!(o->maxMegabytes > 0)) throw CLI::ValidationError("--max-size", "must be positive");
        o->options.maxFileBytes = std::uint64_t(o->maxMegabytes * 1048576.0);
        Progress progress("import");
        int n = 0, failed = 0;
        // Each file is its own transaction: one bad file is reported and the others still imported.
        for (const auto& f : o->files) {
            if (!named.empty()) o->options.land = named[std::size_t(n)];
            else if (o->firstLand > 0) o->options.land = o->firstLand + n;
            try {
                const auto a = store.importScan(actor, o->item, f, o->options);
                progress.finish();
                std::cout << "acquisition " << a.id << " <- " << f << " (" << a.processing << ")\n";
            } catch (const records::RecordsError& e) {
                progress.finish();
                ++failed;
                std::cout << "FAILED " << f << ": " << e.what() << '\n';
                if (o->stopOnError) {
                    std::cout << "stopped: " << (n - failed + 1) << " of " << o->files.size() << " files imported before " << f << '\n';
                    throw std::runtime_error(f + " could not be imported");
                }
            }
            progress.update(++n, long(o->files.size()));
        }
        if (o->files.size() > 1)
            std::cout << (o->files.size() - std::size_t(failed)) << " of " << o->files.size() << " files imported, " << failed << " failed\n";
        if (failed > 0)
            throw std::runtime_error(std::to_string(failed) + " of " + std::to_string(o->files.size()) + " files could not be imported");
    });
}

void addSearch(CLI::App& app) {
    struct Search {
        StoreSession session;
        std::string text;
    };
    auto o = std::make_shared<Search>();
    CLI::App* cmd = app.add_subcommand("search", "Full-text search over notes of cases, items, reviews, leads and hits");
    cmd->add_option("text", o->text, "Words to find")->required();
    o->session.addOptions(*cmd, false);
    cmd->callback([o] {
        const auto store = o->session.open();
        const auto hits = store.searchNotes(o->text);
        for (const auto& h : hits) std::cout << h.kind << " " << h.id << ": " << h.text << '\n';
        std::cout << hits.size() << " notes\n";
    });
}

void addAudit(CLI::App& app) {
    CLI::App* audit = app.add_subcommand("audit", "Verify the audit trail or show an entity's events");
    audit->require_subcommand(1);
    auto v = std::make_shared<StoreSession>();
    CLI::App* verify = audit->add_subcommand(
        "verify", "Check the hash chain, every sealed row (hits, verifications, approvals, reviews, leads, users, acquisitions, ...), "
                  "the anchor outside the database and the SHA-256 of every stored scan; names each disagreement");
    v->addOptions(*verify, false);
    auto skipFiles = std::make_shared<bool>(false);
    verify->add_flag("--skip-files", *skipFiles, "Do not recompute the stored scans' SHA-256 (quicker on a large store)");
    verify->callback([v, skipFiles] {
        const auto report = v->open().verifyAudit(!*skipFiles);
        for (const auto& n : report.notes) std::cout << "note: " << n << '\n';
        if (report.ok()) {
            std::cout << "audit trail intact: " << report.events << " events, " << report.rowsChecked << " rows, "
                      << report.filesChecked << " scan files, " << report.anchored << " anchored events\n";
            return;
        }
        for (const auto& p : report.problems) std::cout << "TAMPERED: " << p << '\n';
        throw std::runtime_error("the audit trail has been tampered with (" + std::to_string(report.problems.size()) + " problems)");
    });
    struct Show {
        StoreSession session;
        std::string entity = "item";
        records::Id id = 0;
        bool json = false, csv = false;
    };
    auto s = std::make_shared<Show>();
    CLI::App* show = audit->add_subcommand("show", "The audit events of one record");
    show->add_option("entity", s->entity, "case, item, acquisition, run, candidate, lead, hit, user, agency")->required();
    show->add_option("id", s->id, "Record id")->required();
    auto* showJson = show->add_flag("--json", s->json, "Print JSON (details as objects; user null where hidden)");
    show->add_flag("--csv", s->csv, "Print CSV (details as their JSON text)")->excludes(showJson);
    // As the acting user: a blind verifier sees neither the first conclusion nor its author here either.
    s->session.addOptions(*show);
    show->callback([s] {
        auto store = s->session.open();
        const auto viewer = s->session.login(store);
        const auto events = store.auditTrail(viewer, s->entity, s->id);
        if (s->csv) {
            Table t{{"id", "at", "user", "action", "details", "hash"}, {}};
            for (const auto& e : events)
                t.rows.push_back({std::to_string(e.id), e.at, e.userId ? std::to_string(e.userId) : "", e.action, e.details, e.hash});
            t.printCsv(std::cout);
            return;
        }
        if (s->json) {
            Poco::JSON::Array arr;
            for (const auto& e : events) {
                Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("id", e.id);
                o.set("at", e.at);
                if (e.userId)
                    o.set("user", e.userId);
                else
                    o.set("user", Poco::Dynamic::Var());
                o.set("action", e.action);
                o.set("details", Poco::JSON::Parser().parse(e.details));
                o.set("hash", e.hash);
                arr.add(o);
            }
            arr.stringify(std::cout, 2);
            std::cout << '\n';
            return;
        }
        for (const auto& e : events)
            std::cout << e.id << "  " << e.at << "  " << (e.userId ? "user " + std::to_string(e.userId) : std::string("(user hidden)")) << "  "
                      << e.action << "  " << e.details << '\n';
    });
}

void addExport(CLI::App& app) {
    struct Export {
        StoreSession session;
        std::string number, out;
    };
    auto o = std::make_shared<Export>();
    CLI::App* cmd = app.add_subcommand("export",
                                       "Export a case with everything about it as JSON: items, scans, runs, reviews, leads, "
                                       "conclusions, verifications, approvals and their audit events, as the acting user may see them");
    cmd->add_option("--case", o->number, "Case number")->required();
    cmd->add_option("--out,-o", o->out, "Write to this file, whole or not at all (default: stdout)");
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        const auto store = o->session.open();
        const std::string json = store.exportCase(o->session.login(store), o->number);
        if (o->out.empty()) {
            std::cout << json << '\n';
            return;
        }
        writeFileAtomically(o->out, json + "\n", "case export");
        std::cout << "case " << o->number << " exported to " << o->out << '\n';
    });
}

}  // namespace

void addStoreCommands(CLI::App& app) {
    addDb(app);
    addUser(app);
    addAgency(app);
    addCase(app);
    addItem(app);
    addImport(app);
    addSearch(app);
    addAudit(app);
    addExport(app);
}

}  // namespace striae::cli
