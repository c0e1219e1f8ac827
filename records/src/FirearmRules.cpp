// The rules of firearm records, seizure checks, trace requests and alerts, kept once for the store and the hub.
#include "striae/records/FirearmRules.h"

#include <algorithm>
#include <cctype>

#include "StoreImpl.h"
#include "striae/records/SerialNumber.h"

namespace striae::records {

const std::vector<CaliberReference>& starterCalibers() {
    // SAAMI Z299.1-.4 (rimfire, shotshell, centerfire pistol and revolver, centerfire rifle) names, with the C.I.P.
    // name where its tables give one, and the aliases found on headstamps and in reports.
    static const std::vector<CaliberReference> list{
        {"9mm Luger", "9 mm Luger", {"9x19mm", "9x19", "9mm Parabellum", "9 mm Parabellum", "9mm", "9 mm"}, "pistol", "SAAMI Z299.3; C.I.P."},
        {".380 Auto", "9 mm Browning Court", {".380 ACP", "380 Auto", "380 ACP", "9x17mm", "9mm Short", "9mm Kurz"}, "pistol", "SAAMI Z299.3; C.I.P."},
        {".40 S&W", "", {"40 S&W", ".40 Smith & Wesson", "10x22mm"}, "pistol", "SAAMI Z299.3"},
        {".45 Auto", "45 Auto", {".45 ACP", "45 ACP", "45 Auto", "11.43x23mm"}, "pistol", "SAAMI Z299.3; C.I.P."},
        {"10mm Auto", "", {"10mm", "10 mm Auto", "10x25mm"}, "pistol", "SAAMI Z299.3"},
        {".25 Auto", "6,35 Browning", {".25 ACP", "25 ACP", "25 Auto", "6.35mm Browning", "6.35x15.5mm"}, "pistol", "SAAMI Z299.3; C.I.P."},
        {".32 Auto", "7,65 Browning", {".32 ACP", "32 ACP", "32 Auto", "7.65mm Browning", "7.65x17mm"}, "pistol", "SAAMI Z299.3; C.I.P."},
        {".38 Special", "", {".38 Spl", "38 Special", "38 Spl"}, "pistol", "SAAMI Z299.3"},
        {".357 Magnum", "", {"357 Magnum", ".357 Mag", "357 Mag"}, "pistol", "SAAMI Z299.3"},
        {".44 Remington Magnum", "", {".44 Magnum", "44 Magnum", ".44 Mag", "44 Rem Mag"}, "pistol", "SAAMI Z299.3"},
        {".45 Colt", "", {".45 Long Colt", "45 Colt", "45 LC"}, "pistol", "SAAMI Z299.3"},
        {"9 mm Makarov", "9 mm Makarov", {"9x18mm Makarov", "9x18mm", "9x18", "9mm Makarov"}, "pistol", "C.I.P."},
        {".22 Long Rifle", "", {".22 LR", "22 LR", "22LR", "22 Long Rifle"}, "rimfire", "SAAMI Z299.1"},
        {".223 Remington", "", {".223 Rem", "223 Rem", "223 Remington"}, "rifle", "SAAMI Z299.4"},
        {".308 Winchester", "", {".308 Win", "308 Win", "308 Winchester"}, "rifle", "SAAMI Z299.4"},
        {"7.62x39mm", "", {"7.62x39", "7.62 x 39", "7,62x39"}, "rifle", "SAAMI Z299.4"},
        {"12 Gauge", "", {"12 ga", "12ga", "12 bore"}, "shotshell", "SAAMI Z299.2"},
        {"20 Gauge", "", {"20 ga", "20ga", "20 bore"}, "shotshell", "SAAMI Z299.2"},
        {".410 Bore", "", {".410", "410", "410 Bore", "410 ga"}, "shotshell", "SAAMI Z299.2"},
    };
    return list;
}

namespace {

// What makes two writings of a caliber the same: case, spaces, dots, commas, dashes.
std::string caliberKey(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '.' || c == ',' || c == '-' || c == '_') continue;
        out += char(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

void checkCountry(const std::string& field, const std::string& value) {
    if (value.empty()) return;
    if (value.size() != 2 || !std::isupper(static_cast<unsigned char>(value[0])) || !std::isupper(static_cast<unsigned char>(value[1])))
        fail(RecordsError::Kind::InvalidInput, field + " '" + value.substr(0, 40) + "': expected an ISO 3166 two-letter country code (e.g. US, DE)");
}

const std::vector<std::string> kWanted{"lost", "stolen", "trafficked", "smuggled"};
const std::vector<std::string> kInHand{"found", "seized", "recovered"};
const std::vector<std::string> kOpenTraces{"submitted", "acknowledged", "in_progress"};

}  // namespace

std::optional<std::string> resolveCaliber(const std::vector<CaliberReference>& list, const std::string& written) {
    const std::string wanted = caliberKey(written);
    if (wanted.empty()) return std::nullopt;
    for (const auto& c : list) {
        if (caliberKey(c.name) == wanted || (!c.cipName.empty() && caliberKey(c.cipName) == wanted)) return c.name;
        for (const auto& alias : c.aliases)
            if (caliberKey(alias) == wanted) return c.name;
    }
    return std::nullopt;
}

std::vector<std::string> suggestCalibers(const std::vector<CaliberReference>& list, const std::string& written) {
    const std::string wanted = caliberKey(written);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : list) {
        std::size_t best = editDistance(wanted, caliberKey(c.name));
        if (!c.cipName.empty()) best = std::min(best, editDistance(wanted, caliberKey(c.cipName)));
        for (const auto& alias : c.aliases) best = std::min(best, editDistance(wanted, caliberKey(alias)));
        if (best <= std::max<std::size_t>(2, wanted.size() / 3)) scored.emplace_back(best, c.name);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (const auto& [distance, name] : scored)
        if (out.size() < 3) out.push_back(name);
    return out;
}

FirearmRecordFields checkedRecordFields(const FirearmRecordFields& input, const std::vector<CaliberReference>& calibers,
                                        bool allowUnlistedCaliber, bool& caliberListed) {
    FirearmRecordFields f = input;
    if (!oneOf(f.status, kFirearmRecordStatuses))
        fail(RecordsError::Kind::InvalidInput, "status '" + f.status.substr(0, 40) + "': expected one of " + listOf(kFirearmRecordStatuses));
    if (!f.type.empty() && !oneOf(f.type, kFirearmTypes))
        fail(RecordsError::Kind::InvalidInput, "type '" + f.type.substr(0, 40) + "': expected one of " + listOf(kFirearmTypes));
    if (f.serial.empty() && !f.serialObliterated)
        fail(RecordsError::Kind::InvalidInput, "serial number: required (mark it obliterated when it cannot be read)");
    if (!f.serial.empty()) normalizeSerial(f.serial);  // refuses a malformed serial, naming the character
    for (const auto& [field, value] : {std::pair{"make", &f.make}, std::pair{"model", &f.model}, std::pair{"importer", &f.importer},
                                       std::pair{"agency case number", &f.agencyCaseNumber}})
        validateText(field, *value, false, 200);
    validateText("other markings", f.otherMarkings, true);
    validateText("remarks", f.remarks, true);
    checkCountry("country of manufacture", f.countryOfManufacture);
    checkCountry("country of import", f.countryOfImport);
    validateDate("event date", f.eventDate);
    validateDate("reported at", f.reportedAt);
    caliberListed = true;
    if (!f.caliber.empty()) {
        if (const auto listed = resolveCaliber(calibers, f.caliber)) {
            f.caliber = *listed;
        } else if (allowUnlistedCaliber) {
            validateText("caliber", f.caliber, false, 100);
            caliberListed = false;
        } else {
            std::string hint;
            for (const auto& name : suggestCalibers(calibers, f.caliber)) hint += (hint.empty() ? "" : ", ") + name;
            fail(RecordsError::Kind::InvalidInput, "caliber '" + f.caliber.substr(0, 60) + "' is not in the reference list" +
                                                       (hint.empty() ? std::string() : " (did you mean " + hint + "?)") +
                                                       "; record it as free text to keep it as written (it is flagged)");
        }
    }
    return f;
}

SeizureQuery seizureQuery(const FirearmRecordFields& input, const std::vector<CaliberReference>& calibers) {
    SeizureQuery q;
    FirearmRecordFields& found = q.found;
    found = input;
    if (!oneOf(found.status, kInHand))
        fail(RecordsError::Kind::InvalidInput, "status '" + found.status.substr(0, 40) + "': a checked firearm is found, seized or recovered");
    for (const auto& [field, value] : {std::pair{"make", &found.make}, std::pair{"model", &found.model},
                                       std::pair{"caliber", &found.caliber}, std::pair{"agency case number", &found.agencyCaseNumber}})
        validateText(field, *value, false, 200);
    validateText("remarks", found.remarks, true);
    const bool pattern = found.serial.find_first_of("*?") != std::string::npos;
    if (found.serial.empty() && !found.serialObliterated)
        fail(RecordsError::Kind::InvalidInput, "serial number: required (mark it obliterated when it cannot be read)");
    if (found.serial.empty() && (found.make.empty() || found.caliber.empty()))
        fail(RecordsError::Kind::InvalidInput, "an obliterated serial needs the make and the caliber to check by");
    if (!found.serial.empty()) parseSerialQuery(found.serial, false);  // refuses a malformed serial before anything is stored
    if (const auto listed = resolveCaliber(calibers, found.caliber)) found.caliber = *listed;

    q.search.limit = 1000;
    q.partial = pattern || found.serialPartial;
    if (!found.serial.empty()) {
        q.search.serial = found.serialPartial && !pattern ? found.serial + "*" : found.serial;
        q.how = q.partial ? "partial serial" : "serial";
    } else {
        q.search.make = found.make;
        q.search.caliber = found.caliber;
        q.how = "make and caliber (serial obliterated)";
    }
    return q;
}

bool isWantedStatus(const std::string& status) { return oneOf(status, kWanted); }

bool makesAgree(const std::string& a, const std::string& b) { return a.empty() || b.empty() || sameText(a, b); }

bool sameText(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

TraceRequestInput checkedTraceInput(const TraceRequestInput& input, const std::string& fromAgency, const std::vector<CaliberReference>& calibers) {
    TraceRequestInput in = input;
    validateIdentifier("recipient agency", in.toAgency);
    if (in.toAgency == fromAgency) fail(RecordsError::Kind::InvalidInput, "a trace request goes to another agency");
    if (!in.firearm.serial.empty()) normalizeSerial(in.firearm.serial);  // refuses a malformed serial
    for (const auto& [field, value] : {std::pair{"make", &in.firearm.make}, std::pair{"model", &in.firearm.model},
                                       std::pair{"caliber", &in.firearm.caliber}})
        validateText(field, *value, false, 200);
    if (!in.firearm.type.empty() && !oneOf(in.firearm.type, kFirearmTypes))
        fail(RecordsError::Kind::InvalidInput, "type '" + in.firearm.type.substr(0, 40) + "': expected one of " + listOf(kFirearmTypes));
    checkCountry("country of manufacture", in.firearm.countryOfManufacture);
    if (in.firearm.serial.empty() && in.firearm.make.empty())
        fail(RecordsError::Kind::InvalidInput, "the firearm: give at least its serial number or its make");
    if (const auto listed = resolveCaliber(calibers, in.firearm.caliber)) in.firearm.caliber = *listed;
    validateText("reason", in.reason, true);
    if (in.reason.empty()) fail(RecordsError::Kind::InvalidInput, "reason: say why the firearm is traced");
    if (in.priority != "routine" && in.priority != "urgent")
        fail(RecordsError::Kind::InvalidInput, "priority '" + in.priority.substr(0, 40) + "': expected routine or urgent");
    validateText("justification", in.justification, true);
    if (in.priority == "urgent" && in.justification.empty()) fail(RecordsError::Kind::InvalidInput, "an urgent request needs a justification");
    if (in.dueDate.size() != 10) fail(RecordsError::Kind::InvalidInput, "due date: required, as an ISO date (YYYY-MM-DD)");
    validateDate("due date", in.dueDate);
    return in;
}

const TraceStep& traceStep(const std::string& action) {
    static const std::vector<TraceStep> steps{
        {"submit", true, {"draft"}, "submitted", false},
        {"acknowledge", false, {"submitted"}, "acknowledged", false},
        {"start", false, {"acknowledged"}, "in_progress", false},
        {"answer", false, {"acknowledged", "in_progress"}, "answered", true},
        {"reject", false, {"submitted", "acknowledged", "in_progress"}, "rejected", true},
        {"close", true, {"draft", "submitted", "acknowledged", "in_progress", "answered", "rejected"}, "closed", false},
    };
    for (const auto& s : steps)
        if (s.action == action) return s;
    fail(RecordsError::Kind::InvalidInput, "action '" + action.substr(0, 40) + "': expected submit, acknowledge, start, answer, reject or close");
}

bool traceOpen(const std::string& status) { return oneOf(status, kOpenTraces); }

bool traceOverdue(const std::string& status, const std::string& dueDate, const std::string& today) {
    return traceOpen(status) && dueDate < today.substr(0, 10);
}

FirearmAlert checkedAlert(const FirearmAlert& input, const std::vector<CaliberReference>& calibers) {
    FirearmAlert a = input;
    if (a.kind != "firearm" && a.kind != "modus_operandi")
        fail(RecordsError::Kind::InvalidInput, "alert kind '" + a.kind.substr(0, 40) + "': expected firearm or modus_operandi");
    validateText("title", a.title, false, 200);
    if (a.title.empty()) fail(RecordsError::Kind::InvalidInput, "title: an alert needs one");
    validateText("description", a.description, true, 8000);
    if (a.description.empty()) fail(RecordsError::Kind::InvalidInput, "description: say what to look for");
    if (!a.serial.empty()) normalizeSerial(a.serial);
    for (const auto& [field, value] : {std::pair{"make", &a.make}, std::pair{"model", &a.model}, std::pair{"caliber", &a.caliber}})
        validateText(field, *value, false, 200);
    if (const auto listed = resolveCaliber(calibers, a.caliber)) a.caliber = *listed;
    return a;
}

void checkFileName(const std::string& what, const std::string& name) {
    validateText(what + " name", name, false, 200);
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." || name == "..")
        fail(RecordsError::Kind::InvalidInput, what + " name '" + name.substr(0, 60) + "': a file name, without folders");
}

std::string imageMediaType(const std::string& bytes) {
    auto starts = [&](const std::string& magic) { return bytes.compare(0, magic.size(), magic) == 0; };
    if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts("\xff\xd8\xff")) return "image/jpeg";
    if (starts(std::string("II*\0", 4)) || starts(std::string("MM\0*", 4))) return "image/tiff";
    return {};
}

}  // namespace striae::records
