// compare(): node table, paired difference, Shapley attribution over hybrid models evaluated on
// common random numbers in one ordered pass over blocks.

#include "pdoom/audit/compare.hpp"

#include "pdoom/audit/shapley.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/random/copula.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sample/run.hpp"
#include "pdoom/stats/moments.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
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

// Per-thread scratch memory.
struct Worker {
  std::vector<std::vector<double>> independent;  // per uniform key
  std::vector<std::vector<double>> correlated_a;  // per key of the A copula
  std::vector<std::vector<double>> correlated_b;
  std::vector<const double*> pointers;
  Block block;
  EvaluationWorkspace workspace;
  std::vector<double> output_a;
  std::vector<double> output_b;
};

// One block's contribution.
struct BlockResult {
  std::size_t rows = 0;
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

  // ---- build and compile the hybrid of every coalition ----
  const CopulaSide copula_a = make_copula_side(model_a);
  const CopulaSide copula_b = make_copula_side(model_b);
  std::vector<CompiledModel> hybrids;
  std::vector<int> hybrid_copula;                       // 0: A's correlations, 1: B's
  hybrids.reserve(plan.coalition_count());
  for (std::size_t coalition = 0; coalition < plan.coalition_count(); ++coalition) {
    std::vector<bool> applied(nodes.size(), false);
    bool use_b_correlations = false;
    std::vector<std::string> applied_names;
    for (const std::size_t player : plan.members(coalition)) {
      applied_names.push_back(changes[player].name);
      for (const std::size_t c : players[player]) {
        if (change_node[c] == npos) {
          use_b_correlations = true;
        } else {
          applied[change_node[c]] = true;
        }
      }
    }
    if (!correlations_changed) use_b_correlations = false;
    Model hybrid("hybrid");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!relevant[i]) continue;
      const Node* version = applied[i] ? nodes[i].b : nodes[i].a;
      if (version != nullptr) hybrid.add(*version);
    }
    hybrid.add_output(result.output);
    try {
      hybrids.emplace_back(hybrid);
    } catch (const ModelError& error) {
      const std::string which = coalition == plan.empty_coalition() ? std::string("model A")
                                : coalition == plan.full_coalition()
                                    ? std::string("model B")
                                    : "the hybrid of A with B's " + join(applied_names, ", ");
      throw ModelError(error.location(), "compare: " + which + " cannot be built: " + error.message());
    }
    hybrid_copula.push_back(use_b_correlations ? 1 : 0);
  }

  // ---- the uniform keys: every input of some hybrid, and every correlated input ----
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::size_t> key_index;
  const auto add_key = [&](const std::string& name) {
    if (key_index.emplace(name, keys.size()).second) keys.push_back(name);
  };
  for (const auto& hybrid : hybrids) {
    for (const std::size_t column : hybrid.inputs()) add_key(hybrid.node_names()[column]);
  }
  for (const auto& name : copula_a.names) add_key(name);
  for (const auto& name : copula_b.names) add_key(name);
  // For each hybrid and input: which uniform column drives it (key, and whether correlated).
  struct Source {
    std::size_t key = 0;
    int correlated = -1;  // -1 independent; 0/1: position in copula A/B is `position`
    std::size_t position = 0;
  };
  const auto position_in = [](const CopulaSide& side, const std::string& name) -> std::optional<std::size_t> {
    const auto it = std::find(side.names.begin(), side.names.end(), name);
    if (it == side.names.end()) return std::nullopt;
    return static_cast<std::size_t>(it - side.names.begin());
  };
  std::vector<std::vector<Source>> sources(hybrids.size());
  for (std::size_t h = 0; h < hybrids.size(); ++h) {
    const CopulaSide& side = hybrid_copula[h] == 1 ? copula_b : copula_a;
    for (const std::size_t column : hybrids[h].inputs()) {
      const std::string& name = hybrids[h].node_names()[column];
      Source source;
      source.key = key_index.at(name);
      if (side.copula) {
        if (const auto position = position_in(side, name)) {
          source.correlated = hybrid_copula[h];
          source.position = *position;
        }
      }
      sources[h].push_back(source);
    }
  }
  std::vector<std::size_t> output_column(hybrids.size());
  for (std::size_t h = 0; h < hybrids.size(); ++h) output_column[h] = *hybrids[h].column(result.output);

  // ---- one ordered pass over blocks ----
  const std::uint64_t samples = options.samples;
  const std::uint64_t block_size = options.block_size;
  const std::uint64_t blocks = (samples + block_size - 1) / block_size;
  const unsigned threads = resolve_thread_count(options.threads);
  const std::size_t window = 2 * static_cast<std::size_t>(threads) + 2;
  std::vector<Worker> workers(threads);
  std::vector<BlockResult> slots(window);
  const std::size_t coalitions = plan.coalition_count();
  const std::size_t n_players = plan.players();

  std::vector<double> totals(coalitions, 0.0);
  Moments moments_a, moments_b, moments_difference;
  // Batch means of the shares: sums over batches of n_b phi_b, n_b^2 phi_b, n_b^2 phi_b^2, n_b^2.
  std::vector<double> batch_weighted(n_players, 0.0), batch_square_weighted(n_players, 0.0),
      batch_squares(n_players, 0.0);
  double batch_weight_squares = 0.0;
  std::size_t batch_count = 0;
  std::vector<double> batch_values(coalitions);

  const auto describe_hybrid = [&](std::size_t h) {
    if (h == plan.empty_coalition()) return std::string("model A");
    if (h == plan.full_coalition()) return std::string("model B");
    std::vector<std::string> applied;
    for (const std::size_t player : plan.members(h)) applied.push_back(changes[player].name);
    return "the hybrid of A with B's " + join(applied, ", ");
  };

  BlockLoopTasks tasks;
  tasks.process = [&](std::uint64_t block, std::size_t slot, std::size_t worker_index) {
    Worker& worker = workers[worker_index];
    BlockResult& out = slots[slot];
    const std::uint64_t first = block * block_size;
    const std::size_t rows = static_cast<std::size_t>(std::min<std::uint64_t>(block_size, samples - first));
    out.rows = rows;
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

    const std::size_t batches = std::min<std::size_t>(batches_per_block, rows);
    out.batch_rows.assign(batches, 0);
    for (std::size_t batch = 0; batch < batches; ++batch) {
      out.batch_rows[batch] = rows * (batch + 1) / batches - rows * batch / batches;
    }
    out.batch_sums.assign(batches, std::vector<double>(coalitions, 0.0));
    for (std::size_t h = 0; h < hybrids.size(); ++h) {
      worker.pointers.clear();
      for (const Source& source : sources[h]) {
        if (source.correlated == 0) {
          worker.pointers.push_back(worker.correlated_a[source.position].data());
        } else if (source.correlated == 1) {
          worker.pointers.push_back(worker.correlated_b[source.position].data());
        } else {
          worker.pointers.push_back(worker.independent[source.key].data());
        }
      }
      const bool endpoint = h == plan.empty_coalition() || h == plan.full_coalition();
      hybrids[h].evaluate(worker.pointers, rows, worker.block, worker.workspace, first, endpoint);
      const auto values = worker.block.column(output_column[h]);
      if (!endpoint) {
        for (std::size_t row = 0; row < rows; ++row) {
          if (!std::isfinite(values[row])) {
            throw NumericalError(fmt::format("compare: '{}' is {} at sample {} in {}", result.output, values[row],
                                             first + row, describe_hybrid(h)));
          }
        }
      }
      std::size_t row = 0;
      for (std::size_t batch = 0; batch < batches; ++batch) {
        double sum = 0.0;
        for (std::size_t end = row + out.batch_rows[batch]; row < end; ++row) sum += values[row];
        out.batch_sums[batch][h] = sum;
      }
      if (h == plan.empty_coalition()) worker.output_a.assign(values.begin(), values.end());
      if (h == plan.full_coalition()) worker.output_b.assign(values.begin(), values.end());
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
      for (std::size_t p = 0; p < n_players; ++p) {
        const double phi = batch_shares.shares[p];
        batch_weighted[p] += rows * phi;
        batch_square_weighted[p] += rows * rows * phi;
        batch_squares[p] += rows * rows * phi * phi;
      }
      batch_weight_squares += rows * rows;
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
    double spread = batch_squares[p] - 2.0 * phi * batch_square_weighted[p] + phi * phi * batch_weight_squares;
    spread = std::max(0.0, spread);
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
