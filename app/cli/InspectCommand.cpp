// striae inspect FILE: what an X3P holds and whether it is intact.
#include <CLI/CLI.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>
#include <memory>

#include "Commands.h"
#include "Format.h"
#include "striae/imaging/X3p.h"

namespace striae::cli {
namespace {

const char* typeName(char t) {
    switch (t) {
        case 'I': return "int16";
        case 'L': return "int32";
        case 'F': return "float32";
        case 'D': return "float64";
    }
    return "unknown";
}

void printText(const std::string& file, const imaging::X3pFile& x) {
    const imaging::Surface& s = x.surface;
    const auto range = s.heightRange();
    const auto& m = s.metadata();
    auto line = [](const char* key, const std::string& value) { std::cout << std::left; std::printf("%-14s%s\n", key, value.c_str()); };
    line("File", file);
    line("Feature type", x.info.featureType + (x.info.revision.empty() ? "" : " (" + x.info.revision + ")"));
    line("Size", std::to_string(s.cols()) + " x " + std::to_string(s.rows()) + " points (x by y)");
    line("Spacing", fixed(s.spacingX() * 1e6, 4) + " x " + fixed(s.spacingY() * 1e6, 4) + " µm");
    line("Extent", fixed(s.cols() * s.spacingX() * 1e3, 3) + " x " + fixed(s.rows() * s.spacingY() * 1e3, 3) + " mm");
    line("Data", std::string(typeName(x.info.dataType)) +
                     (x.info.inlineData ? ", XML point list" : ", binary (" + bytes(double(x.info.pointDataBytes)) + ")") +
                     (x.info.hasValidMask ? ", valid.bin mask" : ""));
    line("Valid points", std::to_string(s.validCount()) + " of " + std::to_string(s.size()) + " (" +
                             fixed(100.0 * s.validFraction(), 1) + " %)");
    line("Heights", micrometres(range.min) + " to " + micrometres(range.max));
    line("Checksums", std::string("main.xml ") + imaging::toString(x.info.mainXmlChecksum) + ", point data " +
                          imaging::toString(x.info.pointDataChecksum) +
                          (x.info.hasValidMask ? std::string(", mask ") + imaging::toString(x.info.validPointsChecksum) : ""));
    const std::string instrument = m.instrument.manufacturer + (m.instrument.model.empty() ? "" : " " + m.instrument.model);
    if (!instrument.empty()) line("Instrument", instrument);
    if (!m.date.empty()) line("Date", m.date);
    if (!m.creator.empty()) line("Creator", m.creator);
    if (!m.comment.empty()) line("Comment", m.comment);
    for (const auto& step : s.history()) {
        std::string text = step.name + "(";
        for (std::size_t i = 0; i < step.parameters.size(); ++i)
            text += (i ? ", " : "") + step.parameters[i].first + "=" + step.parameters[i].second;
        line("History", text + ")");
    }
    for (const auto& w : x.info.warnings) line("Warning", w);
}

void printJson(const std::string& file, const imaging::X3pFile& x) {
    const imaging::Surface& s = x.surface;
    const auto range = s.heightRange();
    const auto& m = s.metadata();
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("file", file);
    o.set("featureType", x.info.featureType);
    o.set("revision", x.info.revision);
    o.set("sizeX", s.cols());
    o.set("sizeY", s.rows());
    o.set("spacingX_m", s.spacingX());
    o.set("spacingY_m", s.spacingY());
    o.set("dataType", std::string(1, x.info.dataType));
    o.set("inlineData", x.info.inlineData);
    o.set("validMask", x.info.hasValidMask);
    o.set("validPoints", static_cast<Poco::UInt64>(s.validCount()));
    o.set("validFraction", s.validFraction());
    if (!std::isnan(range.min)) {
        o.set("heightMin_m", range.min);
        o.set("heightMax_m", range.max);
    }
    Poco::JSON::Object checks(Poco::JSON_PRESERVE_KEY_ORDER);
    checks.set("mainXml", imaging::toString(x.info.mainXmlChecksum));
    checks.set("pointData", imaging::toString(x.info.pointDataChecksum));
    checks.set("validPoints", imaging::toString(x.info.validPointsChecksum));
    o.set("checksums", checks);
    Poco::JSON::Object meta(Poco::JSON_PRESERVE_KEY_ORDER);
    meta.set("date", m.date);
    meta.set("creator", m.creator);
    meta.set("manufacturer", m.instrument.manufacturer);
    meta.set("model", m.instrument.model);
    meta.set("serial", m.instrument.serial);
    meta.set("comment", m.comment);
    o.set("metadata", meta);
    Poco::JSON::Array history;
    for (const auto& step : s.history()) {
        Poco::JSON::Object st(Poco::JSON_PRESERVE_KEY_ORDER);
        st.set("step", step.name);
        Poco::JSON::Object params(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [k, v] : step.parameters) params.set(k, v);
        st.set("parameters", params);
        history.add(st);
    }
    o.set("history", history);
    Poco::JSON::Array warnings;
    for (const auto& w : x.info.warnings) warnings.add(w);
    o.set("warnings", warnings);
    o.stringify(std::cout, 2);
    std::cout << '\n';
}

}  // namespace

void addInspectCommand(CLI::App& app) {
    struct Options {
        std::string file;
        bool json = false;
        bool ignoreChecksums = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("inspect", "Show an X3P file's header, size, spacing, valid points, heights and checksums");
    cmd->add_option("file", opts->file, "X3P file")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", opts->json, "Print JSON");
    cmd->add_flag("--ignore-checksum", opts->ignoreChecksums, "Read files whose MD5 checksums do not match (reported, not fatal)");
    cmd->callback([opts] {
        imaging::X3pReadOptions ro;
        ro.ignoreChecksums = opts->ignoreChecksums;
        const auto x = imaging::readX3p(opts->file, ro);
        if (opts->json) printJson(opts->file, x);
        else printText(opts->file, x);
    });
}

}  // namespace striae::cli
