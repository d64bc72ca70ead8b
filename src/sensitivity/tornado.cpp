// Tornado analysis: every input held at a low and a high quantile in turn, on common random numbers.

#include "pdoom/sensitivity/tornado.hpp"

#include "methods.hpp"
#include "pdoom/error.hpp"
#include "pdoom/sample/block_loop.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace pdoom {
namespace sensitivity_detail {
namespace {

// Mean and sum of squared deviations of a column, two-pass (exact enough for any offset).
struct Moments {
  double mean = 0;
  double m2 = 0;
};

Moments moments_of(const double* x, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double m2 = 0;
  for (std::size_t i = 0; i < n; ++i) m2 += (x[i] - mean) * (x[i] - mean);
  return {mean, m2};
}

// Chan et al.'s pairwise update: (count_a, a) absorbs (count_b, b). Applied in block order only.
void merge(Moments& a, double count_a, const Moments& b, double count_b) {
  const double count = count_a + count_b;
  const double delta = b.mean - a.mean;
  a.mean += delta * count_b / count;
  a.m2 += b.m2 + delta * delta * count_a * count_b / count;
}

// Per block: the baseline, and per input the low and high means and the moments of high - low.
struct BlockSums {
  double count = 0;
  Moments baseline;
  std::vector<Moments> low, high, swing;  // only .mean of low and high is used
};

struct Scratch {
  std::vector<double> uniforms;
  std::vector<double> held_low, held_high, low_output, swing;
  std::vector<const double*> pointers;
  Block block;
  EvaluationWorkspace workspace;
};

void check_quantiles(const SensitivityOptions& options) {
  const double low = options.low_quantile;
  const double high = options.high_quantile;
  if (!(low > 0.0 && low < 1.0) || !(high > 0.0 && high < 1.0)) {
    throw Error(fmt::format("tornado: quantiles must lie strictly between 0 and 1 (got {} and {})", low, high));
  }
  if (!(low < high)) {
    throw Error(fmt::format("tornado: the low quantile ({}) must be below the high quantile ({})", low, high));
  }
}

}  // namespace

TornadoResult tornado_prepared(const PreparedModel& prepared, const SensitivityOptions& options) {
  check_common_options(options, 1);
  check_quantiles(options);
  const CompiledModel& compiled = prepared.compiled;
  const std::size_t inputs = prepared.inputs.size();
  const std::uint64_t samples = options.samples;
  const std::uint64_t block_size = options.block_size;
  const std::uint64_t blocks = block_count(samples, block_size);
  const unsigned threads = resolve_thread_count(options.threads);
  const UniformLayout layout(options.design, options.seed, prepared.inputs, samples);

  std::vector<Scratch> scratch(threads);
  const std::size_t window = 2 * static_cast<std::size_t>(threads);
  std::vector<BlockSums> slots(window);
  BlockSums total;
  total.low.resize(inputs);
  total.high.resize(inputs);
  total.swing.resize(inputs);

  BlockLoopTasks tasks;
  tasks.process = [&](std::uint64_t block, std::size_t slot, std::size_t worker) {
    Scratch& s = scratch[worker];
    const std::uint64_t first = block * block_size;
    const auto n = static_cast<std::size_t>(std::min(block_size, samples - first));
    s.uniforms.resize(inputs * n);
    layout.fill(block, first, s.uniforms);
    correlate(prepared, s.uniforms, n);
    s.pointers.resize(inputs);
    for (std::size_t i = 0; i < inputs; ++i) s.pointers[i] = s.uniforms.data() + i * n;
    s.held_low.assign(n, options.low_quantile);
    s.held_high.assign(n, options.high_quantile);
    s.low_output.resize(n);
    s.swing.resize(n);

    BlockSums& sums = slots[slot];
    sums.count = static_cast<double>(n);
    sums.low.resize(inputs);
    sums.high.resize(inputs);
    sums.swing.resize(inputs);
    compiled.evaluate(s.pointers, n, s.block, s.workspace, first);
    sums.baseline = moments_of(s.block.column(prepared.output_column).data(), n);
    for (std::size_t i = 0; i < inputs; ++i) {
      s.pointers[i] = s.held_low.data();
      compiled.evaluate(s.pointers, n, s.block, s.workspace, first);
      const auto low = s.block.column(prepared.output_column);
      std::copy(low.begin(), low.end(), s.low_output.begin());
      s.pointers[i] = s.held_high.data();
      compiled.evaluate(s.pointers, n, s.block, s.workspace, first);
      const auto high = s.block.column(prepared.output_column);
      for (std::size_t row = 0; row < n; ++row) s.swing[row] = high[row] - s.low_output[row];
      sums.low[i] = moments_of(s.low_output.data(), n);
      sums.high[i] = moments_of(high.data(), n);
      sums.swing[i] = moments_of(s.swing.data(), n);
      s.pointers[i] = s.uniforms.data() + i * n;
    }
  };
  tasks.commit = [&](std::uint64_t, std::size_t slot) {
    const BlockSums& sums = slots[slot];
    if (total.count == 0) {
      total = sums;
      return;
    }
    merge(total.baseline, total.count, sums.baseline, sums.count);
    for (std::size_t i = 0; i < inputs; ++i) {
      merge(total.low[i], total.count, sums.low[i], sums.count);
      merge(total.high[i], total.count, sums.high[i], sums.count);
      merge(total.swing[i], total.count, sums.swing[i], sums.count);
    }
    total.count += sums.count;
  };
  for_each_block_ordered(blocks, threads, window, tasks);

  const double count = total.count;
  const auto stderr_of = [count](const Moments& m) {
    return count > 1 ? std::sqrt(m.m2 / (count - 1) / count) : 0.0;
  };
  TornadoResult result;
  result.output = prepared.output;
  result.samples = samples;
  result.low_quantile = options.low_quantile;
  result.high_quantile = options.high_quantile;
  result.baseline = total.baseline.mean;
  result.baseline_stderr = stderr_of(total.baseline);
  for (std::size_t i = 0; i < inputs; ++i) {
    TornadoEntry entry;
    entry.input = prepared.inputs[i];
    entry.low = total.low[i].mean;
    entry.high = total.high[i].mean;
    entry.swing = entry.high - entry.low;
    entry.swing_stderr = stderr_of(total.swing[i]);
    if (const Distribution* distribution = compiled.input_distribution(i)) {
      entry.low_value = quantile(*distribution, options.low_quantile);
      entry.high_value = quantile(*distribution, options.high_quantile);
    }
    result.inputs.push_back(std::move(entry));
  }
  std::stable_sort(result.inputs.begin(), result.inputs.end(),
                   [](const TornadoEntry& a, const TornadoEntry& b) { return std::abs(a.swing) > std::abs(b.swing); });
  return result;
}

}  // namespace sensitivity_detail

TornadoResult tornado_analysis(const Model& model, const SensitivityOptions& options) {
  sensitivity_detail::check_common_options(options, 1);
  return sensitivity_detail::tornado_prepared(sensitivity_detail::prepare_model(model, options), options);
}

}  // namespace pdoom
