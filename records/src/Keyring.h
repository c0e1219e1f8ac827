#pragma once
// The system keyring (the freedesktop Secret Service, through libsecret), used
// for a store's secrets when a desktop session offers one. Services without a
// session bus, and builds without libsecret, fall back to the 0600 file.
#include <optional>
#include <string>

namespace striae::records::keyring {

// True when a Secret Service answers on the session bus and STRIAE_KEYRING is
// not "off". Asked once per process; a locked keyring may prompt to unlock.
bool available();

// Stores value under (store folder, name); false with `error` set when the
// keyring refused.
bool store(const std::string& folder, const std::string& name, const std::string& value, std::string& error);

// The value, std::nullopt when there is none; `error` set when the keyring
// could not be asked.
std::optional<std::string> lookup(const std::string& folder, const std::string& name, std::string& error);

void clear(const std::string& folder, const std::string& name);

}  // namespace striae::records::keyring
