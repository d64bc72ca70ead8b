// The sampler. A run is a sequence of blocks of `block_size` samples. For each block, on whichever
// thread takes it: the inputs' uniforms (design: mc/lhs streams keyed by (seed, name, block), or the
// scrambled Sobol points of the block's sample indices), the Gaussian copula on the correlated ones,
// CompiledModel::evaluate, and a partial summary. Partial results are merged in block order by
// for_each_block_ordered, so that every number depends on the blocks only, not on the threads.
//
// Summaries: when samples * nodes doubles fit the memory budget, every value is stored in one
// samples x nodes array and summarised exactly at the end. Beyond it, the run streams: per block,
// the moments of each column (merged in block order: floating point), and per thread a quantile
// sketch and exceedance counts per column (integer counts: merging them is exact in any order), so
// memory does not grow with the number of samples.

#include "pdoom/sample/run.hpp"

#include "pdoom/error.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/random/copula.hpp"
#include "pdoom/random/sobol.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/stats/exceedance.hpp"
#include "pdoom/stats/quantile_sketch.hpp"
#include "pdoom/stats/rank.hpp"

#include "column_statistics.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <utility>

namespace pdoom {

std::optional<std::size_t> RunResult::column(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < node_names.size(); ++i) {
    if (node_names[i] == name) return i;
  }
  return std::nullopt;
}

const Summary& RunResult::summary(std::string_view name) const {
  const auto index = column(name);
  if (!index || *index >= summaries.size()) {
    throw Error(fmt::format("run result: no node called '{}'", name));
  }
  return summaries[*index];
}

void validate_run_options(const RunOptions& options) {
  if (options.samples == 0) throw Error("run: samples must be at least 1");
  if (options.block_size == 0) throw Error("run: block_size must be at least 1");
  if (options.samples > std::numeric_limits<std::uint64_t>::max() - options.block_size) {
    throw Error(fmt::format("run: samples ({}) is too large", options.samples));
  }
  for (const double threshold : options.thresholds) {
    if (!std::isfinite(threshold)) throw Error(fmt::format("run: threshold {} is not finite", threshold));
  }
}

namespace {

using sample_detail::ColumnMoments;

constexpr double not_available = std::numeric_limits<double>::quiet_NaN();

// Centred sums of one correlated pair's uniforms over some samples; merged by addition in block order.
struct PairSums {
  double count = 0, u = 0, v = 0, uu = 0, vv = 0, uv = 0;

  void add(const double* first, const double* second, std::size_t n) noexcept {
    PairSums block;
    for (std::size_t i = 0; i < n; ++i) {
      const double du = first[i] - 0.5;
      const double dv = second[i] - 0.5;
      block.u += du;
      block.v += dv;
      block.uu += du * du;
      block.vv += dv * dv;
      block.uv += du * dv;
    }
    block.count = static_cast<double>(n);
    merge(block);
  }
  void merge(const PairSums& other) noexcept {
    count += other.count;
    u += other.u;
    v += other.v;
    uu += other.uu;
    vv += other.vv;
    uv += other.uv;
  }
  [[nodiscard]] double correlation() const noexcept {
    if (count < 2) return not_available;
    const double mu = u / count;
    const double mv = v / count;
    const double covariance = uv / count - mu * mv;
    const double variance_u = uu / count - mu * mu;
    const double variance_v = vv / count - mv * mv;
    return covariance / std::sqrt(variance_u * variance_v);
  }
};

// The model's correlated inputs, as the copula sees them.
struct CorrelationPlan {
  struct Pair {
    std::size_t first = 0;   // positions among `inputs`
    std::size_t second = 0;
    AchievedCorrelation report;
  };
  std::vector<std::size_t> inputs;  // positions among CompiledModel::inputs(), in copula order
  std::optional<GaussianCopula> copula;
  std::vector<Pair> pairs;
};

CorrelationPlan plan_correlations(const CompiledModel& compiled) {
  CorrelationPlan plan;
  const Model& model = compiled.model();
  if (model.correlations.empty()) return plan;
  const RankCorrelationMatrix matrix = assemble_rank_correlations(model);
  if (matrix.nodes.empty()) return plan;
  const auto inputs = compiled.inputs();
  for (const std::size_t node : matrix.nodes) {
    const auto position = std::find(inputs.begin(), inputs.end(), node);
    if (position == inputs.end()) {
      throw ModelError(model.location, fmt::format("correlation: '{}' is not an input", model.nodes()[node].name));
    }
    plan.inputs.push_back(static_cast<std::size_t>(position - inputs.begin()));
  }
  plan.copula.emplace(matrix.rank);
  const auto position_of = [&](std::string_view name) -> std::size_t {
    for (std::size_t i = 0; i < matrix.nodes.size(); ++i) {
      if (model.nodes()[matrix.nodes[i]].name == name) return i;
    }
    throw ModelError(model.location, fmt::format("correlation: unknown input '{}'", name));
  };
  for (const Correlation& correlation : model.correlations) {
    CorrelationPlan::Pair pair;
    pair.first = position_of(correlation.first);
    pair.second = position_of(correlation.second);
    pair.report.first = correlation.first;
    pair.report.second = correlation.second;
    pair.report.target = correlation.rank_correlation;
    pair.report.implemented = plan.copula->implemented_spearman()(static_cast<Eigen::Index>(pair.first),
                                                                  static_cast<Eigen::Index>(pair.second));
    plan.pairs.push_back(std::move(pair));
  }
  return plan;
}

Summary empty_summary() {
  Summary s;
  s.mean = s.sd = s.standard_error = s.min = s.max = not_available;
  s.p01 = s.p05 = s.p25 = s.p50 = s.p75 = s.p95 = s.p99 = not_available;
  s.count = 0;
  return s;
}

Summary streaming_summary(const ColumnMoments& moments, const QuantileSketch& sketch) {
  if (moments.count == 0) return empty_summary();
  Summary s;
  const auto n = static_cast<double>(moments.count);
  s.count = moments.count;
  s.mean = moments.mean;
  s.sd = moments.count > 1 ? static_cast<double>(std::sqrt(moments.m2 / static_cast<long double>(n - 1))) : 0.0;  // as stats/moments.hpp
  s.standard_error = s.sd / std::sqrt(n);
  s.min = moments.min;
  s.max = moments.max;
  const auto q = sketch.quantiles(summary_probabilities);
  s.p01 = q[0];
  s.p05 = q[1];
  s.p25 = q[2];
  s.p50 = q[3];
  s.p75 = q[4];
  s.p95 = q[5];
  s.p99 = q[6];
  s.quantile_relative_error = sketch.relative_accuracy();
  return s;
}

// One run of one compiled model.
class Sampler {
 public:
  Sampler(const CompiledModel& compiled, const RunOptions& options)
      : compiled_(compiled),
        options_(options),
        total_(options.samples),
        block_size_(options.block_size),
        blocks_((options.samples + options.block_size - 1) / options.block_size),
        nodes_(compiled.node_names().size()),
        dimensions_(compiled.inputs().size()),
        threads_(static_cast<unsigned>(std::min<std::uint64_t>(resolve_thread_count(options.threads), blocks_))),
        window_(2 * static_cast<std::size_t>(threads_) + 2),
        correlations_(plan_correlations(compiled)) {
    for (const std::size_t column : compiled.inputs()) keys_.push_back(compiled.node_names()[column]);
    if (options.design == Design::sobol && dimensions_ > 0) sobol_.emplace(dimensions_);
    const double bytes = static_cast<double>(total_) * static_cast<double>(nodes_) * sizeof(double);
    kept_rows_ = options.keep_samples ? std::min(total_, options.max_kept_samples) : 0;
    const std::uint64_t kept = kept_rows_;
    exact_ = kept == total_ || bytes <= static_cast<double>(options.memory_budget_bytes);
    // Exact runs store every sample; streaming runs store only the kept prefix, if any.
    store_rows_ = exact_ ? total_ : kept;
    if (store_rows_ > 0) {
      try {
        store_.resize(static_cast<Eigen::Index>(store_rows_), static_cast<Eigen::Index>(nodes_));
      } catch (const std::bad_alloc&) {
        throw Error(fmt::format("run: not enough memory to keep {} samples of {} nodes ({:.3g} GiB)", store_rows_, nodes_,
                                static_cast<double>(store_rows_) * static_cast<double>(nodes_) * sizeof(double) /
                                    (1024.0 * 1024.0 * 1024.0)));
      }
    }
    workers_.resize(threads_);
    for (auto& worker : workers_) {
      worker.uniforms.resize(dimensions_ * std::min<std::uint64_t>(block_size_, total_));
      worker.pointers.resize(dimensions_);
      if (!exact_) {
        worker.sketches.assign(nodes_, QuantileSketch());
        worker.exceedances.assign(nodes_ * options.thresholds.size(), 0);
      }
    }
    slots_.resize(window_);
    for (auto& slot : slots_) {
      slot.moments.resize(exact_ ? 0 : nodes_);
      slot.pairs.resize(correlations_.pairs.size());
    }
    moments_.resize(exact_ ? 0 : nodes_);
    pairs_.resize(correlations_.pairs.size());
  }

  RunResult run() {
    BlockLoopTasks tasks;
    tasks.process = [this](std::uint64_t block, std::size_t slot, std::size_t worker) {
      process(block, slots_[slot], workers_[worker]);
    };
    tasks.commit = [this](std::uint64_t block, std::size_t slot) { commit(block, slots_[slot]); };
    if (options_.cancelled) tasks.should_stop = [this] { return options_.cancelled(); };
    const std::uint64_t committed = for_each_block_ordered(blocks_, threads_, window_, tasks);
    return finish(committed < blocks_);
  }

 private:
  struct Worker {
    std::vector<double> uniforms;  // dimensions x n, column-major
    std::vector<const double*> pointers;
    Block block;
    EvaluationWorkspace workspace;
    std::vector<QuantileSketch> sketches;         // streaming: per node
    std::vector<std::uint64_t> exceedances;       // streaming: [node * thresholds + t], values above t
  };
  struct Slot {
    std::uint64_t samples = 0;
    std::vector<ColumnMoments> moments;  // streaming: per node, this block only
    std::vector<PairSums> pairs;   // per correlated pair, this block only
  };

  void fill_uniforms_of_block(std::uint64_t block, std::uint64_t first, std::size_t n, Worker& worker) const {
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const std::span<double> u(worker.uniforms.data() + d * n, n);
      if (sobol_) {
        sobol_->fill(options_.seed, keys_[d], d, first, u);
      } else {
        fill_uniforms(options_.design, options_.seed, keys_[d], d, dimensions_, first, n, total_, block, u);
      }
      worker.pointers[d] = u.data();
    }
    if (correlations_.copula) {
      std::vector<std::span<double>> columns;
      columns.reserve(correlations_.inputs.size());
      for (const std::size_t input : correlations_.inputs) {
        columns.emplace_back(worker.uniforms.data() + input * n, n);
      }
      correlations_.copula->apply(std::span<const std::span<double>>(columns));
    }
  }

  void process(std::uint64_t block, Slot& slot, Worker& worker) {
    const std::uint64_t first = block * block_size_;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block_size_, total_ - first));
    slot.samples = n;
    fill_uniforms_of_block(block, first, n, worker);
    for (std::size_t p = 0; p < correlations_.pairs.size(); ++p) {
      const auto& pair = correlations_.pairs[p];
      slot.pairs[p] = PairSums();
      slot.pairs[p].add(worker.pointers[correlations_.inputs[pair.first]],
                        worker.pointers[correlations_.inputs[pair.second]], n);
    }
    compiled_.evaluate(worker.pointers, n, worker.block, worker.workspace, first);
    for (std::size_t j = 0; j < nodes_; ++j) {
      const std::span<const double> column = std::as_const(worker.block).column(j);
      if (first < store_rows_) {
        const auto rows = static_cast<std::size_t>(std::min<std::uint64_t>(n, store_rows_ - first));
        std::memcpy(store_.data() + j * store_rows_ + first, column.data(), rows * sizeof(double));
      }
      if (!exact_) {
        slot.moments[j] = ColumnMoments::of_block(column, options_.thresholds,
                                                  worker.exceedances.data() + j * options_.thresholds.size());
        worker.sketches[j].add(column);
      }
    }
  }

  void commit(std::uint64_t /*block*/, Slot& slot) {
    for (std::size_t j = 0; j < moments_.size(); ++j) moments_[j].merge(slot.moments[j]);
    for (std::size_t p = 0; p < pairs_.size(); ++p) pairs_[p].merge(slot.pairs[p]);
    done_ += slot.samples;
    if (options_.progress) options_.progress(done_, total_);
  }

  RunResult finish(bool partial) {
    RunResult result;
    const Model& model = compiled_.model();
    result.model = model.name;
    result.scenario = compiled_.scenario();
    result.design = options_.design;
    result.seed = options_.seed;
    result.samples_requested = total_;
    result.samples = done_;
    result.block_size = block_size_;
    result.partial = partial;
    result.exact = exact_;
    result.node_names.assign(compiled_.node_names().begin(), compiled_.node_names().end());
    result.inputs.assign(compiled_.inputs().begin(), compiled_.inputs().end());
    result.outputs.assign(compiled_.outputs().begin(), compiled_.outputs().end());
    for (const auto& node : model.nodes()) result.probability.push_back(node.is_probability());
    result.thresholds = options_.thresholds;
    try {
      result.at_medians = compiled_.values_at_medians();
    } catch (const Error&) {
      // A conditional distribution whose parameters are invalid at the medians: no point estimate.
      result.at_medians.assign(nodes_, not_available);
    }
    result.correlations_repaired = correlations_.copula && correlations_.copula->repaired();
    if (exact_) {
      finish_exact(result);
    } else {
      finish_streaming(result);
    }
    return result;
  }

  void finish_streaming(RunResult& result) {
    if (store_rows_ > 0) {
      const auto rows = std::min(store_rows_, done_);
      if (rows < store_rows_) store_.conservativeResize(static_cast<Eigen::Index>(rows), Eigen::NoChange);
      result.values = std::move(store_);
    }
    result.summaries.resize(nodes_);
    result.exceedance.assign(nodes_, std::vector<double>(options_.thresholds.size(), not_available));
    for (std::size_t j = 0; j < nodes_; ++j) {
      // Integer counts: the merged sketch and counters do not depend on which thread saw which block.
      QuantileSketch sketch = workers_[0].sketches[j];
      const std::size_t thresholds = options_.thresholds.size();
      std::vector<std::uint64_t> above(thresholds, 0);
      for (const auto& worker : workers_) {
        for (std::size_t t = 0; t < thresholds; ++t) above[t] += worker.exceedances[j * thresholds + t];
      }
      for (std::size_t w = 1; w < workers_.size(); ++w) {
        sketch.merge(workers_[w].sketches[j]);
      }
      result.summaries[j] = streaming_summary(moments_[j], sketch);
      result.quantile_relative_error = std::max(result.quantile_relative_error, sketch.relative_accuracy());
      if (moments_[j].count > 0) {
        for (std::size_t t = 0; t < thresholds; ++t) {
          result.exceedance[j][t] = static_cast<double>(above[t]) / static_cast<double>(moments_[j].count);
        }
      }
    }
    for (std::size_t p = 0; p < correlations_.pairs.size(); ++p) {
      AchievedCorrelation report = correlations_.pairs[p].report;
      report.achieved = pairs_[p].correlation();
      result.correlations.push_back(std::move(report));
    }
  }

  void finish_exact(RunResult& result) {
    const auto n = static_cast<std::size_t>(done_);
    const auto column = [&](std::size_t j) { return std::span<double>(store_.data() + j * total_, n); };
    // Rank correlations first: they need the rows paired, which summarize_in_place would reorder.
    for (const auto& pair : correlations_.pairs) {
      AchievedCorrelation report = pair.report;
      report.achieved = not_available;
      if (n >= 2) {
        report.achieved = spearman(column(compiled_.inputs()[correlations_.inputs[pair.first]]),
                                   column(compiled_.inputs()[correlations_.inputs[pair.second]]));
      }
      result.correlations.push_back(std::move(report));
    }
    result.exceedance.assign(nodes_, std::vector<double>(options_.thresholds.size(), not_available));
    result.summaries.assign(nodes_, empty_summary());
    if (n > 0) {
      // Kept samples must keep their order: summarise a copy of those columns.
      const bool keep = kept_rows_ > 0;
      BlockLoopTasks tasks;
      tasks.process = [&](std::uint64_t node, std::size_t, std::size_t) {
        const auto j = static_cast<std::size_t>(node);
        const std::span<double> values = column(j);
        ExceedanceCounter exceedances(options_.thresholds);
        exceedances.add(values);
        for (std::size_t t = 0; t < options_.thresholds.size(); ++t) {
          result.exceedance[j][t] = exceedances.probability(t);
        }
        result.summaries[j] = keep ? summarize(values) : summarize_in_place(values);
      };
      tasks.commit = [](std::uint64_t, std::size_t) {};
      for_each_block_ordered(nodes_, threads_, nodes_, tasks);
    }
    if (kept_rows_ > 0) {
      const auto rows = std::min(kept_rows_, done_);
      if (rows < total_) store_.conservativeResize(static_cast<Eigen::Index>(rows), Eigen::NoChange);
      result.values = std::move(store_);
    }
  }

  const CompiledModel& compiled_;
  const RunOptions& options_;
  const std::uint64_t total_;
  const std::uint64_t block_size_;
  const std::uint64_t blocks_;
  const std::size_t nodes_;
  const std::size_t dimensions_;
  const unsigned threads_;
  const std::size_t window_;
  CorrelationPlan correlations_;
  std::vector<std::string> keys_;
  std::optional<SobolSequence> sobol_;
  bool exact_ = true;
  std::uint64_t kept_rows_ = 0;   // samples returned in RunResult::values (a prefix)
  std::uint64_t store_rows_ = 0;  // rows of store_: every sample when exact, else the kept prefix
  Eigen::ArrayXXd store_;
  std::vector<Worker> workers_;
  std::vector<Slot> slots_;
  std::vector<ColumnMoments> moments_;
  std::vector<PairSums> pairs_;
  std::uint64_t done_ = 0;
};

}  // namespace

RunResult run(const CompiledModel& model, const RunOptions& options) {
  validate_run_options(options);
  if (!options.scenario.empty() && options.scenario != model.scenario()) {
    throw Error(fmt::format("run: the options name scenario '{}' but the model was compiled with {}",
                            options.scenario,
                            model.scenario().empty() ? std::string("the base model")
                                                     : "scenario '" + model.scenario() + "'"));
  }
  Sampler sampler(model, options);
  return sampler.run();
}

RunResult run(const Model& model, const RunOptions& options) {
  validate_run_options(options);
  const CompiledModel compiled(model, options.scenario);
  return run(compiled, options);
}

std::vector<RunResult> run_scenarios(const Model& model, const RunOptions& options) {
  validate_run_options(options);
  RunOptions each = options;
  each.scenario.clear();
  std::vector<RunResult> results;
  results.push_back(run(model, each));
  for (const Scenario& scenario : model.scenarios) {
    each.scenario = scenario.name;
    results.push_back(run(model, each));
  }
  return results;
}

}  // namespace pdoom
