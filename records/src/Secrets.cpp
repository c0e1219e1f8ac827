// Secrets and file permissions of a store. The system keyring (libsecret) is
// not used: the store is also opened by services without a desktop session;
// a 0600 file in a 0700 folder is what ssh and PostgreSQL's .pgpass rely on.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

namespace fs = std::filesystem;

namespace {
fs::path secretsFolder(const std::string& folder) { return fs::path(folder) / "secrets"; }
}  // namespace

void writeSecret(const std::string& folder, const std::string& name, const std::string& value) {
    const fs::path dir = secretsFolder(folder);
    std::error_code ec;
    fs::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
    const fs::path target = dir / name;
    if (value.empty()) {
        fs::remove(target, ec);
        return;
    }
    const fs::path temp = dir / ("." + name + "." + std::to_string(std::random_device{}()));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) fail(RecordsError::Kind::Storage, "cannot write the secret '" + name + "' in " + dir.string());
    const bool written = ::write(fd, value.data(), value.size()) == ssize_t(value.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temp.c_str(), target.c_str()) != 0) {
        fs::remove(temp, ec);
        fail(RecordsError::Kind::Storage, "cannot write the secret '" + name + "' in " + dir.string());
    }
}

std::string readSecret(const std::string& folder, const std::string& name) {
    std::ifstream in(secretsFolder(folder) / name, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void restrictPermissions(const std::string& folder) {
    std::error_code ec;
    for (const fs::path& dir : {fs::path(folder), fs::path(folder) / "files", fs::path(folder) / "journal", secretsFolder(folder)})
        if (fs::is_directory(dir, ec)) ::chmod(dir.c_str(), 0700);
    for (const char* file : {"store.db", "store.db-wal", "store.db-shm", "lock", "audit-anchor"}) {
        const fs::path p = fs::path(folder) / file;
        if (fs::exists(p, ec)) ::chmod(p.c_str(), 0600);
    }
}

}  // namespace striae::records
