#pragma once
// Files kept beside the records they belong to (a trace request's
// attachments, a firearm record's photographs): read with a size limit,
// stored by their SHA-256 in <store>/attachments (content-addressed: the
// same file twice is kept once), and checked against that hash when read
// back. Internal to records.
#include <cstdint>
#include <filesystem>
#include <string>

#include "StoreImpl.h"

namespace striae::records {

struct AttachedFile {
    std::string name, sha256, bytes;
    std::int64_t size = 0;
};

// Reads `path` (a regular file of at most `maxBytes`) and names it `name`, or
// its file name: a bare name of at most 200 bytes. InvalidInput / NotFound naming the problem.
AttachedFile readAttachedFile(const std::string& path, const std::string& name, std::int64_t maxBytes, const std::string& what);
// Puts the bytes in place; true when this call added the file (so that a
// refused row can take it back: removeAttachedFile).
bool storeAttachedFile(Store::Impl& impl, const AttachedFile& file);
void removeAttachedFile(Store::Impl& impl, const std::string& sha256);
// The path of a kept file, checked against its SHA-256 (Storage when missing, Tampered when altered).
std::string checkedAttachedFile(Store::Impl& impl, const std::string& sha256, const std::string& what);

}  // namespace striae::records
