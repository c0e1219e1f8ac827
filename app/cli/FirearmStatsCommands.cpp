// `striae firearm stats` and `striae firearm reports`: statistics of firearm
// records and trace requests, tailored reports saved by name, as text, CSV,
// JSON or PDF (docs/firearms.md).
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "ListOutput.h"
#include "StoreSession.h"
#include "striae/records/FirearmStatistics.h"

#ifdef STRIAE_WITH_REPORTS
#include <QApplication>

#include "striae/report/FirearmStatisticsPdf.h"
#endif

namespace striae::cli {

void addFirearmStatsCommands(CLI::App& app) {
    CLI::App* firearm = app.get_subcommand("firearm");
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
                if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
                static int argc = 1;
                static char name[] = "striae";
                static char* argv[] = {name, nullptr};
                QApplication qt(argc, argv);
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
