#pragma once
// A background thread that runs one pass of some work (replicating from a peer, forwarding to the
// international tier) again at once while the pass did something, else after an interval or a wake();
// a failure is logged once until the work succeeds again. Used by PeerReplicator and Forwarder.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace striae::sync {

class PollingLoop {
public:
    // `pass` returns how much it did (0: nothing left for now); `what` names the work in the log.
    PollingLoop(std::string what, int intervalMs, std::function<int()> pass);
    ~PollingLoop();
    void start();
    void stop();
    void wake();

private:
    std::string what_;
    int intervalMs_;
    std::function<int()> pass_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false, woken_ = false;
    std::thread thread_;
};

}  // namespace striae::sync
