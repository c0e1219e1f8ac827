#pragma once
// SHA-256 of a file's bytes (hex), read in blocks: scans are named and checked by it.
#include <string>

namespace striae::sync {
std::string sha256OfFile(const std::string& path);
std::string sha256OfText(const std::string& text);
}
