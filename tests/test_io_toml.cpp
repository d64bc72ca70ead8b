// TOML model files: loading (with file:line:column in every error), the malformed corpus in
// tests/data/bad, warnings, the writer's round trip, Graphviz output.

#include <catch2/catch.hpp>

#include "pdoom/expr/parser.hpp"
#include "pdoom/io/dot.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/model/validate.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pdoom;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = PDOOM_TEST_DATA_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

std::vector<fs::path> toml_files(const fs::path& directory) {
  std::vector<fs::path> files;
  if (!fs::is_directory(directory)) return files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool same_call(const std::optional<DistributionCall>& a, const std::optional<DistributionCall>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || structurally_equal(*a, *b);
}

bool same_expression(const std::optional<Expression>& a, const std::optional<Expression>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || structurally_equal(*a, *b);
}

// "" when the nodes agree in everything a file holds, else what differs.
std::string node_difference(const Node& a, const Node& b) {
  if (a.name != b.name) return "name " + a.name + " vs " + b.name;
  if (a.kind != b.kind) return a.name + ": kind";
  if (!same_call(a.distribution, b.distribution)) return a.name + ": distribution";
  if (!same_expression(a.expression, b.expression)) return a.name + ": expression";
  if (a.info.label != b.info.label || a.info.rationale != b.info.rationale || a.info.source != b.info.source ||
      a.info.unit != b.info.unit || a.info.groups != b.info.groups) {
    return a.name + ": metadata";
  }
  return {};
}

std::string model_difference(const Model& a, const Model& b) {
  if (a.name != b.name || a.title != b.title || a.description != b.description) return "model metadata";
  if (a.authors != b.authors || a.sources != b.sources || a.outputs != b.outputs || a.claimed != b.claimed) {
    return "model lists";
  }
  if (a.nodes().size() != b.nodes().size()) return "node count";
  for (std::size_t i = 0; i < a.nodes().size(); ++i) {
    if (std::string d = node_difference(a.nodes()[i], b.nodes()[i]); !d.empty()) return d;
  }
  if (a.scenarios.size() != b.scenarios.size()) return "scenario count";
  for (std::size_t i = 0; i < a.scenarios.size(); ++i) {
    const Scenario& x = a.scenarios[i];
    const Scenario& y = b.scenarios[i];
    if (x.name != y.name || x.description != y.description || x.overrides.size() != y.overrides.size()) {
      return "scenario " + x.name;
    }
    for (std::size_t k = 0; k < x.overrides.size(); ++k) {
      if (std::string d = node_difference(x.overrides[k], y.overrides[k]); !d.empty()) return "scenario " + d;
    }
  }
  if (a.correlations.size() != b.correlations.size()) return "correlation count";
  for (std::size_t i = 0; i < a.correlations.size(); ++i) {
    const Correlation& x = a.correlations[i];
    const Correlation& y = b.correlations[i];
    if (x.first != y.first || x.second != y.second || x.rank_correlation != y.rank_correlation) return "correlation";
  }
  return {};
}

// The error of loading `text`, or "" if it loads.
ModelError load_error(std::string_view text) {
  try {
    (void)parse_model(text, "t.toml");
  } catch (const ModelError& error) {
    return error;
  }
  FAIL("the model loaded");
  return ModelError({}, "");
}

const char* const minimal_header = "[model]\nname = \"m\"\noutputs = [\"doom\"]\n";

}  // namespace

TEST_CASE("a good model file loads with every field in declaration order", "[io]") {
  std::vector<Diagnostic> warnings;
  const fs::path path = data_dir / "good" / "carlsmith-mini.toml";
  const Model model = load_model(path, &warnings);
  CHECK(warnings.empty());
  CHECK(model.name == "carlsmith-mini");
  CHECK(model.title == "Is power-seeking AI an existential risk? (six premises)");
  CHECK_THAT(model.description, Catch::StartsWith("Six premises, each"));  // first newline trimmed
  CHECK(model.authors == std::vector<std::string>{"Joe Carlsmith"});
  CHECK(model.sources == std::vector<std::string>{"https://arxiv.org/abs/2206.13353"});
  CHECK(model.outputs == std::vector<std::string>{"doom"});
  REQUIRE(model.claimed.has_value());
  CHECK(*model.claimed == 0.05);

  // File order, not toml++'s alphabetical order.
  std::vector<std::string> names;
  for (const Node& node : model.nodes()) names.push_back(node.name);
  CHECK(names == std::vector<std::string>{"timelines", "incentives", "alignment_hard", "power_seeking",
                                          "disempowerment", "catastrophe", "doom"});
  const Node& timelines = model.nodes()[0];
  CHECK(timelines.kind == NodeKind::input);
  CHECK(timelines.info.label == "APS systems possible and financially feasible by 2070");
  CHECK(timelines.info.unit == "probability");
  CHECK(timelines.info.groups == std::vector<std::string>{"capabilities"});
  CHECK(timelines.info.source == "Carlsmith (2022), section 2: 65%");
  CHECK(structurally_equal(*timelines.distribution, parse_distribution("beta_ci(0.45, 0.8)")));
  CHECK(timelines.location.to_string() == path.string() + ":14:1");
  CHECK(timelines.definition.to_string() == path.string() + ":16:9");
  const Node& doom = model.nodes()[6];
  CHECK(doom.kind == NodeKind::derived);
  CHECK(doom.parents().size() == 6);

  REQUIRE(model.scenarios.size() == 1);
  CHECK(model.scenarios[0].name == "slow_takeoff");
  CHECK(model.scenarios[0].description == "Timelines longer than the report assumes");
  REQUIRE(model.scenarios[0].overrides.size() == 1);
  CHECK(model.scenarios[0].overrides[0].name == "timelines");
  CHECK(model.scenarios[0].overrides[0].info.rationale == "Compute scaling slows down.");
  CHECK(model.scenarios[0].overrides[0].definition.line == 59);
  REQUIRE(model.correlations.size() == 1);
  CHECK(model.correlations[0].first == "timelines");
  CHECK(model.correlations[0].second == "incentives");
  CHECK(model.correlations[0].rank_correlation == 0.4);
  CHECK(model.correlations[0].location.line == 62);
}

TEST_CASE("every malformed file of the corpus fails with its expected message and location", "[io]") {
  const std::vector<fs::path> files = toml_files(data_dir / "bad");
  CHECK(files.size() >= 25);
  for (const fs::path& path : files) {
    INFO(path.filename().string());
    const std::string text = read_text(path);
    // First line: "# expect: LINE:COL: fragment".
    const std::string prefix = "# expect: ";
    REQUIRE(text.rfind(prefix, 0) == 0);
    const std::string expectation = text.substr(prefix.size(), text.find('\n') - prefix.size());
    const std::size_t first_colon = expectation.find(':');
    const std::size_t second_colon = expectation.find(':', first_colon + 1);
    REQUIRE(second_colon != std::string::npos);
    const int line = std::stoi(expectation.substr(0, first_colon));
    const int column = std::stoi(expectation.substr(first_colon + 1, second_colon - first_colon - 1));
    const std::string fragment = expectation.substr(second_colon + 2);
    try {
      (void)load_model(path);
      FAIL_CHECK("loaded without an error");
    } catch (const ModelError& error) {
      CHECK(error.location().file == path.string());
      CHECK(error.location().line == line);
      CHECK(error.location().column == column);
      CHECK_THAT(error.message(), Catch::Contains(fragment));
      const std::string where = path.string() + ":" + std::to_string(line) +
                                (column > 0 ? ":" + std::to_string(column) : std::string()) + ": ";
      CHECK_THAT(error.what(), Catch::StartsWith(where));
    }
  }
}

TEST_CASE("wrong value types name the key, the wanted type and the found one", "[io]") {
  const ModelError label = load_error(std::string(minimal_header) + "[nodes.doom]\nexpr = \"0.5\"\nlabel = 3\n");
  CHECK(label.message() == "'label' must be a string, got integer (node 'doom')");
  CHECK(label.location().line == 6);
  CHECK(label.location().column == 9);
  const ModelError unit = load_error(std::string(minimal_header) + "[nodes.doom]\nexpr = \"0.5\"\nunit = [1]\n");
  CHECK(unit.message() == "'unit' must be a string, got array (node 'doom')");
  const ModelError title = load_error("[model]\nname = \"m\"\ntitle = 1.5\noutputs = [\"d\"]\n[nodes.d]\nexpr = 1\n");
  CHECK(title.message() == "'title' must be a string, got floating-point number ([model])");
  const ModelError rank = load_error(std::string(minimal_header) +
                                     "[nodes.a]\ndist = \"beta(2, 2)\"\n[nodes.b]\ndist = \"beta(2, 2)\"\n"
                                     "[nodes.doom]\nexpr = \"a * b\"\n[[correlations]]\nnodes = [\"a\", \"b\"]\nrank = \"high\"\n");
  CHECK(rank.message() == "'rank' must be a number, got string (a correlation)");
  CHECK(rank.location().line == 12);
}

TEST_CASE("expression errors point at the column inside the string", "[io]") {
  // The text starts at column 9 (after `expr = "`); "unmatched ')'" is at column 5 of "a * ) 2".
  const ModelError basic = load_error(std::string(minimal_header) + "[nodes.a]\ndist = \"beta(2, 2)\"\n"
                                                                    "[nodes.doom]\nexpr = \"a * ) 2\"\n");
  CHECK(basic.location().line == 7);
  CHECK(basic.location().column == 13);
  CHECK_THAT(basic.message(), Catch::StartsWith("expression of 'doom': "));
  // Indentation and spacing move the value; the column follows.
  const ModelError spaced = load_error(std::string(minimal_header) + "[nodes.a]\ndist = \"beta(2, 2)\"\n"
                                                                     "[nodes.doom]\n   expr   =   'a * ) 2'\n");
  CHECK(spaced.location().column == 13 + 3 + 2 + 2);
  // A distribution argument.
  const ModelError dist = load_error(std::string(minimal_header) + "[nodes.a]\ndist = \"beta(2, 2 +)\"\n"
                                                                   "[nodes.doom]\nexpr = \"a\"\n");
  CHECK(dist.location().line == 5);
  CHECK(dist.location().column >= 9 + 10);
  CHECK_THAT(dist.message(), Catch::StartsWith("distribution of 'a': "));
}

TEST_CASE("expr accepts a plain TOML number as a constant", "[io]") {
  const Model model = parse_model(std::string(minimal_header) + "[nodes.a]\nexpr = 0.25\n[nodes.b]\nexpr = 2\n"
                                                                "[nodes.doom]\nexpr = \"a * b\"\n",
                                  "t.toml");
  REQUIRE(model.nodes()[0].expression);
  CHECK(model.nodes()[0].expression->is_constant());
  CHECK(model.nodes()[0].expression->value() == 0.25);
  CHECK(model.nodes()[1].expression->value() == 2.0);
  CHECK(model.nodes()[0].kind == NodeKind::derived);
  // A non-finite number is refused.
  const ModelError infinite = load_error(std::string(minimal_header) + "[nodes.doom]\nexpr = inf\n");
  CHECK_THAT(infinite.message(), Catch::Contains("'expr' must be finite"));
}

TEST_CASE("unknown keys are warnings with the intended key", "[io]") {
  std::vector<Diagnostic> warnings;
  const std::string text = std::string("[model]\nname = \"m\"\ntitel = \"T\"\noutputs = [\"doom\"]\n") +
                           "[nodes.doom]\nexpr = \"0.5\"\nrationle = \"why\"\n  colour = \"red\"\n" +
                           "[scenarios.s]\ndescripton = \"x\"\n[extras]\n";
  const Model model = parse_model(text, "t.toml", &warnings);
  REQUIRE(warnings.size() == 5);
  for (const Diagnostic& warning : warnings) CHECK(warning.severity == Diagnostic::Severity::warning);
  // In file order of the checks: the file's top level, then [model], nodes, scenarios.
  CHECK(warnings[0].message == "unknown key 'extras' in the file; it is ignored");
  CHECK(warnings[0].location.line == 11);
  CHECK(warnings[1].message == "unknown key 'titel' in [model]; did you mean 'title'?");
  CHECK(warnings[1].location.to_string() == "t.toml:3:1");
  CHECK(warnings[2].message == "unknown key 'colour' in node 'doom'; it is ignored");
  CHECK(warnings[2].location.to_string() == "t.toml:8:3");
  CHECK(warnings[3].message == "unknown key 'rationle' in node 'doom'; did you mean 'rationale'?");
  CHECK(warnings[3].node == "doom");
  CHECK(warnings[3].location.to_string() == "t.toml:7:1");
  CHECK(warnings[4].message == "unknown key 'descripton' in scenario 's'; did you mean 'description'?");
  CHECK(model.title.empty());
}

TEST_CASE("validation warnings come back from the loader too", "[io]") {
  std::vector<Diagnostic> warnings;
  (void)parse_model(std::string(minimal_header) + "[nodes.a]\ndist = \"normal(0.5, 0.25)\"\nunit = \"probability\"\n"
                                                  "[nodes.doom]\nexpr = \"a\"\n",
                    "t.toml", &warnings);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].location.to_string() == "t.toml:5:9");
  CHECK_THAT(warnings[0].message, Catch::Contains("outside [0, 1]"));
}

TEST_CASE("read_model_text leaves graph errors to validate so that all are reported", "[io]") {
  const Model model = read_model_text(std::string(minimal_header) + "[nodes.a]\nexpr = \"b + c\"\n"
                                                                    "[nodes.doom]\nexpr = \"a + d\"\n",
                                      "t.toml");
  const auto diagnostics = validate(model);
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics[0].location.to_string() == "t.toml:5:9");
  CHECK(diagnostics[1].location.to_string() == "t.toml:5:13");
  CHECK(diagnostics[2].location.to_string() == "t.toml:7:13");
}

TEST_CASE("unreadable paths are errors that name the path", "[io]") {
  const fs::path missing = data_dir / "no-such-model.toml";
  CHECK_THROWS_WITH(load_model(missing), missing.string() + ": cannot read model file: no such file");
  CHECK_THROWS_WITH(load_model(data_dir), data_dir.string() + ": cannot read model file: it is a directory");
}

TEST_CASE("toml_quoted escapes quotes backslashes and control characters", "[io]") {
  CHECK(toml_quoted("plain") == "\"plain\"");
  CHECK(toml_quoted("a \"b\"") == "\"a \\\"b\\\"\"");
  CHECK(toml_quoted("back\\slash") == "\"back\\\\slash\"");
  CHECK(toml_quoted("line\nbreak\ttab\r") == "\"line\\nbreak\\ttab\\r\"");
  CHECK(toml_quoted(std::string("\x01\x7f", 2)) == "\"\\u0001\\u007F\"");
  CHECK(toml_quoted("café ≥") == "\"café ≥\"");
}

TEST_CASE("write_model round-trips a model with awkward strings and every kind of part", "[io]") {
  Model model{"awkward"};
  model.title = "Quotes \" and 'single' and a backslash \\";
  model.description = "Two\nlines, a tab\t, a control \x01 char, \"\"\" triple quotes, unicode ≥ café\n";
  model.authors = {"A \"quoted\" author"};
  model.outputs = {"doom", "x"};
  model.claimed = 0.1 + 0.2;  // not exactly 0.3: the writer must keep every bit
  model.input("x", beta_ci(0.1, 0.7), {.label = "x\\y", .rationale = "r\nr", .source = "s", .unit = "probability",
                                       .groups = {"g1", "g 2"}});
  model.input("y", parse_distribution("mixture(0.25, beta(2, 5), 0.75, truncated(normal(x, 0.1), 0, 1))"));
  model.derived("doom", parse_expression("if(x > 1/3, any(x, y), -x ^ 2) + 1e-300 * 5%"));
  Scenario scenario;
  scenario.name = "fixed-x";
  scenario.description = "x is \"known\"";
  Node fixed;
  fixed.name = "x";
  fixed.kind = NodeKind::derived;
  fixed.expression = parse_expression("0.123456789012345678");
  fixed.info.label = "pinned";
  scenario.overrides.push_back(fixed);
  model.scenarios.push_back(scenario);
  model.scenarios.push_back(Scenario{"empty", "", {}, {}});
  model.correlate("x", "y", -0.1 / 3);

  const std::string text = write_model(model);
  INFO(text);
  const Model loaded = parse_model(text, "written.toml");
  CHECK(model_difference(model, loaded).empty());
  CHECK(*loaded.claimed == 0.1 + 0.2);
  CHECK(loaded.correlations[0].rank_correlation == -0.1 / 3);
  CHECK(write_model(loaded) == text);
}

TEST_CASE("every good test model and every model in models/ round-trips through the writer", "[io]") {
  std::vector<fs::path> files = toml_files(data_dir / "good");
  CHECK(files.size() >= 2);
  for (const fs::path& path : toml_files(fs::path(PDOOM_SOURCE_DIR) / "models")) files.push_back(path);
  for (const fs::path& path : files) {
    INFO(path.string());
    const Model original = load_model(path);
    const std::string text = write_model(original);
    INFO(text);
    const Model again = parse_model(text, "written.toml");
    CHECK(model_difference(original, again).empty());
    CHECK(write_model(again) == text);
  }
}

TEST_CASE("to_dot draws inputs as ellipses derived nodes as boxes and edges to users", "[io]") {
  const Model model = load_model(data_dir / "good" / "carlsmith-mini.toml");
  const std::string dot = to_dot(model);
  CHECK_THAT(dot, Catch::StartsWith("digraph \"carlsmith-mini\" {"));
  CHECK_THAT(dot, Catch::EndsWith("}\n"));
  CHECK_THAT(dot, Catch::Contains("\"timelines\" [shape=ellipse, label=\"timelines\\nAPS systems possible and"));
  CHECK_THAT(dot, Catch::Contains("\"doom\" [shape=box"));
  CHECK_THAT(dot, Catch::Contains("bold,filled"));
  CHECK_THAT(dot, Catch::Contains("\"timelines\" -> \"doom\";"));
  CHECK_THAT(dot, Catch::Contains("\"catastrophe\" -> \"doom\";"));
  const auto edges = static_cast<std::size_t>(std::count(dot.begin(), dot.end(), '>'));
  CHECK(edges == 6);

  Model quoted{"q"};
  quoted.input("a", beta(2, 2), {.label = "say \"hi\" \\ now"});
  quoted.derived("b", parse_expression("a * missing"));
  const std::string text = to_dot(quoted);
  CHECK_THAT(text, Catch::Contains("say \\\"hi\\\" \\\\ now"));
  CHECK_THAT(text, Catch::Contains("\"a\" -> \"b\";"));
  CHECK_THAT(text, !Catch::Contains("\"missing\" ->"));  // unknown references are left out
  CHECK(dot_escaped("x\ny") == "x\\ny");
}
