// Panels of forecasters: per-forecaster runs on common random numbers, aggregates of outputs and of
// premises, and a Shapley decomposition of the disagreement over the premises.

#include "pdoom/audit/panel.hpp"

#include "pdoom/audit/shapley.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sample/run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace pdoom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Output values are kept this far from 0 and 1 before taking log-odds, so that a forecaster at exactly
// 0 or 1 gives a large but finite disagreement instead of an infinite one.
constexpr double log_odds_floor = 1e-12;
// Rows of the point-evaluation grid evaluated at once.
constexpr std::size_t grid_chunk = 4096;

void require_values(std::span<const double> values, const char* what) {
  if (values.empty()) throw Error(std::string(what) + ": no values to aggregate");
}

bool all_probabilities(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double x) { return x >= 0.0 && x <= 1.0; });
}

DistributionCall point_call(double value) {
  DistributionCall call;
  call.constructor = "point";
  call.arguments.push_back({Expression(value), nullptr});
  return call;
}

DistributionCall uniform_call(double low, double high) {
  DistributionCall call;
  call.constructor = "uniform";
  call.arguments.push_back({Expression(low), nullptr});
  call.arguments.push_back({Expression(high), nullptr});
  return call;
}

// The structure with each listed node replaced by an input with the given distribution.
Model with_inputs(const Model& structure, const std::vector<std::pair<std::string, DistributionCall>>& values,
                  const std::string& who, const SourceLocation& where) {
  Model model = structure;
  for (const auto& [name, call] : values) {
    const Node* existing = structure.find(name);
    if (existing == nullptr) {
      std::vector<std::string> names;
      for (const Node& node : structure.nodes()) names.push_back(node.name);
      std::string message = who + " sets '" + name + "', which model '" + structure.name + "' does not have";
      if (const auto suggestion = closest_name(name, names)) message += "; did you mean '" + *suggestion + "'?";
      throw ModelError(where, message);
    }
    Node node = *existing;
    node.kind = NodeKind::input;
    node.expression.reset();
    node.distribution = call;
    model.replace(std::move(node));
  }
  return model;
}

double transform(double value, const std::string& scale) {
  if (scale == "log-odds") {
    const double p = std::clamp(value, log_odds_floor, 1.0 - log_odds_floor);
    return std::log(p / (1.0 - p));
  }
  if (scale == "log") return std::log(std::max(value, std::numeric_limits<double>::min()));
  return value;
}

double population_variance(std::span<const double> values) {
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  double sum = 0;
  for (const double x : values) sum += (x - mean) * (x - mean);
  return sum / static_cast<double>(values.size());
}

}  // namespace

double aggregate_mean(std::span<const double> values) {
  require_values(values, "aggregate_mean");
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double aggregate_median(std::span<const double> values) {
  require_values(values, "aggregate_median");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

double aggregate_geometric_mean_of_odds(std::span<const double> values) {
  require_values(values, "aggregate_geometric_mean_of_odds");
  if (!all_probabilities(values)) throw Error("aggregate_geometric_mean_of_odds: a value is outside [0, 1]");
  const bool zero = std::find(values.begin(), values.end(), 0.0) != values.end();
  const bool one = std::find(values.begin(), values.end(), 1.0) != values.end();
  if (zero && one) return nan;
  if (zero) return 0.0;
  if (one) return 1.0;
  double sum = 0;
  for (const double p : values) sum += std::log(p) - std::log1p(-p);
  const double log_odds = sum / static_cast<double>(values.size());
  return 1.0 / (1.0 + std::exp(-log_odds));
}

Model forecaster_model(const Model& structure, const Forecaster& forecaster) {
  return with_inputs(structure, forecaster.values, "forecaster '" + forecaster.name + "'", forecaster.location);
}

PanelResult evaluate_panel(const Panel& panel, const PanelOptions& options) {
  if (panel.forecasters.empty()) throw Error("panel '" + panel.name + "' has no forecasters");
  const Model& structure = panel.model;
  require_valid(structure);
  PanelResult result;
  result.panel = panel.name;
  result.model = structure.name;
  result.samples = options.samples;
  result.seed = options.seed;
  result.output = !options.output.empty() ? options.output : panel.output;
  if (result.output.empty()) {
    if (structure.outputs.empty()) throw ModelError(structure.location, "model '" + structure.name + "' has no outputs");
    result.output = structure.outputs.front();
  }
  if (structure.find(result.output) == nullptr) {
    throw ModelError(panel.location, "the panel's output '" + result.output + "' is not a node of model '" +
                                         structure.name + "'");
  }

  // Premises: every node some forecaster sets, in model order.
  std::vector<Model> models;
  for (const Forecaster& forecaster : panel.forecasters) models.push_back(forecaster_model(structure, forecaster));
  for (const Node& node : structure.nodes()) {
    const bool set = std::any_of(panel.forecasters.begin(), panel.forecasters.end(), [&](const Forecaster& f) {
      return std::any_of(f.values.begin(), f.values.end(), [&](const auto& value) { return value.first == node.name; });
    });
    if (set) result.premises.push_back(node.name);
  }
  const std::size_t premise_count = result.premises.size();
  const std::size_t forecaster_count = panel.forecasters.size();

  // ---- each forecaster, on common random numbers (same seed, streams keyed by node name) ----
  RunOptions run_options;
  run_options.samples = options.samples;
  run_options.seed = options.seed;
  run_options.threads = options.threads;
  std::vector<double> outputs;
  for (std::size_t f = 0; f < forecaster_count; ++f) {
    Model model = models[f];
    model.outputs = {result.output};
    const RunResult run_result = [&] {
      try {
        return run(model, run_options);
      } catch (const ModelError& error) {
        throw ModelError(panel.forecasters[f].location.known() ? panel.forecasters[f].location : error.location(),
                         "forecaster '" + panel.forecasters[f].name + "': " + error.message());
      }
    }();
    ForecasterResult row;
    row.name = panel.forecasters[f].name;
    const Summary& summary = run_result.summary(result.output);
    row.mean = summary.mean;
    row.standard_error = summary.standard_error;
    for (const auto& premise : result.premises) {
      const auto column = run_result.column(premise);
      row.premises.push_back(column ? run_result.summaries[*column].mean : nan);
    }
    outputs.push_back(row.mean);
    result.forecasters.push_back(std::move(row));
  }

  // premise_values[k][f]
  std::vector<std::vector<double>> premise_values(premise_count, std::vector<double>(forecaster_count));
  for (std::size_t k = 0; k < premise_count; ++k) {
    for (std::size_t f = 0; f < forecaster_count; ++f) premise_values[k][f] = result.forecasters[f].premises[k];
  }

  // ---- aggregates: of the outputs, and of the premises then combined by the model ----
  struct Aggregator {
    const char* name;
    double (*function)(std::span<const double>);
  };
  const Aggregator aggregators[] = {{"mean", &aggregate_mean},
                                    {"median", &aggregate_median},
                                    {"geometric_mean_of_odds", &aggregate_geometric_mean_of_odds}};
  const bool probability_output = all_probabilities(outputs);
  for (const Aggregator& aggregator : aggregators) {
    Aggregate aggregate;
    aggregate.name = aggregator.name;
    const bool odds = aggregate.name == "geometric_mean_of_odds";
    if (odds && !probability_output) {
      aggregate.of_outputs = nan;
      aggregate.of_premises = nan;
      result.notes.push_back("the output is not a probability: no geometric mean of odds");
      result.aggregates.push_back(std::move(aggregate));
      continue;
    }
    aggregate.of_outputs = aggregator.function(outputs);
    std::vector<std::pair<std::string, DistributionCall>> pooled;
    bool defined = true;
    for (std::size_t k = 0; k < premise_count; ++k) {
      const auto& values = premise_values[k];
      // A premise that is not a probability has no odds: the arithmetic mean pools it instead.
      const double value = odds && !all_probabilities(values) ? aggregate_mean(values) : aggregator.function(values);
      aggregate.premises.push_back(value);
      defined = defined && std::isfinite(value);
      pooled.emplace_back(result.premises[k], point_call(value));
    }
    if (defined) {
      Model model = with_inputs(structure, pooled, "the pooled forecaster", panel.location);
      model.outputs = {result.output};
      aggregate.of_premises = run(model, run_options).summary(result.output).mean;
    } else {
      aggregate.of_premises = nan;
    }
    result.aggregates.push_back(std::move(aggregate));
  }

  // ---- the disagreement and the premises that explain it ----
  result.scale = probability_output ? "log-odds"
                 : std::all_of(outputs.begin(), outputs.end(), [](double y) { return y > 0.0; }) ? "log"
                                                                                                 : "value";
  std::vector<std::size_t> disputed;  // premises on which forecasters differ
  std::vector<double> consensus(premise_count), low(premise_count), high(premise_count);
  for (std::size_t k = 0; k < premise_count; ++k) {
    const auto& values = premise_values[k];
    consensus[k] = all_probabilities(values) ? aggregate_geometric_mean_of_odds(values) : aggregate_mean(values);
    if (!std::isfinite(consensus[k])) consensus[k] = aggregate_mean(values);
    const auto [minimum, maximum] = std::minmax_element(values.begin(), values.end());
    low[k] = std::min(*minimum, consensus[k]);
    high[k] = std::max(*maximum, consensus[k]);
    if (*maximum > *minimum) disputed.push_back(k);
  }
  const ShapleyPlan plan = ShapleyPlan::automatic(disputed.size(), options.exact_limit, options.permutations,
                                                  options.seed);
  result.exact = plan.is_exact();

  // The point model: each disputed premise an input uniform(low, high), driven by the uniform that gives
  // the wanted value; agreed premises fixed; every other input at its median (uniform 0.5).
  std::vector<std::pair<std::string, DistributionCall>> grid_inputs;
  for (std::size_t k = 0; k < premise_count; ++k) {
    const bool is_disputed = std::find(disputed.begin(), disputed.end(), k) != disputed.end();
    // Padding keeps the driving uniforms inside (0, 1), away from the support's ends.
    const double pad = (high[k] - low[k]) / 8;
    grid_inputs.emplace_back(result.premises[k], is_disputed ? uniform_call(low[k] - pad, high[k] + pad)
                                                             : point_call(premise_values[k].front()));
  }
  Model point_model = with_inputs(structure, grid_inputs, "the panel", panel.location);
  // The padded range may leave [0, 1]; only the forecasters' values are ever drawn from it.
  for (const auto& [name, call] : grid_inputs) {
    Node node = *point_model.find(name);
    node.info.unit.clear();
    point_model.replace(std::move(node));
  }
  point_model.outputs = {result.output};
  const CompiledModel compiled(point_model);
  const std::size_t output_column = *compiled.column(result.output);
  std::vector<int> player_of_input(compiled.inputs().size(), -1);
  for (std::size_t i = 0; i < compiled.inputs().size(); ++i) {
    const std::string& name = compiled.node_names()[compiled.inputs()[i]];
    for (std::size_t p = 0; p < disputed.size(); ++p) {
      if (result.premises[disputed[p]] == name) player_of_input[i] = static_cast<int>(p);
    }
  }

  const std::size_t rows = plan.coalition_count() * forecaster_count;
  std::vector<double> transformed(rows);
  {
    std::vector<std::vector<double>> uniforms(compiled.inputs().size());
    std::vector<const double*> pointers(uniforms.size());
    Block block;
    EvaluationWorkspace workspace;
    for (std::size_t first = 0; first < rows; first += grid_chunk) {
      const std::size_t n = std::min(grid_chunk, rows - first);
      for (std::size_t i = 0; i < uniforms.size(); ++i) {
        uniforms[i].assign(n, 0.5);
        const int player = player_of_input[i];
        if (player < 0) continue;
        const std::size_t k = disputed[static_cast<std::size_t>(player)];
        for (std::size_t r = 0; r < n; ++r) {
          const std::size_t row = first + r;
          const std::size_t coalition = row / forecaster_count;
          const std::size_t f = row % forecaster_count;
          const double x = plan.contains(coalition, static_cast<std::size_t>(player)) ? premise_values[k][f] : consensus[k];
          const double pad = (high[k] - low[k]) / 8;
          uniforms[i][r] = (x - (low[k] - pad)) / ((high[k] + pad) - (low[k] - pad));
        }
        pointers[i] = uniforms[i].data();
      }
      for (std::size_t i = 0; i < uniforms.size(); ++i) pointers[i] = uniforms[i].data();
      compiled.evaluate(pointers, n, block, workspace, first, false);
      const auto values = block.column(output_column);
      for (std::size_t r = 0; r < n; ++r) {
        if (std::isnan(values[r])) {
          throw NumericalError("panel: the output '" + result.output +
                               "' is NaN at some mix of forecasters' premises and the consensus");
        }
        transformed[first + r] = transform(values[r], result.scale);
      }
    }
  }
  std::vector<double> variances(plan.coalition_count());
  for (std::size_t c = 0; c < plan.coalition_count(); ++c) {
    variances[c] = population_variance(std::span<const double>(transformed).subspan(c * forecaster_count, forecaster_count));
  }
  result.disagreement = variances[plan.full_coalition()];
  const ShapleyShares shares = plan.shares(variances);
  for (std::size_t k = 0; k < premise_count; ++k) {
    PremiseShare share;
    share.node = result.premises[k];
    const auto it = std::find(disputed.begin(), disputed.end(), k);
    if (it != disputed.end()) {
      const auto p = static_cast<std::size_t>(it - disputed.begin());
      share.share = shares.shares[p];
      share.standard_error = shares.stderrs[p];
    }
    share.fraction = result.disagreement > 0 ? share.share / result.disagreement : 0.0;
    result.shares.push_back(std::move(share));
  }
  std::stable_sort(result.shares.begin(), result.shares.end(),
                   [](const PremiseShare& x, const PremiseShare& y) { return x.share > y.share; });
  if (!plan.is_exact()) {
    result.notes.push_back(fmt::format("{} disputed premises: Shapley shares from {} sampled permutations",
                                       disputed.size(), plan.permutation_count()));
  }
  return result;
}

}  // namespace pdoom
