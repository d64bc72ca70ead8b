// Tests of ranks, Pearson and Spearman correlation and partial (rank) correlation coefficients.

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/rank.hpp"

#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace {

std::vector<std::vector<double>> normals(std::size_t columns, std::size_t n, std::uint64_t seed) {
  pdoom::Engine engine = pdoom::make_stream(seed, "rank-test", 0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::vector<double>> result(columns, std::vector<double>(n));
  for (auto& column : result) {
    for (double& v : column) v = normal(engine);
  }
  return result;
}

std::vector<std::span<const double>> spans(const std::vector<std::vector<double>>& columns) {
  return {columns.begin(), columns.end()};
}

// Partial correlation by the definition: regress (least squares, with intercept) input i and the output on
// the other inputs and correlate the residuals.
double residual_partial_correlation(const std::vector<std::vector<double>>& inputs, const std::vector<double>& output,
                                    std::size_t i) {
  const auto n = static_cast<Eigen::Index>(output.size());
  Eigen::MatrixXd design(n, static_cast<Eigen::Index>(inputs.size()));
  design.col(0).setOnes();
  Eigen::Index column = 1;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (k != i) design.col(column++) = Eigen::Map<const Eigen::VectorXd>(inputs[k].data(), n);
  }
  const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(inputs[i].data(), n);
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(output.data(), n);
  const auto solver = design.colPivHouseholderQr();
  const Eigen::VectorXd rx = x - design * solver.solve(x);
  const Eigen::VectorXd ry = y - design * solver.solve(y);
  return rx.dot(ry) / (rx.norm() * ry.norm());
}

}  // namespace

TEST_CASE("ranks average ties", "[stats]") {
  CHECK(pdoom::ranks(std::vector<double>{10, 20, 20, 30}) == std::vector<double>{1, 2.5, 2.5, 4});
  CHECK(pdoom::ranks(std::vector<double>{3, 1, 2}) == std::vector<double>{3, 1, 2});
  CHECK(pdoom::ranks(std::vector<double>{5, 5, 5}) == std::vector<double>{2, 2, 2});
  CHECK(pdoom::ranks(std::vector<double>{}).empty());
  CHECK_THROWS_AS(pdoom::ranks(std::vector<double>{1, NAN}), pdoom::Error);
}

TEST_CASE("pearson and spearman on known data", "[stats]") {
  const std::vector<double> x = {1, 2, 3};
  const std::vector<double> y = {1, 2, 4};
  // Deviations (-1, 0, 1) and (-4/3, -1/3, 5/3): r = 3 / sqrt(2 * 42/9) = 9 / sqrt(84).
  CHECK(pdoom::pearson(x, y) == Approx(9.0 / std::sqrt(84.0)));
  CHECK(pdoom::spearman(x, y) == Approx(1.0));
  const auto data = normals(1, 1000, 1)[0];
  std::vector<double> transformed(data.size());
  std::vector<double> reversed(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    transformed[i] = std::exp(3.0 * data[i]) + 1.0;
    reversed[i] = -std::pow(data[i], 3.0);
  }
  CHECK(pdoom::spearman(data, transformed) == Approx(1.0).epsilon(1e-14));
  CHECK(pdoom::spearman(data, reversed) == Approx(-1.0).epsilon(1e-14));
  CHECK(std::isnan(pdoom::pearson(x, std::vector<double>{2, 2, 2})));
  CHECK_THROWS_AS(pdoom::pearson(x, std::vector<double>{1, 2}), pdoom::Error);
  CHECK_THROWS_AS(pdoom::spearman(std::vector<double>{1}, std::vector<double>{1}), pdoom::Error);
}

TEST_CASE("spearman of a gaussian pair matches its closed form", "[stats]") {
  const double r = 0.6;
  const std::size_t n = 50000;
  auto columns = normals(2, n, 2);
  for (std::size_t i = 0; i < n; ++i) columns[1][i] = r * columns[0][i] + std::sqrt(1 - r * r) * columns[1][i];
  const double expected = 6.0 / std::numbers::pi * std::asin(r / 2.0);
  // Standard error about (1 - rho^2) sqrt(1.06 / (n - 3)); allow 5.
  const double tolerance = 5.0 * (1 - expected * expected) * std::sqrt(1.06 / (n - 3.0));
  CHECK(std::fabs(pdoom::spearman(columns[0], columns[1]) - expected) < tolerance);
  CHECK(std::fabs(pdoom::pearson(columns[0], columns[1]) - r) < 5.0 * (1 - r * r) / std::sqrt(n - 3.0));
}

TEST_CASE("partial correlations of a linear model match the closed form", "[stats]") {
  // Y = sum b_i X_i + s E with independent standard normals: the partial correlation of X_i and Y given the
  // rest is b_i / sqrt(b_i^2 + s^2). Standard error about (1 - rho^2) / sqrt(n - k); allow 5.
  const std::vector<double> b = {2.0, -1.0, 0.5, 0.0};
  const double s = 1.5;
  const std::size_t n = 20000;
  const auto columns = normals(5, n, 3);
  const std::vector<std::vector<double>> inputs(columns.begin(), columns.begin() + 4);
  std::vector<double> y(n);
  for (std::size_t j = 0; j < n; ++j) {
    y[j] = s * columns[4][j];
    for (std::size_t i = 0; i < 4; ++i) y[j] += b[i] * inputs[i][j];
  }
  const auto partial = pdoom::partial_correlations(spans(inputs), y);
  REQUIRE(partial.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const double expected = b[i] / std::sqrt(b[i] * b[i] + s * s);
    CHECK(std::fabs(partial[i] - expected) < 5.0 * (1 - expected * expected) / std::sqrt(n - 5.0));
    CHECK(partial[i] == Approx(residual_partial_correlation(inputs, y, i)).epsilon(1e-10));
  }
}

TEST_CASE("prcc equals the residual definition and its gaussian limit", "[stats]") {
  const std::vector<double> b = {1.0, -0.5, 0.25};
  const double s = 0.5;
  const std::size_t n = 20000;
  const auto columns = normals(4, n, 4);
  const std::vector<std::vector<double>> inputs(columns.begin(), columns.begin() + 3);
  std::vector<double> y(n);
  for (std::size_t j = 0; j < n; ++j) {
    y[j] = s * columns[3][j];
    for (std::size_t i = 0; i < 3; ++i) y[j] += b[i] * inputs[i][j];
  }
  const auto prcc = pdoom::partial_rank_correlations(spans(inputs), y);

  // 1. The definition on ranks: regress ranks, correlate residuals.
  std::vector<std::vector<double>> ranked;
  for (const auto& input : inputs) ranked.push_back(pdoom::ranks(input));
  const auto ranked_y = pdoom::ranks(y);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(prcc[i] == Approx(residual_partial_correlation(ranked, ranked_y, i)).epsilon(1e-10));
  }

  // 2. Monotone transforms of inputs and output leave it unchanged.
  auto transformed = inputs;
  for (auto& column : transformed) {
    for (double& v : column) v = std::exp(v);
  }
  std::vector<double> cubed(y);
  for (double& v : cubed) v = v * v * v;
  const auto prcc_transformed = pdoom::partial_rank_correlations(spans(transformed), cubed);
  for (std::size_t i = 0; i < 3; ++i) CHECK(prcc_transformed[i] == Approx(prcc[i]).epsilon(1e-12));

  // 3. Limit: for Gaussian (X, Y) with correlation matrix R the rank correlation matrix tends to
  // (6/pi) asin(R/2), and PRCC to the partial correlations computed from that matrix.
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Identity(4, 4);
  double variance_y = s * s;
  for (std::size_t i = 0; i < 3; ++i) {
    covariance(static_cast<Eigen::Index>(i), 3) = covariance(3, static_cast<Eigen::Index>(i)) = b[i];
    variance_y += b[i] * b[i];
  }
  covariance(3, 3) = variance_y;
  const Eigen::VectorXd scale = covariance.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd correlation = scale.asDiagonal() * covariance * scale.asDiagonal();
  Eigen::MatrixXd spearman = correlation.unaryExpr([](double r) { return 6.0 / std::numbers::pi * std::asin(r / 2.0); });
  spearman.diagonal().setOnes();
  const Eigen::MatrixXd precision = spearman.inverse();
  for (Eigen::Index i = 0; i < 3; ++i) {
    const double expected = -precision(i, 3) / std::sqrt(precision(i, i) * precision(3, 3));
    CHECK(std::fabs(prcc[static_cast<std::size_t>(i)] - expected) < 5.0 * (1 - expected * expected) / std::sqrt(n - 4.0));
  }
}

TEST_CASE("partial correlations handle constant and collinear inputs", "[stats]") {
  const std::size_t n = 1000;
  auto columns = normals(3, n, 5);
  std::vector<double> y(n);
  for (std::size_t j = 0; j < n; ++j) y[j] = columns[0][j] + columns[1][j];
  columns[2].assign(n, 4.0);  // a point-valued input
  const auto with_constant = pdoom::partial_rank_correlations(spans(columns), y);
  CHECK(std::isnan(with_constant[2]));
  CHECK(std::isfinite(with_constant[0]));
  CHECK(with_constant[0] > 0.5);
  const auto constant_output = pdoom::partial_correlations(spans(columns), std::vector<double>(n, 1.0));
  CHECK(std::isnan(constant_output[0]));
  columns[2] = columns[0];  // collinear
  CHECK_THROWS_AS(pdoom::partial_correlations(spans(columns), y), pdoom::Error);
  CHECK_THROWS_AS(pdoom::partial_correlations({}, y), pdoom::Error);
  CHECK_THROWS_AS(pdoom::partial_correlations(spans(columns), std::vector<double>(n - 1, 0.0)), pdoom::Error);
  std::vector<double> with_nan = y;
  with_nan[3] = NAN;
  CHECK_THROWS_AS(pdoom::partial_correlations(spans(columns), with_nan), pdoom::Error);
}
