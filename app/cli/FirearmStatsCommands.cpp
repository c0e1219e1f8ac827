// `striae firearm link|ballistics` (a record and the lab's firearm with its test
// fires and their leads), `striae firearm stats` and `striae firearm reports`:
// statistics of firearm records and trace requests, tailored reports saved by
// name, as text, CSV, JSON or PDF (docs/firearms.md).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "KeptFileCommands.h"
#include "ListOutput.h"
#include "StoreSession.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRecords.h"
#include "striae/records/FirearmRules.h"
#include "striae/records/ReferenceTable.h"
#include "striae/records/FirearmStatistics.h"
#include "striae/records/LeadRegister.h"

#ifdef STRIAE_WITH_REPORTS
#include "HeadlessQt.h"

#include "striae/report/FirearmStatisticsPdf.h"
#endif

namespace striae::cli {

void addFirearmStatsCommands(CLI::App& app) {
    CLI::App* firearm = app.get_subcommand("firearm");
    {
        KeptFileCommands photos;
        photos.add = "photo";
        photos.list = "photos";
        photos.addHelp = "Add a photograph (PNG, JPEG or TIFF, at most 20 MB) to your agency's record";
        photos.listHelp = "A record's photographs; --get ID --out FILE writes one out (checked against its SHA-256)";
        photos.owner = "Firearm record id";
        photos.what = "photograph";
        auto kept = [](const records::FirearmPhotograph& p) { return KeptFile{p.id, p.name, p.mediaType, p.sha256, p.size, "", p.addedBy, p.addedAt}; };
        photos.keep = [kept](records::Store& store, const records::User& user, std::int64_t record, const std::string& file, const std::string& name) {
            return kept(store.firearmRecords().addPhotograph(user, record, file, name));
        };
        photos.files = [kept](records::Store& store, const records::User& user, std::int64_t record) {
            std::vector<KeptFile> out;
            for (const auto& p : store.firearmRecords().photographs(user, record)) out.push_back(kept(p));
            return out;
        };
        photos.fetch = [](records::Store& store, const records::User& user, std::int64_t, const KeptFile& f, const std::string& out) {
            copyOut(store.firearmRecords().photographPath(user, f.id), out);
        };
        addKeptFileCommands(*firearm, photos);
    }
    {
        struct Options {
            StoreSession session;
            records::Firearm gun;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("lab-add", "A firearm held by the lab (seized, recovered, a reference gun); its test fires name it "
                                                           "(item add --origin test_fire --firearm ID)");
        cmd->add_option("--make", o->gun.make, "Make");
        cmd->add_option("--model", o->gun.model, "Model");
        cmd->add_option("--caliber", o->gun.caliber, "Caliber");
        cmd->add_option("--serial", o->gun.serial, "Serial number as marked");
        cmd->add_option("--country", o->gun.country, "Country of manufacture");
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            // Make, model and caliber as the reference tables name them, where they do; otherwise kept as written, and said so.
            auto gun = o->gun;
            if (const auto listed = store.calibers().resolve(gun.caliber)) gun.caliber = *listed;
            std::string flags;
            if (!gun.caliber.empty() && !store.calibers().resolve(gun.caliber)) flags += "; caliber not in the reference list (free text)";
            if (!gun.make.empty() && store.referenceTable().size() > 0) {
                bool make = false, model = gun.model.empty();
                for (const auto& m : store.referenceTable().search(gun.make, "make", false, 500)) {
                    if (!records::sameText(m.reference.make, gun.make)) continue;
                    make = true;
                    model = model || records::sameText(m.reference.model, gun.model);
                }
                if (!make) flags += "; make not in the firearms reference table (free text)";
                else if (!model) flags += "; model not in the reference table for this make (free text)";
            }
            const auto added = store.addFirearm(o->session.login(store), gun);
            std::cout << "firearm " << added.id << " added to the lab" << flags << '\n';
        });
    }
    {
        struct Options {
            StoreSession session;
            records::Id record = 0, gun = 0;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("link", "Link a firearm held in the lab (its test fires name it) to a record you may see");
        cmd->add_option("record", o->record, "Firearm record id")->required();
        cmd->add_option("--firearm", o->gun, "The lab's firearm id")->required();
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto link = store.firearmRecords().linkFirearm(o->session.login(store), o->record, o->gun);
            std::cout << "firearm " << link.firearm.id << " linked to record " << o->record << " (" << link.testFires.size() << " test fire item(s))\n";
        });
    }
    {
        struct Options {
            StoreSession session;
            records::Id record = 0;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("ballistics", "The record's linked firearms, their test fires, and the leads and hits that name them");
        cmd->add_option("record", o->record, "Firearm record id")->required();
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            const auto links = store.firearmRecords().firearmLinks(viewer, o->record);
            const auto leads = store.leadRegister().leads(viewer);
            Table t;
            t.columns = {"firearm", "serial", "test_fire_case", "test_fire_item", "lead", "status", "other_case", "other_item", "other_agency",
                         "conclusion"};
            for (const auto& link : links)
                for (const auto& [caseNumber, label] : link.testFires) {
                    bool any = false;
                    for (const auto& lead : leads) {
                        const bool asQuery = lead.queryCase == caseNumber && lead.queryItem == label;
                        const bool asCandidate = lead.candidateCase == caseNumber && lead.candidateItem == label;
                        if (!asQuery && !asCandidate) continue;
                        any = true;
                        t.rows.push_back({std::to_string(link.firearm.id), link.firearm.serial, caseNumber, label, std::to_string(lead.leadId), lead.status,
                                          asQuery ? lead.candidateCase : lead.queryCase, asQuery ? lead.candidateItem : lead.queryItem,
                                          asQuery ? lead.candidateAgency : std::string(), lead.conclusion});
                    }
                    if (!any) t.rows.push_back({std::to_string(link.firearm.id), link.firearm.serial, caseNumber, label, "", "", "", "", "", ""});
                }
            printTable(t, o->format, "ballistics");
        });
    }
    {
        struct Options {
            StoreSession session;
            records::FirearmStatsFilter filter;
            std::string report, save, pdf;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand(
            "stats", "Counts of your agency's records by status, type, make, country, caliber and month, and of its trace requests by "
                     "status, overdue and turnaround; --save keeps the filter as a tailored report, --report runs a saved one");
        cmd->add_option("--from", o->filter.from, "Period start, ISO date (a record's event date; a trace's submission)");
        cmd->add_option("--to", o->filter.to, "Period end, ISO date (inclusive)");
        cmd->add_option("--agency", o->filter.agency, "Another agency's figures (administrators)");
        cmd->add_option("--status", o->filter.status, "Only records of this status");
        cmd->add_option("--type", o->filter.type, "Only records of this type");
        cmd->add_option("--make", o->filter.make, "Only records of this make (any case)");
        cmd->add_option("--country", o->filter.country, "Only records of this country of manufacture");
        cmd->add_option("--caliber", o->filter.caliber, "Only records of this caliber (a name or alias of the list)");
        cmd->add_option("--report", o->report, "Run the tailored report saved under this name (its filter replaces the options above)");
        cmd->add_option("--save", o->save, "Save these options as a tailored report under this name (records or trace officers, supervisors)");
#ifdef STRIAE_WITH_REPORTS
        cmd->add_option("--pdf", o->pdf, "Write the report as PDF to this file");
#endif
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            auto reports = store.firearmReports();
            if (!o->report.empty() && !o->save.empty()) throw CLI::ValidationError("--save", "give either --report or --save");
            const records::FirearmStatsFilter filter = o->report.empty() ? o->filter : reports.saved(o->report);
            if (!o->save.empty()) {
                reports.save(viewer, o->save, filter);
                std::cout << "report '" << o->save << "' saved\n";
            }
            const auto s = reports.compute(viewer, filter);
#ifdef STRIAE_WITH_REPORTS
            if (!o->pdf.empty()) {
                const auto qt = headlessQt();
                report::writeFirearmStatisticsPdf(s, o->report.empty() ? o->save : o->report, o->pdf, STRIAE_VERSION);
                std::cout << "report written to " << o->pdf << '\n';
                return;
            }
#endif
            if (o->format.json) std::cout << records::firearmStatisticsJson(s) << '\n';
            else if (o->format.csv) Table{{"section", "key", "count"}, records::firearmStatisticsRows(s)}.printCsv(std::cout);
            else std::cout << records::firearmStatisticsText(s);
        });
    }
    {
        struct Options {
            StoreSession session;
            std::string remove;
            ListFormat format;
        };
        auto o = std::make_shared<Options>();
        CLI::App* cmd = firearm->add_subcommand("reports", "The tailored reports saved by name (striae firearm stats --save NAME)");
        cmd->add_option("--delete", o->remove, "Delete the report saved under this name");
        o->format.addOptions(*cmd);
        o->session.addOptions(*cmd);
        cmd->callback([o] {
            auto store = o->session.open();
            const auto viewer = o->session.login(store);
            auto reports = store.firearmReports();
            if (!o->remove.empty()) {
                reports.remove(viewer, o->remove);
                std::cout << "report '" << o->remove << "' deleted\n";
                return;
            }
            Table t;
            t.columns = {"name", "from", "to", "agency", "status", "type", "make", "country", "caliber"};
            for (const auto& [name, f] : reports.savedReports())
                t.rows.push_back({name, f.from, f.to, f.agency, f.status, f.type, f.make, f.country, f.caliber});
            printTable(t, o->format, "reports");
        });
    }
}

}  // namespace striae::cli
