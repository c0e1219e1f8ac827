#include "SearchDistractors.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <random>

namespace striae::cli {
namespace {

constexpr double kPi = 3.14159265358979323846;

DistractorPart randomPart(std::mt19937_64& random, int source) {
    DistractorPart p;
    p.source = source;
    p.angle = std::uniform_real_distribution<double>(0, 2 * kPi)(random);
    p.zoom = std::exp(std::uniform_real_distribution<double>(std::log(0.75), std::log(1.33))(random));
    std::uniform_real_distribution<double> shift(-300e-6, 300e-6);
    p.shiftX = shift(random), p.shiftY = shift(random);
    return p;
}

// The part on the grid of `like`: values (NaN where missing).
cv::Mat place(const DistractorPart& p, const imaging::Surface& source, const imaging::Surface& like) {
    cv::Mat values(source.rows(), source.cols(), CV_32F), mask(source.rows(), source.cols(), CV_32F);
    for (int r = 0; r < source.rows(); ++r)
        for (int c = 0; c < source.cols(); ++c) {
            const bool ok = source.isValid(r, c);
            values.at<float>(r, c) = ok ? float(source.at(r, c)) : 0.f;
            mask.at<float>(r, c) = ok ? 1.f : 0.f;
        }
    // Destination (x, y) about its centre → source pixel: turned by −angle,
    // shrunk by the zoom, shifted; in pixels of each grid.
    const double toSource = like.spacingX() / source.spacingX() / p.zoom;
    const double cs = std::cos(p.angle) * toSource, sn = std::sin(p.angle) * toSource;
    const double cxD = like.cols() / 2.0, cyD = like.rows() / 2.0;
    const double cxS = source.cols() / 2.0 + p.shiftX / source.spacingX(), cyS = source.rows() / 2.0 + p.shiftY / source.spacingX();
    cv::Mat m = (cv::Mat_<double>(2, 3) << cs, sn, cxS - cs * cxD - sn * cyD, -sn, cs, cyS + sn * cxD - cs * cyD);
    cv::Mat placedValues, placedMask;
    const cv::Size size(like.cols(), like.rows());
    cv::warpAffine(values, placedValues, m, size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, 0);
    cv::warpAffine(mask, placedMask, m, size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, 0);
    for (int r = 0; r < placedValues.rows; ++r)
        for (int c = 0; c < placedValues.cols; ++c)
            if (placedMask.at<float>(r, c) < 0.999f) placedValues.at<float>(r, c) = std::nanf("");
    return placedValues;
}

}  // namespace

imaging::Surface mirrored(const imaging::Surface& s) {
    imaging::Surface out(s.rows(), s.cols(), s.spacingX(), s.spacingY());
    for (int r = 0; r < s.rows(); ++r)
        for (int c = 0; c < s.cols(); ++c) out.set(r, c, s.at(r, s.cols() - 1 - c));
    return out;
}

DistractorRecipe distractorRecipe(std::uint64_t index, const std::vector<std::string>& groups) {
    std::mt19937_64 random(0x5EA5C4ull * (index + 1));
    const int n = int(groups.size());
    DistractorRecipe recipe;
    recipe.first = randomPart(random, int(std::uniform_int_distribution<int>(0, n - 1)(random)));
    if (std::bernoulli_distribution(0.5)(random)) {
        int second = recipe.first.source;
        for (int tries = 0; tries < 64 && groups[std::size_t(second)] == groups[std::size_t(recipe.first.source)]; ++tries)
            second = std::uniform_int_distribution<int>(0, n - 1)(random);
        if (groups[std::size_t(second)] != groups[std::size_t(recipe.first.source)]) {
            recipe.second = randomPart(random, second);
            recipe.weight = std::uniform_real_distribution<double>(0.3, 0.7)(random);
        }
    }
    return recipe;
}

imaging::Surface buildDistractor(const DistractorRecipe& recipe, const std::vector<imaging::Surface>& sources) {
    const imaging::Surface& like = sources.at(std::size_t(recipe.first.source));
    const cv::Mat a = place(recipe.first, like, like);
    cv::Mat b;
    if (recipe.second.source >= 0) b = place(recipe.second, sources.at(std::size_t(recipe.second.source)), like);
    imaging::Surface out(like.rows(), like.cols(), like.spacingX(), like.spacingY());
    for (int r = 0; r < like.rows(); ++r)
        for (int c = 0; c < like.cols(); ++c) {
            const float va = a.at<float>(r, c);
            if (b.empty()) {
                if (va == va) out.set(r, c, va);
                continue;
            }
            const float vb = b.at<float>(r, c);
            if (va == va && vb == vb) out.set(r, c, (1 - recipe.weight) * va + recipe.weight * vb);
        }
    return out;
}

}  // namespace striae::cli
