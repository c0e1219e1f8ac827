// striae sync configure|push|pull|status: the local store and a hub.
#include <CLI/CLI.hpp>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <memory>

#include "Commands.h"
#include "Progress.h"
#include "StoreSession.h"
#include "striae/sync/HubError.h"
#include "striae/sync/SyncClient.h"

namespace striae::cli {

namespace {

void printReport(const sync::SyncReport& r, bool json, bool pull = false) {
    if (json) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("queued", r.queued);
        o.set("pushed", r.pushed);
        o.set("alreadyHeld", r.alreadyHeld);
        o.set("failed", r.failed);
        o.set("listsPulled", r.listsPulled);
        o.set("candidates", r.candidates);
        o.set("scansFetched", r.scansFetched);
        o.set("outcomesReported", r.outcomesReported);
        o.set("recordsShared", r.recordsShared);
        o.set("recordsWithdrawn", r.recordsWithdrawn);
        o.set("noticesPulled", r.noticesPulled);
        o.set("alertsPulled", r.alertsPulled);
        o.set("referencesTaken", r.referencesTaken);
        o.set("referenceVersion", r.referenceVersion);
        Poco::JSON::Array errors;
        for (const auto& e : r.errors) errors.add(e);
        o.set("errors", errors);
        o.stringify(std::cout);
        std::cout << '\n';
        return;
    }
    if (pull) {
        std::cout << "lead lists pulled " << r.listsPulled << " (" << r.candidates << " candidates, " << r.scansFetched
                  << " scans fetched); firearm notices " << r.noticesPulled << ", network alerts " << r.alertsPulled;
        if (r.referenceVersion) std::cout << "; reference table version " << r.referenceVersion << " (" << r.referencesTaken << " references)";
        std::cout << '\n';
        for (const auto& e : r.errors) std::cout << "  error: " << e << '\n';
        return;
    }
    std::cout << "queued " << r.queued << ", pushed " << r.pushed << ", already at the hub " << r.alreadyHeld << ", failed "
              << r.failed << "; outcomes reported " << r.outcomesReported << "; firearm records shared " << r.recordsShared
              << ", withdrawn " << r.recordsWithdrawn << '\n';
    for (const auto& e : r.errors) std::cout << "  error: " << e << '\n';
}

}  // namespace

void addSyncCommands(CLI::App& app) {
    CLI::App* sync = app.add_subcommand("sync", "Exchange with a correlation hub: push acquisitions, pull lead lists")
                         ->require_subcommand(1);

    struct Configure {
        StoreSession session;
        std::string hub, agency, scope;
        bool tokenStdin = false;
    };
    auto c = std::make_shared<Configure>();
    CLI::App* configure = sync->add_subcommand("configure", "Set the hub's address, this agency's code and its token (administrators)");
    configure->add_option("--hub", c->hub, "Hub address, http(s)://host:port")->required();
    configure->add_option("--agency", c->agency, "This agency's code at the hub")->required();
    configure->add_option("--scope", c->scope, "Where new pushes ask to be searched: national (default), international or both "
                                               "(the case flag of the national hub's participation agreement)")
        ->check(CLI::IsMember({"national", "international", "both"}));
    configure->add_flag("--token-stdin", c->tokenStdin, "Read the hub token from stdin (after the password, if that comes from stdin too); else $STRIAE_HUB_TOKEN");
    c->session.addOptions(*configure);
    configure->callback([c] {
        auto store = c->session.open();
        const auto actor = c->session.login(store);
        const std::string token = StoreSession::password(c->tokenStdin, "STRIAE_HUB_TOKEN");
        store.setSyncSetting(actor, "hub_url", c->hub);
        store.setSyncSetting(actor, "agency", c->agency);
        store.setSyncSetting(actor, "hub_token", token);
        if (!c->scope.empty()) store.setSyncSetting(actor, "search_scope", c->scope);
        std::cout << "hub " << c->hub << " configured for agency " << c->agency
                  << (c->scope.empty() ? "" : "; pushes searched " + c->scope) << '\n';
        if (!token.empty()) std::cout << "token kept in " << store.secretLocation("hub_token") << '\n';
    });

    struct Exchange {
        StoreSession session;
        bool json = false;
        int timeout = 30;
    };
    auto p = std::make_shared<Exchange>();
    CLI::App* push = sync->add_subcommand("push", "Queue new acquisitions and send what is due (failed sends retry with backoff); report review outcomes");
    push->add_flag("--json", p->json, "Print JSON");
    push->add_option("--timeout", p->timeout, "Seconds to wait for the hub");
    p->session.addOptions(*push);
    push->callback([p] {
        auto store = p->session.open();
        const auto actor = p->session.login(store);
        sync::SyncClient client(store, actor, p->timeout);
        Progress progress("pushing");
        const auto report = client.push([&](int done, int total) {
            progress.update(done, total);
            return true;
        });
        progress.finish();
        printReport(report, p->json);
        if (report.failed > 0) throw std::runtime_error(std::to_string(report.failed) + " acquisition(s) not sent; they stay queued for retry");
    });

    auto q = std::make_shared<Exchange>();
    CLI::App* pull = sync->add_subcommand("pull", "Pull new and changed lead lists into the store as hub correlation runs");
    pull->add_flag("--json", q->json, "Print JSON");
    pull->add_option("--timeout", q->timeout, "Seconds to wait for the hub");
    q->session.addOptions(*pull);
    pull->callback([q] {
        auto store = q->session.open();
        const auto actor = q->session.login(store);
        sync::SyncClient client(store, actor, q->timeout);
        printReport(client.pull(), q->json, true);
    });

    struct Decide {
        StoreSession session;
        records::Id acquisition = 0;
        bool undo = false;
    };
    auto d = std::make_shared<Decide>();
    CLI::App* disclose = sync->add_subcommand("disclose", "Let other agencies fetch a scan this store pushed (a bullet's land: all its lands) for side-by-side review");
    disclose->add_option("acquisition", d->acquisition, "Acquisition id (local)")->required();
    disclose->add_flag("--undo", d->undo, "Stop disclosing");
    d->session.addOptions(*disclose);
    disclose->callback([d] {
        auto store = d->session.open();
        const auto actor = d->session.login(store);
        const int n = sync::SyncClient(store, actor).disclose(d->acquisition, !d->undo);
        std::cout << n << " hub acquisition(s) " << (d->undo ? "no longer disclosed" : "disclosed") << '\n';
    });
    struct Scope {
        StoreSession session;
        records::Id acquisition = 0;
        std::string scope;
    };
    auto sc = std::make_shared<Scope>();
    CLI::App* scopeCmd = sync->add_subcommand("scope", "Where the hub searches a scan this store pushed: national, international or both "
                                                       "(forwarded to the international tier if the national hub's agreement allows it)");
    scopeCmd->add_option("acquisition", sc->acquisition, "Acquisition id (local)")->required();
    scopeCmd->add_option("scope", sc->scope, "national, international or both")->required()->check(CLI::IsMember({"national", "international", "both"}));
    sc->session.addOptions(*scopeCmd);
    scopeCmd->callback([sc] {
        auto store = sc->session.open();
        const auto actor = sc->session.login(store);
        const int n = sync::SyncClient(store, actor).setScope(sc->acquisition, sc->scope);
        std::cout << n << " hub acquisition(s) now searched " << sc->scope << '\n';
    });
    auto w = std::make_shared<Decide>();
    CLI::App* withdraw = sync->add_subcommand("withdraw", "Withdraw a scan this store pushed from the hub and its peers (a bullet's land: all its lands)");
    withdraw->add_option("acquisition", w->acquisition, "Acquisition id (local)")->required();
    w->session.addOptions(*withdraw);
    withdraw->callback([w] {
        auto store = w->session.open();
        const auto actor = w->session.login(store);
        std::cout << sync::SyncClient(store, actor).withdraw(w->acquisition) << " hub acquisition(s) withdrawn\n";
    });

    auto s = std::make_shared<Exchange>();
    CLI::App* status = sync->add_subcommand("status", "The outbox (queued, sent, failed) and the last contact with the hub");
    status->add_flag("--json", s->json, "Print JSON");
    s->session.addOptions(*status, false);
    status->callback([s] {
        auto store = s->session.open();
        const auto st = store.syncStatus();
        if (s->json) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("hub", st.hubUrl);
            o.set("agency", st.agencyCode);
            o.set("queued", st.queued);
            o.set("sent", st.sent);
            o.set("failed", st.failed);
            o.set("lastContact", st.lastContact);
            o.set("lastAttempt", st.lastAttempt);
            o.set("lastError", st.lastError);
            o.stringify(std::cout);
            std::cout << '\n';
            return;
        }
        std::cout << "hub:          " << (st.hubUrl.empty() ? "(not configured)" : st.hubUrl) << "  agency " << st.agencyCode << '\n'
                  << "outbox:       " << st.queued << " queued, " << st.sent << " sent, " << st.failed << " failed\n"
                  << "last contact: " << (st.lastContact.empty() ? "never" : st.lastContact) << '\n';
        if (!st.lastError.empty()) std::cout << "last error:   " << st.lastError << " (" << st.lastAttempt << ")\n";
        for (const auto& e : store.outbox())
            if (e.state == "failed")
                std::cout << "  acquisition " << e.acquisitionId << ": " << e.attempts << " attempt(s), next " << e.nextAttemptAt
                          << ": " << e.lastError << '\n';
    });
}

}  // namespace striae::cli
