// Split formulas and recombined evaluation (CompiledModel with split_by_inputs, evaluate_recombined):
// the Sobol design's shortcut must give exactly the values a full evaluation of the recombined
// uniforms gives, for every node of every shipped model, and must not change which faults are reported.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sample/compiled_model.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace pdoom;

// n uniforms in (0, 1) per input, column-major.
std::vector<double> uniforms(std::size_t inputs, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<double> u(inputs * n);
  for (double& x : u) x = (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53;
  return u;
}

std::vector<const double*> columns(const std::vector<double>& u, std::size_t inputs, std::size_t n) {
  std::vector<const double*> pointers(inputs);
  for (std::size_t i = 0; i < inputs; ++i) pointers[i] = u.data() + i * n;
  return pointers;
}

bool same_bits(std::span<const double> x, std::span<const double> y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

Model ishigami() {
  const double pi = std::numbers::pi;
  Model model("ishigami");
  const auto x1 = model.input("x1", uniform(-pi, pi));
  const auto x2 = model.input("x2", uniform(-pi, pi));
  const auto x3 = model.input("x3", uniform(-pi, pi));
  model.derived("y", sin(x1) + 7.0 * pow(sin(x2), 2.0) + 0.1 * pow(x3, 4.0) * sin(x1));
  model.add_output("y");
  return model;
}

// Every node of the split model, evaluated for A with the inputs in `swapped` taken from B, must equal
// the plain model's full evaluation of those uniforms, bit for bit.
void check_recombined(const Model& model, std::size_t n, const std::vector<std::vector<std::size_t>>& swap_sets) {
  const CompiledModel plain(model);
  const CompiledModel split(model, {}, CompileOptions{.split_by_inputs = true});
  const std::size_t inputs = plain.inputs().size();
  const std::size_t nodes = plain.node_names().size();
  REQUIRE(plain.column_count() == nodes);
  REQUIRE(split.column_count() >= nodes);
  const auto ua = uniforms(inputs, n, 1);
  const auto ub = uniforms(inputs, n, 2);
  Block plain_a, split_a, split_b, recombined, expected;
  EvaluationWorkspace workspace;
  plain.evaluate(columns(ua, inputs, n), n, plain_a, workspace);
  split.evaluate(columns(ua, inputs, n), n, split_a, workspace);
  split.evaluate(columns(ub, inputs, n), n, split_b, workspace);
  for (std::size_t node = 0; node < nodes; ++node) {
    INFO("node " << plain.node_names()[node]);
    REQUIRE(same_bits(plain_a.column(node), split_a.column(node)));
  }
  for (const auto& swapped : swap_sets) {
    auto mixed = columns(ua, inputs, n);
    for (const std::size_t i : swapped) mixed[i] = ub.data() + i * n;
    plain.evaluate(mixed, n, expected, workspace);
    for (std::size_t node = 0; node < nodes; ++node) {
      INFO("node " << plain.node_names()[node] << ", " << swapped.size() << " inputs swapped, first "
                   << (swapped.empty() ? 0 : swapped.front()));
      const auto values = split.evaluate_recombined(mixed, n, split_a, split_b, swapped, node, recombined, workspace);
      REQUIRE(same_bits(values, expected.column(node)));
    }
  }
}

// Each input alone, every pair, all inputs, none.
std::vector<std::vector<std::size_t>> swap_sets(std::size_t inputs) {
  std::vector<std::vector<std::size_t>> sets{{}};
  for (std::size_t i = 0; i < inputs; ++i) sets.push_back({i});
  for (std::size_t i = 0; i < inputs && inputs <= 12; ++i) {
    for (std::size_t j = i + 1; j < inputs; ++j) sets.push_back({i, j});
  }
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < inputs; ++i) all.push_back(i);
  sets.push_back(all);
  return sets;
}

}  // namespace

TEST_CASE("split formulas: Ishigami gets a part for sin(x1) and one for 7 sin(x2)^2", "[sample]") {
  const CompiledModel split(ishigami(), {}, CompileOptions{.split_by_inputs = true});
  // sin(x1) is shared by both terms; 0.1 x3^4 costs too little to be worth a column of its own.
  CHECK(split.column_count() == 4 + 2);
  CHECK(CompiledModel(ishigami()).column_count() == 4);
  check_recombined(ishigami(), 1000, swap_sets(3));
}

TEST_CASE("recombined evaluation equals full evaluation for every node of every shipped model", "[sample]") {
  std::size_t models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(PDOOM_SOURCE_DIR) / "models")) {
    if (entry.path().extension() != ".toml") continue;
    INFO(entry.path().filename().string());
    const Model model = load_model(entry.path());
    check_recombined(model, 700, swap_sets(CompiledModel(model).inputs().size()));
    ++models;
  }
  CHECK(models >= 11);
}

TEST_CASE("recombined evaluation handles conditional inputs and nodes of one side only", "[sample]") {
  Model model("conditional");
  const auto rate = model.input("rate", lognormal(0.0, 0.5));
  const auto shape = model.input("shape", uniform(1, 3));
  const auto noise = model.input("noise", normal(0, 1));
  model.input("delay", parse_distribution("gamma(shape, rate)"));
  const auto delay = Expression::variable("delay");
  model.derived("only_noise", exp(noise) * 2.0);
  model.derived("mix", log(delay + 1.0) * exp(noise) + sin(rate) * shape);
  model.add_output("mix");
  check_recombined(model, 500, swap_sets(4));
}

TEST_CASE("a NaN inside a split formula is a fault only when it reaches the node", "[sample]") {
  Model guarded("guarded");
  const auto x = guarded.input("x", uniform(-1, 1));
  const auto y = guarded.input("y", uniform(1, 2));
  // log(x) is NaN for half the samples, but the branch that uses it is only taken for x > 0.
  guarded.derived("z", if_(x > 0.0, log(x) * y, y));
  guarded.add_output("z");
  const CompiledModel split(guarded, {}, CompileOptions{.split_by_inputs = true});
  REQUIRE(split.column_count() == 3 + 1);  // log(x) is a part
  check_recombined(guarded, 1000, swap_sets(2));

  Model faulty("faulty");
  const auto u = faulty.input("u", uniform(-1, 1));
  const auto v = faulty.input("v", uniform(1, 2));
  faulty.derived("w", log(u) * v);
  faulty.add_output("w");
  const auto message = [&](CompileOptions options) {
    const CompiledModel compiled(faulty, {}, options);
    const auto u_values = uniforms(2, 100, 3);
    Block block;
    EvaluationWorkspace workspace;
    try {
      compiled.evaluate(columns(u_values, 2, 100), 100, block, workspace);
    } catch (const NumericalError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  const std::string plain_message = message({});
  CHECK(plain_message.find("node 'w' is NaN at sample") != std::string::npos);
  CHECK(message(CompileOptions{.split_by_inputs = true}) == plain_message);
}

TEST_CASE("evaluate_recombined rejects blocks of the wrong shape and unknown inputs or columns", "[sample]") {
  const CompiledModel split(ishigami(), {}, CompileOptions{.split_by_inputs = true});
  const std::size_t n = 10;
  const auto u = uniforms(3, n, 4);
  const auto pointers = columns(u, 3, n);
  Block a, b, out, short_block;
  EvaluationWorkspace workspace;
  split.evaluate(pointers, n, a, workspace);
  split.evaluate(pointers, n, b, workspace);
  split.evaluate(pointers, n - 1, short_block, workspace);
  const std::vector<std::size_t> first{0};
  const std::vector<std::size_t> unknown{3};
  CHECK_THROWS_AS(split.evaluate_recombined(pointers, n, a, short_block, first, 3, out, workspace), Error);
  CHECK_THROWS_AS(split.evaluate_recombined(pointers, n, a, b, unknown, 3, out, workspace), Error);
  CHECK_THROWS_AS(split.evaluate_recombined(pointers, n, a, b, first, split.column_count(), out, workspace), Error);
  CHECK_THROWS_AS(split.evaluate_recombined(std::span(pointers).first(2), n, a, b, first, 3, out, workspace), Error);
  CHECK_NOTHROW(split.evaluate_recombined(pointers, n, a, b, first, 3, out, workspace));
}
