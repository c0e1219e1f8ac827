#include "striae/sync/HubServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <filesystem>

#include "HubConnection.h"
#include "HubRequestHandler.h"
#include "RateLimiter.h"
#include "striae/sync/HubError.h"
#include "striae/sync/CorrelationQueue.h"
#include "striae/sync/Forwarder.h"
#include "striae/sync/HubFederation.h"
#include "striae/sync/HubFirearms.h"
#include "striae/sync/HubSubmissions.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

struct HubServer::Impl {
    std::unique_ptr<HubStore> store;
    std::unique_ptr<CorrelationQueue> queue;
    std::unique_ptr<HubFirearms> firearms;
    std::unique_ptr<HubFederation> federation;
    std::unique_ptr<HubSubmissions> submissions;
    std::unique_ptr<Forwarder> forwarder;
    std::vector<std::unique_ptr<PeerReplicator>> replicators;
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    std::unique_ptr<ConnectionRegistry> connections;
    std::unique_ptr<RateLimiter> rateLimiter;
    std::unique_ptr<Poco::Net::TCPServer> server;
};

namespace {
bool isLoopback(const std::string& host) {
    if (host == "localhost") return true;
    try {
        return Poco::Net::IPAddress(host).isLoopback();
    } catch (...) {
        return false;
    }
}
}  // namespace

HubServer::HubServer(HubConfig config) : config_(std::move(config)), impl_(std::make_unique<Impl>()) {
    impl_->store = std::make_unique<HubStore>(config_.dataDir, config_.databaseUrl, config_.name, /*ownsUploads=*/true);
    impl_->firearms = std::make_unique<HubFirearms>(impl_->store->database(), (std::filesystem::path(config_.dataDir) / "attachments").string());
    impl_->federation = std::make_unique<HubFederation>(*impl_->store);
    impl_->submissions = std::make_unique<HubSubmissions>(*impl_->store, impl_->federation->audit(),
                                                          (std::filesystem::path(config_.dataDir) / "reports").string());
    if (!config_.internationalHubs.empty()) {
        if (impl_->store->tier() != "national" || impl_->store->country().empty())
            throw HubError(400, "only a national hub with its country forwards to an international hub (striae-hub tier national --country XX)");
        impl_->forwarder = std::make_unique<Forwarder>(*impl_->store, *impl_->federation, config_.internationalHubs, config_.forwardIntervalMs);
    }
    impl_->queue = std::make_unique<CorrelationQueue>(*impl_->store, config_.workers, config_.listSize, config_.shortlist);
    // A bad model stops the hub from starting, with the file and the problem named.
    if (!config_.calibrationModelFile.empty()) impl_->queue->setCalibrationModel(matching::readCalibrationModel(config_.calibrationModelFile));
    impl_->rateLimiter = std::make_unique<RateLimiter>(config_.requestsPerSecond, config_.requestBurst);
}

HubServer::~HubServer() { stop(); }

HubStore& HubServer::store() { return *impl_->store; }
CorrelationQueue& HubServer::queue() { return *impl_->queue; }
HubFirearms& HubServer::firearms() { return *impl_->firearms; }
HubFederation& HubServer::federation() { return *impl_->federation; }
HubSubmissions& HubServer::submissions() { return *impl_->submissions; }
Forwarder* HubServer::forwarder() { return impl_->forwarder.get(); }
RateLimiter& HubServer::rateLimiter() { return *impl_->rateLimiter; }

void HubServer::start() {
    const bool tls = !config_.certificateFile.empty() && !config_.privateKeyFile.empty();
    // Tokens and scans cross the network: plain HTTP only on loopback (behind a TLS proxy) unless the operator says otherwise.
    if (!tls && !isLoopback(config_.host) && !config_.allowPlainHttp)
        throw HubError(400, "listening on " + config_.host + " without TLS: give --certificate and --private-key, or "
                            "--insecure-http if a TLS proxy in front of the hub terminates the connections");
    const Poco::Net::SocketAddress address(config_.host, Poco::UInt16(config_.port));
    if (tls) {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, config_.privateKeyFile,
                                                                 config_.certificateFile, "", Poco::Net::Context::VERIFY_NONE);
        impl_->socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
    } else {
        impl_->socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
    }
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config_.maxConnections);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(config_.requestTimeoutSeconds, 0));        // each read of a request
    params->setKeepAliveTimeout(Poco::Timespan(config_.keepAliveSeconds, 0));    // idle between requests
    impl_->connections = std::make_unique<ConnectionRegistry>(config_.maxConnectionsPerClient);
    impl_->server = std::make_unique<Poco::Net::TCPServer>(
        new HubConnectionFactory(new HubRequestHandlerFactory(*this), params, *impl_->connections), *impl_->socket, params);
    impl_->queue->start();
    for (const auto& peer : config_.peers) {
        impl_->replicators.push_back(std::make_unique<PeerReplicator>(
            *impl_->store, peer, config_.replicationIntervalMs, [this](const std::string& id) { impl_->queue->enqueue(id); }));
        impl_->replicators.back()->start();
    }
    if (impl_->forwarder) impl_->forwarder->start();
    impl_->server->start();
}

void HubServer::stop() {
    if (impl_->server) {
        impl_->server->stop();
        impl_->connections->closeAll(5000);
        impl_->server.reset();
    }
    if (impl_->forwarder) impl_->forwarder->stop();
    for (auto& r : impl_->replicators) r->stop();
    impl_->replicators.clear();
    impl_->queue->stop();
}

int HubServer::port() const { return impl_->socket ? impl_->socket->address().port() : config_.port; }

}  // namespace striae::sync
