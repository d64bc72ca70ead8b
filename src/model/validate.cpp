// Model validation: collects every error and warning with its node and location.

#include "pdoom/model/validate.hpp"

#include "pdoom/expr/program.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/model/graph.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <tuple>
#include <utility>

namespace pdoom {

namespace {

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string format_percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g%%", 100 * fraction);
  return buffer;
}

// Edit distance with adjacent transpositions (optimal string alignment), compared without case so
// that "Timelines" finds "timelines". Stops early once every entry of a row exceeds `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    std::size_t row_minimum = current[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      row_minimum = std::min(row_minimum, current[j]);
    }
    if (row_minimum > limit) return limit + 1;
    before.swap(previous);
    previous.swap(current);
  }
  return previous[m];
}

// Orders diagnostics by where they are in the file (so the first error is the first one a reader
// meets); those without a line go last, in the order they were found.
void sort_by_location(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto key = [](const Diagnostic& d) {
      return std::make_tuple(d.location.line == 0, d.location.line, d.location.column);
    };
    return key(a) < key(b);
  });
}

double constant_value(const Expression& expression) {
  return evaluate_scalar(expression, [](std::string_view name) -> double {
    throw ModelError({}, "constant_value: unexpected reference to '" + std::string(name) + "'");
  });
}

bool is_valid_scenario_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

class Validator {
 public:
  explicit Validator(const Model& model) : model_(model) {
    for (const Node& node : model.nodes()) {
      names_.push_back(node.name);
      index_.emplace(node.name, names_.size() - 1);
    }
  }

  std::vector<Diagnostic> run() {
    check_model_name();
    check_nodes();
    check_outputs();
    check_scenarios();
    check_correlations();
    sort_by_location(found_);
    return std::move(found_);
  }

 private:
  void error(SourceLocation location, std::string node, std::string message) {
    found_.push_back({Diagnostic::Severity::error, std::move(location), std::move(node), std::move(message)});
  }
  void warning(SourceLocation location, std::string node, std::string message) {
    found_.push_back({Diagnostic::Severity::warning, std::move(location), std::move(node), std::move(message)});
  }
  std::size_t error_count() const {
    return static_cast<std::size_t>(std::count_if(found_.begin(), found_.end(), [](const Diagnostic& d) {
      return d.severity == Diagnostic::Severity::error;
    }));
  }

  void check_model_name() {
    if (!model_.name.empty() && !is_valid_model_name(model_.name)) {
      error(model_.location, {}, "invalid model name '" + model_.name + "': model names are [a-z0-9_-]+");
    }
  }

  void check_nodes() {
    std::unordered_map<std::string, const Node*> first_seen;
    const std::size_t errors_before = error_count();
    for (const Node& node : model_.nodes()) {
      if (const std::string problem = node_name_problem(node.name); !problem.empty()) {
        error(node.location, node.name, problem);
      }
      if (const auto [where, inserted] = first_seen.emplace(node.name, &node); !inserted) {
        std::string message = "node '" + node.name + "' is defined twice";
        if (where->second->location.known()) message += " (first at " + where->second->location.to_string() + ")";
        error(node.location, node.name, message);
      }
      check_definition(node, node.info.unit, "", false);
    }
    // Cycles only make sense once every reference resolves; Graph reports the first one.
    if (error_count() == errors_before) check_cycles(model_, "");
  }

  void check_cycles(const Model& model, const std::string& prefix) {
    try {
      const Graph graph(model);
    } catch (const ModelError& failure) {
      error(failure.location(), {}, prefix + failure.message());
    }
  }

  // The definition of one node (or one scenario override): exactly one of dist/expr, references,
  // constant distribution parameters, probability units. `suffix` says which scenario, if any.
  void check_definition(const Node& node, const std::string& unit, const std::string& suffix, bool is_override) {
    const std::string what = is_override ? "the override of '" + node.name + "'" : "node '" + node.name + "'";
    if (node.distribution && node.expression) {
      error(node.location, node.name,
            what + " has both 'dist' and 'expr': an input has a distribution, a derived node an expression" + suffix);
      return;
    }
    if (!node.distribution && !node.expression) {
      error(node.location, node.name, what + " has neither 'dist' (an input) nor 'expr' (a derived node)" + suffix);
      return;
    }
    if (!is_override && (node.kind == NodeKind::input) != node.distribution.has_value()) {
      error(node.location, node.name,
            what + " is declared " + (node.kind == NodeKind::input ? "an input" : "a derived node") +
                " but has " + (node.distribution ? "a distribution" : "an expression"));
    }
    const std::string context = std::string(node.distribution ? "in distribution of '" : "in expression of '") +
                                node.name + "'" + suffix;
    bool references_ok = true;
    for (const std::string& parent : node.parents()) {
      const SourceLocation where = location_in_definition(node, reference_column(node, parent));
      if (parent == node.name) {
        error(where, node.name, "node '" + node.name + "' refers to itself" + suffix);
        references_ok = false;
      } else if (!index_.contains(parent)) {
        error(where, node.name, unknown_node_message(parent, context, names_));
        references_ok = false;
      }
    }
    const bool probability = unit == "probability";
    if (node.distribution) {
      const std::optional<Distribution> constant = check_call(node, *node.distribution, suffix);
      if (constant && probability) check_probability_distribution(node, *constant, suffix);
    } else if (references_ok && probability && node.expression->variables().empty()) {
      const double value = constant_value(*node.expression);
      if (!(value >= 0 && value <= 1)) {
        error(location_in_definition(node, 1), node.name,
              what + " has unit \"probability\" but its value " + format_number(value) + " is outside [0, 1]" +
                  suffix);
      }
    }
  }

  // Checks one (possibly nested) distribution call; returns its distribution when every argument is
  // constant and valid.
  std::optional<Distribution> check_call(const Node& node, const DistributionCall& call, const std::string& suffix) {
    const SourceLocation where = location_in_definition(node, call.column);
    const std::string context = "distribution of '" + node.name + "'" + suffix + ": ";
    const auto known = distribution_constructors();
    if (std::find(known.begin(), known.end(), call.constructor) == known.end()) {
      const std::vector<std::string> candidates(known.begin(), known.end());
      std::string message = context + "unknown distribution '" + call.constructor + "'";
      if (const auto closest = closest_name(call.constructor, candidates)) message += "; did you mean '" + *closest + "'?";
      error(where, node.name, message);
      return std::nullopt;
    }
    const std::size_t errors_before = error_count();
    bool constant = true;
    for (std::size_t i = 0; i < call.arguments.size(); ++i) {
      const auto& argument = call.arguments[i];
      const bool wants_distribution = argument_is_distribution(call.constructor, i);
      if (wants_distribution != static_cast<bool>(argument.call)) {
        error(where, node.name,
              context + "argument " + std::to_string(i + 1) + " of " + call.constructor + " must be " +
                  (wants_distribution ? "a distribution" : "a number"));
        continue;
      }
      if (argument.call) {
        if (!check_call(node, *argument.call, suffix)) constant = false;
      } else if (!argument.expression || !argument.expression->variables().empty()) {
        constant = false;
      }
    }
    if (error_count() != errors_before || !constant) return std::nullopt;
    try {
      return constant_distribution(call);
    } catch (const ParameterError& failure) {
      error(where, node.name, context + failure.what());
    } catch (const ExpressionError& failure) {
      error(where, node.name, context + failure.message());
    }
    return std::nullopt;
  }

  void check_probability_distribution(const Node& node, const Distribution& distribution, const std::string& suffix) {
    const auto [low, high] = support(distribution);
    if (low >= 0 && high <= 1) return;
    const SourceLocation where = location_in_definition(node, node.distribution->column);
    const std::string start = "node '" + node.name + "' has unit \"probability\" but " + distribution.written();
    if (std::isfinite(low) && std::isfinite(high)) {
      // A bounded family outside [0, 1] was written with the wrong numbers.
      error(where, node.name,
            start + " takes values in [" + format_number(low) + ", " + format_number(high) + "], outside [0, 1]" +
                suffix);
      return;
    }
    // An unbounded family is a modelling choice; say how much probability leaves [0, 1].
    const double below = cdf(distribution, std::nextafter(0.0, -1.0));
    const double above = 1 - cdf(distribution, 1.0);
    const double outside = below + above;
    if (outside > 0) {
      warning(where, node.name,
              start + " puts " + format_percent(outside) + " of its probability outside [0, 1]" + suffix);
    }
  }

  void check_outputs() {
    if (model_.outputs.empty()) {
      error(model_.location, {}, "the model declares no outputs");
      return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < model_.outputs.size(); ++i) {
      const std::string& output = model_.outputs[i];
      const SourceLocation where = i < model_.output_locations.size() ? model_.output_locations[i] : model_.location;
      if (!index_.contains(output)) {
        error(where, output, unknown_node_message(output, "in outputs", names_));
      } else if (!seen.insert(output).second) {
        warning(where, output, "output '" + output + "' is listed twice");
      }
    }
  }

  void check_scenarios() {
    std::set<std::string> seen_scenarios;
    for (const Scenario& scenario : model_.scenarios) {
      const std::size_t errors_before = error_count();
      if (!is_valid_scenario_name(scenario.name)) {
        error(scenario.location, {},
              "invalid scenario name '" + scenario.name + "': scenario names are letters, digits, '_' and '-'");
      }
      if (!seen_scenarios.insert(scenario.name).second) {
        error(scenario.location, {}, "scenario '" + scenario.name + "' is defined twice");
      }
      const std::string suffix = " (scenario '" + scenario.name + "')";
      std::set<std::string> seen_overrides;
      for (const Node& change : scenario.overrides) {
        const auto target = index_.find(change.name);
        if (target == index_.end()) {
          error(change.location, change.name,
                unknown_node_message(change.name, "in scenario '" + scenario.name + "'", names_));
          continue;
        }
        if (!seen_overrides.insert(change.name).second) {
          error(change.location, change.name,
                "scenario '" + scenario.name + "' overrides '" + change.name + "' twice");
          continue;
        }
        const Node& original = model_.nodes()[target->second];
        check_definition(change, change.info.unit.empty() ? original.info.unit : change.info.unit, suffix, true);
      }
      if (error_count() == errors_before) {
        check_cycles(apply_scenario(model_, scenario.name), "scenario '" + scenario.name + "': ");
      }
    }
  }

  void check_correlations() {
    if (model_.correlations.empty()) return;
    const std::size_t errors_before = error_count();
    std::set<std::pair<std::string, std::string>> seen;
    for (const Correlation& correlation : model_.correlations) {
      bool nodes_ok = true;
      for (const std::string* name : {&correlation.first, &correlation.second}) {
        const auto found = index_.find(*name);
        if (found == index_.end()) {
          error(correlation.location, *name, unknown_node_message(*name, "in correlation", names_));
          nodes_ok = false;
        } else if (model_.nodes()[found->second].kind != NodeKind::input) {
          error(correlation.location, *name,
                "correlation names '" + *name + "', a derived node; only inputs can be correlated");
          nodes_ok = false;
        }
      }
      if (nodes_ok && correlation.first == correlation.second) {
        error(correlation.location, correlation.first, "node '" + correlation.first + "' is correlated with itself");
        nodes_ok = false;
      }
      if (!(correlation.rank_correlation >= -1 && correlation.rank_correlation <= 1)) {
        error(correlation.location, correlation.first,
              "rank correlation " + format_number(correlation.rank_correlation) + " between '" + correlation.first +
                  "' and '" + correlation.second + "' is outside [-1, 1]");
      }
      if (nodes_ok && !seen.insert({std::min(correlation.first, correlation.second), std::max(correlation.first, correlation.second)}).second) {
        error(correlation.location, correlation.first,
              "the correlation between '" + correlation.first + "' and '" + correlation.second + "' is given twice");
      }
    }
    if (error_count() != errors_before) return;
    CorrelationRepair repair;
    const CopulaCorrelationMatrix matrix = copula_correlations(model_, &repair);
    if (repair.repaired) {
      const std::string& first = model_.nodes()[matrix.nodes[repair.row]].name;
      const std::string& second = model_.nodes()[matrix.nodes[repair.column]].name;
      warning(model_.correlations.front().location, {},
              "the rank correlations are not positive definite (no joint distribution has them all); repaired "
              "to a nearby positive-definite matrix, largest change " +
                  format_number(repair.max_change) + " in the correlation between '" + first + "' and '" + second +
                  "'");
    }
  }

  const Model& model_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Diagnostic> found_;
};

}  // namespace

std::vector<Diagnostic> validate(const Model& model) { return Validator(model).run(); }

std::vector<Diagnostic> require_valid(const Model& model) {
  std::vector<Diagnostic> diagnostics = validate(model);
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Diagnostic::Severity::error) throw ModelError(diagnostic.location, diagnostic.message);
  }
  return diagnostics;
}

std::optional<Distribution> constant_distribution(const DistributionCall& call) {
  std::vector<DistributionArgument> arguments;
  arguments.reserve(call.arguments.size());
  for (const auto& argument : call.arguments) {
    if (argument.call) {
      std::optional<Distribution> inner = constant_distribution(*argument.call);
      if (!inner) return std::nullopt;
      arguments.emplace_back(std::move(*inner));
    } else if (argument.expression) {
      if (!argument.expression->variables().empty()) return std::nullopt;
      arguments.emplace_back(constant_value(*argument.expression));
    } else {
      throw ParameterError(call.constructor + ": an argument is empty");
    }
  }
  return make_distribution(call.constructor, arguments);
}

std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  // Close enough to be a typo: one edit for short names, about a third of the letters for long ones.
  const std::size_t limit = name.size() <= 3 ? 1 : std::max<std::size_t>(2, name.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    const std::size_t distance = edit_distance(name, candidate, limit);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string abbreviated(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so that the cut falls between characters.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string result(text.substr(0, end));
  result += "...";
  return result;
}

std::string unknown_node_message(std::string_view name, std::string_view context,
                                 const std::vector<std::string>& candidates) {
  std::string message = "unknown node '" + abbreviated(name) + "'";
  if (!context.empty()) {
    message += ' ';
    message += context;
  }
  if (const auto closest = closest_name(name, candidates)) {
    // Appended piece by piece: `"literal" + string` here trips GCC 12's false -Wrestrict warning.
    message += "; did you mean '";
    message += *closest;
    message += "'?";
  }
  return message;
}

}  // namespace pdoom
