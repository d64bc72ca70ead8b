#pragma once
// Model validation: every problem found, each with its node and location.

#include "pdoom/model/model.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// One finding about a model.
struct Diagnostic {
  enum class Severity { warning, error };
  Severity severity = Severity::error;
  SourceLocation location;
  std::string node;  ///< the node it is about, or empty
  std::string message;
};

/// All errors and warnings of a model: names, unknown references (with a suggestion), cycles,
/// self-references, definitions (exactly one of distribution/expression), constant distribution
/// parameters, outputs, scenarios, correlations (range, positive definiteness: repaired with a warning),
/// probability units on constants out of [0, 1].
[[nodiscard]] std::vector<Diagnostic> validate(const Model& model);

/// @throws ModelError for the first error validate() finds; returns the warnings otherwise.
std::vector<Diagnostic> require_valid(const Model& model);

/// The distribution of a call whose arguments are all constant; std::nullopt when some argument
/// refers to a node. @throws ParameterError for invalid constant parameters.
[[nodiscard]] std::optional<Distribution> constant_distribution(const DistributionCall& call);

/// The name among `candidates` closest to `name` (edit distance), if one is close enough to suggest.
[[nodiscard]] std::optional<std::string> closest_name(std::string_view name,
                                                      const std::vector<std::string>& candidates);

/// `text` cut to at most `limit` bytes plus "..." when longer, never inside a UTF-8 character: for
/// quoting user text (a hostile file may hold a megabyte-long name) in messages.
[[nodiscard]] std::string abbreviated(std::string_view text, std::size_t limit = 60);

/// "unknown node 'NAME' CONTEXT; did you mean 'CLOSEST'?" (the suggestion only when one is close).
[[nodiscard]] std::string unknown_node_message(std::string_view name, std::string_view context,
                                               const std::vector<std::string>& candidates);

}  // namespace pdoom
