#include "Keyring.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#ifdef STRIAE_WITH_LIBSECRET
#include <libsecret/secret.h>
#endif

namespace striae::records::keyring {

namespace {

bool switchedOff() {
    const char* setting = std::getenv("STRIAE_KEYRING");
    return setting && std::string(setting) == "off";
}

// A session bus is there when its address is set or the systemd user bus exists;
// without one, libsecret would only fail after trying to start a bus.
bool sessionBusPresent() {
    if (const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS"); address && *address) return true;
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::error_code ec;
    return runtime && *runtime && std::filesystem::exists(std::filesystem::path(runtime) / "bus", ec);
}

// Secrets are filed by the store's absolute folder, so two stores of one user
// keep separate tokens.
std::string storeKey(const std::string& folder) {
    std::error_code ec;
    const auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(folder), ec);
    return ec ? folder : absolute.string();
}

#ifdef STRIAE_WITH_LIBSECRET
const SecretSchema* schema() {
    static const SecretSchema s = {"org.striae.StoreSecret",
                                   SECRET_SCHEMA_NONE,
                                   {{"store", SECRET_SCHEMA_ATTRIBUTE_STRING}, {"name", SECRET_SCHEMA_ATTRIBUTE_STRING}, {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                   0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return &s;
}

std::string takeMessage(GError* error) {
    std::string message = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    return message;
}
#endif

}  // namespace

bool available() {
#ifdef STRIAE_WITH_LIBSECRET
    if (switchedOff() || !sessionBusPresent()) return false;
    static std::once_flag once;
    static bool answered = false;
    std::call_once(once, [] {
        // A lookup of nothing: succeeds (with no value) only when a Secret Service runs.
        GError* error = nullptr;
        gchar* value = secret_password_lookup_sync(schema(), nullptr, &error, "store", "/", "name", "(probe)", nullptr);
        answered = error == nullptr;
        if (value) secret_password_free(value);
        if (error) g_error_free(error);
    });
    return answered;
#else
    return false;
#endif
}

bool store(const std::string& folder, const std::string& name, const std::string& value, std::string& error) {
#ifdef STRIAE_WITH_LIBSECRET
    GError* failure = nullptr;
    const std::string key = storeKey(folder);
    const std::string label = "Striae " + name + " of the store " + key;
    const gboolean stored = secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), value.c_str(), nullptr, &failure,
                                                       "store", key.c_str(), "name", name.c_str(), nullptr);
    if (stored) return true;
    error = takeMessage(failure);
    return false;
#else
    (void)folder, (void)name, (void)value;
    error = "this build has no keyring support";
    return false;
#endif
}

std::optional<std::string> lookup(const std::string& folder, const std::string& name, std::string& error) {
#ifdef STRIAE_WITH_LIBSECRET
    GError* failure = nullptr;
    gchar* value = secret_password_lookup_sync(schema(), nullptr, &failure, "store", storeKey(folder).c_str(), "name", name.c_str(), nullptr);
    if (failure) {
        error = takeMessage(failure);
        return std::nullopt;
    }
    if (!value) return std::nullopt;
    std::string out(value);
    secret_password_free(value);
    return out;
#else
    (void)folder, (void)name;
    error = "this build has no keyring support";
    return std::nullopt;
#endif
}

void clear(const std::string& folder, const std::string& name) {
#ifdef STRIAE_WITH_LIBSECRET
    GError* failure = nullptr;
    secret_password_clear_sync(schema(), nullptr, &failure, "store", storeKey(folder).c_str(), "name", name.c_str(), nullptr);
    if (failure) g_error_free(failure);
#else
    (void)folder, (void)name;
#endif
}

}  // namespace striae::records::keyring
