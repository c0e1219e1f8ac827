#pragma once
// striae-hub: the correlation hub. A Poco HTTP(S) server over a HubStore,
// with correlation workers and one replicator per peer hub.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "striae/records/Types.h"
#include "striae/sync/PeerReplicator.h"

namespace striae::sync {

class HubStore;
class CorrelationQueue;
class HubFirearms;
class HubFederation;
class HubSubmissions;
class Forwarder;
class RateLimiter;

struct HubConfig {
    std::string dataDir;                  // scans (and hub.db unless databaseUrl is set)
    std::string databaseUrl;              // empty: sqlite:<dataDir>/hub.db; or postgresql:<conninfo>
    std::string name = "hub";             // this hub's name in change feeds
    std::string host = "127.0.0.1";
    int port = 8470;                      // 0: any free port
    int workers = 2;                      // correlation threads (0: hold and queue only)
    int listSize = 20;                    // candidates kept per lead list
    records::Shortlist shortlist;         // holdings CMC compares after the first stage (docs/search.md)
    std::string calibrationModelFile;     // a `striae calibrate` model: candidates carry its LR (docs/validation.md)
    std::int64_t maxUploadBytes = 512LL << 20;
    std::string certificateFile, privateKeyFile;  // both set: HTTPS
    std::vector<PeerConfig> peers;
    int replicationIntervalMs = 2000;
    // A national hub: the international hubs it forwards to under its participation agreement, in the
    // order tried (docs/hub-api.md, "Tiers"), and how often it looks for what to forward and for lists.
    std::vector<PeerConfig> internationalHubs;
    int forwardIntervalMs = 2000;
    int maxConnections = 32;              // requests handled at once (threads)
    int maxConnectionsPerClient = 8;      // open connections per client address; more are refused with 429
    int requestTimeoutSeconds = 15;       // a request whose next bytes take longer is dropped (408)
    int keepAliveSeconds = 5;             // an idle keep-alive connection is closed
    double requestsPerSecond = 50;        // per token, sustained; more get 429
    int requestBurst = 200;               // per token, at once
    bool allowPlainHttp = false;          // listen without TLS on a non-loopback address
};

class HubServer {
public:
    explicit HubServer(HubConfig config);
    ~HubServer();
    void start();
    void stop();
    int port() const;
    HubStore& store();
    CorrelationQueue& queue();
    HubFirearms& firearms();  // records, seizure checks, traces, alerts
    HubFederation& federation();      // the participation agreement, what was forwarded, the international lists
    HubSubmissions& submissions();    // searches on a country's behalf (an international hub)
    Forwarder* forwarder();           // the link to the international tier (nullptr: none configured)
    RateLimiter& rateLimiter();
    const HubConfig& config() const { return config_; }

    struct Impl;

private:
    HubConfig config_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace striae::sync
