#pragma once
// The hub API's routes (docs/hub-api.md). Every error is a JSON body with
// the status and a message that names the problem; a refused request
// changes nothing.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace striae::sync {

class HubServer;

class HubRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit HubRequestHandler(HubServer& hub) : hub_(hub) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    HubServer& hub_;
};

class HubRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HubRequestHandlerFactory(HubServer& hub) : hub_(hub) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new HubRequestHandler(hub_);
    }

private:
    HubServer& hub_;
};

}  // namespace striae::sync
