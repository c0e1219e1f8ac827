// The hub token in the system keyring: a private session bus and a real
// gnome-keyring-daemon (unlocked, in a temporary home) per test process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "StoreFixture.h"

namespace fs = std::filesystem;
using namespace striae;

namespace {

std::string run(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
        ::pclose(p);
    }
    return out;
}

bool onPath(const std::string& program) { return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0; }

// A session bus and an unlocked keyring that live as long as the test process.
class KeyringSession : public ::testing::Environment {
public:
    static inline bool ready = false;
    static inline std::string why;

    void SetUp() override {
        for (const char* program : {"dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool"})
            if (!onPath(program)) {
                why = std::string(program) + " is not installed";
                return;
            }
        char pattern[] = "/tmp/striae-keyring-XXXXXX";
        home_ = ::mkdtemp(pattern);
        for (const char* sub : {"data", "config", "cache", "run"}) fs::create_directories(home_ / sub);
        ::chmod((home_ / "run").c_str(), 0700);
        ::setenv("HOME", home_.c_str(), 1);
        ::setenv("XDG_DATA_HOME", (home_ / "data").c_str(), 1);
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
        ::setenv("XDG_CACHE_HOME", (home_ / "cache").c_str(), 1);
        ::setenv("XDG_RUNTIME_DIR", (home_ / "run").c_str(), 1);
        ::unsetenv("STRIAE_KEYRING");
        std::istringstream bus(run("dbus-daemon --session --fork --nopidfile --print-address=1 --print-pid=1 2>/dev/null"));
        std::string address;
        bus >> address >> busPid_;
        if (address.empty() || busPid_ <= 0) {
            why = "dbus-daemon did not start";
            return;
        }
        ::setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
        int input[2];
        if (::pipe(input) != 0) return;
        keyringPid_ = ::fork();
        if (keyringPid_ == 0) {
            ::dup2(input[0], 0);
            ::close(input[1]);
            ::execlp("gnome-keyring-daemon", "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets", nullptr);
            ::_exit(127);
        }
        ::close(input[0]);
        const std::string password = "keyring-test-password";
        (void)!::write(input[1], password.data(), password.size());
        ::close(input[1]);
        for (int i = 0; i < 100 && !ready; ++i) {
            ready = run("dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "
                        "org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null")
                        .find("true") != std::string::npos;
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!ready) why = "gnome-keyring-daemon did not come up on the session bus";
    }

    void TearDown() override {
        for (pid_t pid : {keyringPid_, busPid_})
            if (pid > 0) ::kill(pid, SIGTERM);
        if (keyringPid_ > 0) ::waitpid(keyringPid_, nullptr, 0);
        std::error_code ec;
        if (!home_.empty()) fs::remove_all(home_, ec);
    }

private:
    fs::path home_;
    pid_t busPid_ = 0;
    pid_t keyringPid_ = 0;
};

const auto* const kSession = ::testing::AddGlobalTestEnvironment(new KeyringSession);

// What another program of the desktop session reads from the keyring.
std::string keyringEntry(const fs::path& storeFolder) {
    return run("secret-tool lookup store '" + fs::weakly_canonical(storeFolder).string() + "' name hub_token 2>/dev/null");
}

bool anyFileContains(const fs::path& folder, const std::string& needle) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        if (content.str().find(needle) != std::string::npos) return true;
    }
    return false;
}

class Keyring : public test::StoreFixture {
protected:
    void SetUp() override {
        if (!KeyringSession::ready) GTEST_SKIP() << "no keyring to test with: " << KeyringSession::why;
        StoreFixture::SetUp();
    }
    void TearDown() override { ::unsetenv("STRIAE_KEYRING"); }
};

}  // namespace

TEST_F(Keyring, TheHubTokenGoesToTheSystemKeyringAndNoFileOfTheStoreHoldsIt) {
    const std::string token = "hub-token-5f1c9e27b0";
    store->setSyncSetting(admin, "hub_token", token);
    EXPECT_EQ(store->secretLocation("hub_token"), "the system keyring");
    EXPECT_FALSE(fs::exists(storePath / "secrets" / "hub_token"));
    EXPECT_FALSE(anyFileContains(storePath, token)) << "neither the database nor any file of the store";
    EXPECT_EQ(keyringEntry(storePath), token) << "the desktop's keyring holds it";
    store.reset();
    store = records::Store::open(storePath.string());
    EXPECT_EQ(store->syncSetting("hub_token"), token);
}

TEST_F(Keyring, TwoStoresKeepTheirOwnTokens) {
    store->setSyncSetting(admin, "hub_token", "token-of-the-first-store");
    const fs::path second = dir / "second";
    auto other = records::Store::create(second.string(), {0, "OPD", "Oakland PD", "US"}, "admin", "Ada Admin", "admin-password");
    const auto otherAdmin = other.authenticate("admin", "admin-password");
    other.setSyncSetting(otherAdmin, "hub_token", "token-of-the-second-store");
    EXPECT_EQ(store->syncSetting("hub_token"), "token-of-the-first-store");
    EXPECT_EQ(other.syncSetting("hub_token"), "token-of-the-second-store");
}

TEST_F(Keyring, ClearingTheTokenRemovesItFromTheKeyring) {
    store->setSyncSetting(admin, "hub_token", "token-to-clear");
    ASSERT_EQ(keyringEntry(storePath), "token-to-clear");
    store->setSyncSetting(admin, "hub_token", "");
    EXPECT_EQ(keyringEntry(storePath), "");
    EXPECT_EQ(store->syncSetting("hub_token"), "");
    EXPECT_EQ(store->secretLocation("hub_token"), "");
    EXPECT_TRUE(fs::is_empty(storePath / "secrets"));
}

TEST_F(Keyring, WithoutTheKeyringATokenKeptThereIsAClearErrorAndANewOneGoesToThePrivateFile) {
    store->setSyncSetting(admin, "hub_token", "token-in-keyring");
    ::setenv("STRIAE_KEYRING", "off", 1);  // as a service without the desktop session would be
    try {
        (void)store->syncSetting("hub_token");
        FAIL() << "a token kept in the keyring cannot be read without it";
    } catch (const records::RecordsError& e) {
        EXPECT_EQ(e.kind(), records::RecordsError::Kind::Storage);
        EXPECT_NE(std::string(e.what()).find("system keyring"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("STRIAE_KEYRING=off"), std::string::npos) << e.what();
    }
    store->setSyncSetting(admin, "hub_token", "token-in-file");
    EXPECT_EQ(store->syncSetting("hub_token"), "token-in-file");
    struct stat st {};
    ASSERT_EQ(::stat((storePath / "secrets" / "hub_token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(fs::exists(storePath / "secrets" / "hub_token.in-keyring"));
}

TEST_F(Keyring, ATokenInTheFileOfAnOlderVersionMovesToTheKeyringWhenItIsSetAgain) {
    ::setenv("STRIAE_KEYRING", "off", 1);
    store->setSyncSetting(admin, "hub_token", "token-from-before");
    ASSERT_TRUE(fs::exists(storePath / "secrets" / "hub_token"));
    ::unsetenv("STRIAE_KEYRING");
    EXPECT_EQ(store->syncSetting("hub_token"), "token-from-before") << "a file token stays readable";
    store->setSyncSetting(admin, "hub_token", "token-from-now");
    EXPECT_FALSE(fs::exists(storePath / "secrets" / "hub_token"));
    EXPECT_EQ(keyringEntry(storePath), "token-from-now");
}
