#pragma once
// Reading and writing the hub API's JSON fields (HubJson.cpp, HubFirearmJson.cpp):
// a wrong or missing field is HubError 400 naming it.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "striae/sync/HubError.h"

namespace striae::sync::json {

using Poco::JSON::Object;

inline std::string text(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(v, out);
    return out.str();
}

inline Object::Ptr parseObject(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        auto v = parser.parse(body);
        auto o = v.extract<Object::Ptr>();
        if (!o) throw HubError(400, "expected a JSON object");
        return o;
    } catch (const HubError&) {
        throw;
    } catch (const Poco::BadCastException&) {
        throw HubError(400, "expected a JSON object");
    } catch (const Poco::Exception& e) {
        throw HubError(400, "malformed JSON: " + e.displayText());
    }
}

inline std::string str(const Object::Ptr& o, const std::string& field, bool required, const std::string& fallback = "") {
    if (!o->has(field) || o->isNull(field)) {
        if (required) throw HubError(400, "field '" + field + "' is missing");
        return fallback;
    }
    const auto v = o->get(field);
    if (!v.isString()) throw HubError(400, "field '" + field + "' must be a string");
    const std::string s = v.convert<std::string>();
    if (s.size() > 4096) throw HubError(400, "field '" + field + "' is longer than 4096 characters");
    return s;
}

inline std::int64_t integer(const Object::Ptr& o, const std::string& field) {
    if (!o->has(field)) throw HubError(400, "field '" + field + "' is missing");
    const auto v = o->get(field);
    if (!v.isNumeric()) throw HubError(400, "field '" + field + "' must be a number");
    return v.convert<std::int64_t>();
}

inline double real(const Object::Ptr& o, const std::string& field) {
    if (!o->has(field)) throw HubError(400, "field '" + field + "' is missing");
    return o->get(field).convert<double>();
}

inline bool boolean(const Object::Ptr& o, const std::string& field) {
    if (!o->has(field)) return false;
    const auto v = o->get(field);
    if (!v.isBoolean()) throw HubError(400, "field '" + field + "' must be true or false");
    return v.convert<bool>();
}

}  // namespace striae::sync::json
