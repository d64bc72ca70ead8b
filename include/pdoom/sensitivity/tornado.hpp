#pragma once
// Tornado (one-at-a-time swing) analysis: how far the output's mean moves when one input is held at a
// low and at a high quantile while every other input stays uncertain.

#include "pdoom/model/model.hpp"
#include "pdoom/sensitivity/options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pdoom {

/// One input's bar of a tornado diagram.
struct TornadoEntry {
  std::string input;
  /// Mean of the output with the input's uniform held at low_quantile (others drawn as usual).
  double low = 0;
  /// Mean of the output with the input's uniform held at high_quantile.
  double high = 0;
  /// high - low.
  double swing = 0;
  /// Standard error of the swing from the spread of the per-sample differences (iid formula, so
  /// conservative under the Sobol design). Zero when the output is additive in this input.
  double swing_stderr = 0;
  /// The input's value at the low / high quantile when its distribution has constant parameters;
  /// unset for an input whose distribution depends on other nodes (its quantile then varies by sample).
  std::optional<double> low_value;
  std::optional<double> high_value;
};

/// A tornado analysis of one output.
struct TornadoResult {
  std::string output;
  std::uint64_t samples = 0;
  double low_quantile = 0.05;
  double high_quantile = 0.95;
  /// Mean of the output with nothing held fixed.
  double baseline = 0;
  double baseline_stderr = 0;
  /// Inputs the output depends on, by decreasing |swing| (ties keep model order).
  std::vector<TornadoEntry> inputs;
};

/// The tornado analysis of `options.output`: for each input the output's mean with that input's uniform
/// held at options.low_quantile and at options.high_quantile while all other inputs keep their design
/// uniforms (common random numbers, so the swing carries no noise from the other inputs' draws beyond
/// their interaction with this one). Inputs with correlations keep their copula-correlated uniforms;
/// the held input is not conditioned on. (2D + 1) * samples evaluations.
/// @throws Error for invalid options (samples 0, quantiles not inside (0, 1) or low >= high),
/// ModelError for an invalid model or an unknown output/scenario, NumericalError from evaluation.
[[nodiscard]] TornadoResult tornado_analysis(const Model& model, const SensitivityOptions& options = {});

}  // namespace pdoom
