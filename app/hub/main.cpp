// striae-hub: the correlation hub server and its administration.
//   striae-hub serve --data DIR [--db URL] [--listen HOST:PORT] [--peer NAME=URL --peer-token NAME=TOKEN]...
//   striae-hub agency add CODE [--name NAME] [--peer]
//   striae-hub token issue AGENCY | token revoke TOKEN
//   striae-hub stats
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
#include "striae/sync/HubStore.h"

namespace {

struct Options {
    striae::sync::HubConfig config;
    std::string listen = "127.0.0.1:8470";
    std::vector<std::string> peers, peerTokens;
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
    std::string code, name;
    bool peer = false;
    agencyAdd->add_option("code", code, "Agency code")->required();
    agencyAdd->add_option("--full-name", name, "Agency name");
    agencyAdd->add_flag("--peer", peer, "A peer hub that replicates from this one");

    auto* token = app.add_subcommand("token", "Access tokens")->require_subcommand(1);
    auto* issue = token->add_subcommand("issue", "Issue a token for an agency (printed once; stored hashed)");
    issue->add_option("agency", code, "Agency code")->required();
    std::string scopes = "all";
    issue->add_option("--scope", scopes,
                      "What the token may do: all, or some of evidence (scans, leads), records (firearm records, seizure checks, "
                      "alerts), traces (trace requests), joined by commas")
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
            store.addAgency(code, name, peer);
            std::cout << (peer ? "peer hub " : "agency ") << code << " added\n";
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
