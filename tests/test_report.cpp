// Reports: the SVG chart writer (well-formed XML, nice ticks, DAG layering), the HTML report
// (self-contained, every section, escaped text), terminal pieces and `explain`.

#include "pdoom/io/explain.hpp"
#include "pdoom/io/html_report.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/io/svg.hpp"
#include "pdoom/io/terminal.hpp"
#include "pdoom/sample/run.hpp"
#include "xml_check.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

using pdoom_test::svg_elements;
using pdoom_test::xml_problem;

const char* hostile = "a <b>&amp; \"quoted\" 'x' </svg> & <script>";

constexpr const char* test_model = R"toml(
[model]
name = "report-test"
title = "Report <test> & friends"
description = """First paragraph with <b>markup</b> & an ampersand.

Second paragraph."""
authors = ["A. Author", "B. <Writer>"]
sources = ["https://example.org/paper", "Book, p. 3"]
outputs = ["doom"]

[nodes.capability]
label = "Capabilities arrive <soon>"
dist = "beta_ci(0.2, 0.8)"
unit = "probability"
rationale = "Because \"reasons\" & more."
source = "Survey 2023"

[nodes.misaligned]
label = "Alignment fails"
dist = "logitnormal_ci(0.01, 0.5)"
unit = "probability"
rationale = "Wide uncertainty."
source = "Expert guess"

[nodes.catastrophe]
label = "Failure becomes a catastrophe"
dist = "beta_mean(0.3, 8)"
unit = "probability"

[nodes.doom]
label = "Doom"
expr = "capability * misaligned * catastrophe"
unit = "probability"

[scenarios.optimistic]
description = "Alignment mostly works"

[scenarios.optimistic.nodes.misaligned]
dist = "beta_ci(0.005, 0.05)"
)toml";

}  // namespace

TEST_CASE("nice ticks cover the range with 1-2-5 steps", "[report]") {
  std::mt19937_64 engine(42);
  std::uniform_real_distribution<double> exponent(-8, 8), unit(-1, 1);
  for (int trial = 0; trial < 500; ++trial) {
    const double scale = std::pow(10.0, exponent(engine));
    double lo = unit(engine) * scale, hi = unit(engine) * scale;
    if (lo > hi) std::swap(lo, hi);
    const svg::Ticks ticks = svg::nice_ticks(lo, hi, 6);
    REQUIRE(ticks.values.size() >= 2);
    REQUIRE(ticks.labels.size() == ticks.values.size());
    CHECK(ticks.values.front() <= lo);
    CHECK(ticks.values.back() >= hi);
    CHECK(ticks.values.size() <= 14);
    // The step is 1, 2 or 5 times a power of ten (relative tolerance for floating-point steps).
    const double step = ticks.values[1] - ticks.values[0];
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    CHECK((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6 ||
           std::abs(mantissa - 10) < 1e-6));
  }
  const svg::Ticks unit_ticks = svg::nice_ticks(0, 1, 5);
  CHECK(unit_ticks.values.front() == 0);
  CHECK(unit_ticks.values.back() == Approx(1));
  const svg::Ticks percent = svg::nice_ticks(0, 0.5, 5, true);
  CHECK(percent.labels.back() == "50%");
  CHECK(svg::nice_ticks(3, 3).values.size() >= 2);
}

TEST_CASE("log ticks are powers of ten covering the range", "[report]") {
  const svg::Ticks ticks = svg::log_ticks(3e-5, 0.2);
  REQUIRE(ticks.values.size() == 6);  // 1e-5, 1e-4, ..., 1
  CHECK(ticks.values.front() == Approx(1e-5));
  CHECK(ticks.values.back() == Approx(1));
  CHECK(svg::log_ticks(1, 1).values.size() >= 2);
  // Over 233 decades the ticks step by a nice number of decades and still cover the range.
  const svg::Ticks wide = svg::log_ticks(1e-226, 1e7);
  CHECK(wide.values.size() <= 12);
  CHECK(wide.values.front() <= 1e-226);
  CHECK(wide.values.back() >= 1e7);
  CHECK(svg::log_ticks(0, 1).values.empty());
}

TEST_CASE("every chart is well-formed XML with escaped text", "[report]") {
  svg::ChartOptions options;
  options.title = hostile;
  options.x_label = hostile;
  std::vector<double> data;
  for (int i = 1; i <= 1000; ++i) data.push_back(std::pow(10.0, -5 + 5.0 * i / 1000));
  const Histogram log_histogram = histogram(data, 30, BinScale::log);
  const Histogram linear = histogram(data, 30, BinScale::linear);
  std::vector<double> p(data.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<double>(i + 1) / static_cast<double>(p.size());
  const std::vector<svg::Bar> bars = {{hostile, 0.4, 0.3, 0.5}, {"b", -0.1, -0.2, 0.05}};
  const std::vector<svg::TornadoBar> tornado = {{hostile, 0.01, 0.09}, {"b", 0.06, 0.04}};
  const std::vector<svg::WaterfallStep> steps = {{hostile, 0.02}, {"b", -0.01}};
  const std::vector<svg::DagNode> nodes = {{hostile, hostile, true, false, 0.5}, {"b", "", true, false, 0}, {"c", "", false, true, 0}};
  const std::vector<std::pair<std::size_t, std::size_t>> edges = {{0, 2}, {1, 2}};
  const std::vector<std::string> charts = {
      svg::histogram_chart(log_histogram, options, true),
      svg::histogram_chart(linear, options, false),
      svg::cdf_chart(data, p, options, true),
      svg::cdf_chart(data, p, options, false),
      svg::bar_chart(bars, options),
      svg::grouped_bar_chart(bars, bars, "S1 <first>", "ST & total", options),
      svg::tornado_chart(tornado, 0.05, options),
      svg::waterfall_chart(0.05, "A <start>", steps, "B", options),
      svg::dag_chart(nodes, edges, options),
      svg::bar_chart({}, options),
      svg::histogram_chart(Histogram{}, options),
  };
  for (const std::string& chart : charts) {
    INFO(chart.substr(0, 300));
    CHECK(xml_problem(chart).empty());
    CHECK(chart.rfind("<svg", 0) == 0);
    CHECK(chart.find("<script") == std::string::npos);
    CHECK(chart.find("<b>") == std::string::npos);
  }
  CHECK(svg::xml_escaped("<a & 'b'>") == "&lt;a &amp; &#39;b&#39;&gt;");
  CHECK(!xml_problem("<a><b></a></b>").empty());  // the tokenizer itself can fail
  CHECK(!xml_problem("<a>x < y</a>").empty());
}

TEST_CASE("DAG layering puts every edge from a lower to a higher layer", "[report]") {
  std::mt19937_64 engine(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + engine() % 30;
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    // Random DAG: edges only from a lower to a higher index of a random permutation.
    std::vector<std::size_t> permutation(n);
    for (std::size_t i = 0; i < n; ++i) permutation[i] = i;
    std::shuffle(permutation.begin(), permutation.end(), engine);
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = a + 1; b < n; ++b) {
        if (engine() % 5 == 0) edges.emplace_back(permutation[a], permutation[b]);
      }
    }
    const svg::DagLayout layout = svg::layer_dag(n, edges);
    REQUIRE(layout.layer.size() == n);
    std::vector<std::size_t> longest(n, 0);  // longest path to each node, by relaxation in permutation order
    for (std::size_t a = 0; a < n; ++a) {
      for (const auto& [from, to] : edges) {
        if (from == permutation[a]) longest[to] = std::max(longest[to], longest[from] + 1);
      }
    }
    std::size_t placed = 0;
    for (std::size_t l = 0; l < layout.layers.size(); ++l) {
      for (const std::size_t v : layout.layers[l]) CHECK(layout.layer[v] == l);
      placed += layout.layers[l].size();
    }
    CHECK(placed == n);
    for (const auto& [from, to] : edges) CHECK(layout.layer[from] < layout.layer[to]);
    for (std::size_t v = 0; v < n; ++v) CHECK(layout.layer[v] == longest[v]);
  }
  const std::vector<std::pair<std::size_t, std::size_t>> cycle = {{0, 1}, {1, 2}, {2, 0}};
  CHECK_THROWS_AS(svg::layer_dag(3, cycle), Error);
  const std::vector<std::pair<std::size_t, std::size_t>> bad = {{0, 5}};
  CHECK_THROWS_AS(svg::layer_dag(3, bad), Error);
}

TEST_CASE("the HTML report is self-contained, complete and escaped", "[report]") {
  const Model model = parse_model(test_model, "report-test.toml");
  RunOptions options;
  options.samples = 4000;
  options.keep_samples = true;
  options.threads = 1;
  ReportOptions report_options;
  report_options.sensitivity_samples = 1024;
  report_options.sobol_samples = 512;
  report_options.scenario_samples = 2000;
  report_options.threads = 1;
  ReportData data = make_report_data(model, run(model, options), report_options);
  data.warnings.push_back(hostile);
  REQUIRE(data.sensitivity.size() == 1);
  CHECK(data.sensitivity[0].tornado.has_value());
  CHECK(data.sensitivity[0].rank.has_value());
  CHECK(data.sensitivity[0].sobol.has_value());
  REQUIRE(data.scenarios.size() == 2);
  const std::string html = html_report(data);

  for (const char* section : {"id=\"summary\"", "id=\"description\"", "id=\"outputs\"", "id=\"graph\"",
                              "id=\"drivers\"", "id=\"assumptions\"", "id=\"scenarios\"", "id=\"about\""}) {
    INFO(section);
    CHECK(html.find(section) != std::string::npos);
  }
  for (const char* text : {"Report &lt;test&gt; &amp; friends", "B. &lt;Writer&gt;", "https://example.org/paper",
                           "Capabilities arrive &lt;soon&gt;", "Survey 2023", "Sandberg", "Tornado", "Sobol indices",
                           "optimistic", "base model", "90% interval", "P(doom &gt; 10%)", "between"}) {
    INFO(text);
    CHECK(html.find(text) != std::string::npos);
  }
  // No scripts, no external resources: every src= and href= is absent (the only URL is the SVG namespace).
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("<b>markup</b>") == std::string::npos);
  // Histogram + CDF for the output, DAG, tornado, Sobol, scenario chart.
  const std::vector<std::string> svgs = svg_elements(html);
  CHECK(svgs.size() >= 6);
  for (const std::string& element : svgs) {
    INFO(element.substr(0, 200));
    CHECK(xml_problem(element).empty());
  }
  // The body as a whole is balanced XML-like markup too, apart from the void elements of HTML.
  const std::size_t body = html.find("<body>");
  std::string markup = html.substr(body, html.find("</body>") + 7 - body);
  for (const std::string& empty : {std::string("<br>")}) {
    for (std::size_t at; (at = markup.find(empty)) != std::string::npos;) markup.replace(at, empty.size(), "<br/>");
  }
  CHECK(xml_problem(markup).empty());
}

TEST_CASE("the gap sentence follows the sign of mean minus the value at the medians", "[report]") {
  CHECK(median_gap_sentence(0.1, 0.02, true).find("understates") != std::string::npos);
  CHECK(median_gap_sentence(0.02, 0.1, true).find("below") != std::string::npos);
  CHECK(median_gap_sentence(0.1, 0.101, true).find("close") != std::string::npos);
  CHECK(median_gap_sentence(0.1, 0.02, true).find("Sandberg, Drexler and Ord") != std::string::npos);
}

TEST_CASE("terminal histogram line and summary", "[report]") {
  const std::vector<std::uint64_t> counts = {0, 1, 4, 8};
  CHECK(histogram_line(counts) == " \u2581\u2584\u2588");
  CHECK(histogram_line(std::vector<std::uint64_t>{}).empty());
  const Model model = parse_model(test_model, "report-test.toml");
  RunOptions options;
  options.samples = 3000;
  options.keep_samples = true;
  options.threads = 1;
  const RunResult result = run(model, options);
  const RankResult drivers = drivers_from_samples(result, result.outputs.front());
  REQUIRE(drivers.inputs.size() == 3);
  for (std::size_t i = 1; i < drivers.inputs.size(); ++i) {
    CHECK(std::abs(drivers.inputs[i - 1].spearman) >= std::abs(drivers.inputs[i].spearman));
  }
  // doom is increasing in every input, so each Spearman is positive (each far above its standard error
  // of about 1/sqrt(3000) = 0.018 given the wide input ranges).
  for (const RankEntry& entry : drivers.inputs) CHECK(entry.spearman > 0.1);
  const std::vector<RankResult> rankings = {drivers};
  TerminalStyle plain;
  const std::string text = terminal_summary(result, rankings, {}, plain);
  CHECK(text.find("doom") != std::string::npos);
  CHECK(text.find("top drivers") != std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);
  TerminalStyle colour;
  colour.colour = true;
  CHECK(terminal_summary(result, rankings, {}, colour).find("\033[") != std::string::npos);
}

TEST_CASE("explain walks the argument in topological order", "[report]") {
  const Model model = parse_model(test_model, "report-test.toml");
  ExplainOptions options;
  options.samples = 2000;
  options.threads = 1;
  const std::string text = explain(model, options);
  const std::size_t capability = text.find("1. capability");
  const std::size_t doom = text.find(". doom");
  REQUIRE(capability != std::string::npos);
  REQUIRE(doom != std::string::npos);
  CHECK(capability < doom);
  CHECK(text.find("Assumption: between 20% and 80%, 90% credible") != std::string::npos);
  CHECK(text.find("Why: Because \"reasons\" & more.") != std::string::npos);
  CHECK(text.find("Source: Survey 2023") != std::string::npos);
  CHECK(text.find("Influence on doom: Spearman +") != std::string::npos);
  CHECK(text.find("Computed as: capability * misaligned * catastrophe") != std::string::npos);
  ExplainOptions none = options;
  none.samples = 0;
  CHECK(explain(model, none).find("Influence on") == std::string::npos);
  CHECK(dependence_in_words(-0.6) == "strong");
  CHECK(dependence_in_words(0.05) == "negligible");
}
