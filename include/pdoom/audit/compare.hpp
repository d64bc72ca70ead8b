#pragma once
// Comparing two models: which nodes differ, how much the output's mean differs (B - A, on common
// random numbers), and the exact Shapley attribution of that difference to the changes.

#include "pdoom/model/model.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/summary.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pdoom {

/// Settings of a comparison. Results depend on (models, options) only, never on the thread count.
struct CompareOptions {
  /// The node compared; empty means the first output of A that B also has.
  std::string output;
  /// Scenarios applied to A and B before comparing (empty: the base models).
  std::string scenario_a;
  std::string scenario_b;
  std::uint64_t samples = 100000;
  std::uint64_t seed = default_seed;
  /// Worker threads; 0 means every core.
  unsigned threads = 0;
  /// Rows evaluated at once; the inputs' streams are keyed by block, as in the sampler.
  std::size_t block_size = 4096;
  /// Exact Shapley values for up to this many changes (2^n hybrid models); at most 16.
  std::size_t exact_limit = 12;
  /// Sampled permutations (in antithetic pairs) beyond the exact limit.
  std::size_t permutations = 256;
  /// Whether to summarise every node of A and B for the node table (one extra run of each model).
  bool node_summaries = true;
};

/// One node of the union of the two models.
struct NodeComparison {
  std::string name;
  std::optional<Summary> a;  ///< unset when the node is absent from A (or summaries were not asked for)
  std::optional<Summary> b;
  bool in_a = false;
  bool in_b = false;
  /// The definition (distribution or formula, canonical text) differs, or the node is in one model only.
  bool changed = false;
  std::string definition_a;  ///< canonical text: "beta_ci(0.45, 0.8)" or "a * b"; empty when absent
  std::string definition_b;
};

/// One unit of the attribution: usually one changed node; several when they could only be applied
/// together (a formula that refers to a node that exists in one model only, or edges that would form a
/// cycle in a hybrid), or the models' rank correlations.
struct Change {
  std::string name;                ///< the node's name, or the members joined with " + "
  std::vector<std::string> nodes;  ///< the nodes changed together ("[correlations]" for correlations)
  double share = 0;                ///< its Shapley share of the difference
  double share_stderr = 0;         ///< Monte Carlo (and permutation-sampling) standard error of the share
  std::string reason;              ///< why nodes were grouped, empty for a single node
};

/// The result of compare().
struct Comparison {
  std::string output;
  std::string model_a;  ///< the models' names
  std::string model_b;
  std::uint64_t samples = 0;
  std::uint64_t seed = 0;
  double mean_a = 0;    ///< the output's mean in A and B on the same random numbers
  double mean_b = 0;
  double stderr_a = 0;
  double stderr_b = 0;
  double difference = 0;         ///< mean_b - mean_a
  double difference_stderr = 0;  ///< from the paired per-sample differences
  /// The changes that can reach the output, by decreasing |share|. Their shares add up to `difference`.
  std::vector<Change> attribution;
  /// Changed nodes that cannot influence the output in any hybrid (share exactly 0), not in `attribution`.
  std::vector<std::string> irrelevant_changes;
  bool exact = true;              ///< exact Shapley values (false: sampled permutations)
  std::size_t permutations = 0;   ///< permutations sampled (0 when exact)
  std::size_t hybrids = 0;        ///< hybrid models evaluated
  /// Every node of A (in A's order), then the nodes only in B (in B's order).
  std::vector<NodeComparison> nodes;
  /// Things a reader should know (grouped changes, correlations).
  std::vector<std::string> notes;
};

/// The output compare() uses: options.output if set (it must exist in both), else the first output of
/// A that B has. @throws ModelError when there is none or the named node is missing from one model.
[[nodiscard]] std::string comparison_output(const Model& a, const Model& b, std::string_view requested = {});

/// The canonical text of a node's definition (its distribution call or its formula).
[[nodiscard]] std::string definition_text(const Node& node);

/// Compares B against A: node table, difference of the output's mean with its standard error, and its
/// Shapley attribution over the changes. Hybrid model for a set S of changes: A with the definitions of
/// the nodes of S taken from B (a node only in B is added, a node only in A is removed), evaluated on the
/// same random numbers as A and B. @throws ModelError for invalid models, an unknown scenario or output;
/// Error for invalid options; NumericalError when A, B or a hybrid produces NaN or leaves [0, 1] where
/// a probability is required (the message names the hybrid).
[[nodiscard]] Comparison compare(const Model& a, const Model& b, const CompareOptions& options = {});

}  // namespace pdoom
