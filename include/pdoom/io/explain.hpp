#pragma once
// `pdoom explain`: a model as a readable argument, node by node in topological order, with how much each
// output depends on each input (Spearman rank correlation from a quick run).

#include "pdoom/model/model.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Settings of an explanation.
struct ExplainOptions {
  std::uint64_t samples = 20000;  ///< for the rank correlations (0: leave dependence out)
  std::uint64_t seed = default_seed;
  unsigned threads = 0;           ///< 0: every core; does not change the numbers
  std::string scenario;           ///< applied first when not empty
  std::size_t width = 88;         ///< text is wrapped to this many columns
};

/// An input node's distribution in words ("between 45% and 80%, 90% credible"); for a distribution
/// whose parameters depend on other nodes, "depends on a, b: beta_mean(a, 10)". Derived nodes give "".
[[nodiscard]] std::string distribution_in_words(const Node& node);

/// How strong a rank correlation is, in words: "strong" (|rho| >= 0.5), "moderate" (>= 0.3), "weak"
/// (>= 0.1), "negligible".
[[nodiscard]] std::string_view dependence_in_words(double spearman) noexcept;

/// The explanation of `model`: title, description, authors, sources, then every node in topological
/// order (label, distribution in words or formula, rationale, source, and for each input the Spearman
/// correlation of each output with it), then the outputs' rankings. `rankings` (one per output, e.g.
/// from rank_analysis) supplies the dependence; pass none to leave it out.
[[nodiscard]] std::string explain_text(const Model& model, std::span<const RankResult> rankings,
                                       std::size_t width = 88);

/// explain_text with rankings from rank_analysis of every output (options.samples samples, skipped
/// when 0), after options.scenario. @throws ModelError for an invalid model or scenario, Error or
/// NumericalError from the run.
[[nodiscard]] std::string explain(const Model& model, const ExplainOptions& options = {});

/// `text` broken into lines of at most `width` columns at spaces, each starting with `indent`
/// (blank lines and explicit line breaks kept).
[[nodiscard]] std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent = "");

}  // namespace pdoom
