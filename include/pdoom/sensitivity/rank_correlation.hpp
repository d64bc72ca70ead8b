#pragma once
// Rank correlation sensitivity: Spearman and partial rank correlation (PRCC) of each input with an
// output, from one sampling run.

#include "pdoom/model/model.hpp"
#include "pdoom/sensitivity/options.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pdoom {

/// One input's rank correlations with the output.
struct RankEntry {
  std::string input;
  /// Spearman correlation of the input's values with the output (0 for a constant input).
  double spearman = 0;
  /// Partial rank correlation: of the input's and the output's ranks after removing the linear effect
  /// of every other input's ranks (0 for a constant input).
  double prcc = 0;
};

/// The rank correlation analysis of one output.
struct RankResult {
  std::string output;
  std::uint64_t samples = 0;
  /// Inputs the output depends on, by decreasing |spearman| (ties keep model order).
  std::vector<RankEntry> inputs;
};

/// Spearman and PRCC of every input the output depends on, from `options.samples` samples of the
/// model (with its correlations, if any). Uses the inputs' values; without correlations their ranks are
/// those of the driving uniforms. Memory: (inputs + 1) * samples doubles.
/// @throws Error for invalid options (fewer than 3 samples), ModelError for an invalid model or an
/// unknown output/scenario, NumericalError from evaluation.
[[nodiscard]] RankResult rank_analysis(const Model& model, const SensitivityOptions& options = {});

}  // namespace pdoom
