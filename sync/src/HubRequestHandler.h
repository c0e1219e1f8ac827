#pragma once
// The hub API's routes (docs/hub-api.md). Every error is a JSON body with
// the status and a message that names the problem; a refused request
// changes nothing.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/URI.h>

#include <cstdint>
#include <string>
#include <vector>

#include "striae/sync/HubTypes.h"

namespace striae::sync {

class HubServer;

// A JSON answer (headers only when answering a HEAD).
void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body);
// The request's JSON body (415 for another type, 413 over 1 MiB).
std::string readJsonBody(Poco::Net::HTTPServerRequest& request);
// The firearm endpoints (HubFirearmRoutes.cpp): answers and returns true, or false when `path` is none of them.
bool answerFirearmRoute(HubServer& hub, const Caller& caller, const std::string& method, const std::vector<std::string>& path,
                        const Poco::URI::QueryParameters& query, Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response);

// The tiers' endpoints (HubTierRoutes.cpp): federation, submissions on behalf, the agreement, statistics per tier.
bool answerTierRoute(HubServer& hub, const Caller& caller, const std::string& method, const std::vector<std::string>& path,
                     const Poco::URI::QueryParameters& query, Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response);
// A national hub: the scan of a candidate on one of the caller's international lists, fetched from the
// international tier into a temporary file (the caller removes it); "" when `id` is no such candidate.
std::string fetchInternationalScan(HubServer& hub, const Caller& caller, const std::string& id);
// The statistics per tier as the caller may see them (GET /v1/stats/tiers, the "tiers" of GET /v1/stats).
std::string tierFiguresJson(HubServer& hub, const Caller& caller, const Poco::URI::QueryParameters& query);
// A national hub: an outcome on a candidate of one of the caller's international lists, passed on to the
// international tier; false when `candidate` is no such candidate (it is then the hub's own).
bool reportInternationalOutcome(HubServer& hub, const Caller& caller, std::int64_t candidate, const std::string& outcome);

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
