#pragma once
// Rank statistics: ranks with ties, Pearson and Spearman correlation, partial (rank) correlations.

#include <span>
#include <vector>

namespace pdoom {

/// 1-based ranks of the values, ties given the average of the ranks they span.
/// @throws Error if a value is NaN.
[[nodiscard]] std::vector<double> ranks(std::span<const double> values);

/// Pearson's correlation of x and y (two-pass); NaN when either has zero variance.
/// @throws Error if the lengths differ or are below 2.
[[nodiscard]] double pearson(std::span<const double> x, std::span<const double> y);

/// Spearman's rank correlation: Pearson's correlation of the average ranks.
/// @throws Error if the lengths differ or are below 2, or a value is NaN.
[[nodiscard]] double spearman(std::span<const double> x, std::span<const double> y);

/// Partial correlation of each input with the output given all other inputs: the correlation of the
/// residuals of least-squares regressions (with intercept) of the input and of the output on the other
/// inputs. Computed equivalently from the inverse P of the correlation matrix of [inputs, output]:
/// -P_iy / sqrt(P_ii P_yy). An input with zero variance gets NaN and is left out of the conditioning;
/// all are NaN when the output has zero variance. Memory: about 2 (inputs + 1) n doubles.
/// @throws Error if there are no inputs, lengths differ, a value is NaN, n <= inputs + 1, or the inputs
///         are collinear.
[[nodiscard]] std::vector<double> partial_correlations(const std::vector<std::span<const double>>& inputs,
                                                       std::span<const double> output);

/// Partial rank correlation coefficients (PRCC): partial_correlations of the average ranks.
/// @throws as partial_correlations(), and Error if a value is NaN.
[[nodiscard]] std::vector<double> partial_rank_correlations(const std::vector<std::span<const double>>& inputs,
                                                            std::span<const double> output);

}  // namespace pdoom
