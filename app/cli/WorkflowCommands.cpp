// The review workflow on the command line: correlate, review, lead, hit, verify, approve.
#include <CLI/CLI.hpp>

#include <cmath>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "CmcOptions.h"
#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "StoreSession.h"
#include "Table.h"

namespace striae::cli {

namespace {

// How a run's candidates are printed (correlate, run show): text, JSON or CSV.
struct RunOutput {
    bool json = false, csv = false;
    int top = 20;
    double minLr = 0;
};

void printRun(const records::Store& store, const records::CorrelationRun& run, const RunOutput& out) {
    const auto model = store.calibrationModel();
    auto cands = store.candidates(run.id);
    const bool bullet = store.acquisition(run.queryAcquisitionId).region == "land";
    const std::size_t listed = cands.size();
    if (out.minLr > 0) {
        // The cut is the examiner's stopping rule: candidates below it are stored with the run, not printed.
        const double cut = std::log10(out.minLr);
        std::erase_if(cands, [&](const records::Candidate& c) {
            const auto lr = records::candidateLikelihoodRatio(c);
            return !lr || lr->log10Lr < cut - 1e-12;
        });
    }
    if (out.csv) {
        Table t{{"candidate", "rank", "acquisition", "case", "item", "agency", "acquiredAt", bullet ? "score" : "cmc",
                 bullet ? "cmpsMean" : "cmcHigh", "log10Lr", "log10LrLower95", "log10LrUpper95", "lrBound", "lrModel", "decision",
                 "details"},
                {}};
        for (const auto& c : cands) {
            const auto lr = bullet ? std::nullopt : records::candidateLikelihoodRatio(c);
            auto number = [](double v) {
                std::ostringstream s;
                s.precision(12);
                s << v;
                return s.str();
            };
            t.rows.push_back({std::to_string(c.id), std::to_string(c.rank), std::to_string(c.acquisitionId), c.caseNumber, c.itemLabel,
                              c.agencyCode, c.acquiredAt, number(c.score), number(c.scoreHigh), lr ? number(lr->log10Lr) : "",
                              lr ? number(lr->lowerLog10) : "", lr ? number(lr->upperLog10) : "", lr ? lr->bound : "",
                              lr ? lr->model : "", c.decision, c.details});
        }
        t.printCsv(std::cout);
        return;
    }
    if (out.json) {
        Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
        result.set("run", run.id);
        result.set("query", run.queryAcquisitionId);
        result.set("method", bullet ? "bullet" : "cmc");
        if (!run.tier.empty()) result.set("tier", run.tier);  // a hub's list: the tier whose search it is
        if (!bullet) {
            result.set("holdings", run.holdings);
            result.set("fullyCompared", run.fullyCompared);
            result.set("shortlist", run.shortlist);
        }
        result.set("score", bullet ? "bullet score: mean CCF of the land pairs on the best phase (docs/bullets.md)"
                                : "CMC count, original rule, the smaller of the two directions (docs/cmc.md)");
        Poco::JSON::Array arr;
        for (const auto& c : cands) {
            Poco::JSON::Object k(Poco::JSON_PRESERVE_KEY_ORDER);
            k.set("candidate", c.id);
            k.set("rank", c.rank);
            k.set("acquisition", c.acquisitionId);
            k.set("case", c.caseNumber);
            k.set("item", c.itemLabel);
            if (bullet) {
                k.set("score", c.score);
                k.set("cmpsMean", c.scoreHigh);
            } else {
                k.set("cmc", c.score);
                k.set("cmcHigh", c.scoreHigh);
            }
            k.set("details", Poco::JSON::Parser().parse(c.details));
            arr.add(k);
        }
        if (!bullet) {
            result.set("lrClass", model ? "validated likelihood ratio: " + model->label() : std::string("none: no calibration model"));
            if (out.minLr > 0) result.set("minLr", out.minLr), result.set("belowMinLr", int(listed - cands.size()));
        }
        result.set("candidates", arr);
        result.stringify(std::cout, 2);
        std::cout << '\n';
        return;
    }
    if (bullet) {
        std::cout << "bullet correlation run " << run.id << ": the bullet of acquisition " << run.queryAcquisitionId << " against "
                  << cands.size() << " bullets (score: mean CCF of the land pairs on the best phase; docs/bullets.md)\n"
                  << "  rank  candidate  case            item    score  mean CMPS\n";
        for (const auto& c : cands) {
            if (c.rank > out.top) break;
            std::printf("  %4d  %9lld  %-14s  %-6s  %5.3f  %9.1f\n", c.rank, static_cast<long long>(c.id), c.caseNumber.c_str(),
                        c.itemLabel.c_str(), c.score, c.scoreHigh);
        }
        return;
    }
    std::cout << "correlation run " << run.id << (run.tier.empty() ? "" : " (the " + run.tier + " tier's search at the hub)") << ": acquisition "
              << run.queryAcquisitionId << " against " << run.holdings
              << " breech faces of its caliber, " << run.fullyCompared << " of them compared by CMC (shortlist " << run.shortlist
              << (run.fullyCompared < run.holdings ? ", chosen by the first-stage signature; docs/search.md" : "")
              << "; score: CMC count, original rule, a count, not a likelihood ratio; docs/cmc.md)\n";
    if (model)
        std::cout << "LR: " << model->label() << "; bounded to 10^" << fixed(model->calibration.lowerBoundLog10, 2) << " .. 10^"
                  << fixed(model->calibration.upperBoundLog10, 2) << " by the reference data\n";
    if (out.minLr > 0)
        std::cout << "cut at LR >= " << out.minLr << ": " << cands.size() << " of " << listed << " candidates\n";
    std::cout << "  rank  candidate  case            item    CMC  High CMC" << (model ? "  log10 LR [95 %]" : "") << "\n";
    int printed = 0;
    for (const auto& c : cands) {
        if (++printed > out.top) break;
        std::printf("  %4d  %9lld  %-14s  %-6s  %3.0f  %8.0f", c.rank, static_cast<long long>(c.id), c.caseNumber.c_str(),
                    c.itemLabel.c_str(), c.score, c.scoreHigh);
        if (const auto lr = records::candidateLikelihoodRatio(c))
            std::printf("  %5.2f [%.2f, %.2f]%s", lr->log10Lr, lr->lowerLog10, lr->upperLog10,
                        lr->bound.empty() ? "" : (" at the " + lr->bound + " bound").c_str());
        std::printf("\n");
    }
}

void addCorrelate(CLI::App& app) {
    struct Correlate {
        StoreSession session;
        records::Id acquisition = 0;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        int top = 20;
        bool json = false, csv = false;
        std::string shortlist;
        double minLr = 0;
        CmcCliOptions cmc;
    };
    auto o = std::make_shared<Correlate>();
    CLI::App* cmd = app.add_subcommand("correlate", "Correlate an acquisition against the store (same caliber: breech faces by CMC; a land's bullet against the other bullets by land signatures) and store the ranked candidates");
    cmd->add_option("acquisition", o->acquisition, "Acquisition id")->required();
    cmd->add_option("--threads,-j", o->threads, "Worker threads")->check(CLI::Range(1, 256));
    cmd->add_option("--top", o->top, "Candidates to print")->capture_default_str();
    auto* json = cmd->add_flag("--json", o->json, "Print JSON");
    cmd->add_flag("--csv", o->csv, "Print the candidates as CSV")->excludes(json);
    cmd->add_option("--shortlist", o->shortlist,
                    "Holdings the first stage keeps, a count (500) or a share (25%), then after '/' how many of those the second stage keeps for CMC; "
                    "all: a full run; default 35%/200 (35 % at least 200, then 200)");
    cmd->add_option("--min-lr", o->minLr,
                    "Print only candidates whose likelihood ratio (store's calibration model) is at least this")
        ->check(CLI::PositiveNumber);
    addCmcOptions(*cmd, o->cmc);
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        auto store = o->session.open();
        const auto actor = o->session.login(store);
        const auto model = store.calibrationModel();
        if (o->minLr > 0 && !model) throw std::runtime_error("--min-lr: the store has no calibration model (striae calibration install)");
        Progress progress("correlating");
        const records::Shortlist shortlist = o->shortlist.empty() ? records::Shortlist{} : records::Shortlist::parse(o->shortlist);
        const auto run = store.correlate(
            actor, o->acquisition, o->cmc.parameters(), o->threads,
            [&](int done, int total) {
                progress.update(done, total);
                return true;
            },
            shortlist);
        progress.finish();
        printRun(store, run, {o->json, o->csv, o->top, o->minLr});
    });
}

struct Decision {
    StoreSession session;
    records::Id id = 0;
    std::string note, conclusion;
    bool lead = false, notLead = false, blind = false;
};

void addReview(CLI::App& app) {
    auto o = std::make_shared<Decision>();
    CLI::App* cmd = app.add_subcommand("review", "Record a technician's review of a candidate (lead or not a lead)");
    cmd->add_option("candidate", o->id, "Candidate id")->required();
    auto* lead = cmd->add_flag("--lead", o->lead, "The candidate is a lead");
    auto* notLead = cmd->add_flag("--not-lead", o->notLead, "The candidate is not a lead");
    lead->excludes(notLead);
    cmd->add_option("--note", o->note, "Note");
    o->session.addOptions(*cmd);
    cmd->callback([o] {
        if (!o->lead && !o->notLead) throw CLI::ValidationError("review", "say --lead or --not-lead");
        auto store = o->session.open();
        store.review(o->session.login(store), o->id, o->lead, o->note);
        std::cout << "candidate " << o->id << " reviewed: " << (o->lead ? "lead" : "not a lead") << '\n';
    });

    auto l = std::make_shared<Decision>();
    CLI::App* leadCmd = app.add_subcommand("lead", "Mark a candidate reviewed as a lead as a lead for examination");
    leadCmd->add_option("candidate", l->id, "Candidate id")->required();
    leadCmd->add_option("--note", l->note, "Note");
    l->session.addOptions(*leadCmd);
    leadCmd->callback([l] {
        auto store = l->session.open();
        const auto lead = store.markLead(l->session.login(store), l->id, l->note);
        std::cout << "lead " << lead.id << " opened for candidate " << l->id << '\n';
    });
}

void addExamination(CLI::App& app) {
    auto h = std::make_shared<Decision>();
    CLI::App* hit = app.add_subcommand("hit", "An examiner's conclusion on a lead (AFTE range); identification makes it a hit");
    hit->add_option("lead", h->id, "Lead id")->required();
    hit->add_option("--conclusion", h->conclusion, "identification, inconclusive_a|b|c, elimination, unsuitable")->required();
    hit->add_option("--note", h->note, "Note");
    h->session.addOptions(*hit);
    hit->callback([h] {
        auto store = h->session.open();
        const auto result = store.confirmHit(h->session.login(store), h->id, h->conclusion, h->note);
        std::cout << "lead " << h->id << " examined: " << result.conclusion << " (record " << result.id << ")\n";
    });

    auto v = std::make_shared<Decision>();
    CLI::App* verify = app.add_subcommand("verify", "Verification of a hit by a second examiner");
    verify->add_option("hit", v->id, "Hit id")->required();
    verify->add_option("--conclusion", v->conclusion, "The verifier's AFTE conclusion")->required();
    verify->add_flag("--blind", v->blind, "The verification was blind");
    verify->add_option("--note", v->note, "Note");
    v->session.addOptions(*verify);
    verify->callback([v] {
        auto store = v->session.open();
        store.verifyHit(v->session.login(store), v->id, v->conclusion, v->blind, v->note);
        std::cout << "hit " << v->id << " verified: " << v->conclusion << (v->blind ? " (blind)" : "") << '\n';
    });

    auto a = std::make_shared<Decision>();
    CLI::App* approve = app.add_subcommand("approve", "A supervisor's approval of a verified hit");
    approve->add_option("hit", a->id, "Hit id")->required();
    approve->add_option("--note", a->note, "Note");
    a->session.addOptions(*approve);
    approve->callback([a] {
        auto store = a->session.open();
        store.approveHit(a->session.login(store), a->id, a->note);
        std::cout << "hit " << a->id << " approved\n";
    });
}

}  // namespace

// A stored run again, as it was recorded (its candidates, their LRs and decisions), in any of the formats.
void addRunShow(CLI::App& app) {
    struct Show {
        StoreSession session;
        records::Id run = 0;
        RunOutput out;
    };
    auto o = std::make_shared<Show>();
    CLI::App* runCmd = app.add_subcommand("run", "Stored correlation runs");
    runCmd->require_subcommand(1);
    CLI::App* show = runCmd->add_subcommand("show", "A stored correlation run's candidates (text, --json or --csv)");
    show->add_option("run", o->run, "Correlation run id")->required();
    show->add_option("--top", o->out.top, "Candidates to print (text)")->capture_default_str();
    auto* json = show->add_flag("--json", o->out.json, "Print JSON");
    show->add_flag("--csv", o->out.csv, "Print the candidates as CSV")->excludes(json);
    show->add_option("--min-lr", o->out.minLr, "Only candidates whose likelihood ratio is at least this")->check(CLI::PositiveNumber);
    o->session.addOptions(*show, false);
    show->callback([o] {
        const auto store = o->session.open();
        if (o->out.minLr > 0 && !store.calibrationModel())
            throw std::runtime_error("--min-lr: the store has no calibration model (striae calibration install)");
        printRun(store, store.run(o->run), o->out);
    });
}

void addWorkflowCommands(CLI::App& app) {
    addCorrelate(app);
    addRunShow(app);
    addReview(app);
    addExamination(app);
}

}  // namespace striae::cli
