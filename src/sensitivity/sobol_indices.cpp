// Sobol indices from the A, B, A_B^i design: first order after Saltelli et al. (2010), total after
// Jansen (1999), on outputs centred by their pooled mean, with percentile bootstrap intervals.
//
// Nothing is stored per row. Rows are grouped into bootstrap units (one row each unless N exceeds
// max_bootstrap_units); each block of rows reduces its units to a few sums about the unit's own mean,
// and those are re-centred exactly on the overall mean afterwards. The point estimate merges all units
// in order; each bootstrap resample merges units drawn with replacement. Both go through the same
// `finish`, so the interval is about exactly the estimator that is reported.

#include "pdoom/sensitivity/sobol_indices.hpp"

#include "methods.hpp"
#include "pdoom/error.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/stats/bootstrap.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <unordered_map>
#include <vector>

namespace pdoom {
namespace sensitivity_detail {
namespace {

// Inputs whose uniforms are swapped from B into A together: one input, or a group.
struct SwapSet {
  std::string name;
  std::vector<std::string> inputs;     // as given (group members may not reach the output)
  std::vector<std::size_t> positions;  // the members the output depends on, as input positions
};

// Per-unit layout, once re-centred on the overall centre c (e = the unit's centre - c):
//   [n, n e, n e^2, S, then per swap set k: P_k, D_k, T_k]
// with S the pooled sum of squares of f_A, f_B about the unit's centre, P_k = sum (f_B - c)(f_ABk - f_A),
// D_k = sum (f_ABk - f_A), T_k = sum (f_ABk - f_A)^2. Every entry is additive over units, so merging
// units (all of them, or a bootstrap resample) is one vectorisable sum. Before re-centring, slot 1
// holds the unit's centre and slot 2 is unused, and P_k is about the unit's own centre.
constexpr std::size_t unit_header = 4;
constexpr std::size_t per_set = 3;

// Sums over a multiset of units.
struct Sums {
  std::vector<double> totals;

  explicit Sums(std::size_t sets) : totals(unit_header + per_set * sets, 0.0) {}
  void reset() { std::fill(totals.begin(), totals.end(), 0.0); }
  void add(const double* unit) {
    double* out = totals.data();
    const std::size_t width = totals.size();
    for (std::size_t j = 0; j < width; ++j) out[j] += unit[j];
  }
  // Adds the units at `indices` (rows of `width` values). Columns are summed eight at a time in local
  // accumulators that stay in registers; each column is still summed in the order of `indices`, so the
  // result equals calling add() for each index in turn.
  void add_all(std::span<const std::size_t> indices, const double* units) {
    constexpr std::size_t lanes = 8;
    const std::size_t width = totals.size();
    for (std::size_t first = 0; first < width; first += lanes) {
      double lane[lanes] = {};
      const double* column = units + first;
      if (first + lanes <= width) {
        for (const std::size_t u : indices) {
          const double* values = column + u * width;
          for (std::size_t j = 0; j < lanes; ++j) lane[j] += values[j];
        }
      } else {
        const std::size_t rest = width - first;
        for (const std::size_t u : indices) {
          const double* values = column + u * width;
          for (std::size_t j = 0; j < rest; ++j) lane[j] += values[j];
        }
      }
      for (std::size_t j = 0; j < lanes && first + j < width; ++j) totals[first + j] += lane[j];
    }
  }
  [[nodiscard]] std::size_t sets() const noexcept { return (totals.size() - unit_header) / per_set; }
};

// The estimates from sums: first-order and total index per set, then the sum of the first `inputs`
// first-order indices; out has 2 * sets + 1 entries. Also returns the pooled mean offset and variance.
struct Finished {
  double offset = 0;
  double variance = 0;
};

Finished finish(const Sums& sums, std::size_t inputs, std::vector<double>& out) {
  const std::size_t sets = sums.sets();
  const double* totals = sums.totals.data();
  out.assign(2 * sets + 1, 0.0);
  const double n = totals[0];
  const double offset = totals[1] / n;  // centre of these units minus the overall centre
  // Pooled f_A, f_B about their own mean: within-unit squares plus the spread of unit centres.
  const double squares = totals[3] + 2.0 * (totals[2] - n * offset * offset);
  const double variance = n > 0.5 ? std::max(0.0, squares / (2.0 * n - 1.0)) : 0.0;
  if (!(variance > 0.0)) return {offset, 0.0};
  for (std::size_t k = 0; k < sets; ++k) {
    const double* set = totals + unit_header + per_set * k;
    // P_k has f_B centred at the overall centre: shift it to the centre of these units.
    out[2 * k] = (set[0] - offset * set[1]) / n / variance;
    out[2 * k + 1] = set[2] / (2.0 * n) / variance;
  }
  double total_first = 0;
  for (std::size_t k = 0; k < inputs; ++k) total_first += out[2 * k];
  out[2 * sets] = total_first;
  return {offset, variance};
}

std::vector<SwapSet> swap_sets(const PreparedModel& prepared, const SensitivityOptions& options) {
  std::vector<SwapSet> sets;
  const auto position_of = [&](const std::string& name) -> std::optional<std::size_t> {
    const auto found = std::find(prepared.inputs.begin(), prepared.inputs.end(), name);
    if (found == prepared.inputs.end()) return std::nullopt;
    return static_cast<std::size_t>(found - prepared.inputs.begin());
  };
  for (std::size_t i = 0; i < prepared.inputs.size(); ++i) {
    sets.push_back({prepared.inputs[i], {prepared.inputs[i]}, {i}});
  }
  std::vector<std::string> node_names;
  for (const auto& node : prepared.model.nodes()) node_names.push_back(node.name);
  std::unordered_map<std::string, std::size_t> group_index;
  const auto add_member = [&](SwapSet& set, const std::string& member) {
    if (std::find(set.inputs.begin(), set.inputs.end(), member) != set.inputs.end()) return;
    set.inputs.push_back(member);
    if (const auto position = position_of(member)) set.positions.push_back(*position);
  };
  for (const InputGroup& group : options.groups) {
    if (group.name.empty()) throw Error("sobol: a group needs a name");
    if (group.inputs.empty()) throw Error(fmt::format("sobol: group '{}' has no inputs", group.name));
    if (group_index.contains(group.name)) {
      throw Error(fmt::format("sobol: group '{}' is given twice", group.name));
    }
    SwapSet set{group.name, {}, {}};
    for (const std::string& member : group.inputs) {
      const Node* node = prepared.model.find(member);
      if (node == nullptr) {
        std::string message = fmt::format("sobol: group '{}': unknown node '{}'", group.name, member);
        if (const auto suggestion = closest_name(member, node_names)) {
          message += fmt::format(" (did you mean '{}'?)", *suggestion);
        }
        throw Error(message);
      }
      if (node->kind != NodeKind::input) {
        throw Error(fmt::format("sobol: group '{}': '{}' is not an input node (it has a formula)",
                                group.name, member));
      }
      add_member(set, member);
    }
    group_index.emplace(group.name, sets.size());
    sets.push_back(std::move(set));
  }
  if (options.model_groups) {
    std::unordered_map<std::string, std::size_t> model_group_index;
    for (const auto& node : prepared.model.nodes()) {
      if (node.kind != NodeKind::input) continue;
      for (const std::string& group : node.info.groups) {
        if (group_index.contains(group)) continue;  // replaced by a group given in the options
        auto [entry, inserted] = model_group_index.emplace(group, sets.size());
        if (inserted) sets.push_back({group, {}, {}});
        add_member(sets[entry->second], node.name);
      }
    }
  }
  return sets;
}

struct Scratch {
  std::vector<double> uniforms;  // A's D columns, then B's D columns
  std::vector<const double*> pointers;
  Block block_a, block_b, block_ab;
  EvaluationWorkspace workspace;
};

}  // namespace

void refuse_correlated(const PreparedModel& prepared) {
  if (!prepared.copula) return;
  const auto& correlation = prepared.compiled.model().correlations.front();
  throw Error(fmt::format(
      "Sobol indices are not defined in the usual sense for correlated inputs, and this model correlates "
      "inputs of '{}' ({} and {}, rank correlation {}): the variance cannot be split into shares of "
      "independent inputs. Use the tornado or rank methods, which handle correlations, or remove the "
      "correlations to compute Sobol indices",
      prepared.output, correlation.first, correlation.second, correlation.rank_correlation));
}

SobolResult sobol_prepared(const PreparedModel& prepared, const SensitivityOptions& options) {
  check_common_options(options, 2);
  refuse_correlated(prepared);
  if (!(options.confidence_level > 0.0 && options.confidence_level < 1.0)) {
    throw Error(fmt::format("sobol: confidence_level ({}) must lie strictly between 0 and 1",
                            options.confidence_level));
  }
  if (options.max_bootstrap_units == 0) throw Error("sobol: max_bootstrap_units must be at least 1");

  const std::vector<SwapSet> sets = swap_sets(prepared, options);
  const CompiledModel& compiled = prepared.compiled;
  const std::size_t inputs = prepared.inputs.size();
  const std::size_t set_count = sets.size();
  const std::uint64_t samples = options.samples;

  // Units of a power-of-two number of rows, whole inside blocks.
  std::uint64_t unit_rows = 1;
  while (block_count(samples, unit_rows) > options.max_bootstrap_units) unit_rows *= 2;
  const std::uint64_t block_rows = std::max<std::uint64_t>(unit_rows, options.block_size / unit_rows * unit_rows);
  const std::uint64_t blocks = block_count(samples, block_rows);
  const std::uint64_t units = block_count(samples, unit_rows);
  const std::size_t unit_width = unit_header + per_set * set_count;
  std::vector<double> unit_sums(static_cast<std::size_t>(units) * unit_width, 0.0);

  std::vector<std::string> keys = prepared.inputs;
  for (const auto& name : prepared.inputs) keys.push_back(name + "/B");
  const UniformLayout layout(options.design, options.seed, std::move(keys), samples);
  const unsigned threads = resolve_thread_count(options.threads);
  std::vector<Scratch> scratch(threads);

  BlockLoopTasks tasks;
  tasks.process = [&](std::uint64_t block, std::size_t, std::size_t worker) {
    Scratch& s = scratch[worker];
    const std::uint64_t first = block * block_rows;
    const auto n = static_cast<std::size_t>(std::min(block_rows, samples - first));
    s.uniforms.resize(2 * inputs * n);
    layout.fill(block, first, s.uniforms);
    const double* a = s.uniforms.data();
    const double* b = s.uniforms.data() + inputs * n;
    s.pointers.resize(inputs);
    for (std::size_t i = 0; i < inputs; ++i) s.pointers[i] = b + i * n;
    compiled.evaluate(s.pointers, n, s.block_b, s.workspace, first);
    for (std::size_t i = 0; i < inputs; ++i) s.pointers[i] = a + i * n;
    compiled.evaluate(s.pointers, n, s.block_a, s.workspace, first);
    const double* fa = s.block_a.column(prepared.output_column).data();
    const double* fb = s.block_b.column(prepared.output_column).data();

    const std::uint64_t first_unit = first / unit_rows;
    const auto block_units = static_cast<std::size_t>(block_count(n, unit_rows));
    const auto unit_range = [&](std::size_t u) {
      const std::size_t begin = u * unit_rows;
      return std::pair{begin, std::min<std::size_t>(begin + unit_rows, n)};
    };
    for (std::size_t u = 0; u < block_units; ++u) {
      double* unit = unit_sums.data() + (first_unit + u) * unit_width;
      const auto [begin, end] = unit_range(u);
      double sum = 0;
      for (std::size_t row = begin; row < end; ++row) sum += fa[row] + fb[row];
      const double count = static_cast<double>(end - begin);
      const double centre = sum / (2.0 * count);
      double squares = 0;
      for (std::size_t row = begin; row < end; ++row) {
        squares += (fa[row] - centre) * (fa[row] - centre) + (fb[row] - centre) * (fb[row] - centre);
      }
      unit[0] = count;
      unit[1] = centre;
      unit[2] = 0;  // n e^2, set when re-centring
      unit[3] = squares;
    }
    for (std::size_t k = 0; k < set_count; ++k) {
      if (sets[k].positions.empty()) continue;  // swaps nothing the output depends on: f_ABk = f_A
      // f(A_B^k) recomputes only the nodes and formula parts that mix swapped and kept inputs.
      for (const std::size_t position : sets[k].positions) s.pointers[position] = b + position * n;
      const auto fab = compiled.evaluate_recombined(s.pointers, n, s.block_a, s.block_b, sets[k].positions,
                                                    prepared.output_column, s.block_ab, s.workspace, first);
      for (const std::size_t position : sets[k].positions) s.pointers[position] = a + position * n;
      for (std::size_t u = 0; u < block_units; ++u) {
        double* unit = unit_sums.data() + (first_unit + u) * unit_width;
        const double centre = unit[1];
        const auto [begin, end] = unit_range(u);
        double p = 0, d = 0, t = 0;
        for (std::size_t row = begin; row < end; ++row) {
          const double difference = fab[row] - fa[row];
          p += (fb[row] - centre) * difference;
          d += difference;
          t += difference * difference;
        }
        double* out = unit + unit_header + per_set * k;
        out[0] = p;
        out[1] = d;
        out[2] = t;
      }
    }
  };
  tasks.commit = [](std::uint64_t, std::size_t) {};
  for_each_block_ordered(blocks, threads, static_cast<std::size_t>(std::min<std::uint64_t>(blocks, 1u << 20)),
                         tasks);

  // Re-centre every unit on the overall centre (exact algebra; keeps the sums small).
  double count = 0, weighted = 0;
  for (std::uint64_t u = 0; u < units; ++u) {
    const double* unit = unit_sums.data() + u * unit_width;
    count += unit[0];
    weighted += unit[0] * unit[1];
  }
  const double centre = weighted / count;
  for (std::uint64_t u = 0; u < units; ++u) {
    double* unit = unit_sums.data() + u * unit_width;
    const double e = unit[1] - centre;
    unit[1] = unit[0] * e;
    unit[2] = unit[0] * e * e;
    for (std::size_t k = 0; k < set_count; ++k) {
      double* out = unit + unit_header + per_set * k;
      out[0] += e * out[1];
    }
  }

  Sums all(set_count);
  for (std::uint64_t u = 0; u < units; ++u) all.add(unit_sums.data() + u * unit_width);
  std::vector<double> point;
  const Finished overall = finish(all, inputs, point);

  // Bootstrap: resample r draws `units` units from its own stream (stats/bootstrap.hpp), whatever
  // thread runs it, so the intervals do not depend on the number of threads.
  const std::size_t resamples = options.bootstrap_resamples;
  std::vector<std::vector<double>> boot(resamples);
  if (resamples > 0) {
    std::vector<Sums> sums(threads, Sums(set_count));
    std::vector<std::vector<std::size_t>> drawn(threads);
    BlockLoopTasks resample_tasks;
    resample_tasks.process = [&](std::uint64_t r, std::size_t, std::size_t worker) {
      Sums& s = sums[worker];
      s.reset();
      auto& indices = drawn[worker];
      indices.resize(static_cast<std::size_t>(units));
      bootstrap_indices(options.seed, r, static_cast<std::size_t>(units), indices);
      s.add_all(indices, unit_sums.data());
      finish(s, inputs, boot[r]);
    };
    resample_tasks.commit = [](std::uint64_t, std::size_t) {};
    for_each_block_ordered(resamples, threads, resamples, resample_tasks);
  }
  const auto estimate = [&](std::size_t index) {
    Estimate e{point[index], point[index], point[index]};
    if (resamples == 0) return e;
    std::vector<double> values(resamples);
    for (std::size_t r = 0; r < resamples; ++r) values[r] = boot[r][index];
    const ConfidenceInterval interval = percentile_interval(point[index], values, options.confidence_level);
    e.low = interval.lower;
    e.high = interval.upper;
    return e;
  };

  SobolResult result;
  result.output = prepared.output;
  result.design = options.design;
  result.base_samples = samples;
  std::uint64_t evaluated_sets = 0;
  for (const auto& set : sets) evaluated_sets += set.positions.empty() ? 0 : 1;
  result.evaluations = samples * (2 + evaluated_sets);
  result.mean = centre + overall.offset;
  result.variance = overall.variance;
  for (std::size_t k = 0; k < set_count; ++k) {
    SobolIndex index{sets[k].name, sets[k].inputs, estimate(2 * k), estimate(2 * k + 1)};
    (k < inputs ? result.inputs : result.groups).push_back(std::move(index));
  }
  std::stable_sort(result.inputs.begin(), result.inputs.end(),
                   [](const SobolIndex& a, const SobolIndex& b) { return a.total.value > b.total.value; });
  result.sum_first_order = estimate(2 * set_count);
  result.bootstrap_resamples = resamples;
  result.confidence_level = options.confidence_level;
  result.bootstrap_unit_rows = unit_rows;
  return result;
}

}  // namespace sensitivity_detail

SobolResult sobol_analysis(const Model& model, const SensitivityOptions& options) {
  sensitivity_detail::check_common_options(options, 2);
  return sensitivity_detail::sobol_prepared(sensitivity_detail::prepare_model(model, options), options);
}

}  // namespace pdoom
