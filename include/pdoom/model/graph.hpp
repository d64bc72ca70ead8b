#pragma once
// The scenario graph's structure for tools and the sampler: topological order, parents, children.

#include "pdoom/model/model.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace pdoom {

/// Edges of a model, by node index (the position in Model::nodes()).
class Graph {
 public:
  /// @throws ModelError on an unknown name (with the closest existing name), a self-reference or a
  /// cycle (spelled out: "a -> b -> a"). The graph refers to the model's node names: keep the model
  /// alive (and its nodes unchanged) while the graph is used.
  explicit Graph(const Model& model);

  /// Every node index, each after all of its parents; ties keep declaration order.
  [[nodiscard]] std::span<const std::size_t> order() const noexcept { return order_; }
  /// Nodes this node's definition refers to, in order of first reference. @throws std::out_of_range
  [[nodiscard]] std::span<const std::size_t> parents(std::size_t node) const;
  /// Nodes that refer to this node, ascending. @throws std::out_of_range
  [[nodiscard]] std::span<const std::size_t> children(std::size_t node) const;
  /// Input nodes this node depends on, directly or not (itself if it is an input), in declaration order.
  [[nodiscard]] std::vector<std::size_t> upstream_inputs(std::size_t node) const;
  /// Every node this node depends on, plus itself, in declaration order.
  [[nodiscard]] std::vector<std::size_t> upstream(std::size_t node) const;
  /// The index of the node called `name`.
  [[nodiscard]] std::optional<std::size_t> index(std::string_view name) const;
  [[nodiscard]] std::size_t size() const noexcept { return parents_.size(); }

 private:
  std::vector<std::string_view> names_;
  std::vector<std::vector<std::size_t>> parents_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::size_t> order_;
  std::vector<bool> is_input_;
};

}  // namespace pdoom
