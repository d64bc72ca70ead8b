// The compact terminal summary of `pdoom run`: histogram lines, drivers ranked by Spearman's rho against
// closed forms, the summary's layout, no ANSI escapes off a terminal, and --quiet.

#include "pdoom/io/model_file.hpp"
#include "pdoom/io/terminal.hpp"
#include "pdoom/sample/run.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH
#include "cli_runner.hpp"
#endif

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

// y = 3 x1 + x2 + 0.5 x3 with independent standard normal inputs: Pearson's r of x_i with y is
// c_i / |c|, and for a bivariate normal Spearman's rho is (6 / pi) asin(r / 2).
constexpr const char* linear_model = R"toml(
[model]
name = "linear"
outputs = ["y"]

[nodes.x3]
dist = "normal(0, 1)"

[nodes.x1]
dist = "normal(0, 1)"

[nodes.x2]
dist = "normal(0, 1)"

[nodes.fixed]
dist = "point(2)"

[nodes.y]
expr = "3 * x1 + x2 + 0.5 * x3 + fixed"
)toml";

// doom = a * b with a spanning three orders of magnitude and b within a factor of two: log(doom) is
// log(a) + log(b), with variances (ln 1000)^2 / 12 = 3.98 and at most (ln 2)^2 / 4 = 0.12, so a's rank
// correlation with doom is near 1 and b's small. `unrelated` feeds nothing.
constexpr const char* product_model = R"toml(
[model]
name = "product"
outputs = ["doom"]

[nodes.b]
dist = "uniform(0.5, 1)"
unit = "probability"

[nodes.a]
dist = "loguniform(0.001, 1)"
unit = "probability"

[nodes.unrelated]
dist = "uniform(0, 1)"

[nodes.doom]
expr = "a * b"
unit = "probability"
)toml";

std::size_t count_of(const std::string& text, const std::string& piece) {
  std::size_t count = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + piece.size())) ++count;
  return count;
}

}  // namespace

TEST_CASE("histogram lines follow the density and use log bins for wide positive data", "[report][summary]") {
  // Deterministic quantiles of a standard normal: the middle bins are the fullest, the outer ones the
  // emptiest (a 1st-99th percentile range of +-2.33 sd: the density at the ends is 1/15 of the peak).
  const boost::math::normal normal;
  std::vector<double> gaussian;
  std::vector<double> lognormal;
  constexpr int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double z = quantile(normal, (i + 0.5) / n);
    gaussian.push_back(z);
    // Its 1st and 99th percentiles are e^(+-7): log bins, which put the peak in the middle (linear bins
    // would put most samples in the first one).
    lognormal.push_back(std::exp(3.0 * z));
  }
  const std::string full = "\u2588";
  const std::string lowest = "\u2581";
  for (const auto* values : {&gaussian, &lognormal}) {
    const std::string line = histogram_line(*values, 24);
    INFO(line);
    // 24 bins of 3-byte block characters.
    REQUIRE(line.size() == 24 * 3);
    CHECK((line.substr(11 * 3, 3) == full || line.substr(12 * 3, 3) == full));
    CHECK(line.substr(0, 3) == lowest);
    CHECK(line.substr(23 * 3, 3) == lowest);
  }
  // A constant up to rounding (two neighbouring doubles) cannot be binned: no line, no exception.
  std::vector<double> ulps;
  for (int i = 0; i < 200; ++i) ulps.push_back(i % 2 == 0 ? 1.0 : std::nextafter(1.0, 2.0));
  CHECK(histogram_line(ulps, 24).empty());
  CHECK(histogram_line(std::vector<double>{}, 24).empty());
  CHECK(histogram_line(std::vector<double>{1.0, NAN}, 24).empty());
}

TEST_CASE("drivers from samples match the closed-form Spearman correlations of a linear model", "[report][summary]") {
  const Model model = parse_model(linear_model, "linear.toml");
  RunOptions options;
  options.samples = 20000;
  options.keep_samples = true;
  const RunResult result = run(model, options);
  const RankResult drivers = drivers_from_samples(result, *result.column("y"));
  REQUIRE(drivers.inputs.size() == 4);
  const double norm = std::sqrt(9.0 + 1.0 + 0.25);
  const std::vector<std::pair<std::string, double>> expected = {
      {"x1", pdoom_test::spearman_of_normal(3.0 / norm)}, {"x2", pdoom_test::spearman_of_normal(1.0 / norm)},
      {"x3", pdoom_test::spearman_of_normal(0.5 / norm)}, {"fixed", 0.0}};
  // Spearman's standard error is below 1.1 / sqrt(n) = 0.0078 here; allow four of them.
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(drivers.inputs[i].input << " " << drivers.inputs[i].spearman);
    CHECK(drivers.inputs[i].input == expected[i].first);
    CHECK(drivers.inputs[i].spearman == Approx(expected[i].second).margin(0.032));
  }
  CHECK(drivers.samples == 20000);

  // Only the columns asked for, in rank order.
  const std::vector<std::size_t> some = {*result.column("x3"), *result.column("x2")};
  const RankResult two = drivers_from_samples(result, *result.column("y"), some);
  REQUIRE(two.inputs.size() == 2);
  CHECK(two.inputs[0].input == "x2");
  CHECK(two.inputs[1].input == "x3");

  const std::vector<std::size_t> bad = {99};
  CHECK_THROWS_AS(drivers_from_samples(result, *result.column("y"), bad), Error);
  CHECK_THROWS_AS(drivers_from_samples(result, 99), Error);
  RunOptions unkept = options;
  unkept.keep_samples = false;
  CHECK_THROWS_AS(drivers_from_samples(run(model, unkept), 0), Error);
}

TEST_CASE("terminal summary shows the outputs table, a histogram line and the drivers in rank order", "[report][summary]") {
  const Model model = parse_model(linear_model, "linear.toml");
  RunOptions options;
  options.samples = 20000;
  options.keep_samples = true;
  options.max_kept_samples = 5000;
  const RunResult result = run(model, options);
  const std::vector<RankResult> drivers = {drivers_from_samples(result, *result.column("y"))};
  TerminalStyle plain;
  plain.top_drivers = 3;
  const std::string text = terminal_summary(result, drivers, std::vector<std::string>{"something odd"}, plain);
  INFO(text);
  CHECK(text.find("linear: 20000 samples") == 0);
  CHECK(text.find("mean ± stderr") != std::string::npos);
  CHECK(text.find("\u2588") != std::string::npos);
  CHECK(text.find("(1st to 99th percentile)") != std::string::npos);
  const std::size_t x1 = text.find("    x1 ");
  const std::size_t x2 = text.find("    x2 ");
  const std::size_t x3 = text.find("    x3 ");
  REQUIRE(x1 != std::string::npos);
  REQUIRE(x2 != std::string::npos);
  REQUIRE(x3 != std::string::npos);
  CHECK(x1 < x2);
  CHECK(x2 < x3);
  CHECK(text.find("    fixed ") == std::string::npos);  // only the top three
  CHECK(text.find("over 5000 samples") != std::string::npos);
  CHECK(text.find("note: histograms and drivers use the first 5000 of the 20000 samples.") != std::string::npos);
  CHECK(text.find("warning: something odd") != std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);
  CHECK(text.find("node ") == std::string::npos);  // the every-node table only when asked

  TerminalStyle nodes = plain;
  nodes.all_nodes = true;
  CHECK(terminal_summary(result, drivers, {}, nodes).find("  node ") != std::string::npos);

  TerminalStyle colour = plain;
  colour.colour = true;
  const std::string coloured = terminal_summary(result, drivers, {}, colour);
  CHECK(coloured.find("\033[") != std::string::npos);
  CHECK(count_of(coloured, "\033[") == 2 * count_of(coloured, "\033[0m"));  // every colour is reset
}

#ifdef PDOOM_CLI_PATH
namespace {

using pdoom_test::quoted;
using pdoom_test::read_text;
// Its stdout and stderr are pipes, so neither is a terminal.
using pdoom_test::run_pdoom;

std::filesystem::path summary_dir() { return pdoom_test::scratch_dir("summary"); }

}  // namespace

TEST_CASE("pdoom run prints the compact summary without colour when stdout is not a terminal", "[cli][summary]") {
  const std::string model = pdoom_test::scratch_file("summary", "product.toml", product_model);
  const auto outcome = run_pdoom("run " + model + " --samples 20000");
  INFO(outcome.out << outcome.err);
  REQUIRE(outcome.status == 0);
  CHECK(outcome.out.find("product: 20000 samples") == 0);
  CHECK(outcome.out.find("P(>10%)") != std::string::npos);
  CHECK(outcome.out.find("\033") == std::string::npos);
  CHECK(outcome.err.find("\033") == std::string::npos);
  // The histogram line: a label, 24 block characters or spaces, a label.
  CHECK(outcome.out.find("\u2588") != std::string::npos);
  // a drives doom, b much less, and `unrelated` is not upstream of doom so it is not listed.
  const std::size_t a = outcome.out.find("    a ");
  const std::size_t b = outcome.out.find("    b ");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(a < b);
  CHECK(outcome.out.find("unrelated") == std::string::npos);
  CHECK(outcome.out.find("node ") == std::string::npos);
  // 20000 samples are fewer than the summary keeps (2^15): every sample is used, no note.
  CHECK(outcome.out.find("note: histograms and drivers use the first") == std::string::npos);

  // With --html 2^20 samples are kept for the report; the summary still ranks only the first 2^15.
  const auto html = summary_dir() / "report.html";
  const auto with_html = run_pdoom("run " + model + " --samples 40000 --html " + quoted(html.string()));
  REQUIRE(with_html.status == 0);
  CHECK(std::filesystem::file_size(html) > 0);
  CHECK(with_html.out.find("note: histograms and drivers use the first 32768 of the 40000 samples.") !=
        std::string::npos);
  CHECK(with_html.out.find("over 32768 samples") != std::string::npos);

  const auto nodes = run_pdoom("run " + model + " --samples 2000 --nodes");
  REQUIRE(nodes.status == 0);
  CHECK(nodes.out.find("  node ") != std::string::npos);
  CHECK(nodes.out.find("unrelated") != std::string::npos);
  std::filesystem::remove_all(summary_dir());
}

TEST_CASE("pdoom run --quiet prints nothing and still writes its files", "[cli][summary]") {
  const std::string model = pdoom_test::scratch_file("summary", "product.toml", product_model);
  const auto quiet = run_pdoom("run " + model + " --samples 2000 --quiet");
  CHECK(quiet.status == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  const auto json = summary_dir() / "run.json";
  const auto with_file = run_pdoom("run " + model + " --samples 2000 -q --json " + quoted(json.string()));
  CHECK(with_file.status == 0);
  CHECK(with_file.out.empty());
  CHECK(read_text(json).find("\"samples\": 2000") != std::string::npos);
  // --json - prints the JSON alone, summary or not.
  const auto json_only = run_pdoom("run " + model + " --samples 2000 --json -");
  CHECK(json_only.out.front() == '{');
  CHECK(json_only.out.find("top drivers") == std::string::npos);
  std::filesystem::remove_all(summary_dir());
}

TEST_CASE("pdoom run colours its summary on a terminal unless NO_COLOR is set", "[cli][summary]") {
  // util-linux `script` gives the command a pseudo-terminal; without it there is nothing to test.
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    WARN("script(1) is not installed: the terminal case is not tested");
    return;
  }
  const std::string model = pdoom_test::scratch_file("summary", "product.toml", product_model);
  const auto typescript = summary_dir() / "typescript.txt";
  const std::string run = quoted(PDOOM_CLI_PATH) + " run " + model + " --samples 2000";
  const auto on_terminal = [&](const std::string& environment) {
    const std::string command = "TERM=xterm " + environment + " script -qec " + quoted(run) + " " +
                                quoted(typescript.string()) + " >/dev/null 2>&1 </dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    return read_text(typescript);
  };
  const std::string coloured = on_terminal("");
  INFO(coloured);
  CHECK(coloured.find("product: 2000 samples") != std::string::npos);
  CHECK(coloured.find("\033[1m") != std::string::npos);
  CHECK(on_terminal("NO_COLOR=1").find("\033[") == std::string::npos);
  std::filesystem::remove_all(summary_dir());
}
#endif
