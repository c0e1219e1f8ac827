#pragma once
// The hub's HTTP connections: Poco's TCPServer with a connection of our own
// so that (1) one client cannot hold more than a few connections (slow
// clients cannot starve the others), (2) malformed or oversized requests get
// the hub's JSON error instead of an empty 400, and (3) stopping the hub
// closes the connections still open.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace striae::sync {

// Open connections per client address, and every open socket (to close them on stop).
class ConnectionRegistry {
public:
    explicit ConnectionRegistry(int perClient) : perClient_(perClient) {}
    bool tryOpen(const std::string& client, const Poco::Net::StreamSocket& socket);
    void close(const std::string& client, const Poco::Net::StreamSocket& socket);
    // Shuts every open socket down and waits (up to `waitMs`) for their connections to end.
    void closeAll(int waitMs);
    int open() const;

private:
    int perClient_;
    mutable std::mutex mutex_;
    std::condition_variable idle_;
    std::map<std::string, int> perAddress_;
    std::set<Poco::Net::StreamSocket> sockets_;
};

class HubConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    HubConnectionFactory(Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, Poco::Net::HTTPServerParams::Ptr params,
                         ConnectionRegistry& registry)
        : handlers_(std::move(handlers)), params_(std::move(params)), registry_(registry) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
    Poco::Net::HTTPServerParams::Ptr params_;
    ConnectionRegistry& registry_;
};

}  // namespace striae::sync
