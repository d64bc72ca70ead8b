// The model layer: names, the builder API, scenarios, the graph, validation with exact locations,
// correlation matrices.

#include <catch2/catch.hpp>

#include "pdoom/expr/builder.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/model/correlation_matrix.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/model/validate.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

// A node as the loader makes it: its text starts at line `line`, column `column` of "m.toml".
Node derived_node(std::string name, std::string_view text, int line, int column = 9) {
  Node node;
  node.name = std::move(name);
  node.kind = NodeKind::derived;
  node.expression = parse_expression(text);
  node.location = SourceLocation{"m.toml", line - 1, 1};
  node.definition = SourceLocation{"m.toml", line, column};
  return node;
}

Node input_node(std::string name, std::string_view text, int line, int column = 9) {
  Node node;
  node.name = std::move(name);
  node.kind = NodeKind::input;
  node.distribution = parse_distribution(text);
  node.location = SourceLocation{"m.toml", line - 1, 1};
  node.definition = SourceLocation{"m.toml", line, column};
  return node;
}

std::vector<Diagnostic> errors_of(const Model& model) {
  std::vector<Diagnostic> errors;
  for (const Diagnostic& diagnostic : validate(model)) {
    if (diagnostic.severity == Diagnostic::Severity::error) errors.push_back(diagnostic);
  }
  return errors;
}

std::vector<Diagnostic> warnings_of(const Model& model) {
  std::vector<Diagnostic> warnings;
  for (const Diagnostic& diagnostic : validate(model)) {
    if (diagnostic.severity == Diagnostic::Severity::warning) warnings.push_back(diagnostic);
  }
  return warnings;
}

// Three inputs and a product, valid; tests break one thing at a time.
Model small_model() {
  Model model{"small"};
  model.add(input_node("timelines", "beta_ci(0.45, 0.8)", 3));
  model.add(input_node("alignment", "beta(2, 5)", 6));
  model.add(input_node("deployment", "uniform(0.2, 0.9)", 9));
  model.add(derived_node("doom", "timelines * alignment * deployment", 12));
  model.add_output("doom");
  return model;
}

std::string names_in_order(const Model& model, const Graph& graph) {
  std::string text;
  for (const std::size_t i : graph.order()) text += (text.empty() ? "" : " ") + model.nodes()[i].name;
  return text;
}

}  // namespace

TEST_CASE("node names follow the identifier rule and avoid reserved words", "[model]") {
  for (const char* good : {"a", "_x", "timelines", "p_2070", "A1_b2", "exponent", "pie", "ee", "iff"}) {
    CHECK(is_valid_node_name(good));
    CHECK(node_name_problem(good).empty());
  }
  for (const char* bad : {"", "2a", "a-b", "a b", "a.b", "é", "a$"}) {
    CHECK_FALSE(is_valid_node_name(bad));
    CHECK_THAT(node_name_problem(bad), Catch::Contains("letters, digits and '_'"));
  }
  // Every word the expression language reserves, the ones the issue lists by name among them.
  for (const std::string_view word : reserved_words()) {
    CHECK_FALSE(is_valid_node_name(word));
    CHECK_THAT(node_name_problem(word), Catch::Contains("reserved word"));
  }
  for (const char* listed : {"pi", "e", "and", "or", "not", "if", "any", "all", "exp", "clamp", "logit", "pow"}) {
    CHECK_FALSE(is_valid_node_name(listed));
  }
}

TEST_CASE("model names are lower-case letters digits dashes and underscores", "[model]") {
  CHECK(is_valid_model_name("carlsmith-2022"));
  CHECK(is_valid_model_name("a_b-3"));
  CHECK_FALSE(is_valid_model_name(""));
  CHECK_FALSE(is_valid_model_name("Carlsmith"));
  CHECK_FALSE(is_valid_model_name("a b"));
  CHECK_NOTHROW(Model{"ok-name"});
  CHECK_THROWS_AS(Model{"Not OK"}, ModelError);
}

TEST_CASE("the builder API adds inputs and derived nodes that reference each other", "[model]") {
  Model model{"built"};
  const Expression timelines = model.input("timelines", beta_ci(0.45, 0.8), {.label = "APS by 2070"});
  const Expression alignment = model.input("alignment", beta(2, 5));
  const Expression doom = model.derived("doom", timelines * alignment, {.unit = "probability"});
  model.add_output("doom");

  REQUIRE(model.nodes().size() == 3);
  CHECK(model.nodes()[0].kind == NodeKind::input);
  CHECK(model.nodes()[0].info.label == "APS by 2070");
  CHECK(model.nodes()[2].kind == NodeKind::derived);
  CHECK(model.nodes()[2].is_probability());
  CHECK(doom.operation() == Operation::variable);
  CHECK(doom.name() == "doom");
  CHECK(model.nodes()[2].parents() == std::vector<std::string>{"timelines", "alignment"});
  // The input keeps the constructor call it was written with (Distribution::written round-trips).
  REQUIRE(model.nodes()[0].distribution);
  CHECK(model.nodes()[0].distribution->constructor == "beta_ci");
  CHECK(structurally_equal(*model.nodes()[2].expression, parse_expression("timelines * alignment")));
  CHECK(validate(model).empty());

  CHECK(model.find("alignment") == &model.nodes()[1]);
  CHECK(model.find("nothing") == nullptr);
  CHECK_THROWS_WITH(model.input("doom", beta(1, 1)), Catch::Contains("node 'doom' is defined twice"));
  CHECK_THROWS_WITH(model.derived("2x", 1.0), Catch::Contains("invalid node name '2x'"));
  CHECK_THROWS_WITH(model.derived("pi", 1.0), Catch::Contains("reserved word"));
}

TEST_CASE("a conditional distribution makes its arguments parents", "[model]") {
  Model model{"conditional"};
  const Expression capability = model.input("capability", lognormal_ci(1, 100));
  DistributionCall call = parse_distribution("beta_mean(clamp(0.001 * capability, 0.01, 0.9), 20)");
  model.input("misaligned", call);
  CHECK(model.nodes()[1].parents() == std::vector<std::string>{"capability"});
  CHECK_FALSE(constant_distribution(call).has_value());
  (void)capability;
}

TEST_CASE("replace swaps a node's definition and rejects unknown nodes", "[model]") {
  Model model = small_model();
  Node fixed = derived_node("alignment", "0.5", 20);
  model.replace(fixed);
  CHECK(model.find("alignment")->kind == NodeKind::derived);
  CHECK(model.nodes()[1].name == "alignment");  // same place in declaration order
  Node missing = derived_node("alignmnt", "0.5", 20);
  CHECK_THROWS_WITH(model.replace(missing),
                    Catch::Contains("unknown node 'alignmnt' to replace; did you mean 'alignment'?"));
}

TEST_CASE("closest_name suggests only near misses", "[model]") {
  const std::vector<std::string> names{"timelines", "alignment", "doom", "a"};
  CHECK(closest_name("timelnes", names) == "timelines");
  CHECK(closest_name("Timelines", names) == "timelines");
  CHECK(closest_name("alignmnet", names) == "alignment");  // a transposition is one edit
  CHECK(closest_name("dom", names) == "doom");
  CHECK_FALSE(closest_name("capabilities", names).has_value());
  CHECK_FALSE(closest_name("xyz", names).has_value());
  CHECK(unknown_node_message("timelnes", "in expression of 'doom'", names) ==
        "unknown node 'timelnes' in expression of 'doom'; did you mean 'timelines'?");
  CHECK(unknown_node_message("zzz", "in outputs", names) == "unknown node 'zzz' in outputs");
  CHECK(abbreviated("short") == "short");
  CHECK(abbreviated("abcdef", 3) == "abc...");
  CHECK(abbreviated("a\u00e9b", 2) == "a...");  // never half of the two bytes of e-acute
  const std::string huge(1'000'000, 'q');
  CHECK_FALSE(closest_name(huge, names).has_value());  // and quickly: lengths differ too much
}

TEST_CASE("the graph orders nodes after their parents keeping declaration order for ties", "[model]") {
  Model model{"order"};
  model.add(derived_node("total", "left + right", 2));
  model.add(derived_node("left", "base * 2", 4));
  model.add(input_node("base", "uniform(0, 1)", 6));
  model.add(derived_node("right", "base + other", 8));
  model.add(input_node("other", "point(1)", 10));
  model.add(derived_node("lonely", "3", 12));
  const Graph graph(model);
  CHECK(names_in_order(model, graph) == "base left other right total lonely");
  CHECK(graph.size() == 6);
  CHECK(graph.index("right") == 3u);
  CHECK_FALSE(graph.index("nothing").has_value());
  const auto parents = graph.parents(0);
  CHECK(std::vector<std::size_t>(parents.begin(), parents.end()) == std::vector<std::size_t>{1, 3});
  const auto children = graph.children(2);
  CHECK(std::vector<std::size_t>(children.begin(), children.end()) == std::vector<std::size_t>{1, 3});
  CHECK(graph.upstream_inputs(0) == std::vector<std::size_t>{2, 4});
  CHECK(graph.upstream(1) == std::vector<std::size_t>{1, 2});
  CHECK(graph.upstream_inputs(2) == std::vector<std::size_t>{2});
  CHECK(graph.upstream_inputs(5).empty());
  CHECK_THROWS_AS(graph.parents(6), std::out_of_range);
}

TEST_CASE("the graph spells out a cycle from its first declared node", "[model]") {
  Model model{"cyclic"};
  model.add(input_node("base", "beta(2, 2)", 2));
  model.add(derived_node("b", "c + base", 4));
  model.add(derived_node("a", "base * b", 6));
  model.add(derived_node("c", "1 - a", 8));
  try {
    const Graph graph(model);
    FAIL("no cycle reported");
  } catch (const ModelError& error) {
    CHECK(error.message() == "cycle: b -> c -> a -> b (each node's definition uses the next)");
    // b's reference to c: column 1 of its text, which starts at line 4, column 9.
    CHECK(error.location().line == 4);
    CHECK(error.location().column == 9);
  }
}

TEST_CASE("the graph rejects self-references and unknown names with their location", "[model]") {
  Model self = small_model();
  self.replace(derived_node("doom", "timelines * doom", 12));
  CHECK_THROWS_WITH(Graph(self), "m.toml:12:21: node 'doom' refers to itself");

  Model unknown = small_model();
  unknown.replace(derived_node("doom", "timelnes * alignment", 12));
  CHECK_THROWS_WITH(Graph(unknown),
                    "m.toml:12:9: unknown node 'timelnes' in expression of 'doom'; did you mean 'timelines'?");
}

TEST_CASE("a valid model has no diagnostics", "[model]") {
  const Model model = small_model();
  CHECK(validate(model).empty());
  CHECK(require_valid(model).empty());
}

TEST_CASE("validate reports unknown names at the column inside the expression", "[model]") {
  Model model = small_model();
  model.replace(derived_node("doom", "timelines * alignmnet * deployment", 12));
  const auto errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "unknown node 'alignmnet' in expression of 'doom'; did you mean 'alignment'?");
  CHECK(errors[0].node == "doom");
  CHECK(errors[0].location.file == "m.toml");
  CHECK(errors[0].location.line == 12);
  CHECK(errors[0].location.column == 9 + 13 - 1);  // "alignmnet" starts at column 13 of the text
  CHECK_THROWS_WITH(require_valid(model), Catch::StartsWith("m.toml:12:21: unknown node 'alignmnet'"));
}

TEST_CASE("validate reports unknown names inside distribution arguments", "[model]") {
  Model model = small_model();
  model.replace(input_node("deployment", "uniform(0.1, timelnes)", 9));
  const auto errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "unknown node 'timelnes' in distribution of 'deployment'; did you mean 'timelines'?");
  CHECK(errors[0].location.line == 9);
  CHECK(errors[0].location.column == 9 + 14 - 1);
}

TEST_CASE("validate reports self-reference and cycles", "[model]") {
  Model self = small_model();
  self.replace(derived_node("doom", "doom * 2", 12));
  auto errors = errors_of(self);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "node 'doom' refers to itself");
  CHECK(errors[0].location.column == 9);

  Model cyclic = small_model();
  cyclic.replace(derived_node("timelines", "doom / 2", 3));
  errors = errors_of(cyclic);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "cycle: timelines -> doom -> timelines (each node's definition uses the next)");
  CHECK(errors[0].location.line == 3);
  CHECK(errors[0].location.column == 9);
}

TEST_CASE("validate reports nodes with both or neither definition", "[model]") {
  Model model = small_model();
  Node both = input_node("alignment", "beta(2, 5)", 6);
  both.expression = parse_expression("0.5");
  model.replace(both);
  Node neither;
  neither.name = "extra";
  neither.location = SourceLocation{"m.toml", 20, 1};
  model.add(neither);
  const auto errors = errors_of(model);
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0].message, Catch::StartsWith("node 'alignment' has both 'dist' and 'expr'"));
  CHECK(errors[0].location.line == 5);
  CHECK(errors[1].message == "node 'extra' has neither 'dist' (an input) nor 'expr' (a derived node)");
  CHECK(errors[1].location.line == 20);
}

TEST_CASE("validate reports invalid constant distribution parameters at the call", "[model]") {
  Model model = small_model();
  model.replace(input_node("alignment", "beta_ci(0.9, 0.1)", 6));
  auto errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::StartsWith("distribution of 'alignment': beta_ci"));
  CHECK(errors[0].location.line == 6);
  CHECK(errors[0].location.column == 9);

  // A nested call is reported at its own column.
  model.replace(input_node("alignment", "mixture(0.5, beta(2, -1), 0.5, point(0.3))", 6));
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::StartsWith("distribution of 'alignment': beta"));
  CHECK(errors[0].location.column == 9 + 14 - 1);

  // Constant expressions as arguments are evaluated: beta_ci(0.05, 0.8) is valid.
  model.replace(input_node("alignment", "beta_ci(1 - 95%, 50% + 30%)", 6));
  CHECK(errors_of(model).empty());
}

TEST_CASE("constant_distribution builds constant calls and skips conditional ones", "[model]") {
  const auto constant = constant_distribution(parse_distribution("beta(1 + 1, 2 * 3)"));
  REQUIRE(constant.has_value());
  CHECK(mean(*constant) == Approx(2.0 / 8.0).epsilon(1e-15));
  CHECK_FALSE(constant_distribution(parse_distribution("beta(a, 2)")).has_value());
  CHECK_THROWS_AS(constant_distribution(parse_distribution("beta_ci(0.9, 0.1)")), ParameterError);
  const auto nested = constant_distribution(parse_distribution("mixture(1, point(0.25), 3, point(0.75))"));
  REQUIRE(nested.has_value());
  CHECK(mean(*nested) == Approx(0.25 * 0.25 + 0.75 * 0.75).epsilon(1e-15));
}

TEST_CASE("probability units are checked on constants", "[model]") {
  Model model = small_model();
  Node point_node = input_node("alignment", "point(1.2)", 6);
  point_node.info.unit = "probability";
  model.replace(point_node);
  auto errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message ==
        "node 'alignment' has unit \"probability\" but point(1.2) takes values in [1.2, 1.2], outside [0, 1]");
  CHECK(errors[0].location.column == 9);

  Node uniform_node = input_node("alignment", "uniform(0.5, 1.5)", 6);
  uniform_node.info.unit = "probability";
  model.replace(uniform_node);
  CHECK(errors_of(model).size() == 1);

  // An unbounded family is a warning that says how much probability leaves [0, 1]: for
  // normal(0.5, 0.25), 2 * Phi(-2) = 4.55%.
  Node normal_node = input_node("alignment", "normal(0.5, 0.25)", 6);
  normal_node.info.unit = "probability";
  model.replace(normal_node);
  CHECK(errors_of(model).empty());
  const auto warnings = warnings_of(model);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message == "node 'alignment' has unit \"probability\" but normal(0.5, 0.25) puts 4.55% of "
                               "its probability outside [0, 1]");

  Node beta_node = input_node("alignment", "beta(2, 5)", 6);
  beta_node.info.unit = "probability";
  model.replace(beta_node);
  CHECK(validate(model).empty());

  Node constant = derived_node("doom", "0.5 * 3", 12);
  constant.info.unit = "probability";
  model.replace(constant);
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "node 'doom' has unit \"probability\" but its value 1.5 is outside [0, 1]");
  CHECK(errors[0].location.line == 12);
  CHECK(errors[0].location.column == 9);
}

TEST_CASE("validate reports outputs that are not nodes", "[model]") {
  Model model = small_model();
  model.outputs = {"doom", "dom", "doom"};
  model.output_locations = {{"m.toml", 4, 13}, {"m.toml", 4, 21}, {"m.toml", 4, 28}};
  const auto diagnostics = validate(model);
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[0].severity == Diagnostic::Severity::error);
  CHECK(diagnostics[0].message == "unknown node 'dom' in outputs; did you mean 'doom'?");
  CHECK(diagnostics[0].location.column == 21);
  CHECK(diagnostics[1].severity == Diagnostic::Severity::warning);
  CHECK(diagnostics[1].message == "output 'doom' is listed twice");

  model.outputs.clear();
  model.output_locations.clear();
  CHECK(errors_of(model).at(0).message == "the model declares no outputs");
}

TEST_CASE("diagnostics are sorted by their place in the file", "[model]") {
  Model model = small_model();
  model.replace(derived_node("doom", "timelnes * alignmnet * deployment", 12));
  model.replace(input_node("timelines", "beta_ci(0.9, 0.1)", 3));
  const auto errors = errors_of(model);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].location.line == 3);
  CHECK(errors[1].location.column == 9);
  CHECK(errors[2].location.column == 9 + 12 - 1);
  CHECK_THROWS_WITH(require_valid(model), Catch::StartsWith("m.toml:3:9: distribution of 'timelines'"));
}

TEST_CASE("apply_scenario overrides definitions and keeps metadata it does not give", "[model]") {
  Model model = small_model();
  model.correlate("timelines", "alignment", 0.3);
  Scenario fast;
  fast.name = "fast";
  Node override_node = input_node("timelines", "beta_ci(0.7, 0.95)", 30);
  override_node.info.rationale = "faster";
  fast.overrides.push_back(override_node);
  Node fixed = derived_node("alignment", "0.9", 33);
  fast.overrides.push_back(fixed);
  model.scenarios.push_back(fast);
  model.find("timelines")->info.label = "APS by 2070";

  const Model applied = apply_scenario(model, "fast");
  const Node* timelines = applied.find("timelines");
  REQUIRE(timelines != nullptr);
  CHECK(timelines->distribution->to_string() == parse_distribution("beta_ci(0.7, 0.95)").to_string());
  CHECK(timelines->info.label == "APS by 2070");
  CHECK(timelines->info.rationale == "faster");
  CHECK(timelines->definition.line == 30);
  CHECK(applied.find("alignment")->kind == NodeKind::derived);
  // alignment is no longer random, so its correlation is dropped.
  CHECK(applied.correlations.empty());
  CHECK(model.correlations.size() == 1);  // the original is untouched
  CHECK(validate(model).empty());

  CHECK_THROWS_WITH(apply_scenario(model, "slow"), Catch::Contains("unknown scenario 'slow'; the model has 'fast'"));
  CHECK_THROWS_WITH(apply_scenario(small_model(), "slow"), Catch::Contains("the model has no scenarios"));
}

TEST_CASE("validate checks scenarios: unknown nodes, duplicates, definitions, cycles", "[model]") {
  Model model = small_model();
  Scenario scenario;
  scenario.name = "broken";
  Node unknown = derived_node("dom", "0.5", 20);
  scenario.overrides.push_back(unknown);
  model.scenarios.push_back(scenario);
  auto errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "unknown node 'dom' in scenario 'broken'; did you mean 'doom'?");
  CHECK(errors[0].location.line == 19);

  model.scenarios[0].overrides = {derived_node("timelines", "doom", 20)};
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message ==
        "scenario 'broken': cycle: timelines -> doom -> timelines (each node's definition uses the next)");
  CHECK(errors[0].location.line == 20);

  model.scenarios[0].overrides = {derived_node("doom", "timelines * alignmnt", 20)};
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message ==
        "unknown node 'alignmnt' in expression of 'doom' (scenario 'broken'); did you mean 'alignment'?");
  CHECK(errors[0].location.column == 9 + 13 - 1);

  model.scenarios[0].overrides = {input_node("alignment", "beta(2, 5)", 20), input_node("alignment", "beta(2, 6)", 23)};
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "scenario 'broken' overrides 'alignment' twice");

  model.scenarios[0].overrides = {input_node("alignment", "beta_ci(0.9, 0.1)", 20)};
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].message, Catch::StartsWith("distribution of 'alignment' (scenario 'broken'): beta_ci"));

  model.scenarios[0].overrides.clear();
  model.scenarios.push_back(model.scenarios[0]);
  errors = errors_of(model);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "scenario 'broken' is defined twice");
}

TEST_CASE("validate checks correlations", "[model]") {
  auto first_error = [](const Model& model) {
    const auto errors = errors_of(model);
    return errors.empty() ? std::string("none") : errors[0].message;
  };
  Model model = small_model();
  model.correlate("timelines", "alignment", 0.5);
  CHECK(validate(model).empty());

  Model unknown = small_model();
  unknown.correlate("timelines", "alignmnt", 0.5);
  CHECK(first_error(unknown) == "unknown node 'alignmnt' in correlation; did you mean 'alignment'?");
  Model derived = small_model();
  derived.correlate("doom", "alignment", 0.5);
  CHECK(first_error(derived) == "correlation names 'doom', a derived node; only inputs can be correlated");
  Model self = small_model();
  self.correlate("alignment", "alignment", 0.5);
  CHECK(first_error(self) == "node 'alignment' is correlated with itself");
  Model range = small_model();
  range.correlate("timelines", "alignment", -1.5);
  CHECK(first_error(range) == "rank correlation -1.5 between 'timelines' and 'alignment' is outside [-1, 1]");
  Model not_a_number = small_model();
  not_a_number.correlate("timelines", "alignment", std::nan(""));
  CHECK_THAT(first_error(not_a_number), Catch::Contains("is outside [-1, 1]"));
  Model twice = small_model();
  twice.correlate("timelines", "alignment", 0.5);
  twice.correlate("alignment", "timelines", 0.4);
  CHECK(first_error(twice) == "the correlation between 'alignment' and 'timelines' is given twice");
}

TEST_CASE("an impossible set of correlations is repaired with a warning", "[model]") {
  // a ~ b and a ~ c strongly positive but b ~ c strongly negative: no joint distribution.
  Model model = small_model();
  model.correlate("timelines", "alignment", 0.9);
  model.correlate("timelines", "deployment", 0.9);
  model.correlate("alignment", "deployment", -0.9);
  CHECK(errors_of(model).empty());
  const auto warnings = warnings_of(model);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message, Catch::StartsWith("the rank correlations are not positive definite"));

  CorrelationRepair repair;
  const CopulaCorrelationMatrix matrix = copula_correlations(model, &repair);
  CHECK(matrix.nodes == std::vector<std::size_t>{0, 1, 2});
  CHECK(repair.repaired);
  CHECK(repair.max_change > 0.1);
  CHECK(is_positive_definite(matrix.correlation, 1e-9));
  CHECK(Eigen::LLT<Eigen::MatrixXd>(matrix.correlation).info() == Eigen::Success);
  for (Eigen::Index i = 0; i < 3; ++i) CHECK(matrix.correlation(i, i) == 1.0);
  CHECK((matrix.correlation - matrix.correlation.transpose()).norm() == 0.0);
}

TEST_CASE("copula correlation follows the closed form for Gaussian ranks", "[model]") {
  // Spearman's rho of a bivariate normal with correlation r is (6 / pi) asin(r / 2).
  for (const double rank : {-1.0, -0.5, 0.0, 0.3, 0.5, 0.99, 1.0}) {
    const double rho = copula_correlation(rank);
    CHECK(rho == Approx(2 * std::sin(std::numbers::pi * rank / 6)).margin(1e-15));
    CHECK(rank_correlation_of_copula(rho) == Approx(rank).margin(1e-12));
  }
  CHECK(copula_correlation(0.5) == Approx(0.5176380902050415).epsilon(1e-14));
}

TEST_CASE("nearest_positive_definite leaves good matrices alone and repairs bad ones", "[model]") {
  Eigen::MatrixXd good(2, 2);
  good << 1, 0.5, 0.5, 1;
  const CorrelationRepair unchanged = nearest_positive_definite(good);
  CHECK_FALSE(unchanged.repaired);
  CHECK(unchanged.matrix == good);
  CHECK(unchanged.max_change == 0);

  Eigen::MatrixXd bad(3, 3);
  bad << 1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1;
  CHECK_FALSE(is_positive_definite(bad));
  const CorrelationRepair fixed = nearest_positive_definite(bad);
  CHECK(fixed.repaired);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(fixed.matrix);
  CHECK(solver.eigenvalues().minCoeff() > 0);
  CHECK(fixed.matrix.diagonal().isOnes());
  // The largest change is reported where it is: the result must differ from the input by that much.
  CHECK(std::abs(fixed.matrix(static_cast<Eigen::Index>(fixed.row), static_cast<Eigen::Index>(fixed.column)) -
                 bad(static_cast<Eigen::Index>(fixed.row), static_cast<Eigen::Index>(fixed.column))) ==
        Approx(fixed.max_change));
  CHECK(fixed.max_change < 1);

  // Perfect correlation is singular: repaired by a tiny amount.
  Eigen::MatrixXd singular(2, 2);
  singular << 1, 1, 1, 1;
  const CorrelationRepair nudged = nearest_positive_definite(singular);
  CHECK(nudged.repaired);
  CHECK(nudged.max_change < 1e-5);
  CHECK_THROWS_AS(nearest_positive_definite(Eigen::MatrixXd(2, 3)), std::invalid_argument);
}

TEST_CASE("assemble_rank_correlations builds the symmetric matrix of the correlated inputs", "[model]") {
  Model model = small_model();
  model.correlate("deployment", "timelines", 0.25);
  const RankCorrelationMatrix matrix = assemble_rank_correlations(model);
  CHECK(matrix.nodes == std::vector<std::size_t>{0, 2});
  REQUIRE(matrix.rank.rows() == 2);
  CHECK(matrix.rank(0, 1) == 0.25);
  CHECK(matrix.rank(1, 0) == 0.25);
  CHECK(matrix.rank(0, 0) == 1.0);
  model.correlate("doom", "timelines", 0.25);
  CHECK_THROWS_AS(assemble_rank_correlations(model), ModelError);
  CHECK(assemble_rank_correlations(small_model()).nodes.empty());
}
