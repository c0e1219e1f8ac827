#pragma once
// A store in a temporary folder with one user of each role, and synthetic scans.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/records/Store.h"

namespace striae::test {

inline records::CaseRecord newCase(const std::string& number, const std::string& offence = "", const std::string& date = "",
                                   const std::string& notes = "") {
    records::CaseRecord c;
    c.number = number;
    c.offence = offence;
    c.offenceDate = date;
    c.notes = notes;
    return c;
}

inline records::Item newItem(const std::string& label, const std::string& kind = "cartridge_case",
                             const std::string& origin = "crime_scene", const std::string& caliber = "9mm") {
    records::Item i;
    i.label = label;
    i.kind = kind;
    i.origin = origin;
    i.caliber = caliber;
    return i;
}

// The kind of RecordsError a call throws (and its message), failing the test when it throws none.
inline records::RecordsError::Kind kindOf(const std::function<void()>& call, std::string* message = nullptr) {
    try {
        call();
    } catch (const records::RecordsError& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    ADD_FAILURE() << "no error";
    return records::RecordsError::Kind::Storage;
}

inline records::CaseFilter casesNumbered(const std::string& number) {
    records::CaseFilter f;
    f.number = number;
    return f;
}

inline records::CaseFilter casesWithStatus(const std::string& status) {
    records::CaseFilter f;
    f.status = status;
    return f;
}

class StoreFixture : public ::testing::Test {
protected:
    TempDir dir;
    std::filesystem::path storePath = dir / "store";
    std::optional<records::Store> store;
    records::User admin, tech, examiner, examiner2, supervisor;

    void SetUp() override {
        store = records::Store::create(storePath.string(), {0, "SFPD", "San Francisco PD", "US"}, "admin", "Ada Admin",
                                       "admin-password");
        admin = store->authenticate("admin", "admin-password");
        tech = store->addUser(admin, "SFPD", "tina", "Tina Tech", {records::Role::Technician}, "tech-password");
        examiner = store->addUser(admin, "SFPD", "eve", "Eve Examiner", {records::Role::Examiner}, "exam-password");
        examiner2 = store->addUser(admin, "SFPD", "ed", "Ed Examiner", {records::Role::Examiner}, "exam-password2");
        supervisor = store->addUser(admin, "SFPD", "sam", "Sam Supervisor", {records::Role::Supervisor}, "super-password");
    }

    // Writes synthetic scans F01-01, F01-02, F02-01 (small) and returns their folder.
    std::filesystem::path scans() {
        const auto folder = dir / "scans";
        if (!std::filesystem::exists(folder / "F01-01.x3p")) {
            imaging::SynthOptions o;
            o.firearms = 2;
            o.shotsPerFirearm = 2;
            o.sizePx = 200;
            o.seed = 9;
            imaging::writeSyntheticSet(o, folder.string());
        }
        return folder;
    }
};

}  // namespace striae::test
