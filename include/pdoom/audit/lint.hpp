#pragma once
// Lints: warnings about a valid model that a careful reviewer would raise (unsourced inputs,
// overconfidence, long conjunctive chains, a bottom line the model contradicts, point values,
// dead nodes, inputs that do not matter). docs/auditing.md states each rule.

#include "pdoom/model/model.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/random/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Thresholds and switches of the lints.
struct LintOptions {
  /// Overconfidence: a probability input is flagged when its central 90% interval is narrower than
  /// this on the probability scale ...
  double narrow_probability_width = 0.05;
  /// ... and also spans less than this factor in odds (both must hold).
  double narrow_odds_factor = 1.5;
  /// Conjunctive chains: at least this many probability factors in one product (or all()).
  std::size_t chain_length = 4;
  /// How far each premise of a chain is nudged toward 1, as a fraction of its distance to 1.
  double chain_nudge = 0.1;
  /// `claimed` is contradicted when the output's mean differs from it by more than this factor in odds,
  /// or when it lies outside the output's central 90% interval.
  double claimed_odds_factor = 1.5;
  /// Whether lints that need a Monte Carlo run (claimed) may run one.
  bool run_model = true;
  /// Samples of that run.
  std::uint64_t samples = 20000;
  std::uint64_t seed = default_seed;
  /// Worker threads for runs; 0 means every core.
  unsigned threads = 0;
  /// Whether to compute total Sobol indices to flag inputs that hardly matter (costs a sensitivity run;
  /// skipped when the model correlates inputs).
  bool sobol = false;
  /// An input whose total Sobol index is below this for every output is flagged.
  double negligible_total_index = 0.01;
  /// Base samples of the Sobol run.
  std::uint64_t sobol_samples = std::uint64_t{1} << 12;
};

/// The lint names, in the order lint() runs them: "unsourced", "overconfident", "conjunctive-chain",
/// "claimed", "point-value", "unused", "negligible".
[[nodiscard]] std::vector<std::string_view> lint_names();

/// Warnings (severity warning, with node and location) about a model. A model with validation errors
/// gets only the lints that need no evaluation. The message starts with the lint's name in brackets,
/// e.g. "[overconfident] ...". Never throws for a model that passes validate(); evaluation failures in
/// a lint's own run are reported as a warning of that lint rather than thrown.
[[nodiscard]] std::vector<Diagnostic> lint(const Model& model, const LintOptions& options = {});

}  // namespace pdoom
