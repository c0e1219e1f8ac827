#include "striae/sync/HubServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include "HubRequestHandler.h"
#include "striae/sync/CorrelationQueue.h"
#include "striae/sync/HubStore.h"

namespace striae::sync {

struct HubServer::Impl {
    std::unique_ptr<HubStore> store;
    std::unique_ptr<CorrelationQueue> queue;
    std::vector<std::unique_ptr<PeerReplicator>> replicators;
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    std::unique_ptr<Poco::Net::HTTPServer> server;
};

HubServer::HubServer(HubConfig config) : config_(std::move(config)), impl_(std::make_unique<Impl>()) {
    impl_->store = std::make_unique<HubStore>(config_.dataDir, config_.databaseUrl, config_.name);
    impl_->queue = std::make_unique<CorrelationQueue>(*impl_->store, config_.workers, config_.listSize);
}

HubServer::~HubServer() { stop(); }

HubStore& HubServer::store() { return *impl_->store; }
CorrelationQueue& HubServer::queue() { return *impl_->queue; }

void HubServer::start() {
    const Poco::Net::SocketAddress address(config_.host, Poco::UInt16(config_.port));
    if (!config_.certificateFile.empty() && !config_.privateKeyFile.empty()) {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, config_.privateKeyFile,
                                                                 config_.certificateFile, "", Poco::Net::Context::VERIFY_NONE);
        impl_->socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
    } else {
        impl_->socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
    }
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config_.maxConnections);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HubRequestHandlerFactory(*this), *impl_->socket, params);
    impl_->queue->start();
    for (const auto& peer : config_.peers) {
        impl_->replicators.push_back(std::make_unique<PeerReplicator>(
            *impl_->store, peer, config_.replicationIntervalMs, [this](const std::string& id) { impl_->queue->enqueue(id); }));
        impl_->replicators.back()->start();
    }
    impl_->server->start();
}

void HubServer::stop() {
    if (impl_->server) {
        impl_->server->stopAll(true);
        impl_->server.reset();
    }
    for (auto& r : impl_->replicators) r->stop();
    impl_->replicators.clear();
    impl_->queue->stop();
}

int HubServer::port() const { return impl_->socket ? impl_->socket->address().port() : config_.port; }

}  // namespace striae::sync
