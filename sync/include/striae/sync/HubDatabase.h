#pragma once
// The hub's database connection, SQLite or PostgreSQL through Poco::Data, so
// one set of SQL and one set of tests serves both. Statements are written
// with '?' placeholders and portable types; this class adapts them.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace striae::sync {

using SqlValue = std::variant<std::int64_t, double, std::string>;

// One result row; columns by position, converted on access.
class SqlRow {
public:
    explicit SqlRow(std::vector<std::string> cells) : cells_(std::move(cells)) {}
    const std::string& text(std::size_t column) const { return cells_.at(column); }
    std::int64_t integer(std::size_t column) const;
    double real(std::size_t column) const;

private:
    std::vector<std::string> cells_;
};

class HubDatabase {
public:
    // "sqlite:/path/hub.db" or "postgresql:host=... dbname=... user=...".
    explicit HubDatabase(const std::string& url);
    ~HubDatabase();

    bool isPostgres() const { return postgres_; }
    const std::string& url() const { return url_; }

    // Every statement runs under this lock (one connection; the hub's writes
    // are short, and one writer keeps SQLite and PostgreSQL alike).
    std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

    void execute(const std::string& sql, const std::vector<SqlValue>& parameters = {});
    std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& parameters = {});
    // Schema text with the dialect's type for floating point ("REAL"/"DOUBLE PRECISION").
    void executeScript(const std::string& script);

    void begin();
    void commit();
    void rollback();

    // Runs `setUp` (tables, indexes, migrations) while no other process sets up the same database:
    // on PostgreSQL under a session advisory lock (hub and worker processes starting together
    // deadlocked in their CREATE INDEX); SQLite serialises its writers itself.
    void withSchemaLock(const std::function<void()>& setUp);

private:
    std::string translate(const std::string& sql) const;
    std::string url_;
    bool postgres_ = false;
    std::unique_ptr<Poco::Data::Session> session_;
    std::recursive_mutex mutex_;
    int depth_ = 0;                 // open transactions (they nest; the outermost commits)
    bool innerRolledBack_ = false;
};

// begin() on construction, rollback() unless commit() was called.
class HubTransaction {
public:
    explicit HubTransaction(HubDatabase& db) : db_(db), lock_(db.lock()) { db_.begin(); }
    ~HubTransaction() {
        if (!done_) try {
                db_.rollback();
            } catch (...) {
            }
    }
    void commit() {
        db_.commit();
        done_ = true;
    }

private:
    HubDatabase& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    bool done_ = false;
};

}  // namespace striae::sync
