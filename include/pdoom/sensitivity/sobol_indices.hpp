#pragma once
// Variance-based (Sobol) sensitivity indices: first-order (Saltelli et al. 2010) and total-order
// (Jansen 1999) indices from the A, B, A_B^i design, with bootstrap confidence intervals.

#include "pdoom/model/model.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/sensitivity/options.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pdoom {

/// A point estimate with a percentile bootstrap interval (low = high = value without resamples).
struct Estimate {
  double value = 0;
  double low = 0;
  double high = 0;
  /// Half the interval's width: the "±" of a table.
  [[nodiscard]] double half_width() const noexcept { return (high - low) / 2; }
};

/// The Sobol indices of one input or one group of inputs.
struct SobolIndex {
  std::string name;                 ///< the input's name, or the group's
  std::vector<std::string> inputs;  ///< the inputs swapped together (one for a single input)
  /// First-order (closed, for a group) index: the share of the output's variance explained by these
  /// inputs alone, Var(E[Y | X_g]) / Var(Y).
  Estimate first_order;
  /// Total index: the share of variance that involves these inputs, E[Var(Y | X_~g)] / Var(Y).
  Estimate total;
};

/// Sobol indices of one output.
struct SobolResult {
  std::string output;
  Design design = Design::sobol;
  std::uint64_t base_samples = 0;    ///< N
  std::uint64_t evaluations = 0;     ///< N * (D + 2 + groups)
  double mean = 0;                   ///< of the pooled f(A), f(B)
  double variance = 0;               ///< of the pooled f(A), f(B); indices are 0 when it is 0
  /// Inputs the output depends on, by decreasing total index (ties keep model order).
  std::vector<SobolIndex> inputs;
  /// Groups, in the order: options.groups, then the model's groups by first appearance.
  std::vector<SobolIndex> groups;
  /// Sum of the inputs' first-order indices; 1 - sum is the share of variance due to interactions.
  Estimate sum_first_order;
  std::size_t bootstrap_resamples = 0;
  double confidence_level = 0.95;
  std::uint64_t bootstrap_unit_rows = 1;  ///< rows resampled together (1 unless N > max_bootstrap_units)
};

/// First-order and total Sobol indices of `options.output` for every input it depends on and for the
/// groups. A and B are the two halves of a 2D-dimensional design (randomised Sobol by default); A_B^i is
/// A with input i's uniforms taken from B. Estimators, on outputs centred by the mean of f(A) and f(B):
/// S_i = mean(f(B) (f(A_B^i) - f(A))) / V and ST_i = mean((f(A) - f(A_B^i))^2) / (2 V), V the variance of
/// the pooled f(A), f(B). Intervals: percentile bootstrap over rows (all of a row's values together),
/// streams keyed by (seed, resample). An input whose distribution depends on other nodes is attributed
/// through its own uniform: its parents' indices include what they do through it.
/// @throws Error when the model declares rank correlations between inputs the output depends on (Sobol
/// indices assume independent inputs), for invalid options or an unknown group member; ModelError for an
/// invalid model or an unknown output/scenario; NumericalError from evaluation.
[[nodiscard]] SobolResult sobol_analysis(const Model& model, const SensitivityOptions& options = {});

}  // namespace pdoom
