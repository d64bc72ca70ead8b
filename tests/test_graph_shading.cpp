// `pdoom graph`: the DOT writer with a run's annotations (nodes shaded by influence, sampled summaries,
// legend), checked against the closed-form rank correlations of a linear model.

#include "pdoom/error.hpp"
#include "pdoom/io/dot.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/sample/run.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH
#include "cli_runner.hpp"
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

// y = 3 x1 + w with w = x2 + 0.5 x3 and independent standard normals: Pearson's r with y is 3 / |c| for
// x1, 1 / |c| for x2, 0.5 / |c| for x3 and sqrt(1.25) / |c| for w (|c| = sqrt(10.25)); for jointly
// normal variables Spearman's rho is (6 / pi) asin(r / 2): 0.929, 0.298, 0.149 and 0.334. z feeds
// nothing, and k is fixed.
constexpr const char* linear_model = R"toml(
[model]
name = "linear-graph"
title = "A linear model"
outputs = ["y"]

[nodes.x3]
dist = "normal(0, 1)"

[nodes.z]
label = "Feeds nothing"
dist = "normal(0, 1)"

[nodes.x2]
dist = "normal(0, 1)"

[nodes.x1]
label = "The big one"
dist = "normal(0, 1)"

[nodes.k]
dist = "point(1)"

[nodes.w]
expr = "x2 + 0.5 * x3"

[nodes.y]
expr = "3 * x1 + k * w"
)toml";

// Relative luminance (sRGB, ITU-R BT.709 weights) of "#rrggbb": lower is darker.
double luminance(const std::string& hex) {
  REQUIRE(hex.size() == 7);
  const auto channel = [&](std::size_t at) {
    const double c = std::stoi(hex.substr(at, 2), nullptr, 16) / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

// Node statements `  "name" [...];` of a DOT text: name -> attribute list. Fails on a repeated name.
// (Parsed by hand: std::regex draws false -Wmaybe-uninitialized warnings from GCC 12 at -O3.)
std::map<std::string, std::string> node_statements(const std::string& dot) {
  std::map<std::string, std::string> nodes;
  std::istringstream lines(dot);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  \"", 0) != 0 || line.size() < 8 || line.compare(line.size() - 2, 2, "];") != 0) continue;
    const std::size_t name_end = line.find('"', 3);
    if (name_end == std::string::npos || name_end == 3 || line.compare(name_end, 3, "\" [") != 0) continue;
    if (name_end + 3 > line.size() - 2) continue;
    INFO(line);
    const std::string name = line.substr(3, name_end - 3);
    CHECK(nodes.count(name) == 0);
    nodes[name] = line.substr(name_end + 3, line.size() - 2 - (name_end + 3));
  }
  return nodes;
}

// The fill colour of a node statement, "" when it has none.
std::string fill_of(const std::string& attributes) {
  const std::string key = "fillcolor=\"#";
  const std::size_t at = attributes.find(key);
  if (at == std::string::npos) return "";
  const std::size_t digits = at + key.size();
  if (digits + 7 > attributes.size() || attributes[digits + 6] != '"') return "";
  const std::string hex = attributes.substr(digits, 6);
  if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
  return std::string("#").append(hex);
}

void check_well_formed(const std::string& dot) {
  CHECK(dot.rfind("digraph ", 0) == 0);
  CHECK(std::count(dot.begin(), dot.end(), '{') == std::count(dot.begin(), dot.end(), '}'));
  CHECK(std::count(dot.begin(), dot.end(), '{') == 1);
  // Quotes outside HTML-like labels pair up on every line (escaped quotes aside).
  std::istringstream lines(dot);
  for (std::string line; std::getline(lines, line);) {
    std::size_t quotes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) ++quotes;
    }
    INFO(line);
    CHECK(quotes % 2 == 0);
  }
}

}  // namespace

TEST_CASE("influence colours run from light to dark orange with falling luminance", "[report][graph]") {
  CHECK(influence_colour(0) == "#fff5eb");
  CHECK(influence_colour(1) == "#7f2704");
  CHECK(influence_colour(0.5) == "#fd8d3c");  // the middle class of the nine
  CHECK(influence_colour(-3) == influence_colour(0));
  CHECK(influence_colour(7) == influence_colour(1));
  double previous = 2;
  for (int i = 0; i <= 100; ++i) {
    const double l = luminance(influence_colour(i / 100.0));
    CHECK(l < previous);
    previous = l;
  }
}

TEST_CASE("graph annotations shade the most influential node darkest", "[report][graph]") {
  const Model model = parse_model(linear_model, "linear.toml");
  RunOptions options;
  options.samples = 20000;
  options.keep_samples = true;
  const RunResult result = run(model, options);
  const GraphAnnotations annotations = graph_annotations(model, result, "y");
  const double norm = std::sqrt(10.25);
  const std::map<std::string, double> expected = {{"x1", pdoom_test::spearman_of_normal(3 / norm)},
                                                  {"x2", pdoom_test::spearman_of_normal(1 / norm)},
                                                  {"x3", pdoom_test::spearman_of_normal(0.5 / norm)},
                                                  {"w", pdoom_test::spearman_of_normal(std::sqrt(1.25) / norm)}};
  REQUIRE(annotations.correlation.size() == expected.size());  // not y itself, z (unrelated) or k (fixed)
  for (const auto& [name, rho] : expected) {
    INFO(name);
    REQUIRE(annotations.correlation.count(name) == 1);
    // Spearman's standard error is below 1.1 / sqrt(20000) = 0.0078; four of them.
    CHECK(annotations.correlation.at(name) == Approx(rho).margin(0.032));
  }
  CHECK(annotations.summary.at("y").rfind("median ", 0) == 0);

  const std::string dot = to_dot(model, annotations);
  INFO(dot);
  check_well_formed(dot);
  const std::map<std::string, std::string> nodes = node_statements(dot);
  REQUIRE(nodes.size() == model.nodes().size() + 1);  // every node once, and the legend
  CHECK(nodes.count("pdoom legend") == 1);
  CHECK(fill_of(nodes.at("z")).empty());
  CHECK(fill_of(nodes.at("k")).empty());
  CHECK(nodes.at("y").find("peripheries=2") != std::string::npos);
  // Darkest to lightest as the closed-form correlations: x1, w, x2, x3.
  const std::vector<std::string> order = {"x1", "w", "x2", "x3"};
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    INFO(order[i] << " before " << order[i + 1]);
    CHECK(luminance(fill_of(nodes.at(order[i]))) < luminance(fill_of(nodes.at(order[i + 1]))));
  }
  CHECK(nodes.at("x1").find("fontcolor=\"white\"") != std::string::npos);  // readable on the dark fill
  CHECK(nodes.at("x1").find("rho +0.9") != std::string::npos);
  // Derived nodes get their sampled summary; inputs with constant parameters keep their words.
  CHECK(nodes.at("w").find("median ") != std::string::npos);
  CHECK(nodes.at("x2").find("median ") == std::string::npos);
  CHECK(dot.find("|Spearman rank correlation|") != std::string::npos);
  CHECK(std::count(dot.begin(), dot.end(), '>') > 0);
  std::size_t edges = 0;
  for (std::size_t at = dot.find(" -> "); at != std::string::npos; at = dot.find(" -> ", at + 4)) ++edges;
  CHECK(edges == 5);  // x2, x3 -> w; x1, k, w -> y

  // The plain drawing has no legend and no influence fills.
  const std::string plain = to_dot(model);
  check_well_formed(plain);
  CHECK(plain.find("pdoom legend") == std::string::npos);
  CHECK(plain.find("rho ") == std::string::npos);

  GraphAnnotations bad = annotations;
  bad.correlation["x1"] = 1.5;
  CHECK_THROWS_AS(to_dot(model, bad), Error);
  bad.correlation["x1"] = NAN;
  CHECK_THROWS_AS(to_dot(model, bad), Error);
  CHECK_THROWS_AS(graph_annotations(model, result, "nope"), Error);
  RunOptions unkept = options;
  unkept.keep_samples = false;
  CHECK_THROWS_AS(graph_annotations(model, run(model, unkept), "y"), Error);
}

#ifdef PDOOM_CLI_PATH
namespace {

std::filesystem::path graph_dir() { return pdoom_test::scratch_dir("graph"); }

pdoom_test::CliOutcome pdoom_graph(const std::string& arguments) {
  return pdoom_test::run_pdoom("graph " + arguments);
}

}  // namespace

TEST_CASE("pdoom graph shades by influence by default and draws the plain graph on request", "[cli][graph]") {
  const std::string model = pdoom_test::scratch_file("graph", "linear.toml", linear_model);

  const auto shaded = pdoom_graph(model + " --samples 5000");
  REQUIRE(shaded.status == 0);
  check_well_formed(shaded.out);
  const auto nodes = node_statements(shaded.out);
  for (const std::string other : {"w", "x2", "x3"}) {
    CHECK(luminance(fill_of(nodes.at("x1"))) < luminance(fill_of(nodes.at(other))));
  }
  CHECK(shaded.out.find("pdoom run: 5000 samples, seed") != std::string::npos);
  CHECK(pdoom_graph(model + " --samples 5000").out == shaded.out);  // deterministic

  // Shading by an intermediate node: only what feeds it is filled.
  const auto by_w = node_statements(pdoom_graph(model + " --samples 5000 --shade-by w").out);
  CHECK(fill_of(by_w.at("x1")).empty());
  CHECK_FALSE(fill_of(by_w.at("x2")).empty());

  const auto plain = pdoom_graph(model + " --no-shading");
  REQUIRE(plain.status == 0);
  CHECK(plain.out.find("pdoom legend") == std::string::npos);
  CHECK(pdoom_graph(model + " --samples 0").out == plain.out);

  CHECK(pdoom_graph(model + " --shade-by nope").status == 1);
  CHECK(pdoom_graph(model + " --samples abc").status == 2);

  // Graphviz, where installed, must accept both drawings.
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    const auto dot_file = graph_dir() / "shaded.dot";
    pdoom_test::write_text(dot_file, shaded.out);
    CHECK(std::system(("dot -Tsvg " + pdoom_test::quoted(dot_file.string()) + " >/dev/null 2>&1").c_str()) == 0);
  } else {
    WARN("graphviz (dot) is not installed: rendering not checked");
  }
  std::filesystem::remove_all(graph_dir());
}
#endif
