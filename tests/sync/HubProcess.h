#pragma once
// A real striae-hub process on loopback for the sync tests, on SQLite or on
// a fresh PostgreSQL database ($STRIAE_TEST_POSTGRES: conninfo of a server
// where the user may create databases; the PostgreSQL tests skip without it).
#include <gtest/gtest.h>
#include <signal.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/sync/HubDatabase.h"
#include "striae/sync/HubError.h"

extern char** environ;

namespace striae::test {

// Runs a command, returns its stdout (trimmed); fails the test on a non-zero exit.
inline std::string runCommand(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    const int status = pipe ? ::pclose(pipe) : -1;
    EXPECT_EQ(status, 0) << command << "\n" << out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

inline std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// A database for one hub: "" (SQLite in its data folder) or a new PostgreSQL database.
inline std::string hubDatabase(const std::string& backend) {
    if (backend == "sqlite") return "";
    const char* conninfo = std::getenv("STRIAE_TEST_POSTGRES");
    if (!conninfo || !*conninfo) return "skip";
    static int counter = 0;
    const std::string name = "striae_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    sync::HubDatabase admin(std::string("postgresql:") + conninfo);
    admin.execute("DROP DATABASE IF EXISTS " + name);
    admin.execute("CREATE DATABASE " + name);
    return std::string("postgresql:") + conninfo + " dbname=" + name;
}

// Starts `args` with its stderr appended to `log`; the pid, or -1.
inline pid_t spawnLogged(std::vector<std::string> args, const std::filesystem::path& log) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

class HubProcess {
public:
    HubProcess(std::filesystem::path dataDir, std::string database, std::string name)
        : dataDir_(std::move(dataDir)), database_(std::move(database)), name_(std::move(name)) {}
    ~HubProcess() { stop(); }

    std::string admin(const std::string& arguments) const {
        return runCommand(std::string(STRIAE_HUB) + " --data " + shellQuote(dataDir_.string()) + " --name " + name_ +
                          (database_.empty() ? "" : " --db " + shellQuote(database_)) + " " + arguments + " 2>&1");
    }
    std::string addAgency(const std::string& code, bool peer = false) {
        admin("agency add " + code + (peer ? " --peer" : ""));
        return admin("token issue " + code);
    }

    void start(std::vector<std::string> extra = {}) {
        const auto portFile = dataDir_ / "port";
        std::filesystem::create_directories(dataDir_);
        std::filesystem::remove(portFile);
        std::vector<std::string> args{STRIAE_HUB, "--data", dataDir_.string(), "--name", name_};
        if (!database_.empty()) args.insert(args.end(), {"--db", database_});
        args.insert(args.end(), {"serve", "--listen", "127.0.0.1:" + std::to_string(port_), "--port-file", portFile.string()});
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = spawnLogged(args, dataDir_ / "hub.log");
        ASSERT_GT(pid_, 0) << "cannot start " << args[0];
        for (int i = 0; i < 500 && !std::filesystem::exists(portFile); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ASSERT_TRUE(std::filesystem::exists(portFile)) << "hub did not start; log:\n" << logText();
        std::ifstream(portFile) >> port_;  // the same port again after a restart (peers know it)
    }
    void kill(int signal = SIGKILL) {
        if (pid_ > 0) {
            ::kill(pid_, signal);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    void stop() { kill(SIGTERM); }
    bool running() const { return pid_ > 0; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::filesystem::path& dataDir() const { return dataDir_; }
    // The database's URL, as a HubDatabase opens it.
    std::string databaseUrl() const { return database_.empty() ? "sqlite:" + (dataDir_ / "hub.db").string() : database_; }
    std::string logText() const {
        std::ifstream in(dataDir_ / "hub.log");
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }
    // Reserve a port before starting, so two peers can name each other.
    void usePort(int port) { port_ = port; }

private:
    std::filesystem::path dataDir_;
    std::string database_, name_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// A `striae-hub worker` process taking jobs from the hub's PostgreSQL queue;
// its log is DATA/worker-ID.log.
class WorkerProcess {
public:
    WorkerProcess(std::filesystem::path dataDir, std::string database, std::string hubName, std::string id)
        : dataDir_(std::move(dataDir)), database_(std::move(database)), hubName_(std::move(hubName)), id_(std::move(id)) {}
    ~WorkerProcess() { kill(SIGTERM); }
    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{STRIAE_HUB, "--data", dataDir_.string(), "--name", hubName_, "--db", database_, "worker", "--id", id_};
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = spawnLogged(args, logPath());
        ASSERT_GT(pid_, 0) << "cannot start " << args[0];
    }
    void kill(int signal = SIGKILL) {
        if (pid_ > 0) {
            ::kill(pid_, signal);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    const std::string& id() const { return id_; }
    std::filesystem::path logPath() const { return dataDir_ / ("worker-" + id_ + ".log"); }
    std::string logText() const {
        std::ifstream in(logPath());
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }

private:
    std::filesystem::path dataDir_;
    std::string database_, hubName_, id_;
    pid_t pid_ = -1;
};

// The HubError status of a call (200 when it succeeds).
inline int statusOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const sync::HubError& e) {
        return e.status();
    }
    return 200;
}

// A free loopback port (bound and released).
inline int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Polls `condition` for up to `seconds`.
template <typename F>
bool eventually(F condition, double seconds = 60) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
}

// A hub test on one storage (the parameter: "sqlite" or "postgresql", skipped without a server) with
// synthetic breech faces in dir/scans: `firearms` guns, two shots each, named F01-01 ...
class HubBackendTest : public ::testing::TestWithParam<std::string> {
protected:
    TempDir dir;
    std::filesystem::path scans;

    void makeScans(unsigned seed, int firearms = 3) {
        if (hubDatabase(GetParam()) == "skip") GTEST_SKIP() << "no PostgreSQL server: set STRIAE_TEST_POSTGRES";
        scans = dir / "scans";
        imaging::SynthOptions o;
        o.firearms = firearms;
        o.shotsPerFirearm = 2;
        o.sizePx = 128;
        o.seed = seed;
        imaging::writeSyntheticSet(o, scans.string());
    }
    std::string scan(const std::string& name) const { return (scans / (name + ".x3p")).string(); }
    // A hub process on its own new database of the parameter's kind.
    std::unique_ptr<HubProcess> hub(const std::string& name) { return std::make_unique<HubProcess>(dir / name, hubDatabase(GetParam()), name); }
};

// A user of a case store made through the command line.
struct CliUser {
    std::string login, name, roles, password;
};

// A case store made through the command line, with administrator sam and `users`; returns the environment
// that runs `striae` as the first of them (as sam: *adminEnv).
inline std::string cliStore(const std::string& store, const std::string& agency, const std::string& country, const std::vector<CliUser>& users,
                            std::string* adminEnv = nullptr) {
    const std::string cli = std::string(STRIAE_CLI) + " ";
    const std::string admin = "STRIAE_STORE=" + shellQuote(store) + " STRIAE_USER=sam STRIAE_PASSWORD=admin-password ";
    runCommand(admin + cli + "db init " + shellQuote(store) + " --agency " + agency + " --agency-name " + agency + " --country " + country +
               " --admin sam --admin-name Sam");
    for (const auto& u : users)
        runCommand(admin + "STRIAE_NEW_PASSWORD=" + u.password + " " + cli + "user add " + u.login + " --name " + u.name + " --roles " + u.roles +
                   " --agency " + agency);
    if (adminEnv) *adminEnv = admin;
    return "STRIAE_STORE=" + shellQuote(store) + " STRIAE_USER=" + users.at(0).login + " STRIAE_PASSWORD=" + users.at(0).password + " ";
}

// The same with technician tina.
inline std::string cliStoreWithTechnician(const std::string& store, const std::string& agency, const std::string& country,
                                          std::string* adminEnv = nullptr) {
    return cliStore(store, agency, country, {{"tina", "Tina", "technician", "tech-password"}}, adminEnv);
}

}  // namespace striae::test
