// Firearm records and the caliber list on the command line:
// `striae firearm add|update|share|unshare|withdraw|show|search|check|notifications` and
// `striae reftable calibers` (docs/firearms.md).
#include <CLI/CLI.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>

#include "Commands.h"
#include "ListOutput.h"
#include "OutputFile.h"
#include "StoreSession.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmAlerts.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/FirearmHubSync.h"
#include "striae/records/ReferenceTable.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubFirearmClient.h"
#include "striae/sync/SyncClient.h"

namespace striae::cli {

namespace {

struct FieldOptions {
    records::FirearmRecordFields f;
    bool freeTextCaliber = false;
    void add(CLI::App& cmd, bool statusRequired) {
        auto* status = cmd.add_option("--status", f.status, "lost, stolen, trafficked, smuggled, found, seized, recovered or cleared");
        if (statusRequired) status->required();
        cmd.add_option("--serial", f.serial, "Serial number as marked (searched normalised: case, spaces, dashes, O/0, I/1, leading zeros)");
        cmd.add_flag("--obliterated", f.serialObliterated, "The serial number is obliterated (it may then be empty)");
        cmd.add_flag("--partial", f.serialPartial, "Only part of the serial number could be read");
        cmd.add_option("--make", f.make, "Make");
        cmd.add_option("--model", f.model, "Model");
        cmd.add_option("--caliber", f.caliber, "Caliber, by a name or alias of the reference list (striae reftable calibers)");
        cmd.add_flag("--free-text-caliber", freeTextCaliber, "Keep a caliber the list does not have as written (it is flagged)");
        cmd.add_option("--type", f.type, "pistol, revolver, rifle, shotgun, submachine_gun, machine_gun or other");
        cmd.add_option("--country-of-manufacture", f.countryOfManufacture, "ISO 3166 two-letter code");
        cmd.add_option("--country-of-import", f.countryOfImport, "Country of last import, ISO 3166 two-letter code");
        cmd.add_option("--importer", f.importer, "Importer");
        cmd.add_option("--markings", f.otherMarkings, "Other markings");
        cmd.add_option("--event-date", f.eventDate, "Date of the loss, theft or seizure (ISO)");
        cmd.add_option("--reported", f.reportedAt, "Date it was reported (ISO)");
        cmd.add_option("--agency-case", f.agencyCaseNumber, "The reporting agency's case number");
        cmd.add_option("--remarks", f.remarks, "Remarks");
    }
};

Poco::JSON::Object::Ptr json(const records::FirearmRecord& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto& f = r.fields;
    o->set("id", r.id);
    o->set("uid", r.uid);
    o->set("owner_agency", r.ownerAgency);
    o->set("status", f.status);
    o->set("serial", f.serial);
    o->set("serial_normalized", r.serialNormalized);
    o->set("serial_obliterated", f.serialObliterated);
    o->set("serial_partial", f.serialPartial);
    o->set("make", f.make);
    o->set("model", f.model);
    o->set("caliber", f.caliber);
    o->set("caliber_listed", r.caliberListed);
    o->set("type", f.type);
    o->set("country_of_manufacture", f.countryOfManufacture);
    o->set("country_of_import", f.countryOfImport);
    o->set("importer", f.importer);
    o->set("other_markings", f.otherMarkings);
    o->set("event_date", f.eventDate);
    o->set("reported_at", f.reportedAt);
    o->set("agency_case_number", f.agencyCaseNumber);
    o->set("remarks", f.remarks);
    o->set("shared", r.shared);
    o->set("withdrawn", r.withdrawn);
    o->set("created_by", r.createdBy);
    o->set("created_at", r.createdAt);
    o->set("updated_at", r.updatedAt);
    return o;
}

void print(const records::FirearmRecord& r, bool asJson) {
    if (asJson) {
        json(r)->stringify(std::cout);
        std::cout << '\n';
        return;
    }
    const auto& f = r.fields;
    std::cout << "firearm record " << r.id << " (" << r.uid << ", " << r.ownerAgency << (r.shared ? ", shared" : ", not shared")
              << (r.withdrawn ? ", withdrawn" : "") << ")\n"
              << "  status   " << f.status << (f.eventDate.empty() ? "" : " on " + f.eventDate)
              << (f.reportedAt.empty() ? "" : ", reported " + f.reportedAt) << '\n'
              << "  serial   " << (f.serial.empty() ? "(none)" : f.serial) << (f.serialObliterated ? " [obliterated]" : "")
              << (f.serialPartial ? " [partial]" : "") << (r.serialNormalized.empty() ? "" : " → " + r.serialNormalized) << '\n'
              << "  firearm  " << f.make << ' ' << f.model << ", " << (f.caliber.empty() ? "caliber unknown" : f.caliber)
              << (r.caliberListed ? "" : " [caliber not in the reference list]") << (f.type.empty() ? "" : ", " + f.type) << '\n';
    if (!f.countryOfManufacture.empty() || !f.countryOfImport.empty() || !f.importer.empty())
        std::cout << "  origin   made in " << (f.countryOfManufacture.empty() ? "?" : f.countryOfManufacture) << ", imported to "
                  << (f.countryOfImport.empty() ? "?" : f.countryOfImport) << (f.importer.empty() ? "" : " by " + f.importer) << '\n';
    if (!f.otherMarkings.empty()) std::cout << "  markings " << f.otherMarkings << '\n';
    if (!f.agencyCaseNumber.empty()) std::cout << "  case     " << f.agencyCaseNumber << '\n';
    if (!f.remarks.empty()) std::cout << "  remarks  " << f.remarks << '\n';
}

// `… withdraw ID --reason WHY`: the same command for records and alerts.
void addWithdraw(CLI::App& parent, const std::string& description, const std::string& what,
                 std::function<void(records::Store&, const records::User&, records::Id, const std::string&)> withdraw) {
    struct Options {
        StoreSession session;
        records::Id id = 0;
        std::string reason;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = parent.add_subcommand("withdraw", description);
    cmd->add_option("id", o->id, "Id of the " + what)->required();
    cmd->add_option("--reason", o->reason, "Why")->required();
    o->session.addOptions(*cmd);
    cmd->callback([o, what, withdraw] {
        auto store = o->session.open();
        const auto actor = o->session.login(store);
        withdraw(store, actor, o->id, o->reason);
        std::cout << what << ' ' << o->id << " withdrawn\n";
    });
}

void addFirearm(CLI::App& app) {
    CLI::App* firearm = app.add_subcommand("firearm", "Firearm records: lost, stolen, trafficked, smuggled; found, seized, recovered, cleared");
    firearm->require_subcommand(1);
    {
        struct Options {
            StoreSession session;
            FieldOptions fields;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("add", "Record a firearm (records officers); owned by your agency, not shared until you share it");
        o->fields.add(*cmd, true);
        cmd->add_flag("--json", o->json, "Print the record as JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            print(store.firearmRecords().create(actor, o->fields.f, o->fields.freeTextCaliber), o->json);
        });
    }
    {
        struct Options {
            StoreSession session;
            records::Id id = 0;
            FieldOptions fields;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("update", "Replace a record's fields (your agency's records only; give every field)");
        cmd->add_option("id", o->id, "Record id")->required();
        o->fields.add(*cmd, true);
        cmd->add_flag("--json", o->json, "Print the record as JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            print(store.firearmRecords().update(actor, o->id, o->fields.f, o->fields.freeTextCaliber), o->json);
        });
    }
    for (const bool share : {true, false}) {
        struct Options {
            StoreSession session;
            records::Id id = 0;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand(share ? "share" : "unshare",
                                                share ? "Share a record with the network (other agencies see and search it)" : "Stop sharing a record");
        cmd->add_option("id", o->id, "Record id")->required();
        o->session.addOptions(*cmd);
        cmd->callback([o, share] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            store.firearmRecords().setShared(actor, o->id, share);
            std::cout << "firearm record " << o->id << (share ? " shared" : " no longer shared") << '\n';
        });
    }
    addWithdraw(*firearm, "Withdraw a record (it leaves every search; the audit trail keeps it)", "firearm record",
                [](records::Store& store, const records::User& actor, records::Id id, const std::string& reason) {
                    store.firearmRecords().withdraw(actor, id, reason);
                });
    {
        struct Options {
            StoreSession session;
            records::Id id = 0;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("show", "One record (yours, or another agency's shared one)");
        cmd->add_option("id", o->id, "Record id")->required();
        cmd->add_flag("--json", o->json, "Print JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            print(store.firearmRecords().get(viewer, o->id), o->json);
        });
    }
    {
        struct Options {
            StoreSession session;
            records::FirearmSearch query;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("search", "Search records by serial (exact; --prefix; * and ? for partial serials), make, model, "
                                                          "caliber, status");
        cmd->add_option("serial", o->query.serial, "Serial number or pattern, e.g. AB-12345, AB12*, ?B123?5");
        cmd->add_flag("--prefix", o->query.serialPrefix, "The serial as a prefix");
        cmd->add_option("--make", o->query.make, "Make (any case)");
        cmd->add_option("--model", o->query.model, "Model (any case)");
        cmd->add_option("--caliber", o->query.caliber, "Caliber (a name or alias of the list)");
        cmd->add_option("--status", o->query.status, "Status");
        cmd->add_flag("--withdrawn", o->query.includeWithdrawn, "Include withdrawn records");
        cmd->add_option("--limit", o->query.limit, "At most this many (default 200)");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            Table t;
            t.columns = {"id", "owner_agency", "status", "serial", "serial_normalized", "make", "model", "caliber", "type", "event_date", "shared"};
            for (const auto& r : store.firearmRecords().search(viewer, o->query))
                t.rows.push_back({std::to_string(r.id), r.ownerAgency, r.fields.status, r.fields.serial, r.serialNormalized, r.fields.make,
                                  r.fields.model, r.fields.caliber, r.fields.type, r.fields.eventDate, r.shared ? "yes" : "no"});
            printTable(t, o->format, "firearm_records");
        });
    }
    {
        struct Options {
            StoreSession session;
            FieldOptions fields;
            bool json = false, hub = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("check", "Seizure check: a firearm found, seized or recovered against every record you may see; "
                                                         "a match notifies the recording agency");
        o->fields.add(*cmd, true);
        cmd->add_flag("--json", o->json, "Print JSON");
        cmd->add_flag("--hub", o->hub, "Check against every agency's shared records at the hub as well (its owners are notified)");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            const auto check = store.firearmRecords().checkSeizure(actor, o->fields.f);
            std::optional<records::SeizureCheck> network;
            if (o->hub) {
                auto hub = sync::hubClientFor(store);
                network = sync::HubFirearmClient(hub).checkSeizure(o->fields.f, actor.username);
            }
            if (o->json) {
                Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
                root.set("check", check.id);
                root.set("agency", check.agency);
                root.set("checked_by", check.checkedBy);
                root.set("checked_at", check.checkedAt);
                Poco::JSON::Array::Ptr matches = new Poco::JSON::Array;
                for (const auto& m : check.matches) {
                    Poco::JSON::Object::Ptr x = json(m.record);
                    x->set("how", m.how);
                    x->set("wanted", m.wanted);
                    x->set("make_agrees", m.makeAgrees);
                    matches->add(x);
                }
                root.set("matches", matches);
                if (network) {
                    Poco::JSON::Object::Ptr hub = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                    hub->set("check", network->id);
                    Poco::JSON::Array::Ptr hubMatches = new Poco::JSON::Array;
                    for (const auto& m : network->matches) {
                        Poco::JSON::Object::Ptr x = json(m.record);
                        x->set("how", m.how);
                        x->set("wanted", m.wanted);
                        x->set("make_agrees", m.makeAgrees);
                        hubMatches->add(x);
                    }
                    hub->set("matches", hubMatches);
                    root.set("hub", hub);
                }
                root.stringify(std::cout);
                std::cout << '\n';
                return;
            }
            std::cout << "seizure check " << check.id << ": " << check.matches.size() << (check.matches.size() == 1 ? " record" : " records")
                      << " matched\n";
            for (const auto& m : check.matches) {
                std::cout << "  " << (m.wanted ? "WANTED  " : "closed  ") << "by " << m.how << (m.makeAgrees ? "" : " (the make differs: check it)")
                          << " — the recording agency " << m.record.ownerAgency << " is notified\n";
                print(m.record, false);
            }
            if (network) {
                std::cout << "at the hub, check " << network->id << ": " << network->matches.size()
                          << (network->matches.size() == 1 ? " shared record" : " shared records") << " matched\n";
                for (const auto& m : network->matches) {
                    std::cout << "  " << (m.wanted ? "WANTED  " : "closed  ") << "by " << m.how << (m.makeAgrees ? "" : " (the make differs: check it)")
                              << " — " << m.record.ownerAgency << " is notified\n";
                    print(m.record, false);
                }
            }
        });
    }
    {
        struct Options {
            StoreSession session;
            bool unread = false, hub = false;
            records::Id markRead = 0;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("notifications", "Your agency's notifications: seizure checks that matched its records "
                                                                 "(--hub: the hub's notices pulled by striae sync pull)");
        cmd->add_flag("--unread", o->unread, "Only those not read yet");
        cmd->add_option("--mark-read", o->markRead, "Mark this notification read");
        cmd->add_flag("--hub", o->hub, "The hub's notices: other agencies' seizures that matched your shared records, alerts, trace steps");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            if (o->hub) {
                auto hubSync = store.firearmHubSync();
                if (o->markRead) {
                    hubSync.markNoticeRead(viewer, o->markRead);
                    std::cout << "hub notice " << o->markRead << " read\n";
                    return;
                }
                Table t;
                t.columns = {"seq", "kind", "agency", "subject", "record", "summary", "received_at", "read"};
                for (const auto& n : hubSync.notices(o->unread))
                    t.rows.push_back({std::to_string(n.seq), n.kind, n.agency, std::to_string(n.subjectId), n.recordUid, n.summary, n.receivedAt,
                                      n.readAt.empty() ? "no" : "yes"});
                printTable(t, o->format, "notices");
                return;
            }
            auto firearms = store.firearmRecords();
            if (o->markRead) {
                firearms.markNotificationRead(viewer, o->markRead);
                std::cout << "notification " << o->markRead << " read\n";
                return;
            }
            Table t;
            t.columns = {"id", "kind", "record", "check", "checking_agency", "checked_by", "at", "read"};
            for (const auto& n : firearms.notifications(viewer, o->unread))
                t.rows.push_back({std::to_string(n.id), n.kind, std::to_string(n.recordId), std::to_string(n.checkId), n.checkingAgency, n.checkedBy,
                                  n.createdAt, n.read ? "yes" : "no"});
            printTable(t, o->format, "notifications");
        });
    }
}

void addReftable(CLI::App& app) {
    CLI::App* reftable = app.add_subcommand("reftable", "The reference tables: firearms (make, model, calibers …) and calibers");
    reftable->require_subcommand(1);
    {
        struct Options {
            StoreSession session;
            std::string file;
            bool json = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = reftable->add_subcommand("import", "Import firearm references from CSV or JSON (by the file's extension): the good rows go in, "
                                                           "each bad one is listed with its reason; exit 1 when any was refused");
        cmd->add_option("file", o->file, "CSV (header: make,model,type,calibers,country,action,barrel_length_mm,markings,serial_format,"
                                         "maker_codes,images) or JSON")->required()->check(CLI::ExistingFile);
        cmd->add_flag("--json", o->json, "Print the report as JSON");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            std::ifstream in(o->file, std::ios::binary);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const bool json = o->file.size() > 5 && o->file.substr(o->file.size() - 5) == ".json";
            auto table = store.referenceTable();
            const auto report = json ? table.importJson(actor, text) : table.importCsv(actor, text);
            if (o->json) {
                Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
                root.set("version", report.version);
                root.set("added", report.added);
                root.set("updated", report.updated);
                root.set("unchanged", report.unchanged);
                Poco::JSON::Array::Ptr rejected = new Poco::JSON::Array;
                for (const auto& r : report.rejected) {
                    Poco::JSON::Object::Ptr x = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                    x->set("row", r.row);
                    x->set("reason", r.reason);
                    rejected->add(x);
                }
                root.set("rejected", rejected);
                root.stringify(std::cout);
                std::cout << '\n';
            } else {
                std::cout << "reference table version " << report.version << ": " << report.added << " added, " << report.updated << " updated, "
                          << report.unchanged << " unchanged, " << report.rejected.size() << " refused\n";
                for (const auto& r : report.rejected) std::cout << "  row " << r.row << ": " << r.reason << '\n';
            }
            if (!report.rejected.empty())
                throw std::runtime_error(std::to_string(report.rejected.size()) + " rows refused (listed above); the others were imported");
        });
    }
    {
        struct Options {
            StoreSession session;
            std::string out;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = reftable->add_subcommand("export", "Export the firearm references (CSV, or JSON by the file's extension)");
        cmd->add_option("-o,--output", o->out, "File to write (.csv or .json)")->required();
        o->session.addOptions(*cmd, false);
        cmd->callback([o] {
            auto store = o->session.open();
            auto table = store.referenceTable();
            const bool json = o->out.size() > 5 && o->out.substr(o->out.size() - 5) == ".json";
            writeFileAtomically(o->out, json ? table.exportJson() : table.exportCsv(), "reference table");
            std::cout << "reference table version " << table.version() << " (" << table.size() << " references) written to " << o->out << '\n';
        });
    }
    {
        struct Options {
            StoreSession session;
            std::string text, field;
            bool exact = false;
            int limit = 20;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = reftable->add_subcommand("search", "Search the firearm references by prefix in any field, then by likeness (typos)");
        cmd->add_option("text", o->text, "What to look for")->required();
        cmd->add_option("--field", o->field, "Only this field: make, model, maker_codes, markings, country, caliber, type");
        cmd->add_flag("--prefix-only", o->exact, "No fuzzy matches");
        cmd->add_option("--limit", o->limit, "At most this many (default 20)");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd, false);
        cmd->callback([o] {
            auto store = o->session.open();
            Table t;
            t.columns = {"make", "model", "type", "calibers", "country", "maker_codes", "matched", "how", "similarity"};
            for (const auto& m : store.referenceTable().search(o->text, o->field, !o->exact, o->limit)) {
                std::string calibers, codes;
                for (const auto& c : m.reference.calibers) calibers += (calibers.empty() ? "" : "|") + c;
                for (const auto& c : m.reference.makerCodes) codes += (codes.empty() ? "" : "|") + c;
                char similarity[16];
                std::snprintf(similarity, sizeof similarity, "%.2f", m.similarity);
                t.rows.push_back({m.reference.make, m.reference.model, m.reference.type, calibers, m.reference.country, codes, m.field,
                                  m.fuzzy ? "likeness" : "prefix", similarity});
            }
            printTable(t, o->format, "references");
        });
    }
    struct Options {
        StoreSession session;
        ListFormat format;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = reftable->add_subcommand("calibers", "The reference list of calibers: SAAMI names, C.I.P. names where given, aliases, source");
    o->format.addOptions(*cmd);
    o->session.addOptions(*cmd, false);
    cmd->callback([o] {
        const auto store = o->session.open();
        Table t;
        t.columns = {"name", "cip_name", "aliases", "kind", "source"};
        for (const auto& c : store.calibers().all()) {
            std::string aliases;
            for (const auto& a : c.aliases) aliases += (aliases.empty() ? "" : "; ") + a;
            t.rows.push_back({c.name, c.cipName, aliases, c.kind, c.source});
        }
        printTable(t, o->format, "calibers");
    });
}

void addAlert(CLI::App& app) {
    CLI::App* alert = app.add_subcommand("alert", "Firearm and modus-operandi alerts to every agency (records officers circulate and withdraw)");
    alert->require_subcommand(1);
    {
        struct Options {
            StoreSession session;
            records::FirearmAlert alert;
            bool hub = false;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = alert->add_subcommand("circulate", "Circulate an alert");
        cmd->add_option("--kind", o->alert.kind, "firearm or modus_operandi")->required();
        cmd->add_option("--title", o->alert.title, "Title")->required();
        cmd->add_option("--description", o->alert.description, "What to look for")->required();
        cmd->add_option("--serial", o->alert.serial, "Serial number (a firearm alert)");
        cmd->add_option("--make", o->alert.make, "Make");
        cmd->add_option("--model", o->alert.model, "Model");
        cmd->add_option("--caliber", o->alert.caliber, "Caliber");
        cmd->add_flag("--hub", o->hub, "Circulate it to every agency of the hub too");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto actor = o->session.login(store);
            const auto a = store.alerts().circulate(actor, o->alert);
            std::cout << "alert " << a.id << " circulated by " << a.agency << ": " << a.title << '\n';
            if (o->hub) {
                auto hub = sync::hubClientFor(store);
                const auto sent = sync::HubFirearmClient(hub).circulate(a, actor.username);
                std::cout << "at the hub: alert " << sent.id << " to every agency\n";
            }
        });
    }
    addWithdraw(*alert, "Withdraw an alert your agency circulated", "alert",
                [](records::Store& store, const records::User& actor, records::Id id, const std::string& reason) {
                    store.alerts().withdraw(actor, id, reason);
                });
    {
        struct Options {
            StoreSession session;
            bool all = false, network = false;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = alert->add_subcommand("list", "The active alerts (--all: withdrawn ones too)");
        cmd->add_flag("--all", o->all, "Withdrawn alerts too");
        cmd->add_flag("--network", o->network, "The hub's alerts from every agency, as the last striae sync pull brought them");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd, false);
        cmd->callback([o] {
            auto store = o->session.open();
            auto alerts = store.alerts();
            Table t;
            t.columns = {"id", "agency", "kind", "title", "description", "serial", "make", "model", "caliber", "circulated_at", "withdrawn_at"};
            for (const auto& a : o->network ? store.firearmHubSync().networkAlerts(!o->all) : o->all ? alerts.all() : alerts.active())
                t.rows.push_back({std::to_string(a.id), a.agency, a.kind, a.title, a.description, a.serial, a.make, a.model, a.caliber,
                                  a.circulatedAt, a.withdrawnAt});
            printTable(t, o->format, "alerts");
        });
    }
}

}  // namespace

void addFirearmCommands(CLI::App& app) {
    addFirearm(app);
    addReftable(app);
    addAlert(app);
}

}  // namespace striae::cli
