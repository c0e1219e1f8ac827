// The firearms reference table on a real store: a validated import that
// takes the good rows and reports each bad one, versions, export and
// re-import, prefix and fuzzy search, who may change it. The makes and models
// here are made up for the test.
#include <gtest/gtest.h>

#include "StoreFixture.h"
#include "striae/records/ReferenceTable.h"

using namespace striae;
using records::RecordsError;

namespace {

const char* kCsv =
    "make,model,type,calibers,country,action,barrel_length_mm,markings,serial_format,maker_codes,images\r\n"
    "Example Arms,P1,pistol,9x19|.380 ACP,DE,semi-automatic,102,\"EXAMPLE ARMS, ULM\",AA999999,EXA|EA,p1-left.jpg\r\n"
    "Example Arms,R6,revolver,.38 Special,DE,double action,76,,,EXA,\r\n"
    "Sample Works,Model 7,rifle,.308 Win,US,bolt action,560,SAMPLE WORKS,,SW,\r\n"
    "Sample Works,Bad Caliber,rifle,9.3x99 Imaginary,US,,,,,,\r\n"
    ",No Make,pistol,9mm,US,,,,,,\r\n"
    "Sample Works,Cannon,cannon,9mm,US,,,,,,\r\n"
    "Sample Works,Wrong Country,pistol,9mm,USA,,,,,,\r\n"
    "Sample Works,Long Barrel,pistol,9mm,US,,99999,,,,\r\n"
    "=HYPERLINK(\"x\"),Formula,pistol,9mm,US,,,,,,\r\n"
    "example arms,p1,pistol,9mm,DE,,,,,,\r\n"
    "Sample Works,Too Many,pistol,9mm,US,,,,,,,extra\r\n"
    "Sample Works,Folder Image,pistol,9mm,US,,,,,,../etc/passwd\r\n";

}  // namespace

class ReferenceTableTest : public test::StoreFixture {
protected:
    records::User officer;
    void SetUp() override {
        StoreFixture::SetUp();
        officer = store->addUser(admin, "SFPD", "rita", "Rita Records", {records::Role::RecordsOfficer}, "rita-password");
    }
};

TEST_F(ReferenceTableTest, AnImportTakesTheGoodRowsAndSaysWhyEachBadOneWasRefused) {
    auto table = store->referenceTable();
    EXPECT_EQ(table.version(), 0);
    const auto report = table.importCsv(officer, kCsv);
    EXPECT_EQ(report.added, 3);
    EXPECT_EQ(report.version, 1);
    std::map<int, std::string> rejected;
    for (const auto& r : report.rejected) rejected[r.row] = r.reason;
    ASSERT_EQ(rejected.size(), 9u);
    EXPECT_NE(rejected[4].find("caliber '9.3x99 Imaginary' is not in the reference list"), std::string::npos) << rejected[4];
    EXPECT_NE(rejected[5].find("make is missing"), std::string::npos) << rejected[5];
    EXPECT_NE(rejected[6].find("type 'cannon'"), std::string::npos) << rejected[6];
    EXPECT_NE(rejected[7].find("country 'USA'"), std::string::npos) << rejected[7];
    EXPECT_NE(rejected[8].find("barrel_length_mm"), std::string::npos) << rejected[8];
    EXPECT_NE(rejected[9].find("spreadsheet formula"), std::string::npos) << rejected[9];
    EXPECT_NE(rejected[10].find("repeats row 1"), std::string::npos) << rejected[10];
    EXPECT_NE(rejected[11].find("too many fields"), std::string::npos) << rejected[11];
    EXPECT_NE(rejected[12].find("without a folder"), std::string::npos) << rejected[12];
    EXPECT_EQ(table.size(), 3u);
    // Calibers by their listed names; the quoted comma kept.
    const auto p1 = table.search("P1", "model", false).at(0).reference;
    EXPECT_EQ(p1.calibers, (std::vector<std::string>{"9mm Luger", ".380 Auto"}));
    EXPECT_EQ(p1.markings, "EXAMPLE ARMS, ULM");
    EXPECT_EQ(p1.barrelLengthMm.value_or(0), 102);
    EXPECT_EQ(p1.makerCodes, (std::vector<std::string>{"EXA", "EA"}));
}

TEST_F(ReferenceTableTest, ExportedTablesComeBackUnchangedAndAChangeIsANewVersion) {
    auto table = store->referenceTable();
    table.importCsv(officer, kCsv);
    const std::string csv = table.exportCsv(), json = table.exportJson();
    auto again = table.importCsv(officer, csv);
    EXPECT_EQ(again.unchanged, 3);
    EXPECT_TRUE(again.rejected.empty());
    EXPECT_EQ(again.version, 1) << "nothing changed: no new version";
    again = table.importJson(officer, json);
    EXPECT_EQ(again.unchanged, 3);
    EXPECT_TRUE(again.rejected.empty()) << again.rejected.at(0).reason;
    const auto changed = table.importJson(officer, R"({"references": [
        {"make": "Example Arms", "model": "P1", "type": "pistol", "calibers": ["9mm Luger"], "country": "AT"},
        {"make": "Example Arms", "model": "P2", "type": "pistol", "calibers": "9mm", "colour": "black"},
        42]})");
    EXPECT_EQ(changed.updated, 1);
    EXPECT_EQ(changed.version, 2);
    ASSERT_EQ(changed.rejected.size(), 2u);
    EXPECT_NE(changed.rejected[0].reason.find("unknown field 'colour'"), std::string::npos);
    EXPECT_EQ(changed.rejected[1].row, 3);
    const auto p1 = table.search("P1", "model", false).at(0).reference;
    EXPECT_EQ(p1.country, "AT");
    EXPECT_EQ(p1.version, 2);
    EXPECT_EQ(table.search("R6", "model", false).at(0).reference.version, 1);
}

TEST_F(ReferenceTableTest, AFileThatIsNotATableChangesNothing) {
    auto table = store->referenceTable();
    table.importCsv(officer, kCsv);
    std::string message;
    try {
        table.importCsv(officer, "make,model,colour\r\nA,B,red\r\n");
    } catch (const RecordsError& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("unknown column 'colour'"), std::string::npos) << message;
    EXPECT_THROW(table.importCsv(officer, "make,model\r\n\"A,B\r\n"), RecordsError) << "an unclosed quote";
    EXPECT_THROW(table.importJson(officer, "{\"references\": "), RecordsError);
    EXPECT_THROW(table.importJson(officer, "{\"refs\": []}"), RecordsError);
    EXPECT_THROW(table.importCsv(tech, kCsv), RecordsError) << "a technician may not";
    EXPECT_EQ(table.version(), 1);
    EXPECT_EQ(table.size(), 3u);
    EXPECT_TRUE(store->verifyAudit(false).ok());
}

TEST_F(ReferenceTableTest, SearchFindsByPrefixInAnyFieldThenByLikeness) {
    auto table = store->referenceTable();
    table.importCsv(officer, kCsv);
    auto makes = [](const std::vector<records::ReferenceMatch>& found) {
        std::vector<std::string> out;
        for (const auto& m : found) out.push_back(m.reference.make + " " + m.reference.model + " (" + m.field + (m.fuzzy ? ", fuzzy" : "") + ")");
        return out;
    };
    EXPECT_EQ(makes(table.search("exam", "", false)), (std::vector<std::string>{"Example Arms P1 (make)", "Example Arms R6 (make)"}));
    EXPECT_EQ(makes(table.search("ea", "maker_codes", false)), (std::vector<std::string>{"Example Arms P1 (maker_codes)"})) << "any code of the list";
    EXPECT_EQ(makes(table.search("mod", "", false)), (std::vector<std::string>{"Sample Works Model 7 (model)"}));
    EXPECT_EQ(makes(table.search(".308", "caliber", false)), (std::vector<std::string>{"Sample Works Model 7 (caliber)"}));
    // Typos and swapped letters: found by likeness, said to be.
    const auto typo = table.search("Exmaple Arms", "", true);
    ASSERT_FALSE(typo.empty());
    EXPECT_EQ(typo[0].reference.make, "Example Arms");
    EXPECT_TRUE(typo[0].fuzzy);
    EXPECT_GT(typo[0].similarity, 0.3);
    EXPECT_EQ(makes(table.search("Sampel Works", "make", true)).size(), 1u);
    const auto oneWord = table.search("exmaple", "", true);
    ASSERT_FALSE(oneWord.empty()) << "one misspelt word of a longer make";
    EXPECT_EQ(oneWord[0].reference.make, "Example Arms");
    EXPECT_TRUE(table.search("Zzyzx Quartet", "", true).empty());
    EXPECT_THROW(table.search("x", "colour"), RecordsError);
}
