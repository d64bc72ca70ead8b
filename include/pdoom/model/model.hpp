#pragma once
// A scenario graph: named input nodes (distributions) and derived nodes (expressions), with the
// metadata that lets forecasters audit each other: label, rationale, source, unit.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/expression.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Whether a node is an uncertain input or a formula over other nodes.
enum class NodeKind { input, derived };

/// What a person reads about a node. The `{}` initializers let builder code name only some fields,
/// `{.label = "...", .unit = "probability"}`, without -Wmissing-field-initializers warnings.
struct NodeInfo {
  std::string label{};
  std::string rationale{};
  std::string source{};
  std::string unit{};                 ///< free text; "probability" means values must lie in [0, 1]
  std::vector<std::string> groups{};  ///< e.g. "capabilities": inputs analysed together by group sensitivity
};

/// One node of the graph. An input has `distribution`, a derived node has `expression`, never both.
struct Node {
  std::string name;
  NodeKind kind = NodeKind::input;
  std::optional<DistributionCall> distribution;
  std::optional<Expression> expression;
  NodeInfo info;
  SourceLocation location;    ///< where the node is declared (its table header in a file)
  SourceLocation definition;  ///< where its `dist` or `expr` text starts; columns inside it add to this

  [[nodiscard]] bool is_probability() const noexcept { return info.unit == "probability"; }
  /// The names this node's definition refers to.
  [[nodiscard]] std::vector<std::string> parents() const;
};

/// A named set of overrides: each replaces one node's definition (and, where given, its metadata).
struct Scenario {
  std::string name;
  std::string description;
  std::vector<Node> overrides;
  SourceLocation location;
};

/// A target Spearman rank correlation between two input nodes, applied by a Gaussian copula.
struct Correlation {
  std::string first;
  std::string second;
  double rank_correlation = 0;
  SourceLocation location;
};

/// A model: metadata, nodes in declaration order, outputs, scenarios, correlations.
class Model {
 public:
  Model() = default;
  /// @throws ModelError when the name is not [a-z0-9_-]+.
  explicit Model(std::string name);

  std::string name;
  std::string title;
  std::string description;
  std::vector<std::string> authors;
  std::vector<std::string> sources;
  std::vector<std::string> outputs;
  std::vector<SourceLocation> output_locations;  ///< where each output is named (parallel to outputs, may be shorter)
  std::optional<double> claimed;  ///< the bottom line the authors state, checked by lints
  std::vector<Scenario> scenarios;
  std::vector<Correlation> correlations;
  SourceLocation location;  ///< the file, for messages

  // ---- builder API: each returns a reference to the new node for use in later expressions ----

  /// Adds an input node with a fixed distribution. @throws ModelError on a bad or duplicate name.
  Expression input(std::string node_name, const Distribution& distribution, NodeInfo info = {});
  /// Adds an input node whose distribution's arguments may be expressions of other nodes.
  Expression input(std::string node_name, DistributionCall distribution, NodeInfo info = {});
  /// Adds a derived node. @throws ModelError on a bad or duplicate name.
  Expression derived(std::string node_name, Expression expression, NodeInfo info = {});
  /// Adds a node as it is (the loader uses this). @throws ModelError on a bad or duplicate name.
  void add(Node node);
  /// Declares a node as an output (reported as a result).
  void add_output(std::string node_name) { outputs.push_back(std::move(node_name)); }
  /// Declares a rank correlation between two inputs.
  void correlate(std::string first, std::string second, double rank_correlation);

  [[nodiscard]] const std::vector<Node>& nodes() const noexcept { return nodes_; }
  /// The node called `node_name`, or nullptr.
  [[nodiscard]] const Node* find(std::string_view node_name) const noexcept;
  [[nodiscard]] Node* find(std::string_view node_name) noexcept;
  /// Replaces the definition of an existing node (a programmatic edit). @throws ModelError if absent.
  void replace(Node node);
  /// The scenario called `scenario_name`, or nullptr.
  [[nodiscard]] const Scenario* find_scenario(std::string_view scenario_name) const noexcept;

 private:
  std::vector<Node> nodes_;
};

/// Whether `name` is a valid node name: [A-Za-z_][A-Za-z0-9_]*, not a function, constant or keyword.
[[nodiscard]] bool is_valid_node_name(std::string_view name) noexcept;
/// Whether `name` is a valid model name: [a-z0-9_-]+.
[[nodiscard]] bool is_valid_model_name(std::string_view name) noexcept;
/// Why `name` is not a valid node name ("'pi' is a constant of the expression language"), or "" if it is.
[[nodiscard]] std::string node_name_problem(std::string_view name);

/// Where `column` (1-based, inside the node's dist/expr text) lies in its file: the definition's line and
/// column + column - 1; the definition's line alone when its column is unknown (multi-line strings).
[[nodiscard]] SourceLocation location_in_definition(const Node& node, int column);
/// The column (1-based, in the node's dist/expr text) of the first reference to `name`; 0 if none is known.
[[nodiscard]] int reference_column(const Node& node, std::string_view name);

/// The model with a scenario's overrides applied (metadata kept unless the override gives it).
/// @throws ModelError naming the unknown scenario and the ones that exist.
[[nodiscard]] Model apply_scenario(const Model& model, std::string_view scenario_name);

}  // namespace pdoom
