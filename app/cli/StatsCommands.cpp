// Statistics, the lead register and the feedback loop on the command line:
// `striae stats`, `striae leads`, `striae outcome record|list`.
#include <CLI/CLI.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "Commands.h"
#include "Format.h"
#include "StoreSession.h"
#include "ListOutput.h"
#include "Table.h"
#include "striae/records/LeadOutcomes.h"
#include "striae/records/LeadRegister.h"
#include "striae/records/StoreStatistics.h"

namespace striae::cli {

namespace {

void addStats(CLI::App& app) {
    struct Options {
        StoreSession session;
        records::StatisticsFilter filter;
        ListFormat format;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "stats", "NIBIN metrics of the store: turnaround recovery → entry → correlation → lead → hit (median, p90, share within 48 h), "
                 "leads and hits per month, agency and caliber, backlog, confirmation rate, reported outcomes");
    cmd->add_option("--from", o->filter.from, "Period start, ISO date (inclusive)");
    cmd->add_option("--to", o->filter.to, "Period end, ISO date (inclusive)");
    cmd->add_option("--agency", o->filter.agency, "Only this agency's evidence");
    cmd->add_option("--caliber", o->filter.caliber, "Only this caliber");
    o->format.addOptions(*cmd);
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        auto store = o->session.open();
        o->session.login(store);
        const auto s = store.statistics().compute(o->filter);
        if (o->format.json) {
            std::cout << records::statisticsJson(s) << '\n';
        } else if (o->format.csv) {
            Table{{"section", "key", "metric", "value"}, records::statisticsRows(s)}.printCsv(std::cout);
        } else {
            std::cout << records::statisticsText(s);
        }
    });
}

void addLeads(CLI::App& app) {
    struct Options {
        StoreSession session;
        std::string status;
        ListFormat format;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("leads", "The register of leads and hits: both cases, state, conclusion, verification, approval, outcomes");
    cmd->add_option("--status", o->status, "open, hit or rejected (default: all)");
    o->format.addOptions(*cmd);
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        auto store = o->session.open();
        const auto viewer = o->session.login(store);
        Table t{{"lead", "status", "markedAt", "markedBy", "case", "item", "candidateCase", "candidateItem", "candidateAgency", "caliber",
                 "score", "hit", "conclusion", "examinedAt", "verifications", "approved", "outcomes"},
                {}};
        for (const auto& e : store.leadRegister().leads(viewer, o->status)) {
            std::ostringstream score;
            score << e.score;
            t.rows.push_back({std::to_string(e.leadId), e.status, e.markedAt, e.markedBy, e.queryCase, e.queryItem, e.candidateCase,
                              e.candidateItem, e.candidateAgency, e.caliber, score.str(), e.hitId ? std::to_string(e.hitId) : "",
                              e.conclusionHidden ? "(hidden: blind verification pending)" : e.conclusion, e.examinedAt,
                              std::to_string(e.verifications), e.approved ? "yes" : "no", std::to_string(e.outcomes)});
        }
        printTable(t, o->format, "leads");
    });
}

void addOutcome(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("outcome", "What came of a lead (the feedback loop): record one, list them");
    cmd->require_subcommand(1);
    struct Record {
        StoreSession session;
        records::Id lead = 0;
        std::string kind, note;
    };
    auto r = std::make_shared<Record>();
    CLI::App* record = cmd->add_subcommand("record", "Record what came of a lead; it reaches the hub at the next push");
    record->add_option("lead", r->lead, "Lead id")->required();
    record->add_option("--kind", r->kind, "arrest, linked_cases, charge or no_value")->required();
    record->add_option("--note", r->note, "What happened (free text)");
    r->session.addOptions(*record);
    record->callback([r] {
        auto store = r->session.open();
        const auto o = store.outcomes().record(r->session.login(store), r->lead, r->kind, r->note);
        std::cout << "outcome " << o.id << " recorded on lead " << r->lead << ": " << o.kind << '\n';
    });

    struct List {
        StoreSession session;
        records::Id lead = 0;
        ListFormat format;
    };
    auto l = std::make_shared<List>();
    CLI::App* list = cmd->add_subcommand("list", "Outcomes recorded here and received from other agencies through the hub");
    list->add_option("--lead", l->lead, "Only this lead's");
    l->format.addOptions(*list);
    l->session.addOptions(*list);
    list->callback([l] {
        auto store = l->session.open();
        l->session.login(store);
        auto outcomes = store.outcomes();
        Table t{{"outcome", "lead", "candidate", "kind", "agency", "recordedBy", "recordedAt", "received", "note"}, {}};
        for (const auto& o : l->lead ? outcomes.ofLead(l->lead) : outcomes.all())
            t.rows.push_back({std::to_string(o.id), o.leadId ? std::to_string(o.leadId) : "", o.candidateId ? std::to_string(o.candidateId) : "",
                              o.kind, o.agencyCode, o.recordedBy, o.recordedAt, o.received ? "yes" : "no", o.note});
        printTable(t, l->format, "outcomes");
    });
}

}  // namespace

void addStatsCommands(CLI::App& app) {
    addStats(app);
    addLeads(app);
    addOutcome(app);
}

}  // namespace striae::cli
