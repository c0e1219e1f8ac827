// The review workflow on the command line: correlate, review, lead, hit, verify, approve.
#include <CLI/CLI.hpp>

#include <cmath>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <iostream>
#include <memory>
#include <thread>

#include "CmcOptions.h"
#include "Commands.h"
#include "Format.h"
#include "Progress.h"
#include "StoreSession.h"

namespace striae::cli {

namespace {

void addCorrelate(CLI::App& app) {
    struct Correlate {
        StoreSession session;
        records::Id acquisition = 0;
        int threads = int(std::max(1u, std::thread::hardware_concurrency()));
        int top = 20;
        bool json = false;
        std::string shortlist;
        double minLr = 0;
        CmcCliOptions cmc;
    };
    auto o = std::make_shared<Correlate>();
    CLI::App* cmd = app.add_subcommand("correlate", "Correlate an acquisition against the store (same caliber: breech faces by CMC; a land's bullet against the other bullets by land signatures) and store the ranked candidates");
    cmd->add_option("acquisition", o->acquisition, "Acquisition id")->required();
    cmd->add_option("--threads,-j", o->threads, "Worker threads")->check(CLI::Range(1, 256));
    cmd->add_option("--top", o->top, "Candidates to print")->capture_default_str();
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->add_option("--shortlist", o->shortlist,
                    "Holdings compared by CMC after the first stage: a count (500), a share (25%) or all; default 20% (at least 200)");
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
        auto cands = store.candidates(run.id);
        const bool bullet = store.acquisition(run.queryAcquisitionId).region == "land";
        const std::size_t listed = cands.size();
        if (o->minLr > 0) {
            // The cut is the examiner's stopping rule: candidates below it are stored with the run, not printed.
            const double cut = std::log10(o->minLr);
            std::erase_if(cands, [&](const records::Candidate& c) {
                const auto lr = records::candidateLikelihoodRatio(c);
                return !lr || lr->log10Lr < cut - 1e-12;
            });
        }
        if (o->json) {
            Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
            out.set("run", run.id);
            out.set("query", run.queryAcquisitionId);
            out.set("method", bullet ? "bullet" : "cmc");
            if (!bullet) {
                out.set("holdings", run.holdings);
                out.set("fullyCompared", run.fullyCompared);
                out.set("shortlist", run.shortlist);
            }
            out.set("score", bullet ? "bullet score: mean CCF of the land pairs on the best phase (docs/bullets.md)"
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
                out.set("lrClass", model ? "validated likelihood ratio: " + model->label() : std::string("none: no calibration model"));
                if (o->minLr > 0) out.set("minLr", o->minLr), out.set("belowMinLr", int(listed - cands.size()));
            }
            out.set("candidates", arr);
            out.stringify(std::cout, 2);
            std::cout << '\n';
            return;
        }
        if (bullet) {
            std::cout << "bullet correlation run " << run.id << ": the bullet of acquisition " << run.queryAcquisitionId << " against "
                      << cands.size() << " bullets (score: mean CCF of the land pairs on the best phase; docs/bullets.md)\n"
                      << "  rank  candidate  case            item    score  mean CMPS\n";
            for (const auto& c : cands) {
                if (c.rank > o->top) break;
                std::printf("  %4d  %9lld  %-14s  %-6s  %5.3f  %9.1f\n", c.rank, static_cast<long long>(c.id), c.caseNumber.c_str(),
                            c.itemLabel.c_str(), c.score, c.scoreHigh);
            }
            return;
        }
        std::cout << "correlation run " << run.id << ": acquisition " << run.queryAcquisitionId << " against " << run.holdings
                  << " breech faces of its caliber, " << run.fullyCompared << " of them compared by CMC (shortlist " << run.shortlist
                  << (run.fullyCompared < run.holdings ? ", chosen by the first-stage signature; docs/search.md" : "")
                  << "; score: CMC count, original rule, a count, not a likelihood ratio; docs/cmc.md)\n";
        if (model)
            std::cout << "LR: " << model->label() << "; bounded to 10^" << fixed(model->calibration.lowerBoundLog10, 2) << " .. 10^"
                      << fixed(model->calibration.upperBoundLog10, 2) << " by the reference data\n";
        if (o->minLr > 0)
            std::cout << "cut at LR >= " << o->minLr << ": " << cands.size() << " of " << listed << " candidates\n";
        std::cout << "  rank  candidate  case            item    CMC  High CMC" << (model ? "  log10 LR [95 %]" : "") << "\n";
        int printed = 0;
        for (const auto& c : cands) {
            if (++printed > o->top) break;
            std::printf("  %4d  %9lld  %-14s  %-6s  %3.0f  %8.0f", c.rank, static_cast<long long>(c.id), c.caseNumber.c_str(),
                        c.itemLabel.c_str(), c.score, c.scoreHigh);
            if (const auto lr = records::candidateLikelihoodRatio(c))
                std::printf("  %5.2f [%.2f, %.2f]%s", lr->log10Lr, lr->lowerLog10, lr->upperLog10,
                            lr->bound.empty() ? "" : (" at the " + lr->bound + " bound").c_str());
            std::printf("\n");
        }
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

void addWorkflowCommands(CLI::App& app) {
    addCorrelate(app);
    addReview(app);
    addExamination(app);
}

}  // namespace striae::cli
