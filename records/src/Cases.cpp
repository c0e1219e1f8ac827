// Cases, items, firearms, custody, and the import of scans.
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "StoreImpl.h"
#include "striae/imaging/Preprocess.h"
#include "striae/imaging/X3p.h"
#include "striae/matching/StageSurfaceFiles.h"

namespace striae::records {

namespace fs = std::filesystem;

namespace {

CaseRecord readCase(SQLite::Statement& q) {
    CaseRecord c;
    c.id = q.getColumn(0).getInt64();
    c.number = q.getColumn(1).getString();
    c.agencyCode = q.getColumn(2).getString();
    c.offence = q.getColumn(3).getString();
    c.offenceDate = q.getColumn(4).getString();
    c.location = q.getColumn(5).getString();
    c.notes = q.getColumn(6).getString();
    c.createdAt = q.getColumn(7).getString();
    c.itemCount = q.getColumn(8).getInt();
    return c;
}

const char* kCaseColumns =
    "SELECT c.id, c.number, a.code, c.offence, c.offence_date, c.location, c.notes, c.created_at, "
    "(SELECT count(*) FROM item i WHERE i.case_id = c.id) FROM case_file c JOIN agency a ON a.id = c.agency_id ";

const char* kItemColumns =
    "SELECT i.id, i.case_id, c.number, i.label, i.kind, i.origin, i.caliber, i.firing_pin_shape, i.breech_face_marks, "
    "i.twist, i.ammunition, i.headstamp, i.lands, i.recovered_at, i.recovered_where, i.notes, i.firearm_id "
    "FROM item i JOIN case_file c ON c.id = i.case_id ";

Item readItem(SQLite::Statement& q) {
    Item i;
    i.id = q.getColumn(0).getInt64();
    i.caseId = q.getColumn(1).getInt64();
    i.caseNumber = q.getColumn(2).getString();
    i.label = q.getColumn(3).getString();
    i.kind = q.getColumn(4).getString();
    i.origin = q.getColumn(5).getString();
    i.caliber = q.getColumn(6).getString();
    i.firingPinShape = q.getColumn(7).getString();
    i.breechFaceMarks = q.getColumn(8).getString();
    i.twist = q.getColumn(9).getString();
    i.ammunition = q.getColumn(10).getString();
    i.headstamp = q.getColumn(11).getString();
    if (!q.getColumn(12).isNull()) i.lands = q.getColumn(12).getInt();
    i.recoveredAt = q.getColumn(13).getString();
    i.recoveredWhere = q.getColumn(14).getString();
    i.notes = q.getColumn(15).getString();
    if (!q.getColumn(16).isNull()) i.firearmId = q.getColumn(16).getInt64();
    return i;
}

const char* kAcquisitionColumns =
    "SELECT id, item_id, region, land, instrument, file_sha256, processed_sha256, processing, acquired_by, acquired_at "
    "FROM acquisition ";

Acquisition readAcquisition(SQLite::Statement& q) {
    Acquisition a;
    a.id = q.getColumn(0).getInt64();
    a.itemId = q.getColumn(1).getInt64();
    a.region = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull()) a.land = q.getColumn(3).getInt();
    a.instrument = q.getColumn(4).getString();
    a.fileSha256 = q.getColumn(5).getString();
    a.processedSha256 = q.getColumn(6).getString();
    a.processing = q.getColumn(7).getString();
    a.acquiredBy = q.getColumn(8).getInt64();
    a.acquiredAt = q.getColumn(9).getString();
    return a;
}

// Reads a scan to import: a regular file of at most `maxBytes`, checked
// before reading (a device such as /dev/zero or an oversized file is refused
// at once) and while reading (a file that grows meanwhile).
std::string readFile(const std::string& path, std::uint64_t maxBytes = std::uint64_t(1) << 40) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) fail(RecordsError::Kind::NotFound, path + ": no such file");
    if (!fs::is_regular_file(status)) fail(RecordsError::Kind::InvalidInput, path + ": not a regular file");
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec) fail(RecordsError::Kind::NotFound, path + ": cannot read (" + ec.message() + ")");
    auto tooLarge = [&](std::uint64_t bytes) {
        fail(RecordsError::Kind::InvalidInput, path + ": " + std::to_string(bytes) + " bytes, more than the limit of " +
                                                   std::to_string(maxBytes) + " bytes for a scan (import --max-size)");
    };
    if (size > maxBytes) tooLarge(size);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(RecordsError::Kind::NotFound, path + ": cannot read");
    std::string bytes(std::size_t(size), '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (std::uint64_t(in.gcount()) != size) fail(RecordsError::Kind::InvalidInput, path + ": shorter than its size while being read");
    if (in.peek() != std::char_traits<char>::eof()) tooLarge(size + 1);  // it grew while being read
    return bytes;
}

// The scans an import is about to add, on disk before they are stored. It
// goes once the import is committed; left behind by a killed or failed
// import, it tells the next open which files to remove if nothing refers to them.
class ImportJournal {
public:
    ImportJournal(const std::string& folder, const std::vector<std::string>& hashes)
        : path_(fs::path(folder) / "journal" / (std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()))) {
        fs::create_directories(path_.parent_path());
        std::string text;
        for (const auto& h : hashes) text += h + "\n";
        const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ::write(fd, text.data(), text.size()) != ssize_t(text.size())) {
            if (fd >= 0) ::close(fd);
            fail(RecordsError::Kind::Storage, path_.string() + ": cannot write the import journal");
        }
        ::fsync(fd);
        ::close(fd);
    }
    void committed() {
        std::error_code ec;
        fs::remove(path_, ec);
    }

private:
    fs::path path_;
};

// Holds the store shared while importing, so another process's cleanup waits.
class SharedLock {
public:
    explicit SharedLock(const std::string& folder) : fd_(::open((fs::path(folder) / "lock").c_str(), O_RDWR | O_CREAT, 0600)) {
        if (fd_ >= 0) ::flock(fd_, LOCK_SH);
    }
    ~SharedLock() {
        if (fd_ >= 0) {
            ::flock(fd_, LOCK_UN);
            ::close(fd_);
        }
    }

private:
    int fd_;
};

}  // namespace

// Puts bytes at `target` durably: a temporary file in files/.tmp, fsync,
// rename. Returns false if it was already there.
bool storeFile(const std::string& bytes, const fs::path& target, const fs::path& tempFolder) {
    if (fs::exists(target)) return false;
    fs::create_directories(target.parent_path());
    fs::create_directories(tempFolder);
    const fs::path temp = tempFolder / std::to_string(std::random_device{}());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) fail(RecordsError::Kind::Storage, temp.string() + ": cannot create");
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) {
            ::close(fd);
            fs::remove(temp);
            fail(RecordsError::Kind::Storage, temp.string() + ": write failed");
        }
        written += std::size_t(n);
    }
    ::fsync(fd);
    ::close(fd);
    fs::rename(temp, target);
    return true;
}


CaseRecord Store::addCase(const User& actor, const CaseRecord& input) {
    requireRole(actor, Role::Technician, "open cases");
    if (input.number.empty()) fail(RecordsError::Kind::InvalidInput, "a case needs a number");
    validateIdentifier("case number", input.number);
    if (input.number.size() >= 4 && std::equal(input.number.begin(), input.number.begin() + 4, "HUB-",
                                                [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; }))
        fail(RecordsError::Kind::InvalidInput, "case number '" + input.number +
                                                   "': numbers beginning HUB- are reserved for other agencies' holdings named by a hub");
    validateText("offence", input.offence, false, 200);
    validateDate("offence date", input.offenceDate);
    validateText("location", input.location, false, 200);
    validateText("case notes", input.notes, true);
    WriteTransaction t(*impl_);
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM case_file WHERE number = ?");
    dup.bind(1, input.number);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "case " + input.number + " already exists");
    SQLite::Statement q(impl_->db, "INSERT INTO case_file(number, agency_id, offence, offence_date, location, notes, "
                                   "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, input.number);
    q.bind(2, actor.agencyId);
    q.bind(3, input.offence);
    q.bind(4, input.offenceDate);
    q.bind(5, input.location);
    q.bind(6, input.notes);
    q.bind(7, actor.id);
    q.bind(8, nowUtc());
    q.exec();
    const Id id = impl_->db.getLastInsertRowid();
    impl_->indexNote("case", id, input.notes);
    impl_->audit(actor.id, "add_case", "case", id, jsonObject({{"number", input.number}, {"offence", input.offence}}),
                 {{"case_file", id}});
    t.commit();
    return caseByNumber(input.number);
}

CaseRecord Store::caseByNumber(const std::string& number) const {
    SQLite::Statement q(impl_->db, std::string(kCaseColumns) + "WHERE c.number = ?");
    q.bind(1, number);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no case " + number);
    return readCase(q);
}

std::vector<CaseRecord> Store::findCases(const CaseFilter& f) const {
    std::string sql = std::string(kCaseColumns) + "WHERE 1 = 1 ";
    std::vector<std::string> binds;
    if (!f.number.empty()) {
        if (f.number.back() == '*') {
            sql += "AND c.number LIKE ? ESCAPE '\\' ";
            std::string prefix;
            for (char ch : f.number.substr(0, f.number.size() - 1)) {
                if (ch == '%' || ch == '_' || ch == '\\') prefix += '\\';
                prefix += ch;
            }
            binds.push_back(prefix + "%");
        } else {
            sql += "AND c.number = ? ";
            binds.push_back(f.number);
        }
    }
    if (!f.caliber.empty()) {
        sql += "AND EXISTS (SELECT 1 FROM item i WHERE i.case_id = c.id AND i.caliber = ?) ";
        binds.push_back(f.caliber);
    }
    if (!f.itemLabel.empty()) {
        sql += "AND EXISTS (SELECT 1 FROM item i WHERE i.case_id = c.id AND i.label = ?) ";
        binds.push_back(f.itemLabel);
    }
    if (!f.fromDate.empty()) {
        sql += "AND c.offence_date >= ? ";
        binds.push_back(f.fromDate);
    }
    if (!f.toDate.empty()) {
        sql += "AND c.offence_date <= ? ";
        binds.push_back(f.toDate);
    }
    if (f.status == "open-leads") {
        sql += "AND EXISTS (SELECT 1 FROM lead l JOIN candidate k ON k.id = l.candidate_id JOIN correlation_run r ON r.id = k.run_id "
               "JOIN acquisition a ON a.id = r.query_acquisition_id JOIN item i ON i.id = a.item_id "
               "WHERE i.case_id = c.id AND l.status = 'open') ";
    } else if (!f.status.empty()) {
        fail(RecordsError::Kind::InvalidInput, "unknown case status filter '" + f.status + "' (open-leads)");
    }
    sql += "ORDER BY c.number";
    SQLite::Statement q(impl_->db, sql);
    for (std::size_t i = 0; i < binds.size(); ++i) q.bind(int(i + 1), binds[i]);
    std::vector<CaseRecord> out;
    while (q.executeStep()) out.push_back(readCase(q));
    return out;
}

Item Store::addItem(const User& actor, const std::string& caseNumber, const Item& input) {
    requireRole(actor, Role::Technician, "add items");
    if (input.label.empty()) fail(RecordsError::Kind::InvalidInput, "an item needs a label");
    validateIdentifier("item label", input.label);
    for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
             {"caliber", input.caliber}, {"firing-pin shape", input.firingPinShape}, {"breech-face marks", input.breechFaceMarks},
             {"twist", input.twist}, {"ammunition", input.ammunition}, {"headstamp", input.headstamp},
             {"place of recovery", input.recoveredWhere}})
        validateText(field, value, false, 200);
    validateDate("recovery date", input.recoveredAt);
    validateText("item notes", input.notes, true);
    if (!oneOf(input.kind, kItemKinds)) fail(RecordsError::Kind::InvalidInput, "item kind '" + input.kind + "' is not one of " + listOf(kItemKinds));
    if (!oneOf(input.origin, kItemOrigins))
        fail(RecordsError::Kind::InvalidInput, "item origin '" + input.origin + "' is not one of " + listOf(kItemOrigins));
    if (input.lands && (*input.lands < 0 || *input.lands > 40)) fail(RecordsError::Kind::InvalidInput, "number of lands must be 0–40");
    WriteTransaction t(*impl_);
    const CaseRecord c = caseByNumber(caseNumber);
    SQLite::Statement dup(impl_->db, "SELECT 1 FROM item WHERE case_id = ? AND label = ?");
    dup.bind(1, c.id);
    dup.bind(2, input.label);
    if (dup.executeStep()) fail(RecordsError::Kind::Conflict, "case " + caseNumber + " already has an item " + input.label);
    SQLite::Statement q(impl_->db,
                        "INSERT INTO item(case_id, label, kind, origin, caliber, firing_pin_shape, breech_face_marks, lands, "
                        "twist, ammunition, headstamp, recovered_at, recovered_where, notes, firearm_id, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.id);
    q.bind(2, input.label);
    q.bind(3, input.kind);
    q.bind(4, input.origin);
    q.bind(5, input.caliber);
    q.bind(6, input.firingPinShape);
    q.bind(7, input.breechFaceMarks);
    if (input.lands) q.bind(8, *input.lands);
    else q.bind(8);
    q.bind(9, input.twist);
    q.bind(10, input.ammunition);
    q.bind(11, input.headstamp);
    q.bind(12, input.recoveredAt);
    q.bind(13, input.recoveredWhere);
    q.bind(14, input.notes);
    if (input.firearmId) q.bind(15, *input.firearmId);
    else q.bind(15);
    q.bind(16, nowUtc());
    q.exec();
    const Id id = impl_->db.getLastInsertRowid();
    impl_->indexNote("item", id, input.notes);
    impl_->audit(actor.id, "add_item", "item", id,
                 jsonObject({{"case", caseNumber}, {"label", input.label}, {"kind", input.kind}, {"origin", input.origin},
                             {"caliber", input.caliber}}),
                 {{"item", id}});
    t.commit();
    return item(id);
}

Item Store::item(Id id) const {
    SQLite::Statement q(impl_->db, std::string(kItemColumns) + "WHERE i.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no item " + std::to_string(id));
    return readItem(q);
}

std::vector<Item> Store::itemsOfCase(const std::string& caseNumber) const {
    const CaseRecord c = caseByNumber(caseNumber);
    SQLite::Statement q(impl_->db, std::string(kItemColumns) + "WHERE i.case_id = ? ORDER BY i.label");
    q.bind(1, c.id);
    std::vector<Item> out;
    while (q.executeStep()) out.push_back(readItem(q));
    return out;
}

Firearm Store::addFirearm(const User& actor, const Firearm& input) {
    requireRole(actor, Role::Technician, "add firearms");
    for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
             {"make", input.make}, {"model", input.model}, {"caliber", input.caliber}, {"serial number", input.serial}, {"country", input.country}})
        validateText(field, value, false, 200);
    WriteTransaction t(*impl_);
    SQLite::Statement q(impl_->db, "INSERT INTO firearm(make, model, caliber, serial, country) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, input.make);
    q.bind(2, input.model);
    q.bind(3, input.caliber);
    q.bind(4, input.serial);
    q.bind(5, input.country);
    q.exec();
    Firearm out = input;
    out.id = impl_->db.getLastInsertRowid();
    impl_->audit(actor.id, "add_firearm", "firearm", out.id,
                 jsonObject({{"make", input.make}, {"model", input.model}, {"serial", input.serial}}),
                 {{"firearm", out.id}});
    t.commit();
    return out;
}

void Store::addCustodyEvent(const User& actor, Id itemId, const std::string& event, const std::string& note) {
    requireRole(actor, Role::Technician, "record custody events");
    if (event.empty()) fail(RecordsError::Kind::InvalidInput, "a custody event needs a description");
    validateText("custody event", event, false, 200);
    validateText("custody note", note, true);
    WriteTransaction t(*impl_);
    item(itemId);
    SQLite::Statement q(impl_->db, "INSERT INTO custody_event(item_id, event, note, by_user, at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, itemId);
    q.bind(2, event);
    q.bind(3, note);
    q.bind(4, actor.id);
    q.bind(5, nowUtc());
    q.exec();
    impl_->audit(actor.id, "custody", "item", itemId, jsonObject({{"event", event}, {"note", note}}),
                 {{"custody_event", impl_->db.getLastInsertRowid()}});
    t.commit();
}

Acquisition Store::importScan(const User& actor, Id itemId, const std::string& x3pPath, const ImportOptions& o) {
    requireRole(actor, Role::Technician, "import scans");
    if (!oneOf(o.region, kRegions)) fail(RecordsError::Kind::InvalidInput, "region '" + o.region + "' is not one of " + listOf(kRegions));
    const Item target = item(itemId);
    // Everything that can fail on bad input happens before the store is touched.
    const std::string raw = readFile(x3pPath, o.maxFileBytes);
    imaging::X3pFile x3p;
    try {
        x3p = imaging::readX3pFromMemory(raw.data(), raw.size(), x3pPath);
    } catch (const imaging::X3pError& e) {
        fail(RecordsError::Kind::InvalidInput, e.what());
    }
    const std::string rawSha = sha256Hex(raw.data(), raw.size());
    {
        SQLite::Statement existing(impl_->db, std::string(kAcquisitionColumns) + "WHERE item_id = ? AND region = ? AND file_sha256 = ?");
        existing.bind(1, itemId);
        existing.bind(2, o.region);
        existing.bind(3, rawSha);
        if (existing.executeStep()) return readAcquisition(existing);  // already imported: idempotent
    }
    imaging::Surface processed = x3p.surface;
    std::string processing = "as imported";
    if (o.preprocess && o.region == "breech_face") {
        imaging::BreechFacePipeline pipeline;
        pipeline.hints = o.regionHints;
        processed = imaging::preprocessBreechFace(x3p.surface, pipeline);
        processing = "breechface-default";
    }
    // The search signature of a breech face, computed once here (docs/search.md); a
    // surface it cannot describe is still imported and always fully compared.
    std::optional<matching::SearchSignature> signature;
    if (o.region == "breech_face") {
        try {
            signature = matching::computeSignature(processed);
        } catch (const std::invalid_argument&) {
        }
    }
    const fs::path tempFolder = fs::path(impl_->folder) / "files" / ".tmp";
    fs::create_directories(tempFolder);
    const fs::path temp = tempFolder / ("processed-" + std::to_string(std::random_device{}()) + ".x3p");
    imaging::writeX3p(processed, temp.string());
    const std::string processedBytes = readFile(temp.string());
    fs::remove(temp);
    const std::string processedSha = sha256Hex(processedBytes.data(), processedBytes.size());

    SharedLock lock(impl_->folder);
    ImportJournal journal(impl_->folder, {rawSha, processedSha});
    storeFile(raw, filePath(rawSha), tempFolder);
    storeFile(processedBytes, filePath(processedSha), tempFolder);
    WriteTransaction t(*impl_);
    {
        // Another import of the same file may have committed meanwhile: the same answer, not a constraint error.
        SQLite::Statement existing(impl_->db, std::string(kAcquisitionColumns) + "WHERE item_id = ? AND region = ? AND file_sha256 = ?");
        existing.bind(1, itemId);
        existing.bind(2, o.region);
        existing.bind(3, rawSha);
        if (existing.executeStep()) {
            const Acquisition already = readAcquisition(existing);
            SQLite::Statement used(impl_->db, "SELECT 1 FROM acquisition WHERE file_sha256 = ?1 OR processed_sha256 = ?1 LIMIT 1");
            used.bind(1, processedSha);
            if (!used.executeStep()) fs::remove(filePath(processedSha));  // processed differently: not kept
            journal.committed();
            return already;
        }
    }
    SQLite::Statement q(impl_->db, "INSERT INTO acquisition(item_id, region, land, instrument, file_sha256, processed_sha256, "
                                   "processing, acquired_by, acquired_at, caliber) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, itemId);
    q.bind(2, o.region);
    if (o.land) q.bind(3, *o.land);
    else q.bind(3);
    q.bind(4, o.instrument.empty() ? x3p.surface.metadata().instrument.manufacturer + " " + x3p.surface.metadata().instrument.model
                                   : o.instrument);
    q.bind(5, rawSha);
    q.bind(6, processedSha);
    q.bind(7, processing);
    q.bind(8, actor.id);
    q.bind(9, nowUtc());
    q.bind(10, target.caliber);
    q.exec();
    const Id id = impl_->db.getLastInsertRowid();
    if (signature) storeSignature(impl_->db, id, *signature);
    impl_->audit(actor.id, "import", "acquisition", id,
                 jsonObject({{"item", std::to_string(itemId)}, {"case", target.caseNumber}, {"file", fs::path(x3pPath).filename().string()},
                             {"sha256", rawSha}, {"processing", processing}}),
                 {{"acquisition", id}});
    t.commit();
    journal.committed();
    // The search's second stage reads this breech face at its step from <store>/derived (docs/search.md);
    // made now while the surface is at hand. Derived data: a failure here only means the first search makes it.
    if (signature) try {
            matching::StageSurfaceFiles((fs::path(impl_->folder) / "derived").string()).put(processedSha, processed);
        } catch (const std::exception&) {
        }
    return acquisition(id);
}

Acquisition Store::recordAcquisition(const User& actor, Id itemId, const Acquisition& m) {
    requireRole(actor, Role::Technician, "record acquisitions");
    if (!oneOf(m.region, kRegions)) fail(RecordsError::Kind::InvalidInput, "region '" + m.region + "' is not one of " + listOf(kRegions));
    for (const std::string& sha : {m.fileSha256, m.processedSha256})
        if (sha.size() != 64 || !fs::exists(filePath(sha)))
            fail(RecordsError::Kind::InvalidInput, "scan " + sha + " is not in the store's files");
    WriteTransaction t(*impl_);
    const Item target = item(itemId);
    SQLite::Statement q(impl_->db, "INSERT INTO acquisition(item_id, region, land, instrument, file_sha256, processed_sha256, "
                                   "processing, acquired_by, acquired_at, caliber) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, itemId);
    q.bind(2, m.region);
    if (m.land) q.bind(3, *m.land);
    else q.bind(3);
    q.bind(4, m.instrument);
    q.bind(5, m.fileSha256);
    q.bind(6, m.processedSha256);
    q.bind(7, m.processing);
    q.bind(8, actor.id);
    q.bind(9, m.acquiredAt.empty() ? nowUtc() : m.acquiredAt);
    q.bind(10, target.caliber);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        fail(RecordsError::Kind::Conflict, "item " + std::to_string(itemId) + " already has this " + m.region + " scan");
    }
    const Id id = impl_->db.getLastInsertRowid();
    impl_->audit(actor.id, "record_acquisition", "acquisition", id,
                 jsonObject({{"item", std::to_string(itemId)}, {"case", target.caseNumber}, {"sha256", m.fileSha256}}),
                 {{"acquisition", id}});
    t.commit();
    return acquisition(id);
}

std::vector<Acquisition> Store::findAcquisitions(const std::string& caliber, const std::string& from, const std::string& to,
                                                 int limit) const {
    SQLite::Statement q(impl_->db, std::string(kAcquisitionColumns) +
                                       "WHERE caliber = ? AND acquired_at BETWEEN ? AND ? ORDER BY acquired_at DESC LIMIT ?");
    q.bind(1, caliber);
    q.bind(2, from);
    q.bind(3, to);
    q.bind(4, limit);
    std::vector<Acquisition> out;
    while (q.executeStep()) out.push_back(readAcquisition(q));
    return out;
}

Acquisition Store::acquisition(Id id) const {
    SQLite::Statement q(impl_->db, std::string(kAcquisitionColumns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(RecordsError::Kind::NotFound, "no acquisition " + std::to_string(id));
    return readAcquisition(q);
}

Annotation Store::annotate(const User& actor, Id acquisitionId, double xUm, double yUm, const std::string& note) {
    if (!actor.active) fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " is deactivated");
    if (!actor.has(Role::Technician) && !actor.has(Role::Examiner) && !actor.has(Role::Supervisor))
        fail(RecordsError::Kind::PermissionDenied, "user " + actor.username + " may not annotate scans: that needs the technician, examiner or supervisor role");
    if (note.empty()) fail(RecordsError::Kind::InvalidInput, "an annotation needs a note");
    validateText("annotation", note, true, 2000);
    if (!std::isfinite(xUm) || !std::isfinite(yUm)) fail(RecordsError::Kind::InvalidInput, "an annotation needs a place on the scan");
    WriteTransaction t(*impl_);
    acquisition(acquisitionId);
    SQLite::Statement q(impl_->db, "INSERT INTO annotation(acquisition_id, x_um, y_um, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, acquisitionId);
    q.bind(2, xUm);
    q.bind(3, yUm);
    q.bind(4, note);
    q.bind(5, actor.id);
    const std::string at = nowUtc();
    q.bind(6, at);
    q.exec();
    const Id id = impl_->db.getLastInsertRowid();
    char where[64];
    std::snprintf(where, sizeof where, "%.1f, %.1f", xUm, yUm);
    impl_->audit(actor.id, "annotate", "acquisition", acquisitionId, jsonObject({{"annotation", std::to_string(id)}, {"at_um", where}, {"note", note}}),
                 {{"annotation", id}});
    t.commit();
    return {id, acquisitionId, xUm, yUm, note, actor.id, at};
}

std::vector<Annotation> Store::annotationsOf(Id acquisitionId) const {
    SQLite::Statement q(impl_->db, "SELECT id, acquisition_id, x_um, y_um, note, created_by, created_at FROM annotation WHERE acquisition_id = ? ORDER BY id");
    q.bind(1, acquisitionId);
    std::vector<Annotation> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getDouble(), q.getColumn(3).getDouble(),
                       q.getColumn(4).getString(), q.getColumn(5).getInt64(), q.getColumn(6).getString()});
    return out;
}

imaging::X3pFile Store::readScan(const std::string& sha) const {
    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos)
        fail(RecordsError::Kind::InvalidInput, "'" + sha + "' is not a scan's SHA-256");
    const std::string path = filePath(sha);
    const std::string bytes = readFile(path);
    if (sha256Hex(bytes.data(), bytes.size()) != sha)
        fail(RecordsError::Kind::Tampered, "stored scan " + sha.substr(0, 12) + "… was altered in the store's files (its content no longer "
                                           "matches its SHA-256); it is not used. Run `striae audit verify`");
    try {
        return imaging::readX3pFromMemory(bytes.data(), bytes.size(), path);
    } catch (const imaging::X3pError& e) {
        fail(RecordsError::Kind::Storage, e.what());
    }
}

std::vector<Acquisition> Store::acquisitionsOfItem(Id itemId) const {
    SQLite::Statement q(impl_->db, std::string(kAcquisitionColumns) + "WHERE item_id = ? ORDER BY id");
    q.bind(1, itemId);
    std::vector<Acquisition> out;
    while (q.executeStep()) out.push_back(readAcquisition(q));
    return out;
}

}  // namespace striae::records

namespace striae::records {

void Store::attachScan(const User& actor, Id acquisitionId, const std::string& x3pPath) {
    requireRole(actor, Role::Technician, "store scans");
    const Acquisition a = acquisition(acquisitionId);
    if (!a.processedSha256.empty()) fail(RecordsError::Kind::Conflict, "acquisition " + std::to_string(acquisitionId) + " has its scan already");
    const std::string raw = readFile(x3pPath, ImportOptions{}.maxFileBytes);
    try {
        imaging::readX3pFromMemory(raw.data(), raw.size(), x3pPath);
    } catch (const imaging::X3pError& e) {
        fail(RecordsError::Kind::InvalidInput, e.what());
    }
    const std::string sha = sha256Hex(raw.data(), raw.size());
    const fs::path tempFolder = fs::path(impl_->folder) / "files" / ".tmp";
    SharedLock lock(impl_->folder);
    ImportJournal journal(impl_->folder, {sha});
    storeFile(raw, filePath(sha), tempFolder);
    WriteTransaction t(*impl_);
    SQLite::Statement q(impl_->db, "UPDATE acquisition SET file_sha256 = ?, processed_sha256 = ? WHERE id = ? AND processed_sha256 = ''");
    q.bind(1, sha);
    q.bind(2, sha);  // the hub holds processed scans
    q.bind(3, acquisitionId);
    q.exec();
    impl_->audit(actor.id, "attach_scan", "acquisition", acquisitionId, jsonObject({{"sha256", sha}}), {{"acquisition", acquisitionId}});
    t.commit();
    journal.committed();
}

}  // namespace striae::records
