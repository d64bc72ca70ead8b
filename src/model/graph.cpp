// The scenario graph's edges, topological order and cycle reports.

#include "pdoom/model/graph.hpp"

#include "pdoom/model/validate.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace pdoom {

namespace {

// Some cycle among `remaining` nodes, each of which has at least one parent among them (what Kahn's
// algorithm leaves behind): follow first remaining parents until a node repeats. Returned in the
// direction "uses", starting at its earliest-declared node, with that node repeated at the end.
std::vector<std::size_t> find_cycle(const std::vector<std::vector<std::size_t>>& parents,
                                    const std::vector<bool>& remaining) {
  const std::size_t start =
      static_cast<std::size_t>(std::find(remaining.begin(), remaining.end(), true) - remaining.begin());
  std::vector<std::size_t> visit_step(parents.size(), static_cast<std::size_t>(-1));
  std::vector<std::size_t> path;
  std::size_t current = start;
  while (visit_step[current] == static_cast<std::size_t>(-1)) {
    visit_step[current] = path.size();
    path.push_back(current);
    const auto& candidates = parents[current];
    const auto next = std::find_if(candidates.begin(), candidates.end(),
                                   [&](std::size_t parent) { return remaining[parent]; });
    current = *next;  // exists: every remaining node has a remaining parent
  }
  std::vector<std::size_t> cycle(path.begin() + static_cast<std::ptrdiff_t>(visit_step[current]), path.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  cycle.push_back(cycle.front());
  return cycle;
}

}  // namespace

Graph::Graph(const Model& model) {
  const auto& nodes = model.nodes();
  const std::size_t count = nodes.size();
  names_.reserve(count);
  std::unordered_map<std::string_view, std::size_t> index_of;
  std::vector<std::string> all_names;
  for (std::size_t i = 0; i < count; ++i) {
    names_.emplace_back(nodes[i].name);
    index_of.emplace(nodes[i].name, i);
    all_names.push_back(nodes[i].name);
    is_input_.push_back(nodes[i].kind == NodeKind::input);
  }
  parents_.resize(count);
  children_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Node& node = nodes[i];
    const std::string context =
        std::string(node.distribution ? "in distribution of '" : "in expression of '") + node.name + "'";
    for (const std::string& parent_name : node.parents()) {
      const auto found = index_of.find(parent_name);
      const SourceLocation where = location_in_definition(node, reference_column(node, parent_name));
      if (found == index_of.end()) {
        throw ModelError(where, unknown_node_message(parent_name, context, all_names));
      }
      if (found->second == i) throw ModelError(where, "node '" + node.name + "' refers to itself");
      parents_[i].push_back(found->second);
      children_[found->second].push_back(i);
    }
  }
  for (auto& list : children_) std::sort(list.begin(), list.end());

  // Kahn's algorithm with the smallest ready index first: each node after its parents, ties in
  // declaration order.
  std::vector<std::size_t> waiting_on(count);
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < count; ++i) {
    waiting_on[i] = parents_[i].size();
    if (waiting_on[i] == 0) ready.push(i);
  }
  order_.reserve(count);
  while (!ready.empty()) {
    const std::size_t next = ready.top();
    ready.pop();
    order_.push_back(next);
    for (const std::size_t child : children_[next]) {
      if (--waiting_on[child] == 0) ready.push(child);
    }
  }
  if (order_.size() < count) {
    std::vector<bool> remaining(count, false);
    for (std::size_t i = 0; i < count; ++i) remaining[i] = waiting_on[i] > 0;
    const std::vector<std::size_t> cycle = find_cycle(parents_, remaining);
    std::string spelled;
    for (std::size_t k = 0; k < cycle.size(); ++k) {
      spelled += (k > 0 ? " -> " : "") + nodes[cycle[k]].name;
    }
    const Node& first = nodes[cycle[0]];
    throw ModelError(location_in_definition(first, reference_column(first, nodes[cycle[1]].name)),
                     "cycle: " + spelled + " (each node's definition uses the next)");
  }
}

std::span<const std::size_t> Graph::parents(std::size_t node) const { return parents_.at(node); }

std::span<const std::size_t> Graph::children(std::size_t node) const { return children_.at(node); }

std::vector<std::size_t> Graph::upstream(std::size_t node) const {
  std::vector<bool> reached(size(), false);
  std::vector<std::size_t> pending{node};
  reached.at(node) = true;
  while (!pending.empty()) {
    const std::size_t current = pending.back();
    pending.pop_back();
    for (const std::size_t parent : parents_[current]) {
      if (!reached[parent]) {
        reached[parent] = true;
        pending.push_back(parent);
      }
    }
  }
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < size(); ++i) {
    if (reached[i]) result.push_back(i);
  }
  return result;
}

std::vector<std::size_t> Graph::upstream_inputs(std::size_t node) const {
  std::vector<std::size_t> result = upstream(node);
  std::erase_if(result, [&](std::size_t i) { return !is_input_[i]; });
  return result;
}

std::optional<std::size_t> Graph::index(std::string_view name) const {
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found == names_.end()) return std::nullopt;
  return static_cast<std::size_t>(found - names_.begin());
}

}  // namespace pdoom
