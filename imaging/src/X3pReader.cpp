// X3P reader. Every check happens before the big allocation: the header's
// point count is bounded, the binary size must agree with the header, and zip
// entries are inflated in chunks so a lying central directory cannot make us
// allocate what the archive does not hold.

#include <openssl/evp.h>
#include <zip.h>

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/XMLReader.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "HistoryCodec.h"
#include "PipelinedInflate.h"
#include "striae/imaging/X3p.h"

namespace striae::imaging {

const char* toString(ChecksumState state) {
    switch (state) {
        case ChecksumState::Verified: return "verified";
        case ChecksumState::Mismatch: return "mismatch";
        case ChecksumState::Absent: return "absent";
    }
    return "?";
}

namespace {

using Poco::XML::Element;
using Poco::XML::Node;

constexpr std::uint64_t kMaxXmlBytes = 512ull << 20;

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
    throw X3pError(name + ": " + problem);
}

std::string trim(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// OpenSSL's MD5 (about 20 % faster than Poco's here; the point data's MD5 is
// the biggest cost of a read after inflating).
std::string md5Hex(const void* data, std::size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data, size, digest, &length, EVP_md5(), nullptr) != 1) throw X3pError("MD5 is not available");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += hex[digest[i] >> 4], out += hex[digest[i] & 15];
    return out;
}

// Owns a libzip archive opened from a file or from memory.
class ZipReader {
public:
    ZipReader(const std::string& path, const std::string& name) : name_(name) {
        std::error_code ec;
        archiveBytes_ = std::filesystem::file_size(path, ec);
        if (ec) archiveBytes_ = 0;
        int error = 0;
        archive_ = zip_open(path.c_str(), ZIP_RDONLY, &error);
        if (!archive_) failOpen(error);
        list();
    }
    ZipReader(const void* data, std::size_t size, const std::string& name) : name_(name), archiveBytes_(size) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* source = zip_source_buffer_create(data, size, 0, &error);
        if (source) archive_ = zip_open_from_source(source, ZIP_RDONLY, &error);
        if (!archive_) {
            if (source) zip_source_free(source);
            const int code = zip_error_code_zip(&error);
            zip_error_fini(&error);
            failOpen(code);
        }
        zip_error_fini(&error);
        list();
    }
    ~ZipReader() {
        if (archive_) zip_discard(archive_);
    }
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    const std::vector<std::string>& entries() const { return entries_; }
    bool contains(const std::string& entry) const {
        return std::find(entries_.begin(), entries_.end(), entry) != entries_.end();
    }

    // Inflates one entry, refusing more than maxBytes; the CRC is checked by libzip.
    std::string read(const std::string& entry, std::uint64_t maxBytes) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(archive_, entry.c_str(), 0, &st) != 0) fail(name_, "cannot find '" + entry + "' in the archive");
        if ((st.valid & ZIP_STAT_SIZE) && st.size > maxBytes)
            fail(name_, "'" + entry + "' is " + std::to_string(st.size) + " bytes, more than the " +
                            std::to_string(maxBytes) + " the header allows");
        zip_file_t* file = zip_fopen(archive_, entry.c_str(), 0);
        if (!file) fail(name_, "cannot open '" + entry + "': " + zip_strerror(archive_));
        std::string out;
        constexpr std::size_t kChunk = 8u << 20;
        for (;;) {
            const std::size_t before = out.size();
            if (before >= maxBytes + 1) break;
            const std::size_t want = std::min<std::uint64_t>(kChunk, maxBytes + 1 - before);
            out.resize(before + want);
            const zip_int64_t got = zip_fread(file, out.data() + before, want);
            if (got < 0) {
                const std::string why = zip_file_strerror(file);
                zip_fclose(file);
                fail(name_, "'" + entry + "' is damaged: " + why);
            }
            out.resize(before + std::size_t(got));
            if (got == 0) break;
        }
        const int closeError = zip_fclose(file);
        if (out.size() > maxBytes)
            fail(name_, "'" + entry + "' holds more than the " + std::to_string(maxBytes) + " bytes the header allows");
        if (closeError != 0) fail(name_, "'" + entry + "' is damaged (zip error " + std::to_string(closeError) + ")");
        return out;
    }

    // Inflates one entry straight into `out`, which must receive exactly
    // `exactBytes`: the compressed bytes are read whole and inflated by ISA-L
    // while a second thread computes the CRC-32 (checked against the
    // archive's) and passes the bytes to `follow` (the MD5). A size that
    // disagrees with the header fails before or while inflating, never after
    // allocating what the archive claims.
    void readInto(const std::string& entry, void* out, std::uint64_t exactBytes, const detail::ByteSink& follow = {}) {
        const std::uint64_t archiveBytes = archiveBytes_;
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(archive_, entry.c_str(), 0, &st) != 0) fail(name_, "cannot find '" + entry + "' in the archive");
        const bool known = (st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_COMP_METHOD) &&
                           (st.valid & ZIP_STAT_CRC);
        if (!known || (st.comp_method != ZIP_CM_DEFLATE && st.comp_method != ZIP_CM_STORE) || (st.valid & ZIP_STAT_ENCRYPTION_METHOD && st.encryption_method != ZIP_EM_NONE)) {
            // Anything unusual goes the general way (libzip's own inflate, checks and errors).
            const std::string data = read(entry, exactBytes);
            if (data.size() != exactBytes)
                fail(name_, "point data '" + entry + "' holds " + std::to_string(data.size()) + " bytes but the header needs " +
                                std::to_string(exactBytes));
            std::memcpy(out, data.data(), data.size());
            if (follow) follow(static_cast<const unsigned char*>(out), data.size());
            return;
        }
        if (st.size != exactBytes)
            fail(name_, "point data '" + entry + "' holds " + std::to_string(st.size) + " bytes but the header needs " +
                            std::to_string(exactBytes));
        if (st.comp_size > archiveBytes)
            fail(name_, "'" + entry + "' claims " + std::to_string(st.comp_size) + " compressed bytes, more than the archive holds");
        zip_file_t* file = zip_fopen(archive_, entry.c_str(), st.comp_method == ZIP_CM_STORE ? 0 : ZIP_FL_COMPRESSED);
        if (!file) fail(name_, "cannot open '" + entry + "': " + zip_strerror(archive_));
        std::vector<unsigned char> compressed;
        unsigned char* target = st.comp_method == ZIP_CM_STORE ? static_cast<unsigned char*>(out) : nullptr;
        if (!target) {
            compressed.resize(std::size_t(st.comp_size));
            target = compressed.data();
        }
        const std::uint64_t want = st.comp_method == ZIP_CM_STORE ? exactBytes : st.comp_size;
        std::uint64_t got = 0;
        while (got < want) {
            const zip_int64_t n = zip_fread(file, target + got, want - got);
            if (n < 0) {
                const std::string why = zip_file_strerror(file);
                zip_fclose(file);
                fail(name_, "'" + entry + "' is damaged: " + why);
            }
            if (n == 0) break;
            got += std::uint64_t(n);
        }
        const int closeError = zip_fclose(file);
        if (got != want || (st.comp_method == ZIP_CM_STORE && closeError != 0))
            fail(name_, "'" + entry + "' is damaged (" + std::to_string(got) + " of " + std::to_string(want) + " bytes)");
        std::uint32_t crc = 0;
        if (st.comp_method == ZIP_CM_DEFLATE) {
            try {
                crc = detail::inflateFollowed(compressed.data(), compressed.size(), static_cast<unsigned char*>(out), std::size_t(exactBytes), follow);
            } catch (const std::runtime_error& e) {
                const std::string why = e.what();
                fail(name_, "'" + entry + "' " + (why.rfind("inflates", 0) == 0 ? why : "is damaged (its deflate stream " + why + ")"));
            }
        } else {
            crc = detail::crcFollowed(static_cast<const unsigned char*>(out), std::size_t(exactBytes), follow);
        }
        if (crc != st.crc) fail(name_, "'" + entry + "' is damaged (CRC-32 does not match the archive's)");
    }

private:
    [[noreturn]] void failOpen(int code) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        const std::string why = zip_error_strerror(&error);
        zip_error_fini(&error);
        fail(name_, "not a readable zip archive (" + why + ")");
    }
    void list() {
        const zip_int64_t n = zip_get_num_entries(archive_, 0);
        for (zip_int64_t i = 0; i < n; ++i)
            if (const char* entryName = zip_get_name(archive_, zip_uint64_t(i), 0)) entries_.emplace_back(entryName);
    }

    std::string name_;
    std::uint64_t archiveBytes_ = 0;
    zip_t* archive_ = nullptr;
    std::vector<std::string> entries_;
};

std::string localName(const Node* node) {
    const std::string& n = node->nodeName();
    const auto colon = n.find(':');
    return colon == std::string::npos ? n : n.substr(colon + 1);
}

Element* child(const Node* parent, std::string_view name) {
    if (!parent) return nullptr;
    for (Node* n = parent->firstChild(); n; n = n->nextSibling())
        if (n->nodeType() == Node::ELEMENT_NODE && localName(n) == name) return static_cast<Element*>(n);
    return nullptr;
}

std::string text(const Node* element) { return element ? trim(element->innerText()) : std::string(); }

class HeaderParser {
public:
    explicit HeaderParser(std::string name) : name_(std::move(name)) {}

    Element* require(const Node* parent, std::string_view name, const std::string& where) const {
        Element* e = child(parent, name);
        if (!e) fail(name_, "main.xml has no <" + std::string(name) + "> in " + where);
        return e;
    }

    double number(std::string_view raw, const std::string& field) const {
        std::string s = trim(raw);
        std::string_view v = s;
        if (!v.empty() && v.front() == '+') v.remove_prefix(1);
        double value = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (v.empty() || ec != std::errc() || end != v.data() + v.size())
            fail(name_, field + ": '" + s + "' is not a number");
        return value;
    }

    std::uint64_t count(const Node* e, const std::string& field) const {
        const std::string s = text(e);
        std::uint64_t value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size())
            fail(name_, field + ": '" + s + "' is not a non-negative whole number");
        return value;
    }

    const std::string& name() const { return name_; }

private:
    std::string name_;
};

struct Axis {
    bool absolute = false;
    char dataType = 0;  // 0 when not stated
    double increment = 1.0;
    double offset = 0.0;
    bool hasIncrement = false;

    bool integer() const { return dataType == 'I' || dataType == 'L'; }
    // Integer codes are scaled by increment and offset; floats are metres as stored.
    double value(double raw) const { return integer() ? offset + increment * raw : raw; }
};

std::size_t typeSize(char t) {
    switch (t) {
        case 'I': return 2;
        case 'L': return 4;
        case 'F': return 4;
        case 'D': return 8;
    }
    return 0;
}

Axis parseAxis(const HeaderParser& p, const Element* axes, const char* axisName) {
    const std::string where = std::string("Record1/Axes/") + axisName;
    const Element* e = p.require(axes, axisName, "Record1/Axes");
    Axis axis;
    const std::string type = text(p.require(e, "AxisType", where));
    if (type == "A") axis.absolute = true;
    else if (type != "I") fail(p.name(), where + "/AxisType: '" + type + "' is neither I (incremental) nor A (absolute)");
    if (const Element* dt = child(e, "DataType")) {
        const std::string t = text(dt);
        if (t.size() != 1 || typeSize(t[0]) == 0)
            fail(p.name(), where + "/DataType: unknown data type '" + t + "' (expected I, L, F or D)");
        axis.dataType = t[0];
    }
    if (const Element* inc = child(e, "Increment"); inc && !text(inc).empty()) {
        axis.increment = p.number(text(inc), where + "/Increment");
        axis.hasIncrement = true;
        if (!std::isfinite(axis.increment) || axis.increment <= 0)
            fail(p.name(), where + "/Increment: must be positive, is " + text(inc));
    }
    if (const Element* off = child(e, "Offset"); off && !text(off).empty()) {
        axis.offset = p.number(text(off), where + "/Offset");
        if (!std::isfinite(axis.offset)) fail(p.name(), where + "/Offset: must be finite");
    }
    return axis;
}

template <typename T>
T loadLE(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    static_assert(std::endian::native == std::endian::little, "X3P binary data is little-endian");
    return v;
}

double decode(char type, const unsigned char* p) {
    switch (type) {
        case 'I': return loadLE<std::int16_t>(p);
        case 'L': return loadLE<std::int32_t>(p);
        case 'F': return loadLE<float>(p);
        default: return loadLE<double>(p);
    }
}

// Points as read, before they are placed on the grid.
struct PointSet {
    std::vector<double> x, y, z;  // x/y only for absolute axes
    std::vector<unsigned char> valid;
};

double medianStep(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end(),
                             [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(a)); }),
                 values.end());
    if (values.size() < 2) return 0;
    std::vector<double> steps;
    for (std::size_t i = 1; i < values.size(); ++i) steps.push_back(values[i] - values[i - 1]);
    std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
    return steps[steps.size() / 2];
}

void checkChecksum(const std::string& name, const std::string& what, const std::string& expected,
                   const std::string& actual, bool ignore, ChecksumState& state, X3pInfo& info) {
    if (expected.empty()) {
        state = ChecksumState::Absent;
        return;
    }
    if (lower(expected) == lower(actual)) {
        state = ChecksumState::Verified;
        return;
    }
    state = ChecksumState::Mismatch;
    const std::string message = "MD5 checksum of " + what + " does not match (file says " + lower(expected) +
                                ", content is " + actual + ")";
    if (!ignore) fail(name, message);
    info.warnings.push_back(message);
}

// Heights in micrometres are a common writer mistake; the spacing tells.
void convertMicrometres(Surface& s, X3pInfo& info) {
    const bool lateralMicrometres = s.spacingX() >= 0.1 && s.spacingY() >= 0.1;
    const HeightRange range = s.heightRange();
    const double heightSpan = std::isnan(range.min) ? 0 : range.max - range.min;
    const double extent = std::max(s.cols() * s.spacingX(), s.rows() * s.spacingY());
    if (lateralMicrometres) {
        s.setSpacing(s.spacingX() * 1e-6, s.spacingY() * 1e-6);
        s.setOrigin(s.originX() * 1e-6, s.originY() * 1e-6);
        info.warnings.push_back("lateral increments look like micrometres (" + formatNumber(s.spacingX() * 1e6) +
                                "); converted to metres");
    }
    const bool heightsMicrometres = (lateralMicrometres && heightSpan > 1e-3) || (heightSpan > 1e-2 && extent < 5e-2);
    if (heightsMicrometres) {
        for (int r = 0; r < s.rows(); ++r) {
            double* p = s.mutableRow(r);
            for (int c = 0; c < s.cols(); ++c) p[c] *= 1e-6;
        }
        info.warnings.push_back("heights span " + formatNumber(heightSpan) +
                                " in file units, too much for metres; read as micrometres and converted");
    }
}

X3pFile readArchive(ZipReader& zip, const std::string& name, const X3pReadOptions& options) {
    // main.xml may sit in a folder; __MACOSX holds resource forks, never data.
    std::optional<std::string> mainXml;
    for (const auto& entry : zip.entries()) {
        if (entry.rfind("__MACOSX/", 0) == 0) continue;
        if (entry == "main.xml" || (entry.size() > 9 && entry.compare(entry.size() - 9, 9, "/main.xml") == 0))
            if (!mainXml || entry.size() < mainXml->size()) mainXml = entry;
    }
    if (!mainXml) fail(name, "the archive has no main.xml (not an X3P file)");
    const std::string base = mainXml->substr(0, mainXml->size() - 8);
    const std::string xml = zip.read(*mainXml, kMaxXmlBytes);

    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    Poco::AutoPtr<Poco::XML::Document> doc;
    try {
        doc = parser.parseString(xml);
    } catch (const Poco::Exception& e) {
        fail(name, "main.xml is not well-formed XML: " + e.displayText());
    }
    const Element* root = doc->documentElement();
    if (!root || (localName(root) != "ISO5436_2" && localName(root) != "ISO5436"))
        fail(name, "main.xml's root element is <" + (root ? root->nodeName() : std::string()) + ">, not <ISO5436_2>");

    HeaderParser p(name);
    X3pFile out;
    X3pInfo& info = out.info;
    const Element* record1 = p.require(root, "Record1", "the root element");
    info.revision = text(child(record1, "Revision"));
    info.featureType = text(child(record1, "FeatureType"));
    const Element* axesElement = p.require(record1, "Axes", "Record1");
    const Axis ax = parseAxis(p, axesElement, "CX");
    const Axis ay = parseAxis(p, axesElement, "CY");
    Axis az = parseAxis(p, axesElement, "CZ");
    if (!az.absolute) fail(name, "Record1/Axes/CZ: the height axis must be absolute (A)");

    const Element* record3 = p.require(root, "Record3", "the root element");
    std::uint64_t sizeX = 0, sizeY = 0, points = 0;
    bool matrix = false;
    if (const Element* md = child(record3, "MatrixDimension")) {
        matrix = true;
        sizeX = p.count(p.require(md, "SizeX", "MatrixDimension"), "MatrixDimension/SizeX");
        sizeY = p.count(p.require(md, "SizeY", "MatrixDimension"), "MatrixDimension/SizeY");
        const std::uint64_t sizeZ = p.count(p.require(md, "SizeZ", "MatrixDimension"), "MatrixDimension/SizeZ");
        if (sizeZ != 1) fail(name, "MatrixDimension/SizeZ is " + std::to_string(sizeZ) + "; only single-layer surfaces are supported");
        if (sizeX == 0 || sizeY == 0) fail(name, "MatrixDimension is empty (" + std::to_string(sizeX) + "x" + std::to_string(sizeY) + ")");
        if (sizeX > INT_MAX || sizeY > INT_MAX || sizeX > options.maxPoints / sizeY)
            fail(name, "header claims " + std::to_string(sizeX) + "x" + std::to_string(sizeY) +
                           " points, more than the limit of " + std::to_string(options.maxPoints));
        points = sizeX * sizeY;
    } else if (const Element* ld = child(record3, "ListDimension")) {
        points = p.count(ld, "ListDimension");
        if (points == 0) fail(name, "ListDimension is 0");
        if (points > options.maxPoints)
            fail(name, "header claims " + std::to_string(points) + " points, more than the limit of " +
                           std::to_string(options.maxPoints));
    } else {
        fail(name, "Record3 has neither MatrixDimension nor ListDimension");
    }

    // The fields of one point record: the absolute axes, in X, Y, Z order.
    struct Field { const Axis* axis; std::vector<double>* target; };
    PointSet pts;
    Surface direct;  // filled by the matrix fast path
    std::vector<Field> fields;
    if (ax.absolute) fields.push_back({&ax, &pts.x});
    if (ay.absolute) fields.push_back({&ay, &pts.y});
    fields.push_back({&az, &pts.z});
    const bool fastPath = matrix && !ax.absolute && !ay.absolute && child(record3, "DataLink");
    if (!fastPath) {
        for (auto& f : fields) f.target->resize(points);
        pts.valid.assign(points, 1);
    }

    if (const Element* link = child(record3, "DataLink")) {
        std::size_t recordBytes = 0;
        for (const auto& f : fields) {
            if (!f.axis->dataType) fail(name, "binary point data needs a DataType on every absolute axis");
            recordBytes += typeSize(f.axis->dataType);
        }
        // The valid-points mask, when the file links one: read, its size and MD5 checked.
        auto validMask = [&]() -> std::optional<std::string> {
            const Element* validLink = child(link, "ValidPointsLink");
            if (!validLink) return std::nullopt;
            const std::string validPath = base + text(validLink);
            if (!zip.contains(validPath)) fail(name, "valid-points mask '" + validPath + "' named in main.xml is missing");
            const std::uint64_t maskBytes = (points + 7) / 8;
            std::string mask = zip.read(validPath, maskBytes);
            if (mask.size() < maskBytes)
                fail(name, "valid-points mask '" + validPath + "' holds " + std::to_string(mask.size()) + " bytes, needs " +
                               std::to_string(maskBytes));
            checkChecksum(name, "'" + validPath + "'", text(child(link, "MD5ChecksumValidPoints")),
                          md5Hex(mask.data(), mask.size()), options.ignoreChecksums, info.validPointsChecksum, info);
            info.hasValidMask = true;
            return mask;
        };
        auto maskBit = [](const std::string& mask, std::size_t i) { return (static_cast<unsigned char>(mask[i >> 3]) >> (i & 7)) & 1u; };
        const std::string dataPath = base + text(p.require(link, "PointDataLink", "DataLink"));
        if (!zip.contains(dataPath)) fail(name, "point data '" + dataPath + "' named in main.xml is missing from the archive");
        const std::uint64_t expected = points * recordBytes;
        if (matrix && !ax.absolute && !ay.absolute) {
            // The common case, a matrix of heights: inflated straight into the
            // surface's buffer (float64) or a buffer of the stored type, no copies.
            direct = Surface(int(sizeY), int(sizeX), ax.increment, ay.increment);
            double* heights = direct.mutableRow(0);
            const std::size_t n = std::size_t(points);
            std::vector<unsigned char> stored;
            unsigned char* bytes = reinterpret_cast<unsigned char*>(heights);
            if (az.dataType != 'D') {
                stored.resize(std::size_t(expected));
                bytes = stored.data();
            }
            // The MD5 is computed on the second core while the data inflates.
            detail::Md5 md5;
            zip.readInto(dataPath, bytes, expected, [&md5](const unsigned char* chunk, std::size_t size) { md5.update(chunk, size); });
            info.pointDataBytes = expected;
            checkChecksum(name, "'" + dataPath + "'", text(child(link, "MD5ChecksumPointData")), md5.hex(), options.ignoreChecksums,
                          info.pointDataChecksum, info);
            switch (az.dataType) {
                case 'D': break;
                case 'F': for (std::size_t i = 0; i < n; ++i) heights[i] = loadLE<float>(bytes + 4 * i); break;
                case 'L': for (std::size_t i = 0; i < n; ++i) heights[i] = az.value(loadLE<std::int32_t>(bytes + 4 * i)); break;
                default: for (std::size_t i = 0; i < n; ++i) heights[i] = az.value(loadLE<std::int16_t>(bytes + 2 * i)); break;
            }
            for (std::size_t i = 0; i < n; ++i)
                if (!std::isfinite(heights[i])) heights[i] = kMissing;
            if (const auto mask = validMask())
                for (std::size_t i = 0; i < n; ++i)
                    if (!maskBit(*mask, i)) heights[i] = kMissing;
            info.dataType = az.dataType;
        } else {
        const std::string bin = zip.read(dataPath, expected);
        if (bin.size() != expected)
            fail(name, "point data '" + dataPath + "' holds " + std::to_string(bin.size()) + " bytes but the header needs " +
                           std::to_string(expected) + " (" + std::to_string(points) + " points of " +
                           std::to_string(recordBytes) + " bytes)");
        info.pointDataBytes = bin.size();
        checkChecksum(name, "'" + dataPath + "'", text(child(link, "MD5ChecksumPointData")), md5Hex(bin.data(), bin.size()),
                      options.ignoreChecksums, info.pointDataChecksum, info);
        const auto* bytes = reinterpret_cast<const unsigned char*>(bin.data());
        for (std::uint64_t i = 0; i < points; ++i) {
            const unsigned char* rec = bytes + i * recordBytes;
            for (const auto& f : fields) {
                (*f.target)[i] = f.axis->value(decode(f.axis->dataType, rec));
                rec += typeSize(f.axis->dataType);
            }
        }
        if (const auto mask = validMask())
            for (std::uint64_t i = 0; i < points; ++i) pts.valid[i] = maskBit(*mask, std::size_t(i));
        info.dataType = az.dataType;
        }
    } else if (const Element* list = child(record3, "DataList")) {
        info.inlineData = true;
        info.dataType = az.dataType ? az.dataType : 'D';
        std::uint64_t i = 0;
        for (Node* n = list->firstChild(); n; n = n->nextSibling()) {
            if (n->nodeType() != Node::ELEMENT_NODE || localName(n) != "Datum") continue;
            if (i >= points) fail(name, "DataList holds more than the " + std::to_string(points) + " points the header states");
            const std::string datum = text(n);
            if (datum.empty()) {
                pts.valid[i] = 0;
                for (auto& f : fields) (*f.target)[i] = kMissing;
            } else {
                std::size_t start = 0;
                for (std::size_t k = 0; k < fields.size(); ++k) {
                    const std::size_t semi = datum.find(';', start);
                    const bool last = k + 1 == fields.size();
                    if (last != (semi == std::string::npos))
                        fail(name, "DataList Datum " + std::to_string(i + 1) + " ('" + datum + "') should hold " +
                                       std::to_string(fields.size()) + " values separated by ';'");
                    const std::string field = datum.substr(start, last ? std::string::npos : semi - start);
                    (*fields[k].target)[i] =
                        fields[k].axis->value(p.number(field, "DataList Datum " + std::to_string(i + 1)));
                    start = semi + 1;
                }
            }
            ++i;
        }
        if (i != points)
            fail(name, "DataList holds " + std::to_string(i) + " points but the header states " + std::to_string(points));
    } else {
        fail(name, "Record3 has neither DataLink nor DataList");
    }

    // Place the points on the grid.
    double spacingX = ax.increment, spacingY = ay.increment;
    if (!matrix) {
        // A point list: accepted when its points form a complete regular grid.
        auto grid = [&](const std::vector<double>& coords, bool absolute, const Axis& axis, std::uint64_t n) {
            std::vector<double> c(n);
            for (std::uint64_t i = 0; i < n; ++i) c[i] = absolute ? coords[i] : axis.offset + axis.increment * double(i);
            return c;
        };
        const auto xs = grid(pts.x, ax.absolute, ax, points);
        const auto ys = grid(pts.y, ay.absolute, ay, points);
        spacingX = medianStep(xs);
        spacingY = medianStep(ys);
        const auto minX = *std::min_element(xs.begin(), xs.end()), maxX = *std::max_element(xs.begin(), xs.end());
        const auto minY = *std::min_element(ys.begin(), ys.end()), maxY = *std::max_element(ys.begin(), ys.end());
        sizeX = spacingX > 0 ? std::uint64_t(std::llround((maxX - minX) / spacingX)) + 1 : 1;
        sizeY = spacingY > 0 ? std::uint64_t(std::llround((maxY - minY) / spacingY)) + 1 : 1;
        if (sizeX * sizeY != points)
            fail(name, "the point list does not form a complete regular grid; scattered point clouds are not supported");
        std::vector<double> z(points, kMissing);
        std::vector<unsigned char> valid(points, 0);
        for (std::uint64_t i = 0; i < points; ++i) {
            const auto cx = std::uint64_t(std::llround(spacingX > 0 ? (xs[i] - minX) / spacingX : 0));
            const auto cy = std::uint64_t(std::llround(spacingY > 0 ? (ys[i] - minY) / spacingY : 0));
            const std::uint64_t at = cy * sizeX + cx;
            if (valid[at]) fail(name, "the point list holds two points at the same grid position");
            valid[at] = 1;
            z[at] = pts.valid[i] ? pts.z[i] : kMissing;
        }
        pts.z = std::move(z);
        pts.valid.assign(points, 1);
        if (spacingX <= 0) spacingX = ax.increment;
        if (spacingY <= 0) spacingY = ay.increment;
    } else {
        // Absolute lateral axes on a matrix: the spacing comes from the coordinates.
        if (ax.absolute) {
            const double step = medianStep(std::vector<double>(pts.x.begin(), pts.x.begin() + sizeX));
            if (step > 0) spacingX = step;
        }
        if (ay.absolute) {
            std::vector<double> firstColumn;
            for (std::uint64_t r = 0; r < sizeY; ++r) firstColumn.push_back(pts.y[r * sizeX]);
            const double step = medianStep(firstColumn);
            if (step > 0) spacingY = step;
        }
    }

    Surface s;
    if (!direct.empty()) {
        s = std::move(direct);
    } else {
        s = Surface(int(sizeY), int(sizeX), spacingX, spacingY);
        for (int r = 0; r < s.rows(); ++r) {
            double* row = s.mutableRow(r);
            for (int c = 0; c < s.cols(); ++c) {
                const std::size_t i = std::size_t(r) * sizeX + c;
                const double z = pts.z[i];
                row[c] = (pts.valid[i] && std::isfinite(z)) ? z : kMissing;
            }
        }
    }
    if (!ax.absolute && !ay.absolute) s.setOrigin(ax.offset, ay.offset);

    // Record2: who measured what, with what.
    SurfaceMetadata& m = s.metadata();
    m.featureType = info.featureType;
    if (const Element* r2 = child(root, "Record2")) {
        m.date = text(child(r2, "Date"));
        m.creator = text(child(r2, "Creator"));
        const Element* inst = child(r2, "Instrument");
        m.instrument = {text(child(inst, "Manufacturer")), text(child(inst, "Model")), text(child(inst, "Serial")),
                        text(child(inst, "Version"))};
        m.calibrationDate = text(child(r2, "CalibrationDate"));
        const Element* probe = child(r2, "ProbingSystem");
        m.probingType = text(child(probe, "Type"));
        m.probingIdentification = text(child(probe, "Identification"));
        auto decoded = decodeHistory(text(child(r2, "Comment")));
        m.comment = std::move(decoded.comment);
        s.setHistory(std::move(decoded.history));
    }

    // Record4: the checksum of main.xml itself.
    const Element* r4 = child(root, "Record4");
    const std::string checksumFile = base + (text(child(r4, "ChecksumFile")).empty() ? std::string("md5checksum.hex")
                                                                                     : text(child(r4, "ChecksumFile")));
    if (zip.contains(checksumFile)) {
        const std::string hex = trim(zip.read(checksumFile, 4096));
        checkChecksum(name, "main.xml", hex.substr(0, std::min<std::size_t>(32, hex.find_first_of(" *\t\r\n"))),
                      md5Hex(xml.data(), xml.size()), options.ignoreChecksums, info.mainXmlChecksum, info);
    } else {
        info.warnings.push_back("no checksum file for main.xml (" + checksumFile + ")");
    }

    convertMicrometres(s, info);
    out.surface = std::move(s);
    return out;
}

}  // namespace

X3pFile readX3p(const std::string& path, const X3pReadOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file");
    ZipReader zip(path, path);
    return readArchive(zip, path, options);
}

X3pFile readX3pFromMemory(const void* data, std::size_t size, const std::string& name, const X3pReadOptions& options) {
    ZipReader zip(data, size, name);
    return readArchive(zip, name, options);
}

}  // namespace striae::imaging
