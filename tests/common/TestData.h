#pragma once
// Where the real scans are: $STRIAE_DATA, else ../shared/data beside the project.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace striae::test {

inline std::optional<std::filesystem::path> dataDir() {
    const char* env = std::getenv("STRIAE_DATA");
    std::filesystem::path dir = env && *env ? std::filesystem::path(env) : std::filesystem::path(STRIAE_DEFAULT_DATA);
    if (std::filesystem::is_directory(dir)) return dir;
    return std::nullopt;
}

// A fresh folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    TempDir() {
        auto base = std::filesystem::temp_directory_path() / "striae-test-XXXXXX";
        std::string s = base.string();
        path_ = ::mkdtemp(s.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace striae::test

#define STRIAE_REQUIRE_DATA(var)                                                            \
    const auto var##Opt = ::striae::test::dataDir();                                       \
    if (!var##Opt) GTEST_SKIP() << "real scans not found: set STRIAE_DATA or put ../shared/data beside the project"; \
    const std::filesystem::path var = *var##Opt
