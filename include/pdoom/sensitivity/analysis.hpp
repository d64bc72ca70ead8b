#pragma once
// Several sensitivity methods on one output in one call: what `pdoom sensitivity` runs.

#include "pdoom/model/model.hpp"
#include "pdoom/sensitivity/options.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"
#include "pdoom/sensitivity/sobol_indices.hpp"
#include "pdoom/sensitivity/tornado.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// The sensitivity methods.
enum class SensitivityMethod { tornado, rank, sobol };

/// The method named `name` ("tornado", "rank", "sobol"); nullopt otherwise.
[[nodiscard]] std::optional<SensitivityMethod> parse_sensitivity_method(std::string_view name) noexcept;
/// The name of a method as parse_sensitivity_method reads it.
[[nodiscard]] std::string_view sensitivity_method_name(SensitivityMethod method) noexcept;

/// The results of the methods asked for (the others are unset).
struct SensitivityReport {
  std::string model;   ///< the model's name
  std::string output;  ///< the node analysed
  std::string scenario;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  std::optional<TornadoResult> tornado;
  std::optional<RankResult> rank;
  std::optional<SobolResult> sobol;
  /// Things a reader should know, e.g. that Sobol indices were skipped because of correlations.
  std::vector<std::string> notes;
};

/// Whether the output's inputs (after the scenario) carry rank correlations, which rules out Sobol
/// indices. @throws as sobol_analysis for an invalid model, output or scenario.
[[nodiscard]] bool has_correlated_inputs(const Model& model, const SensitivityOptions& options = {});

/// Runs `methods` (each at most once, in the order tornado, rank, sobol) on `options.output`.
/// When `skip_sobol_if_correlated` is set, Sobol is left out with a note for a model with correlated
/// inputs instead of throwing (what `--method all` wants).
/// @throws whatever the methods throw.
[[nodiscard]] SensitivityReport sensitivity_analysis(const Model& model,
                                                     const std::vector<SensitivityMethod>& methods,
                                                     const SensitivityOptions& options = {},
                                                     bool skip_sobol_if_correlated = false);

}  // namespace pdoom
