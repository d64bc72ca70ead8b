// Rank-correlation matrices: assembly from a model, copula conversion, positive-definite repair.

#include "pdoom/model/correlation_matrix.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace pdoom {

RankCorrelationMatrix assemble_rank_correlations(const Model& model) {
  const auto& nodes = model.nodes();
  std::unordered_map<std::string_view, std::size_t> index_of;
  for (std::size_t i = 0; i < nodes.size(); ++i) index_of.emplace(nodes[i].name, i);

  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  auto input_index = [&](const Correlation& correlation, const std::string& name) {
    const auto found = index_of.find(name);
    if (found == index_of.end()) {
      throw ModelError(correlation.location, "correlation names unknown node '" + name + "'");
    }
    if (nodes[found->second].kind != NodeKind::input) {
      throw ModelError(correlation.location,
                       "correlation names '" + name + "', a derived node; only inputs can be correlated");
    }
    return found->second;
  };
  for (const Correlation& correlation : model.correlations) {
    const std::size_t first = input_index(correlation, correlation.first);
    const std::size_t second = input_index(correlation, correlation.second);
    if (first == second) {
      throw ModelError(correlation.location, "node '" + correlation.first + "' is correlated with itself");
    }
    if (!(correlation.rank_correlation >= -1 && correlation.rank_correlation <= 1)) {
      throw ModelError(correlation.location, "rank correlation " + std::to_string(correlation.rank_correlation) +
                                                 " between '" + correlation.first + "' and '" +
                                                 correlation.second + "' is outside [-1, 1]");
    }
    const std::pair<std::size_t, std::size_t> pair{std::min(first, second), std::max(first, second)};
    if (std::find(pairs.begin(), pairs.end(), pair) != pairs.end()) {
      throw ModelError(correlation.location, "the correlation between '" + correlation.first + "' and '" +
                                                 correlation.second + "' is given twice");
    }
    pairs.emplace_back(pair);
  }

  RankCorrelationMatrix result;
  for (const auto& [first, second] : pairs) {
    result.nodes.push_back(first);
    result.nodes.push_back(second);
  }
  std::sort(result.nodes.begin(), result.nodes.end());
  result.nodes.erase(std::unique(result.nodes.begin(), result.nodes.end()), result.nodes.end());
  const auto position = [&](std::size_t node) {
    return static_cast<Eigen::Index>(std::lower_bound(result.nodes.begin(), result.nodes.end(), node) -
                                     result.nodes.begin());
  };
  const auto size = static_cast<Eigen::Index>(result.nodes.size());
  result.rank = Eigen::MatrixXd::Identity(size, size);
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const Eigen::Index row = position(pairs[k].first);
    const Eigen::Index column = position(pairs[k].second);
    result.rank(row, column) = result.rank(column, row) = model.correlations[k].rank_correlation;
  }
  return result;
}

double copula_correlation(double rank) noexcept { return 2 * std::sin(std::numbers::pi * rank / 6); }

double rank_correlation_of_copula(double rho) noexcept {
  return 6 / std::numbers::pi * std::asin(std::clamp(rho / 2, -1.0, 1.0));
}

bool is_positive_definite(const Eigen::MatrixXd& symmetric, double floor) {
  if (symmetric.rows() == 0) return true;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff() >= floor;
}

CorrelationRepair nearest_positive_definite(const Eigen::MatrixXd& correlation, double floor) {
  if (correlation.rows() != correlation.cols()) {
    throw std::invalid_argument("nearest_positive_definite: the matrix is not square");
  }
  CorrelationRepair result;
  result.matrix = correlation;
  if (correlation.rows() == 0) return result;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(correlation);
  if (solver.eigenvalues().minCoeff() >= floor) return result;

  // Clip the spectrum, then restore the unit diagonal by D^-1/2 B D^-1/2: a congruence with a
  // positive diagonal matrix, so the result is still positive definite.
  const Eigen::VectorXd clipped = solver.eigenvalues().cwiseMax(floor);
  const Eigen::MatrixXd raised =
      solver.eigenvectors() * clipped.asDiagonal() * solver.eigenvectors().transpose();
  const Eigen::VectorXd scale = raised.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd repaired = scale.asDiagonal() * raised * scale.asDiagonal();
  repaired = (repaired + repaired.transpose()) / 2;  // exact symmetry despite rounding
  repaired.diagonal().setOnes();

  result.matrix = std::move(repaired);
  result.repaired = true;
  for (Eigen::Index row = 0; row < correlation.rows(); ++row) {
    for (Eigen::Index column = row + 1; column < correlation.cols(); ++column) {
      const double change = std::abs(result.matrix(row, column) - correlation(row, column));
      if (change > result.max_change) {
        result.max_change = change;
        result.row = static_cast<std::size_t>(row);
        result.column = static_cast<std::size_t>(column);
      }
    }
  }
  return result;
}

CopulaCorrelationMatrix copula_correlations(const Model& model, CorrelationRepair* repair) {
  const RankCorrelationMatrix ranks = assemble_rank_correlations(model);
  Eigen::MatrixXd converted = ranks.rank.unaryExpr([](double rank) { return copula_correlation(rank); });
  converted.diagonal().setOnes();  // 2 sin(pi / 6) rounds just below 1
  CorrelationRepair fixed = nearest_positive_definite(converted);
  if (repair != nullptr) {
    // Report the change where the user wrote numbers: on the rank-correlation scale.
    *repair = fixed;
    repair->max_change = 0;
    for (Eigen::Index row = 0; row < ranks.rank.rows(); ++row) {
      for (Eigen::Index column = row + 1; column < ranks.rank.cols(); ++column) {
        const double change =
            std::abs(rank_correlation_of_copula(fixed.matrix(row, column)) - ranks.rank(row, column));
        if (change > repair->max_change) {
          repair->max_change = change;
          repair->row = static_cast<std::size_t>(row);
          repair->column = static_cast<std::size_t>(column);
        }
      }
    }
  }
  return CopulaCorrelationMatrix{ranks.nodes, std::move(fixed.matrix)};
}

}  // namespace pdoom
