// The model as the sensitivity methods see it, and the uniforms that drive its inputs.

#include "prepared_model.hpp"

#include "pdoom/error.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>

namespace pdoom::sensitivity_detail {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// The output asked for, or the model's first output. A node that is not declared an output may be
// analysed too (any node is a function of the inputs); an unknown name is an error about the data.
std::string resolve_output(const Model& model, const std::string& requested) {
  if (requested.empty()) {
    if (model.outputs.empty()) {
      throw ModelError(model.location, "the model declares no outputs: name the node to analyse");
    }
    return model.outputs.front();
  }
  if (model.find(requested) != nullptr) return requested;
  std::vector<std::string> names;
  for (const auto& node : model.nodes()) names.push_back(node.name);
  std::string message = fmt::format("unknown output node '{}'", requested);
  if (const auto suggestion = closest_name(requested, names)) {
    message += fmt::format(" (did you mean '{}'?)", *suggestion);
  }
  message += model.outputs.empty() ? std::string("; the model declares no outputs")
                                   : fmt::format("; the model's outputs are: {}", join(model.outputs));
  throw ModelError(model.location, message);
}

// Only the output and what it depends on: inputs the output ignores would cost evaluations and show
// up as rows of zeros. Node names key the random streams, so pruning leaves every draw unchanged.
Model prune(const Model& model, const std::string& output) {
  const Graph graph(model);
  const auto upstream = graph.upstream(*graph.index(output));
  Model pruned;
  pruned.name = model.name;
  pruned.title = model.title;
  pruned.location = model.location;
  std::unordered_set<std::string> kept;
  for (const std::size_t index : upstream) {
    pruned.add(model.nodes()[index]);
    kept.insert(model.nodes()[index].name);
  }
  pruned.outputs = {output};
  for (const auto& correlation : model.correlations) {
    if (correlation.rank_correlation != 0.0 && kept.contains(correlation.first) &&
        kept.contains(correlation.second)) {
      pruned.correlations.push_back(correlation);
    }
  }
  return pruned;
}

std::optional<InputCopula> make_copula(const Model& pruned, const CompiledModel& compiled) {
  if (pruned.correlations.empty()) return std::nullopt;
  const RankCorrelationMatrix matrix = assemble_rank_correlations(pruned);
  std::vector<std::size_t> positions;
  const auto inputs = compiled.inputs();
  for (const std::size_t node : matrix.nodes) {
    const auto column = compiled.column(pruned.nodes()[node].name);
    const auto found = std::find(inputs.begin(), inputs.end(), *column);
    positions.push_back(static_cast<std::size_t>(found - inputs.begin()));
  }
  return InputCopula{std::move(positions), GaussianCopula(matrix.rank)};
}

}  // namespace

PreparedModel prepare_model(const Model& model, const SensitivityOptions& options) {
  Model applied = options.scenario.empty() ? model : apply_scenario(model, options.scenario);
  require_valid(applied);
  std::string output = resolve_output(applied, options.output);
  Model pruned = prune(applied, output);
  // Split formulas: Sobol's A_B^i evaluations then recompute only what input i reaches. The other
  // methods get the same values either way.
  CompiledModel compiled(pruned, {}, CompileOptions{.split_by_inputs = true});
  const std::size_t output_column = *compiled.column(output);
  std::vector<std::string> inputs;
  for (const std::size_t column : compiled.inputs()) inputs.push_back(compiled.node_names()[column]);
  auto copula = make_copula(pruned, compiled);
  return PreparedModel{std::move(applied), std::move(output), std::move(compiled), output_column,
                       std::move(inputs), std::move(copula)};
}

void check_common_options(const SensitivityOptions& options, std::uint64_t minimum_samples) {
  if (options.samples < minimum_samples) {
    throw Error(fmt::format("sensitivity: samples ({}) must be at least {}", options.samples, minimum_samples));
  }
  if (options.block_size == 0) throw Error("sensitivity: block_size must be at least 1");
}

UniformLayout::UniformLayout(Design design, std::uint64_t seed, std::vector<std::string> keys,
                             std::uint64_t total)
    : design_(design), seed_(seed), keys_(std::move(keys)), total_(total) {
  if (design_ == Design::sobol && !keys_.empty()) sobol_.emplace(keys_.size());
}

void UniformLayout::fill(std::uint64_t block_index, std::uint64_t first, std::span<double> out) const {
  if (keys_.empty()) return;
  const std::size_t n = out.size() / keys_.size();
  for (std::size_t d = 0; d < keys_.size(); ++d) {
    const auto column = out.subspan(d * n, n);
    if (sobol_) {
      sobol_->fill(seed_, keys_[d], d, first, column);
    } else {
      fill_uniforms(design_, seed_, keys_[d], d, keys_.size(), first, n, total_, block_index, column);
    }
  }
}

void correlate(const PreparedModel& prepared, std::span<double> uniforms, std::size_t n) {
  if (!prepared.copula) return;
  std::vector<std::span<double>> columns;
  columns.reserve(prepared.copula->inputs.size());
  for (const std::size_t input : prepared.copula->inputs) columns.push_back(uniforms.subspan(input * n, n));
  prepared.copula->copula.apply(std::span<const std::span<double>>(columns));
}

std::uint64_t block_count(std::uint64_t samples, std::uint64_t block_size) noexcept {
  return samples / block_size + (samples % block_size != 0 ? 1 : 0);
}

}  // namespace pdoom::sensitivity_detail
