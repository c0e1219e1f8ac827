// The firearms reference table: validated import (CSV, JSON), versions, export, prefix and fuzzy search.
#include "striae/records/ReferenceTable.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "StoreImpl.h"
#include "striae/records/Calibers.h"
#include "striae/records/FirearmRecords.h"

namespace striae::records {

namespace {

const std::vector<std::string> kColumns{"make", "model", "type", "calibers", "country", "action", "barrel_length_mm",
                                        "markings", "serial_format", "maker_codes", "images"};
// The fields a search looks in, in the order they are tried.
const std::vector<std::string> kSearchFields{"make", "model", "maker_codes", "markings", "country", "caliber", "type"};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::string part;
    for (char c : text + "|") {
        if (c == '|' || c == ';') {
            const auto b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
            if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
            part.clear();
        } else {
            part += c;
        }
    }
    return out;
}

std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : "|") + i;
    return out;
}

std::string lower(const std::string& s) {
    std::string out = s;
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// RFC 4180: fields separated by commas, quoted with "" for a quote; CRLF or LF line ends.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"' && field.empty()) {
            quoted = any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(field);
                rows.push_back(row);
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted) fail(RecordsError::Kind::InvalidInput, "CSV: a quoted field is not closed before the end of the file");
    if (any || !field.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

std::string csvField(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// One row checked: the reference, or the reason it is refused.
std::optional<FirearmReference> validRow(const std::map<std::string, std::string>& in, const Calibers& calibers, std::string& reason) {
    auto value = [&](const std::string& k) {
        const auto it = in.find(k);
        return it == in.end() ? std::string() : it->second;
    };
    FirearmReference r;
    r.make = value("make");
    r.model = value("model");
    r.type = value("type");
    r.country = value("country");
    r.action = value("action");
    r.markings = value("markings");
    r.serialFormat = value("serial_format");
    r.makerCodes = splitList(value("maker_codes"));
    r.images = splitList(value("images"));
    try {
        validateText("make", r.make, false, 100);
        validateText("model", r.model, false, 100);
        validateText("action", r.action, false, 100);
        validateText("markings", r.markings, true, 1000);
        validateText("serial_format", r.serialFormat, false, 200);
        for (const auto& [field, text] : {std::pair{"make", r.make}, std::pair{"model", r.model}, std::pair{"markings", r.markings}})
            if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '@'))
                fail(RecordsError::Kind::InvalidInput, std::string(field) + " '" + text.substr(0, 40) + "' starts like a spreadsheet formula");
    } catch (const RecordsError& e) {
        reason = e.what();
        return std::nullopt;
    }
    if (r.make.empty() || r.model.empty()) {
        reason = r.make.empty() ? "make is missing" : "model is missing";
        return std::nullopt;
    }
    if (!oneOf(r.type, kFirearmTypes)) {
        reason = "type '" + r.type.substr(0, 40) + "': expected one of " + listOf(kFirearmTypes);
        return std::nullopt;
    }
    for (const auto& written : splitList(value("calibers"))) {
        const auto listed = calibers.resolve(written);
        if (!listed) {
            const auto close = calibers.suggest(written);
            reason = "caliber '" + written.substr(0, 60) + "' is not in the reference list" + (close.empty() ? "" : " (did you mean " + close[0] + "?)");
            return std::nullopt;
        }
        if (std::find(r.calibers.begin(), r.calibers.end(), *listed) == r.calibers.end()) r.calibers.push_back(*listed);
    }
    if (r.calibers.empty()) {
        reason = "calibers: at least one";
        return std::nullopt;
    }
    if (!r.country.empty() && (r.country.size() != 2 || !std::isupper(static_cast<unsigned char>(r.country[0])) ||
                               !std::isupper(static_cast<unsigned char>(r.country[1])))) {
        reason = "country '" + r.country.substr(0, 40) + "': expected an ISO 3166 two-letter code";
        return std::nullopt;
    }
    if (const std::string length = value("barrel_length_mm"); !length.empty()) {
        char* end = nullptr;
        const double mm = std::strtod(length.c_str(), &end);
        if (end == length.c_str() || *end != '\0' || !std::isfinite(mm) || mm < 10 || mm > 2000) {
            reason = "barrel_length_mm '" + length.substr(0, 20) + "': expected millimetres between 10 and 2000";
            return std::nullopt;
        }
        r.barrelLengthMm = mm;
    }
    for (const auto& image : r.images)
        if (image.find('/') != std::string::npos || image.find('\\') != std::string::npos || image == ".." || image.size() > 200) {
            reason = "image '" + image.substr(0, 60) + "': a file name without a folder";
            return std::nullopt;
        }
    for (const auto& code : r.makerCodes)
        if (code.size() > 40) {
            reason = "maker code '" + code.substr(0, 40) + "…' is longer than 40 characters";
            return std::nullopt;
        }
    return r;
}

FirearmReference fromRow(SQLite::Statement& q) {
    FirearmReference r;
    r.id = q.getColumn(0).getInt64();
    r.make = q.getColumn(1).getString();
    r.model = q.getColumn(2).getString();
    r.type = q.getColumn(3).getString();
    r.calibers = splitList(q.getColumn(4).getString());
    r.country = q.getColumn(5).getString();
    r.action = q.getColumn(6).getString();
    if (!q.getColumn(7).isNull()) r.barrelLengthMm = q.getColumn(7).getDouble();
    r.markings = q.getColumn(8).getString();
    r.serialFormat = q.getColumn(9).getString();
    r.makerCodes = splitList(q.getColumn(10).getString());
    r.images = splitList(q.getColumn(11).getString());
    r.version = q.getColumn(12).getInt();
    return r;
}

const char* kSelect =
    "SELECT id, make, model, type, calibers, country, action, barrel_length_mm, markings, serial_format, maker_codes, images, version "
    "FROM firearm_reference";

// The twelve columns make … version, in that order, as INSERT and UPDATE name them.
void bindReference(SQLite::Statement& q, const FirearmReference& r, int version) {
    int at = 1;
    for (const auto& v : {r.make, r.model, r.type, joinList(r.calibers), r.country, r.action}) q.bind(at++, v);
    if (r.barrelLengthMm) q.bind(at++, *r.barrelLengthMm);
    else q.bind(at++);
    for (const auto& v : {r.markings, r.serialFormat, joinList(r.makerCodes), joinList(r.images)}) q.bind(at++, v);
    q.bind(at++, version);
}

bool same(const FirearmReference& a, const FirearmReference& b) {
    return a.type == b.type && a.calibers == b.calibers && a.country == b.country && a.action == b.action &&
           a.barrelLengthMm == b.barrelLengthMm && a.markings == b.markings && a.serialFormat == b.serialFormat &&
           a.makerCodes == b.makerCodes && a.images == b.images && a.make == b.make && a.model == b.model;
}

}  // namespace

// The whole table in memory with a trigram index of its searchable names:
// 250,000 references are searched in milliseconds (benchmarks/firearms_bench).
// The terms indexed are each field's whole text and, in make and model, each
// word of it, so that a one-word typo ("exmaple") meets the word it misspells.
struct ReferenceSearchCache {
    struct Term {
        std::uint32_t reference = 0;
        std::uint8_t field = 0;
        std::uint16_t grams = 0;  // distinct trigrams of the term
    };
    int version = -1;
    std::vector<FirearmReference> refs;
    std::vector<std::array<std::string, 7>> fields;  // lower-case text of kSearchFields per reference
    std::vector<Term> terms;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> trigrams;  // trigram → term ids
};

namespace {

std::vector<std::uint32_t> trigramsOf(const std::string& text) {
    std::string padded = "  ";
    for (char c : lower(text)) padded += std::isalnum(static_cast<unsigned char>(c)) ? c : ' ';
    padded += ' ';
    std::set<std::uint32_t> out;
    for (std::size_t i = 0; i + 3 <= padded.size(); ++i) {
        if (padded[i + 1] == ' ' && padded[i + 2] == ' ') continue;
        out.insert((std::uint32_t(std::uint8_t(padded[i])) << 16) | (std::uint32_t(std::uint8_t(padded[i + 1])) << 8) | std::uint8_t(padded[i + 2]));
    }
    return {out.begin(), out.end()};
}

std::shared_ptr<ReferenceSearchCache> buildCache(SQLite::Database& db, int version) {
    auto cache = std::make_shared<ReferenceSearchCache>();
    cache->version = version;
    SQLite::Statement q(db, std::string(kSelect) + " ORDER BY make, model");
    while (q.executeStep()) cache->refs.push_back(fromRow(q));
    cache->fields.resize(cache->refs.size());
    auto addTerm = [&](std::size_t reference, std::size_t field, const std::string& text) {
        const auto grams = trigramsOf(text);
        if (grams.empty()) return;
        const auto id = std::uint32_t(cache->terms.size());
        cache->terms.push_back({std::uint32_t(reference), std::uint8_t(field), std::uint16_t(std::min<std::size_t>(grams.size(), 65535))});
        for (auto g : grams) cache->trigrams[g].push_back(id);
    };
    for (std::size_t i = 0; i < cache->refs.size(); ++i) {
        const auto& r = cache->refs[i];
        cache->fields[i] = {lower(r.make), lower(r.model), lower(joinList(r.makerCodes)), lower(r.markings), lower(r.country),
                            lower(joinList(r.calibers)), lower(r.type)};
        for (std::size_t f = 0; f < 4; ++f) {  // by likeness: make, model, maker codes, markings
            const std::string& text = cache->fields[i][f];
            addTerm(i, f, text);
            if (f < 2 && text.find(' ') != std::string::npos) {
                std::istringstream words(text);
                for (std::string w; words >> w;)
                    if (w.size() >= 3) addTerm(i, f, w);
            }
        }
    }
    return cache;
}

}  // namespace

int ReferenceTable::version() const {
    SQLite::Statement q(impl_.db, "SELECT value FROM reference_meta WHERE name = 'firearm_reference_version'");
    return q.executeStep() ? std::stoi(q.getColumn(0).getString()) : 0;
}

std::size_t ReferenceTable::size() const {
    SQLite::Statement q(impl_.db, "SELECT count(*) FROM firearm_reference");
    q.executeStep();
    return std::size_t(q.getColumn(0).getInt64());
}

ReferenceImport ReferenceTable::importCsv(const User& actor, const std::string& csv) {
    const auto table = parseCsv(csv);
    if (table.empty()) fail(RecordsError::Kind::InvalidInput, "CSV: no header line");
    for (const auto& name : table[0])
        if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end())
            fail(RecordsError::Kind::InvalidInput, "CSV: unknown column '" + name.substr(0, 40) + "' (columns: " + listOf(kColumns) + ")");
    std::vector<std::vector<std::pair<std::string, std::string>>> rows;
    for (std::size_t i = 1; i < table.size(); ++i) {
        std::vector<std::pair<std::string, std::string>> row;
        for (std::size_t c = 0; c < table[0].size(); ++c) row.emplace_back(table[0][c], c < table[i].size() ? table[i][c] : std::string());
        if (table[i].size() > table[0].size()) row.emplace_back("", "");  // marks a row with more fields than the header
        rows.push_back(std::move(row));
    }
    return importRows(actor, rows, "csv");
}

ReferenceImport ReferenceTable::importJson(const User& actor, const std::string& json) { return importRows(actor, jsonRows(json), "json"); }

ReferenceImport ReferenceTable::importFromHub(const User& actor, const std::string& json, std::int64_t hubVersion) {
    return importRows(actor, jsonRows(json), std::string("hub version ").append(std::to_string(hubVersion)), true);
}

std::vector<std::vector<std::pair<std::string, std::string>>> ReferenceTable::jsonRows(const std::string& json) const {
    Poco::JSON::Array::Ptr list;
    try {
        const auto parsed = Poco::JSON::Parser().parse(json);
        if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) list = parsed.extract<Poco::JSON::Array::Ptr>();
        else if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) list = parsed.extract<Poco::JSON::Object::Ptr>()->getArray("references");
    } catch (const std::exception& e) {
        fail(RecordsError::Kind::InvalidInput, std::string("JSON: ") + e.what());
    }
    if (!list) fail(RecordsError::Kind::InvalidInput, "JSON: expected an array of references or an object with a 'references' array");
    std::vector<std::vector<std::pair<std::string, std::string>>> rows;
    for (std::size_t i = 0; i < list->size(); ++i) {
        std::vector<std::pair<std::string, std::string>> row;
        const auto o = list->getObject(unsigned(i));
        if (!o) {
            row.emplace_back("", "");  // not an object: rejected below
            rows.push_back(row);
            continue;
        }
        for (const auto& [key, v] : *o) {
            if (std::find(kColumns.begin(), kColumns.end(), key) == kColumns.end() && key != "id" && key != "version") {
                row.emplace_back("", key);
                continue;
            }
            if (key == "id" || key == "version") continue;
            std::string text;
            if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
                std::vector<std::string> items;
                for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) items.push_back(item.convert<std::string>());
                text = joinList(items);
            } else if (!v.isEmpty()) {
                text = v.convert<std::string>();
            }
            row.emplace_back(key, text);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

ReferenceImport ReferenceTable::importRows(const User& actor, const std::vector<std::vector<std::pair<std::string, std::string>>>& rows,
                                           const std::string& source, bool distributed) {
    if (distributed && !actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    if (!distributed && !actor.has(Role::Administrator) && !actor.has(Role::RecordsOfficer))
        fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " may not change the reference table: that needs the "
                                                   "administrator or records_officer role");
    ReferenceImport report;
    const Calibers calibers(impl_);
    std::vector<FirearmReference> accepted;
    std::map<std::pair<std::string, std::string>, int> seen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const int rowNumber = int(i + 1);
        std::map<std::string, std::string> fields;
        std::string reason;
        for (const auto& [k, v] : rows[i]) {
            if (k.empty()) reason = v.empty() ? "not a reference (wrong shape or too many fields)" : "unknown field '" + v.substr(0, 40) + "'";
            fields[k] = v;
        }
        std::optional<FirearmReference> r;
        if (reason.empty()) r = validRow(fields, calibers, reason);
        if (r) {
            const auto key = std::pair{lower(r->make), lower(r->model)};
            if (const auto it = seen.find(key); it != seen.end()) {
                reason = "repeats row " + std::to_string(it->second) + " (" + r->make + " " + r->model + ")";
                r.reset();
            } else {
                seen[key] = rowNumber;
            }
        }
        if (r) accepted.push_back(*r);
        else report.rejected.push_back({rowNumber, reason});
    }
    WriteTransaction t(impl_);
    const int next = version() + 1;
    for (const auto& r : accepted) {
        SQLite::Statement find(impl_.db, std::string(kSelect) + " WHERE make = ? AND model = ?");
        find.bind(1, r.make);
        find.bind(2, r.model);
        if (find.executeStep()) {
            if (same(fromRow(find), r)) {
                ++report.unchanged;
                continue;
            }
            SQLite::Statement u(impl_.db, "UPDATE firearm_reference SET make = ?, model = ?, type = ?, calibers = ?, country = ?, action = ?, "
                                          "barrel_length_mm = ?, markings = ?, serial_format = ?, maker_codes = ?, images = ?, version = ? "
                                          "WHERE id = ?");
            bindReference(u, r, next);
            u.bind(13, find.getColumn(0).getInt64());
            u.exec();
            ++report.updated;
        } else {
            SQLite::Statement ins(impl_.db, "INSERT INTO firearm_reference(make, model, type, calibers, country, action, barrel_length_mm, "
                                            "markings, serial_format, maker_codes, images, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            bindReference(ins, r, next);
            ins.exec();
            ++report.added;
        }
    }
    report.version = report.added + report.updated > 0 ? next : next - 1;
    if (report.added + report.updated > 0) {
        SQLite::Statement v(impl_.db, "UPDATE reference_meta SET value = ? WHERE name = 'firearm_reference_version'");
        v.bind(1, std::to_string(next));
        v.exec();
    }
    impl_.audit(actor.id, "import_firearm_references", "firearm_reference", report.version,
                jsonObject({{"source", source},
                            {"version", std::to_string(report.version)},
                            {"added", std::to_string(report.added)},
                            {"updated", std::to_string(report.updated)},
                            {"unchanged", std::to_string(report.unchanged)},
                            {"rejected", std::to_string(report.rejected.size())}}));
    t.commit();
    return report;
}

std::string ReferenceTable::exportCsv() const {
    std::ostringstream out;
    for (std::size_t i = 0; i < kColumns.size(); ++i) out << (i ? "," : "") << kColumns[i];
    out << "\r\n";
    SQLite::Statement q(impl_.db, std::string(kSelect) + " ORDER BY make, model");
    while (q.executeStep()) {
        const auto r = fromRow(q);
        std::ostringstream length;
        if (r.barrelLengthMm) length << *r.barrelLengthMm;
        const std::vector<std::string> cells{r.make,     r.model,        r.type, joinList(r.calibers), r.country, r.action, length.str(),
                                             r.markings, r.serialFormat, joinList(r.makerCodes), joinList(r.images)};
        for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csvField(cells[i]);
        out << "\r\n";
    }
    return out.str();
}

std::string ReferenceTable::exportJson() const {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("format", "striae-firearm-reference/1");
    root.set("version", version());
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    SQLite::Statement q(impl_.db, std::string(kSelect) + " ORDER BY make, model");
    auto array = [](const std::vector<std::string>& items) {
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (const auto& i : items) a->add(i);
        return a;
    };
    while (q.executeStep()) {
        const auto r = fromRow(q);
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("make", r.make);
        o->set("model", r.model);
        o->set("type", r.type);
        o->set("calibers", array(r.calibers));
        o->set("country", r.country);
        o->set("action", r.action);
        if (r.barrelLengthMm) o->set("barrel_length_mm", *r.barrelLengthMm);
        o->set("markings", r.markings);
        o->set("serial_format", r.serialFormat);
        o->set("maker_codes", array(r.makerCodes));
        o->set("images", array(r.images));
        o->set("version", r.version);
        list->add(o);
    }
    root.set("references", list);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

std::vector<ReferenceMatch> ReferenceTable::search(const std::string& text, const std::string& field, bool fuzzy, int limit) const {
    std::size_t only = kSearchFields.size();
    if (!field.empty()) {
        const auto it = std::find(kSearchFields.begin(), kSearchFields.end(), field);
        if (it == kSearchFields.end()) fail(RecordsError::Kind::InvalidInput, "search field '" + field.substr(0, 40) + "': expected one of " + listOf(kSearchFields));
        only = std::size_t(it - kSearchFields.begin());
    }
    const std::string wanted = lower(text);
    if (wanted.find_first_not_of(' ') == std::string::npos) return {};
    const int current = version();
    auto cache = impl_.referenceCache;
    if (!cache || cache->version != current) impl_.referenceCache = cache = buildCache(impl_.db, current);
    const std::size_t cap = std::size_t(std::clamp(limit, 1, 1000));
    std::vector<ReferenceMatch> out;
    std::vector<bool> taken(cache->refs.size(), false);
    // Prefix matches, field by field; in a list field (maker codes, calibers) any item's prefix.
    for (std::size_t f = 0; f < kSearchFields.size() && out.size() < cap; ++f) {
        if (only != kSearchFields.size() && f != only) continue;
        for (std::size_t i = 0; i < cache->refs.size() && out.size() < cap; ++i) {
            if (taken[i]) continue;
            const std::string& value = cache->fields[i][f];
            bool hit = value.compare(0, wanted.size(), wanted) == 0;
            for (std::size_t at = value.find('|'); !hit && at != std::string::npos; at = value.find('|', at + 1))
                hit = value.compare(at + 1, wanted.size(), wanted) == 0;
            if (hit) {
                taken[i] = true;
                out.push_back({cache->refs[i], kSearchFields[f], false, 1.0});
            }
        }
    }
    if (!fuzzy || out.size() >= cap) return out;
    // By likeness: the terms sharing the most trigrams with the text (Jaccard similarity ≥ 0.3, as pg_trgm), each
    // reference by its closest term, over make, model (and their words), maker codes and markings.
    const auto grams = trigramsOf(wanted);
    if (grams.empty()) return out;
    std::vector<std::uint16_t> shared(cache->terms.size(), 0);
    std::vector<std::uint32_t> touched;
    for (auto g : grams)
        if (const auto it = cache->trigrams.find(g); it != cache->trigrams.end())
            for (auto term : it->second) {
                if (only != kSearchFields.size() && cache->terms[term].field != only) continue;
                if (shared[term]++ == 0) touched.push_back(term);
            }
    std::unordered_map<std::uint32_t, std::pair<double, std::uint8_t>> best;  // reference → (similarity, field)
    for (auto term : touched) {
        const auto& t = cache->terms[term];
        const double similarity = double(shared[term]) / double(grams.size() + t.grams - shared[term]);
        if (similarity < 0.3 || taken[t.reference]) continue;
        auto& b = best[t.reference];
        if (similarity > b.first) b = {similarity, t.field};
    }
    std::vector<std::pair<double, std::uint32_t>> ranked;
    for (const auto& [i, b] : best) ranked.emplace_back(b.first, i);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (const auto& [similarity, i] : ranked) {
        if (out.size() >= cap) break;
        out.push_back({cache->refs[i], kSearchFields[best[i].second], true, similarity});
    }
    return out;
}

ReferenceTable Store::referenceTable() { return ReferenceTable(*impl_); }

}  // namespace striae::records
