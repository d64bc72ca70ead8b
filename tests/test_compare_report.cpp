// The comparison's HTML page: well-formed, the waterfall from A's mean through every share to B's mean in
// the order of the table, escaped text, and `pdoom compare --html` (atomic file, exit statuses).

#include "pdoom/audit/compare.hpp"
#include "pdoom/io/compare_report.hpp"
#include "pdoom/io/model_file.hpp"
#include "xml_check.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#ifdef PDOOM_CLI_PATH
#include "cli_runner.hpp"
#endif

using namespace pdoom;
using pdoom_test::svg_elements;
using pdoom_test::xml_problem;

namespace {

constexpr const char* model_a_text = R"toml(
[model]
name = "sceptic"
title = "<script>alert('a')</script> & the sceptic"
outputs = ["doom"]

[nodes.cap]
label = "Capabilities <script>x</script> & more"
dist = "beta(2, 3)"
unit = "probability"

[nodes.align]
label = "Alignment is hard"
dist = "beta(2, 5)"
unit = "probability"

[nodes.stay]
label = "Unchanged premise"
dist = "beta(3, 3)"
unit = "probability"

[nodes.old_factor]
label = "Only the sceptic's"
dist = "point(0.9)"
unit = "probability"

[nodes.doom]
expr = "cap * align * stay * old_factor"
unit = "probability"
)toml";

constexpr const char* model_b_text = R"toml(
[model]
name = "worried"
title = "The worried one"
outputs = ["doom"]

[nodes.cap]
label = "Capabilities <script>x</script> & more"
dist = "beta(4, 2)"
unit = "probability"

[nodes.align]
label = "Alignment is hard"
dist = "beta(3, 3)"
unit = "probability"

[nodes.stay]
label = "Unchanged premise"
dist = "beta(3, 3)"
unit = "probability"

[nodes.new_factor]
label = "Only the worrier's"
dist = "beta(5, 2)"
unit = "probability"

[nodes.doom]
expr = "cap * align * stay * new_factor"
unit = "probability"
)toml";

CompareOptions options_for_test(bool exact) {
  CompareOptions options;
  options.samples = 4000;
  options.threads = 2;
  if (!exact) {
    options.exact_limit = 1;
    options.permutations = 8;
  }
  return options;
}

// One bar of the waterfall as the SVG states it: its exact ends and its tooltip.
struct DrawnBar {
  double from = 0;
  double to = 0;
  std::string title;
};

std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = tag.find(key);
  if (at == std::string::npos) return {};
  const std::size_t start = at + key.size();
  return tag.substr(start, tag.find('"', start) - start);
}

// The bars of every <rect> carrying data-from/data-to, in document order.
std::vector<DrawnBar> waterfall_bars(const std::string& svg) {
  std::vector<DrawnBar> bars;
  for (std::size_t at = 0; (at = svg.find("<rect ", at)) != std::string::npos;) {
    const std::size_t end = svg.find('>', at);
    const std::string tag = svg.substr(at, end + 1 - at);
    at = end;
    const std::string from = attribute(tag, "data-from"), to = attribute(tag, "data-to");
    if (from.empty() || to.empty()) continue;
    DrawnBar bar;
    bar.from = std::stod(from);
    bar.to = std::stod(to);
    const std::size_t title = svg.find("<title>", end);
    if (title == end + 1) bar.title = svg.substr(title + 7, svg.find("</title>", title) - title - 7);
    bars.push_back(bar);
  }
  return bars;
}

std::string waterfall_of(const std::string& html) {
  for (const std::string& svg : svg_elements(html)) {
    if (svg.find("data-from=") != std::string::npos) return svg;
  }
  return {};
}

// The HTML with its void elements closed, so that the body can be checked as XML.
std::string body_markup(const std::string& html) {
  const std::size_t body = html.find("<body>");
  std::string markup = html.substr(body, html.find("</body>") + 7 - body);
  for (std::size_t at; (at = markup.find("<br>")) != std::string::npos;) markup.replace(at, 4, "<br/>");
  return markup;
}

void check_waterfall_matches(const Comparison& comparison, const std::string& html) {
  const std::string svg = waterfall_of(html);
  REQUIRE_FALSE(svg.empty());
  const std::vector<DrawnBar> bars = waterfall_bars(svg);
  // A's mean, one bar per change, B's mean.
  REQUIRE(bars.size() == comparison.attribution.size() + 2);
  CHECK(bars.front().from == 0);
  CHECK(bars.front().to == comparison.mean_a);  // round-trip decimals: exact
  double level = comparison.mean_a;
  for (std::size_t i = 0; i < comparison.attribution.size(); ++i) {
    const Change& change = comparison.attribution[i];
    const DrawnBar& bar = bars[i + 1];
    INFO("change " << change.name);
    CHECK(bar.from == level);
    CHECK(bar.to - bar.from == Approx(change.share).margin(1e-15));
    CHECK(bar.title.rfind(change.name + ":", 0) == 0);
    level = bar.to;
  }
  // The steps end at B's mean (the shares add up to the difference up to rounding) and so does the total.
  CHECK(level == Approx(comparison.mean_b).margin(1e-13));
  CHECK(bars.back().from == 0);
  CHECK(bars.back().to == level);
}

}  // namespace

TEST_CASE("compare report: the waterfall goes from A's mean through each share to B's mean", "[compare-report]") {
  const Model a = parse_model(model_a_text, "a.toml");
  const Model b = parse_model(model_b_text, "b.toml");
  const Comparison comparison = compare(a, b, options_for_test(true));
  REQUIRE(comparison.exact);
  // cap, align, and doom + old_factor + new_factor (grouped: B's formula needs new_factor).
  REQUIRE(comparison.attribution.size() == 3);
  const std::string html = compare_html(CompareReportData{comparison, a, b, "pdoom test"});
  check_waterfall_matches(comparison, html);

  // The attribution table lists the changes in the chart's order.
  const std::size_t section = html.find("id=\"attribution\"");
  const std::size_t nodes_section = html.find("id=\"nodes\"");
  REQUIRE(section != std::string::npos);
  REQUIRE(nodes_section != std::string::npos);
  std::size_t previous = section;
  for (const Change& change : comparison.attribution) {
    const std::size_t row = html.find("<td><b>" + change.name + "</b></td>", previous);
    INFO(change.name);
    CHECK(row > previous);
    CHECK(row < nodes_section);
    previous = row;
  }
  // Exact shares of an uncertain model have Monte Carlo errors: whiskers (± in the tooltips).
  for (const Change& change : comparison.attribution) CHECK(change.share_stderr > 0);
  CHECK(waterfall_of(html).find("\u00b1") != std::string::npos);
}

TEST_CASE("compare report: sampled shares get error bars, point values none", "[compare-report]") {
  const Model a = parse_model(model_a_text, "a.toml");
  const Model b = parse_model(model_b_text, "b.toml");
  const Comparison sampled = compare(a, b, options_for_test(false));
  REQUIRE_FALSE(sampled.exact);
  const std::string html = compare_html(CompareReportData{sampled, a, b, "pdoom test"});
  check_waterfall_matches(sampled, html);
  const std::vector<DrawnBar> bars = waterfall_bars(waterfall_of(html));
  for (std::size_t i = 1; i + 1 < bars.size(); ++i) {
    INFO(bars[i].title);
    CHECK(bars[i].title.find("\u00b1") != std::string::npos);
  }
  CHECK(html.find("sampled over 8 permutations") != std::string::npos);

  // Point values: every share is exact with no Monte Carlo error, so no error bars.
  const Model pa = parse_model(
      "[model]\nname = \"pa\"\noutputs = [\"y\"]\n[nodes.p]\ndist = \"point(0.5)\"\n[nodes.q]\ndist = \"point(0.4)\"\n"
      "[nodes.y]\nexpr = \"p * q\"\n",
      "pa.toml");
  const Model pb = parse_model(
      "[model]\nname = \"pb\"\noutputs = [\"y\"]\n[nodes.p]\ndist = \"point(0.8)\"\n[nodes.q]\ndist = \"point(0.6)\"\n"
      "[nodes.y]\nexpr = \"p * q\"\n",
      "pb.toml");
  const Comparison points = compare(pa, pb, options_for_test(true));
  const std::string point_html = compare_html(CompareReportData{points, pa, pb, "pdoom test"});
  check_waterfall_matches(points, point_html);
  const std::vector<DrawnBar> point_bars = waterfall_bars(waterfall_of(point_html));
  REQUIRE(point_bars.size() == 4);
  // share_p = (0.8 - 0.5)(0.4 + 0.6)/2 = 0.15 first, share_q = (0.6 - 0.4)(0.5 + 0.8)/2 = 0.13.
  CHECK(point_bars[1].to - point_bars[1].from == Approx(0.15).epsilon(1e-12));
  CHECK(point_bars[2].to - point_bars[2].from == Approx(0.13).epsilon(1e-12));
  CHECK(point_bars[3].to == Approx(0.48).epsilon(1e-12));
  CHECK(point_html.find("+15 pp \u00b1 0<") != std::string::npos);  // the table agrees: no error
  for (const DrawnBar& bar : point_bars) {
    INFO(bar.title);
    CHECK(bar.title.find("\u00b1") == std::string::npos);
  }
}

TEST_CASE("compare report: well-formed, self-contained, escaped, every node in the table", "[compare-report]") {
  const Model a = parse_model(model_a_text, "a.toml");
  const Model b = parse_model(model_b_text, "b.toml");
  Comparison comparison = compare(a, b, options_for_test(true));
  comparison.notes.push_back("a note with <b>markup</b> & an ampersand");
  const std::string html = compare_html(CompareReportData{comparison, a, b, "pdoom <test> & co"});

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  const std::vector<std::string> svgs = svg_elements(html);
  REQUIRE_FALSE(svgs.empty());
  for (const std::string& element : svgs) {
    INFO(element.substr(0, 200));
    CHECK(xml_problem(element).empty());
  }
  CHECK(xml_problem(body_markup(html)).empty());

  // Text from the models is escaped: no live <script>, and the entities are there.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>markup</b>") == std::string::npos);
  for (const char* text : {"&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt; &amp; the sceptic",
                           "Capabilities &lt;script&gt;x&lt;/script&gt; &amp; more", "The worried one",
                           "a note with &lt;b&gt;markup&lt;/b&gt; &amp; an ampersand", "pdoom &lt;test&gt; &amp; co"}) {
    INFO(text);
    CHECK(html.find(text) != std::string::npos);
  }
  // Self-contained: no resources, no links.
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);

  // Node table: every node of both models, with its status.
  const std::size_t table = html.find("id=\"nodes\"");
  REQUIRE(table != std::string::npos);
  for (const NodeComparison& node : comparison.nodes) {
    INFO(node.name);
    CHECK(html.find("<td><b>" + node.name + "</b></td>", table) != std::string::npos);
  }
  REQUIRE(comparison.nodes.size() == 6);
  for (const char* status : {"only in A", "only in B", "unchanged", ">changed<"}) {
    INFO(status);
    CHECK(html.find(status, table) != std::string::npos);
  }
  // The difference with its Monte Carlo error, in percentage points.
  CHECK(html.find("B \u2212 A \u00b1 Monte Carlo standard error") != std::string::npos);
  CHECK(html.find(" pp \u00b1 ") != std::string::npos);

  // Without the models: names instead of titles, still complete.
  const std::string bare = compare_html(CompareReportData{comparison, std::nullopt, std::nullopt, "pdoom"});
  CHECK(bare.find("<h1>sceptic") != std::string::npos);
  CHECK(xml_problem(body_markup(bare)).empty());
  check_waterfall_matches(comparison, bare);
}

#ifdef PDOOM_CLI_PATH

namespace {

namespace fs = std::filesystem;
using Outcome = pdoom_test::CliOutcome;
using pdoom_test::quoted;
using pdoom_test::read_text;
using pdoom_test::run_pdoom;

fs::path scratch_dir() { return pdoom_test::scratch_dir("compare-report-test"); }

std::string audit_models() {
  const fs::path data = fs::path(PDOOM_TEST_DATA_DIR) / "audit";
  return quoted((data / "compare_a.toml").string()) + " " + quoted((data / "compare_b.toml").string());
}

}  // namespace

TEST_CASE("pdoom compare --html writes the page, atomically", "[compare-report]") {
  const fs::path directory = scratch_dir() / "html";
  fs::remove_all(directory);
  fs::create_directories(directory);
  const fs::path page = directory / "out.html";
  const Outcome outcome = run_pdoom("compare " + audit_models() + " -n 2000 --html " + quoted(page.string()));
  REQUIRE(outcome.status == 0);
  REQUIRE(fs::exists(page));
  const std::string html = read_text(page);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html.find("doom + no_correction") != std::string::npos);
  CHECK(html.find("Transformative AI by 2070") != std::string::npos);  // labels from the model files
  CHECK(xml_problem(waterfall_of(html)).empty());
  CHECK_THAT(outcome.out, Catch::Contains("attribution of B - A"));  // the table is printed as before
  // Nothing but the page in the folder: the temporary file was renamed.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) ++files;
  CHECK(files == 1);

  // Into a folder that does not exist: exit 1, an error naming the file, no file.
  const fs::path missing = directory / "no-such-folder" / "out.html";
  const Outcome failed = run_pdoom("compare " + audit_models() + " -n 500 --html " + quoted(missing.string()));
  CHECK(failed.status == 1);
  CHECK_THAT(failed.err, Catch::Contains("error:") && Catch::Contains("out.html"));
  CHECK_FALSE(fs::exists(missing));
  CHECK_FALSE(fs::exists(missing.parent_path()));

  // '-' writes the page alone on stdout; both --json and --html on stdout is a usage error.
  const Outcome stdout_page = run_pdoom("compare " + audit_models() + " -n 500 --html -");
  CHECK(stdout_page.status == 0);
  CHECK(stdout_page.out.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(stdout_page.out.find("attribution of B - A") == std::string::npos);
  CHECK(run_pdoom("compare " + audit_models() + " -n 500 --html - --json -").status == 2);
  fs::remove_all(directory);
}

#endif  // PDOOM_CLI_PATH
