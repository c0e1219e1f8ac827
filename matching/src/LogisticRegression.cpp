#include "striae/matching/LogisticRegression.h"

#include <opencv2/core.hpp>

#include <cmath>
#include <stdexcept>

namespace striae::matching {

double LogisticRegression::logOdds(const std::vector<double>& x) const {
    if (x.size() != coefficients.size()) throw std::invalid_argument("logistic regression: wrong number of features");
    double z = intercept;
    for (std::size_t k = 0; k < x.size(); ++k) z += coefficients[k] * (x[k] - mean[k]) / scale[k];
    return z;
}

LogisticRegression fitLogisticRegression(const std::vector<std::vector<double>>& rows, const std::vector<int>& y,
                                         double ridge, const std::vector<double>& extraWeights) {
    if (rows.empty() || rows.size() != y.size()) throw std::invalid_argument("logistic regression: no rows, or labels do not match rows");
    if (!extraWeights.empty() && extraWeights.size() != rows.size())
        throw std::invalid_argument("logistic regression: weights do not match rows");
    const std::size_t n = rows.size(), d = rows[0].size();
    for (const auto& r : rows)
        if (r.size() != d) throw std::invalid_argument("logistic regression: rows of different lengths");

    // Class-balanced weights: each class weighs half of the total.
    double w1 = 0, w0 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double e = extraWeights.empty() ? 1.0 : extraWeights[i];
        (y[i] ? w1 : w0) += e;
    }
    if (w1 <= 0 || w0 <= 0) throw std::invalid_argument("logistic regression: needs both known matches and known non-matches");
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = (extraWeights.empty() ? 1.0 : extraWeights[i]) * 0.5 * double(n) / (y[i] ? w1 : w0);

    LogisticRegression m;
    m.ridge = ridge;
    m.mean.assign(d, 0);
    m.scale.assign(d, 1);
    double wsum = 0;
    for (std::size_t i = 0; i < n; ++i) wsum += w[i];
    for (std::size_t k = 0; k < d; ++k) {
        double s = 0, s2 = 0;
        for (std::size_t i = 0; i < n; ++i) s += w[i] * rows[i][k];
        m.mean[k] = s / wsum;
        for (std::size_t i = 0; i < n; ++i) s2 += w[i] * (rows[i][k] - m.mean[k]) * (rows[i][k] - m.mean[k]);
        const double sd = std::sqrt(s2 / wsum);
        m.scale[k] = sd > 1e-12 ? sd : 1.0;  // a constant feature keeps its scale and gets a zero coefficient
    }

    // Newton on (intercept, coefficients); the ridge makes the Hessian positive definite.
    std::vector<double> beta(d + 1, 0.0);
    std::vector<double> z(d + 1);
    for (m.iterations = 0; m.iterations < 100; ++m.iterations) {
        cv::Mat H = cv::Mat::zeros(int(d + 1), int(d + 1), CV_64F), g = cv::Mat::zeros(int(d + 1), 1, CV_64F);
        for (std::size_t i = 0; i < n; ++i) {
            if (w[i] <= 0) continue;
            z[0] = 1;
            for (std::size_t k = 0; k < d; ++k) z[k + 1] = (rows[i][k] - m.mean[k]) / m.scale[k];
            double eta = 0;
            for (std::size_t k = 0; k <= d; ++k) eta += beta[k] * z[k];
            const double p = 1 / (1 + std::exp(-eta));
            const double r = w[i] * (y[i] - p), h = w[i] * p * (1 - p);
            for (std::size_t a = 0; a <= d; ++a) {
                g.at<double>(int(a)) += r * z[a];
                for (std::size_t b = a; b <= d; ++b) H.at<double>(int(a), int(b)) += h * z[a] * z[b];
            }
        }
        for (std::size_t a = 0; a <= d; ++a)
            for (std::size_t b = 0; b < a; ++b) H.at<double>(int(a), int(b)) = H.at<double>(int(b), int(a));
        for (std::size_t k = 1; k <= d; ++k) {
            g.at<double>(int(k)) -= ridge * beta[k];
            H.at<double>(int(k), int(k)) += ridge;
        }
        H.at<double>(0, 0) += 1e-9;
        cv::Mat step;
        if (!cv::solve(H, g, step, cv::DECOMP_CHOLESKY)) cv::solve(H, g, step, cv::DECOMP_SVD);
        double change = 0;
        for (std::size_t k = 0; k <= d; ++k) {
            beta[k] += step.at<double>(int(k));
            change = std::max(change, std::abs(step.at<double>(int(k))));
        }
        if (change < 1e-9) break;
    }
    m.intercept = beta[0];
    m.coefficients.assign(beta.begin() + 1, beta.end());
    return m;
}

}  // namespace striae::matching
