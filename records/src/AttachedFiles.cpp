#include "AttachedFiles.h"

#include "striae/records/FirearmRules.h"

#include <fstream>
#include <iterator>

namespace striae::records {

namespace fs = std::filesystem;

std::string traceAttachmentPath(const std::string& folder, const std::string& sha256) {
    return (fs::path(folder) / "attachments" / sha256.substr(0, 2) / sha256).string();
}

AttachedFile readAttachedFile(const std::string& path, const std::string& givenName, std::int64_t maxBytes, const std::string& what) {
    AttachedFile f;
    f.name = givenName.empty() ? fs::path(path).filename().string() : givenName;
    checkFileName(what, f.name);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) fail(RecordsError::Kind::NotFound, path + ": no such file");
    if (!fs::is_regular_file(status)) fail(RecordsError::Kind::InvalidInput, path + ": not a regular file");
    const auto size = fs::file_size(path, ec);
    if (ec) fail(RecordsError::Kind::InvalidInput, path + ": cannot read its size");
    if (std::int64_t(size) > maxBytes)
        fail(RecordsError::Kind::InvalidInput, path + ": " + std::to_string(size) + " bytes, more than the " + std::to_string(maxBytes >> 20) +
                                                   " MB a " + what + " may have");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(RecordsError::Kind::NotFound, path + ": cannot read");
    f.bytes.assign(std::size_t(size), '\0');
    in.read(f.bytes.data(), std::streamsize(size));
    if (std::uint64_t(in.gcount()) != size) fail(RecordsError::Kind::InvalidInput, path + ": shorter than its size while being read");
    f.size = std::int64_t(size);
    f.sha256 = sha256Hex(f.bytes.data(), f.bytes.size());
    return f;
}

bool storeAttachedFile(Store::Impl& impl, const AttachedFile& file) {
    return storeFile(file.bytes, traceAttachmentPath(impl.folder, file.sha256), fs::path(impl.folder) / "attachments" / ".tmp");
}

void removeAttachedFile(Store::Impl& impl, const std::string& sha256) {
    std::error_code ec;
    fs::remove(traceAttachmentPath(impl.folder, sha256), ec);
}

std::string checkedAttachedFile(Store::Impl& impl, const std::string& sha256, const std::string& what) {
    const std::string path = traceAttachmentPath(impl.folder, sha256);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(RecordsError::Kind::Storage, what + " is missing from the store");
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (sha256Hex(bytes.data(), bytes.size()) != sha256) fail(RecordsError::Kind::Tampered, what + " was altered since it was kept");
    return path;
}

}  // namespace striae::records
