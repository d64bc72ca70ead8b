// The Model value type: builder API, names, scenario application.

#include "pdoom/model/model.hpp"

#include "pdoom/expr/parser.hpp"
#include "pdoom/model/validate.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>

namespace pdoom {

namespace {

bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

void append_distinct(std::vector<std::string>& names, std::unordered_set<std::string>& seen,
                     std::vector<std::string> more) {
  for (auto& name : more) {
    if (seen.insert(name).second) names.push_back(std::move(name));
  }
}

// The first column at which `name` is referenced in the tree, 0 if nowhere. Iterative: expression
// trees built in code have no depth limit.
int column_in_expression(const Expression& root, std::string_view name) {
  std::vector<const Expression*> pending{&root};
  int best = 0;
  while (!pending.empty()) {
    const Expression* current = pending.back();
    pending.pop_back();
    if (current->operation() == Operation::variable) {
      if (current->name() == name && current->column() > 0 &&
          (best == 0 || current->column() < best)) {
        best = current->column();
      }
      continue;
    }
    for (const Expression& argument : current->arguments()) pending.push_back(&argument);
  }
  return best;
}

int column_in_call(const DistributionCall& call, std::string_view name) {
  int best = 0;
  for (const auto& argument : call.arguments) {
    int column = 0;
    if (argument.call) column = column_in_call(*argument.call, name);
    if (argument.expression) column = column_in_expression(*argument.expression, name);
    if (column > 0 && (best == 0 || column < best)) best = column;
  }
  return best;
}

void normalise_kind(Node& node) {
  // A node defined by exactly one of the two is unambiguous; keep `kind` consistent with it so that
  // code building nodes by hand cannot disagree with itself. Both or neither is left for validate().
  if (node.distribution.has_value() != node.expression.has_value()) {
    node.kind = node.distribution ? NodeKind::input : NodeKind::derived;
  }
}

}  // namespace

bool is_valid_node_name(std::string_view name) noexcept {
  if (name.empty() || !(is_letter(name.front()) || name.front() == '_')) return false;
  for (const char c : name) {
    if (!(is_letter(c) || is_digit(c) || c == '_')) return false;
  }
  // Names the expression language gives a meaning (functions, constants, keywords) would be shadowed.
  return !is_reserved_word(name);
}

bool is_valid_model_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
  });
}

std::string node_name_problem(std::string_view name) {
  if (is_valid_node_name(name)) return {};
  // Quote at most a screenful of a hostile name.
  const std::string shown = abbreviated(name);
  if (is_reserved_word(name)) {
    return "invalid node name '" + shown + "': it is a reserved word of the expression language";
  }
  return "invalid node name '" + shown +
         "': node names are letters, digits and '_', not starting with a digit";
}

SourceLocation location_in_definition(const Node& node, int column) {
  if (!node.definition.known()) return node.location;
  SourceLocation where = node.definition;
  if (where.column > 0 && column > 0) {
    where.column += column - 1;
  } else {
    where.column = 0;  // multi-line text: the line is all we know
  }
  return where;
}

int reference_column(const Node& node, std::string_view name) {
  int best = 0;
  if (node.distribution) best = column_in_call(*node.distribution, name);
  if (node.expression) {
    const int column = column_in_expression(*node.expression, name);
    if (column > 0 && (best == 0 || column < best)) best = column;
  }
  return best;
}

std::vector<std::string> Node::parents() const {
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  if (distribution) append_distinct(names, seen, distribution->variables());
  if (expression) append_distinct(names, seen, expression->variables());
  return names;
}

Model::Model(std::string model_name) : name(std::move(model_name)) {
  if (!is_valid_model_name(name)) {
    throw ModelError({}, "invalid model name '" + name + "': model names are [a-z0-9_-]+");
  }
}

Expression Model::input(std::string node_name, const Distribution& distribution, NodeInfo info) {
  DistributionCall call;
  try {
    call = parse_distribution(distribution.written());
  } catch (const ExpressionError& error) {
    // written() is documented to parse back; failing here is a bug in the dist layer.
    throw ModelError({}, "input '" + node_name + "': cannot read back distribution '" +
                             distribution.written() + "': " + error.message());
  }
  return input(std::move(node_name), std::move(call), std::move(info));
}

Expression Model::input(std::string node_name, DistributionCall distribution, NodeInfo info) {
  Node node;
  node.name = node_name;
  node.kind = NodeKind::input;
  node.distribution = std::move(distribution);
  node.info = std::move(info);
  add(std::move(node));
  return Expression::variable(std::move(node_name));
}

Expression Model::derived(std::string node_name, Expression expression, NodeInfo info) {
  Node node;
  node.name = node_name;
  node.kind = NodeKind::derived;
  node.expression = std::move(expression);
  node.info = std::move(info);
  add(std::move(node));
  return Expression::variable(std::move(node_name));
}

void Model::add(Node node) {
  if (const std::string problem = node_name_problem(node.name); !problem.empty()) {
    throw ModelError(node.location, problem);
  }
  if (const Node* existing = find(node.name)) {
    std::string message = "node '" + node.name + "' is defined twice";
    if (existing->location.known()) message += " (first at " + existing->location.to_string() + ")";
    throw ModelError(node.location, message);
  }
  normalise_kind(node);
  nodes_.push_back(std::move(node));
}

void Model::correlate(std::string first, std::string second, double rank_correlation) {
  correlations.push_back(Correlation{std::move(first), std::move(second), rank_correlation, {}});
}

const Node* Model::find(std::string_view node_name) const noexcept {
  const auto found = std::find_if(nodes_.begin(), nodes_.end(),
                                  [&](const Node& node) { return node.name == node_name; });
  return found == nodes_.end() ? nullptr : &*found;
}

Node* Model::find(std::string_view node_name) noexcept {
  const auto found = std::find_if(nodes_.begin(), nodes_.end(),
                                  [&](const Node& node) { return node.name == node_name; });
  return found == nodes_.end() ? nullptr : &*found;
}

void Model::replace(Node node) {
  Node* existing = find(node.name);
  if (existing == nullptr) {
    std::vector<std::string> names;
    for (const Node& candidate : nodes_) names.push_back(candidate.name);
    throw ModelError(node.location, unknown_node_message(node.name, "to replace", names));
  }
  normalise_kind(node);
  *existing = std::move(node);
}

const Scenario* Model::find_scenario(std::string_view scenario_name) const noexcept {
  const auto found = std::find_if(scenarios.begin(), scenarios.end(),
                                  [&](const Scenario& s) { return s.name == scenario_name; });
  return found == scenarios.end() ? nullptr : &*found;
}

Model apply_scenario(const Model& model, std::string_view scenario_name) {
  const Scenario* scenario = model.find_scenario(scenario_name);
  if (scenario == nullptr) {
    std::string message = "unknown scenario '" + std::string(scenario_name) + "'";
    if (model.scenarios.empty()) {
      message += "; the model has no scenarios";
    } else {
      message += "; the model has ";
      for (std::size_t i = 0; i < model.scenarios.size(); ++i) {
        message += (i > 0 ? ", '" : "'") + model.scenarios[i].name + "'";
      }
    }
    throw ModelError(model.location, message);
  }
  Model result = model;
  for (const Node& change : scenario->overrides) {
    Node* target = result.find(change.name);
    if (target == nullptr) {
      std::vector<std::string> names;
      for (const Node& candidate : model.nodes()) names.push_back(candidate.name);
      throw ModelError(change.location,
                       unknown_node_message(change.name, "in scenario '" + scenario->name + "'", names));
    }
    Node updated = *target;
    if (change.distribution || change.expression) {
      updated.distribution = change.distribution;
      updated.expression = change.expression;
      updated.definition = change.definition;
    }
    if (!change.info.label.empty()) updated.info.label = change.info.label;
    if (!change.info.rationale.empty()) updated.info.rationale = change.info.rationale;
    if (!change.info.source.empty()) updated.info.source = change.info.source;
    if (!change.info.unit.empty()) updated.info.unit = change.info.unit;
    if (!change.info.groups.empty()) updated.info.groups = change.info.groups;
    result.replace(std::move(updated));
  }
  // A correlation needs two random inputs: one that the scenario fixed by an expression has no
  // randomness left to correlate, so its correlations go with it.
  std::erase_if(result.correlations, [&](const Correlation& correlation) {
    const Node* first = result.find(correlation.first);
    const Node* second = result.find(correlation.second);
    return (first != nullptr && first->kind != NodeKind::input) ||
           (second != nullptr && second->kind != NodeKind::input);
  });
  return result;
}

}  // namespace pdoom
