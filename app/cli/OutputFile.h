#pragma once
// Writing a command's output file whole or not at all: into PATH.tmp, then
// renamed over PATH, so a full disk or a killed process leaves the old file
// (or none), never half of the new one.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace striae::cli {

inline void writeFileAtomically(const std::string& path, const std::string& text, const std::string& what) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw std::runtime_error(path + ": cannot write the " + what);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw std::runtime_error(path + ": cannot write the " + what + " (" + ec.message() + ")");
    }
}

}  // namespace striae::cli
