#pragma once
// Options shared by the sensitivity methods: which output, how many samples, which design.

#include "pdoom/random/design.hpp"
#include "pdoom/random/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pdoom {

/// A named set of inputs whose Sobol indices are computed jointly (their uniforms swapped together).
struct InputGroup {
  std::string name;
  std::vector<std::string> inputs;  ///< input node names
};

/// Settings for tornado, rank and Sobol analyses. Results depend on (model, options) only, never on
/// the number of threads.
struct SensitivityOptions {
  /// The node analysed; empty means the model's first output.
  std::string output;
  /// A scenario applied before the analysis; empty means the base model.
  std::string scenario;
  /// Tornado and rank: samples per evaluation set. Sobol: base samples N (N * (D + 2) evaluations,
  /// plus N per group); a power of two keeps the Sobol design balanced.
  std::uint64_t samples = std::uint64_t{1} << 14;
  std::uint64_t seed = default_seed;
  /// Worker threads; 0 means every core.
  unsigned threads = 0;
  /// Rows evaluated at once. Sobol designs do not depend on it; mc and lhs streams are keyed by block.
  std::size_t block_size = 4096;
  /// How the inputs' uniforms are laid out (randomised Sobol QMC by default).
  Design design = Design::sobol;

  // ---- tornado ----
  /// The uniform at which an input is held for the "low" and the "high" bar, in (0, 1).
  double low_quantile = 0.05;
  double high_quantile = 0.95;

  // ---- Sobol indices ----
  /// Groups analysed jointly, in addition to those declared in the model when `model_groups` is set.
  /// A group given here replaces a model group of the same name.
  std::vector<InputGroup> groups;
  /// Whether the groups declared in the model (NodeInfo::groups of its inputs) are analysed too.
  bool model_groups = true;
  /// Bootstrap resamples for the confidence intervals (0: no intervals).
  std::size_t bootstrap_resamples = 100;
  /// Coverage of the percentile bootstrap intervals, in (0, 1).
  double confidence_level = 0.95;
  /// Rows are resampled one by one when N <= this; beyond it, in consecutive batches of a power-of-two
  /// number of rows, so that at most this many units are resampled (bounded cost for huge N).
  std::size_t max_bootstrap_units = std::size_t{1} << 14;
};

}  // namespace pdoom
