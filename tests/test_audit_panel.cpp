// Panels: aggregates against hand-computed values for the example panel of tests/data/audit, the
// disagreement decomposition against its definition, and panel-file errors.

#include "pdoom/audit/panel.hpp"
#include "pdoom/io/compare_output.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/io/panel_file.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

const std::filesystem::path audit_data = std::filesystem::path(PDOOM_TEST_DATA_DIR) / "audit";

double logit(double p) { return std::log(p / (1 - p)); }
double logistic(double x) { return 1 / (1 + std::exp(-x)); }

// The example panel's point values: timelines, alignment_hard, takeover per forecaster.
const std::array<std::array<double, 3>, 3> premises = {{{0.5, 0.1, 0.2}, {0.9, 0.8, 0.7}, {0.7, 0.4, 0.3}}};

double product(const std::array<double, 3>& x) { return x[0] * x[1] * x[2]; }

}  // namespace

TEST_CASE("panel aggregates: mean, median, geometric mean of odds", "[audit]") {
  const std::vector<double> values = {0.01, 0.504, 0.084};
  CHECK(aggregate_mean(values) == Approx((0.01 + 0.504 + 0.084) / 3).epsilon(1e-15));
  CHECK(aggregate_median(values) == 0.084);
  CHECK(aggregate_median(std::vector<double>{0.1, 0.4, 0.2, 0.3}) == Approx(0.25).epsilon(1e-15));
  // Geometric mean of odds of 0.2 and 0.5: sqrt(0.25 * 1) = 0.5 in odds, 1/3 as a probability.
  CHECK(aggregate_geometric_mean_of_odds(std::vector<double>{0.2, 0.5}) == Approx(1.0 / 3).epsilon(1e-14));
  CHECK(aggregate_geometric_mean_of_odds(std::vector<double>{0.0, 0.5}) == 0.0);
  CHECK(aggregate_geometric_mean_of_odds(std::vector<double>{1.0, 0.5}) == 1.0);
  CHECK(std::isnan(aggregate_geometric_mean_of_odds(std::vector<double>{1.0, 0.0})));
  CHECK_THROWS_AS(aggregate_geometric_mean_of_odds(std::vector<double>{1.5}), Error);
  CHECK_THROWS_AS(aggregate_mean(std::vector<double>{}), Error);
}

TEST_CASE("panel: the example panel against hand-computed values", "[audit]") {
  const Panel panel = load_panel(audit_data / "panel.toml");
  REQUIRE(panel.forecasters.size() == 3);
  CHECK(panel.name == "example-panel");
  CHECK(panel.output == "doom");
  CHECK(panel.forecasters[0].name == "optimist");
  PanelOptions options;
  options.samples = 2000;
  options.threads = 2;
  const PanelResult result = evaluate_panel(panel, options);
  REQUIRE(result.premises == std::vector<std::string>{"timelines", "alignment_hard", "takeover"});
  REQUIRE(result.forecasters.size() == 3);

  std::vector<double> outputs;
  for (std::size_t f = 0; f < 3; ++f) {
    // Point values: every sample is the product, so the mean is exact up to rounding.
    CHECK(result.forecasters[f].mean == Approx(product(premises[f])).epsilon(1e-12));
    for (std::size_t k = 0; k < 3; ++k) CHECK(result.forecasters[f].premises[k] == Approx(premises[f][k]).epsilon(1e-12));
    outputs.push_back(product(premises[f]));
  }

  REQUIRE(result.aggregates.size() == 3);
  const auto& mean = result.aggregates[0];
  const auto& median = result.aggregates[1];
  const auto& odds = result.aggregates[2];
  CHECK(mean.name == "mean");
  CHECK(median.name == "median");
  CHECK(odds.name == "geometric_mean_of_odds");
  CHECK(mean.of_outputs == Approx((0.01 + 0.504 + 0.084) / 3).epsilon(1e-12));
  CHECK(mean.of_premises == Approx(((0.5 + 0.9 + 0.7) / 3) * ((0.1 + 0.8 + 0.4) / 3) * ((0.2 + 0.7 + 0.3) / 3)).epsilon(1e-12));
  CHECK(median.of_outputs == Approx(0.084).epsilon(1e-12));
  CHECK(median.of_premises == Approx(0.7 * 0.4 * 0.3).epsilon(1e-12));
  const auto geometric = [](double x, double y, double z) { return logistic((logit(x) + logit(y) + logit(z)) / 3); };
  CHECK(odds.of_outputs == Approx(geometric(0.01, 0.504, 0.084)).epsilon(1e-12));
  CHECK(odds.of_premises ==
        Approx(geometric(0.5, 0.9, 0.7) * geometric(0.1, 0.8, 0.4) * geometric(0.2, 0.7, 0.3)).epsilon(1e-12));

  // The disagreement: population variance of the outputs' log-odds ...
  std::vector<double> log_odds;
  for (const double y : outputs) log_odds.push_back(logit(y));
  const double centre = (log_odds[0] + log_odds[1] + log_odds[2]) / 3;
  double total = 0;
  for (const double x : log_odds) total += (x - centre) * (x - centre) / 3;
  CHECK(result.scale == "log-odds");
  CHECK(result.disagreement == Approx(total).epsilon(1e-10));

  // ... and its Shapley decomposition by the definition: v(S) = variance across forecasters of the
  // log-odds of the product with the premises of S at each forecaster's value and the others at the
  // consensus (geometric mean of odds); share_k = sum over S without k of |S|!(2 - |S|)!/3! (v(S+k) - v(S)).
  std::array<double, 3> consensus{};
  for (std::size_t k = 0; k < 3; ++k) consensus[k] = geometric(premises[0][k], premises[1][k], premises[2][k]);
  const auto v = [&](unsigned mask) {
    std::array<double, 3> values{};
    for (std::size_t f = 0; f < 3; ++f) {
      std::array<double, 3> x{};
      for (std::size_t k = 0; k < 3; ++k) x[k] = ((mask >> k) & 1U) != 0 ? premises[f][k] : consensus[k];
      values[f] = logit(product(x));
    }
    const double m = (values[0] + values[1] + values[2]) / 3;
    double variance = 0;
    for (const double value : values) variance += (value - m) * (value - m) / 3;
    return variance;
  };
  const std::array<double, 3> weight = {1.0 / 3, 1.0 / 6, 1.0 / 3};  // by |S| = 0, 1, 2
  std::map<std::string, double> expected;
  for (std::size_t k = 0; k < 3; ++k) {
    double share = 0;
    for (unsigned mask = 0; mask < 8; ++mask) {
      if (((mask >> k) & 1U) != 0) continue;
      const int size = __builtin_popcount(mask);
      share += weight[static_cast<std::size_t>(size)] * (v(mask | (1U << k)) - v(mask));
    }
    expected[result.premises[k]] = share;
  }
  double sum = 0;
  REQUIRE(result.shares.size() == 3);
  for (const auto& share : result.shares) {
    CHECK(share.share == Approx(expected.at(share.node)).epsilon(1e-9));
    CHECK(share.fraction == Approx(share.share / total).epsilon(1e-9));
    sum += share.share;
  }
  CHECK(sum == Approx(total).epsilon(1e-10));
  CHECK(result.shares[0].share >= result.shares[1].share);

  SECTION("JSON has the documented keys") {
    const auto json = nlohmann::json::parse(panel_json(result));
    CHECK(json["output"] == "doom");
    CHECK(json["forecasters"].size() == 3);
    CHECK(json["aggregates"]["median"]["of_outputs"].get<double>() == Approx(0.084).epsilon(1e-12));
    CHECK(json["disagreement"]["scale"] == "log-odds");
    CHECK(json["disagreement"]["premises"].contains("takeover"));
    CHECK_FALSE(panel_text(result).empty());
  }
}

TEST_CASE("panel: a forecaster's distributions replace the structure's, others keep the defaults", "[audit]") {
  const Model structure = load_model(audit_data / "panel_structure.toml");
  Forecaster forecaster;
  forecaster.name = "partial";
  DistributionCall call;
  call.constructor = "point";
  call.arguments.push_back({Expression(0.5), nullptr});
  forecaster.values.emplace_back("timelines", call);
  const Model model = forecaster_model(structure, forecaster);
  CHECK(model.find("timelines")->distribution->to_string() == "point(0.5)");
  CHECK(model.find("timelines")->info.label == structure.find("timelines")->info.label);
  CHECK(model.find("takeover")->distribution->to_string() == structure.find("takeover")->distribution->to_string());
  forecaster.values.emplace_back("timeline", call);
  CHECK_THROWS_WITH(forecaster_model(structure, forecaster), Catch::Contains("did you mean 'timelines'"));
}

TEST_CASE("panel files: errors carry their location", "[audit]") {
  const auto error_of = [](const std::string& text) {
    try {
      (void)parse_panel(text, "p.toml", audit_data);
    } catch (const ModelError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("[panel]\n"), Catch::Contains("p.toml:1:1") && Catch::Contains("model ="));
  CHECK_THAT(error_of("[panel]\nmodel = \"missing.toml\"\n"), Catch::Contains("does not exist"));
  const std::string header = "[panel]\nmodel = \"panel_structure.toml\"\n";
  CHECK_THAT(error_of(header), Catch::Contains("no [[forecasters]]"));
  CHECK_THAT(error_of(header + "[[forecasters]]\nname = \"x\"\nvalues = { timeline = 0.5 }\n"),
             Catch::Contains("p.toml:5:") && Catch::Contains("did you mean 'timelines'"));
  CHECK_THAT(error_of(header + "[[forecasters]]\nname = \"x\"\nvalues = { timelines = \"beta_ci(0.5\" }\n"),
             Catch::Contains("p.toml:5:") && Catch::Contains("value of 'timelines'"));
  CHECK_THAT(error_of(header + "[[forecasters]]\nname = \"x\"\nvalues = { timelines = true }\n"),
             Catch::Contains("must be a number or a string"));
  CHECK_THAT(error_of(header + "[[forecasters]]\nname = \"x\"\nvalues = {}\n[[forecasters]]\nname = \"x\"\nvalues = {}\n"),
             Catch::Contains("appears twice"));
  CHECK_THAT(error_of("[panel\n"), Catch::Contains("invalid TOML"));
}
