// compare(): node table, paired difference, Shapley attribution over hybrid models evaluated on
// common random numbers in one ordered pass over blocks.

#include "pdoom/audit/compare.hpp"

#include "../sample/conditional_call.hpp"

#include "pdoom/audit/shapley.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/random/copula.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/expr/program.hpp"
#include "pdoom/sample/run.hpp"
#include "pdoom/stats/moments.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <numeric>
#include <set>
#include <unordered_map>
#include <utility>

namespace pdoom {

namespace {

constexpr const char* correlations_change = "[correlations]";
// Sub-batches per block for the batch-means standard error of the shares: enough batches for a
// standard error even when the whole run is one block.
constexpr std::size_t batches_per_block = 8;
// Rows evaluated at once within a block: the columns of many variants stay in cache.
constexpr std::size_t chunk_rows = 1024;

// A canonical, order-independent text of a model's rank correlations, for change detection.
std::vector<std::tuple<std::string, std::string, double>> canonical_correlations(const Model& model) {
  std::vector<std::tuple<std::string, std::string, double>> result;
  for (const auto& correlation : model.correlations) {
    auto first = correlation.first;
    auto second = correlation.second;
    if (second < first) std::swap(first, second);
    result.emplace_back(first, second, correlation.rank_correlation);
  }
  std::sort(result.begin(), result.end());
  return result;
}

// Union-find over change indices.
struct Groups {
  std::vector<std::size_t> parent;
  explicit Groups(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool unite(std::size_t x, std::size_t y) {
    x = find(x);
    y = find(y);
    if (x == y) return false;
    if (y < x) std::swap(x, y);
    parent[y] = x;
    return true;
  }
};

// Strongly connected components (Tarjan, iterative) of a graph given by adjacency lists.
std::vector<std::size_t> strongly_connected_components(const std::vector<std::vector<std::size_t>>& edges) {
  const std::size_t n = edges.size();
  constexpr std::size_t unvisited = static_cast<std::size_t>(-1);
  std::vector<std::size_t> index(n, unvisited), low(n, 0), component(n, unvisited);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  std::size_t counter = 0;
  std::size_t components = 0;
  std::vector<std::pair<std::size_t, std::size_t>> call;  // (node, next edge)
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != unvisited) continue;
    call.emplace_back(root, 0);
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      auto& [node, next] = call.back();
      if (next < edges[node].size()) {
        const std::size_t child = edges[node][next++];
        if (index[child] == unvisited) {
          index[child] = low[child] = counter++;
          stack.push_back(child);
          on_stack[child] = true;
          call.emplace_back(child, 0);
        } else if (on_stack[child]) {
          low[node] = std::min(low[node], index[child]);
        }
        continue;
      }
      const std::size_t finished = node;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[finished]);
      if (low[finished] == index[finished]) {
        std::size_t member = 0;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = false;
          component[member] = components;
        } while (member != finished);
        ++components;
      }
    }
  }
  return component;
}

// The node of the union of A and B.
struct UnionNode {
  std::string name;
  const Node* a = nullptr;
  const Node* b = nullptr;
  bool changed = false;
  std::vector<std::size_t> references;  // union indices referenced by either definition
};

// The uniforms of one block: independent ones per input name, and the correlated versions under the
// copula of A and of B.
struct CopulaSide {
  std::vector<std::string> names;                 // correlated inputs, in the copula's order
  std::optional<GaussianCopula> copula;
};

CopulaSide make_copula_side(const Model& model) {
  CopulaSide side;
  if (model.correlations.empty()) return side;
  // The sampler's copula: the model's rank-correlation matrix over its correlated inputs in model order.
  const RankCorrelationMatrix matrix = assemble_rank_correlations(model);
  if (matrix.nodes.empty()) return side;
  for (const std::size_t index : matrix.nodes) side.names.push_back(model.nodes()[index].name);
  side.copula.emplace(matrix.rank);
  return side;
}

// ---- memoised evaluation of every hybrid ----
//
// A node's value in hybrid S depends only on S restricted to R(node): the node's own change and every
// change upstream of it (in either model), plus the correlations change for correlated inputs. Each
// (node, restriction) "variant" is computed once per block and shared by every hybrid that needs it, so
// an input is drawn at most four times per block (A/B definition, A/B copula) however many hybrids there
// are, and only nodes downstream of many changes are evaluated many times.

// Conditional distribution calls are compiled and evaluated as the sampler does.
using sample_detail::build_distribution;
using sample_detail::CompiledCall;
using sample_detail::compile_call;
using sample_detail::evaluate_arguments;

// One version (A's or B's) of a node, compiled against its own parents (local slots).
struct Definition {
  const Node* node = nullptr;
  std::vector<std::size_t> parents;        // union indices; local slot k reads parents[k]
  std::optional<Distribution> constant;    // a constant input, with its fast quantile table
  std::shared_ptr<const CompiledCall> call;  // a conditional input
  std::size_t argument_values = 0;
  std::optional<Program> program;         // a derived node
  bool probability = false;
};

Definition compile_definition(const Node& node, const std::unordered_map<std::string, std::size_t>& index_of) {
  Definition definition;
  definition.node = &node;
  definition.probability = node.is_probability();
  for (const auto& parent : node.parents()) definition.parents.push_back(index_of.at(parent));
  const std::vector<std::string> names = node.parents();
  const Program::SlotLookup slot_of = [&names](std::string_view name) -> std::optional<std::size_t> {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<std::size_t>(it - names.begin());
  };
  if (node.kind == NodeKind::input) {
    if (auto constant = constant_distribution(*node.distribution)) {
      definition.constant = constant->with_fast_quantile();
    } else {
      definition.call = compile_call(*node.distribution, slot_of, definition.argument_values);
    }
  } else {
    definition.program = Program::compile(*node.expression, slot_of);
  }
  return definition;
}

// One (node, variant) computation of the schedule.
struct Step {
  std::size_t node = 0;
  const Definition* definition = nullptr;
  std::vector<std::size_t> parent_steps;  // per local slot
  std::size_t key = 0;                    // uniform key (inputs)
  int copula = -1;                        // inputs: -1 independent, 0 A's copula, 1 B's
  std::size_t copula_position = 0;
  std::size_t buffer = 0;                 // where its values live while needed
  bool check = false;                     // part of model A or B: NaN and range are errors
  const char* model = "";                 // "A" or "B" for messages
};

// The schedule: steps and per-coalition accumulations, in order.
struct Event {
  bool accumulate = false;
  std::size_t index = 0;  // step, or coalition
};

// Per-thread scratch memory.
struct Worker {
  std::vector<std::vector<double>> independent;   // per uniform key, one block
  std::vector<std::vector<double>> correlated_a;  // per position in the A copula
  std::vector<std::vector<double>> correlated_b;
  std::vector<std::vector<double>> buffers;       // chunk-sized columns of the steps
  std::vector<const double*> slots;
  std::vector<std::vector<double>> argument_columns;
  std::vector<double> current_arguments;
  std::vector<double> previous_arguments;
  ProgramWorkspace program_workspace;
  std::vector<double> output_a;                    // one block
  std::vector<double> output_b;
};

// One block's contribution.
struct BlockResult {
  std::vector<std::vector<double>> batch_sums;  // [batch][coalition]
  std::vector<std::size_t> batch_rows;
  Moments a;
  Moments b;
  Moments difference;
};

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += separator;
    text += parts[i];
  }
  return text;
}

}  // namespace

std::string definition_text(const Node& node) {
  if (node.kind == NodeKind::input && node.distribution) return node.distribution->to_string();
  if (node.expression) return node.expression->to_string();
  return {};
}

std::string comparison_output(const Model& a, const Model& b, std::string_view requested) {
  if (!requested.empty()) {
    const bool in_a = a.find(requested) != nullptr;
    const bool in_b = b.find(requested) != nullptr;
    if (!in_a || !in_b) {
      std::string missing = !in_a && !in_b ? "either model" : (!in_a ? "model A ('" + a.name + "')" : "model B ('" + b.name + "')");
      throw ModelError({}, "output node '" + std::string(requested) + "' is not in " + missing);
    }
    return std::string(requested);
  }
  for (const auto& output : a.outputs) {
    if (b.find(output) != nullptr) return output;
  }
  throw ModelError({}, "models '" + a.name + "' and '" + b.name +
                           "' have no output in common; name the node to compare with --output");
}

Comparison compare(const Model& model_a_in, const Model& model_b_in, const CompareOptions& options) {
  if (options.samples == 0) throw Error("compare: samples must be at least 1");
  if (options.block_size == 0) throw Error("compare: block_size must be at least 1");
  if (options.exact_limit > 16) throw Error("compare: exact_limit is at most 16 (2^16 hybrid models)");
  const Model model_a = options.scenario_a.empty() ? model_a_in : apply_scenario(model_a_in, options.scenario_a);
  const Model model_b = options.scenario_b.empty() ? model_b_in : apply_scenario(model_b_in, options.scenario_b);
  require_valid(model_a);
  require_valid(model_b);

  Comparison result;
  result.output = comparison_output(model_a, model_b, options.output);
  result.model_a = model_a.name;
  result.model_b = model_b.name;
  result.samples = options.samples;
  result.seed = options.seed;

  // ---- the union of the nodes, matched by name ----
  std::vector<UnionNode> nodes;
  std::unordered_map<std::string, std::size_t> index_of;
  for (const Node& node : model_a.nodes()) {
    index_of.emplace(node.name, nodes.size());
    nodes.push_back({node.name, &node, model_b.find(node.name), false, {}});
  }
  for (const Node& node : model_b.nodes()) {
    if (index_of.count(node.name) == 0) {
      index_of.emplace(node.name, nodes.size());
      nodes.push_back({node.name, nullptr, &node, false, {}});
    }
  }
  for (auto& node : nodes) {
    const std::string text_a = node.a ? definition_text(*node.a) : std::string();
    const std::string text_b = node.b ? definition_text(*node.b) : std::string();
    node.changed = node.a == nullptr || node.b == nullptr || text_a != text_b ||
                   (node.a->kind != node.b->kind);
    std::set<std::size_t> references;
    for (const Node* version : {node.a, node.b}) {
      if (version == nullptr) continue;
      for (const auto& parent : version->parents()) references.insert(index_of.at(parent));
    }
    node.references.assign(references.begin(), references.end());
    NodeComparison row;
    row.name = node.name;
    row.in_a = node.a != nullptr;
    row.in_b = node.b != nullptr;
    row.changed = node.changed;
    row.definition_a = text_a;
    row.definition_b = text_b;
    result.nodes.push_back(std::move(row));
  }
  const bool correlations_changed = canonical_correlations(model_a) != canonical_correlations(model_b);

  // ---- which nodes can reach the output in some hybrid: ancestors in the union of both graphs ----
  const std::size_t output_index = index_of.at(result.output);
  std::vector<bool> relevant(nodes.size(), false);
  {
    std::vector<std::size_t> pending{output_index};
    relevant[output_index] = true;
    while (!pending.empty()) {
      const std::size_t current = pending.back();
      pending.pop_back();
      for (const std::size_t parent : nodes[current].references) {
        if (!relevant[parent]) {
          relevant[parent] = true;
          pending.push_back(parent);
        }
      }
    }
  }

  // ---- the changes and how they must be grouped ----
  std::vector<std::size_t> change_node;          // change index -> union node (or npos for correlations)
  std::vector<std::size_t> change_of(nodes.size(), static_cast<std::size_t>(-1));
  constexpr std::size_t npos = static_cast<std::size_t>(-1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].changed) continue;
    if (!relevant[i]) {
      result.irrelevant_changes.push_back(nodes[i].name);
      continue;
    }
    change_of[i] = change_node.size();
    change_node.push_back(i);
  }
  const auto correlates_relevant = [&](const Model& model) {
    return std::any_of(model.correlations.begin(), model.correlations.end(), [&](const Correlation& c) {
      return relevant[index_of.at(c.first)] || relevant[index_of.at(c.second)];
    });
  };
  std::size_t correlation_change = npos;
  if (correlations_changed && (correlates_relevant(model_a) || correlates_relevant(model_b))) {
    correlation_change = change_node.size();
    change_node.push_back(npos);
  } else if (correlations_changed) {
    result.irrelevant_changes.emplace_back(correlations_change);
  }

  Groups groups(change_node.size());
  std::map<std::pair<std::size_t, std::size_t>, std::string> reasons;  // by (change, change)
  const auto structural = [&](std::size_t node) { return nodes[node].a == nullptr || nodes[node].b == nullptr; };
  // A definition that refers to a node present in one model only can only be used together with it.
  for (std::size_t c = 0; c < change_node.size(); ++c) {
    if (change_node[c] == npos) continue;
    const UnionNode& node = nodes[change_node[c]];
    for (const Node* version : {node.a, node.b}) {
      if (version == nullptr) continue;
      for (const auto& parent : version->parents()) {
        const std::size_t referenced = index_of.at(parent);
        if (!structural(referenced) || change_of[referenced] == npos) continue;
        if (groups.unite(c, change_of[referenced])) {
          reasons[{c, change_of[referenced]}] =
              "'" + node.name + "' in " + (version == node.a ? "A" : "B") + " refers to '" + parent +
              "', which only " + (nodes[referenced].a ? "A" : "B") + " has";
        }
      }
    }
  }
  // Edges from both models can close a cycle in a hybrid: changes within one strongly connected
  // component of the union graph are applied together (each model alone is acyclic, so then is every hybrid).
  {
    std::vector<std::vector<std::size_t>> edges(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) edges[i] = nodes[i].references;
    const auto component = strongly_connected_components(edges);
    std::map<std::size_t, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < nodes.size(); ++i) members[component[i]].push_back(i);
    for (const auto& [id, list] : members) {
      if (list.size() < 2) continue;
      std::size_t first = npos;
      for (const std::size_t node : list) {
        if (change_of[node] == npos) continue;
        if (first == npos) {
          first = change_of[node];
        } else if (groups.unite(first, change_of[node])) {
          reasons[{first, change_of[node]}] = "'" + nodes[change_node[first]].name + "' and '" + nodes[node].name +
                                              "' refer to each other across A and B (a hybrid would have a cycle)";
        }
      }
    }
  }
  // Correlations need their nodes to exist as inputs.
  if (correlation_change != npos) {
    for (const Model* model : {&model_a, &model_b}) {
      for (const auto& correlation : model->correlations) {
        for (const auto& name : {correlation.first, correlation.second}) {
          const std::size_t node = index_of.at(name);
          if (change_of[node] == npos) continue;
          const bool kind_changes = structural(node) || nodes[node].a->kind != nodes[node].b->kind;
          if (kind_changes && groups.unite(correlation_change, change_of[node])) {
            reasons[{correlation_change, change_of[node]}] =
                "the correlations of " + std::string(model == &model_a ? "A" : "B") + " involve '" + name +
                "', which is not an input in both models";
          }
        }
      }
    }
  }

  // Players of the Shapley game: the groups, ordered by their first change.
  std::vector<std::vector<std::size_t>> players;  // change indices
  {
    std::map<std::size_t, std::size_t> player_of_root;
    for (std::size_t c = 0; c < change_node.size(); ++c) {
      const std::size_t root = groups.find(c);
      const auto [it, inserted] = player_of_root.emplace(root, players.size());
      if (inserted) players.emplace_back();
      players[it->second].push_back(c);
    }
  }
  const auto change_name = [&](std::size_t c) {
    return change_node[c] == npos ? std::string(correlations_change) : nodes[change_node[c]].name;
  };
  std::vector<Change> changes;
  for (const auto& player : players) {
    Change change;
    for (const std::size_t c : player) change.nodes.push_back(change_name(c));
    change.name = join(change.nodes, " + ");
    std::vector<std::string> why;
    for (const auto& [pair, reason] : reasons) {
      if (std::find(player.begin(), player.end(), pair.first) != player.end()) why.push_back(reason);
    }
    change.reason = join(why, "; ");
    if (player.size() > 1) {
      result.notes.push_back("changes applied together as one: " + change.name + " (" + change.reason + ")");
    }
    changes.push_back(std::move(change));
  }

  const ShapleyPlan plan = ShapleyPlan::automatic(players.size(), options.exact_limit, options.permutations,
                                                  options.seed);
  result.exact = plan.is_exact();
  result.permutations = plan.permutation_count();
  result.hybrids = plan.coalition_count();

  // ---- the schedule: every (node, variant) any hybrid needs, in an order that respects dependencies ----
  const CopulaSide copula_a = make_copula_side(model_a);
  const CopulaSide copula_b = make_copula_side(model_b);
  const std::size_t n_players = plan.players();
  const std::size_t coalitions = plan.coalition_count();
  std::vector<int> player_of_node(nodes.size(), -1);
  int correlation_player = -1;
  for (std::size_t p = 0; p < players.size(); ++p) {
    for (const std::size_t c : players[p]) {
      if (change_node[c] == npos) {
        correlation_player = static_cast<int>(p);
      } else {
        player_of_node[change_node[c]] = static_cast<int>(p);
      }
    }
  }
  const auto position_in = [](const CopulaSide& side, const std::string& name) -> std::optional<std::size_t> {
    const auto it = std::find(side.names.begin(), side.names.end(), name);
    if (it == side.names.end()) return std::nullopt;
    return static_cast<std::size_t>(it - side.names.begin());
  };
  // R(node): the players whose application can change the node's value; a fixed point because the
  // union of both graphs may have cycles (never within one hybrid).
  std::vector<std::vector<bool>> reach(nodes.size(), std::vector<bool>(n_players, false));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!relevant[i]) continue;
    if (player_of_node[i] >= 0) reach[i][static_cast<std::size_t>(player_of_node[i])] = true;
    if (correlation_player >= 0 && (position_in(copula_a, nodes[i].name) || position_in(copula_b, nodes[i].name))) {
      reach[i][static_cast<std::size_t>(correlation_player)] = true;
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!relevant[i]) continue;
      for (const std::size_t parent : nodes[i].references) {
        for (std::size_t p = 0; p < n_players; ++p) {
          if (reach[parent][p] && !reach[i][p]) {
            reach[i][p] = true;
            grew = true;
          }
        }
      }
    }
  }
  const auto variant_key = [&](std::size_t node, std::size_t coalition) {
    std::string key;
    for (std::size_t p = 0; p < n_players; ++p) {
      if (reach[node][p]) key += plan.contains(coalition, p) ? '1' : '0';
    }
    return key;
  };

  // Both versions of every relevant node, compiled once.
  std::vector<std::array<std::optional<Definition>, 2>> definitions(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!relevant[i]) continue;
    if (nodes[i].a != nullptr) definitions[i][0] = compile_definition(*nodes[i].a, index_of);
    if (nodes[i].b != nullptr) definitions[i][1] = compile_definition(*nodes[i].b, index_of);
  }
  // Uniform keys: every relevant input (either version) and every correlated input (the copula mixes them).
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::size_t> key_index;
  const auto add_key = [&](const std::string& name) {
    if (key_index.emplace(name, keys.size()).second) keys.push_back(name);
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!relevant[i]) continue;
    for (const Node* version : {nodes[i].a, nodes[i].b}) {
      if (version != nullptr && version->kind == NodeKind::input) add_key(nodes[i].name);
    }
  }
  for (const auto& name : copula_a.names) add_key(name);
  for (const auto& name : copula_b.names) add_key(name);

  const auto describe_hybrid = [&](std::size_t coalition) {
    if (coalition == plan.empty_coalition()) return "model A ('" + model_a.name + "')";
    if (coalition == plan.full_coalition()) return "model B ('" + model_b.name + "')";
    std::vector<std::string> applied;
    for (const std::size_t player : plan.members(coalition)) applied.push_back(changes[player].name);
    return "the hybrid of A with B's " + join(applied, ", ");
  };

  std::vector<Step> steps;
  std::vector<Event> events;
  std::vector<std::size_t> output_step(coalitions);
  std::vector<std::unordered_map<std::string, std::size_t>> step_of(nodes.size());
  for (std::size_t coalition = 0; coalition < coalitions; ++coalition) {
    const bool use_b_copula = correlation_player >= 0 && plan.contains(coalition, static_cast<std::size_t>(correlation_player));
    const auto version_of = [&](std::size_t node) -> const Definition* {
      const bool applied = player_of_node[node] >= 0 && plan.contains(coalition, static_cast<std::size_t>(player_of_node[node]));
      const auto& definition = definitions[node][applied ? 1 : 0];
      return definition ? &*definition : nullptr;
    };
    // Depth-first, post-order from the output; nodes already computed for this variant are reused.
    std::vector<char> state(nodes.size(), 0);  // 1 on the stack, 2 done
    std::vector<std::size_t> step_here(nodes.size(), npos);
    std::vector<std::pair<std::size_t, std::size_t>> stack{{output_index, 0}};
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == 0 && state[node] == 0) {
        const auto found = step_of[node].find(variant_key(node, coalition));
        if (found != step_of[node].end()) {
          step_here[node] = found->second;
          state[node] = 2;
          stack.pop_back();
          continue;
        }
        state[node] = 1;
      }
      const Definition* definition = version_of(node);
      if (definition == nullptr) {
        // Grouping makes this impossible; say so rather than crash if it ever happens.
        throw Error("compare: internal: '" + nodes[node].name + "' is missing from " + describe_hybrid(coalition));
      }
      if (next < definition->parents.size()) {
        const std::size_t parent = definition->parents[next++];
        if (state[parent] == 1) {
          throw Error("compare: internal: a cycle through '" + nodes[parent].name + "' in " + describe_hybrid(coalition));
        }
        if (state[parent] == 0) stack.emplace_back(parent, 0);
        continue;
      }
      Step step;
      step.node = node;
      step.definition = definition;
      for (const std::size_t parent : definition->parents) step.parent_steps.push_back(step_here[parent]);
      if (definition->node->kind == NodeKind::input) {
        step.key = key_index.at(nodes[node].name);
        const CopulaSide& side = use_b_copula ? copula_b : copula_a;
        if (side.copula) {
          if (const auto position = position_in(side, nodes[node].name)) {
            step.copula = use_b_copula ? 1 : 0;
            step.copula_position = *position;
          }
        }
      }
      step_here[node] = steps.size();
      step_of[node].emplace(variant_key(node, coalition), steps.size());
      events.push_back({false, steps.size()});
      steps.push_back(std::move(step));
      state[node] = 2;
      stack.pop_back();
    }
    output_step[coalition] = step_here[output_index];
    events.push_back({true, coalition});
    // Every node of A and of B is checked as the sampler checks it (NaN, probabilities in [0, 1]).
    if (coalition == plan.empty_coalition() || coalition == plan.full_coalition()) {
      std::vector<std::size_t> pending{output_index};
      std::vector<bool> seen(nodes.size(), false);
      seen[output_index] = true;
      while (!pending.empty()) {
        const std::size_t node = pending.back();
        pending.pop_back();
        Step& step = steps[step_of[node].at(variant_key(node, coalition))];
        step.check = true;
        step.model = coalition == plan.empty_coalition() ? "A" : "B";
        for (const std::size_t parent : version_of(node)->parents) {
          if (!seen[parent]) {
            seen[parent] = true;
            pending.push_back(parent);
          }
        }
      }
    }
  }
  // Buffers: a step's column lives from its computation to its last reader.
  std::size_t buffer_count = 0;
  {
    std::vector<std::size_t> last_use(steps.size(), 0);
    for (std::size_t time = 0; time < events.size(); ++time) {
      const Event& event = events[time];
      if (event.accumulate) {
        last_use[output_step[event.index]] = time;
      } else {
        last_use[event.index] = time;  // read by nobody: freed at once
        for (const std::size_t parent : steps[event.index].parent_steps) last_use[parent] = time;
      }
    }
    std::vector<std::size_t> free_buffers;
    for (std::size_t time = 0; time < events.size(); ++time) {
      const Event& event = events[time];
      std::vector<std::size_t> read;
      if (event.accumulate) {
        read.push_back(output_step[event.index]);
      } else {
        Step& step = steps[event.index];
        if (free_buffers.empty()) {
          step.buffer = buffer_count++;
        } else {
          step.buffer = free_buffers.back();
          free_buffers.pop_back();
        }
        read = step.parent_steps;
        read.push_back(event.index);
      }
      std::sort(read.begin(), read.end());
      read.erase(std::unique(read.begin(), read.end()), read.end());
      for (const std::size_t step : read) {
        if (last_use[step] == time) free_buffers.push_back(steps[step].buffer);
      }
    }
  }

  // ---- one ordered pass over blocks ----
  const std::uint64_t samples = options.samples;
  const std::uint64_t block_size = options.block_size;
  const std::uint64_t blocks = (samples + block_size - 1) / block_size;
  const unsigned threads = static_cast<unsigned>(std::min<std::uint64_t>(resolve_thread_count(options.threads), blocks));
  const std::size_t window = 2 * static_cast<std::size_t>(threads) + 2;
  std::vector<Worker> workers(threads);
  std::vector<BlockResult> slots(window);
  const std::size_t chunk = std::min<std::size_t>(chunk_rows, options.block_size);

  std::vector<double> totals(coalitions, 0.0);
  Moments moments_a, moments_b, moments_difference;
  // Batch means of the shares, weights w_b = n_b^2: the weighted mean of phi_b and the weighted sum of
  // squares about it, updated in West's (1979) stable way. The expanded sums of n_b^2 phi_b^2 etc. left
  // a rounding residue whose square root (~1e-9) showed as a Monte Carlo error where there is none.
  std::vector<double> batch_mean(n_players, 0.0), batch_spread(n_players, 0.0);
  double batch_weight_squares = 0.0;
  std::size_t batch_count = 0;
  std::vector<double> batch_values(coalitions);

  const auto compute_step = [&](const Step& step, Worker& worker, std::size_t offset, std::size_t m,
                                std::uint64_t first_sample, std::size_t coalition_hint) {
    const Definition& definition = *step.definition;
    double* out = worker.buffers[step.buffer].data();
    worker.slots.clear();
    for (const std::size_t parent : step.parent_steps) worker.slots.push_back(worker.buffers[steps[parent].buffer].data());
    if (definition.program) {
      definition.program->evaluate(worker.slots, m, out, worker.program_workspace);
    } else {
      const double* u = (step.copula == 0   ? worker.correlated_a[step.copula_position].data()
                         : step.copula == 1 ? worker.correlated_b[step.copula_position].data()
                                            : worker.independent[step.key].data()) +
                        offset;
      if (definition.constant) {
        quantile(*definition.constant, std::span<const double>(u, m), std::span<double>(out, m));
      } else {
        if (worker.argument_columns.size() < definition.argument_values) {
          worker.argument_columns.resize(definition.argument_values);
        }
        evaluate_arguments(*definition.call, worker.slots, m, worker.argument_columns, worker.program_workspace);
        worker.current_arguments.assign(definition.argument_values, 0.0);
        worker.previous_arguments.assign(definition.argument_values, 0.0);
        std::optional<Distribution> distribution;
        for (std::size_t row = 0; row < m; ++row) {
          for (std::size_t a = 0; a < definition.argument_values; ++a) {
            worker.current_arguments[a] = worker.argument_columns[a][row];
          }
          const bool same = distribution.has_value() &&
                            std::equal(worker.current_arguments.begin(), worker.current_arguments.end(),
                                       worker.previous_arguments.begin(),
                                       [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; });
          if (!same) {
            try {
              distribution = build_distribution(*definition.call, worker.current_arguments);
            } catch (const ParameterError& error) {
              throw NumericalError(fmt::format("compare: node '{}' in {}: {} at sample {}", nodes[step.node].name,
                                               step.check ? (std::string("model ") + step.model)
                                                          : describe_hybrid(coalition_hint),
                                               error.what(), first_sample + row));
            }
            std::swap(worker.current_arguments, worker.previous_arguments);
          }
          out[row] = quantile(*distribution, u[row]);
        }
      }
    }
    if (!step.check) return;
    for (std::size_t row = 0; row < m; ++row) {
      const double x = out[row];
      if (std::isfinite(x) && (!definition.probability || (x >= 0.0 && x <= 1.0))) continue;
      const std::string what = std::isfinite(x) ? fmt::format("is {:.6g}, outside [0, 1] for a probability,", x)
                                                : fmt::format("is {}", x);
      throw NumericalError(fmt::format("compare: node '{}' {} at sample {} in model {} ('{}')", nodes[step.node].name,
                                       what, first_sample + row, step.model,
                                       std::string_view(step.model) == "A" ? model_a.name : model_b.name));
    }
  };

  BlockLoopTasks tasks;
  tasks.process = [&](std::uint64_t block, std::size_t slot, std::size_t worker_index) {
    Worker& worker = workers[worker_index];
    BlockResult& out = slots[slot];
    const std::uint64_t first = block * block_size;
    const std::size_t rows = static_cast<std::size_t>(std::min<std::uint64_t>(block_size, samples - first));
    worker.independent.resize(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) {
      worker.independent[k].resize(rows);
      fill_uniforms(Design::mc, options.seed, keys[k], k, keys.size(), first, rows, samples, block,
                    worker.independent[k]);
    }
    const auto correlate = [&](const CopulaSide& side, std::vector<std::vector<double>>& columns) {
      if (!side.copula) return;
      columns.resize(side.names.size());
      std::vector<std::span<double>> spans;
      for (std::size_t d = 0; d < side.names.size(); ++d) {
        columns[d] = worker.independent[key_index.at(side.names[d])];
        spans.emplace_back(columns[d]);
      }
      side.copula->apply(std::span<const std::span<double>>(spans));
    };
    correlate(copula_a, worker.correlated_a);
    correlate(copula_b, worker.correlated_b);
    worker.buffers.resize(buffer_count);
    for (auto& buffer : worker.buffers) buffer.resize(chunk);
    worker.output_a.resize(rows);
    worker.output_b.resize(rows);

    const std::size_t batches = std::min<std::size_t>(batches_per_block, rows);
    out.batch_rows.assign(batches, 0);
    std::vector<std::size_t> batch_begin(batches + 1, 0);
    for (std::size_t batch = 0; batch <= batches; ++batch) batch_begin[batch] = rows * batch / batches;
    for (std::size_t batch = 0; batch < batches; ++batch) out.batch_rows[batch] = batch_begin[batch + 1] - batch_begin[batch];
    out.batch_sums.assign(batches, std::vector<double>(coalitions, 0.0));

    for (std::size_t offset = 0; offset < rows; offset += chunk) {
      const std::size_t m = std::min(chunk, rows - offset);
      std::size_t last_coalition = 0;
      for (const Event& event : events) {
        if (!event.accumulate) {
          compute_step(steps[event.index], worker, offset, m, first + offset, last_coalition);
          continue;
        }
        const std::size_t coalition = event.index;
        last_coalition = coalition + 1 < coalitions ? coalition + 1 : coalition;
        const double* values = worker.buffers[steps[output_step[coalition]].buffer].data();
        if (coalition != plan.empty_coalition() && coalition != plan.full_coalition()) {
          for (std::size_t row = 0; row < m; ++row) {
            if (!std::isfinite(values[row])) {
              throw NumericalError(fmt::format("compare: '{}' is {} at sample {} in {}", result.output, values[row],
                                               first + offset + row, describe_hybrid(coalition)));
            }
          }
        }
        for (std::size_t batch = 0; batch < batches; ++batch) {
          const std::size_t low = std::max(batch_begin[batch], offset);
          const std::size_t high = std::min(batch_begin[batch + 1], offset + m);
          double sum = 0.0;
          for (std::size_t row = low; row < high; ++row) sum += values[row - offset];
          out.batch_sums[batch][coalition] += sum;
        }
        if (coalition == plan.empty_coalition()) std::copy(values, values + m, worker.output_a.begin() + static_cast<std::ptrdiff_t>(offset));
        if (coalition == plan.full_coalition()) std::copy(values, values + m, worker.output_b.begin() + static_cast<std::ptrdiff_t>(offset));
      }
    }
    out.a = Moments();
    out.b = Moments();
    out.difference = Moments();
    out.a.add(worker.output_a);
    out.b.add(worker.output_b);
    for (std::size_t row = 0; row < rows; ++row) worker.output_b[row] -= worker.output_a[row];
    out.difference.add(worker.output_b);
  };
  tasks.commit = [&](std::uint64_t, std::size_t slot) {
    const BlockResult& in = slots[slot];
    for (std::size_t batch = 0; batch < in.batch_sums.size(); ++batch) {
      const double rows = static_cast<double>(in.batch_rows[batch]);
      for (std::size_t c = 0; c < coalitions; ++c) {
        totals[c] += in.batch_sums[batch][c];
        batch_values[c] = in.batch_sums[batch][c] / rows;
      }
      const ShapleyShares batch_shares = plan.shares(batch_values);
      const double weight = rows * rows;
      const double weights_after = batch_weight_squares + weight;
      for (std::size_t p = 0; p < n_players; ++p) {
        const double phi = batch_shares.shares[p];
        const double delta = phi - batch_mean[p];
        batch_mean[p] += weight / weights_after * delta;
        batch_spread[p] += weight * delta * (phi - batch_mean[p]);
      }
      batch_weight_squares = weights_after;
      ++batch_count;
    }
    moments_a.merge(in.a);
    moments_b.merge(in.b);
    moments_difference.merge(in.difference);
  };
  for_each_block_ordered(blocks, threads, window, tasks);

  const double total_rows = static_cast<double>(samples);
  std::vector<double> means(coalitions);
  for (std::size_t c = 0; c < coalitions; ++c) means[c] = totals[c] / total_rows;
  result.mean_a = means[plan.empty_coalition()];
  result.mean_b = means[plan.full_coalition()];
  result.difference = result.mean_b - result.mean_a;
  result.stderr_a = moments_a.standard_error();
  result.stderr_b = moments_b.standard_error();
  result.difference_stderr = moments_difference.standard_error();

  const ShapleyShares shares = plan.shares(means);
  for (std::size_t p = 0; p < n_players; ++p) {
    changes[p].share = shares.shares[p];
    // Batch means (ratio estimator): Var(phi) ~ sum n_b^2 (phi_b - phi)^2 / N^2 * B / (B - 1).
    const double phi = shares.shares[p];
    // sum w_b (phi_b - phi)^2 = sum w_b (phi_b - mean)^2 + W (mean - phi)^2.
    const double offset = batch_mean[p] - phi;
    const double spread = batch_spread[p] + batch_weight_squares * offset * offset;
    double monte_carlo = 0.0;
    if (batch_count > 1) {
      monte_carlo = spread / (total_rows * total_rows) * static_cast<double>(batch_count) /
                    static_cast<double>(batch_count - 1);
    }
    changes[p].share_stderr = std::sqrt(monte_carlo + shares.stderrs[p] * shares.stderrs[p]);
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& x, const Change& y) { return std::abs(x.share) > std::abs(y.share); });
  result.attribution = std::move(changes);
  if (correlations_changed) {
    result.notes.push_back("the models declare different rank correlations: '" + std::string(correlations_change) +
                           "' is treated as one change");
  }
  if (!plan.is_exact()) {
    result.notes.push_back(fmt::format(
        "{} changes: Shapley shares estimated from {} sampled permutations (antithetic pairs); "
        "their standard errors include the permutation sampling",
        plan.players(), plan.permutation_count()));
  }

  // ---- node table ----
  if (options.node_summaries) {
    RunOptions run_options;
    run_options.samples = options.samples;
    run_options.seed = options.seed;
    run_options.threads = options.threads;
    const RunResult run_a = run(model_a, run_options);
    const RunResult run_b = run(model_b, run_options);
    for (auto& row : result.nodes) {
      if (row.in_a) row.a = run_a.summary(row.name);
      if (row.in_b) row.b = run_b.summary(row.name);
    }
  }
  return result;
}

}  // namespace pdoom
