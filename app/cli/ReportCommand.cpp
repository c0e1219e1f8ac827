// `striae report LEAD --kind intelligence|court -o FILE.pdf`: a lead's report as
// PDF, headless (Qt's offscreen platform), as the acting user may see it.
#include <CLI/CLI.hpp>

#include "HeadlessQt.h"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "StoreSession.h"
#include "striae/records/LeadReport.h"
#include "striae/report/LeadReportPdf.h"

namespace striae::cli {

void addReportCommand(CLI::App& app) {
    struct Options {
        StoreSession session;
        records::Id lead = 0;
        std::string kind = "intelligence", output;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("report", "A lead's report as PDF: intelligence (cases, scans, scores, decisions, linked incidents, "
                                                 "audit) or court (method, parameters, processing, validation, signatures)");
    cmd->add_option("lead", o->lead, "Lead id")->required();
    cmd->add_option("--kind", o->kind, "intelligence or court")->check(CLI::IsMember({"intelligence", "court"}));
    cmd->add_option("-o,--output", o->output, "PDF file to write")->required();
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        auto store = o->session.open();
        const auto viewer = o->session.login(store);
        const auto model = store.reports().build(viewer, o->lead);
        const auto qt = headlessQt();  // Qt Charts draws the timeline
        report::writeLeadReportPdf(store, model, report::reportKindFromString(o->kind), o->output, STRIAE_VERSION);
        std::cout << o->kind << " report of lead " << o->lead << " written to " << o->output << '\n';
    });
}

}  // namespace striae::cli
