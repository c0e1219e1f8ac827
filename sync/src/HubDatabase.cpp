#include "striae/sync/HubDatabase.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <sstream>
#include <stdexcept>

namespace striae::sync {

using Poco::Data::Keywords::bind;

std::int64_t SqlRow::integer(std::size_t column) const {
    const std::string& t = text(column);
    return t.empty() ? 0 : std::stoll(t);
}

double SqlRow::real(std::size_t column) const {
    const std::string& t = text(column);
    return t.empty() ? 0.0 : std::stod(t);
}

HubDatabase::HubDatabase(const std::string& url) : url_(url) {
    static std::once_flag registered;
    std::call_once(registered, [] {
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
    const auto colon = url.find(':');
    const std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : url.substr(colon + 1);
    try {
        if (scheme == "sqlite") {
            session_ = std::make_unique<Poco::Data::Session>("SQLite", rest);
            // WAL: readers never block the writer; NORMAL sync is durable
            // against a killed process (the case the hub must survive).
            *session_ << "PRAGMA journal_mode=WAL", Poco::Data::Keywords::now;
            *session_ << "PRAGMA synchronous=NORMAL", Poco::Data::Keywords::now;
            *session_ << "PRAGMA busy_timeout=10000", Poco::Data::Keywords::now;
        } else if (scheme == "postgresql") {
            postgres_ = true;
            session_ = std::make_unique<Poco::Data::Session>("PostgreSQL", rest);
            *session_ << "SET client_min_messages TO WARNING", Poco::Data::Keywords::now;
            // The hub's queries are short; JIT compiling the few that read a whole table (the statistics)
            // cost more than it saved (0.35 s of 1.2 s at 100,000 holdings; benchmarks/stats_bench).
            *session_ << "SET jit = off", Poco::Data::Keywords::now;
        } else {
            throw std::invalid_argument("database '" + url + "': expected sqlite:PATH or postgresql:CONNINFO");
        }
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot open database " + (postgres_ ? std::string("postgresql") : url) + ": " +
                                 e.displayText());
    }
}

HubDatabase::~HubDatabase() = default;

std::string HubDatabase::translate(const std::string& sql) const {
    if (!postgres_) return sql;
    std::string out;
    int n = 0;
    bool quoted = false;
    for (char c : sql) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) {
            out += '$';  // appended in two steps: GCC 12 -O3 sees a false overlap in "$" + to_string (-Werror=restrict)
            out += std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

namespace {
void bindAll(Poco::Data::Statement& st, const std::vector<SqlValue>& parameters) {
    for (const auto& p : parameters) {
        if (const auto* i = std::get_if<std::int64_t>(&p))
            st.addBind(bind(Poco::Int64(*i)));
        else if (const auto* d = std::get_if<double>(&p))
            st.addBind(bind(*d));
        else
            st.addBind(bind(std::get<std::string>(p)));
    }
}
}  // namespace

void HubDatabase::execute(const std::string& sql, const std::vector<SqlValue>& parameters) {
    auto guard = lock();
    try {
        Poco::Data::Statement st(*session_);
        st << translate(sql);
        bindAll(st, parameters);
        st.execute();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("database: " + e.displayText());
    }
}

std::vector<SqlRow> HubDatabase::query(const std::string& sql, const std::vector<SqlValue>& parameters) {
    auto guard = lock();
    std::vector<SqlRow> rows;
    try {
        Poco::Data::Statement st(*session_);
        st << translate(sql);
        bindAll(st, parameters);
        st.execute();
        Poco::Data::RecordSet rs(st);
        const std::size_t columns = rs.columnCount();
        for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
            std::vector<std::string> cells(columns);
            for (std::size_t c = 0; c < columns; ++c) {
                const Poco::Dynamic::Var v = rs.value(c);
                if (!v.isEmpty()) cells[c] = v.convert<std::string>();
            }
            rows.emplace_back(std::move(cells));
        }
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("database: " + e.displayText());
    }
    return rows;
}

void HubDatabase::executeScript(const std::string& script) {
    std::string text = script;
    const std::string real = postgres_ ? "DOUBLE PRECISION" : "REAL";
    for (std::size_t at; (at = text.find("%REAL%")) != std::string::npos;) text.replace(at, 6, real);
    std::istringstream in(text);
    std::string statement;
    while (std::getline(in, statement, ';')) {
        if (statement.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        execute(statement);
    }
}

void HubDatabase::withSchemaLock(const std::function<void()>& setUp) {
    if (!postgres_) return setUp();
    constexpr std::int64_t kSchemaLock = 0x5374726961650001;  // "Striae" + 1: the hub's schema
    auto guard = lock();
    query("SELECT 1 FROM (SELECT pg_advisory_lock(?)) AS locked", {kSchemaLock});  // a row, not a void column
    try {
        setUp();
    } catch (...) {
        query("SELECT 1 WHERE pg_advisory_unlock(?)", {kSchemaLock});
        throw;
    }
    query("SELECT 1 WHERE pg_advisory_unlock(?)", {kSchemaLock});
}

// Transactions nest (a concern's write inside the store's): the outermost one commits; a
// rolled-back inner one makes the outermost roll back too.
void HubDatabase::begin() {
    auto guard = lock();
    if (depth_ == 0) {
        session_->begin();
        innerRolledBack_ = false;
    }
    ++depth_;
}
void HubDatabase::commit() {
    auto guard = lock();
    if (depth_ == 0) throw std::logic_error("commit without a transaction");
    if (--depth_ > 0) return;
    if (innerRolledBack_) {
        session_->rollback();
        throw std::runtime_error("a nested transaction was rolled back; nothing was committed");
    }
    session_->commit();
}
void HubDatabase::rollback() {
    auto guard = lock();
    if (depth_ == 0) return;
    innerRolledBack_ = true;
    if (--depth_ == 0) session_->rollback();
}

}  // namespace striae::sync
