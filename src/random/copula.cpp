#include "pdoom/random/copula.hpp"

#include "pdoom/error.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace pdoom {
namespace {

constexpr double eigenvalue_floor = 1e-8;
constexpr double symmetry_tolerance = 1e-12;
constexpr double smallest_open = 0x1.0p-53;
constexpr double largest_open = 1.0 - 0x1.0p-53;

template <std::size_t N>
double polynomial(const double (&coefficients)[N], double x) noexcept {
  double result = coefficients[N - 1];
  for (std::size_t i = N - 1; i-- > 0;) result = result * x + coefficients[i];
  return result;
}

// Wichura's algorithm AS241 (PPND16): the standard normal quantile to about 1e-16 relative,
// without a special-function library in this translation unit.
double normal_quantile(double p) noexcept {
  static constexpr double a[] = {3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                 1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                 3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static constexpr double b[] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                                 5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                 2.8729085735721942674e+4, 5.2264952788528545610e+3};
  static constexpr double c[] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                                 3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                                 2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr double d[] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                                 6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                 5.47593808499534494600e-4, 1.05075007164441684324e-9};
  static constexpr double e[] = {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                                 2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                 2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double f[] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                                 1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                 1.42151175831644588870e-7, 2.04426310338993978564e-15};
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * polynomial(a, r) / polynomial(b, r);
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    z = polynomial(c, r) / polynomial(d, r);
  } else {
    r -= 5.0;
    z = polynomial(e, r) / polynomial(f, r);
  }
  return q < 0 ? -z : z;
}

// Phi(z) through erfc, accurate in relative terms in the lower tail.
double normal_cdf(double z) noexcept { return 0.5 * std::erfc(-z * std::numbers::sqrt2 / 2.0); }

double min_eigenvalue(const Eigen::MatrixXd& matrix) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff();
}

// Projection onto {symmetric matrices with eigenvalues >= eigenvalue_floor} in the Frobenius norm.
Eigen::MatrixXd project_eigenvalues(const Eigen::MatrixXd& matrix) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix);
  const Eigen::VectorXd clipped = solver.eigenvalues().cwiseMax(eigenvalue_floor);
  return solver.eigenvectors() * clipped.asDiagonal() * solver.eigenvectors().transpose();
}

// Higham (2002), "Computing the nearest correlation matrix", algorithm 3.3 with the positive
// semidefinite cone replaced by eigenvalues >= eigenvalue_floor (also convex), so that the result
// has a Cholesky factor. The final rescaling keeps it positive definite with an exact unit diagonal.
Eigen::MatrixXd nearest_correlation(const Eigen::MatrixXd& target) {
  const Eigen::Index size = target.rows();
  Eigen::MatrixXd y = target;
  Eigen::MatrixXd x = target;
  Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(size, size);
  for (int iteration = 0; iteration < 10000; ++iteration) {
    const Eigen::MatrixXd r = y - correction;
    x = project_eigenvalues(r);
    correction = x - r;
    const Eigen::MatrixXd previous = y;
    y = x;
    y.diagonal().setOnes();
    if ((y - previous).norm() <= 1e-13 * std::max(1.0, y.norm()) && (y - x).norm() <= 1e-10) break;
  }
  const Eigen::VectorXd scale = x.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd result = scale.asDiagonal() * x * scale.asDiagonal();
  result = 0.5 * (result + result.transpose());
  result.diagonal().setOnes();
  return result;
}

std::string entry_name(Eigen::Index i, Eigen::Index j) {
  return "(" + std::to_string(i) + ", " + std::to_string(j) + ")";
}

}  // namespace

double normal_from_spearman(double rho) noexcept {
  return 2.0 * std::sin(std::numbers::pi * rho / 6.0);
}

double spearman_from_normal(double r) noexcept {
  return 6.0 / std::numbers::pi * std::asin(r / 2.0);
}

GaussianCopula::GaussianCopula(const Eigen::MatrixXd& spearman) : requested_(spearman) {
  if (spearman.rows() == 0 || spearman.rows() != spearman.cols()) {
    throw Error("correlations: the Spearman matrix must be square and non-empty, got " +
                std::to_string(spearman.rows()) + " x " + std::to_string(spearman.cols()));
  }
  const Eigen::Index size = spearman.rows();
  for (Eigen::Index i = 0; i < size; ++i) {
    for (Eigen::Index j = 0; j < size; ++j) {
      const double value = spearman(i, j);
      if (!std::isfinite(value)) throw Error("correlations: entry " + entry_name(i, j) + " is not finite");
      if (i == j && value != 1.0) {
        throw Error("correlations: diagonal entry " + entry_name(i, j) + " is " + std::to_string(value) +
                    ", must be 1");
      }
      if (std::fabs(value) > 1.0) {
        throw Error("correlations: entry " + entry_name(i, j) + " is " + std::to_string(value) +
                    ", must lie in [-1, 1]");
      }
      if (std::fabs(value - spearman(j, i)) > symmetry_tolerance) {
        throw Error("correlations: the matrix is not symmetric at " + entry_name(i, j));
      }
    }
  }
  normal_ = spearman.unaryExpr([](double rho) { return normal_from_spearman(rho); });
  normal_ = 0.5 * (normal_ + normal_.transpose());
  normal_.diagonal().setOnes();
  repaired_ = min_eigenvalue(normal_) < eigenvalue_floor;
  if (repaired_) normal_ = nearest_correlation(normal_);
  const Eigen::LLT<Eigen::MatrixXd> factorisation(normal_);
  if (factorisation.info() != Eigen::Success) {
    throw Error("correlations: the repaired correlation matrix has no Cholesky factor");
  }
  cholesky_ = factorisation.matrixL();
  implemented_ = normal_.unaryExpr([](double r) { return spearman_from_normal(r); });
  implemented_.diagonal().setOnes();
  max_change_ = (implemented_ - requested_).cwiseAbs().maxCoeff();
}

void GaussianCopula::apply(Eigen::Ref<Eigen::MatrixXd> block) const {
  if (block.cols() != requested_.rows()) {
    throw Error("correlations: the block has " + std::to_string(block.cols()) + " columns, expected " +
                std::to_string(requested_.rows()));
  }
  block = block.unaryExpr([](double u) { return normal_quantile(u); });
  // Row-wise z' = L z is Z' = Z L^T for the whole block; L^T is upper triangular.
  block = block * cholesky_.transpose().triangularView<Eigen::Upper>();
  block = block.unaryExpr([](double z) { return std::clamp(normal_cdf(z), smallest_open, largest_open); });
}

void GaussianCopula::apply(std::span<const std::span<double>> columns) const {
  if (columns.size() != dimension()) {
    throw Error("correlations: got " + std::to_string(columns.size()) + " columns, expected " +
                std::to_string(dimension()));
  }
  const std::size_t n = columns.front().size();
  for (const auto& column : columns) {
    if (column.size() != n) throw Error("correlations: the columns differ in length");
  }
  Eigen::MatrixXd block(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t d = 0; d < columns.size(); ++d) {
    block.col(static_cast<Eigen::Index>(d)) = Eigen::Map<const Eigen::VectorXd>(columns[d].data(),
                                                                               static_cast<Eigen::Index>(n));
  }
  apply(block);
  for (std::size_t d = 0; d < columns.size(); ++d) {
    Eigen::Map<Eigen::VectorXd>(columns[d].data(), static_cast<Eigen::Index>(n)) =
        block.col(static_cast<Eigen::Index>(d));
  }
}

}  // namespace pdoom
