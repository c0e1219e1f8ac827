#include "striae/imaging/Synthetic.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "CvBridge.h"
#include "striae/imaging/X3p.h"

namespace striae::imaging {
namespace {

// Band-limited noise: white noise through a difference of Gaussians.
cv::Mat bandNoise(cv::RNG& rng, int size, double sigmaFine, double sigmaCoarse) {
    cv::Mat white(size, size, CV_64F);
    rng.fill(white, cv::RNG::NORMAL, 0.0, 1.0);
    cv::Mat fine, coarse;
    cv::GaussianBlur(white, fine, cv::Size(), sigmaFine, sigmaFine, cv::BORDER_REFLECT);
    cv::GaussianBlur(white, coarse, cv::Size(), sigmaCoarse, sigmaCoarse, cv::BORDER_REFLECT);
    cv::Mat band = fine - coarse;
    cv::Scalar mean, stddev;
    cv::meanStdDev(band, mean, stddev);
    return (band - mean[0]) / std::max(stddev[0], 1e-12);
}

// The firearm's breech face: texture plus machining marks (parallel arcs of a
// milling or filing tool), larger than the output so shots can rotate and shift.
cv::Mat firearmTexture(const SynthOptions& o, int firearm) {
    const int size = int(std::ceil(o.sizePx * 1.5)) + 2 * int(o.maxShiftPx) + 8;
    cv::RNG rng(o.seed * 1000003ull + std::uint64_t(firearm) * 7919ull + 17);
    cv::Mat texture = bandNoise(rng, size, 1.2, 12.0);
    const double angle = rng.uniform(0.0, CV_PI);
    const double radius = rng.uniform(2.0, 6.0) * size;  // arcs of a large tool
    const double cx = size / 2.0 + radius * std::cos(angle), cy = size / 2.0 + radius * std::sin(angle);
    cv::Mat marks(size, size, CV_64F);
    const double period1 = rng.uniform(5.0, 9.0), period2 = rng.uniform(11.0, 19.0);
    const double phase1 = rng.uniform(0.0, 2 * CV_PI), phase2 = rng.uniform(0.0, 2 * CV_PI);
    for (int r = 0; r < size; ++r) {
        double* p = marks.ptr<double>(r);
        for (int c = 0; c < size; ++c) {
            const double d = std::hypot(c - cx, r - cy);
            p[c] = std::sin(2 * CV_PI * d / period1 + phase1) + 0.6 * std::sin(2 * CV_PI * d / period2 + phase2);
        }
    }
    cv::Mat modulation = bandNoise(rng, size, 20.0, 60.0);
    marks = marks.mul(0.6 + 0.4 * modulation);
    // A few pits and burrs: individual, random.
    cv::Mat pits = cv::Mat::zeros(size, size, CV_64F);
    for (int i = 0; i < size / 8; ++i)
        cv::circle(pits, {rng.uniform(0, size), rng.uniform(0, size)}, rng.uniform(1, 4),
                   cv::Scalar(rng.uniform(-3.0, 3.0)), cv::FILLED);
    cv::GaussianBlur(pits, pits, cv::Size(), 1.0);
    return texture + 0.8 * marks + pits;
}

}  // namespace

Surface synthesizeShot(const SynthOptions& o, int firearm, int shot, SynthTruth* truth) {
    if (o.sizePx < 32 || o.sizePx > 8192) throw std::invalid_argument("synthetic scan size must be 32–8192 pixels");
    if (o.firearms < 1 || o.shotsPerFirearm < 1) throw std::invalid_argument("need at least one firearm and one shot");
    const cv::Mat texture = firearmTexture(o, firearm);
    cv::RNG rng(o.seed * 2654435761ull + std::uint64_t(firearm) * 104729ull + std::uint64_t(shot) * 1299709ull);
    const double rotation = rng.uniform(-o.maxRotationDeg / 2, o.maxRotationDeg / 2);
    const double shiftX = rng.uniform(-o.maxShiftPx, o.maxShiftPx);
    const double shiftY = rng.uniform(-o.maxShiftPx, o.maxShiftPx);

    // Rotate about the texture centre, shift, then crop the output window.
    const cv::Point2f centre(texture.cols / 2.0f, texture.rows / 2.0f);
    cv::Mat transform = cv::getRotationMatrix2D(centre, rotation, 1.0);
    transform.at<double>(0, 2) += shiftX - (texture.cols - o.sizePx) / 2.0;
    transform.at<double>(1, 2) += shiftY - (texture.rows - o.sizePx) / 2.0;
    cv::Mat shotImage;
    cv::warpAffine(texture, shotImage, transform, cv::Size(o.sizePx, o.sizePx), cv::INTER_LINEAR, cv::BORDER_REFLECT);

    // Partial transfer: some areas mark well, others barely; plus the shot's own noise.
    cv::Mat transfer = bandNoise(rng, o.sizePx, 25.0, 80.0);
    transfer = 0.75 + 0.25 * transfer;
    cv::max(transfer, 0.15, transfer);
    cv::Mat noise = bandNoise(rng, o.sizePx, 1.0, 10.0);
    cv::Mat heights = shotImage.mul(transfer) + o.noiseLevel * noise;
    heights *= 0.4e-6;  // about 0.4 µm RMS, as band-passed breech faces are

    // Breech face: inside the primer circle, outside the firing-pin impression and missing blobs.
    using Style = SynthOptions::RawStyle;
    const double primerRadius = o.sizePx * (!o.raw ? 0.48 : o.rawStyle == Style::CaseHead ? 0.21 : o.rawStyle == Style::Aperture ? 0.46 : 0.40);
    const cv::Point2d middle(o.sizePx / 2.0, o.sizePx / 2.0);
    const cv::Point2d pin(middle.x + rng.uniform(-o.sizePx / 30.0, o.sizePx / 30.0),
                          middle.y + rng.uniform(-o.sizePx / 30.0, o.sizePx / 30.0));
    const double pinRadius = !o.firingPin ? 0.0 : o.sizePx * rng.uniform(0.12, 0.16) * (o.raw && o.rawStyle == Style::CaseHead ? 0.45 : 1.0);
    cv::Mat missing = cv::Mat::zeros(o.sizePx, o.sizePx, CV_8U);
    for (int i = 0; i < o.missingRegions; ++i) {
        const cv::Point at(rng.uniform(0, o.sizePx), rng.uniform(0, o.sizePx));
        const cv::Size axes(rng.uniform(o.sizePx / 40 + 1, o.sizePx / 12 + 2), rng.uniform(o.sizePx / 40 + 1, o.sizePx / 12 + 2));
        cv::ellipse(missing, at, axes, rng.uniform(0.0, 180.0), 0, 360, cv::Scalar(255), cv::FILLED);
    }
    double apertureRadius = pinRadius;
    if (o.raw && o.rawStyle == Style::Aperture) {
        // The pin's deep interior unmeasured; a raised collar out to the aperture,
        // the shear a notch on one side; missing beyond the primer's edge.
        apertureRadius = pinRadius * rng.uniform(1.35, 1.5);
        const double tiltX = rng.uniform(-15e-6, 15e-6) / o.sizePx, tiltY = rng.uniform(-15e-6, 15e-6) / o.sizePx;
        const double shearAngle = rng.uniform(0.0, 2 * CV_PI);
        const cv::Point2d shear(pin.x + apertureRadius * std::cos(shearAngle), pin.y + apertureRadius * std::sin(shearAngle));
        const double collar = rng.uniform(30e-6, 60e-6);
        cv::Mat rim = bandNoise(rng, o.sizePx, 1.0, 6.0);
        for (int r = 0; r < o.sizePx; ++r) {
            double* h = heights.ptr<double>(r);
            for (int c = 0; c < o.sizePx; ++c) {
                const double d = std::hypot(c - middle.x, r - middle.y), dp = std::hypot(c - pin.x, r - pin.y);
                double z = h[c];
                if (dp < 0.7 * pinRadius) z = std::numeric_limits<double>::quiet_NaN();
                else if (dp < pinRadius) z -= 120e-6 * (1 - (dp - 0.7 * pinRadius) / (0.3 * pinRadius));
                else if (dp < apertureRadius) z += collar * std::sin(CV_PI * (dp - pinRadius) / (apertureRadius - pinRadius)) + collar * 0.2;
                if (std::hypot(c - shear.x, r - shear.y) < 0.35 * pinRadius) z -= 35e-6;
                if (d > primerRadius + 1.5 * rim.at<double>(r, c)) z = std::numeric_limits<double>::quiet_NaN();
                h[c] = z + tiltX * c + tiltY * r;
            }
        }
        // Drop-outs where the primer's edge rolls off.
        for (int i = 0; i < o.sizePx * 2; ++i) {
            const double angle = rng.uniform(0.0, 2 * CV_PI), radius = primerRadius - rng.uniform(0.0, 0.03 * o.sizePx);
            heights.at<double>(std::clamp(int(middle.y + radius * std::sin(angle)), 0, o.sizePx - 1),
                               std::clamp(int(middle.x + radius * std::cos(angle)), 0, o.sizePx - 1)) = std::numeric_limits<double>::quiet_NaN();
        }
        heights.setTo(std::numeric_limits<double>::quiet_NaN(), missing);
    } else if (o.raw && o.rawStyle == Style::CaseHead) {
        // Every point measured: the case head (headstamp letters raised), the primer
        // pocket's gap, the case rim's bevel and the stage beyond.
        const double caseRadius = o.sizePx * 0.48, gapWidth = o.sizePx * 0.012;
        const double tiltX = rng.uniform(-20e-6, 20e-6) / o.sizePx, tiltY = rng.uniform(-20e-6, 20e-6) / o.sizePx;
        cv::Mat head = bandNoise(rng, o.sizePx, 1.5, 12.0) * 0.6e-6;
        cv::Mat stamp = cv::Mat::zeros(o.sizePx, o.sizePx, CV_64F);
        const double stampRotation = rng.uniform(0.0, 2 * CV_PI);
        const char* letters[] = {"WIN", "9mm", "LUGER", "+P"};
        for (int i = 0; i < 4; ++i) {
            const double angle = stampRotation + i * CV_PI / 2, radius = (primerRadius + caseRadius) / 2;
            cv::putText(stamp, letters[i], cv::Point(int(middle.x + radius * std::cos(angle) - o.sizePx * 0.06),
                                                      int(middle.y + radius * std::sin(angle) + o.sizePx * 0.02)),
                        cv::FONT_HERSHEY_SIMPLEX, o.sizePx / 500.0, cv::Scalar(1.0), std::max(1, o.sizePx / 150), cv::LINE_AA);
        }
        for (int r = 0; r < o.sizePx; ++r) {
            double* h = heights.ptr<double>(r);
            const double* hh = head.ptr<double>(r);
            for (int c = 0; c < o.sizePx; ++c) {
                const double d = std::hypot(c - middle.x, r - middle.y), dp = std::hypot(c - pin.x, r - pin.y);
                double z = h[c] - 8e-6;  // the primer seated a little below the case head
                if (d > caseRadius) z = -400e-6 + 0.5 * hh[c];
                else if (d > caseRadius - 0.03 * o.sizePx) z = -120e-6 * (d - caseRadius + 0.03 * o.sizePx) / (0.03 * o.sizePx) + hh[c];
                else if (d > primerRadius + gapWidth) z = hh[c] + 25e-6 * stamp.at<double>(r, c);
                else if (d > primerRadius) z = -60e-6 + 0.3 * hh[c];
                if (dp < pinRadius) z -= 180e-6 * (1 - dp * dp / (pinRadius * pinRadius));
                h[c] = z + tiltX * c + tiltY * r;
            }
        }
    } else if (o.raw) {
        // Instrument geometry, in metres: tilt, case head beyond a gap, a parabolic crater, spikes.
        const double tiltX = rng.uniform(-10e-6, 10e-6) / o.sizePx, tiltY = rng.uniform(-10e-6, 10e-6) / o.sizePx;
        const double gapWidth = o.sizePx * 0.02;
        cv::Mat head = bandNoise(rng, o.sizePx, 1.5, 12.0) * 0.5e-6;
        for (int r = 0; r < o.sizePx; ++r) {
            double* h = heights.ptr<double>(r);
            const double* hh = head.ptr<double>(r);
            for (int c = 0; c < o.sizePx; ++c) {
                const double d = std::hypot(c - middle.x, r - middle.y);
                const double dp = std::hypot(c - pin.x, r - pin.y);
                double z = h[c];
                if (d > primerRadius + gapWidth) z = 15e-6 + hh[c];
                else if (d > primerRadius) z = -40e-6 + 0.3 * hh[c];
                if (dp < pinRadius) z -= 150e-6 * (1 - dp * dp / (pinRadius * pinRadius));
                h[c] = z + tiltX * c + tiltY * r;
            }
        }
        for (int i = 0; i < o.sizePx * o.sizePx / 2000; ++i)
            heights.at<double>(rng.uniform(0, o.sizePx), rng.uniform(0, o.sizePx)) += rng.uniform(-30e-6, 30e-6);
        heights.setTo(std::numeric_limits<double>::quiet_NaN(), missing);
    } else {
        cv::Mat mask = cv::Mat::zeros(o.sizePx, o.sizePx, CV_8U);
        cv::circle(mask, cv::Point(o.sizePx / 2, o.sizePx / 2), int(primerRadius), cv::Scalar(255), cv::FILLED);
        if (o.firingPin) cv::circle(mask, cv::Point(int(pin.x), int(pin.y)), int(pinRadius), cv::Scalar(0), cv::FILLED);
        mask.setTo(0, missing);
        heights.setTo(std::numeric_limits<double>::quiet_NaN(), mask == 0);
    }

    Surface s = surfaceFromMat(heights, o.spacing, o.spacing);
    SurfaceMetadata& m = s.metadata();
    m.creator = "striae synth";
    m.instrument = {"Striae", "synthetic breech face", "seed " + std::to_string(o.seed), "1"};
    m.probingType = "Software";
    m.probingIdentification = "synthetic";
    m.date = "2026-01-01T00:00:00";
    m.calibrationDate = m.date;
    m.comment = std::string(o.raw ? "raw " : "") + "synthetic firearm " + std::to_string(firearm) + " shot " + std::to_string(shot);
    s.addStep({"synthesize", {{"seed", std::to_string(o.seed)},
                              {"firearm", std::to_string(firearm)},
                              {"shot", std::to_string(shot)},
                              {"rotation_deg", formatNumber(rotation)},
                              {"shift_x_px", formatNumber(shiftX)},
                              {"shift_y_px", formatNumber(shiftY)}}});
    if (truth) {
        char name[64];
        std::snprintf(name, sizeof name, "F%02d-%02d.x3p", firearm, shot);
        *truth = {name, firearm, shot, rotation, shiftX, shiftY, pin.x, pin.y, apertureRadius, middle.x, middle.y, primerRadius};
    }
    return s;
}

std::vector<SynthTruth> writeSyntheticSet(const SynthOptions& o, const std::string& folder,
                                          const std::function<bool(int, int)>& progress) {
    namespace fs = std::filesystem;
    fs::create_directories(folder);
    std::vector<SynthTruth> truths;
    const int total = o.firearms * o.shotsPerFirearm;
    for (int f = 1; f <= o.firearms; ++f) {
        for (int k = 1; k <= o.shotsPerFirearm; ++k) {
            SynthTruth truth;
            const Surface s = synthesizeShot(o, f, k, &truth);
            writeX3p(s, (fs::path(folder) / truth.file).string());
            truths.push_back(truth);
            if (progress && !progress(int(truths.size()), total)) return truths;
        }
    }
    std::ofstream csv(fs::path(folder) / "truth.csv");
    csv << "file,firearm,shot,rotation_deg,shift_x_px,shift_y_px,pin_x_px,pin_y_px,pin_radius_px,primer_radius_px\n";
    for (const auto& t : truths)
        csv << t.file << ',' << t.firearm << ',' << t.shot << ',' << formatNumber(t.rotationDeg) << ','
            << formatNumber(t.shiftXPx) << ',' << formatNumber(t.shiftYPx) << ',' << formatNumber(t.pinX) << ','
            << formatNumber(t.pinY) << ',' << formatNumber(t.pinRadius) << ',' << formatNumber(t.primerRadius) << '\n';
    if (!csv) throw std::runtime_error(folder + "/truth.csv: cannot write");
    return truths;
}

}  // namespace striae::imaging
