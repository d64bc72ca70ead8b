// `pdoom compare` and `pdoom panel`: the JSON contract of DESIGN.md, the table, exit statuses.

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH

#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {

using Outcome = pdoom_test::CliOutcome;
using pdoom_test::quoted;
using pdoom_test::read_text;
using pdoom_test::run_pdoom;

const fs::path audit_data = fs::path(PDOOM_TEST_DATA_DIR) / "audit";

fs::path scratch_dir() { return pdoom_test::scratch_dir("audit-cli-test"); }

std::string data(const std::string& name) { return quoted((audit_data / name).string()); }

}  // namespace

TEST_CASE("pdoom compare --json - follows the JSON contract and the shares add up", "[audit]") {
  const Outcome outcome = run_pdoom("compare " + data("compare_a.toml") + " " + data("compare_b.toml") +
                                    " --samples 5000 --threads 2 --json -");
  REQUIRE(outcome.status == 0);
  const auto json = nlohmann::json::parse(outcome.out);
  CHECK(json["output"] == "doom");
  CHECK(json["a"]["model"] == "sceptic");
  CHECK(json["b"]["model"] == "worried");
  const double difference = json["difference"].get<double>();
  CHECK(difference == Approx(json["b"]["mean"].get<double>() - json["a"]["mean"].get<double>()).epsilon(1e-12));
  double sum = 0;
  for (const auto& [name, share] : json["attribution"].items()) sum += share.get<double>();
  CHECK(sum == Approx(difference).epsilon(1e-12));
  CHECK(json["attribution"].contains("alignment_hard"));
  CHECK(json["attribution"].contains("doom + no_correction"));
  CHECK(json["difference_stderr"].get<double>() > 0);
  // Node table: a node only in B has "a": null; unchanged power_seeking has both summaries.
  CHECK(json["nodes"]["no_correction"]["a"].is_null());
  CHECK(json["nodes"]["no_correction"]["b"]["mean"].is_number());
  CHECK(json["nodes"]["no_correction"]["changed"] == true);
  CHECK(json["nodes"]["power_seeking"]["changed"] == false);
  for (const char* key : {"mean", "sd", "stderr", "min", "max", "p01", "p05", "p25", "p50", "p75", "p95", "p99"}) {
    CHECK(json["nodes"]["power_seeking"]["a"].contains(key));
  }
}

TEST_CASE("pdoom compare prints a table sorted by share and writes --json files", "[audit]") {
  const fs::path file = scratch_dir() / "comparison.json";
  const Outcome outcome = run_pdoom("compare " + data("compare_a.toml") + " " + data("compare_b.toml") +
                                    " -n 2000 --json " + quoted(file.string()));
  REQUIRE(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::Contains("attribution of B - A") && Catch::Contains("alignment_hard") &&
                              Catch::Contains("only in B"));
  CHECK(outcome.out.find("alignment_hard") < outcome.out.find("timelines   "));
  CHECK(nlohmann::json::parse(read_text(file))["output"] == "doom");
}

TEST_CASE("pdoom compare: errors and usage", "[audit]") {
  CHECK(run_pdoom("compare " + data("compare_a.toml")).status == 2);
  CHECK(run_pdoom("compare " + data("compare_a.toml") + " " + data("compare_b.toml") + " --samples 0").status == 2);
  const Outcome missing = run_pdoom("compare " + data("compare_a.toml") + " " + data("compare_b.toml") + " --output nope");
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("error:") && Catch::Contains("nope"));
  CHECK(run_pdoom("compare --help").status == 0);
}

TEST_CASE("pdoom panel: table and JSON", "[audit]") {
  const Outcome text = run_pdoom("panel " + data("panel.toml") + " -n 1000");
  REQUIRE(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains("optimist") && Catch::Contains("geometric mean of odds") &&
                           Catch::Contains("disagreement"));
  const Outcome json_outcome = run_pdoom("panel " + data("panel.toml") + " -n 1000 --json -");
  REQUIRE(json_outcome.status == 0);
  const auto json = nlohmann::json::parse(json_outcome.out);
  CHECK(json["forecasters"][1]["name"] == "pessimist");
  CHECK(json["forecasters"][1]["mean"].get<double>() == Approx(0.9 * 0.8 * 0.7).epsilon(1e-12));
  CHECK(json["aggregates"]["median"]["of_premises"].get<double>() == Approx(0.7 * 0.4 * 0.3).epsilon(1e-12));
  const Outcome missing = run_pdoom("panel " + quoted((audit_data / "no-such-panel.toml").string()));
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("error:"));
}

#endif  // PDOOM_CLI_PATH
