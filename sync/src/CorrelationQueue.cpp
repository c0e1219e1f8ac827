#include "striae/sync/CorrelationQueue.h"

#include <Poco/Environment.h>
#include <Poco/Logger.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include <algorithm>
#include <list>
#include <map>
#include <thread>
#include <atomic>
#include <memory>
#include <set>

#include "striae/imaging/X3p.h"
#include "striae/matching/Cmc.h"
#include "striae/matching/BulletJson.h"
#include "striae/matching/CmcJson.h"
#include "striae/matching/SecondStage.h"
#include "striae/imaging/LandSignature.h"
#include "striae/matching/Bullets.h"

#include <Poco/JSON/Object.h>
#include <sstream>
#include "striae/sync/HubSearch.h"
#include "striae/sync/HubStore.h"
#include "striae/matching/StageSurfaceFiles.h"

namespace striae::sync {

// Processed surfaces by SHA-256, least recently used dropped first: a new
// acquisition is compared with the same holdings as the last one.
class SurfaceCache {
public:
    explicit SurfaceCache(std::size_t capacity) : capacity_(capacity) {}
    std::shared_ptr<const imaging::Surface> get(const std::string& sha, const std::string& path) {
        {
            std::lock_guard lock(mutex_);
            if (auto it = entries_.find(sha); it != entries_.end()) {
                order_.splice(order_.begin(), order_, it->second.second);
                return it->second.first;
            }
        }
        auto surface = std::make_shared<const imaging::Surface>(imaging::readX3p(path).surface);
        std::lock_guard lock(mutex_);
        if (!entries_.count(sha)) {
            order_.push_front(sha);
            entries_[sha] = {surface, order_.begin()};
            while (entries_.size() > capacity_) {
                entries_.erase(order_.back());
                order_.pop_back();
            }
        }
        return surface;
    }

private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::list<std::string> order_;
    std::map<std::string, std::pair<std::shared_ptr<const imaging::Surface>, std::list<std::string>::iterator>> entries_;
};

CorrelationQueue::CorrelationQueue(HubStore& store, int threads, int listSize, const records::Shortlist& shortlist, WorkerLease lease)
    : store_(store), threads_(std::max(0, threads)), listSize_(std::max(1, listSize)), shortlist_(shortlist),
      cache_(std::make_unique<SurfaceCache>(256)),
      search_(std::make_unique<HubSearch>(store.database(), lease.indexPath.empty() ? store.dataDir() + "/search.index" : lease.indexPath)),
      stageSurfaces_(std::make_unique<matching::StageSurfaceFiles>(store.dataDir() + "/derived")),
      lease_(std::move(lease)) {
    if (lease_.worker.empty()) lease_.worker = store.hubName() + "@" + Poco::Environment::nodeName() + ":" + std::to_string(::getpid());
    lease_.leaseMs = std::max<std::int64_t>(lease_.leaseMs, 300);
}

CorrelationQueue::~CorrelationQueue() { stop(); }

void CorrelationQueue::start() {
    matching::setKernelThreads(1);
    if (threads_ == 0) return;
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
    heartbeat_ = std::thread([this] { renewLeases(); });
}

void CorrelationQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    if (heartbeat_.joinable()) heartbeat_.join();
}

void CorrelationQueue::enqueue(const std::string&) {
    {
        std::lock_guard lock(mutex_);
        ++wakeups_;
    }
    wake_.notify_one();
}

void CorrelationQueue::signOnPush(const HubAcquisition& a, const imaging::Surface& surface) {
    if (a.metadata.itemType == "bullet" || a.metadata.region != "breech_face") return;
    try {
        search_->signatureOf(a, [&] { return surface; });
        stageSurfaces_->put(a.sha256, surface);
    } catch (const std::exception& e) {
        Poco::Logger::get("striae-hub").warning("search signature of " + a.id + " not kept at push (the job computes it): " + e.what());
    }
}

// Renews the leases of the jobs in progress three times a lease.
void CorrelationQueue::renewLeases() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(lease_.leaseMs / 3), [&] { return stopping_; })) {
        const std::set<std::string> held = active_;
        lock.unlock();
        for (const auto& id : held) try {
                if (!store_.renewLease(id, lease_.worker, lease_.leaseMs))
                    Poco::Logger::get("striae-hub").warning("lease on " + id + " lost (taken over after it ran out)");
            } catch (const std::exception& e) {
                Poco::Logger::get("striae-hub").error("renewing the lease on " + id + ": " + e.what());
            }
        lock.lock();
    }
}

void CorrelationQueue::work() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        std::optional<std::string> id;
        try {
            id = store_.claimJob(lease_.worker, lease_.leaseMs);
        } catch (const std::exception& e) {
            // The database away: logged, and tried again after the poll interval, not in a tight loop.
            Poco::Logger::get("striae-hub").error(std::string("claiming a correlation job: ") + e.what());
        }
        if (!id) {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, std::chrono::milliseconds(lease_.pollMs), [&] { return stopping_ || wakeups_ > 0; });
            if (wakeups_ > 0) --wakeups_;
            continue;
        }
        {
            std::lock_guard lock(mutex_);
            active_.insert(*id);
        }
        bool stored = false;
        try {
            stored = correlate(*id);
        } catch (const std::exception& e) {
            Poco::Logger::get("striae-hub").error("correlation of " + *id + " failed: " + e.what());
            try {
                store_.failJob(*id, e.what());
                stored = true;
            } catch (...) {
            }
        }
        bool stopping = false;
        {
            std::lock_guard lock(mutex_);
            active_.erase(*id);
            stopping = stopping_;
        }
        if (!stored && stopping) try {
                store_.releaseJob(*id, lease_.worker);  // for the next start, or another worker
            } catch (...) {
            }
    }
}

// work(0 … n−1) spread over the hub's correlation threads (one search alone
// should use the machine); false when the hub began stopping meanwhile.
bool CorrelationQueue::onThreads(std::size_t n, const std::function<void(std::size_t)>& work) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stopped{false};
    auto some = [&] {
        for (std::size_t i = next++; i < n && !stopped; i = next++) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) {
                    stopped = true;
                    return;
                }
            }
            work(i);
        }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < std::max(1, threads_) && std::size_t(t) < n; ++t) helpers.emplace_back(some);
    some();
    for (auto& h : helpers) h.join();
    return !stopped;
}

bool CorrelationQueue::correlate(const std::string& id) {
    const auto query = store_.findAcquisition(id);
    if (!query || query->withdrawn) return true;
    if (query->metadata.itemType == "bullet") return correlateBullet(*query);
    if (query->metadata.region != "breech_face") {
        // Held and replicated, but no comparator for this region yet.
        return store_.storeLeadList(id, {}, "waiting", {}, listSize_, {}, lease_.worker);
    }
    // Each stage's time goes to the log, so an operator sees where a search's time went.
    using Clock = std::chrono::steady_clock;
    const auto began = Clock::now();
    auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
    double firstSeconds = 0, secondSeconds = 0;
    std::size_t shortlisted = 0;
    const auto querySurface = cache_->get(query->sha256, store_.filePath(query->sha256));
    const matching::CmcParameters parameters;
    // The first stage: the query's signature (kept whatever the shortlist, so
    // later pushes rank it) ranks the partition; CMC compares the shortlist.
    const auto holdings = store_.holdingsFor(*query);
    const int keep = shortlist_.keep(int(holdings.size()));
    const auto mine = search_->signatureOf(*query, [&] { return *querySurface; });
    std::vector<HubAcquisition> compared;
    std::map<std::string, float> firstStage;
    std::map<std::string, int> secondStage;  // the coarse count of each holding the second stage kept
    if (keep < int(holdings.size()) && mine) {
        std::vector<std::string> unranked;  // no signature possible: compared by CMC rather than dropped
        const auto hits = search_->shortlist(
            *mine, HubSearch::partition(query->metadata), holdings, std::size_t(keep),
            [&](const HubAcquisition& h) { return imaging::readX3p(store_.filePath(h.sha256)).surface; }, unranked);
        for (const auto& h : hits) firstStage[h.id] = h.similarity;
        firstSeconds = since(began);
        const std::set<std::string> always(unranked.begin(), unranked.end());
        for (const auto& h : holdings)
            if (firstStage.count(h.id) || always.count(h.id)) compared.push_back(h);
        const int toCmc = shortlist_.fullyCompared(int(compared.size()));
        shortlisted = compared.size();
        if (toCmc < int(compared.size())) {
            const auto secondBegan = Clock::now();
            // The second stage: CMC on a coarse grid, at the rotations the signatures point to, ranks the
            // shortlist; its head goes on to full CMC. A holding without a signature is always kept.
            const matching::SecondStageOptions options;
            const imaging::Surface queryAtStep = matching::secondStageSurface(*querySurface, options);
            std::vector<double> ranks(compared.size(), std::numeric_limits<double>::quiet_NaN());
            std::vector<std::optional<int>> counts(compared.size());
            const bool finished = onThreads(compared.size(), [&](std::size_t i) {
                try {
                    const auto theirs = always.count(compared[i].id) ? std::nullopt : search_->stored(compared[i].id);
                    if (!theirs) {
                        ranks[i] = std::numeric_limits<double>::infinity();  // no signature: on to CMC
                        return;
                    }
                    const auto other = stageSurfaces_->get(compared[i].sha256, [&] {
                        return imaging::readX3p(store_.filePath(compared[i].sha256)).surface;
                    });
                    const auto score = matching::secondStageScore(queryAtStep, other, matching::signatureMatch(*mine, *theirs), options);
                    counts[i] = score.count;
                    ranks[i] = score.rank();
                } catch (const std::exception&) {
                }  // withdrawn meanwhile (its file is gone): left out
            });
            if (!finished) return false;  // the job goes back to the queue
            std::vector<std::pair<double, std::size_t>> ranked;
            for (std::size_t i = 0; i < compared.size(); ++i) {
                if (std::isnan(ranks[i])) continue;
                if (counts[i]) secondStage[compared[i].id] = *counts[i];
                ranked.emplace_back(ranks[i], i);
            }
            std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
            std::vector<HubAcquisition> head;
            for (std::size_t k = 0; k < ranked.size(); ++k)
                if (int(k) < toCmc || std::isinf(ranked[k].first)) head.push_back(compared[ranked[k].second]);
                else secondStage.erase(compared[ranked[k].second].id);
            compared = std::move(head);
            secondSeconds = since(secondBegan);
        }
    } else {
        compared = holdings;
    }
    const SearchScope scope{int(holdings.size()), int(compared.size()), shortlist_.describe()};
    auto withFirstStage = [&](std::string details, const std::string& id) {
        const auto it = firstStage.find(id);
        if (it == firstStage.end() || details.empty() || details.front() != '{') return details;
        std::ostringstream score;
        score << "{\"firstStage\":" << it->second;
        if (const auto second = secondStage.find(id); second != secondStage.end()) score << ",\"secondStage\":" << second->second;
        return score.str() + (details.size() > 2 ? "," : "") + details.substr(1);
    };
    // The LR of the hub's calibration model, when it was fitted with these parameters.
    auto withLr = [&](std::string details, const matching::CmcResult& result) {
        if (!model_ || details.size() < 2 || details.front() != '{') return details;
        try {
            const std::string lr = matching::likelihoodRatioJson(model_->likelihoodRatio(result), model_->id);
            return "{\"lr\":" + lr + (details.size() > 2 ? "," : "") + details.substr(1);
        } catch (const std::invalid_argument&) {
            return details;  // other CMC parameters: a count only
        }
    };
    const auto cmcBegan = Clock::now();
    std::vector<std::optional<matching::CmcResult>> results(compared.size());
    const bool finished = onThreads(compared.size(), [&](std::size_t i) {
        std::shared_ptr<const imaging::Surface> surface;
        try {
            surface = cache_->get(compared[i].sha256, store_.filePath(compared[i].sha256));
        } catch (const std::exception&) {
            return;  // withdrawn meanwhile (its file is gone)
        }
        results[i] = matching::compareCmc(*querySurface, *surface, parameters);
    });
    if (!finished) return false;  // the job goes back to the queue
    {
        std::ostringstream line;
        line.precision(3);
        line << "correlated " << id << ": " << holdings.size() << " holdings; first stage " << firstSeconds << " s (kept " << shortlisted
             << "), second stage " << secondSeconds << " s, CMC " << since(cmcBegan) << " s over " << compared.size() << "; "
             << since(began) << " s in all";
        Poco::Logger::get("striae-hub").information(line.str());
    }
    std::vector<HubCandidate> found, reverse;
    for (std::size_t i = 0; i < compared.size(); ++i) {
        if (!results[i]) continue;
        const HubAcquisition& other = compared[i];
        const matching::CmcResult& result = *results[i];
        HubCandidate c;
        c.acquisitionId = other.id;
        c.score = result.originalCount;
        c.scoreHigh = result.highCount;
        c.details = withLr(withFirstStage(matching::cmcSummaryJson(result), other.id), result);
        found.push_back(std::move(c));
        // The same comparison seen from the holding's side (its cells registered in the new scan).
        matching::CmcResult swapped = result;
        std::swap(swapped.forward, swapped.backward);
        HubCandidate r;
        r.listAcquisitionId = other.id;
        r.acquisitionId = id;
        r.score = result.originalCount;
        r.scoreHigh = result.highCount;
        r.details = withLr(withFirstStage(matching::cmcSummaryJson(swapped), other.id), swapped);
        reverse.push_back(std::move(r));
    }
    std::stable_sort(found.begin(), found.end(), [](const HubCandidate& a, const HubCandidate& b) {
        return a.score != b.score ? a.score > b.score : a.scoreHigh > b.scoreHigh;
    });
    if (int(found.size()) > listSize_) found.resize(std::size_t(listSize_));
    if (store_.storeLeadList(id, std::move(found), "correlated", reverse, listSize_, scope, lease_.worker)) return true;
    Poco::Logger::get("striae-hub").warning("correlation of " + id + " discarded: its lease ran out and another worker took it");
    return false;
}

namespace {


// The bullet's lands when all that were scanned are held: one per land
// number, as many as it said (lands_scanned, else every land of the rifling).
bool complete(const std::vector<HubAcquisition>& lands) {
    if (lands.empty()) return false;
    const auto& m = lands.front().metadata;
    const int expected = m.landsScanned > 0 ? m.landsScanned : m.lands;
    if (int(lands.size()) != expected) return false;
    for (std::size_t i = 0; i < lands.size(); ++i) {
        if (lands[i].metadata.land < 1 || lands[i].metadata.land > m.lands) return false;
        if (i > 0 && lands[i].metadata.land == lands[i - 1].metadata.land) return false;
    }
    return true;
}

matching::BulletLands numbered(const std::vector<HubAcquisition>& lands, std::vector<imaging::LandSignature> signatures) {
    matching::BulletLands b;
    b.rifling = lands.front().metadata.lands;
    for (std::size_t i = 0; i < lands.size(); ++i) b.lands.push_back({lands[i].metadata.land, std::move(signatures[i])});
    return b;
}

}  // namespace

std::vector<imaging::LandSignature> CorrelationQueue::signaturesOf(const std::vector<HubAcquisition>& lands) {
    std::vector<imaging::LandSignature> out(lands.size());
    std::vector<std::size_t> missing;
    {
        std::lock_guard lock(signatureMutex_);
        for (std::size_t i = 0; i < lands.size(); ++i) {
            if (auto it = signatures_.find(lands[i].sha256); it != signatures_.end()) out[i] = it->second;
            else missing.push_back(i);
        }
    }
    if (missing.empty()) return out;
    // The striae direction is decided for the whole bullet (its lands are scanned alike).
    std::vector<imaging::Surface> scans;
    for (const auto& land : lands) scans.push_back(imaging::readX3p(store_.filePath(land.sha256)).surface);
    imaging::LandOptions options;
    options.striae = imaging::bulletStriaeDirection(scans);
    for (std::size_t i : missing) {
        out[i] = imaging::extractLandSignature(scans[i], options);
        std::lock_guard lock(signatureMutex_);
        if (signatures_.size() > 4096) signatures_.clear();  // bounded; recomputed when needed
        signatures_[lands[i].sha256] = out[i];
    }
    return out;
}

// A bullet is pushed land by land. Once all its lands are held, it is
// compared with every complete bullet of the same caliber; its lead list is
// kept on its land 1 acquisition (the other lands' lists say "grouped").
bool CorrelationQueue::correlateBullet(const HubAcquisition& query) {
    const auto lands = store_.bulletOf(query);
    // The claimed job's list is stored under its lease; the bullet's other lands' without.
    auto leaseFor = [&](const std::string& id) { return id == query.id ? lease_.worker : std::string(); };
    if (!complete(lands)) return store_.storeLeadList(query.id, {}, "waiting", {}, listSize_, {}, lease_.worker);  // for the bullet's other lands
    const auto& key = lands.front();
    // One job compares the bullet: its last land's (the others may run at the
    // same time, on other workers, and would compare it again).
    const auto last = std::max_element(lands.begin(), lands.end(), [](const HubAcquisition& a, const HubAcquisition& b) {
        return a.uploadedAt != b.uploadedAt ? a.uploadedAt < b.uploadedAt : a.id < b.id;
    });
    if (last->id != query.id) return store_.finishJob(query.id, lease_.worker);  // its list is written by the last land's job
    const auto mine = signaturesOf(lands);
    std::map<std::string, std::vector<HubAcquisition>> others;  // other bullets, by owner/case/item
    for (const auto& h : store_.holdingsFor(query))
        if (h.agency != key.agency || h.metadata.caseRef != key.metadata.caseRef || h.metadata.itemLabel != key.metadata.itemLabel)
            others[h.agency + "\n" + h.metadata.caseRef + "\n" + h.metadata.itemLabel].push_back(h);
    std::vector<HubCandidate> found, reverse;
    for (auto& [unused, group] : others) {
        (void)unused;
        std::sort(group.begin(), group.end(), [](auto& a, auto& b) { return a.metadata.land < b.metadata.land; });
        // Bullets of another rifling are not compared (a class difference).
        if (!complete(group) || group.front().metadata.lands != key.metadata.lands) continue;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return false;
        }
        std::vector<imaging::LandSignature> theirs;
        try {
            theirs = signaturesOf(group);
        } catch (const std::exception&) {
            continue;  // withdrawn meanwhile
        }
        matching::BulletComparison c;
        try {
            c = matching::compareBullets(numbered(lands, mine), numbered(group, std::move(theirs)));
        } catch (const std::invalid_argument&) {
            continue;  // no land of one lines up with a land of the other
        }
        HubCandidate k;
        k.acquisitionId = group.front().id;
        k.score = c.score;
        k.scoreHigh = c.cmpsMean;
        k.details = matching::bulletSummaryJson(c);
        found.push_back(k);
        const auto back = matching::transposed(c);
        HubCandidate r;
        r.listAcquisitionId = group.front().id;
        r.acquisitionId = key.id;
        r.score = back.score;
        r.scoreHigh = back.cmpsMean;
        r.details = matching::bulletSummaryJson(back);
        reverse.push_back(r);
    }
    std::stable_sort(found.begin(), found.end(), [](const HubCandidate& a, const HubCandidate& b) { return a.score > b.score; });
    if (int(found.size()) > listSize_) found.resize(std::size_t(listSize_));
    bool stored = true;
    for (std::size_t i = 1; i < lands.size(); ++i)
        stored = store_.storeLeadList(lands[i].id, {}, "grouped", {}, listSize_, {}, leaseFor(lands[i].id)) && stored;
    return store_.storeLeadList(key.id, std::move(found), "correlated", reverse, listSize_, {}, leaseFor(key.id)) && stored;
}

}  // namespace striae::sync
