// Secrets and file permissions of a store. In a desktop session with a Secret
// Service the secret goes to the system keyring and a marker file says so;
// elsewhere (services, no session bus, STRIAE_KEYRING=off) it is a 0600 file
// in a 0700 folder, what ssh and PostgreSQL's .pgpass rely on.
#include <fcntl.h>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "Keyring.h"
#include "StoreImpl.h"

namespace striae::records {

namespace fs = std::filesystem;

namespace {
fs::path secretsFolder(const std::string& folder) { return fs::path(folder) / "secrets"; }
// Present when the secret is in the system keyring rather than in the file.
fs::path keyringMarker(const std::string& folder, const std::string& name) { return secretsFolder(folder) / (name + ".in-keyring"); }

// Writes value to dir/name atomically, mode 0600.
void writePrivateFile(const fs::path& dir, const std::string& name, const std::string& value) {
    std::error_code ec;
    const fs::path target = dir / name;
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
}  // namespace

void writeSecret(const std::string& folder, const std::string& name, const std::string& value) {
    const fs::path dir = secretsFolder(folder);
    std::error_code ec;
    fs::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
    const bool keyringUp = keyring::available();
    if (value.empty()) {
        if (keyringUp) keyring::clear(folder, name);
        fs::remove(dir / name, ec);
        fs::remove(keyringMarker(folder, name), ec);
        return;
    }
    std::string refusal;
    if (keyringUp && keyring::store(folder, name, value, refusal)) {
        writePrivateFile(dir, name + ".in-keyring", "the secret '" + name + "' of this store is in the system keyring (Secret Service)\n");
        fs::remove(dir / name, ec);
        return;
    }
    // No keyring, or it refused: the private file, and no stale marker pointing elsewhere.
    writePrivateFile(dir, name, value);
    fs::remove(keyringMarker(folder, name), ec);
}

std::string secretLocation(const std::string& folder, const std::string& name) {
    std::error_code ec;
    if (fs::exists(keyringMarker(folder, name), ec)) return "the system keyring";
    if (fs::exists(secretsFolder(folder) / name, ec)) return (secretsFolder(folder) / name).string() + " (mode 0600)";
    return "";
}

std::string readSecret(const std::string& folder, const std::string& name) {
    std::error_code ec;
    if (fs::exists(keyringMarker(folder, name), ec)) {
        std::string error = "no Secret Service answers on the session bus";
        if (keyring::available()) {
            if (auto value = keyring::lookup(folder, name, error)) return *value;
            if (error.empty()) error = "the keyring holds no such entry";
        } else if (const char* setting = std::getenv("STRIAE_KEYRING"); setting && std::string(setting) == "off") {
            error = "STRIAE_KEYRING=off";
        }
        fail(RecordsError::Kind::Storage, "the " + name + " of this store is kept in the system keyring, which cannot give it now (" + error +
                                              "); log in to the desktop session that stored it, or set it again");
    }
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
