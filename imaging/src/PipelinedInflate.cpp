#include "PipelinedInflate.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace striae::imaging::detail {

namespace {

// ISA-L's crc32_gzip_refl takes and returns the CRC in its final form, as zip stores it.
std::uint32_t crc32(std::uint32_t crc, const unsigned char* data, std::size_t bytes) {
    while (bytes > 0) {
        const auto n = std::uint32_t(std::min<std::size_t>(bytes, std::size_t(1) << 30));
        crc = crc32_gzip_refl(crc, data, n);
        data += n, bytes -= n;
    }
    return crc;
}

// Reads what the inflating thread has published, in order, until it finishes.
class Follower {
public:
    Follower(const unsigned char* data, const ByteSink& follow) : data_(data), follow_(follow), thread_([this] { run(); }) {}
    ~Follower() {
        // Leaving early (the inflate failed): stop the thread, its failure no longer matters.
        if (!thread_.joinable()) return;
        {
            std::lock_guard lock(mutex_);
            finished_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    void publish(std::size_t ready) {
        {
            std::lock_guard lock(mutex_);
            ready_ = ready;
        }
        wake_.notify_one();
    }
    // Waits for the follower to see everything published; rethrows its failure.
    std::uint32_t finish() {
        {
            std::lock_guard lock(mutex_);
            finished_ = true;
        }
        wake_.notify_one();
        thread_.join();
        if (failure_) std::rethrow_exception(failure_);
        return crc_;
    }

private:
    void run() {
        std::size_t seen = 0;
        try {
            for (;;) {
                std::size_t upto;
                bool last;
                {
                    std::unique_lock lock(mutex_);
                    wake_.wait(lock, [&] { return ready_ > seen || finished_; });
                    upto = ready_, last = finished_;
                }
                if (upto > seen) {
                    crc_ = crc32(crc_, data_ + seen, upto - seen);
                    if (follow_) follow_(data_ + seen, upto - seen);
                    seen = upto;
                }
                if (last && seen == upto) return;
            }
        } catch (...) {
            failure_ = std::current_exception();
        }
    }

    const unsigned char* data_;
    const ByteSink& follow_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::size_t ready_ = 0;
    bool finished_ = false;
    std::uint32_t crc_ = 0;
    std::exception_ptr failure_;
    std::thread thread_;  // last: starts once the rest is ready
};

constexpr std::uint32_t kChunk = 1u << 20;  // handed over a mebibyte at a time

}  // namespace

std::uint32_t inflateFollowed(const unsigned char* compressed, std::size_t compressedBytes, unsigned char* out, std::size_t exactBytes,
                              const ByteSink& follow) {
    auto state = std::make_unique<inflate_state>();
    isal_inflate_init(state.get());  // raw deflate, 32 KiB window
    state->next_in = const_cast<unsigned char*>(compressed);
    std::size_t inputLeft = compressedBytes;
    Follower follower(out, follow);
    std::size_t produced = 0;
    auto feed = [&] {
        if (state->avail_in == 0 && inputLeft > 0) {
            const auto n = std::uint32_t(std::min<std::size_t>(inputLeft, std::size_t(1) << 30));
            state->avail_in = n;
            inputLeft -= n;
        }
    };
    while (produced < exactBytes && state->block_state != ISAL_BLOCK_FINISH) {
        feed();
        const auto room = std::uint32_t(std::min<std::size_t>(kChunk, exactBytes - produced));
        const std::uint32_t inputBefore = state->avail_in;
        state->next_out = out + produced;
        state->avail_out = room;
        if (isal_inflate(state.get()) < 0) throw std::runtime_error("is corrupt");
        const std::uint32_t wrote = room - state->avail_out;
        produced += wrote;
        follower.publish(produced);
        if (wrote == 0 && state->block_state != ISAL_BLOCK_FINISH) {
            if (state->avail_in == 0 && inputLeft == 0) throw std::runtime_error("ends early");
            if (state->avail_in == inputBefore) throw std::runtime_error("is corrupt");  // no progress at all
        }
    }
    if (produced < exactBytes) throw std::runtime_error("ends early");
    if (state->block_state != ISAL_BLOCK_FINISH) {
        // Full: the stream must end here, not hold more.
        unsigned char extra = 0;
        feed();
        state->next_out = &extra;
        state->avail_out = 1;
        if (isal_inflate(state.get()) < 0) throw std::runtime_error("is corrupt");
        if (state->avail_out == 0) throw std::runtime_error("inflates to more than the " + std::to_string(exactBytes) + " bytes the header needs");
        if (state->block_state != ISAL_BLOCK_FINISH) throw std::runtime_error("ends early");
    }
    return follower.finish();
}

std::uint32_t crcFollowed(const unsigned char* data, std::size_t bytes, const ByteSink& follow) {
    if (follow) follow(data, bytes);
    return crc32(0, data, bytes);
}

Md5::Md5() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_md5(), nullptr) != 1)
        throw std::runtime_error("MD5 is not available");
}

Md5::~Md5() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Md5::update(const unsigned char* data, std::size_t bytes) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data, bytes) != 1) throw std::runtime_error("MD5 failed");
}

std::string Md5::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &length) != 1) throw std::runtime_error("MD5 failed");
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += digits[digest[i] >> 4], out += digits[digest[i] & 15];
    return out;
}

}  // namespace striae::imaging::detail
