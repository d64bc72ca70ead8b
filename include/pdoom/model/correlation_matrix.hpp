#pragma once
// The rank correlations of a model as a matrix, the Gaussian-copula correlations they imply, and the
// repair of a matrix that is not positive definite.

#include "pdoom/model/model.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace pdoom {

/// The correlated inputs of a model and their target Spearman rank correlations.
struct RankCorrelationMatrix {
  std::vector<std::size_t> nodes;  ///< indices into Model::nodes() of the inputs involved, ascending
  Eigen::MatrixXd rank;            ///< symmetric, unit diagonal; 0 for pairs the model does not correlate
};

/// Assembles the matrix from Model::correlations. @throws ModelError for a node that does not exist or is
/// not an input, a node correlated with itself, a value outside [-1, 1] or a pair given twice.
[[nodiscard]] RankCorrelationMatrix assemble_rank_correlations(const Model& model);

/// The correlation of a bivariate normal whose Spearman rank correlation is `rank`: 2 sin(pi rank / 6).
[[nodiscard]] double copula_correlation(double rank) noexcept;
/// The inverse: the Spearman rank correlation of a bivariate normal with correlation rho.
[[nodiscard]] double rank_correlation_of_copula(double rho) noexcept;

/// The result of making a correlation matrix positive definite.
struct CorrelationRepair {
  Eigen::MatrixXd matrix;       ///< positive definite, unit diagonal
  bool repaired = false;        ///< false when the input already was positive definite (then unchanged)
  double max_change = 0;        ///< the largest absolute change of an entry
  std::size_t row = 0;          ///< where that change is (row < column), positions in the matrix
  std::size_t column = 0;
};

/// Whether the symmetric matrix's smallest eigenvalue is at least `floor`.
[[nodiscard]] bool is_positive_definite(const Eigen::MatrixXd& symmetric, double floor = 1e-6);

/// A nearby positive-definite correlation matrix: eigenvalues below `floor` raised to it, then rescaled
/// to a unit diagonal (a congruence, so the result stays positive definite). Unchanged if already
/// positive definite. @throws std::invalid_argument if the matrix is not square.
[[nodiscard]] CorrelationRepair nearest_positive_definite(const Eigen::MatrixXd& correlation,
                                                          double floor = 1e-6);

/// The correlation matrix of the Gaussian copula that gives the model's rank correlations.
struct CopulaCorrelationMatrix {
  std::vector<std::size_t> nodes;  ///< as in RankCorrelationMatrix
  Eigen::MatrixXd correlation;     ///< positive definite, unit diagonal: ready for a Cholesky factor
};

/// The matrix the sampler uses: the rank correlations converted by copula_correlation, repaired if not
/// positive definite. `repair`, if given, receives what the repair did, with max_change measured on the
/// rank-correlation scale. @throws ModelError as assemble_rank_correlations.
[[nodiscard]] CopulaCorrelationMatrix copula_correlations(const Model& model,
                                                          CorrelationRepair* repair = nullptr);

}  // namespace pdoom
