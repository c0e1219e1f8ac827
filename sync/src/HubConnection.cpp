#include "HubConnection.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <chrono>
#include <memory>

#include "striae/sync/HubJson.h"

namespace striae::sync {

using Poco::Net::HTTPResponse;

bool ConnectionRegistry::tryOpen(const std::string& client, const Poco::Net::StreamSocket& socket) {
    std::lock_guard lock(mutex_);
    int& n = perAddress_[client];
    if (n >= perClient_) return false;
    ++n;
    sockets_.insert(socket);
    return true;
}

void ConnectionRegistry::close(const std::string& client, const Poco::Net::StreamSocket& socket) {
    std::lock_guard lock(mutex_);
    if (--perAddress_[client] <= 0) perAddress_.erase(client);
    sockets_.erase(socket);
    if (sockets_.empty()) idle_.notify_all();
}

void ConnectionRegistry::closeAll(int waitMs) {
    std::unique_lock lock(mutex_);
    for (auto socket : sockets_) {
        try {
            socket.shutdown();
        } catch (...) {
        }
    }
    idle_.wait_for(lock, std::chrono::milliseconds(waitMs), [this] { return sockets_.empty(); });
}

int ConnectionRegistry::open() const {
    std::lock_guard lock(mutex_);
    return int(sockets_.size());
}

namespace {

void sendError(const Poco::Net::StreamSocket& socket, int status, const std::string& message) {
    const std::string body = json::error(status, message);
    HTTPResponse response;
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(HTTPResponse::HTTPStatus(status));
    response.setContentType("application/json");
    response.setContentLength(std::streamsize(body.size()));
    response.setKeepAlive(false);
    std::ostringstream head;
    response.write(head);
    const std::string all = head.str() + body;
    Poco::Net::StreamSocket s(socket);
    try {
        s.sendBytes(all.data(), int(all.size()));
        // Read what the client still sends (briefly, a bounded amount) before closing, so that
        // closing with unread bytes does not reset the connection and destroy this answer.
        s.shutdownSend();
        s.setReceiveTimeout(Poco::Timespan(0, 200000));
        char buffer[8192];
        for (int drained = 0, n; drained < (1 << 20) && (n = s.receiveBytes(buffer, sizeof buffer)) > 0;) drained += n;
    } catch (...) {
    }
}

// One client connection: requests one after another (keep-alive), as Poco's
// HTTPServerConnection does, with the hub's JSON errors.
class HubConnection : public Poco::Net::TCPServerConnection {
public:
    HubConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                  Poco::Net::HTTPServerParams::Ptr params, ConnectionRegistry& registry, std::string client)
        : TCPServerConnection(socket), handlers_(std::move(handlers)), params_(std::move(params)), registry_(registry),
          client_(std::move(client)) {}
    ~HubConnection() override { registry_.close(client_, socket()); }

    void run() override {
        Poco::Net::HTTPServerSession session(socket(), params_);
        while (session.hasMoreRequests()) {
            try {
                Poco::Net::HTTPServerResponseImpl response(session);
                Poco::Net::HTTPServerRequestImpl request(response, session, params_);
                response.setDate(Poco::Timestamp());
                response.setVersion(request.getVersion());
                response.setKeepAlive(params_->getKeepAlive() && request.getKeepAlive() && session.canKeepAlive());
                std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(handlers_->createRequestHandler(request));
                if (request.getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) response.sendContinue();
                handler->handleRequest(request, response);
                session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
            } catch (const Poco::Net::NoMessageException&) {
                break;  // the client closed, or sent nothing before the timeout
            } catch (const Poco::Net::MessageException& e) {
                // Poco's header limits (field and value lengths, number of fields) or a malformed request line.
                const std::string what = e.message();
                const bool tooLarge = what.find("too long") != std::string::npos || what.find("Too many") != std::string::npos;
                sendError(socket(), tooLarge ? 431 : 400,
                          tooLarge ? "request header too large (" + what + ")" : "malformed HTTP request (" + what + ")");
                break;
            } catch (const Poco::TimeoutException&) {
                sendError(socket(), 408, "the request was not received in time");
                break;
            } catch (const Poco::Exception&) {
                break;  // the network failed: nothing to answer
            }
        }
    }

private:
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
    Poco::Net::HTTPServerParams::Ptr params_;
    ConnectionRegistry& registry_;
    std::string client_;
};

// A client over its connection limit: told so at once, and closed.
class RefusedConnection : public Poco::Net::TCPServerConnection {
public:
    using TCPServerConnection::TCPServerConnection;
    void run() override {
        const std::string body = json::error(429, "too many connections from this address; close some and retry");
        const std::string all = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\nRetry-After: 1\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        try {
            socket().sendBytes(all.data(), int(all.size()));
            socket().shutdown();
        } catch (...) {
        }
    }
};

}  // namespace

Poco::Net::TCPServerConnection* HubConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket) {
    std::string client;
    try {
        client = socket.peerAddress().host().toString();
    } catch (...) {
        client = "?";
    }
    if (!registry_.tryOpen(client, socket)) return new RefusedConnection(socket);
    return new HubConnection(socket, handlers_, params_, registry_, client);
}

}  // namespace striae::sync
