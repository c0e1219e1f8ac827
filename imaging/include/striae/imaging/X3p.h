#pragma once
// X3P (ISO 25178-72 / ISO 5436-2) reading and writing for every variant met
// in the wild: int16/int32/float32/float64 heights, binary data.bin or
// XML-inline point lists, valid.bin masks, NaN/+inf invalid points, main.xml
// under a folder, __MACOSX entries, micrometre-unit files.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

// A file that cannot be read; the message names the file and the problem.
class X3pError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ChecksumState { Verified, Mismatch, Absent };
const char* toString(ChecksumState state);

struct X3pReadOptions {
    // A checksum mismatch is an error unless the caller accepts damaged files.
    bool ignoreChecksums = false;
    // Refuse headers claiming more points than this before allocating anything.
    std::uint64_t maxPoints = 400'000'000;
};

struct X3pInfo {
    std::string revision;
    std::string featureType;
    char dataType = 'D';         // I, L, F, D (the z axis)
    bool inlineData = false;     // XML DataList rather than a binary data link
    bool hasValidMask = false;   // valid.bin present
    std::uint64_t pointDataBytes = 0;
    ChecksumState mainXmlChecksum = ChecksumState::Absent;
    ChecksumState pointDataChecksum = ChecksumState::Absent;
    ChecksumState validPointsChecksum = ChecksumState::Absent;
    std::vector<std::string> warnings;  // e.g. micrometre units converted
};

struct X3pFile {
    Surface surface;
    X3pInfo info;
};

X3pFile readX3p(const std::string& path, const X3pReadOptions& options = {});
// The same reader on bytes in memory; `name` is used in messages.
X3pFile readX3pFromMemory(const void* data, std::size_t size, const std::string& name,
                          const X3pReadOptions& options = {});

struct X3pWriteOptions {
    char dataType = 'D';  // 'D' (float64) or 'F' (float32)
};

// Writes atomically (temporary file, fsync, rename) so a failure leaves
// nothing half-written at `path`.
void writeX3p(const Surface& surface, const std::string& path, const X3pWriteOptions& options = {});

}  // namespace striae::imaging
