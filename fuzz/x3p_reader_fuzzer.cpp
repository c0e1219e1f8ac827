// Any bytes: the reader either returns a surface or throws X3pError. Anything
// else (a crash, a sanitizer report, another exception, a huge allocation) is a bug.
#include <cstddef>
#include <cstdint>

#include "striae/imaging/X3p.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    striae::imaging::X3pReadOptions options;
    options.maxPoints = 4'000'000;  // keeps each run fast; the limit check itself is exercised
    try {
        const auto file = striae::imaging::readX3pFromMemory(data, size, "fuzz-input", options);
        (void)file.surface.validCount();
    } catch (const striae::imaging::X3pError&) {
    }
    return 0;
}
