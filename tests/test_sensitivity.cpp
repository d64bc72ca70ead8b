// Tests of the sensitivity layer against closed forms: Sobol indices of the Ishigami function, the
// Sobol G function and a linear model of independent normals; interval coverage over seeds; tornado
// swings of a product model; rank correlations of monotone models; determinism across thread counts;
// refusal of Sobol indices for correlated inputs.
//
// Tolerances. Sobol: 4 bootstrap standard errors, the standard error taken as the half-width of the
// 95% percentile interval / 1.96. The bootstrap treats the rows as independent, which overstates the
// error of a randomised QMC design, so the check is conservative there; each test also bounds that
// standard error from above so that a vacuous (huge) interval cannot make it pass. Tornado: 4 standard
// errors from theory (the variance of the product of the other inputs, i.i.d. formula). Rank: 4 standard
// errors of Fisher's z of a Spearman correlation, sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957).

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sensitivity/analysis.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"
#include "pdoom/sensitivity/sobol_indices.hpp"
#include "pdoom/sensitivity/tornado.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace {

using pdoom::Estimate;
using pdoom::Model;
using pdoom::SensitivityOptions;
using pdoom::SobolIndex;
using pdoom::SobolResult;

constexpr double z_975 = 1.959963984540054;

// "x1", "x2", ... (appending avoids a false -Wrestrict warning of GCC 12 on "x" + std::string).
std::string input_name(std::size_t i) {
  std::string name = "x";
  name += std::to_string(i + 1);
  return name;
}

Model ishigami(double a, double b) {
  const double pi = std::numbers::pi;
  Model model("ishigami");
  const auto x1 = model.input("x1", pdoom::uniform(-pi, pi));
  const auto x2 = model.input("x2", pdoom::uniform(-pi, pi));
  const auto x3 = model.input("x3", pdoom::uniform(-pi, pi));
  model.derived("y", sin(x1) + a * pow(sin(x2), 2.0) + b * pow(x3, 4.0) * sin(x1));
  model.add_output("y");
  return model;
}

// Closed forms of the Ishigami function (Ishigami & Homma 1990; Sobol' & Levitan 1999).
struct IshigamiTruth {
  double first[3];
  double total[3];
  double variance;
};

IshigamiTruth ishigami_truth(double a, double b) {
  const double pi = std::numbers::pi;
  const double pi4 = std::pow(pi, 4);
  const double pi8 = std::pow(pi, 8);
  const double v1 = 0.5 * std::pow(1 + b * pi4 / 5, 2);
  const double v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}, v};
}

const SobolIndex& index_of(const std::vector<SobolIndex>& indices, const std::string& name) {
  const auto found = std::find_if(indices.begin(), indices.end(), [&](const SobolIndex& i) { return i.name == name; });
  REQUIRE(found != indices.end());
  return *found;
}

double bootstrap_se(const Estimate& estimate) { return estimate.half_width() / z_975; }

// The estimate lies within 4 bootstrap standard errors of the truth, and that standard error is at
// most `max_se` (so the check has power).
void check_estimate(const Estimate& estimate, double truth, double max_se) {
  INFO("estimate " << estimate.value << " [" << estimate.low << ", " << estimate.high << "], truth " << truth);
  CHECK(bootstrap_se(estimate) <= max_se);
  CHECK(std::abs(estimate.value - truth) <= 4 * bootstrap_se(estimate) + 1e-12);
}

// The Sobol G function on U(0,1)^d: prod (|4x - 2| + a_i) / (1 + a_i).
Model g_function(const std::vector<double>& a) {
  Model model("g-function");
  pdoom::Expression product = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = model.input(input_name(i), pdoom::uniform(0, 1));
    product = product * ((abs(4.0 * x - 2.0) + a[i]) / (1.0 + a[i]));
  }
  model.derived("g", product);
  model.add_output("g");
  return model;
}

SensitivityOptions options_with(std::uint64_t samples, std::uint64_t seed = 1234) {
  SensitivityOptions options;
  options.samples = samples;
  options.seed = seed;
  options.threads = 2;
  return options;
}

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function match the closed form", "[sensitivity]") {
  const double a = 7;
  const double b = 0.1;
  const IshigamiTruth truth = ishigami_truth(a, b);
  const SobolResult result = pdoom::sobol_analysis(ishigami(a, b), options_with(1 << 14));
  REQUIRE(result.inputs.size() == 3);
  CHECK(result.base_samples == (1u << 14));
  CHECK(result.evaluations == 5u * (1u << 14));
  // Variance of the pooled f(A), f(B): relative standard error about sqrt(kurtosis - 1) / sqrt(2N) < 2%.
  CHECK(result.variance == Approx(truth.variance).epsilon(0.06));
  const char* names[] = {"x1", "x2", "x3"};
  for (int i = 0; i < 3; ++i) {
    INFO(names[i]);
    const SobolIndex& index = index_of(result.inputs, names[i]);
    check_estimate(index.first_order, truth.first[i], 0.02);
    check_estimate(index.total, truth.total[i], 0.02);
  }
  // Inputs come by decreasing total index: x1 (0.558), x2 (0.442), x3 (0.244).
  CHECK(result.inputs[0].name == "x1");
  CHECK(result.inputs[1].name == "x2");
  CHECK(result.inputs[2].name == "x3");
  const double true_sum = truth.first[0] + truth.first[1] + truth.first[2];
  check_estimate(result.sum_first_order, true_sum, 0.03);
  CHECK(result.bootstrap_resamples == 100);
  CHECK(result.bootstrap_unit_rows == 1);
}

TEST_CASE("group Sobol indices of the Ishigami function match the closed form", "[sensitivity]") {
  const IshigamiTruth truth = ishigami_truth(7, 0.1);
  SensitivityOptions options = options_with(1 << 14);
  options.groups = {{"x1_and_x3", {"x1", "x3"}}, {"all_three", {"x1", "x2", "x3"}}};
  const SobolResult result = pdoom::sobol_analysis(ishigami(7, 0.1), options);
  REQUIRE(result.groups.size() == 2);
  const SobolIndex& pair = index_of(result.groups, "x1_and_x3");
  CHECK(pair.inputs == std::vector<std::string>{"x1", "x3"});
  // Closed first-order index of {x1, x3}: (V1 + V3 + V13) / V = ST1 (V3 = 0); total: 1 - S2.
  check_estimate(pair.first_order, truth.total[0], 0.02);
  check_estimate(pair.total, 1 - truth.first[1], 0.02);
  // Swapping every input: f(A_B) = f(B), so S = 1 up to the centring and ST = 1 up to sampling error.
  const SobolIndex& everything = index_of(result.groups, "all_three");
  check_estimate(everything.first_order, 1.0, 0.02);
  check_estimate(everything.total, 1.0, 0.02);
  CHECK(result.evaluations == 7u * (1u << 14));
}

TEST_CASE("groups declared in the model are analysed, and unknown group members are errors", "[sensitivity]") {
  const IshigamiTruth truth = ishigami_truth(7, 0.1);
  const double pi = std::numbers::pi;
  Model model("grouped");
  const auto x1 = model.input("x1", pdoom::uniform(-pi, pi), {.groups = {"outer"}});
  const auto x2 = model.input("x2", pdoom::uniform(-pi, pi));
  const auto x3 = model.input("x3", pdoom::uniform(-pi, pi), {.groups = {"outer"}});
  model.input("unused", pdoom::uniform(0, 1), {.groups = {"outer", "elsewhere"}});
  model.derived("y", sin(x1) + 7.0 * pow(sin(x2), 2.0) + 0.1 * pow(x3, 4.0) * sin(x1));
  model.add_output("y");
  const SobolResult result = pdoom::sobol_analysis(model, options_with(1 << 13));
  REQUIRE(result.groups.size() == 2);
  const SobolIndex& outer = index_of(result.groups, "outer");
  CHECK(outer.inputs == std::vector<std::string>{"x1", "x3", "unused"});
  check_estimate(outer.first_order, truth.total[0], 0.03);
  // A group of inputs the output ignores explains nothing, exactly.
  const SobolIndex& elsewhere = index_of(result.groups, "elsewhere");
  CHECK(elsewhere.first_order.value == 0.0);
  CHECK(elsewhere.total.value == 0.0);
  // Inputs the output ignores are left out of the per-input indices.
  CHECK(result.inputs.size() == 3);

  SensitivityOptions without = options_with(1 << 10);
  without.model_groups = false;
  CHECK(pdoom::sobol_analysis(model, without).groups.empty());

  SensitivityOptions bad = options_with(1 << 10);
  bad.groups = {{"g", {"x1", "x4"}}};
  CHECK_THROWS_WITH(pdoom::sobol_analysis(model, bad), Catch::Contains("x4") && Catch::Contains("did you mean"));
  bad.groups = {{"g", {"y"}}};
  CHECK_THROWS_WITH(pdoom::sobol_analysis(model, bad), Catch::Contains("not an input"));
}

TEST_CASE("Sobol indices of the G function match the closed form", "[sensitivity]") {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  // V_i = 1 / (3 (1 + a_i)^2); V = prod(1 + V_i) - 1; S_i = V_i / V; ST_i = V_i prod_{j != i}(1 + V_j) / V.
  std::vector<double> partial(a.size());
  double product = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    partial[i] = 1.0 / (3.0 * (1 + a[i]) * (1 + a[i]));
    product *= 1 + partial[i];
  }
  const double variance = product - 1;
  const SobolResult result = pdoom::sobol_analysis(g_function(a), options_with(1 << 14));
  REQUIRE(result.inputs.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string name = input_name(i);
    INFO(name);
    const SobolIndex& index = index_of(result.inputs, name);
    check_estimate(index.first_order, partial[i] / variance, 0.02);
    check_estimate(index.total, partial[i] * product / (1 + partial[i]) / variance, 0.02);
  }
  CHECK(result.inputs.front().name == "x1");
}

TEST_CASE("Sobol indices of a linear model of independent normals are b^2 s^2 / sum", "[sensitivity]") {
  const std::vector<double> coefficients = {1.0, -2.0, 0.5, 3.0};
  const std::vector<double> sds = {1.0, 0.5, 2.0, 0.2};
  Model model("linear");
  pdoom::Expression sum = 0.0;
  double total = 0;
  for (std::size_t i = 0; i < coefficients.size(); ++i) {
    const auto x = model.input(input_name(i), pdoom::normal(10.0 * static_cast<double>(i), sds[i]));
    sum = sum + coefficients[i] * x;
    total += coefficients[i] * coefficients[i] * sds[i] * sds[i];
  }
  model.derived("y", sum);
  model.add_output("y");
  const SobolResult result = pdoom::sobol_analysis(model, options_with(1 << 13));
  for (std::size_t i = 0; i < coefficients.size(); ++i) {
    const std::string name = input_name(i);
    INFO(name);
    const double truth = coefficients[i] * coefficients[i] * sds[i] * sds[i] / total;
    const SobolIndex& index = index_of(result.inputs, name);
    check_estimate(index.first_order, truth, 0.02);
    check_estimate(index.total, truth, 0.02);
  }
  // An additive model has no interactions.
  check_estimate(result.sum_first_order, 1.0, 0.02);
  CHECK(result.variance == Approx(total).epsilon(0.05));
}

TEST_CASE("Sobol bootstrap intervals cover the true indices at about the nominal rate", "[sensitivity]") {
  // Plain Monte Carlo rows are independent, as the bootstrap assumes: coverage should be near 95%.
  // Over 40 seeds x 6 intervals the count of covers is binomial(240, 0.95) if the intervals were
  // independent (sd 3.4); intervals of one seed are correlated, so allow 4.5 sd below the mean.
  // Randomised QMC rows are better than independent: there the intervals must be at least as wide.
  const IshigamiTruth truth = ishigami_truth(7, 0.1);
  const Model model = ishigami(7, 0.1);
  for (const pdoom::Design design : {pdoom::Design::mc, pdoom::Design::sobol}) {
    INFO(pdoom::design_name(design));
    int covered = 0;
    int intervals = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      SensitivityOptions options = options_with(1 << 12, seed);
      options.design = design;
      const SobolResult result = pdoom::sobol_analysis(model, options);
      const char* names[] = {"x1", "x2", "x3"};
      for (int i = 0; i < 3; ++i) {
        const SobolIndex& index = index_of(result.inputs, names[i]);
        covered += index.first_order.low <= truth.first[i] && truth.first[i] <= index.first_order.high;
        covered += index.total.low <= truth.total[i] && truth.total[i] <= index.total.high;
        intervals += 2;
      }
    }
    const double expected = 0.95 * intervals;
    const double sd = std::sqrt(intervals * 0.95 * 0.05);
    INFO("covered " << covered << " of " << intervals);
    CHECK(covered >= expected - 4.5 * sd);
    if (design == pdoom::Design::mc) CHECK(covered <= intervals);
  }
}

TEST_CASE("bootstrap units of several rows give the same point estimates", "[sensitivity]") {
  // Rows are grouped into units only for resampling; the re-centring algebra must leave the point
  // estimate unchanged up to rounding.
  SensitivityOptions rows = options_with(1 << 13);
  rows.max_bootstrap_units = 1 << 20;
  SensitivityOptions batched = rows;
  batched.max_bootstrap_units = 100;
  const Model model = ishigami(7, 0.1);
  const SobolResult by_row = pdoom::sobol_analysis(model, rows);
  const SobolResult by_batch = pdoom::sobol_analysis(model, batched);
  CHECK(by_row.bootstrap_unit_rows == 1);
  CHECK(by_batch.bootstrap_unit_rows == 128);  // 2^13 / 128 = 64 units <= 100 < 2^13 / 64
  CHECK(by_batch.variance == Approx(by_row.variance).epsilon(1e-12));
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(by_batch.inputs[i].name == by_row.inputs[i].name);
    CHECK(by_batch.inputs[i].first_order.value == Approx(by_row.inputs[i].first_order.value).margin(1e-12));
    CHECK(by_batch.inputs[i].total.value == Approx(by_row.inputs[i].total.value).margin(1e-12));
  }
  const IshigamiTruth truth = ishigami_truth(7, 0.1);
  check_estimate(index_of(by_batch.inputs, "x2").first_order, truth.first[1], 0.03);
  // Without resamples the interval collapses onto the estimate.
  SensitivityOptions none = rows;
  none.bootstrap_resamples = 0;
  const SobolResult bare = pdoom::sobol_analysis(model, none);
  CHECK(bare.inputs[0].first_order.low == bare.inputs[0].first_order.value);
  CHECK(bare.inputs[0].first_order.value == by_row.inputs[0].first_order.value);
}

TEST_CASE("tornado swings of a product model match the closed form", "[sensitivity]") {
  Model model("product");
  const pdoom::Distribution d1 = pdoom::beta(2, 5);
  const pdoom::Distribution d2 = pdoom::uniform(0.2, 0.8);
  const pdoom::Distribution d3 = pdoom::beta(8, 2);
  const auto x1 = model.input("x1", d1);
  const auto x2 = model.input("x2", d2);
  const auto x3 = model.input("x3", d3);
  model.derived("y", x1 * x2 * x3, {.unit = "probability"});
  model.add_output("y");
  SensitivityOptions options = options_with(1 << 14);
  const pdoom::TornadoResult result = pdoom::tornado_analysis(model, options);
  const std::vector<pdoom::Distribution> dists = {d1, d2, d3};
  const double n = static_cast<double>(options.samples);
  double all_means = 1;
  for (const auto& d : dists) all_means *= pdoom::mean(d);
  // Baseline: E[y] = prod of means; sd of y from E[y^2] = prod(var + mean^2).
  double second_moment = 1;
  for (const auto& d : dists) second_moment *= pdoom::variance(d) + pdoom::mean(d) * pdoom::mean(d);
  CHECK(std::abs(result.baseline - all_means) <= 4 * std::sqrt((second_moment - all_means * all_means) / n));
  REQUIRE(result.inputs.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string name = input_name(i);
    const auto found = std::find_if(result.inputs.begin(), result.inputs.end(),
                                    [&](const pdoom::TornadoEntry& e) { return e.input == name; });
    REQUIRE(found != result.inputs.end());
    // E[y | x_i = q] = q * prod_{j != i} E[x_j]; the estimate averages q * prod of the others, whose
    // variance is q^2 Var(prod of others).
    double others_mean = 1;
    double others_second = 1;
    for (std::size_t j = 0; j < 3; ++j) {
      if (j == i) continue;
      others_mean *= pdoom::mean(dists[j]);
      others_second *= pdoom::variance(dists[j]) + pdoom::mean(dists[j]) * pdoom::mean(dists[j]);
    }
    const double others_sd = std::sqrt((others_second - others_mean * others_mean) / n);
    const double q_low = pdoom::quantile(dists[i], 0.05);
    const double q_high = pdoom::quantile(dists[i], 0.95);
    INFO(name);
    REQUIRE(found->low_value.has_value());
    CHECK(*found->low_value == Approx(q_low).epsilon(1e-9));
    CHECK(*found->high_value == Approx(q_high).epsilon(1e-9));
    CHECK(std::abs(found->low - q_low * others_mean) <= 4 * q_low * others_sd);
    CHECK(std::abs(found->high - q_high * others_mean) <= 4 * q_high * others_sd);
    CHECK(std::abs(found->swing - (q_high - q_low) * others_mean) <= 4 * (q_high - q_low) * others_sd);
    // The reported standard error of the swing is that same theory, estimated.
    CHECK(found->swing_stderr == Approx((q_high - q_low) * others_sd).epsilon(0.1));
  }
  // Sorted by |swing|.
  for (std::size_t i = 1; i < result.inputs.size(); ++i) {
    CHECK(std::abs(result.inputs[i - 1].swing) >= std::abs(result.inputs[i].swing));
  }
}

TEST_CASE("tornado swings of an additive model are exact (common random numbers)", "[sensitivity]") {
  Model model("additive");
  const pdoom::Distribution d1 = pdoom::normal(0, 1);
  const pdoom::Distribution d2 = pdoom::lognormal(0, 0.5);
  const auto x1 = model.input("x1", d1);
  const auto x2 = model.input("x2", d2);
  model.derived("y", 3.0 * x1 - x2);
  model.add_output("y");
  SensitivityOptions options = options_with(1000);
  options.design = pdoom::Design::mc;
  options.low_quantile = 0.1;
  options.high_quantile = 0.8;
  const pdoom::TornadoResult result = pdoom::tornado_analysis(model, options);
  REQUIRE(result.inputs.size() == 2);
  // Whatever the other input drew, it cancels in high - low: only rounding is left.
  const double swing1 = 3 * (pdoom::quantile(d1, 0.8) - pdoom::quantile(d1, 0.1));
  const double swing2 = -(pdoom::quantile(d2, 0.8) - pdoom::quantile(d2, 0.1));
  CHECK(result.inputs[0].input == "x1");
  CHECK(result.inputs[0].swing == Approx(swing1).epsilon(1e-8));
  CHECK(result.inputs[1].swing == Approx(swing2).epsilon(1e-8));
  CHECK(result.inputs[0].swing_stderr < 1e-10);
  CHECK(result.low_quantile == 0.1);

  options.low_quantile = 0.9;
  CHECK_THROWS_AS(pdoom::tornado_analysis(model, options), pdoom::Error);
  options.low_quantile = 0.0;
  CHECK_THROWS_AS(pdoom::tornado_analysis(model, options), pdoom::Error);
}

TEST_CASE("tornado holds a conditional input at its own conditional quantile", "[sensitivity]") {
  // child ~ normal(parent, 1): with child's uniform held at q, child = parent + z_q, so
  // E[y | child held] = E[parent] + z_q with y = child.
  Model model("conditional");
  const auto parent = model.input("parent", pdoom::normal(5, 2));
  pdoom::DistributionCall call;
  call.constructor = "normal";
  call.arguments.push_back({parent, nullptr});
  call.arguments.push_back({pdoom::Expression(1.0), nullptr});
  const auto child = model.input("child", call);
  model.derived("y", child * 1.0);
  model.add_output("y");
  const pdoom::TornadoResult result = pdoom::tornado_analysis(model, options_with(1 << 12));
  const auto found = std::find_if(result.inputs.begin(), result.inputs.end(),
                                  [](const pdoom::TornadoEntry& e) { return e.input == "child"; });
  REQUIRE(found != result.inputs.end());
  CHECK_FALSE(found->low_value.has_value());
  const double z = pdoom::quantile(pdoom::normal(0, 1), 0.95);
  CHECK(found->swing == Approx(2 * z).epsilon(1e-8));  // parent cancels: common random numbers
  CHECK(std::abs(found->high - (5 + z)) <= 4 * 2 / std::sqrt(4096.0));
}

TEST_CASE("rank correlations of monotone models", "[sensitivity]") {
  SECTION("one input: Spearman and PRCC are exactly +-1") {
    Model model("monotone");
    const auto x = model.input("x", pdoom::beta(2, 3));
    model.input("ignored", pdoom::normal(0, 1));
    model.derived("up", exp(3.0 * x));
    model.derived("down", -pow(x, 3.0));
    model.add_output("up");
    model.add_output("down");
    const pdoom::RankResult up = pdoom::rank_analysis(model, options_with(2000));
    REQUIRE(up.inputs.size() == 1);  // the output ignores "ignored"
    CHECK(up.inputs[0].spearman == Approx(1.0).margin(1e-12));
    CHECK(up.inputs[0].prcc == Approx(1.0).margin(1e-12));
    SensitivityOptions options = options_with(2000);
    options.output = "down";
    const pdoom::RankResult down = pdoom::rank_analysis(model, options);
    CHECK(down.inputs[0].spearman == Approx(-1.0).margin(1e-12));
    CHECK(down.inputs[0].prcc == Approx(-1.0).margin(1e-12));

    // An input the formula mentions but multiplies by 0: the output is a function of x1 alone.
    Model determined("determined");
    const auto x1 = determined.input("x1", pdoom::uniform(0, 1));
    const auto x2 = determined.input("x2", pdoom::uniform(0, 1));
    determined.derived("y", exp(x1) + 0.0 * x2);
    determined.add_output("y");
    const pdoom::RankResult result = pdoom::rank_analysis(determined, options_with(500));
    REQUIRE(result.inputs.size() == 2);
    CHECK(result.inputs[0].input == "x1");
    CHECK(result.inputs[0].prcc == Approx(1.0).margin(1e-12));
    CHECK(result.inputs[1].prcc == 0.0);
  }
  SECTION("difference of two uniforms: Spearman and PRCC from the ranks' joint law") {
    // Ranks / n of x1, x2 and y = x1 - x2 tend to U1, U2 and F(y), F the triangular CDF of U1 - U2
    // (independent uniforms). rho = corr(U1, F(Y)) = 12 E[U1 F(U1 - U2)] - 3 (F(Y) is uniform), by a
    // midpoint rule here; x2's is -rho by symmetry. With U1, U2 independent and both correlated rho with
    // F(Y), the partial correlation given the other input is rho / sqrt(1 - rho^2).
    const auto triangular_cdf = [](double y) { return y < 0 ? (1 + y) * (1 + y) / 2 : 1 - (1 - y) * (1 - y) / 2; };
    const int grid = 2000;
    double integral = 0;
    for (int i = 0; i < grid; ++i) {
      const double u1 = (i + 0.5) / grid;
      for (int j = 0; j < grid; ++j) integral += u1 * triangular_cdf(u1 - (j + 0.5) / grid);
    }
    const double rho = 12 * integral / (static_cast<double>(grid) * grid) - 3;
    const double partial = rho / std::sqrt(1 - rho * rho);
    REQUIRE(rho > 0.6);
    REQUIRE(rho < 0.7);

    Model model("difference");
    const auto x1 = model.input("x1", pdoom::uniform(0, 1));
    const auto x2 = model.input("x2", pdoom::uniform(0, 1));
    model.derived("y", x1 - x2);
    model.add_output("y");
    const std::uint64_t n = 1 << 14;
    SensitivityOptions options = options_with(n);
    options.design = pdoom::Design::mc;  // independent rows, as the standard errors assume
    const pdoom::RankResult result = pdoom::rank_analysis(model, options);
    REQUIRE(result.inputs.size() == 2);
    // Fisher z standard errors: sqrt(1.06 / (n - 3)) for Spearman, one more degree of freedom lost
    // for the partial correlation given one input.
    const double spearman_tolerance = 4 * std::sqrt(1.06 / static_cast<double>(n - 3));
    const double prcc_tolerance = 4 * std::sqrt(1.06 / static_cast<double>(n - 4));
    for (const auto& entry : result.inputs) {
      INFO(entry.input << " spearman " << entry.spearman << " prcc " << entry.prcc);
      const double sign = entry.input == "x1" ? 1.0 : -1.0;
      CHECK(std::abs(std::atanh(sign * entry.spearman) - std::atanh(rho)) <= spearman_tolerance);
      CHECK(std::abs(std::atanh(sign * entry.prcc) - std::atanh(partial)) <= prcc_tolerance);
    }
  }
  SECTION("a constant input gets zeros") {
    Model model("constant");
    const auto x = model.input("x", pdoom::uniform(0, 1));
    const auto c = model.input("c", pdoom::point(2));
    model.derived("y", x * c);
    model.add_output("y");
    const pdoom::RankResult result = pdoom::rank_analysis(model, options_with(500));
    REQUIRE(result.inputs.size() == 2);
    CHECK(result.inputs[1].input == "c");
    CHECK(result.inputs[1].spearman == 0.0);
    CHECK(result.inputs[0].prcc == Approx(1.0).margin(1e-12));
    CHECK(result.inputs[1].prcc == 0.0);
  }
}

TEST_CASE("sensitivity results do not depend on the number of threads", "[sensitivity]") {
  const Model model = g_function({0, 1, 4.5});
  for (const pdoom::Design design : {pdoom::Design::sobol, pdoom::Design::mc, pdoom::Design::lhs}) {
    INFO(pdoom::design_name(design));
    std::vector<pdoom::SensitivityReport> reports;
    for (const unsigned threads : {1U, 2U, 3U}) {
      SensitivityOptions options = options_with(10000);
      options.design = design;
      options.threads = threads;
      options.block_size = 1000;  // several blocks per thread, last one partial
      options.groups = {{"first_two", {"x1", "x2"}}};
      reports.push_back(pdoom::sensitivity_analysis(
          model, {pdoom::SensitivityMethod::tornado, pdoom::SensitivityMethod::rank, pdoom::SensitivityMethod::sobol},
          options));
    }
    for (std::size_t r = 1; r < reports.size(); ++r) {
      const auto& a = reports[0];
      const auto& b = reports[r];
      CHECK(a.tornado->baseline == b.tornado->baseline);
      for (std::size_t i = 0; i < a.tornado->inputs.size(); ++i) {
        CHECK(a.tornado->inputs[i].low == b.tornado->inputs[i].low);
        CHECK(a.tornado->inputs[i].high == b.tornado->inputs[i].high);
        CHECK(a.tornado->inputs[i].swing_stderr == b.tornado->inputs[i].swing_stderr);
        CHECK(a.rank->inputs[i].spearman == b.rank->inputs[i].spearman);
        CHECK(a.rank->inputs[i].prcc == b.rank->inputs[i].prcc);
        CHECK(a.sobol->inputs[i].first_order.value == b.sobol->inputs[i].first_order.value);
        CHECK(a.sobol->inputs[i].first_order.low == b.sobol->inputs[i].first_order.low);
        CHECK(a.sobol->inputs[i].total.high == b.sobol->inputs[i].total.high);
      }
      CHECK(a.sobol->groups[0].total.value == b.sobol->groups[0].total.value);
      CHECK(a.sobol->sum_first_order.high == b.sobol->sum_first_order.high);
    }
  }
}

TEST_CASE("a model with correlated inputs refuses Sobol indices but runs tornado and rank", "[sensitivity]") {
  Model model("correlated");
  const auto x1 = model.input("x1", pdoom::uniform(0, 1));
  const auto x2 = model.input("x2", pdoom::uniform(0, 1));
  model.derived("y", x1 + x2);
  model.add_output("y");
  model.correlate("x1", "x2", 0.6);
  const SensitivityOptions options = options_with(4000);
  CHECK_THROWS_WITH(pdoom::sobol_analysis(model, options),
                    Catch::Contains("correlated inputs") && Catch::Contains("x1") && Catch::Contains("tornado"));
  CHECK(pdoom::has_correlated_inputs(model, options));

  // Rank: the copula is applied; Spearman of x1 with x1 + x2 rises above the independent value.
  const pdoom::RankResult rank = pdoom::rank_analysis(model, options);
  const double independent = 6 / std::numbers::pi * std::asin(1 / std::sqrt(2.0) / 2);  // normal approx
  CHECK(rank.inputs[0].spearman > independent + 0.1);

  const pdoom::TornadoResult tornado = pdoom::tornado_analysis(model, options);
  REQUIRE(tornado.inputs.size() == 2);
  CHECK(tornado.inputs[0].swing == Approx(0.9).epsilon(1e-9));  // additive: exact

  const auto report = pdoom::sensitivity_analysis(
      model, {pdoom::SensitivityMethod::tornado, pdoom::SensitivityMethod::rank, pdoom::SensitivityMethod::sobol},
      options, true);
  CHECK(report.tornado.has_value());
  CHECK(report.rank.has_value());
  CHECK_FALSE(report.sobol.has_value());
  REQUIRE(report.notes.size() == 1);
  CHECK_THAT(report.notes[0], Catch::Contains("Sobol indices skipped"));
  CHECK_THROWS_AS(pdoom::sensitivity_analysis(model, {pdoom::SensitivityMethod::sobol}, options), pdoom::Error);

  // A correlation among inputs the output does not depend on does not matter.
  Model unrelated = model;
  unrelated.input("z1", pdoom::uniform(0, 1));
  unrelated.input("z2", pdoom::uniform(0, 1));
  unrelated.correlations.clear();
  unrelated.correlate("z1", "z2", 0.5);
  CHECK_NOTHROW(pdoom::sobol_analysis(unrelated, options_with(256)));
}

TEST_CASE("sensitivity names the unknown output and the model's outputs", "[sensitivity]") {
  SensitivityOptions options = options_with(100);
  options.output = "yy";
  CHECK_THROWS_AS(pdoom::tornado_analysis(ishigami(7, 0.1), options), pdoom::ModelError);
  CHECK_THROWS_WITH(pdoom::sobol_analysis(ishigami(7, 0.1), options),
                    Catch::Contains("'yy'") && Catch::Contains("outputs are: y"));
  options.output = "x2";  // an input is a valid (if trivial) node to analyse
  const SobolResult itself = pdoom::sobol_analysis(ishigami(7, 0.1), options);
  REQUIRE(itself.inputs.size() == 1);
  CHECK(itself.inputs[0].first_order.value == Approx(1.0).margin(0.05));
  options.output.clear();
  options.samples = 1;
  CHECK_THROWS_AS(pdoom::sobol_analysis(ishigami(7, 0.1), options), pdoom::Error);
  options.samples = 100;
  options.confidence_level = 1.0;
  CHECK_THROWS_AS(pdoom::sobol_analysis(ishigami(7, 0.1), options), pdoom::Error);
}

TEST_CASE("a constant output has zero indices", "[sensitivity]") {
  Model model("flat");
  const auto x = model.input("x", pdoom::uniform(0, 1));
  model.derived("y", x * 0.0 + 0.25);
  model.add_output("y");
  const SobolResult result = pdoom::sobol_analysis(model, options_with(256));
  CHECK(result.variance == 0.0);
  REQUIRE(result.inputs.size() == 1);
  CHECK(result.inputs[0].first_order.value == 0.0);
  CHECK(result.inputs[0].total.value == 0.0);
  CHECK(result.mean == Approx(0.25));
}

TEST_CASE("a numerical fault during an analysis is an error naming the node", "[sensitivity]") {
  Model model("faulty");
  const auto x = model.input("x", pdoom::normal(0, 1));
  model.derived("y", log(x));
  model.add_output("y");
  for (const unsigned threads : {1U, 2U}) {
    SensitivityOptions options = options_with(1 << 12);
    options.threads = threads;
    CHECK_THROWS_AS(pdoom::sobol_analysis(model, options), pdoom::NumericalError);
    CHECK_THROWS_WITH(pdoom::tornado_analysis(model, options), Catch::Contains("'y'"));
    CHECK_THROWS_AS(pdoom::rank_analysis(model, options), pdoom::NumericalError);
  }
}
