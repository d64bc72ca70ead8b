// The sampler's results: analytic means, honest standard errors, designs, copula, determinism, stable
// streams, scenarios, faults, streaming summaries and cancellation.
//
// Tolerances: Monte Carlo checks use 4 standard errors (reported by the run itself, whose honesty is
// tested separately against the spread over seeds with a chi-square interval); all seeds are fixed.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sample/run.hpp"
#include "pdoom/stats/summary.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace pdoom;

NodeInfo probability_unit() {
  NodeInfo info;
  info.unit = "probability";
  return info;
}

// Three independent betas multiplied and added.
Model three_betas() {
  Model model("three-betas");
  model.input("a", beta(6.5, 3.5), probability_unit());
  model.input("b", beta(8, 2), probability_unit());
  model.input("c", beta(4, 6), probability_unit());
  model.derived("product", parse_expression("a * b * c"), probability_unit());
  model.derived("total", parse_expression("a + b + c"));
  model.add_output("product");
  model.add_output("total");
  return model;
}

constexpr double mean_a = 6.5 / 10, mean_b = 8.0 / 10, mean_c = 4.0 / 10;

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

bool same_summary(const Summary& x, const Summary& y) {
  return same_bits(x.mean, y.mean) && same_bits(x.sd, y.sd) && same_bits(x.standard_error, y.standard_error) &&
         same_bits(x.min, y.min) && same_bits(x.max, y.max) && same_bits(x.p01, y.p01) && same_bits(x.p05, y.p05) &&
         same_bits(x.p25, y.p25) && same_bits(x.p50, y.p50) && same_bits(x.p75, y.p75) &&
         same_bits(x.p95, y.p95) && same_bits(x.p99, y.p99) && x.count == y.count;
}

bool same_results(const RunResult& x, const RunResult& y) {
  if (x.summaries.size() != y.summaries.size() || x.samples != y.samples) return false;
  for (std::size_t j = 0; j < x.summaries.size(); ++j) {
    if (!same_summary(x.summaries[j], y.summaries[j])) return false;
    for (std::size_t t = 0; t < x.thresholds.size(); ++t) {
      if (!same_bits(x.exceedance[j][t], y.exceedance[j][t])) return false;
    }
  }
  for (std::size_t p = 0; p < x.correlations.size(); ++p) {
    if (!same_bits(x.correlations[p].achieved, y.correlations[p].achieved)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("run gives the analytic means of a product and a sum of independent inputs", "[sample]") {
  RunOptions options;
  options.samples = 200000;
  options.threads = 2;
  const RunResult result = run(three_betas(), options);
  REQUIRE(result.samples == 200000);
  REQUIRE(result.exact);
  REQUIRE_FALSE(result.partial);
  const Summary& product = result.summary("product");
  const Summary& total = result.summary("total");
  // Independence: E[abc] = E[a] E[b] E[c]; E[a + b + c] = E[a] + E[b] + E[c].
  REQUIRE(std::abs(product.mean - mean_a * mean_b * mean_c) < 4 * product.standard_error);
  REQUIRE(std::abs(total.mean - (mean_a + mean_b + mean_c)) < 4 * total.standard_error);
  // Var(a + b + c) is the sum of the beta variances ab / ((a+b)^2 (a+b+1)); the sd's own standard error
  // is about sd / sqrt(2n), so 1% is many of them.
  const auto beta_variance = [](double a, double b) { return a * b / ((a + b) * (a + b) * (a + b + 1)); };
  const double total_sd = std::sqrt(beta_variance(6.5, 3.5) + beta_variance(8, 2) + beta_variance(4, 6));
  REQUIRE(total.sd == Approx(total_sd).epsilon(0.01));
  REQUIRE(product.standard_error == Approx(product.sd / std::sqrt(200000.0)).epsilon(1e-12));
  // The inputs' own summaries: the median of beta(8, 2) within a few of its standard errors
  // (sqrt(p(1-p)/n) / density, density of beta(8,2) at its median ~ 3.6): 0.003 is ample.
  REQUIRE(result.summary("b").p50 == Approx(median(beta(8, 2))).margin(0.003));
  REQUIRE(result.summary("a").min >= 0.0);
  REQUIRE(result.summary("a").max <= 1.0);
  // The point estimate at the medians is the product of the medians.
  const auto column = *result.column("product");
  REQUIRE(result.at_medians[column] ==
          Approx(median(beta(6.5, 3.5)) * median(beta(8, 2)) * median(beta(4, 6))).epsilon(1e-8));
}

TEST_CASE("reported standard error matches the spread of the mean over 30 seeds", "[sample]") {
  const Model model = three_betas();
  const int seeds = 30;
  std::vector<double> means;
  double variance_reported = 0;
  for (int s = 0; s < seeds; ++s) {
    RunOptions options;
    options.samples = 4000;
    options.seed = 1000 + static_cast<std::uint64_t>(s);
    options.threads = 1;
    const RunResult result = run(model, options);
    means.push_back(result.summary("product").mean);
    variance_reported += std::pow(result.summary("product").standard_error, 2) / seeds;
  }
  const double grand = std::accumulate(means.begin(), means.end(), 0.0) / seeds;
  double spread = 0;
  for (const double m : means) spread += (m - grand) * (m - grand);
  spread /= seeds - 1;
  // (k - 1) S^2 / sigma^2 follows chi-square(k - 1) when the reported error is right: accept the
  // central 99.9% of that distribution (the reported variance's own noise, ~2% here, is negligible).
  const boost::math::chi_squared chi(seeds - 1);
  const double low = boost::math::quantile(chi, 0.0005) / (seeds - 1);
  const double high = boost::math::quantile(chi, 0.9995) / (seeds - 1);
  const double ratio = spread / variance_reported;
  INFO("ratio of the observed to the reported variance of the mean: " << ratio);
  REQUIRE(ratio > low);
  REQUIRE(ratio < high);
}

TEST_CASE("results are bit-identical for 1, 2 and 7 threads in exact and streaming modes", "[sample]") {
  Model model = three_betas();
  model.correlate("a", "c", 0.5);
  for (const Design design : {Design::mc, Design::lhs, Design::sobol}) {
    for (const std::size_t budget : {std::size_t{256} << 20, std::size_t{0}}) {
      RunOptions options;
      options.samples = 50000;
      options.block_size = 1000;
      options.design = design;
      options.memory_budget_bytes = budget;
      options.threads = 1;
      const RunResult one = run(model, options);
      options.threads = 2;
      const RunResult two = run(model, options);
      options.threads = 7;
      const RunResult seven = run(model, options);
      INFO("design " << design_name(design) << ", budget " << budget);
      REQUIRE(one.exact == (budget > 0));
      REQUIRE(same_results(one, two));
      REQUIRE(same_results(one, seven));
    }
  }
}

TEST_CASE("block size is part of the streams: each block size is deterministic on its own", "[sample]") {
  RunOptions options;
  options.samples = 20000;
  options.keep_samples = true;
  options.threads = 3;
  options.block_size = 1000;
  const RunResult first = run(three_betas(), options);
  const RunResult again = run(three_betas(), options);
  REQUIRE(same_results(first, again));
  options.block_size = 4096;
  const RunResult other = run(three_betas(), options);
  REQUIRE_FALSE(same_bits((*first.values)(1500, 0), (*other.values)(1500, 0)));
  // The first block's samples come from the same stream start whatever the block size.
  REQUIRE(same_bits((*first.values)(10, 0), (*other.values)(10, 0)));
}

TEST_CASE("stable streams: adding and editing nodes leaves the other nodes' samples unchanged", "[sample]") {
  Model before("streams");
  before.input("a", beta(2, 3));
  before.input("b", normal(0, 1));
  before.input("c", uniform(0, 1));
  before.derived("sum", parse_expression("a + b + c"));
  before.add_output("sum");

  Model after("streams");
  after.input("new_first", gamma(2, 1));
  after.input("a", beta(2, 3));
  after.input("b", normal(0, 1));
  after.input("c", uniform(5, 6));  // edited
  after.derived("sum", parse_expression("a + b + c + new_first"));
  after.add_output("sum");

  for (const Design design : {Design::mc, Design::lhs}) {
    RunOptions options;
    options.samples = 10000;
    options.block_size = 1024;
    options.keep_samples = true;
    options.design = design;
    const RunResult x = run(before, options);
    const RunResult y = run(after, options);
    for (const std::string name : {"a", "b"}) {
      const auto cx = static_cast<Eigen::Index>(*x.column(name));
      const auto cy = static_cast<Eigen::Index>(*y.column(name));
      for (Eigen::Index i = 0; i < 10000; ++i) REQUIRE(same_bits((*x.values)(i, cx), (*y.values)(i, cy)));
    }
    // The edited node keeps its uniforms: uniform(5, 6) is uniform(0, 1) shifted by 5.
    const auto cx = static_cast<Eigen::Index>(*x.column("c"));
    const auto cy = static_cast<Eigen::Index>(*y.column("c"));
    for (Eigen::Index i = 0; i < 10000; i += 97) REQUIRE((*y.values)(i, cy) == Approx((*x.values)(i, cx) + 5));
  }
}

TEST_CASE("latin hypercube puts exactly one sample in each stratum of every input", "[sample]") {
  Model model("lhs");
  model.input("u", uniform(0, 1));
  model.input("v", uniform(0, 1));
  model.derived("w", parse_expression("u + v"));
  model.add_output("w");
  RunOptions options;
  options.samples = 5000;
  options.block_size = 333;  // strata are spread over many blocks
  options.design = Design::lhs;
  options.keep_samples = true;
  const RunResult result = run(model, options);
  for (const Eigen::Index column : {0, 1}) {
    std::vector<int> hits(5000, 0);
    for (Eigen::Index i = 0; i < 5000; ++i) {
      const double u = (*result.values)(i, column);
      REQUIRE(u > 0.0);
      REQUIRE(u < 1.0);
      ++hits[static_cast<std::size_t>(u * 5000)];
    }
    REQUIRE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
}

TEST_CASE("randomised Sobol QMC beats Monte Carlo on a smooth model", "[sample]") {
  const Model model = three_betas();
  const auto spread = [&](Design design) {
    std::vector<double> means;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      RunOptions options;
      options.samples = 1 << 13;
      options.seed = seed;
      options.design = design;
      options.threads = 2;
      means.push_back(run(model, options).summary("product").mean);
    }
    const double grand = std::accumulate(means.begin(), means.end(), 0.0) / 20;
    double sum = 0;
    for (const double m : means) sum += (m - grand) * (m - grand);
    return std::sqrt(sum / 19);
  };
  const double mc = spread(Design::mc);
  const double sobol = spread(Design::sobol);
  INFO("spread of the mean over 20 seeds: mc " << mc << ", sobol " << sobol);
  // Scrambled Sobol on a smooth 3-dimensional integrand converges near n^-1.5 against MC's n^-0.5,
  // so at 2^13 points the gain is far beyond 5x; a factor 5 leaves room for the noise of 20-seed
  // standard deviations (each within about +-40% at 99.9%).
  REQUIRE(sobol * 5 < mc);
}

TEST_CASE("Gaussian copula achieves the target rank correlations", "[sample]") {
  Model model("correlated");
  model.input("x", beta(2, 5));
  model.input("y", lognormal(0, 1));
  model.input("z", normal(0, 1));
  model.derived("s", parse_expression("x + y + z"));
  model.add_output("s");
  model.correlate("x", "y", 0.7);
  model.correlate("y", "z", -0.3);
  for (const std::size_t budget : {std::size_t{256} << 20, std::size_t{0}}) {
    RunOptions options;
    options.samples = 40000;
    options.memory_budget_bytes = budget;
    const RunResult result = run(model, options);
    REQUIRE(result.correlations.size() == 2);
    REQUIRE_FALSE(result.correlations_repaired);
    // The sample Spearman correlation has sd <= (1 - rho^2) / sqrt(n) * ~1.1 < 0.006 here: 0.025 is > 4 sd.
    for (const auto& c : result.correlations) {
      INFO(c.first << "~" << c.second << " target " << c.target << " achieved " << c.achieved);
      REQUIRE(c.implemented == Approx(c.target).margin(1e-9));
      REQUIRE(std::abs(c.achieved - c.target) < 0.025);
    }
    // Correlation leaves the marginals alone: the mean of x is still 2/7.
    REQUIRE(std::abs(result.summary("x").mean - 2.0 / 7) < 4 * result.summary("x").standard_error);
  }
}

TEST_CASE("streaming summaries agree with exact ones within the documented bound", "[sample]") {
  Model model = three_betas();
  model.input("spread", lognormal(0, 2));
  model.derived("signed", parse_expression("spread - 1"));
  RunOptions options;
  options.samples = 30000;
  options.block_size = 1000;
  options.keep_samples = true;
  const RunResult exact = run(model, options);
  options.keep_samples = false;
  options.memory_budget_bytes = 1000;  // far too small: streaming
  const RunResult streaming = run(model, options);
  REQUIRE(exact.exact);
  REQUIRE_FALSE(streaming.exact);
  REQUIRE(streaming.quantile_relative_error > 0);
  REQUIRE(streaming.quantile_relative_error < 1e-3);
  for (std::size_t j = 0; j < exact.node_names.size(); ++j) {
    const Summary& e = exact.summaries[j];
    const Summary& s = streaming.summaries[j];
    INFO("node " << exact.node_names[j]);
    REQUIRE(s.count == e.count);
    // Same values, summed in another order: equal to rounding.
    REQUIRE(s.mean == Approx(e.mean).epsilon(1e-12).margin(1e-15));
    REQUIRE(s.sd == Approx(e.sd).epsilon(1e-10));
    REQUIRE(s.min == e.min);
    REQUIRE(s.max == e.max);
    // The bound: |q - Q7(q)| <= alpha * max(|x_(j)|, |x_(j+1)|) with h = (n - 1) q, j = floor h.
    std::vector<double> sorted(exact.values->col(static_cast<Eigen::Index>(j)).begin(),
                               exact.values->col(static_cast<Eigen::Index>(j)).end());
    std::sort(sorted.begin(), sorted.end());
    const double quantiles_exact[] = {e.p01, e.p05, e.p25, e.p50, e.p75, e.p95, e.p99};
    const double quantiles_stream[] = {s.p01, s.p05, s.p25, s.p50, s.p75, s.p95, s.p99};
    for (std::size_t q = 0; q < summary_probabilities.size(); ++q) {
      const double h = static_cast<double>(sorted.size() - 1) * summary_probabilities[q];
      const auto low = static_cast<std::size_t>(std::floor(h));
      const double scale = std::max(std::abs(sorted[low]), std::abs(sorted[std::min(low + 1, sorted.size() - 1)]));
      REQUIRE(std::abs(quantiles_stream[q] - quantiles_exact[q]) <= streaming.quantile_relative_error * scale * (1 + 1e-12));
    }
    for (std::size_t t = 0; t < exact.thresholds.size(); ++t) REQUIRE(streaming.exceedance[j][t] == exact.exceedance[j][t]);
  }
}

TEST_CASE("exceedance probabilities count the samples above each threshold", "[sample]") {
  Model model("exceed");
  model.input("u", uniform(0, 1), probability_unit());
  model.add_output("u");
  RunOptions options;
  options.samples = 100000;
  options.thresholds = {0.01, 0.1, 0.5, 0.9};
  const RunResult result = run(model, options);
  // P(U > t) = 1 - t, binomial standard error sqrt(p (1 - p) / n) <= 0.0016: 4 of them.
  for (std::size_t t = 0; t < 4; ++t) {
    const double p = 1 - options.thresholds[t];
    REQUIRE(std::abs(result.exceedance[0][t] - p) < 4 * std::sqrt(p * (1 - p) / 100000.0) + 1e-12);
  }
}

TEST_CASE("conditional inputs take their parameters from their parents sample by sample", "[sample]") {
  Model model("conditional");
  model.input("centre", normal(5, 1));
  model.input("y", parse_distribution("normal(centre, 1)"));
  model.add_output("y");
  RunOptions options;
  options.samples = 50000;
  const RunResult result = run(model, options);
  const Summary& y = result.summary("y");
  // y = centre + noise: mean 5, variance 2 (the sd's standard error is ~ sd / sqrt(2n) = 0.0045).
  REQUIRE(std::abs(y.mean - 5) < 4 * y.standard_error);
  REQUIRE(y.sd == Approx(std::sqrt(2.0)).margin(0.02));
}

TEST_CASE("scenarios run on the same random numbers as the base model", "[sample]") {
  Model model = three_betas();
  Scenario optimistic;
  optimistic.name = "optimistic";
  Node c;
  c.name = "c";
  c.kind = NodeKind::input;
  c.distribution = parse_distribution("beta(1, 9)");
  c.info.unit = "probability";
  optimistic.overrides.push_back(c);
  model.scenarios.push_back(optimistic);

  RunOptions options;
  options.samples = 30000;
  const std::vector<RunResult> results = run_scenarios(model, options);
  REQUIRE(results.size() == 2);
  REQUIRE(results[0].scenario.empty());
  REQUIRE(results[1].scenario == "optimistic");
  // Untouched inputs are bit-identical; the overridden one has its new mean.
  REQUIRE(same_summary(results[0].summary("a"), results[1].summary("a")));
  REQUIRE(same_summary(results[0].summary("b"), results[1].summary("b")));
  const Summary& product = results[1].summary("product");
  REQUIRE(std::abs(product.mean - mean_a * mean_b * 0.1) < 4 * product.standard_error);
  // The single-scenario run gives the same numbers.
  options.scenario = "optimistic";
  REQUIRE(same_results(run(model, options), results[1]));
  options.scenario = "missing";
  REQUIRE_THROWS_AS(run(model, options), ModelError);
}

TEST_CASE("a NaN stops the run with the same message whatever the thread count", "[sample]") {
  Model model("nan");
  model.input("a", uniform(0, 1));
  model.derived("x", parse_expression("sqrt(a - 0.999)"));
  model.add_output("x");
  std::string first_message;
  for (const unsigned threads : {1U, 2U, 7U}) {
    RunOptions options;
    options.samples = 100000;
    options.block_size = 500;
    options.threads = threads;
    try {
      (void)run(model, options);
      FAIL("no error");
    } catch (const NumericalError& error) {
      const std::string message = error.what();
      INFO(message);
      REQUIRE(message.find("node 'x' is NaN at sample ") != std::string::npos);
      REQUIRE(message.find(" with a = ") != std::string::npos);
      if (first_message.empty()) first_message = message;
      REQUIRE(message == first_message);
    }
  }
}

TEST_CASE("a probability node outside [0, 1] stops the run", "[sample]") {
  Model model("range");
  model.input("a", beta(2, 2));
  model.input("b", beta(2, 2));
  model.derived("p", parse_expression("a + b"), probability_unit());
  model.add_output("p");
  try {
    (void)run(model, RunOptions{});
    FAIL("no error");
  } catch (const NumericalError& error) {
    const std::string message = error.what();
    INFO(message);
    REQUIRE(message.find("node 'p' is ") != std::string::npos);
    REQUIRE(message.find("outside [0, 1]") != std::string::npos);
    REQUIRE(message.find("a = ") != std::string::npos);
    REQUIRE(message.find("b = ") != std::string::npos);
  }
}

TEST_CASE("cancellation returns the summary of the completed blocks, marked partial", "[sample]") {
  for (const unsigned threads : {1U, 2U}) {
    int polls = 0;
    RunOptions options;
    options.samples = 1000000;
    options.block_size = 1000;
    options.threads = threads;
    options.memory_budget_bytes = 0;
    options.cancelled = [&polls] { return ++polls > 20; };
    std::uint64_t last = 0;
    bool increasing = true;  // checked on the main thread: Catch2 assertions are not thread-safe
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
      increasing = increasing && done > last && total == 1000000;
      last = done;
    };
    const RunResult result = run(three_betas(), options);
    REQUIRE(increasing);
    REQUIRE(result.partial);
    REQUIRE(result.samples_requested == 1000000);
    REQUIRE(result.samples >= 20000);
    REQUIRE(result.samples < 1000000);
    REQUIRE(result.samples % 1000 == 0);
    REQUIRE(result.samples == last);
    REQUIRE(result.summary("product").count == result.samples);
    // The partial result is the exact prefix: a full run of that many samples gives the same numbers.
    RunOptions prefix;
    prefix.samples = result.samples;
    prefix.block_size = 1000;
    prefix.memory_budget_bytes = 0;
    REQUIRE(same_results(run(three_betas(), prefix), result));
  }
}

TEST_CASE("progress reaches the total and kept samples have one column per node", "[sample]") {
  std::uint64_t last = 0;
  RunOptions options;
  options.samples = 12345;
  options.block_size = 1000;
  options.keep_samples = true;
  options.progress = [&last](std::uint64_t done, std::uint64_t) { last = done; };
  const RunResult result = run(three_betas(), options);
  REQUIRE(last == 12345);
  REQUIRE(result.values.has_value());
  REQUIRE(result.values->rows() == 12345);
  REQUIRE(result.values->cols() == 5);
  // The kept columns are the summarised ones.
  const auto product = static_cast<Eigen::Index>(*result.column("product"));
  REQUIRE(result.values->col(product).mean() == Approx(result.summary("product").mean).epsilon(1e-12));
  for (Eigen::Index i = 0; i < 12345; i += 101) {
    REQUIRE((*result.values)(i, product) ==
            Approx((*result.values)(i, 0) * (*result.values)(i, 1) * (*result.values)(i, 2)).epsilon(1e-14));
  }
}

TEST_CASE("run validates its options", "[sample]") {
  RunOptions options;
  options.samples = 0;
  REQUIRE_THROWS_AS(run(three_betas(), options), Error);
  options.samples = 10;
  options.block_size = 0;
  REQUIRE_THROWS_AS(run(three_betas(), options), Error);
  options.block_size = 10;
  options.thresholds = {std::nan("")};
  REQUIRE_THROWS_AS(run(three_betas(), options), Error);
  options.thresholds = {0.5};
  options.samples = 1;
  const RunResult one = run(three_betas(), options);
  REQUIRE(one.samples == 1);
  REQUIRE(one.summary("a").sd == 0);
  const CompiledModel compiled(three_betas());
  options.scenario = "other";
  REQUIRE_THROWS_AS(run(compiled, options), Error);
}

TEST_CASE("max_kept_samples keeps a prefix of the samples without changing the summaries", "[sample]") {
  RunOptions options;
  options.samples = 20000;
  options.block_size = 1000;
  options.keep_samples = true;
  const RunResult all = run(three_betas(), options);
  REQUIRE(all.values->rows() == 20000);
  for (const std::size_t budget : {std::size_t{256} << 20, std::size_t{0}}) {
    options.memory_budget_bytes = budget;
    options.max_kept_samples = 2500;  // not a multiple of the block size
    const RunResult prefix = run(three_betas(), options);
    INFO("budget " << budget);
    REQUIRE(prefix.exact == (budget > 0));
    REQUIRE(prefix.values->rows() == 2500);
    REQUIRE(prefix.values->cols() == 5);
    for (Eigen::Index c = 0; c < 5; ++c) {
      for (Eigen::Index i = 0; i < 2500; ++i) REQUIRE(same_bits((*prefix.values)(i, c), (*all.values)(i, c)));
    }
    // The summaries cover every sample, not only the kept ones.
    REQUIRE(prefix.summary("product").count == 20000);
    if (prefix.exact) REQUIRE(same_results(prefix, all));
  }
}
