// Lints: the questions a careful reviewer asks of a valid model. Each rule is documented in
// docs/auditing.md; the thresholds live in LintOptions.

#include "pdoom/audit/lint.hpp"

#include "pdoom/dist/distribution.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sample/run.hpp"
#include "pdoom/sensitivity/analysis.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace pdoom {

namespace {

std::string number(double x) { return fmt::format("{:.3g}", x); }

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

// Where a column inside a node's definition text lies in the file.
SourceLocation at_definition(const Node& node, int column = 1) {
  if (!node.definition.known()) return node.location;
  SourceLocation location = node.definition;
  if (location.column > 0 && column > 0) location.column += column - 1;
  return location;
}

Diagnostic warning(std::string_view lint_name, const Node* node, SourceLocation location, std::string text) {
  Diagnostic diagnostic;
  diagnostic.severity = Diagnostic::Severity::warning;
  diagnostic.location = std::move(location);
  if (node != nullptr) diagnostic.node = node->name;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  diagnostic.message.reserve(lint_name.size() + text.size() + 3);
  diagnostic.message += '[';
  diagnostic.message += lint_name;
  diagnostic.message += "] ";
  diagnostic.message += text;
  return diagnostic;
}

// The constant distribution of an input, if its parameters are constant and valid.
std::optional<Distribution> constant_of(const Node& node) {
  if (node.kind != NodeKind::input || !node.distribution) return std::nullopt;
  try {
    return constant_distribution(*node.distribution);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// Whether a node holds a probability: its unit says so, or it is an input whose (constant)
// distribution lives in [0, 1].
bool is_probability_node(const Node& node) {
  if (node.is_probability()) return true;
  if (const auto distribution = constant_of(node)) return is_probability(*distribution);
  return false;
}

double odds(double p) { return p / (1.0 - p); }

// ---- unsourced ----
void lint_unsourced(const Model& model, std::vector<Diagnostic>& out) {
  for (const Node& node : model.nodes()) {
    if (node.kind != NodeKind::input) continue;
    if (blank(node.info.source) && blank(node.info.rationale)) {
      out.push_back(warning("unsourced", &node, node.location,
                            "input '" + node.name +
                                "' has neither a source nor a rationale: say where the number comes from, "
                                "so that others can check it"));
    }
  }
}

// ---- overconfident ----
void lint_overconfident(const Model& model, const LintOptions& options, std::vector<Diagnostic>& out) {
  for (const Node& node : model.nodes()) {
    if (node.kind != NodeKind::input || !node.distribution) continue;
    const auto distribution = constant_of(node);
    if (!distribution || !is_probability_node(node)) continue;
    // Point values have their own lint; a Bernoulli input is an event, not a belief about a probability.
    const Family family = distribution->family();
    if (family == Family::point || family == Family::bernoulli) continue;
    const double low = quantile(*distribution, 0.05);
    const double high = quantile(*distribution, 0.95);
    const double width = high - low;
    const double odds_factor = (low <= 0.0 || high >= 1.0) ? std::numeric_limits<double>::infinity()
                                                           : odds(high) / odds(low);
    if (width < options.narrow_probability_width && odds_factor < options.narrow_odds_factor) {
      out.push_back(warning(
          "overconfident", &node, at_definition(node, node.distribution->column),
          fmt::format("probability '{}' has the 90% interval [{}, {}]: {} wide and a factor {} in odds, which "
                      "is near-certainty about a question that is not settled; widen it, or say in the "
                      "rationale what makes it this well known",
                      node.name, number(low), number(high), number(width), number(odds_factor))));
    }
  }
}

// ---- conjunctive chains ----

// Whether an expression is a probability by construction (a probability node, a complement, any/all of
// probabilities, logistic, clamp to [0, 1]); constants are not premises.
bool probability_expression(const Expression& expression, const Model& model) {
  switch (expression.operation()) {
    case Operation::variable: {
      const Node* node = model.find(expression.name());
      return node != nullptr && is_probability_node(*node);
    }
    case Operation::subtract: {
      const auto arguments = expression.arguments();
      return arguments.size() == 2 && arguments[0].is_constant() && arguments[0].value() == 1.0 &&
             probability_expression(arguments[1], model);
    }
    case Operation::any:
    case Operation::all:
    case Operation::multiply: {
      const auto arguments = expression.arguments();
      bool some = false;
      for (const auto& argument : arguments) {
        if (argument.is_constant()) {
          if (!(argument.value() >= 0.0 && argument.value() <= 1.0)) return false;
        } else if (!probability_expression(argument, model)) {
          return false;
        } else {
          some = true;
        }
      }
      return some;
    }
    case Operation::logistic: return true;
    case Operation::clamp: {
      const auto arguments = expression.arguments();
      return arguments.size() == 3 && arguments[1].is_constant() && arguments[2].is_constant() &&
             arguments[1].value() >= 0.0 && arguments[2].value() <= 1.0;
    }
    default: return false;
  }
}

bool is_product(const Expression& expression) {
  return expression.operation() == Operation::multiply || expression.operation() == Operation::all;
}

// The factors of a maximal product (multiply and all() flattened), in written order.
void collect_factors(const Expression& expression, std::vector<Expression>& factors) {
  if (is_product(expression)) {
    for (const auto& argument : expression.arguments()) collect_factors(argument, factors);
  } else {
    factors.push_back(expression);
  }
}

struct Chain {
  int column = 0;
  std::vector<std::string> premises;  // canonical text of the probability factors
};

// Walks `expression`, numbering maximal products in pre-order; records chains of at least `length`
// probability factors. Returns the expression rebuilt with chain number `target` nudged (each premise p
// replaced by p + nudge (1 - p)); other parts are rebuilt unchanged.
Expression walk(const Expression& expression, const Model& model, std::size_t length, std::vector<Chain>* chains,
                std::size_t& counter, std::size_t target, double nudge) {
  if (is_product(expression)) {
    std::vector<Expression> factors;
    collect_factors(expression, factors);
    const std::size_t number = counter++;
    std::vector<bool> premise(factors.size(), false);
    Chain chain;
    chain.column = expression.column();
    for (std::size_t i = 0; i < factors.size(); ++i) {
      premise[i] = !factors[i].is_constant() && probability_expression(factors[i], model);
      if (premise[i]) chain.premises.push_back(factors[i].to_string());
    }
    const bool is_chain = chain.premises.size() >= length;
    if (is_chain && chains != nullptr) chains->push_back(chain);
    std::vector<Expression> rebuilt;
    for (std::size_t i = 0; i < factors.size(); ++i) {
      Expression factor = walk(factors[i], model, length, chains, counter, target, nudge);
      if (is_chain && number == target && premise[i]) {
        factor = Expression::apply(
            Operation::add,
            {factor, Expression::apply(Operation::multiply,
                                       {Expression(nudge), Expression::apply(Operation::subtract, {Expression(1.0), factor})})});
      }
      rebuilt.push_back(std::move(factor));
    }
    Expression product = rebuilt.front();
    for (std::size_t i = 1; i < rebuilt.size(); ++i) {
      product = Expression::apply(Operation::multiply, {product, rebuilt[i]}, expression.column());
    }
    return product;
  }
  if (expression.operation() == Operation::constant || expression.operation() == Operation::variable) {
    return expression;
  }
  std::vector<Expression> arguments;
  for (const auto& argument : expression.arguments()) {
    arguments.push_back(walk(argument, model, length, chains, counter, target, nudge));
  }
  return Expression::apply(expression.operation(), std::move(arguments), expression.column());
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i > 0 ? ", " : "") + parts[i];
  return text;
}

// Values at the inputs' medians of `nodes` in `model`.
std::vector<double> at_medians(Model model, const std::vector<std::string>& nodes) {
  model.outputs = nodes;
  return CompiledModel(model).at_medians();
}

void lint_chains(const Model& model, const Graph& graph, const LintOptions& options, std::vector<Diagnostic>& out) {
  constexpr std::size_t no_target = static_cast<std::size_t>(-1);
  for (const Node& node : model.nodes()) {
    if (node.kind != NodeKind::derived || !node.expression) continue;
    std::vector<Chain> chains;
    std::size_t counter = 0;
    (void)walk(*node.expression, model, options.chain_length, &chains, counter, no_target, options.chain_nudge);
    if (chains.empty()) continue;
    // The output whose point value we report: the first output downstream of this node, else the node.
    std::string reported = node.name;
    const std::size_t self = *graph.index(node.name);
    for (const auto& output : model.outputs) {
      const auto index = graph.index(output);
      if (!index) continue;
      const auto upstream = graph.upstream(*index);
      if (std::find(upstream.begin(), upstream.end(), self) != upstream.end()) {
        reported = output;
        break;
      }
    }
    // Chains are numbered in the same pre-order as the walk that found them; find their numbers.
    std::size_t chain_number = 0;
    std::vector<std::size_t> numbers;
    {
      std::size_t all_counter = 0;
      std::vector<Chain> every;
      (void)walk(*node.expression, model, 0, &every, all_counter, no_target, options.chain_nudge);
      for (std::size_t i = 0; i < every.size(); ++i) {
        if (every[i].premises.size() >= options.chain_length) numbers.push_back(i);
      }
    }
    for (const Chain& chain : chains) {
      std::string movement;
      try {
        const double before = at_medians(model, {reported}).front();
        std::size_t nudge_counter = 0;
        Node nudged = node;
        nudged.expression = walk(*node.expression, model, options.chain_length, nullptr, nudge_counter,
                                 numbers.at(chain_number), options.chain_nudge);
        Model changed = model;
        changed.replace(nudged);
        const double after = at_medians(changed, {reported}).front();
        movement = fmt::format(
            " Nudging each premise {}% of the way toward 1 moves '{}' at the inputs' medians from {} to {}{}.",
            number(100 * options.chain_nudge), reported, number(before), number(after),
            before != 0.0 ? fmt::format(" (x{})", number(after / before)) : std::string());
      } catch (const Error&) {
        movement.clear();  // the point value cannot be computed; the warning stands without it
      }
      ++chain_number;
      out.push_back(warning(
          "conjunctive-chain", &node, at_definition(node, chain.column),
          fmt::format("'{}' multiplies {} probabilities ({}). Long conjunctions invite the multiple-stage "
                      "fallacy: each stage judged on its own tends to be set too low, doubt is counted at every "
                      "step, and the stages are rarely independent, so the product understates the whole.{}",
                      node.name, chain.premises.size(), join(chain.premises), movement)));
    }
  }
}

// ---- claimed ----
void lint_claimed(const Model& model, const LintOptions& options, std::vector<Diagnostic>& out) {
  if (!model.claimed || model.outputs.empty() || !options.run_model) return;
  const double claimed = *model.claimed;
  const std::string& output = model.outputs.front();
  SourceLocation location = model.location;
  try {
    RunOptions run_options;
    run_options.samples = options.samples;
    run_options.seed = options.seed;
    run_options.threads = options.threads;
    const RunResult result = run(model, run_options);
    const Summary& summary = result.summary(output);
    const double mean = summary.mean;
    const bool probabilities = claimed > 0.0 && claimed < 1.0 && mean > 0.0 && mean < 1.0;
    const double factor = probabilities ? odds(mean) / odds(claimed) : mean / claimed;
    const double spread = std::max(factor, 1.0 / factor);
    const bool far = !(spread <= options.claimed_odds_factor);
    const bool outside = claimed < summary.p05 || claimed > summary.p95;
    if (far || outside) {
      std::string why;
      if (far) {
        why = fmt::format("the mean is a factor {} {} the claim", number(spread), probabilities ? "in odds from" : "from");
      }
      if (outside) why += std::string(far ? ", and " : "") + "the claim lies outside that interval";
      out.push_back(warning(
          "claimed", nullptr, location,
          fmt::format("the model claims {} for '{}', but its own mean is {} (90% interval [{}, {}], {} samples): "
                      "{}. Either the inputs or the stated bottom line should change, or the difference explained.",
                      number(claimed), output, number(mean), number(summary.p05), number(summary.p95),
                      options.samples, why)));
    }
  } catch (const Error& error) {
    out.push_back(warning("claimed", nullptr, location,
                          std::string("the claim could not be checked: the run failed: ") + error.what()));
  }
}

// ---- point values ----
void lint_point_values(const Model& model, std::vector<Diagnostic>& out) {
  const auto is_point = [](const Node& node) {
    return node.kind == NodeKind::input && node.distribution && node.distribution->constructor == "point";
  };
  const auto is_constant_formula = [](const Node& node) {
    return node.kind == NodeKind::derived && node.expression && node.expression->variables().empty();
  };
  const bool uncertain = std::any_of(model.nodes().begin(), model.nodes().end(), [&](const Node& node) {
    if (node.kind != NodeKind::input || is_point(node) || !node.distribution) return false;
    const auto distribution = constant_of(node);
    return !distribution || variance(*distribution) > 0.0;
  });
  if (!uncertain) return;
  for (const Node& node : model.nodes()) {
    if (is_point(node)) {
      out.push_back(warning("point-value", &node, at_definition(node, node.distribution->column),
                            "'" + node.name + "' is the point value " + node.distribution->to_string() +
                                " while the model gives other inputs ranges: is it really known exactly? A "
                                "range shows how much it matters"));
    } else if (is_constant_formula(node)) {
      out.push_back(warning("point-value", &node, at_definition(node, node.expression->column()),
                            "'" + node.name + "' is the constant " + node.expression->to_string() +
                                " while the model gives other inputs ranges: make it an input with a range, or "
                                "say why it is known exactly"));
    }
  }
}

// ---- unused ----
void lint_unused(const Model& model, std::vector<Diagnostic>& out) {
  std::set<std::string> used;
  const auto mark = [&](const Model& variant) {
    const Graph graph(variant);
    for (const auto& output : variant.outputs) {
      const auto index = graph.index(output);
      if (!index) continue;
      for (const std::size_t node : graph.upstream(*index)) used.insert(variant.nodes()[node].name);
    }
  };
  mark(model);
  // A node used only by a scenario's overrides still has a purpose.
  for (const auto& scenario : model.scenarios) {
    try {
      mark(apply_scenario(model, scenario.name));
    } catch (const Error&) {
      // An invalid scenario is validate()'s to report.
    }
  }
  for (const Node& node : model.nodes()) {
    if (used.count(node.name) != 0) continue;
    out.push_back(warning("unused", &node, node.location,
                          "'" + node.name + "' influences no output (nothing that an output depends on refers to it): "
                          "remove it, or make it an output if it is a result"));
  }
}

// ---- negligible ----
void lint_negligible(const Model& model, const LintOptions& options, std::vector<Diagnostic>& out) {
  std::map<std::string, double> largest;  // input -> largest total index over the outputs
  std::map<std::string, std::pair<double, double>> interval;
  for (const auto& output : model.outputs) {
    SensitivityOptions sensitivity;
    sensitivity.output = output;
    sensitivity.samples = options.sobol_samples;
    sensitivity.seed = options.seed;
    sensitivity.threads = options.threads;
    sensitivity.model_groups = false;
    try {
      if (has_correlated_inputs(model, sensitivity)) {
        out.push_back(warning("negligible", nullptr, model.location,
                              "total Sobol indices not computed for '" + output +
                                  "': its inputs are correlated, and Sobol indices assume independent inputs"));
        return;
      }
      const SobolResult result = sobol_analysis(model, sensitivity);
      // A constant output has no variance to apportion: every index is 0 and says nothing.
      if (!(result.variance > 0.0)) continue;
      for (const auto& index : result.inputs) {
        auto [it, inserted] = largest.emplace(index.name, index.total.value);
        if (inserted || index.total.value > it->second) {
          it->second = index.total.value;
          interval[index.name] = {index.total.low, index.total.high};
        }
      }
    } catch (const Error& error) {
      out.push_back(warning("negligible", nullptr, model.location,
                            "total Sobol indices not computed for '" + output + "': " + error.what()));
      return;
    }
  }
  for (const Node& node : model.nodes()) {
    const auto it = largest.find(node.name);
    if (it == largest.end() || node.kind != NodeKind::input) continue;
    if (it->second < options.negligible_total_index) {
      const auto [low, high] = interval[node.name];
      out.push_back(warning(
          "negligible", &node, node.location,
          fmt::format("input '{}' explains almost none of the outputs' variance (largest total Sobol index {}, "
                      "95% interval [{}, {}]): a candidate to simplify into a point value",
                      node.name, number(it->second), number(low), number(high))));
    }
  }
}

}  // namespace

std::vector<std::string_view> lint_names() {
  return {"unsourced", "overconfident", "conjunctive-chain", "claimed", "point-value", "unused", "negligible"};
}

std::vector<Diagnostic> lint(const Model& model, const LintOptions& options) {
  std::vector<Diagnostic> result;
  const auto diagnostics = validate(model);
  const bool valid = std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::error;
  });
  lint_unsourced(model, result);
  lint_overconfident(model, options, result);
  if (valid) {
    const Graph graph(model);
    lint_chains(model, graph, options, result);
    lint_claimed(model, options, result);
  }
  lint_point_values(model, result);
  if (valid) {
    lint_unused(model, result);
    if (options.sobol) lint_negligible(model, options, result);
  }
  return result;
}

}  // namespace pdoom
