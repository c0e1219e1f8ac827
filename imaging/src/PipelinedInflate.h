#pragma once
// Inflating X3P point data on one core while a second core checks it: the
// inflated bytes are handed over in order, chunk by chunk, to a follower
// thread that computes the CRC-32 (for the zip entry) and feeds a digest (the
// MD5 the X3P standard keeps in main.xml). Inflate and MD5 cost about the
// same, so a read takes about the longer of the two rather than their sum
// (benchmarks/imaging_bench, docs/x3p.md). ISA-L's inflate streams, which
// libdeflate's does not.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace striae::imaging::detail {

using ByteSink = std::function<void(const unsigned char*, std::size_t)>;

// Inflates the raw deflate stream `compressed` into `out`, which must receive
// exactly `exactBytes`; returns the CRC-32 of what it wrote and has passed
// every byte, in order, to `follow` (if set) on another thread. Throws
// std::runtime_error with a short reason ("ends early", "is corrupt",
// "inflates to more than N bytes") for a stream that does not fit exactly.
std::uint32_t inflateFollowed(const unsigned char* compressed, std::size_t compressedBytes, unsigned char* out, std::size_t exactBytes,
                              const ByteSink& follow);

// The CRC-32 of stored bytes, with `follow` fed on the same pass.
std::uint32_t crcFollowed(const unsigned char* data, std::size_t bytes, const ByteSink& follow);

// Incremental MD5 (OpenSSL), as lowercase hex.
class Md5 {
public:
    Md5();
    ~Md5();
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;
    void update(const unsigned char* data, std::size_t bytes);
    std::string hex();

private:
    void* context_;
};

}  // namespace striae::imaging::detail
