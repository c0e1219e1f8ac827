// A corpus of broken X3P files, each with the message a user should get.
// None may crash, allocate absurdly, or be read as if it were fine.
#include <gtest/gtest.h>
#include <zip.h>

#include <Poco/MD5Engine.h>

#include <cstring>
#include <fstream>
#include <map>

#include "TestData.h"
#include "striae/imaging/X3p.h"

using namespace striae::imaging;

namespace {

std::string md5(const std::string& s) {
    Poco::MD5Engine e;
    e.update(s.data(), s.size());
    return Poco::DigestEngine::digestToHex(e.digest());
}

struct Header {
    std::string sizeX = "2", sizeY = "2", sizeZ = "1";
    std::string dataType = "D", increment = "1e-06";
    std::string dataMd5;  // empty: computed
    std::string root = "p:ISO5436_2";
    bool record1 = true;
    std::string record3Data;  // replaces the DataLink when set
};

std::string mainXml(const Header& h, const std::string& data) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + h.root +
                    " xmlns:p=\"http://www.opengps.eu/2008/ISO5436_2\">\n";
    if (h.record1)
        x += "<Record1><Revision>ISO5436 - 2000</Revision><FeatureType>SUR</FeatureType><Axes>"
             "<CX><AxisType>I</AxisType><DataType>D</DataType><Increment>" + h.increment + "</Increment><Offset>0</Offset></CX>"
             "<CY><AxisType>I</AxisType><DataType>D</DataType><Increment>1e-06</Increment><Offset>0</Offset></CY>"
             "<CZ><AxisType>A</AxisType><DataType>" + h.dataType + "</DataType></CZ></Axes></Record1>\n";
    x += "<Record3><MatrixDimension><SizeX>" + h.sizeX + "</SizeX><SizeY>" + h.sizeY + "</SizeY><SizeZ>" + h.sizeZ +
         "</SizeZ></MatrixDimension>";
    x += h.record3Data.empty() ? "<DataLink><PointDataLink>bindata/data.bin</PointDataLink><MD5ChecksumPointData>" +
                                     (h.dataMd5.empty() ? md5(data) : h.dataMd5) + "</MD5ChecksumPointData></DataLink>"
                               : h.record3Data;
    x += "</Record3><Record4><ChecksumFile>md5checksum.hex</ChecksumFile></Record4></" + h.root + ">\n";
    return x;
}

std::string doubles(std::size_t n) {
    std::string s(n * 8, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        const double v = 1e-6 * double(i);
        std::memcpy(&s[i * 8], &v, 8);
    }
    return s;
}

void writeZip(const std::filesystem::path& path, const std::map<std::string, std::string>& entries) {
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    ASSERT_NE(z, nullptr);
    for (const auto& [name, bytes] : entries) {
        zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE), 0);
    }
    ASSERT_EQ(zip_close(z), 0);
}

class BadInput : public ::testing::Test {
protected:
    striae::test::TempDir dir;

    std::filesystem::path x3p(const std::string& name, const Header& h, const std::string& data,
                              bool withData = true) {
        std::map<std::string, std::string> entries{{"main.xml", mainXml(h, data)}};
        if (withData) entries["bindata/data.bin"] = data;
        const auto path = dir / name;
        writeZip(path, entries);
        return path;
    }

    // Reads and returns the error message; fails the test if the read succeeds.
    std::string errorOf(const std::filesystem::path& path, X3pReadOptions options = {}) {
        try {
            readX3p(path.string(), options);
        } catch (const X3pError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(path.string()), std::string::npos) << "message should name the file: " << what;
            return what;
        }
        ADD_FAILURE() << path << " was read without error";
        return {};
    }
};

}  // namespace

TEST_F(BadInput, GoodBaselineReads) {
    const auto path = x3p("good.x3p", {}, doubles(4));
    const auto f = readX3p(path.string());
    EXPECT_EQ(f.surface.validCount(), 4u);
    EXPECT_EQ(f.info.pointDataChecksum, ChecksumState::Verified);
}

TEST_F(BadInput, MissingFile) {
    EXPECT_NE(errorOf(dir / "nope.x3p").find("no such file"), std::string::npos);
}

TEST_F(BadInput, NotAZipFile) {
    std::ofstream(dir / "text.x3p") << "this is plain text, not a zip archive";
    EXPECT_NE(errorOf(dir / "text.x3p").find("not a readable zip archive"), std::string::npos);
}

TEST_F(BadInput, TruncatedZip) {
    const auto good = x3p("full.x3p", {}, doubles(4000));
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "truncated.x3p", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EXPECT_NE(errorOf(dir / "truncated.x3p").find("not a readable zip archive"), std::string::npos);
}

TEST_F(BadInput, CorruptCompressedData) {
    Header h;
    h.sizeX = "200";
    h.sizeY = "100";
    const auto good = x3p("full.x3p", h, doubles(20000));
    std::fstream f(good, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::filesystem::file_size(good) / 3);
    f.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
    f.close();
    const auto msg = errorOf(good);
    EXPECT_TRUE(msg.find("is damaged") != std::string::npos || msg.find("does not match") != std::string::npos) << msg;
}

TEST_F(BadInput, NoMainXml) {
    writeZip(dir / "nomain.x3p", {{"other.txt", "hello"}});
    EXPECT_NE(errorOf(dir / "nomain.x3p").find("has no main.xml"), std::string::npos);
}

TEST_F(BadInput, MainXmlNotXml) {
    writeZip(dir / "badxml.x3p", {{"main.xml", "<ISO5436_2><Record1>"}});
    EXPECT_NE(errorOf(dir / "badxml.x3p").find("not well-formed XML"), std::string::npos);
}

TEST_F(BadInput, WrongRootElement) {
    Header h;
    h.root = "html";
    EXPECT_NE(errorOf(x3p("root.x3p", h, doubles(4))).find("root element is <html>"), std::string::npos);
}

TEST_F(BadInput, MissingRecord1) {
    Header h;
    h.record1 = false;
    EXPECT_NE(errorOf(x3p("r1.x3p", h, doubles(4))).find("no <Record1>"), std::string::npos);
}

TEST_F(BadInput, SizeDisagreesWithData) {
    Header h;
    h.sizeX = "3";
    EXPECT_NE(errorOf(x3p("size.x3p", h, doubles(4))).find("holds 32 bytes but the header needs 48"), std::string::npos);
}

TEST_F(BadInput, HeaderClaimsATrillionPoints) {
    Header h;
    h.sizeX = "1000000";
    h.sizeY = "1000000";
    EXPECT_NE(errorOf(x3p("huge.x3p", h, doubles(4))).find("more than the limit"), std::string::npos);
}

TEST_F(BadInput, MultiLayerIsRefused) {
    Header h;
    h.sizeZ = "3";
    EXPECT_NE(errorOf(x3p("layers.x3p", h, doubles(4))).find("only single-layer"), std::string::npos);
}

TEST_F(BadInput, WrongChecksumIsAnErrorUnlessIgnored) {
    Header h;
    h.dataMd5 = "00000000000000000000000000000000";
    const auto path = x3p("md5.x3p", h, doubles(4));
    EXPECT_NE(errorOf(path).find("MD5 checksum of 'bindata/data.bin' does not match"), std::string::npos);
    const auto f = readX3p(path.string(), {.ignoreChecksums = true});
    EXPECT_EQ(f.info.pointDataChecksum, ChecksumState::Mismatch);
    ASSERT_FALSE(f.info.warnings.empty());
}

TEST_F(BadInput, NonNumericIncrement) {
    Header h;
    h.increment = "six point two five";
    EXPECT_NE(errorOf(x3p("inc.x3p", h, doubles(4))).find("CX/Increment: 'six point two five' is not a number"),
              std::string::npos);
}

TEST_F(BadInput, NegativeIncrement) {
    Header h;
    h.increment = "-1e-6";
    EXPECT_NE(errorOf(x3p("neg.x3p", h, doubles(4))).find("must be positive"), std::string::npos);
}

TEST_F(BadInput, NonNumericSize) {
    Header h;
    h.sizeX = "-2";
    EXPECT_NE(errorOf(x3p("sz.x3p", h, doubles(4))).find("SizeX: '-2' is not a non-negative whole number"),
              std::string::npos);
}

TEST_F(BadInput, UnknownDataType) {
    Header h;
    h.dataType = "Q";
    EXPECT_NE(errorOf(x3p("type.x3p", h, doubles(4))).find("unknown data type 'Q'"), std::string::npos);
}

TEST_F(BadInput, MissingPointData) {
    EXPECT_NE(errorOf(x3p("nodata.x3p", {}, doubles(4), false)).find("missing from the archive"), std::string::npos);
}

TEST_F(BadInput, DataListWithTooFewPoints) {
    Header h;
    h.record3Data = "<DataList><Datum>1</Datum><Datum>2</Datum></DataList>";
    EXPECT_NE(errorOf(x3p("list.x3p", h, "", false)).find("DataList holds 2 points but the header states 4"),
              std::string::npos);
}

TEST_F(BadInput, DataListWithGarbage) {
    Header h;
    h.record3Data = "<DataList><Datum>1</Datum><Datum>x</Datum><Datum>3</Datum><Datum>4</Datum></DataList>";
    EXPECT_NE(errorOf(x3p("garbage.x3p", h, "", false)).find("Datum 2: 'x' is not a number"), std::string::npos);
}

TEST_F(BadInput, InMemoryReaderRejectsRandomBytes) {
    const std::string junk = "PK\x03\x04 definitely not a real archive";
    EXPECT_THROW(readX3pFromMemory(junk.data(), junk.size(), "junk"), X3pError);
}
