#pragma once
// Gaussian copula on the inputs' uniforms: imposes target Spearman rank correlations while leaving
// every input's marginal distribution untouched (the uniforms stay uniform).

#include <Eigen/Core>

#include <cstddef>
#include <span>

namespace pdoom {

/// The normal correlation whose Gaussian copula has Spearman correlation rho: 2 sin(pi rho / 6).
[[nodiscard]] double normal_from_spearman(double rho) noexcept;

/// The Spearman correlation of a Gaussian copula with normal correlation r: (6 / pi) asin(r / 2).
[[nodiscard]] double spearman_from_normal(double r) noexcept;

/// A Gaussian copula built from a matrix of target Spearman correlations. The targets are converted
/// entrywise to normal correlations; when that matrix is not positive definite (smallest eigenvalue
/// below 1e-8) it is repaired to the nearest correlation matrix with eigenvalues >= 1e-8 in the
/// Frobenius norm, by Higham's (2002) alternating projections with Dykstra's correction, then rescaled
/// to an exact unit diagonal. The Cholesky factor (Eigen LLT) of the result drives `apply`.
class GaussianCopula {
 public:
  /// Validates and factorises the targets.  @throws Error if the matrix is empty or not square, has a
  /// non-finite entry, is not symmetric (to 1e-12), has a diagonal entry other than 1, or an off-diagonal
  /// entry outside [-1, 1].
  explicit GaussianCopula(const Eigen::MatrixXd& spearman);

  /// The number of correlated inputs (columns `apply` expects).
  [[nodiscard]] std::size_t dimension() const noexcept { return static_cast<std::size_t>(requested_.rows()); }

  /// Whether the converted targets had to be repaired to be positive definite.
  [[nodiscard]] bool repaired() const noexcept { return repaired_; }

  /// The largest |implemented - requested| Spearman correlation over all pairs (0 when not repaired,
  /// up to rounding).
  [[nodiscard]] double max_change() const noexcept { return max_change_; }

  /// The Spearman correlations as given.
  [[nodiscard]] const Eigen::MatrixXd& requested_spearman() const noexcept { return requested_; }

  /// The Spearman correlations the copula implements: the requested ones unless repaired.
  [[nodiscard]] const Eigen::MatrixXd& implemented_spearman() const noexcept { return implemented_; }

  /// The normal correlation matrix used (positive definite, unit diagonal).
  [[nodiscard]] const Eigen::MatrixXd& normal_correlation() const noexcept { return normal_; }

  /// Its lower Cholesky factor L (normal_correlation() = L L^T).
  [[nodiscard]] const Eigen::MatrixXd& cholesky_factor() const noexcept { return cholesky_; }

  /// Correlates a block in place: `block` is n x dimension(), column d the independent uniforms in
  /// (0,1) of input d; each row u becomes Phi(L Phi^{-1}(u)), clamped to [2^-53, 1 - 2^-53].
  /// @throws Error if the block does not have dimension() columns.
  void apply(Eigen::Ref<Eigen::MatrixXd> block) const;

  /// The same on columns stored apart (all of one length), in place.
  /// @throws Error if there are not dimension() columns or their lengths differ.
  void apply(std::span<const std::span<double>> columns) const;

 private:
  Eigen::MatrixXd requested_;
  Eigen::MatrixXd implemented_;
  Eigen::MatrixXd normal_;
  Eigen::MatrixXd cholesky_;
  bool repaired_ = false;
  double max_change_ = 0.0;
};

}  // namespace pdoom
