// Tests of the Gaussian copula: validation, conversion, repair, and the achieved rank correlations.

#include "pdoom/error.hpp"
#include "pdoom/random/copula.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/rank.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

namespace {

Eigen::MatrixXd symmetric(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (const double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

// Independent uniforms, n x d, from a fixed stream.
Eigen::MatrixXd uniforms(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  pdoom::Engine engine = pdoom::make_stream(seed, "copula-test", 0);
  Eigen::MatrixXd block(n, d);
  for (Eigen::Index j = 0; j < d; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) block(i, j) = pdoom::uniform_open(engine);
  }
  return block;
}

double achieved_spearman(const Eigen::MatrixXd& block, Eigen::Index a, Eigen::Index b) {
  const auto n = static_cast<std::size_t>(block.rows());
  return pdoom::spearman(std::span<const double>(block.col(a).data(), n),
                         std::span<const double>(block.col(b).data(), n));
}

// Standard error of a sample Spearman correlation near rho for normal-copula data: Fisher's z of
// Spearman has variance about 1.06 / (n - 3) (Fieller, Hartley & Pearson 1957), and d rho / dz = 1 - rho^2.
double spearman_standard_error(double rho, double n) { return (1.0 - rho * rho) * std::sqrt(1.06 / (n - 3.0)); }

}  // namespace

TEST_CASE("spearman and normal correlations convert both ways", "[random]") {
  CHECK(pdoom::normal_from_spearman(0.0) == 0.0);
  CHECK(pdoom::normal_from_spearman(1.0) == Approx(1.0).epsilon(1e-15));
  CHECK(pdoom::normal_from_spearman(-1.0) == Approx(-1.0).epsilon(1e-15));
  CHECK(pdoom::normal_from_spearman(0.5) == Approx(2.0 * std::sin(std::numbers::pi / 12.0)).epsilon(1e-15));
  for (const double rho : {-0.9, -0.3, 0.1, 0.7, 0.99}) {
    CHECK(pdoom::spearman_from_normal(pdoom::normal_from_spearman(rho)) == Approx(rho).epsilon(1e-13));
  }
}

TEST_CASE("copula rejects invalid spearman matrices", "[random]") {
  CHECK_THROWS_AS(pdoom::GaussianCopula(Eigen::MatrixXd(0, 0)), pdoom::Error);
  CHECK_THROWS_AS(pdoom::GaussianCopula(Eigen::MatrixXd::Identity(2, 3)), pdoom::Error);
  CHECK_THROWS_AS(pdoom::GaussianCopula(symmetric({{1, 0.5}, {0.4, 1}})), pdoom::Error);
  CHECK_THROWS_AS(pdoom::GaussianCopula(symmetric({{1, 1.5}, {1.5, 1}})), pdoom::Error);
  CHECK_THROWS_AS(pdoom::GaussianCopula(symmetric({{0.9, 0.5}, {0.5, 1}})), pdoom::Error);
  CHECK_THROWS_AS(pdoom::GaussianCopula(symmetric({{1, NAN}, {NAN, 1}})), pdoom::Error);
  const pdoom::GaussianCopula copula(Eigen::MatrixXd::Identity(2, 2));
  Eigen::MatrixXd wrong(4, 3);
  CHECK_THROWS_AS(copula.apply(wrong), pdoom::Error);
}

TEST_CASE("copula achieves positive definite targets without repair", "[random]") {
  const Eigen::MatrixXd target = symmetric({{1, 0.6, -0.3}, {0.6, 1, 0.2}, {-0.3, 0.2, 1}});
  const pdoom::GaussianCopula copula(target);
  CHECK_FALSE(copula.repaired());
  CHECK(copula.max_change() < 1e-12);
  CHECK((copula.cholesky_factor() * copula.cholesky_factor().transpose() - copula.normal_correlation())
            .cwiseAbs()
            .maxCoeff() < 1e-12);
  const Eigen::Index n = 20000;
  Eigen::MatrixXd block = uniforms(n, 3, 1);
  copula.apply(block);
  REQUIRE(((block.array() > 0.0) && (block.array() < 1.0)).all());
  for (Eigen::Index a = 0; a < 3; ++a) {
    // Marginals stay uniform: mean 1/2 within 5 standard errors sqrt(1/12/n).
    CHECK(std::fabs(block.col(a).mean() - 0.5) < 5.0 * std::sqrt(1.0 / 12.0 / static_cast<double>(n)));
    for (Eigen::Index b = a + 1; b < 3; ++b) {
      const double rho = target(a, b);
      CHECK(std::fabs(achieved_spearman(block, a, b) - rho) <
            5.0 * spearman_standard_error(rho, static_cast<double>(n)));
    }
  }
}

TEST_CASE("copula on separate columns matches the block form", "[random]") {
  const pdoom::GaussianCopula copula(symmetric({{1, 0.8}, {0.8, 1}}));
  Eigen::MatrixXd block = uniforms(1000, 2, 2);
  std::vector<double> first(block.col(0).data(), block.col(0).data() + 1000);
  std::vector<double> second(block.col(1).data(), block.col(1).data() + 1000);
  copula.apply(block);
  const std::vector<std::span<double>> columns = {first, second};
  copula.apply(columns);
  for (Eigen::Index i = 0; i < 1000; ++i) {
    CHECK(first[static_cast<std::size_t>(i)] == block(i, 0));
    CHECK(second[static_cast<std::size_t>(i)] == block(i, 1));
  }
  std::vector<double> short_column(999);
  const std::vector<std::span<double>> uneven = {first, short_column};
  CHECK_THROWS_AS(copula.apply(uneven), pdoom::Error);
}

TEST_CASE("copula repairs an inconsistent target to the nearest correlation matrix", "[random]") {
  // All three pairs at Spearman -0.9 is impossible. For equal off-diagonals c the nearest correlation
  // matrix keeps them equal and moves them to the boundary c = -1/(d-1) = -1/2 (smallest eigenvalue 1 + 2c
  // = 0), up to the eigenvalue floor of 1e-8.
  const Eigen::MatrixXd target = symmetric({{1, -0.9, -0.9}, {-0.9, 1, -0.9}, {-0.9, -0.9, 1}});
  const pdoom::GaussianCopula copula(target);
  CHECK(copula.repaired());
  const Eigen::MatrixXd& normal = copula.normal_correlation();
  for (Eigen::Index i = 0; i < 3; ++i) {
    CHECK(normal(i, i) == 1.0);
    for (Eigen::Index j = 0; j < 3; ++j) {
      if (i != j) CHECK(normal(i, j) == Approx(-0.5).margin(1e-6));
    }
  }
  const double implemented = pdoom::spearman_from_normal(-0.5);
  CHECK(copula.implemented_spearman()(0, 1) == Approx(implemented).margin(1e-6));
  CHECK(copula.max_change() == Approx(implemented + 0.9).margin(1e-6));
  CHECK(Eigen::LLT<Eigen::MatrixXd>(normal).info() == Eigen::Success);
}

TEST_CASE("repair is at least as close as eigenvalue clipping", "[random]") {
  const Eigen::MatrixXd target =
      symmetric({{1, 0.9, 0.9, -0.2}, {0.9, 1, -0.6, 0.3}, {0.9, -0.6, 1, 0.5}, {-0.2, 0.3, 0.5, 1}});
  const pdoom::GaussianCopula copula(target);
  REQUIRE(copula.repaired());
  const Eigen::MatrixXd converted = target.unaryExpr([](double rho) { return pdoom::normal_from_spearman(rho); });
  // A feasible competitor: clip eigenvalues at 1e-8, rescale to unit diagonal.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(converted);
  const Eigen::MatrixXd clipped = solver.eigenvectors() * solver.eigenvalues().cwiseMax(1e-8).asDiagonal() *
                                  solver.eigenvectors().transpose();
  const Eigen::VectorXd scale = clipped.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd competitor = scale.asDiagonal() * clipped * scale.asDiagonal();
  const double distance = (copula.normal_correlation() - converted).norm();
  CHECK(distance <= (competitor - converted).norm() + 1e-9);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> repaired(copula.normal_correlation());
  CHECK(repaired.eigenvalues().minCoeff() > 0.0);
  CHECK(copula.max_change() ==
        Approx((copula.implemented_spearman() - target).cwiseAbs().maxCoeff()).epsilon(1e-12));
  // The repaired correlations are still achieved.
  const Eigen::Index n = 20000;
  Eigen::MatrixXd block = uniforms(n, 4, 3);
  copula.apply(block);
  for (Eigen::Index a = 0; a < 4; ++a) {
    for (Eigen::Index b = a + 1; b < 4; ++b) {
      const double rho = copula.implemented_spearman()(a, b);
      CHECK(std::fabs(achieved_spearman(block, a, b) - rho) <
            5.0 * spearman_standard_error(rho, static_cast<double>(n)));
    }
  }
}
