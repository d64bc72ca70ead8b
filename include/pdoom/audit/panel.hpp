#pragma once
// Panels of forecasters: several people's values for the premises of one model structure. Each
// forecaster's p-doom, the usual aggregates (of the outputs, and of the premises then combined: they
// differ), and which premises explain the disagreement.

#include "pdoom/expr/expression.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/random/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pdoom {

/// One forecaster: a name and the distributions (a number is point(x)) that replace nodes of the structure.
struct Forecaster {
  std::string name;
  std::vector<std::pair<std::string, DistributionCall>> values;  ///< node -> distribution, in written order
  SourceLocation location;
};

/// A model structure and the forecasters who fill it in.
struct Panel {
  std::string name;
  std::string description;
  Model model;
  std::string output;  ///< the node compared; empty: the model's first output
  std::vector<Forecaster> forecasters;
  SourceLocation location;
};

/// Settings of a panel evaluation.
struct PanelOptions {
  std::string output;  ///< overrides Panel::output when not empty
  std::uint64_t samples = 20000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;  ///< 0 means every core
  /// Exact Shapley decomposition of the disagreement for up to this many premises, else sampled.
  std::size_t exact_limit = 12;
  std::size_t permutations = 256;
};

/// One forecaster's results.
struct ForecasterResult {
  std::string name;
  double mean = 0;    ///< the output's mean under this forecaster's values
  double standard_error = 0;  ///< its Monte Carlo standard error
  std::vector<double> premises;  ///< the mean of each premise (PanelResult::premises order)
};

/// One way of pooling the forecasters.
struct Aggregate {
  std::string name;           ///< "mean", "median", "geometric_mean_of_odds"
  double of_outputs = 0;      ///< the aggregate of the forecasters' outputs
  double of_premises = 0;     ///< the output's mean with every premise at its aggregate
  std::vector<double> premises;  ///< the aggregated premises
};

/// The share of the disagreement due to one premise.
struct PremiseShare {
  std::string node;
  double share = 0;     ///< Shapley share of the variance (on `scale`) across forecasters
  double fraction = 0;  ///< share / total
  double standard_error = 0;  ///< permutation-sampling standard error (0 when exact)
};

/// The result of evaluate_panel().
struct PanelResult {
  std::string panel;
  std::string model;
  std::string output;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> premises;  ///< nodes some forecaster sets, in model order
  std::vector<ForecasterResult> forecasters;
  std::vector<Aggregate> aggregates;  ///< mean, median, geometric_mean_of_odds
  /// "log-odds" (a probability output), "log" (a positive one) or "value": the scale of the disagreement.
  std::string scale;
  double disagreement = 0;  ///< variance across forecasters of the output's point value on that scale
  std::vector<PremiseShare> shares;  ///< by decreasing share; they add up to `disagreement`
  bool exact = true;
  std::vector<std::string> notes;
};

/// The arithmetic mean. @throws Error if values is empty.
[[nodiscard]] double aggregate_mean(std::span<const double> values);
/// The median (the mean of the two middle values for an even count). @throws Error if values is empty.
[[nodiscard]] double aggregate_median(std::span<const double> values);
/// The probability whose odds are the geometric mean of the odds: logistic(mean of logit p); a 0 (or 1)
/// among the values gives 0 (or 1), both give NaN. @throws Error if values is empty or one is outside [0, 1].
[[nodiscard]] double aggregate_geometric_mean_of_odds(std::span<const double> values);

/// The structure with one forecaster's values applied (each named node becomes an input with that
/// distribution, keeping its metadata). @throws ModelError naming an unknown node (with a suggestion).
[[nodiscard]] Model forecaster_model(const Model& structure, const Forecaster& forecaster);

/// Runs every forecaster on common random numbers, aggregates, and decomposes the disagreement:
/// v(S) = the variance across forecasters of the output's point value on `scale` when the premises of S
/// take each forecaster's own mean and the others a consensus (the geometric mean of odds for a
/// probability premise, the arithmetic mean otherwise); exact Shapley shares of v over the premises on
/// which forecasters differ. @throws ModelError for an invalid structure, an unknown node or output;
/// Error for a panel without forecasters; NumericalError from evaluation.
[[nodiscard]] PanelResult evaluate_panel(const Panel& panel, const PanelOptions& options = {});

}  // namespace pdoom
