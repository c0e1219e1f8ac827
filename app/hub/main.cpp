// striae-hub: the correlation hub server and its administration.
//   striae-hub serve --data DIR [--db URL] [--listen HOST:PORT] [--peer NAME=URL --peer-token NAME=TOKEN]...
//   striae-hub agency add CODE [--name NAME] [--peer]
//   striae-hub token issue AGENCY | token revoke TOKEN
//   striae-hub stats [--tiers]
//   striae-hub tier national --country CC | tier international | tier show
//   striae-hub agreement set ... | agreement revoke ... | agreement show     (a national hub's participation agreement)
//   striae-hub audit [--verify]
// Every option may also come from a config file (--config hub.ini, INI/TOML).
// Exit codes: 0 ok, 1 failure, 2 usage.
#include <CLI/CLI.hpp>
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Environment.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>

#include "striae/sync/CorrelationQueue.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubServer.h"
#include "striae/sync/HubStatistics.h"
#include "striae/sync/HubJson.h"
#include "striae/records/Statistics.h"
#include "striae/sync/HubFirearms.h"
#include "striae/sync/HubFederation.h"
#include "striae/sync/HubStore.h"
#include "striae/sync/HubSubmissions.h"
#include "striae/sync/HubTierJson.h"
#include "striae/sync/TierStatistics.h"

namespace {

struct Options {
    striae::sync::HubConfig config;
    std::string listen = "127.0.0.1:8470";
    std::vector<std::string> peers, peerTokens, internationals, internationalTokens;
    std::string portFile;
    int maxUploadMb = 512;
    std::string shortlist;
};

void setUpLogging() {
    Poco::AutoPtr<Poco::PatternFormatter> format(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S %p %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(format, new Poco::ConsoleChannel(std::cerr)));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::get("striae-hub").setChannel(channel);
}

std::map<std::string, std::string> pairs(const std::vector<std::string>& items, const std::string& option) {
    std::map<std::string, std::string> out;
    for (const auto& item : items) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) throw CLI::ValidationError(option, "expected NAME=VALUE, got '" + item + "'");
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

void resolve(Options& o) {
    const auto colon = o.listen.rfind(':');
    if (colon == std::string::npos) throw CLI::ValidationError("--listen", "expected HOST:PORT");
    o.config.host = o.listen.substr(0, colon);
    try {
        o.config.port = std::stoi(o.listen.substr(colon + 1));
    } catch (const std::exception&) {
        throw CLI::ValidationError("--listen", "port '" + o.listen.substr(colon + 1) + "' is not a number");
    }
    o.config.maxUploadBytes = std::int64_t(o.maxUploadMb) << 20;
    if (!o.shortlist.empty()) try {
            o.config.shortlist = striae::records::Shortlist::parse(o.shortlist);
        } catch (const std::exception& e) {
            throw CLI::ValidationError("--shortlist", e.what());
        }
    const auto urls = pairs(o.peers, "--peer");
    const auto tokens = pairs(o.peerTokens, "--peer-token");
    for (const auto& [name, url] : urls) {
        const auto t = tokens.find(name);
        if (t == tokens.end()) throw CLI::ValidationError("--peer-token", "no token for peer " + name);
        o.config.peers.push_back({name, url, t->second});
    }
    // In the order given: the first is tried first.
    const auto intlTokens = pairs(o.internationalTokens, "--international-token");
    for (const auto& item : o.internationals) {
        const auto one = pairs({item}, "--international");
        const auto& [name, url] = *one.begin();
        const auto t = intlTokens.find(name);
        if (t == intlTokens.end()) throw CLI::ValidationError("--international-token", "no token for international hub " + name);
        o.config.internationalHubs.push_back({name, url, t->second});
    }
}

std::sig_atomic_t volatile stopRequested = 0;
void onSignal(int) { stopRequested = 1; }

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"striae-hub: the Striae correlation hub (push acquisitions, pull lead lists, replicate)", "striae-hub"};
    app.set_version_flag("--version", std::string("striae-hub ") + STRIAE_VERSION);
    app.set_config("--config", "", "Read options from an INI or TOML file");
    app.require_subcommand(1);
    Options o;
    app.add_option("--data", o.config.dataDir, "Folder of the hub's scans (and hub.db)")->required();
    app.add_option("--db", o.config.databaseUrl, "Database: sqlite:PATH (default DIR/hub.db) or postgresql:CONNINFO");
    app.add_option("--name", o.config.name, "This hub's name, as its peers know it");

    auto* serve = app.add_subcommand("serve", "Run the hub");
    serve->add_option("--listen", o.listen, "Address and port (port 0: any free port)");
    serve->add_option("--port-file", o.portFile, "Write the port to this file once listening");
    serve->add_option("--workers", o.config.workers, "Correlation threads (0: hold and queue only)");
    serve->add_option("--list-size", o.config.listSize, "Candidates kept per lead list");
    serve->add_option("--shortlist", o.shortlist,
                      "Holdings the first stage keeps of a partition, a count (500) or a share (20%), then after '/' how many of those "
                      "the second stage keeps for CMC; all: a full run; default 35%/200");
    serve->add_option("--calibration", o.config.calibrationModelFile,
                      "Calibration model (striae calibrate): breech-face candidates carry its likelihood ratio")
        ->check(CLI::ExistingFile);
    serve->add_option("--max-upload-mb", o.maxUploadMb, "Largest scan accepted, MiB");
    serve->add_option("--peer", o.peers, "Peer hub to replicate from: NAME=URL (repeatable)");
    serve->add_option("--peer-token", o.peerTokens, "Token the peer issued to this hub: NAME=TOKEN");
    serve->add_option("--replication-interval-ms", o.config.replicationIntervalMs, "How often to pull each peer's feed");
    serve->add_option("--international", o.internationals,
                      "A national hub: an international hub to forward to under the participation agreement, NAME=URL (repeatable; "
                      "tried in order, the next when one cannot be reached)");
    serve->add_option("--international-token", o.internationalTokens, "Token the international hub issued to this hub: NAME=TOKEN");
    serve->add_option("--forward-interval-ms", o.config.forwardIntervalMs, "How often to look for what to forward and for international lists");
    serve->add_option("--certificate", o.config.certificateFile, "PEM certificate: serve HTTPS");
    serve->add_option("--private-key", o.config.privateKeyFile, "PEM private key of the certificate");
    serve->add_flag("--insecure-http", o.config.allowPlainHttp,
                    "Listen without TLS on a non-loopback address (only behind a TLS-terminating proxy)");
    serve->add_option("--max-connections", o.config.maxConnections, "Requests handled at once")->capture_default_str();
    serve->add_option("--max-connections-per-client", o.config.maxConnectionsPerClient,
                      "Open connections per client address; more are refused with 429")->capture_default_str();
    serve->add_option("--request-timeout", o.config.requestTimeoutSeconds,
                      "Seconds a request may pause while sending (slow clients are dropped with 408)")->capture_default_str();
    serve->add_option("--rate", o.config.requestsPerSecond, "Requests per second per token (0: unlimited)")->capture_default_str();
    serve->add_option("--burst", o.config.requestBurst, "Requests at once per token")->capture_default_str();

    auto* worker = app.add_subcommand("worker", "Take correlation jobs from the hub's PostgreSQL queue (any number, on any machine; "
                                                "the serving hub then needs no --workers)");
    int workerThreads = 1, leaseSeconds = 60;
    striae::sync::WorkerLease lease;
    worker->add_option("--threads", workerThreads, "Correlation threads in this process")->capture_default_str()->check(CLI::Range(1, 256));
    worker->add_option("--id", lease.worker, "This worker's name in the job table (default: HUB@HOST:PID)");
    worker->add_option("--lease-seconds", leaseSeconds, "A job this worker stops renewing (it died) is taken again after this long")
        ->capture_default_str()
        ->check(CLI::Range(1, 86400));
    worker->add_option("--index", lease.indexPath, "Where this worker keeps its first-stage index (default: DATA/search-ID.index)");
    worker->add_option("--list-size", o.config.listSize, "Candidates kept per lead list")->capture_default_str();
    worker->add_option("--calibration", o.config.calibrationModelFile, "As for serve: the calibration model for LRs")
        ->check(CLI::ExistingFile);
    worker->add_option("--shortlist", o.shortlist, "As for serve: the first and second stages' shortlists (default 35%/200)");

    auto* agency = app.add_subcommand("agency", "Agencies")->require_subcommand(1);
    auto* agencyAdd = agency->add_subcommand("add", "Register an agency (or, with --peer, a peer hub)");
    std::string code, name, nationalOf, ncbOf;
    bool peer = false, operatorAccount = false;
    agencyAdd->add_option("code", code, "Agency code")->required();
    agencyAdd->add_option("--full-name", name, "Agency name");
    auto* peerFlag = agencyAdd->add_flag("--peer", peer, "A peer hub that replicates from this one");
    auto* nationalFlag = agencyAdd->add_option("--national", nationalOf, "An international hub: the national hub of country CC, which forwards to this one");
    auto* ncbFlag = agencyAdd->add_option("--ncb", ncbOf, "An international hub: the National Central Bureau of country CC");
    auto* operatorFlag = agencyAdd->add_flag("--operator", operatorAccount, "An international hub: its operators, who search on countries' behalf");
    peerFlag->excludes(nationalFlag)->excludes(ncbFlag)->excludes(operatorFlag);
    nationalFlag->excludes(ncbFlag)->excludes(operatorFlag);
    ncbFlag->excludes(operatorFlag);

    auto* token = app.add_subcommand("token", "Access tokens")->require_subcommand(1);
    auto* issue = token->add_subcommand("issue", "Issue a token for an agency (printed once; stored hashed)");
    issue->add_option("agency", code, "Agency code")->required();
    std::string scopes = "all";
    issue->add_option("--scope", scopes,
                      "What the token may do: all, or some of evidence (scans, leads), records (firearm records, seizure checks, "
                      "alerts), traces (trace requests), federation (a national hub forwarding), submissions (searches on a "
                      "country's behalf), joined by commas")
        ->capture_default_str();
    auto* revoke = token->add_subcommand("revoke", "Revoke a token");
    std::string tokenText;
    revoke->add_option("token", tokenText, "The token")->required();

    auto* reftable = app.add_subcommand("reftable", "The firearms reference table the hub distributes to its agencies' stores")->require_subcommand(1);
    auto* reftableImport = reftable->add_subcommand("import", "Import a new version (the JSON of striae reftable export); stores take it at their next pull");
    std::string reftableFile;
    reftableImport->add_option("file", reftableFile, "JSON file")->required()->check(CLI::ExistingFile);

    auto* stats = app.add_subcommand("stats", "Per-agency counts, and the NIBIN metrics: turnaround, leads and hits per month, "
                                              "agency and caliber, backlog, confirmation rate, outcomes");
    striae::records::StatisticsFilter statsFilter;
    bool statsJson = false;
    stats->add_option("--from", statsFilter.from, "Period start, ISO date (inclusive)");
    stats->add_option("--to", statsFilter.to, "Period end, ISO date (inclusive)");
    stats->add_option("--agency", statsFilter.agency, "Only this agency's evidence");
    stats->add_option("--caliber", statsFilter.caliber, "Only this caliber");
    stats->add_flag("--json", statsJson, "Print JSON (the body of GET /v1/stats)");
    bool statsTiers = false;
    std::string statsCountry;
    stats->add_flag("--tiers", statsTiers, "Per tier: holdings, international searches, cross-border leads and hits per country "
                                           "(the body of GET /v1/stats/tiers with --json)");
    stats->add_option("--country", statsCountry, "With --tiers: only this country");

    auto* tier = app.add_subcommand("tier", "This hub's tier: national (its agencies push to it) or international (national hubs forward to it)")
                     ->require_subcommand(1);
    auto* tierNational = tier->add_subcommand("national", "A national hub of one country");
    std::string tierCountry;
    tierNational->add_option("--country", tierCountry, "ISO 3166 code of the country (FR, KEN)")->required();
    auto* tierInternational = tier->add_subcommand("international", "An international hub: national hubs forward to it");
    auto* tierShow = tier->add_subcommand("show", "Print the tier and country");

    auto* agreement = app.add_subcommand("agreement", "A national hub's participation agreement with the international tier")->require_subcommand(1);
    auto* agreementSet = agreement->add_subcommand("set", "Put a new version in force (audited); the hub forwards by it from its next pass");
    striae::sync::ParticipationAgreement rules;
    std::string agreementBy;
    bool everyPush = false;
    agreementSet->add_option("--calibers", rules.calibers, "Only these calibers (repeat or separate by commas; default all)")->delimiter(',');
    agreementSet->add_option("--item-types", rules.itemTypes, "Only these item types: cartridge_case, bullet (default both)")->delimiter(',');
    agreementSet->add_option("--agencies", rules.agencies, "Only these agencies' pushes (default every agency of this hub)")->delimiter(',');
    agreementSet->add_flag("--every-push", everyPush,
                           "Forward every push the rules allow; without it only pushes whose scope asks for the international tier "
                           "(the case flag: scope international or both)");
    agreementSet->add_option("--by", agreementBy, "Who records it")->required();
    agreementSet->add_option("--note", rules.note, "The agreement's reference or a note");
    auto* agreementRevoke = agreement->add_subcommand("revoke", "Revoke it: what was forwarded is withdrawn from the international tier");
    std::string revokeNote;
    agreementRevoke->add_option("--by", agreementBy, "Who records it")->required();
    agreementRevoke->add_option("--note", revokeNote, "Why");
    auto* agreementShow = agreement->add_subcommand("show", "The agreement in force, its versions, and what was forwarded");
    bool agreementJson = false;
    agreementShow->add_flag("--json", agreementJson, "Print JSON");

    auto* audit = app.add_subcommand("audit", "The hub's audit trail of decisions between tiers (agreements, submissions on behalf)");
    bool auditVerify = false;
    audit->add_flag("--verify", auditVerify, "Check the chain of hashes; exit 1 naming the first entry that does not hold");

    try {
        app.parse(argc, argv);
        setUpLogging();
        using namespace striae::sync;
        if (serve->parsed()) {
            resolve(o);
            HubServer hub(o.config);
            hub.start();
            std::signal(SIGINT, onSignal);
            std::signal(SIGTERM, onSignal);
            Poco::Logger::get("striae-hub").information("hub " + o.config.name + " listening on " + o.config.host + ":" +
                                                        std::to_string(hub.port()) + " (" +
                                                        (o.config.databaseUrl.empty() ? "sqlite" : "postgresql") + ")");
            if (!o.portFile.empty()) {
                const std::string temp = o.portFile + ".tmp";
                std::ofstream(temp) << hub.port() << '\n';
                std::rename(temp.c_str(), o.portFile.c_str());
            }
            while (!stopRequested) pause();
            Poco::Logger::get("striae-hub").information("stopping");
            hub.stop();
            return 0;
        }
        if (worker->parsed()) {
            if (o.config.databaseUrl.rfind("postgresql:", 0) != 0)
                throw CLI::ValidationError("--db", "a worker takes jobs from a PostgreSQL queue (--db postgresql:...); "
                                                   "a SQLite hub correlates in its serving process (serve --workers N)");
            if (!o.shortlist.empty()) try {
                    o.config.shortlist = striae::records::Shortlist::parse(o.shortlist);
                } catch (const std::exception& e) {
                    throw CLI::ValidationError("--shortlist", e.what());
                }
            HubStore store(o.config.dataDir, o.config.databaseUrl, o.config.name);
            lease.leaseMs = std::int64_t(leaseSeconds) * 1000;
            if (lease.worker.empty()) lease.worker = o.config.name + "@" + Poco::Environment::nodeName() + ":" + std::to_string(::getpid());
            if (lease.indexPath.empty()) {
                std::string file = lease.worker;
                for (char& c : file)
                    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
                lease.indexPath = o.config.dataDir + "/search-" + file + ".index";
            }
            CorrelationQueue queue(store, workerThreads, o.config.listSize, o.config.shortlist, lease);
            if (!o.config.calibrationModelFile.empty())
                queue.setCalibrationModel(striae::matching::readCalibrationModel(o.config.calibrationModelFile));
            std::signal(SIGINT, onSignal);
            std::signal(SIGTERM, onSignal);
            queue.start();
            Poco::Logger::get("striae-hub").information("worker " + lease.worker + " taking jobs (" + std::to_string(workerThreads) +
                                                        " threads, lease " + std::to_string(leaseSeconds) + " s)");
            while (!stopRequested) pause();
            Poco::Logger::get("striae-hub").information("worker stopping; a job in progress goes back to the queue");
            queue.stop();
            return 0;
        }
        HubStore store(o.config.dataDir, o.config.databaseUrl, o.config.name);
        if (agencyAdd->parsed()) {
            if (!nationalOf.empty()) store.addAccount(code, name, "national", nationalOf);
            else if (!ncbOf.empty()) store.addAccount(code, name, "ncb", ncbOf);
            else if (operatorAccount) store.addAccount(code, name, "operator", "");
            else store.addAgency(code, name, peer);
            std::cout << (peer ? "peer hub " : !nationalOf.empty() ? "national hub of " + nationalOf + " "
                                                : !ncbOf.empty()    ? "National Central Bureau of " + ncbOf + " "
                                                : operatorAccount   ? std::string("operators' account ")
                                                                    : std::string("agency "))
                      << code << " added\n";
        } else if (tierNational->parsed() || tierInternational->parsed()) {
            store.setTier(tierNational->parsed() ? "national" : "international", tierCountry);
            std::cout << "tier " << store.tier() << (store.country().empty() ? "" : " (" + store.country() + ")") << '\n';
        } else if (tierShow->parsed()) {
            std::cout << "tier " << store.tier() << (store.country().empty() ? "" : " (" + store.country() + ")") << '\n';
        } else if (agreementSet->parsed() || agreementRevoke->parsed() || agreementShow->parsed()) {
            HubFederation federation(store);
            if (agreementSet->parsed()) {
                rules.flaggedOnly = !everyPush;
                const auto set = federation.setAgreement(rules, agreementBy);
                std::cout << "agreement version " << set.version << " in force\n";
            } else if (agreementRevoke->parsed()) {
                const auto revoked = federation.revokeAgreement(agreementBy, revokeNote);
                std::cout << "agreement revoked (version " << revoked.version << "); what was forwarded is withdrawn from the international tier\n";
            } else if (agreementJson) {
                std::cout << json::write(federation.agreement()) << '\n';
            } else {
                for (const auto& a : federation.agreementHistory())
                    std::cout << "version " << a.version << (a.active ? " in force" : " revoked") << ", by " << a.recordedBy << ": "
                              << json::writeAgreementRules(a) << (a.note.empty() ? "" : "  " + a.note) << '\n';
                std::map<std::string, int> states;
                for (const auto& f : federation.forwardStates()) ++states[f.state];
                std::cout << "forwarded " << states["forwarded"] << ", withdrawn " << states["withdrawn"] << ", refused " << states["refused"] << '\n';
            }
        } else if (audit->parsed()) {
            HubAuditLog log(store.database());
            if (auditVerify) {
                if (const auto broken = log.verify()) {
                    std::cerr << "striae-hub: error: the audit trail does not hold at entry " << *broken << '\n';
                    return 1;
                }
                std::cout << "audit trail whole: " << log.entries().size() << " entries\n";
                return 0;
            }
            for (const auto& e : log.entries()) std::cout << e.seq << '\t' << e.at << '\t' << e.actor << '\t' << e.event << '\t' << e.detail << '\n';
        } else if (stats->parsed() && statsTiers) {
            HubFederation federation(store);  // their tables, on a hub that never served
            HubSubmissions submissions(store, federation.audit(), o.config.dataDir + "/reports");
            const auto figures = tierStatistics(store, statsFilter.from, statsFilter.to, statsCountry);
            if (statsJson) {
                std::cout << json::write(figures) << '\n';
                return 0;
            }
            std::cout << "tier " << figures.tier << (figures.country.empty() ? "" : " (" + figures.country + ")") << '\n';
            std::cout << std::left << std::setw(9) << "country" << std::right << std::setw(10) << "holdings" << std::setw(11) << "withdrawn"
                      << std::setw(16) << "intl searches" << std::setw(14) << "cross-border" << std::setw(7) << "hits" << std::setw(11)
                      << "on behalf" << '\n';
            for (const auto& c : figures.countries)
                std::cout << std::left << std::setw(9) << (c.country.empty() ? "-" : c.country) << std::right << std::setw(10) << c.holdings
                          << std::setw(11) << c.withdrawn << std::setw(16) << c.internationalSearches << std::setw(14) << c.crossBorderLeads
                          << std::setw(7) << c.crossBorderHits << std::setw(11) << c.submissions << '\n';
            if (figures.tier == "national")
                std::cout << "to the international tier: forwarded " << figures.forwarded << ", refused " << figures.refused << ", withdrawn "
                          << figures.withdrawnFromInternational << "; international lists " << figures.internationalLists << '\n';
        } else if (issue->parsed()) {
            std::cout << store.issueToken(code, scopes) << '\n';
        } else if (revoke->parsed()) {
            store.revokeToken(tokenText);
            std::cout << "token revoked\n";
        } else if (reftableImport->parsed()) {
            std::ifstream in(reftableFile, std::ios::binary);
            const std::string json((std::istreambuf_iterator<char>(in)), {});
            HubFirearms firearms(store.database());
            const auto imported = firearms.importReferenceTable(json);
            std::cout << "reference table version " << imported.version << ": " << imported.references << " references\n";
        } else if (stats->parsed()) {
            const auto figures = hubStatistics(store.database(), statsFilter);
            if (statsJson) {
                std::cout << json::write(store.stats(statsFilter.agency), striae::records::statisticsJson(figures)) << '\n';
                return 0;
            }
            std::cout << std::left << std::setw(16) << "agency" << std::right << std::setw(13) << "acquisitions"
                      << std::setw(10) << "withdrawn" << std::setw(8) << "leads" << std::setw(7) << "hits" << std::setw(12)
                      << "eliminated" << std::setw(16) << "median h->lead" << '\n';
            for (const auto& s : store.stats())
                std::cout << std::left << std::setw(16) << s.agency << std::right << std::setw(13) << s.acquisitions
                          << std::setw(10) << s.withdrawn << std::setw(8) << s.leads << std::setw(7) << s.hits << std::setw(12)
                          << s.eliminated << std::setw(16) << std::fixed << std::setprecision(2) << s.medianHoursToLead << '\n';
            std::cout << '\n' << striae::records::statisticsText(figures);
        }
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "striae-hub: error: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
