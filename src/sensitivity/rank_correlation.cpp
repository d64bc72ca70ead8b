// Rank correlation sensitivity: one run, input values and output kept, Spearman and PRCC per input.

#include "pdoom/sensitivity/rank_correlation.hpp"

#include "methods.hpp"
#include "pdoom/error.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/stats/rank.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace pdoom {
namespace sensitivity_detail {
namespace {

struct Scratch {
  std::vector<double> uniforms;
  std::vector<const double*> pointers;
  Block block;
  EvaluationWorkspace workspace;
};

bool is_constant(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [&](double x) { return x == values.front(); });
}

// A correlation with a constant variable is undefined; as a sensitivity measure it is 0: the
// output cannot move with an input that never moves.
double defined_or_zero(double correlation) { return std::isfinite(correlation) ? correlation : 0.0; }

}  // namespace

RankResult rank_prepared(const PreparedModel& prepared, const SensitivityOptions& options) {
  const std::size_t inputs = prepared.inputs.size();
  check_common_options(options, std::max<std::uint64_t>(3, inputs + 2));
  const CompiledModel& compiled = prepared.compiled;
  const std::uint64_t samples = options.samples;
  const std::uint64_t block_size = options.block_size;
  const std::uint64_t blocks = block_count(samples, block_size);
  const unsigned threads = resolve_thread_count(options.threads);
  const UniformLayout layout(options.design, options.seed, prepared.inputs, samples);

  // Column-major: inputs' values, then the output. Blocks write disjoint rows, so no ordering is needed.
  const auto rows = static_cast<std::size_t>(samples);
  std::vector<double> values((inputs + 1) * rows);
  std::vector<Scratch> scratch(threads);
  BlockLoopTasks tasks;
  tasks.process = [&](std::uint64_t block, std::size_t, std::size_t worker) {
    Scratch& s = scratch[worker];
    const std::uint64_t first = block * block_size;
    const auto n = static_cast<std::size_t>(std::min(block_size, samples - first));
    s.uniforms.resize(inputs * n);
    layout.fill(block, first, s.uniforms);
    correlate(prepared, s.uniforms, n);
    s.pointers.resize(inputs);
    for (std::size_t i = 0; i < inputs; ++i) s.pointers[i] = s.uniforms.data() + i * n;
    compiled.evaluate(s.pointers, n, s.block, s.workspace, first);
    for (std::size_t i = 0; i <= inputs; ++i) {
      const std::size_t column = i < inputs ? compiled.inputs()[i] : prepared.output_column;
      const auto source = s.block.column(column);
      std::copy(source.begin(), source.end(), values.begin() + static_cast<std::ptrdiff_t>(i * rows + first));
    }
  };
  tasks.commit = [](std::uint64_t, std::size_t) {};
  for_each_block_ordered(blocks, threads, static_cast<std::size_t>(std::min<std::uint64_t>(blocks, 1u << 20)),
                         tasks);

  const auto column = [&](std::size_t i) { return std::span<const double>(values.data() + i * rows, rows); };
  RankResult result;
  result.output = prepared.output;
  result.samples = samples;
  const bool constant_output = is_constant(column(inputs));
  // PRCC conditions on the inputs that vary; constant ones (point distributions) get 0.
  std::vector<std::size_t> varying_index;
  for (std::size_t i = 0; i < inputs; ++i) {
    if (!is_constant(column(i))) varying_index.push_back(i);
  }
  // Each column is replaced by its average ranks once, in parallel (one sort per column); Spearman is
  // then the Pearson correlation of ranks and PRCC the partial correlation of ranks (stats/rank.hpp).
  std::vector<std::size_t> to_rank = varying_index;
  if (!constant_output) to_rank.push_back(inputs);
  BlockLoopTasks ranking;
  ranking.process = [&](std::uint64_t job, std::size_t, std::size_t) {
    const std::size_t i = to_rank[static_cast<std::size_t>(job)];
    const std::vector<double> ranked = ranks(column(i));
    std::copy(ranked.begin(), ranked.end(), values.begin() + static_cast<std::ptrdiff_t>(i * rows));
  };
  ranking.commit = [](std::uint64_t, std::size_t) {};
  if (!to_rank.empty()) for_each_block_ordered(to_rank.size(), threads, to_rank.size(), ranking);
  const std::span<const double> output_ranks = column(inputs);

  std::vector<double> rank_correlation(inputs, 0.0);
  bool determined = false;  // the output's ranks are those of one input (or their reverse)
  if (!constant_output) {
    for (const std::size_t i : varying_index) {
      rank_correlation[i] = defined_or_zero(pearson(column(i), output_ranks));
      determined = determined || std::abs(rank_correlation[i]) >= 1.0 - 1e-12;
    }
  }
  std::vector<double> prcc(inputs, 0.0);
  if (determined || varying_index.size() == 1) {
    // Given an input whose ranks fix the output's, nothing is left for the others to explain (their
    // partial correlation is 0), and its own is its Spearman correlation, +-1. With one varying input
    // there is nothing to condition on. Both would make the rank correlation matrix singular.
    for (const std::size_t i : varying_index) {
      if (varying_index.size() == 1 || std::abs(rank_correlation[i]) >= 1.0 - 1e-12) prcc[i] = rank_correlation[i];
    }
  } else if (!constant_output && !varying_index.empty()) {
    std::vector<std::span<const double>> varying;
    for (const std::size_t i : varying_index) varying.push_back(column(i));
    const std::vector<double> partial = partial_correlations(varying, output_ranks);  // throws if collinear
    for (std::size_t j = 0; j < varying.size(); ++j) prcc[varying_index[j]] = defined_or_zero(partial[j]);
  }
  for (std::size_t i = 0; i < inputs; ++i) {
    result.inputs.push_back(RankEntry{prepared.inputs[i], rank_correlation[i], prcc[i]});
  }
  std::stable_sort(result.inputs.begin(), result.inputs.end(), [](const RankEntry& a, const RankEntry& b) {
    return std::abs(a.spearman) > std::abs(b.spearman);
  });
  return result;
}

}  // namespace sensitivity_detail

RankResult rank_analysis(const Model& model, const SensitivityOptions& options) {
  sensitivity_detail::check_common_options(options, 3);
  return sensitivity_detail::rank_prepared(sensitivity_detail::prepare_model(model, options), options);
}

}  // namespace pdoom
