// The JSON and text of sensitivity reports, and `pdoom sensitivity`: the JSON contract of DESIGN.md,
// only the methods asked for, exit statuses (1 for bad data, 2 for bad usage), atomic JSON files.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/io/sensitivity_output.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sensitivity/analysis.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

pdoom::Model product_model() {
  pdoom::Model model("product");
  const auto a = model.input("a", pdoom::beta(2, 5), {.groups = {"pair"}});
  const auto b = model.input("b", pdoom::uniform(0.2, 0.8), {.groups = {"pair"}});
  const auto c = model.input("c", pdoom::beta(8, 2));
  model.derived("p", a * b * c, {.unit = "probability"});
  model.add_output("p");
  return model;
}

}  // namespace

TEST_CASE("sensitivity JSON follows the contract with only the methods that ran", "[sensitivity]") {
  pdoom::SensitivityOptions options;
  options.samples = 1024;
  options.threads = 2;
  const auto report = pdoom::sensitivity_analysis(
      product_model(), {pdoom::SensitivityMethod::sobol, pdoom::SensitivityMethod::tornado}, options);
  const auto json = nlohmann::json::parse(pdoom::sensitivity_json(report));
  CHECK(json["output"] == "p");
  CHECK(json["model"] == "product");
  CHECK(json["scenario"].is_null());
  CHECK_FALSE(json.contains("rank"));
  REQUIRE(json.contains("sobol"));
  REQUIRE(json.contains("tornado"));
  CHECK(json["sobol"]["base_samples"] == 1024);
  for (const char* node : {"a", "b", "c"}) {
    INFO(node);
    const auto& entry = json["sobol"]["inputs"][node];
    for (const char* key : {"S1", "S1_conf", "S1_low", "S1_high", "ST", "ST_conf", "ST_low", "ST_high"}) {
      CHECK(entry[key].is_number());
    }
    CHECK(entry["S1_low"].get<double>() <= entry["S1_high"].get<double>());
    CHECK(entry["S1_conf"].get<double>() ==
          Approx((entry["S1_high"].get<double>() - entry["S1_low"].get<double>()) / 2));
    const auto& bar = json["tornado"]["inputs"][node];
    CHECK(bar["swing"].get<double>() == Approx(bar["high"].get<double>() - bar["low"].get<double>()));
  }
  CHECK(json["sobol"]["groups"]["pair"]["inputs"] == nlohmann::json::array({"a", "b"}));
  CHECK(json["sobol"]["sum_S1"].is_number());
  CHECK(json["tornado"]["baseline"].is_number());
  // Inputs are listed in ranked order: tornado by |swing|.
  std::vector<double> swings;
  for (const auto& [name, bar] : json["tornado"]["inputs"].items()) swings.push_back(std::abs(bar["swing"].get<double>()));
  CHECK(std::is_sorted(swings.rbegin(), swings.rend()));

  const std::string text = pdoom::sensitivity_text(report);
  CHECK_THAT(text, Catch::Contains("Sobol indices of p"));
  CHECK_THAT(text, Catch::Contains("sum of first-order indices"));
  CHECK_THAT(text, Catch::Contains("Tornado"));
  CHECK_THAT(text, Catch::Contains("█"));
  pdoom::SensitivityTextStyle ascii;
  ascii.unicode = false;
  const std::string plain = pdoom::sensitivity_text(report, ascii);
  CHECK(plain.find("█") == std::string::npos);
  CHECK_THAT(plain, Catch::Contains("#"));
}

#ifdef PDOOM_CLI_PATH

#include "cli_runner.hpp"

namespace {

using Outcome = pdoom_test::CliOutcome;
using pdoom_test::quoted;
using pdoom_test::read_text;
using pdoom_test::run_pdoom;

fs::path scratch_dir() { return pdoom_test::scratch_dir("sensitivity-cli-test"); }

std::string write_model(const std::string& name, const std::string& text) {
  const fs::path path = scratch_dir() / name;
  std::ofstream(path) << text;
  return quoted(path.string());
}

const char* const product_toml = R"toml(
[model]
name = "product"
outputs = ["p"]

[nodes.a]
dist = "beta(2, 5)"
groups = ["pair"]

[nodes.b]
dist = "uniform(0.2, 0.8)"
groups = ["pair"]

[nodes.c]
dist = "beta(8, 2)"

[nodes.p]
expr = "a * b * c"
unit = "probability"
)toml";

const char* const correlated_toml = R"toml(
[model]
name = "correlated"
outputs = ["y"]

[nodes.x1]
dist = "uniform(0, 1)"

[nodes.x2]
dist = "uniform(0, 1)"

[nodes.y]
expr = "x1 + x2"

[[correlations]]
nodes = ["x1", "x2"]
rank = 0.5
)toml";

// Whether this build's pdoom has the subcommand (main.cpp registers it).
bool has_sensitivity_command() {
  // Without the subcommand, "--help" is the top-level help (exit 0), so look for this command's text.
  const Outcome help = run_pdoom("sensitivity --help");
  const bool registered = help.status == 0 && help.out.find("Which inputs drive an output") != std::string::npos;
  if (!registered) WARN("pdoom has no 'sensitivity' subcommand yet: its CLI tests are skipped");
  return registered;
}

}  // namespace

TEST_CASE("pdoom sensitivity --json - prints the JSON of the methods asked for", "[sensitivity]") {
  if (!has_sensitivity_command()) return;
  const std::string model = write_model("product.toml", product_toml);
  const Outcome outcome = run_pdoom("sensitivity " + model + " --method sobol --samples 512 --threads 2 --json -");
  REQUIRE(outcome.status == 0);
  const auto json = nlohmann::json::parse(outcome.out);
  CHECK(json["output"] == "p");
  CHECK(json["sobol"]["base_samples"] == 512);
  CHECK(json["sobol"]["inputs"].contains("a"));
  CHECK(json["sobol"]["inputs"]["c"].contains("ST_conf"));
  CHECK_FALSE(json.contains("tornado"));
  CHECK_FALSE(json.contains("rank"));

  const Outcome two = run_pdoom("sensitivity " + model + " -m tornado,rank -n 300 --json - --group ac=a,c");
  REQUIRE(two.status == 0);
  const auto both = nlohmann::json::parse(two.out);
  CHECK(both.contains("tornado"));
  CHECK(both["rank"]["inputs"]["a"].contains("prcc"));
  CHECK_FALSE(both.contains("sobol"));
}

TEST_CASE("pdoom sensitivity prints ranked tables and writes JSON files", "[sensitivity]") {
  if (!has_sensitivity_command()) return;
  const std::string model = write_model("product.toml", product_toml);
  const fs::path json_path = scratch_dir() / "out.json";
  const Outcome outcome =
      run_pdoom("sensitivity " + model + " -n 512 --json " + quoted(json_path.string()) + " --group ac=a,c");
  REQUIRE(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::Contains("sum of first-order indices"));
  CHECK_THAT(outcome.out, Catch::Contains("Tornado"));
  CHECK_THAT(outcome.out, Catch::Contains("Spearman"));
  const auto json = nlohmann::json::parse(read_text(json_path));
  CHECK(json["sobol"]["groups"].contains("ac"));
  CHECK(json["sobol"]["groups"].contains("pair"));
}

TEST_CASE("pdoom sensitivity exit statuses", "[sensitivity]") {
  if (!has_sensitivity_command()) return;
  const std::string model = write_model("product.toml", product_toml);
  const Outcome unknown = run_pdoom("sensitivity " + model + " --output q -n 100");
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err, Catch::Contains("'q'") && Catch::Contains("outputs are: p"));
  CHECK(run_pdoom("sensitivity " + model + " --method bogus").status == 2);
  CHECK(run_pdoom("sensitivity " + model + " --samples 0").status == 2);
  CHECK(run_pdoom("sensitivity " + model + " --samples many").status == 2);
  CHECK(run_pdoom("sensitivity " + model + " --group nonsense").status == 2);
  CHECK(run_pdoom("sensitivity " + model + " --quantiles 0.9,0.1").status == 2);
  CHECK(run_pdoom("sensitivity " + model + " --design quasi").status == 2);
  CHECK(run_pdoom("sensitivity").status == 2);
  const Outcome member = run_pdoom("sensitivity " + model + " -m sobol -n 64 --group g=a,zz");
  CHECK(member.status == 1);
  CHECK_THAT(member.err, Catch::Contains("zz"));
  CHECK(run_pdoom("sensitivity " + quoted((scratch_dir() / "missing.toml").string())).status == 1);

  const std::string correlated = write_model("correlated.toml", correlated_toml);
  const Outcome refused = run_pdoom("sensitivity " + correlated + " --method sobol -n 256");
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Catch::Contains("correlated"));
  const Outcome all = run_pdoom("sensitivity " + correlated + " -n 256 --json -");
  CHECK(all.status == 0);
  CHECK_THAT(all.err, Catch::Contains("Sobol indices skipped"));
  const auto json = nlohmann::json::parse(all.out);
  CHECK(json.contains("tornado"));
  CHECK_FALSE(json.contains("sobol"));
}

#endif  // PDOOM_CLI_PATH
