// Extreme numerics, as documented in docs/reliability.md: heavy tails (10^normal(0, 50), as in the
// Drake model of Sandberg, Drexler & Ord), products of many small probabilities underflowing to 0 (and
// the log-space alternative), overflow of a sample (an error naming the node) and overflow of a sum
// of finite samples (still the right mean). Closed forms and fixed seeds;
// tolerances are 4 standard errors.

#include "pdoom/error.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/io/run_output.hpp"
#include "pdoom/sample/run.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace {

using namespace pdoom;
using pdoom_test::input_and_formula_toml;

Model model_from(const std::string& text) { return read_model_text(text, "extreme.toml"); }

// The run in both summary modes: exact (all samples kept) and streaming (budget 0).
RunResult run_in_mode(const Model& model, RunOptions options, bool exact) {
  if (!exact) options.memory_budget_bytes = 0;
  return run(model, options);
}

const std::string heavy_tail = input_and_formula_toml("heavy", "z", "normal(0, 50)", "x", "10 ^ z");

}  // namespace

TEST_CASE("10^normal(0, 50): median 1 and P(x < 1) = 1/2 are right, the mean comes with an error as large as itself", "[numerics]") {
  // The mean of 10^Z, Z ~ normal(0, 50), is exp((50 ln 10)^2 / 2) = 10^2878: beyond double. A sample mean
  // is dominated by its largest draw and means nothing; the run must not present it with a small error.
  const Model model = model_from(heavy_tail);
  RunOptions options;
  options.samples = 100000;
  options.seed = 2018;
  options.thresholds = {1.0};
  for (const bool exact : {true, false}) {
    INFO((exact ? "exact" : "streaming") << " summaries");
    const RunResult result = run_in_mode(model, options, exact);
    REQUIRE(result.exact == exact);
    const Summary& x = result.summary("x");
    const double n = static_cast<double>(options.samples);
    // P(x > 1) = P(Z > 0) = 1/2, binomial standard error sqrt(1/4n).
    const double above_one = result.exceedance[*result.column("x")][0];
    CHECK(std::abs(above_one - 0.5) < 4 * std::sqrt(0.25 / n));
    // The median of x is 10^median(Z) = 1; the sample median of Z has standard error 50 sqrt(pi / 2n).
    // Streaming quantiles add their relative error, negligible on this log scale.
    CHECK(std::abs(std::log10(x.p50)) < 4 * 50 * std::sqrt(M_PI / (2 * n)));
    // Quartiles: 10^(+-0.6745 * 50), within the same kind of tolerance on the log scale.
    CHECK(std::abs(std::log10(x.p75) - 0.674489750196 * 50) < 1.0);
    CHECK(std::abs(std::log10(x.p25) + 0.674489750196 * 50) < 1.0);
    // Every sample is finite (else the run fails, below). The sample mean is dominated by the largest
    // draws and its standard error is as large as itself: reported, and marked as meaningless by it.
    CHECK(std::isfinite(x.mean));
    CHECK(x.mean > x.p99);
    CHECK(std::isfinite(x.sd));  // squared deviations of 1e230 are summed in long double, not overflowed
    CHECK(x.standard_error > 0.3 * x.mean);
    CHECK(x.sd >= x.max / std::sqrt(n) * 0.99);  // the largest draw alone gives at least max / sqrt(n)
    const auto json = nlohmann::json::parse(run_json(result));
    CHECK(json["outputs"]["x"]["stderr"].get<double>() == x.standard_error);
    CHECK(json["outputs"]["x"]["p50"].is_number());
  }
}

TEST_CASE("the Drake model's f_l stays finite because it caps the exponent, 10^normal(0, 200) does not", "[numerics]") {
  // 10^Z overflows for Z > 308.25: P = 6% per sample with sd 200, so a run of 10^4 samples hits it. The
  // error names the node, the sample and the input that produced it.
  const Model model = model_from(input_and_formula_toml("overflowing", "z", "normal(0, 200)", "x", "10 ^ z"));
  RunOptions options;
  options.samples = 10000;
  options.seed = 7;
  CHECK_THROWS_AS(run(model, options), NumericalError);
  CHECK_THROWS_WITH(run(model, options), Catch::Contains("node 'x' is +infinity at sample") && Catch::Contains("z = "));
  // Same message whatever the thread count: the first bad sample in block order.
  options.threads = 1;
  std::string one;
  try {
    (void)run(model, options);
  } catch (const NumericalError& error) {
    one = error.what();
  }
  options.threads = 3;
  CHECK_THROWS_WITH(run(model, options), one);
}

TEST_CASE("exp(1000) is an error naming the node, for an input-driven and a constant formula", "[numerics]") {
  const Model driven = model_from(input_and_formula_toml("exp-overflow", "x", "uniform(999, 1001)", "y", "exp(x)"));
  RunOptions options;
  options.samples = 1000;
  CHECK_THROWS_WITH(run(driven, options), Catch::Contains("node 'y' is +infinity at sample 0 with x = "));
  const Model constant = model_from(R"toml(
[model]
name = "exp-constant"
outputs = ["y"]

[nodes.y]
expr = "exp(1000)"
)toml");
  CHECK_THROWS_WITH(run(constant, options), Catch::Contains("node 'y' is +infinity") &&
                                                Catch::Contains("no uncertain inputs"));
  // log(0) is -infinity: also an error naming the node.
  const Model minus = model_from(input_and_formula_toml("log-zero", "p", "point(0)", "y", "log(p)"));
  CHECK_THROWS_WITH(run(minus, options), Catch::Contains("node 'y' is -infinity"));
}

namespace {

// `factors` independent inputs uniform(0.09, 0.11), their product and the log10 of the product computed
// in log space (a sum of logs, which cannot underflow).
Model many_small_factors(int factors) {
  std::string text = "[model]\nname = \"conjunction\"\noutputs = [\"product\", \"log10_product\"]\n";
  std::string product;
  std::string logs;
  // Appended piecewise: `"literal" + std::string` trips GCC 12's false -Wrestrict (bug 105329).
  for (int i = 0; i < factors; ++i) {
    std::string name = "p";
    name += std::to_string(i);
    text += "\n[nodes.";
    text += name;
    text += "]\ndist = \"uniform(0.09, 0.11)\"\nunit = \"probability\"\n";
    if (i > 0) {
      product += " * ";
      logs += " + ";
    }
    product += name;
    logs += "log10(";
    logs += name;
    logs += ")";
  }
  text += "\n[nodes.product]\nexpr = \"" + product + "\"\nunit = \"probability\"\n";
  text += "\n[nodes.log10_product]\nexpr = \"" + logs + "\"\n";
  return model_from(text);
}

// E[log10 U] for U ~ uniform(a, b).
double mean_log10_uniform(double a, double b) {
  return (b * std::log(b) - b - a * std::log(a) + a) / ((b - a) * std::log(10.0));
}

}  // namespace

TEST_CASE("300 factors of 0.1 give 1e-300, 400 underflow to exactly 0, log space gives -400", "[numerics]") {
  RunOptions options;
  options.samples = 20000;
  options.seed = 99;
  {
    // Within double's normal range: the mean of a product of independent factors is the product of the
    // means, 0.1^300.
    const RunResult result = run(many_small_factors(300), options);
    const Summary& product = result.summary("product");
    CHECK(product.mean > 0);
    CHECK(std::abs(product.mean - 1e-300) < 4 * product.standard_error);
    CHECK(product.standard_error < 0.1 * product.mean);
  }
  {
    // 0.1^400 = 1e-400 is below the smallest double (4.9e-324): every sample is exactly 0. That is a valid
    // probability, not an error; the exact figure is only available in log space.
    const RunResult result = run(many_small_factors(400), options);
    const Summary& product = result.summary("product");
    CHECK(product.mean == 0.0);
    CHECK(product.max == 0.0);
    CHECK(product.p50 == 0.0);
    const Summary& logs = result.summary("log10_product");
    const double expected = 400 * mean_log10_uniform(0.09, 0.11);
    CHECK(expected == Approx(-400.0).epsilon(1e-3));
    CHECK(std::abs(logs.mean - expected) < 4 * logs.standard_error);
    CHECK(logs.standard_error > 0);
  }
}

TEST_CASE("finite samples whose sum exceeds the largest double still give the right mean and sd", "[numerics]") {
  // Every sample is finite (up to 1.6e308) but their sum is not representable: the mean and the spread
  // are accumulated in long double in that case, in exact and streaming summaries alike.
  const Model model = model_from(input_and_formula_toml("near-max", "z", "uniform(307.5, 308.2)", "x", "10 ^ z"));
  // E[10^Z] for Z ~ uniform(a, b) = (10^b - 10^a) / ((b - a) ln 10); E[10^2Z] likewise, in long double.
  const long double a = 307.5L, b = 308.2L, ln10 = std::log(10.0L);
  const long double mean = (std::pow(10.0L, b) - std::pow(10.0L, a)) / ((b - a) * ln10);
  const long double second = (std::pow(10.0L, 2 * b) - std::pow(10.0L, 2 * a)) / (2 * (b - a) * ln10);
  const auto sd = static_cast<double>(std::sqrt(second - mean * mean));
  RunOptions options;
  options.samples = 50000;
  options.block_size = 1000;
  for (const bool exact : {true, false}) {
    INFO((exact ? "exact" : "streaming") << " summaries");
    for (const unsigned threads : {1U, 3U}) {
      options.threads = threads;
      const RunResult result = run_in_mode(model, options, exact);
      const Summary& x = result.summary("x");
      REQUIRE(std::isfinite(x.mean));
      CHECK(std::abs(x.mean - static_cast<double>(mean)) < 4 * x.standard_error);
      CHECK(x.sd == Approx(sd).epsilon(0.02));
      CHECK(x.max <= std::pow(10.0, 308.2) * (1 + 1e-12));
      // Median 10^307.85, within the sampling error of the uniform's median on the log scale.
      CHECK(std::abs(std::log10(x.p50) - 307.85) < 4 * 0.7 * 0.5 / std::sqrt(50000.0) + 1e-3);
    }
  }
}
