// The hub against hostile clients, in-process on a free loopback port: slow
// clients, refused requests that must leave nothing behind, HTTP details,
// probing for other agencies' holdings, runaway clients, plain HTTP.
#include <gtest/gtest.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubServer.h"
#include "striae/sync/HubStore.h"

namespace fs = std::filesystem;
using namespace striae;
using namespace striae::sync;

namespace {

std::size_t filesUnder(const fs::path& folder) {
    std::size_t n = 0;
    if (!fs::exists(folder)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        if (e.is_regular_file()) ++n;
    return n;
}

AcquisitionMetadata metadata(const std::string& caseRef, const std::string& label) {
    AcquisitionMetadata m;
    m.caseRef = caseRef;
    m.itemLabel = label;
    m.caliber = "9mm";
    return m;
}

// A raw exchange: sends `request` as it is, returns what the hub answered until it closed (or `waitMs`).
std::string exchange(int port, const std::string& request, int waitMs = 3000) {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", Poco::UInt16(port)));
    s.setReceiveTimeout(Poco::Timespan(0, waitMs * 1000));
    s.sendBytes(request.data(), int(request.size()));
    std::string answer;
    char buffer[4096];
    try {
        for (int n; (n = s.receiveBytes(buffer, sizeof buffer)) > 0;) answer.append(buffer, std::size_t(n));
    } catch (const Poco::TimeoutException&) {
    }
    return answer;
}

}  // namespace

class HubAbuse : public ::testing::Test {
protected:
    test::TempDir dir;
    std::unique_ptr<HubServer> hub;
    std::string tokenA, tokenB, peerToken;
    fs::path scans;

    void start(HubConfig config = {}) {
        scans = dir / "scans";
        imaging::SynthOptions o;
        o.firearms = 2;
        o.shotsPerFirearm = 1;
        o.sizePx = 96;
        o.seed = 5;
        imaging::writeSyntheticSet(o, scans.string());
        config.dataDir = (dir / "hub").string();
        config.port = 0;
        config.workers = 0;
        hub = std::make_unique<HubServer>(config);
        hub->store().addAgency("A", "Agency A");
        hub->store().addAgency("B", "Agency B");
        hub->store().addAgency("peer", "A peer hub", true);
        tokenA = hub->store().issueToken("A");
        tokenB = hub->store().issueToken("B");
        peerToken = hub->store().issueToken("peer");
        hub->start();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(hub->port()); }
    std::string scan(const std::string& name) const { return (scans / (name + ".x3p")).string(); }
};

TEST_F(HubAbuse, TwoHundredSlowClientsDoNotStarveHealth) {
    HubConfig c;
    c.maxConnections = 16;
    c.maxConnectionsPerClient = 8;
    start(c);
    // 200 connections from another loopback address that never finish their headers.
    std::vector<Poco::Net::StreamSocket> slow;
    for (int i = 0; i < 200; ++i) {
        Poco::Net::StreamSocket s;
        s.impl()->bind(Poco::Net::SocketAddress("127.0.0.2", 0), false);
        s.connect(Poco::Net::SocketAddress("127.0.0.1", Poco::UInt16(hub->port())));
        const std::string partial = "GET /v1/health HTTP/1.1\r\nHost: x\r\n";
        s.sendBytes(partial.data(), int(partial.size()));
        slow.push_back(s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // The requirement is a bound on waiting, so this test measures it (generously: 1 s).
    const auto t0 = std::chrono::steady_clock::now();
    std::string body;
    EXPECT_EQ(HubClient(url(), "").request("GET", "/v1/health", "", "", body), 200);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(seconds, 1.0) << "health took " << seconds << " s with 200 slow clients";
    RecordProperty("health_seconds_with_200_slow_clients", std::to_string(seconds));
    std::printf("health answered in %.3f s with 200 slow clients\n", seconds);
    // The slow address was held to its limit: the others were told 429 and closed.
    int refused = 0;
    for (auto& s : slow) {
        s.setReceiveTimeout(Poco::Timespan(0, 200000));
        char buffer[512];
        try {
            const int n = s.receiveBytes(buffer, sizeof buffer);
            if (n > 0 && std::string(buffer, std::size_t(n)).find("429 Too Many Requests") != std::string::npos) ++refused;
        } catch (const Poco::Exception&) {
        }
    }
    EXPECT_GE(refused, 200 - 8) << "at most 8 connections held for one client";
}

TEST_F(HubAbuse, AClientThatStopsSendingIsDroppedWithA408) {
    HubConfig c;
    c.requestTimeoutSeconds = 1;
    start(c);
    const std::string answer = exchange(hub->port(), "GET /v1/health HTTP/1.1\r\nHost: x\r\n", 4000);
    EXPECT_NE(answer.find("408"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"error\""), std::string::npos) << answer;
}

TEST_F(HubAbuse, EveryRefusedPushLeavesNothingBehind) {
    start();
    HubClient a(url(), tokenA), peer(url(), peerToken);
    const auto kept = a.push(scan("F01-01"), metadata("C1", "kept")).acquisition;
    const fs::path files = dir / "hub" / "files";
    const std::size_t before = filesUnder(files);
    auto refused = [&](const std::function<void()>& push, int status, const std::string& says) {
        try {
            push();
            ADD_FAILURE() << "accepted";
        } catch (const HubError& e) {
            EXPECT_EQ(e.status(), status) << e.what();
            EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).find((dir / "hub").string()), std::string::npos) << "no server path: " << e.what();
        }
        EXPECT_EQ(filesUnder(files), before) << says;
    };
    AcquisitionMetadata nose = metadata("C2", "x");
    nose.region = "nose";
    refused([&] { a.push(scan("F02-01"), nose); }, 400, "field 'region' is 'nose'");
    refused([&] { peer.push(scan("F02-01"), metadata("C2", "x")); }, 403, "peer hub");
    a.withdraw(kept.id);
    const std::size_t afterWithdrawal = filesUnder(files);
    EXPECT_EQ(afterWithdrawal, before - 1) << "the withdrawn scan is gone";
    // Pushing a withdrawn scan again is refused, and its file does not come back.
    try {
        a.push(scan("F01-01"), metadata("C1", "again"));
        ADD_FAILURE() << "accepted";
    } catch (const HubError& e) {
        EXPECT_EQ(e.status(), 409);
    }
    EXPECT_EQ(filesUnder(files), afterWithdrawal);
    // A wrong SHA-256 in the metadata, and an unreadable scan (whose error named the temporary path before).
    std::string body;
    const std::string boundary = "xyz";
    std::ifstream in(scan("F02-01"), std::ios::binary);
    const std::string x3p((std::istreambuf_iterator<char>(in)), {});
    auto multipart = [&](const std::string& meta, const std::string& content) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + meta + "\r\n--" + boundary +
               "\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"a.x3p\"\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    };
    const std::string type = "multipart/form-data; boundary=" + boundary;
    const std::string meta = R"({"case_ref":"C3","item_label":"x","item_type":"cartridge_case","caliber":"9mm","sha256":")" +
                             std::string(64, '0') + "\"}";
    EXPECT_EQ(a.request("POST", "/v1/acquisitions", type, multipart(meta, x3p), body), 400);
    EXPECT_NE(body.find("damaged in transit"), std::string::npos) << body;
    EXPECT_EQ(filesUnder(files), afterWithdrawal);
    EXPECT_EQ(a.request("POST", "/v1/acquisitions", type,
                        multipart(R"({"case_ref":"C3","item_label":"x","item_type":"cartridge_case","caliber":"9mm"})", x3p.substr(0, 300)), body),
              422);
    EXPECT_EQ(body.find((dir / "hub").string()), std::string::npos) << body;
    EXPECT_EQ(body.find(".tmp"), std::string::npos) << body;
    EXPECT_EQ(filesUnder(files), afterWithdrawal);
    EXPECT_EQ(filesUnder(files / ".tmp"), 0u);
    EXPECT_EQ(a.stats().at(0).acquisitions, 0);
    EXPECT_EQ(a.stats().at(0).withdrawn, 1) << "the withdrawn one only";
}

TEST_F(HubAbuse, HttpDetailsAreRight) {
    start();
    std::string answer = exchange(hub->port(), "HEAD /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_EQ(answer.find("\"status\""), std::string::npos) << "no body for HEAD: " << answer;
    for (const std::string method : {"OPTIONS", "TRACE"}) {
        const auto t0 = std::chrono::steady_clock::now();
        answer = exchange(hub->port(), method + " /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000);
        EXPECT_EQ(answer.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << answer;
        EXPECT_NE(answer.find("Allow: GET, HEAD, POST, PUT, PATCH, DELETE"), std::string::npos) << answer;
        EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0) << "answered at once";
    }
    answer = exchange(hub->port(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << answer;
    answer = exchange(hub->port(), "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u) << answer.substr(0, 200);
    EXPECT_NE(answer.find("\"error\":\"request header too large"), std::string::npos) << answer.substr(0, 400);
    answer = exchange(hub->port(), "GARBAGE\r\n\r\n");
    EXPECT_NE(answer.find("\"error\""), std::string::npos) << answer;
}

TEST_F(HubAbuse, AnotherAgencyCannotTellWhatIsHeld) {
    start();
    HubClient a(url(), tokenA), b(url(), tokenB);
    const auto held = a.push(scan("F01-01"), metadata("C1", "x")).acquisition;
    // B computes the id A's acquisition of a file would have, for a file A holds and one it does not.
    const std::string notHeld = HubStore::acquisitionIdFor("A", std::string(64, 'e'));
    std::string heldBody, notHeldBody;
    for (const std::string suffix : {"", "/scan", "/lands"}) {
        const int heldStatus = b.request("GET", "/v1/acquisitions/" + held.id + suffix, "", "", heldBody);
        const int notHeldStatus = b.request("GET", "/v1/acquisitions/" + notHeld + suffix, "", "", notHeldBody);
        EXPECT_EQ(heldStatus, 404) << suffix;
        EXPECT_EQ(notHeldStatus, 404) << suffix;
        std::string a1 = heldBody, a2 = notHeldBody;
        a1.replace(a1.find(held.id), held.id.size(), "ID");
        a2.replace(a2.find(notHeld), notHeld.size(), "ID");
        EXPECT_EQ(a1, a2) << "the same answer" << suffix;
    }
    const int patchHeld = b.request("PATCH", "/v1/acquisitions/" + held.id, "application/json",
                                    R"({"case_ref":"X","item_label":"x","item_type":"cartridge_case","caliber":"9mm"})", heldBody);
    EXPECT_EQ(patchHeld, 404);
}

TEST_F(HubAbuse, ARunawayClientIsRateLimitedPerToken) {
    HubConfig c;
    c.requestsPerSecond = 2;
    c.requestBurst = 5;
    start(c);
    HubClient a(url(), tokenA), b(url(), tokenB);
    int ok = 0, limited = 0;
    std::string body;
    for (int i = 0; i < 20; ++i) {
        const int status = a.request("GET", "/v1/stats", "", "", body);
        if (status == 200) ++ok;
        if (status == 429) {
            ++limited;
            EXPECT_NE(body.find("retry in"), std::string::npos) << body;
        }
    }
    EXPECT_GE(ok, 5);
    EXPECT_LE(ok, 8) << "the burst and what two per second refill meanwhile";
    EXPECT_EQ(ok + limited, 20);
    EXPECT_EQ(b.request("GET", "/v1/stats", "", "", body), 200) << "another token is not held back";
}

TEST_F(HubAbuse, PlainHttpOnANetworkAddressNeedsToBeAskedFor) {
    HubConfig c;
    c.dataDir = (dir / "plain").string();
    c.host = "0.0.0.0";
    c.port = 0;
    c.workers = 0;
    HubServer refused(c);
    try {
        refused.start();
        ADD_FAILURE() << "listened without TLS on 0.0.0.0";
    } catch (const HubError& e) {
        EXPECT_NE(std::string(e.what()).find("without TLS"), std::string::npos) << e.what();
    }
    c.dataDir = (dir / "plain2").string();
    c.allowPlainHttp = true;
    HubServer allowed(c);
    EXPECT_NO_THROW(allowed.start());
    allowed.stop();
}
