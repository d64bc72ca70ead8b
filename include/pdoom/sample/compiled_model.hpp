#pragma once
// A model compiled for evaluation over blocks of samples: the one mechanism shared by the sampler,
// the designs, the copula and the sensitivity analysis. Every input is driven by one uniform per
// sample; derived nodes run compiled block programs.

#include "pdoom/model/model.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Per-thread scratch memory for CompiledModel::evaluate; reuse it across blocks.
class EvaluationWorkspace {
 public:
  EvaluationWorkspace();
  ~EvaluationWorkspace();
  EvaluationWorkspace(EvaluationWorkspace&&) noexcept;
  EvaluationWorkspace& operator=(EvaluationWorkspace&&) noexcept;

  struct State;
  [[nodiscard]] State& state() noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

/// Node values for one block: column-major, `samples` rows, one column per node (model order), then
/// one per part of a split formula (CompileOptions::split_by_inputs).
struct Block {
  std::size_t samples = 0;
  std::size_t nodes = 0;
  std::vector<double> values;  ///< values[node * samples + row]

  [[nodiscard]] std::span<const double> column(std::size_t node) const noexcept {
    return {values.data() + node * samples, samples};
  }
  [[nodiscard]] std::span<double> column(std::size_t node) noexcept {
    return {values.data() + node * samples, samples};
  }
  /// Resizes for `rows` samples of `columns` nodes (keeps capacity).
  void resize(std::size_t rows, std::size_t columns) {
    samples = rows;
    nodes = columns;
    values.resize(rows * columns);
  }
};

/// How a model is compiled.
struct CompileOptions {
  /// Split each formula into parts by the inputs they depend on, each part a column of its own after
  /// the nodes' columns, so that evaluate_recombined recomputes only what the swapped inputs reach.
  /// Results are bit-identical either way; a full evaluation costs a little more memory traffic.
  bool split_by_inputs = false;
};

/// An immutable, thread-shareable compiled model.
class CompiledModel {
 public:
  /// Validates (require_valid) and compiles; `scenario` (if not empty) is applied first.
  /// @throws ModelError for an invalid model or unknown scenario.
  explicit CompiledModel(const Model& model, std::string_view scenario = {}, CompileOptions options = {});

  [[nodiscard]] const Model& model() const noexcept;
  /// The scenario applied at construction (empty for the base model).
  [[nodiscard]] const std::string& scenario() const noexcept;
  /// Node names in model order (the column order of a Block).
  [[nodiscard]] std::span<const std::string> node_names() const noexcept;
  /// Columns of a Block this model fills: its nodes, then the parts of split formulas (CompileOptions).
  [[nodiscard]] std::size_t column_count() const noexcept;
  /// Column indices of the input nodes, in model order: input i is driven by uniforms column i.
  [[nodiscard]] std::span<const std::size_t> inputs() const noexcept;
  /// Column indices of the outputs, in the model's output order.
  [[nodiscard]] std::span<const std::size_t> outputs() const noexcept;
  /// The column of the node called `name`, if any.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const noexcept;
  /// Whether input i's distribution has constant parameters (the fast, precomputed path).
  [[nodiscard]] bool input_is_constant(std::size_t input) const noexcept;
  /// Input i's distribution when it has constant parameters.
  [[nodiscard]] const Distribution* input_distribution(std::size_t input) const noexcept;

  /// Evaluates every node for `n` samples. uniforms[i] points to n uniforms in (0, 1) driving input i
  /// (inputs() order). Values land in `out` (resized to n x column_count()).
  /// @throws NumericalError naming the node and the input values of one offending sample when a value
  /// is NaN or infinite, or a "probability" node leaves [0, 1]; ParameterError (wrapped as NumericalError
  /// with the node) when a conditional distribution gets invalid parameters.
  void evaluate(std::span<const double* const> uniforms, std::size_t n, Block& out,
                EvaluationWorkspace& workspace) const;

  /// As above for samples [first_sample, first_sample + n) of a run: `first_sample` only numbers the
  /// samples in error messages. With `check` false, NaN and out-of-range values are left in place.
  /// @throws NumericalError as above (when `check`), Error when uniforms.size() != inputs().size().
  void evaluate(std::span<const double* const> uniforms, std::size_t n, Block& out,
                EvaluationWorkspace& workspace, std::uint64_t first_sample, bool check = true) const;

  /// The values of node `node` for samples that take the inputs at positions `swapped` from evaluation
  /// `b` and every other input from evaluation `a` (both full evaluations of this model over n
  /// samples), as in Sobol's A_B^i design. A column whose inputs all come from one side is that side's
  /// column; only columns that mix both are recomputed, into `out`. `uniforms` are the recombined
  /// uniforms (what evaluate() would be given), used by recomputed conditional inputs and in messages.
  /// The result points into a, b or out and stays valid while they do; it equals, bit for bit, the
  /// column evaluate() gives for these uniforms.
  /// @throws Error when a or b is not n x column_count() or `swapped` names no input; NumericalError
  /// as evaluate() for recomputed nodes.
  [[nodiscard]] std::span<const double> evaluate_recombined(std::span<const double* const> uniforms, std::size_t n,
                                                            const Block& a, const Block& b,
                                                            std::span<const std::size_t> swapped, std::size_t node,
                                                            Block& out, EvaluationWorkspace& workspace,
                                                            std::uint64_t first_sample = 0, bool check = true) const;

  /// Every output evaluated with each input at its median (the point estimate beside the mean);
  /// conditional inputs take the median of the distribution their parents' medians give.
  [[nodiscard]] std::vector<double> at_medians() const;
  /// Like at_medians() for every node, in column order (no fault checks: a NaN is returned as NaN).
  [[nodiscard]] std::vector<double> values_at_medians() const;

  struct State;

 private:
  std::shared_ptr<const State> state_;
};

}  // namespace pdoom
