// Lints: each one fires on a model made to trigger it, names the node and the location, and stays
// silent on a model that gives it no reason.

#include "pdoom/audit/lint.hpp"
#include "pdoom/io/model_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace pdoom;

namespace {

Model model_text(const std::string& nodes, const std::string& model_keys = "") {
  return parse_model("[model]\nname = \"m\"\noutputs = [\"y\"]\n" + model_keys + "\n" + nodes, "m.toml");
}

// The diagnostics of one lint.
std::vector<Diagnostic> of_lint(const std::vector<Diagnostic>& all, const std::string& name) {
  std::vector<Diagnostic> found;
  const std::string prefix = "[" + name + "]";
  for (const auto& diagnostic : all) {
    if (diagnostic.message.rfind(prefix, 0) == 0) found.push_back(diagnostic);
  }
  return found;
}

// An input with a source, so that only the lint under test has something to say.
std::string sourced(const std::string& name, const std::string& dist, bool probability = true) {
  return "[nodes." + name + "]\ndist = \"" + dist + "\"\nsource = \"a study\"\n" +
         (probability ? "unit = \"probability\"\n" : "");
}

LintOptions quick() {
  LintOptions options;
  options.samples = 4000;
  options.threads = 2;
  return options;
}

}  // namespace

TEST_CASE("lint: a well-kept model gets no warnings", "[audit]") {
  const Model model = model_text(sourced("a", "beta_ci(0.2, 0.6)") + sourced("b", "beta_ci(0.3, 0.9)") +
                                     sourced("c", "beta_ci(0.1, 0.5)") + "[nodes.y]\nexpr = \"a * b * c\"\nunit = \"probability\"\n",
                                 "claimed = 0.09\n");
  const auto warnings = lint(model, quick());
  for (const auto& warning : warnings) INFO(warning.message);
  CHECK(warnings.empty());
}

TEST_CASE("lint: inputs without source or rationale", "[audit]") {
  const Model model = model_text("[nodes.a]\ndist = \"beta_ci(0.2, 0.6)\"\n"
                                 "[nodes.b]\ndist = \"beta_ci(0.2, 0.6)\"\nrationale = \"my own judgement\"\n"
                                 "[nodes.y]\nexpr = \"a * b\"\n");
  const auto found = of_lint(lint(model, quick()), "unsourced");
  REQUIRE(found.size() == 1);
  CHECK(found[0].node == "a");
  CHECK(found[0].severity == Diagnostic::Severity::warning);
  CHECK(found[0].location.file == "m.toml");
  CHECK(found[0].location.line == 5);
}

TEST_CASE("lint: overconfident probability inputs", "[audit]") {
  // [0.45, 0.48] is 0.03 wide and a factor 1.13 in odds: flagged. [0.001, 0.01] is narrow in probability
  // but a factor 10 in odds: not flagged. [0.3, 0.34]: 0.04 wide, factor 1.2 in odds: flagged.
  const Model model = model_text(sourced("narrow", "beta_ci(0.45, 0.48)") + sourced("small", "logitnormal_ci(0.001, 0.01)") +
                                 sourced("wide", "beta_ci(0.2, 0.6)") + sourced("tight", "uniform(0.3, 0.34)") +
                                 "[nodes.y]\nexpr = \"narrow * small * wide * tight\"\n");
  const auto found = of_lint(lint(model, quick()), "overconfident");
  REQUIRE(found.size() == 2);
  CHECK(found[0].node == "narrow");
  CHECK(found[1].node == "tight");
  CHECK(found[0].location.line == 6);
  CHECK(found[0].location.column > 1);
  CHECK_THAT(found[0].message, Catch::Contains("0.45") && Catch::Contains("0.48"));
}

TEST_CASE("lint: long conjunctive chains, with the effect of nudging premises toward 1", "[audit]") {
  SECTION("four premises multiplied fire, with the point value moving from 0.5^4 to 0.55^4") {
    const Model model = model_text(sourced("a", "point(0.5)") + sourced("b", "point(0.5)") + sourced("c", "point(0.5)") +
                                   sourced("d", "point(0.5)") + "[nodes.y]\nexpr = \"a * b * (c * d)\"\n");
    const auto found = of_lint(lint(model, quick()), "conjunctive-chain");
    REQUIRE(found.size() == 1);
    CHECK(found[0].node == "y");
    CHECK_THAT(found[0].message, Catch::Contains("multiplies 4 probabilities") && Catch::Contains("multiple-stage") &&
                                     Catch::Contains("0.0625") && Catch::Contains("0.0915"));
  }
  SECTION("all() counts, and the reported output is downstream of the chain") {
    const Model model = model_text(sourced("a", "point(0.5)") + sourced("b", "point(0.5)") + sourced("c", "point(0.5)") +
                                   sourced("d", "point(0.5)") +
                                   "[nodes.chain]\nexpr = \"all(a, b, c, d)\"\nunit = \"probability\"\n"
                                   "[nodes.y]\nexpr = \"1 - chain\"\n");
    const auto found = of_lint(lint(model, quick()), "conjunctive-chain");
    REQUIRE(found.size() == 1);
    CHECK(found[0].node == "chain");
    // y = 1 - chain moves from 0.9375 to 1 - 0.55^4 = 0.9085.
    CHECK_THAT(found[0].message, Catch::Contains("'y'") && Catch::Contains("0.93") && Catch::Contains("0.908"));
  }
  SECTION("three premises and constants do not") {
    const Model model = model_text(sourced("a", "point(0.5)") + sourced("b", "point(0.5)") + sourced("c", "point(0.5)") +
                                   "[nodes.y]\nexpr = \"a * b * c * 0.5\"\n");
    CHECK(of_lint(lint(model, quick()), "conjunctive-chain").empty());
  }
}

TEST_CASE("lint: a claimed bottom line the model contradicts", "[audit]") {
  const std::string nodes = sourced("a", "point(0.5)") + sourced("b", "point(0.4)") + "[nodes.y]\nexpr = \"a * b\"\n";
  SECTION("a claim of 50% against a mean of 20% fires") {
    const auto found = of_lint(lint(model_text(nodes, "claimed = 0.5\n"), quick()), "claimed");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("0.2") && Catch::Contains("0.5"));
  }
  SECTION("a claim equal to the mean is silent") {
    CHECK(of_lint(lint(model_text(nodes, "claimed = 0.2\n"), quick()), "claimed").empty());
  }
  SECTION("a claim outside the 90% interval fires even when close in odds") {
    // y uniform on [0.2, 0.21]: mean 0.205, interval [0.2005, 0.2095]; 0.22 is within a factor 1.5 in odds.
    const std::string narrow = sourced("a", "uniform(0.2, 0.21)") + "[nodes.y]\nexpr = \"a\"\n";
    const auto found = of_lint(lint(model_text(narrow, "claimed = 0.22\n"), quick()), "claimed");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Catch::Contains("the claim lies outside that interval"));
  }
  SECTION("no run, no claim check") {
    LintOptions options = quick();
    options.run_model = false;
    CHECK(of_lint(lint(model_text(nodes, "claimed = 0.5\n"), options), "claimed").empty());
  }
}

TEST_CASE("lint: point values beside distributions", "[audit]") {
  const Model model = model_text(sourced("a", "point(0.3)") + sourced("b", "beta_ci(0.2, 0.6)") +
                                 "[nodes.k]\nexpr = \"0.9\"\n[nodes.y]\nexpr = \"a * b * k\"\n");
  const auto found = of_lint(lint(model, quick()), "point-value");
  REQUIRE(found.size() == 2);
  CHECK(found[0].node == "a");
  CHECK(found[1].node == "k");
  // Every input a point value: nothing to contrast with, silent.
  const Model points = model_text(sourced("a", "point(0.3)") + sourced("b", "point(0.6)") + "[nodes.y]\nexpr = \"a * b\"\n");
  CHECK(of_lint(lint(points, quick()), "point-value").empty());
}

TEST_CASE("lint: nodes that influence no output", "[audit]") {
  const Model model = model_text(sourced("a", "beta_ci(0.2, 0.6)") + sourced("orphan", "beta_ci(0.2, 0.6)") +
                                 "[nodes.helper]\nexpr = \"orphan * 2\"\n[nodes.y]\nexpr = \"a\"\n");
  const auto found = of_lint(lint(model, quick()), "unused");
  REQUIRE(found.size() == 2);
  CHECK(found[0].node == "orphan");
  CHECK(found[1].node == "helper");
}

TEST_CASE("lint: inputs with a negligible total Sobol index, only when asked", "[audit]") {
  // y = a + 0.001 b with a, b uniform(0, 1): b's total index is 1e-6 / (1 + 1e-6), a's is ~1.
  const Model model = model_text(sourced("a", "uniform(0, 1)", false) + sourced("b", "uniform(0, 1)", false) +
                                 "[nodes.y]\nexpr = \"a + 0.001 * b\"\n");
  CHECK(of_lint(lint(model, quick()), "negligible").empty());
  LintOptions options = quick();
  options.sobol = true;
  const auto found = of_lint(lint(model, options), "negligible");
  REQUIRE(found.size() == 1);
  CHECK(found[0].node == "b");
}

TEST_CASE("lint: a model with validation errors gets only the lints that need no evaluation", "[audit]") {
  const Model model = read_model_text("[model]\nname = \"m\"\noutputs = [\"y\"]\n[nodes.a]\ndist = \"beta_ci(0.45, 0.48)\"\n"
                                      "unit = \"probability\"\n[nodes.y]\nexpr = \"a * missing\"\n",
                                      "m.toml");
  const auto warnings = lint(model, quick());
  CHECK(of_lint(warnings, "unsourced").size() == 1);
  CHECK(of_lint(warnings, "overconfident").size() == 1);
  CHECK(of_lint(warnings, "unused").empty());
  CHECK(lint_names().size() == 7);
}
