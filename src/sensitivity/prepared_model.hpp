#pragma once
// Private to the sensitivity layer: the model as every method sees it (scenario applied, pruned to the
// nodes the analysed output depends on, compiled), the layout of the inputs' uniforms over blocks, and
// the option checks the methods share.

#include "pdoom/model/model.hpp"
#include "pdoom/random/copula.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/random/sobol.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sensitivity/options.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pdoom::sensitivity_detail {

/// The correlated inputs of a prepared model and the copula that correlates their uniforms.
struct InputCopula {
  std::vector<std::size_t> inputs;  ///< positions among the compiled model's inputs
  GaussianCopula copula;
};

/// A model ready for analysis of one output.
struct PreparedModel {
  Model model;                        ///< the scenario applied (all nodes), for names and groups
  std::string output;                 ///< the node analysed
  CompiledModel compiled;             ///< only the output and the nodes it depends on
  std::size_t output_column = 0;      ///< the output's column in a Block of `compiled`
  std::vector<std::string> inputs;    ///< input names, in the compiled model's input order
  std::optional<InputCopula> copula;  ///< set when some of those inputs are correlated
};

/// Applies the scenario, resolves and checks the output, prunes and compiles.
/// @throws ModelError for an invalid model, an unknown scenario or output (naming the outputs).
[[nodiscard]] PreparedModel prepare_model(const Model& model, const SensitivityOptions& options);

/// Checks the options every method uses. @throws Error naming the option and its value.
void check_common_options(const SensitivityOptions& options, std::uint64_t minimum_samples);

/// Fills the uniforms of a design for named keys, one column per key, block by block.
class UniformLayout {
 public:
  /// `keys[d]` drives dimension d; `total` samples in the run. @throws Error as fill_uniforms would.
  UniformLayout(Design design, std::uint64_t seed, std::vector<std::string> keys, std::uint64_t total);

  [[nodiscard]] std::size_t dimensions() const noexcept { return keys_.size(); }
  /// Fills `out` (column-major, n = out.size() / dimensions() rows) with samples [first, first + n)
  /// of block `block_index`.
  void fill(std::uint64_t block_index, std::uint64_t first, std::span<double> out) const;

 private:
  Design design_;
  std::uint64_t seed_;
  std::vector<std::string> keys_;
  std::uint64_t total_;
  std::optional<SobolSequence> sobol_;
};

/// Applies the prepared model's copula (if any) to the uniform columns of one block, in place.
void correlate(const PreparedModel& prepared, std::span<double> uniforms, std::size_t n);

/// The number of blocks of `block_size` rows covering `samples` rows.
[[nodiscard]] std::uint64_t block_count(std::uint64_t samples, std::uint64_t block_size) noexcept;

}  // namespace pdoom::sensitivity_detail
