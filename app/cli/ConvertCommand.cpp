// striae convert IN OUT: X3P <-> PNG/TIFF height maps (and photographs in).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "Format.h"
#include "striae/imaging/ImageIO.h"
#include "striae/imaging/X3p.h"

namespace striae::cli {
namespace {

std::string extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

bool isImage(const std::string& ext) { return ext == ".png" || ext == ".tif" || ext == ".tiff"; }

}  // namespace

void addConvertCommand(CLI::App& app) {
    struct Options {
        std::string in, out;
        double spacingUm = 0, zScaleUm = 0, zOffsetUm = 0;
        bool photo = false, keepZero = false, float32 = false, ignoreChecksums = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("convert", "Convert between X3P and PNG/TIFF height maps (x3p -> png|tif, png|tif -> x3p)");
    cmd->add_option("input", o->in, "Input file (.x3p, .png, .tif)")->required()->check(CLI::ExistingFile);
    cmd->add_option("output", o->out, "Output file (.x3p, .png, .tif)")->required();
    cmd->add_option("--spacing", o->spacingUm, "Image input: pixel spacing in micrometres")->check(CLI::PositiveNumber);
    cmd->add_option("--z-scale", o->zScaleUm, "Image input: micrometres per grey level (float TIFF: factor to metres)");
    cmd->add_option("--z-offset", o->zOffsetUm, "Image input: height of grey level 0 in micrometres");
    cmd->add_flag("--photo", o->photo, "Image input is a photograph (grey levels, not heights)");
    cmd->add_flag("--keep-zero", o->keepZero, "Image input: grey level 0 is a height, not a missing point");
    cmd->add_flag("--float32", o->float32, "X3P output: store heights as float32");
    cmd->add_flag("--ignore-checksum", o->ignoreChecksums, "X3P input: read even if MD5 checksums do not match");
    cmd->callback([o] {
        const std::string inExt = extension(o->in), outExt = extension(o->out);
        imaging::Surface surface;
        if (inExt == ".x3p") {
            surface = imaging::readX3p(o->in, {.ignoreChecksums = o->ignoreChecksums}).surface;
        } else if (isImage(inExt)) {
            if (o->spacingUm <= 0) throw CLI::ValidationError("--spacing", "an image input needs --spacing (micrometres per pixel)");
            imaging::ImageImportOptions io;
            io.spacingX = o->spacingUm / 1e6;
            if (o->zScaleUm != 0) io.zScale = inExt == ".png" ? o->zScaleUm / 1e6 : o->zScaleUm;
            io.zOffset = o->zOffsetUm / 1e6;
            io.photograph = o->photo;
            io.zeroIsMissing = !o->keepZero;
            surface = imaging::readImage(o->in, io);
        } else {
            throw CLI::ValidationError("input", "unknown input type '" + inExt + "' (expected .x3p, .png, .tif)");
        }
        if (outExt == ".x3p") {
            imaging::writeX3p(surface, o->out, {.dataType = o->float32 ? 'F' : 'D'});
            std::cout << "wrote " << o->out << ": " << surface.cols() << " x " << surface.rows() << " points, "
                      << fixed(surface.spacingX() * 1e6, 4) << " µm spacing, " << surface.validCount() << " valid\n";
        } else if (isImage(outExt)) {
            const auto scale = imaging::writeImage(surface, o->out);
            std::cout << "wrote " << o->out << ": " << surface.cols() << " x " << surface.rows() << " pixels";
            if (scale.exact) std::cout << ", float heights in metres, NaN = missing\n";
            else
                std::cout << ", 16-bit: height = " << fixed(scale.zOffset * 1e6, 6) << " µm + " << fixed(scale.zScale * 1e6, 8)
                          << " µm x (grey - 1); grey 0 = missing\n";
        } else {
            throw CLI::ValidationError("output", "unknown output type '" + outExt + "' (expected .x3p, .png, .tif)");
        }
    });
}

}  // namespace striae::cli
