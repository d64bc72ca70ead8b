// compare(): Shapley attribution against closed forms for product models, shares adding up to the
// difference, antisymmetry under swapping A and B, structural changes, agreement with the sampler.

#include "pdoom/audit/compare.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/sample/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

using namespace pdoom;

namespace {

// A model file's text: a header with the given name and output, then the nodes.
Model model_text(const std::string& name, const std::string& nodes, const std::string& extra_model_keys = "") {
  const std::string text = "[model]\nname = \"" + name + "\"\noutputs = [\"y\"]\n" + extra_model_keys + "\n" + nodes;
  return parse_model(text, name + ".toml");
}

std::map<std::string, double> shares_of(const Comparison& comparison) {
  std::map<std::string, double> shares;
  for (const auto& change : comparison.attribution) shares[change.name] = change.share;
  return shares;
}

double sum_of_shares(const Comparison& comparison) {
  double sum = 0;
  for (const auto& change : comparison.attribution) sum += change.share;
  return sum;
}

// "[nodes.NAME]\ndist = \"point(VALUE)\"\n".
std::string node_text(const std::string& name, double value) {
  std::string text = "[nodes.";
  text += name;
  text += "]\ndist = \"point(";
  text += std::to_string(value);
  text += ")\"\n";
  return text;
}

CompareOptions small_options(std::uint64_t samples = 20000) {
  CompareOptions options;
  options.samples = samples;
  options.threads = 2;
  return options;
}

}  // namespace

TEST_CASE("compare: y = a b with point values gives the closed-form Shapley shares", "[audit]") {
  const Model a = model_text("a", "[nodes.a]\ndist = \"point(0.5)\"\n[nodes.b]\ndist = \"point(0.4)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"point(0.8)\"\n[nodes.b]\ndist = \"point(0.6)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Comparison comparison = compare(a, b, small_options(1000));
  CHECK(comparison.output == "y");
  CHECK(comparison.mean_a == Approx(0.2).epsilon(1e-14));
  CHECK(comparison.mean_b == Approx(0.48).epsilon(1e-14));
  CHECK(comparison.difference == Approx(0.28).epsilon(1e-14));
  CHECK(comparison.difference_stderr == Approx(0.0).margin(1e-15));
  CHECK(comparison.exact);
  CHECK(comparison.hybrids == 4);
  const auto shares = shares_of(comparison);
  // share_a = (0.8 - 0.5)(0.4 + 0.6)/2 = 0.15; share_b = (0.6 - 0.4)(0.5 + 0.8)/2 = 0.13.
  CHECK(shares.at("a") == Approx(0.15).epsilon(1e-13));
  CHECK(shares.at("b") == Approx(0.13).epsilon(1e-13));
  CHECK(sum_of_shares(comparison) == Approx(comparison.difference).epsilon(1e-14));
  // Nothing is random here: the shares' Monte Carlo error must be rounding only, also over many
  // batches (it was about 1e-9 once, from cancellation in expanded sums of squares).
  for (const auto& change : comparison.attribution) CHECK(change.share_stderr < 1e-15);
  for (const auto& change : compare(a, b, small_options(300000)).attribution) CHECK(change.share_stderr < 1e-15);
  // Sorted by |share|.
  REQUIRE(comparison.attribution.size() == 2);
  CHECK(comparison.attribution[0].name == "a");
  // Node table: y is unchanged (same formula) but a and b changed.
  REQUIRE(comparison.nodes.size() == 3);
  CHECK(comparison.nodes[0].changed);
  CHECK(comparison.nodes[2].name == "y");
  CHECK_FALSE(comparison.nodes[2].changed);
  REQUIRE(comparison.nodes[2].a.has_value());
  CHECK(comparison.nodes[2].a->mean == Approx(0.2).epsilon(1e-12));
  CHECK(comparison.nodes[2].b->mean == Approx(0.48).epsilon(1e-12));
}

TEST_CASE("compare: uncertain product model, shares near the closed form and summing exactly", "[audit]") {
  // Independent inputs: v(S) estimates E[a] E[b] for the versions chosen, so the closed form of the point
  // case holds with the means: share_a = (Ea1 - Ea0)(Eb0 + Eb1)/2. Tolerance: 5 reported standard errors.
  const Model a = model_text("a", "[nodes.a]\ndist = \"beta(2, 2)\"\n[nodes.b]\ndist = \"beta(4, 6)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"beta(8, 2)\"\n[nodes.b]\ndist = \"beta(6, 4)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Comparison comparison = compare(a, b, small_options(40000));
  const double a0 = 0.5, a1 = 0.8, b0 = 0.4, b1 = 0.6;
  const auto find = [&](const std::string& name) -> const Change& {
    for (const auto& change : comparison.attribution) {
      if (change.name == name) return change;
    }
    FAIL("no change " << name);
    throw;
  };
  const Change& share_a = find("a");
  const Change& share_b = find("b");
  CHECK(share_a.share_stderr > 0);
  CHECK(std::abs(share_a.share - (a1 - a0) * (b0 + b1) / 2) < 5 * share_a.share_stderr);
  CHECK(std::abs(share_b.share - (b1 - b0) * (a0 + a1) / 2) < 5 * share_b.share_stderr);
  CHECK(std::abs(comparison.difference - (a1 * b1 - a0 * b0)) < 5 * comparison.difference_stderr);
  CHECK(sum_of_shares(comparison) == Approx(comparison.difference).epsilon(1e-12));

  SECTION("swapping A and B negates every share") {
    const Comparison swapped = compare(b, a, small_options(40000));
    CHECK(swapped.difference == Approx(-comparison.difference).epsilon(1e-12));
    const auto forward = shares_of(comparison);
    const auto backward = shares_of(swapped);
    for (const auto& [name, share] : forward) CHECK(backward.at(name) == Approx(-share).epsilon(1e-12));
  }
  SECTION("the means are the sampler's, on the same random numbers") {
    RunOptions run_options;
    run_options.samples = 40000;
    run_options.threads = 1;
    CHECK(comparison.mean_a == Approx(run(a, run_options).summary("y").mean).epsilon(1e-12));
    CHECK(comparison.mean_b == Approx(run(b, run_options).summary("y").mean).epsilon(1e-12));
  }
  SECTION("results do not depend on the number of threads") {
    CompareOptions one = small_options(40000);
    one.threads = 1;
    CompareOptions three = small_options(40000);
    three.threads = 3;
    const Comparison x = compare(a, b, one);
    const Comparison y = compare(a, b, three);
    CHECK(x.difference == y.difference);
    CHECK(shares_of(x) == shares_of(y));
    CHECK(x.attribution[0].share_stderr == y.attribution[0].share_stderr);
  }
}

TEST_CASE("compare: three-factor product, exact Shapley shares by formula", "[audit]") {
  // y = a b c with point values; for a product of three factors the exact Shapley share of a is
  // da * (2 b0 c0 + b0 c1 + b1 c0 + 2 b1 c1) / 6 (orders weighted 1/3, 1/6, 1/6, 1/3).
  const Model a = model_text("a", "[nodes.a]\ndist = \"point(0.5)\"\n[nodes.b]\ndist = \"point(0.4)\"\n"
                                  "[nodes.c]\ndist = \"point(0.9)\"\n[nodes.y]\nexpr = \"all(a, b, c)\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"point(0.8)\"\n[nodes.b]\ndist = \"point(0.6)\"\n"
                                  "[nodes.c]\ndist = \"point(0.3)\"\n[nodes.y]\nexpr = \"all(a, b, c)\"\n");
  const Comparison comparison = compare(a, b, small_options(100));
  const auto shares = shares_of(comparison);
  const auto share = [](double x0, double x1, double y0, double y1, double z0, double z1) {
    return (x1 - x0) * (2 * y0 * z0 + y0 * z1 + y1 * z0 + 2 * y1 * z1) / 6;
  };
  CHECK(shares.at("a") == Approx(share(0.5, 0.8, 0.4, 0.6, 0.9, 0.3)).epsilon(1e-12));
  CHECK(shares.at("b") == Approx(share(0.4, 0.6, 0.5, 0.8, 0.9, 0.3)).epsilon(1e-12));
  CHECK(shares.at("c") == Approx(share(0.9, 0.3, 0.5, 0.8, 0.4, 0.6)).epsilon(1e-12));
  CHECK(sum_of_shares(comparison) == Approx(0.8 * 0.6 * 0.3 - 0.5 * 0.4 * 0.9).epsilon(1e-13));
}

TEST_CASE("compare: a node added in B is applied together with the formula that uses it", "[audit]") {
  const Model a = model_text("a", "[nodes.a]\ndist = \"point(0.5)\"\n[nodes.b]\ndist = \"point(0.4)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"point(0.6)\"\n[nodes.b]\ndist = \"point(0.4)\"\n"
                                  "[nodes.z]\ndist = \"point(0.5)\"\n[nodes.y]\nexpr = \"a * b * z\"\n");
  const Comparison comparison = compare(a, b, small_options(100));
  const auto shares = shares_of(comparison);
  REQUIRE(shares.size() == 2);
  REQUIRE(shares.count("y + z") == 1);
  // Two players: a (0.5 -> 0.6) and {y, z} (y = a b -> a b z). v(0) = 0.2, v(a) = 0.24, v(yz) = 0.1,
  // v(all) = 0.12: share_a = (0.04 + 0.02)/2 = 0.03, share_yz = (-0.1 - 0.12)/2 = -0.11.
  CHECK(shares.at("a") == Approx(0.03).epsilon(1e-12));
  CHECK(shares.at("y + z") == Approx(-0.11).epsilon(1e-12));
  CHECK(sum_of_shares(comparison) == Approx(comparison.difference).epsilon(1e-13));
  const auto grouped = std::find_if(comparison.attribution.begin(), comparison.attribution.end(),
                                    [](const Change& change) { return change.nodes.size() == 2; });
  REQUIRE(grouped != comparison.attribution.end());
  CHECK(grouped->reason.find("only B has") != std::string::npos);
  CHECK_FALSE(comparison.notes.empty());
  // z is absent from A: no summary there.
  const auto z = std::find_if(comparison.nodes.begin(), comparison.nodes.end(),
                              [](const NodeComparison& node) { return node.name == "z"; });
  REQUIRE(z != comparison.nodes.end());
  CHECK_FALSE(z->in_a);
  CHECK_FALSE(z->a.has_value());
  CHECK(z->b.has_value());
  CHECK(z->changed);
}

TEST_CASE("compare: edges reversed between A and B are grouped so that no hybrid has a cycle", "[audit]") {
  // A: q depends on p; B: p depends on q. Applying one change alone would make a cycle.
  const Model a = model_text("a", "[nodes.p]\ndist = \"point(0.5)\"\n[nodes.q]\nexpr = \"p * 0.5\"\n"
                                  "[nodes.y]\nexpr = \"p + q\"\n");
  const Model b = model_text("b", "[nodes.q]\ndist = \"point(0.2)\"\n[nodes.p]\nexpr = \"q * 2\"\n"
                                  "[nodes.y]\nexpr = \"p + q\"\n");
  const Comparison comparison = compare(a, b, small_options(100));
  REQUIRE(comparison.attribution.size() == 1);
  CHECK(comparison.attribution[0].nodes.size() == 2);
  CHECK(comparison.attribution[0].share == Approx(0.6 - 0.75).epsilon(1e-13));
}

TEST_CASE("compare: changes that cannot reach the output get no share", "[audit]") {
  const Model a = model_text("a", "[nodes.a]\ndist = \"point(0.5)\"\n[nodes.side]\ndist = \"point(0.1)\"\n"
                                  "[nodes.y]\nexpr = \"a\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"point(0.7)\"\n[nodes.side]\ndist = \"point(0.3)\"\n"
                                  "[nodes.y]\nexpr = \"a\"\n");
  const Comparison comparison = compare(a, b, small_options(100));
  REQUIRE(comparison.attribution.size() == 1);
  CHECK(comparison.attribution[0].name == "a");
  CHECK(comparison.attribution[0].share == Approx(0.2).epsilon(1e-13));
  REQUIRE(comparison.irrelevant_changes.size() == 1);
  CHECK(comparison.irrelevant_changes[0] == "side");
}

TEST_CASE("compare: beyond the exact limit, sampled permutations still add up exactly", "[audit]") {
  // An additive model: every permutation gives each change its own difference, so the sampled shares are
  // exact and their standard errors come only from Monte Carlo noise (0 for point values).
  std::string nodes_a, nodes_b;
  const int count = 6;
  std::string sum;
  for (int i = 0; i < count; ++i) {
    // fmt-free formatting without "literal" + std::string temporaries (GCC 12 warns falsely on those).
    std::string name = "x";
    name += std::to_string(i);
    nodes_a += node_text(name, 0.1 * i);
    nodes_b += node_text(name, 0.1 * i + 0.01 * (i + 1));
    if (i > 0) sum += " + ";
    sum += name;
  }
  const Model a = model_text("a", nodes_a + "[nodes.y]\nexpr = \"" + sum + "\"\n");
  const Model b = model_text("b", nodes_b + "[nodes.y]\nexpr = \"" + sum + "\"\n");
  CompareOptions options = small_options(100);
  options.exact_limit = 3;
  options.permutations = 10;
  const Comparison comparison = compare(a, b, options);
  CHECK_FALSE(comparison.exact);
  CHECK(comparison.permutations == 10);
  const auto shares = shares_of(comparison);
  for (int i = 0; i < count; ++i) {
    std::string name = "x";
    name += std::to_string(i);
    CHECK(shares.at(name) == Approx(0.01 * (i + 1)).margin(1e-13));
  }
  CHECK(sum_of_shares(comparison) == Approx(comparison.difference).margin(1e-13));
}

TEST_CASE("compare: correlated inputs use the sampler's copula", "[audit]") {
  const std::string correlation = "\n[[correlations]]\nnodes = [\"a\", \"b\"]\nrank = 0.7\n";
  const Model a = model_text("a", "[nodes.a]\ndist = \"beta(2, 2)\"\n[nodes.b]\ndist = \"beta(4, 6)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n" + correlation);
  const Model b = model_text("b", "[nodes.a]\ndist = \"beta(8, 2)\"\n[nodes.b]\ndist = \"beta(4, 6)\"\n"
                                  "[nodes.y]\nexpr = \"a * b\"\n");
  const Comparison comparison = compare(a, b, small_options(20000));
  RunOptions run_options;
  run_options.samples = 20000;
  CHECK(comparison.mean_a == Approx(run(a, run_options).summary("y").mean).epsilon(1e-12));
  CHECK(comparison.mean_b == Approx(run(b, run_options).summary("y").mean).epsilon(1e-12));
  const auto shares = shares_of(comparison);
  CHECK(shares.count("[correlations]") == 1);
  CHECK(sum_of_shares(comparison) == Approx(comparison.difference).epsilon(1e-12));
}

TEST_CASE("compare: output selection and errors", "[audit]") {
  const Model a = model_text("a", "[nodes.a]\ndist = \"point(0.5)\"\n[nodes.y]\nexpr = \"a\"\n");
  const Model b = model_text("b", "[nodes.a]\ndist = \"point(0.7)\"\n[nodes.y]\nexpr = \"a\"\n");
  CHECK(comparison_output(a, b) == "y");
  CHECK(comparison_output(a, b, "a") == "a");
  CHECK_THROWS_AS(comparison_output(a, b, "nope"), ModelError);
  CompareOptions options = small_options(0);
  CHECK_THROWS_AS(compare(a, b, options), Error);
}
