// X3P writer: float64 (or float32) heights in bindata/data.bin with NaN for
// missing points, a valid.bin mask for readers that ignore NaN, MD5 sums of
// every part, and a main.xml that validates against iso5436_2.xsd.

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/MD5Engine.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "HistoryCodec.h"
#include "striae/imaging/X3p.h"

namespace striae::imaging {
namespace {

std::string md5Hex(const std::string& bytes) {
    Poco::MD5Engine md5;
    md5.update(bytes.data(), bytes.size());
    return Poco::DigestEngine::digestToHex(md5.digest());
}

std::string xmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// xsd:token may not be empty in a meaningful way; keep required fields filled.
std::string orDefault(const std::string& value, const char* fallback) {
    return value.empty() ? std::string(fallback) : value;
}

// xsd:dateTime needs a full timestamp; keep the instrument's if it has one.
std::string dateTimeOrNow(const std::string& value) {
    if (value.size() >= 19 && value[4] == '-' && value[10] == 'T') return value;
    return Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%dT%H:%M:%S");
}

std::string buildMainXml(const Surface& s, char dataType, const std::string& dataMd5, const std::string& validMd5) {
    const SurfaceMetadata& m = s.metadata();
    const std::string probing = (m.probingType == "Contacting" || m.probingType == "NonContacting" ||
                                 m.probingType == "Software") ? m.probingType : "Software";
    std::string x;
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<p:ISO5436_2 xmlns:p=\"http://www.opengps.eu/2008/ISO5436_2\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.opengps.eu/2008/ISO5436_2 "
         "http://www.opengps.eu/2008/ISO5436_2/ISO5436_2.xsd\">\n";
    x += "  <Record1>\n    <Revision>ISO5436 - 2000</Revision>\n    <FeatureType>SUR</FeatureType>\n    <Axes>\n";
    auto axis = [&](const char* name, double increment, double offset) {
        x += std::string("      <") + name + ">\n        <AxisType>I</AxisType>\n        <DataType>D</DataType>\n";
        x += "        <Increment>" + formatNumber(increment) + "</Increment>\n";
        x += "        <Offset>" + formatNumber(offset) + "</Offset>\n      </" + name + ">\n";
    };
    axis("CX", s.spacingX(), s.originX());
    axis("CY", s.spacingY(), s.originY());
    x += std::string("      <CZ>\n        <AxisType>A</AxisType>\n        <DataType>") + dataType +
         "</DataType>\n        <Increment>1</Increment>\n        <Offset>0</Offset>\n      </CZ>\n";
    x += "    </Axes>\n  </Record1>\n";
    x += "  <Record2>\n    <Date>" + xmlEscape(dateTimeOrNow(m.date)) + "</Date>\n";
    if (!m.creator.empty()) x += "    <Creator>" + xmlEscape(m.creator) + "</Creator>\n";
    x += "    <Instrument>\n      <Manufacturer>" + xmlEscape(orDefault(m.instrument.manufacturer, "unknown")) +
         "</Manufacturer>\n      <Model>" + xmlEscape(orDefault(m.instrument.model, "unknown")) +
         "</Model>\n      <Serial>" + xmlEscape(orDefault(m.instrument.serial, "not available")) +
         "</Serial>\n      <Version>" + xmlEscape(orDefault(m.instrument.version, "not available")) +
         "</Version>\n    </Instrument>\n";
    x += "    <CalibrationDate>" + xmlEscape(dateTimeOrNow(m.calibrationDate)) + "</CalibrationDate>\n";
    x += "    <ProbingSystem>\n      <Type>" + probing + "</Type>\n      <Identification>" +
         xmlEscape(orDefault(m.probingIdentification, "not available")) + "</Identification>\n    </ProbingSystem>\n";
    const std::string comment = encodeHistory(m.comment, s.history());
    if (!comment.empty()) x += "    <Comment>" + xmlEscape(comment) + "</Comment>\n";
    x += "  </Record2>\n";
    x += "  <Record3>\n    <MatrixDimension>\n      <SizeX>" + std::to_string(s.cols()) + "</SizeX>\n      <SizeY>" +
         std::to_string(s.rows()) + "</SizeY>\n      <SizeZ>1</SizeZ>\n    </MatrixDimension>\n";
    x += "    <DataLink>\n      <PointDataLink>bindata/data.bin</PointDataLink>\n      <MD5ChecksumPointData>" +
         dataMd5 + "</MD5ChecksumPointData>\n      <ValidPointsLink>bindata/valid.bin</ValidPointsLink>\n"
         "      <MD5ChecksumValidPoints>" + validMd5 + "</MD5ChecksumValidPoints>\n    </DataLink>\n  </Record3>\n";
    x += "  <Record4>\n    <ChecksumFile>md5checksum.hex</ChecksumFile>\n  </Record4>\n</p:ISO5436_2>\n";
    return x;
}

}  // namespace

void writeX3p(const Surface& s, const std::string& path, const X3pWriteOptions& options) {
    if (options.dataType != 'D' && options.dataType != 'F')
        throw X3pError(path + ": X3P heights can be written as D (float64) or F (float32), not '" +
                       std::string(1, options.dataType) + "'");
    if (s.empty()) throw X3pError(path + ": cannot write an empty surface");

    const std::size_t n = s.size();
    std::string data(n * (options.dataType == 'D' ? 8 : 4), '\0');
    std::string valid((n + 7) / 8, '\0');
    std::size_t i = 0;
    for (int r = 0; r < s.rows(); ++r) {
        const double* row = s.row(r);
        for (int c = 0; c < s.cols(); ++c, ++i) {
            const double z = row[c];
            if (options.dataType == 'D') std::memcpy(&data[i * 8], &z, 8);
            else { const float f = float(z); std::memcpy(&data[i * 4], &f, 4); }
            if (!std::isnan(z)) valid[i >> 3] = char((unsigned char)valid[i >> 3] | (1u << (i & 7)));
        }
    }
    const std::string xml = buildMainXml(s, options.dataType, md5Hex(data), md5Hex(valid));
    const std::string checksum = md5Hex(xml) + " *main.xml\n";

    namespace fs = std::filesystem;
    const fs::path target(path);
    std::mt19937_64 rng(std::random_device{}());
    const fs::path temp = target.parent_path() / (".tmp-" + target.filename().string() + "-" + std::to_string(rng() % 1000000000));
    int error = 0;
    zip_t* zip = zip_open(temp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) throw X3pError(path + ": cannot create the file (libzip error " + std::to_string(error) + ")");
    auto add = [&](const char* name, const std::string& bytes) {
        zip_source_t* src = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
        if (!src || zip_file_add(zip, name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
            if (src) zip_source_free(src);
            const std::string why = zip_strerror(zip);
            zip_discard(zip);
            std::error_code ec;
            fs::remove(temp, ec);
            throw X3pError(path + ": cannot add " + name + ": " + why);
        }
    };
    zip_dir_add(zip, "bindata", ZIP_FL_ENC_UTF_8);
    add("main.xml", xml);
    add("bindata/data.bin", data);
    add("bindata/valid.bin", valid);
    add("md5checksum.hex", checksum);
    if (zip_close(zip) != 0) {
        const std::string why = zip_strerror(zip);
        zip_discard(zip);
        std::error_code ec;
        fs::remove(temp, ec);
        throw X3pError(path + ": cannot write: " + why);
    }
    // Durable before visible: fsync the file, rename over the target, fsync the folder.
    if (int fd = ::open(temp.c_str(), O_RDONLY); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw X3pError(path + ": cannot move the written file into place: " + ec.message());
    }
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace striae::imaging
