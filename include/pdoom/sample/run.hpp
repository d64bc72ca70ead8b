#pragma once
// Running a model: block-parallel, deterministic Monte Carlo (or Latin hypercube, or randomised Sobol
// QMC) with per-node summaries, exceedance probabilities, the point estimate at the inputs' medians,
// achieved rank correlations, and optionally every sample.
//
// Determinism: results depend on (model, scenario, samples, seed, design, block_size, memory budget)
// and never on `threads` or the scheduling: each block's uniforms come from streams keyed by
// (seed, input name, block index), and every floating-point reduction runs in block order. The block
// size is therefore part of the random stream's identity, like the seed: changing it changes the draws.

#include "pdoom/random/design.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/stats/summary.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// How to run a model.
struct RunOptions {
  /// Number of samples, at least 1.
  std::uint64_t samples = 100000;
  std::uint64_t seed = default_seed;
  /// Worker threads; 0 means one per hardware thread. Does not change any result.
  unsigned threads = 0;
  Design design = Design::mc;
  /// A scenario of the model applied before running; empty means the base model.
  std::string scenario;
  /// Samples per block, at least 1. Part of the streams' identity (see the header comment).
  std::size_t block_size = 4096;
  /// Summaries are exact (every sample kept until the end) when samples * nodes * 8 bytes fit in this
  /// budget; otherwise they stream in bounded memory with sketched quantiles (documented bound).
  std::size_t memory_budget_bytes = std::size_t{256} << 20;
  /// Keep the samples (RunResult::values): the first max_kept_samples of them, whatever the budget.
  /// When that is every sample, summaries are exact; otherwise they follow the budget as above.
  bool keep_samples = false;
  /// With keep_samples, how many samples (the first ones) to keep; the default keeps all of them
  /// (samples * nodes * 8 bytes). A report's histograms need far fewer than a 10^9-sample run makes.
  std::uint64_t max_kept_samples = UINT64_MAX;
  /// Thresholds t for P(node > t), reported for every node.
  std::vector<double> thresholds = {0.01, 0.1, 0.5};
  /// Called after each block is merged, with the samples done so far and the total; serially, from
  /// whichever worker thread merged the block (keep it cheap and thread-agnostic). May be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Polled after each block is merged (serially, like progress); returning true stops the run: blocks
  /// already started are finished, and the result covers the samples of the completed blocks (a prefix
  /// of the run) with RunResult::partial set. May be empty.
  std::function<bool()> cancelled;
};

/// Target and achieved Spearman rank correlation of one correlated pair of inputs.
struct AchievedCorrelation {
  std::string first;
  std::string second;
  double target = 0;       ///< as the model states it
  double implemented = 0;  ///< what the copula implements (differs from target only after a repair)
  /// Exact summaries: Spearman's rank correlation of the sampled values. Streaming: the Pearson
  /// correlation of the two inputs' uniforms after the copula (their exact CDF values), which
  /// estimates the same Spearman rho without sorting.
  double achieved = 0;
};

/// The outcome of a run.
struct RunResult {
  std::string model;     ///< the model's name
  std::string scenario;  ///< empty for the base model
  Design design = Design::mc;
  std::uint64_t seed = default_seed;
  std::uint64_t samples_requested = 0;
  std::uint64_t samples = 0;     ///< samples summarised (less than requested only when partial)
  std::size_t block_size = 0;
  bool partial = false;          ///< cancelled: the summaries cover the first `samples` samples only
  bool exact = true;             ///< exact summaries; false: streaming, quantiles within the bound below
  double quantile_relative_error = 0;  ///< 0 when exact; else the sketch's relative bound (quantile_sketch.hpp)

  std::vector<std::string> node_names;  ///< every node, in model order (the columns below)
  std::vector<std::size_t> inputs;      ///< columns of the input nodes
  std::vector<std::size_t> outputs;     ///< columns of the outputs, in the model's output order
  std::vector<bool> probability;        ///< per node: its unit is "probability"
  std::vector<Summary> summaries;       ///< per node
  std::vector<double> thresholds;       ///< as in the options
  std::vector<std::vector<double>> exceedance;  ///< exceedance[node][i] = P(node > thresholds[i])
  std::vector<double> at_medians;       ///< per node: its value with every input at its median
  std::vector<AchievedCorrelation> correlations;  ///< one per correlated pair of the model
  bool correlations_repaired = false;   ///< the targets were not jointly feasible and were repaired
  /// When kept: min(samples, max_kept_samples) x nodes, column j holding node j (node_names order),
  /// row i sample i.
  std::optional<Eigen::ArrayXXd> values;

  /// The column of the node called `name`, if any.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const noexcept;
  /// The summary of the node called `name`.  @throws Error if there is no such node.
  [[nodiscard]] const Summary& summary(std::string_view name) const;
};

/// Checks the options.  @throws Error naming the option when samples or block_size is 0, a threshold
/// is not finite, or samples * block arithmetic would overflow.
void validate_run_options(const RunOptions& options);

/// Runs the model (with options.scenario applied).
/// @throws Error for invalid options; ModelError for an invalid model or unknown scenario;
/// NumericalError for a NaN/inf or an out-of-range probability (node, sample, input values).
[[nodiscard]] RunResult run(const Model& model, const RunOptions& options = {});

/// Runs a compiled model (its scenario, CompiledModel::scenario(), is already applied; options.scenario
/// must be empty or name that same scenario).  @throws as run(Model), and Error on a scenario mismatch.
[[nodiscard]] RunResult run(const CompiledModel& model, const RunOptions& options = {});

/// Runs the base model and then every scenario of the model, in declaration order, on the same random
/// numbers (streams are keyed by node name), so that differences between them are exact rather than
/// noise. options.scenario is ignored.  @throws as run().
[[nodiscard]] std::vector<RunResult> run_scenarios(const Model& model, const RunOptions& options = {});

}  // namespace pdoom
