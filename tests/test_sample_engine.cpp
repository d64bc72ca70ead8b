// The sampler's machinery: the ordered block loop and the compiled model (evaluation, fault messages).

#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/sample/compiled_model.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace pdoom;

// A short, block-dependent pause so that threads finish blocks out of order.
void jitter(std::uint64_t block) {
  std::this_thread::sleep_for(std::chrono::microseconds((block * 7919) % 13 * 20));
}

}  // namespace

TEST_CASE("block loop commits every block once and in order whatever the thread count", "[sample]") {
  for (const unsigned threads : {1U, 2U, 7U}) {
    const std::uint64_t blocks = 200;
    const std::size_t window = 5;
    std::vector<std::uint64_t> slot_block(window, 0);
    std::vector<std::uint64_t> committed;
    std::atomic<int> in_flight{0};
    std::atomic<int> most_in_flight{0};
    std::atomic<bool> consistent{true};  // Catch2 assertions are not thread-safe: check on the main thread
    BlockLoopTasks tasks;
    tasks.process = [&](std::uint64_t block, std::size_t slot, std::size_t worker) {
      if (worker >= threads || slot != block % window) consistent = false;
      const int now = ++in_flight;
      int seen = most_in_flight.load();
      while (now > seen && !most_in_flight.compare_exchange_weak(seen, now)) {
      }
      jitter(block);
      slot_block[slot] = block;
      --in_flight;
    };
    tasks.commit = [&](std::uint64_t block, std::size_t slot) {
      if (slot_block[slot] != block) consistent = false;  // a slot is never overwritten before its commit
      committed.push_back(block);
    };
    REQUIRE(for_each_block_ordered(blocks, threads, window, tasks) == blocks);
    REQUIRE(consistent.load());
    REQUIRE(committed.size() == blocks);
    for (std::uint64_t b = 0; b < blocks; ++b) REQUIRE(committed[b] == b);
    REQUIRE(most_in_flight.load() <= static_cast<int>(threads));
  }
}

TEST_CASE("block loop stop request leaves a committed prefix with every started block", "[sample]") {
  for (const unsigned threads : {1U, 2U, 7U}) {
    std::atomic<std::uint64_t> processed{0};
    std::uint64_t commits = 0;
    BlockLoopTasks tasks;
    tasks.process = [&](std::uint64_t block, std::size_t, std::size_t) {
      jitter(block);
      ++processed;
    };
    bool in_order = true;
    tasks.commit = [&](std::uint64_t block, std::size_t) { in_order = in_order && block == commits++; };
    tasks.should_stop = [&] { return commits >= 10; };
    const std::uint64_t done = for_each_block_ordered(1000, threads, 4, tasks);
    REQUIRE(in_order);
    REQUIRE(done == commits);
    REQUIRE(done >= 10);
    REQUIRE(done < 1000);
    REQUIRE(processed.load() == done);  // started blocks were finished and committed, none was lost
  }
}

TEST_CASE("block loop rethrows the failure of the lowest failing block after committing those before it",
          "[sample]") {
  for (const unsigned threads : {1U, 2U, 7U}) {
    std::vector<std::uint64_t> committed;
    BlockLoopTasks tasks;
    tasks.process = [&](std::uint64_t block, std::size_t, std::size_t) {
      jitter(block);
      if (block == 37 || block == 41 || block == 90) throw std::runtime_error("block " + std::to_string(block));
    };
    tasks.commit = [&](std::uint64_t block, std::size_t) { committed.push_back(block); };
    try {
      (void)for_each_block_ordered(100, threads, 6, tasks);
      FAIL("no exception");
    } catch (const std::runtime_error& error) {
      REQUIRE(std::string(error.what()) == "block 37");
    }
    REQUIRE(committed.size() == 37);
  }
}

TEST_CASE("block loop rejects zero threads or window and handles zero blocks", "[sample]") {
  BlockLoopTasks tasks;
  tasks.process = [](std::uint64_t, std::size_t, std::size_t) {};
  tasks.commit = [](std::uint64_t, std::size_t) {};
  REQUIRE_THROWS_AS(for_each_block_ordered(10, 0, 4, tasks), Error);
  REQUIRE_THROWS_AS(for_each_block_ordered(10, 2, 0, tasks), Error);
  REQUIRE(for_each_block_ordered(0, 2, 4, tasks) == 0);
  REQUIRE(resolve_thread_count(3) == 3);
  REQUIRE(resolve_thread_count(0) >= 1);
}

TEST_CASE("compiled model evaluates inputs by quantile and derived nodes by program", "[sample]") {
  Model model("compiled");
  model.input("a", uniform(2, 4));
  model.input("b", normal(0, 1));
  model.derived("c", parse_expression("a * 10 + b"));
  model.input("d", parse_distribution("normal(c, 1)"));
  model.add_output("d");
  const CompiledModel compiled(model);
  REQUIRE(compiled.node_names().size() == 4);
  REQUIRE(compiled.inputs().size() == 3);
  REQUIRE(compiled.input_is_constant(0));
  REQUIRE_FALSE(compiled.input_is_constant(2));
  REQUIRE(compiled.input_distribution(2) == nullptr);
  REQUIRE(compiled.outputs().size() == 1);
  REQUIRE(compiled.outputs()[0] == 3);
  REQUIRE(compiled.column("c") == 2);
  REQUIRE_FALSE(compiled.column("zz").has_value());

  const std::vector<double> ua = {0.25, 0.5, 0.75};
  const std::vector<double> ub = {0.5, 0.5, 0.975};
  const std::vector<double> ud = {0.5, 0.8413447460685429, 0.5};
  const std::vector<const double*> uniforms = {ua.data(), ub.data(), ud.data()};
  Block block;
  EvaluationWorkspace workspace;
  compiled.evaluate(uniforms, 3, block, workspace);
  REQUIRE(block.samples == 3);
  REQUIRE(block.nodes == 4);
  // a = 2 + 2u (uniform quantile); b = normal quantile; c = 10 a + b; d = c + z(u).
  REQUIRE(block.column(0)[0] == Approx(2.5).epsilon(1e-9));
  REQUIRE(block.column(0)[2] == Approx(3.5).epsilon(1e-9));
  REQUIRE(block.column(1)[2] == Approx(1.959963984540054).epsilon(1e-8));
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(block.column(2)[i] == Approx(10 * block.column(0)[i] + block.column(1)[i]).epsilon(1e-14));
  }
  REQUIRE(block.column(3)[0] == Approx(block.column(2)[0]).epsilon(1e-12));
  REQUIRE(block.column(3)[1] == Approx(block.column(2)[1] + 1.0).epsilon(1e-8));

  const std::vector<double> medians = compiled.values_at_medians();
  REQUIRE(medians[0] == Approx(3.0));
  REQUIRE(medians[1] == Approx(0.0).margin(1e-12));
  REQUIRE(medians[3] == Approx(30.0));
  REQUIRE(compiled.at_medians() == std::vector<double>{medians[3]});
}

TEST_CASE("compiled model names the node, the sample and the inputs of a NaN", "[sample]") {
  Model model("faults");
  model.input("a", uniform(0, 1));
  model.input("b", uniform(0, 1));
  model.derived("x", parse_expression("log(a - 0.5) + b"));
  model.add_output("x");
  const CompiledModel compiled(model);
  const std::vector<double> ua = {0.9, 0.8, 0.25};
  const std::vector<double> ub = {0.5, 0.5, 0.5};
  const std::vector<const double*> uniforms = {ua.data(), ub.data()};
  Block block;
  EvaluationWorkspace workspace;
  try {
    compiled.evaluate(uniforms, 3, block, workspace, 1000);
    FAIL("no error");
  } catch (const NumericalError& error) {
    const std::string message = error.what();
    INFO(message);
    REQUIRE(message.find("node 'x' is NaN at sample 1002") != std::string::npos);
    REQUIRE(message.find("a = 0.25") != std::string::npos);
    REQUIRE(message.find("b = 0.5") != std::string::npos);
  }
  // Unchecked evaluation leaves the NaN in place.
  compiled.evaluate(uniforms, 3, block, workspace, 0, false);
  REQUIRE(std::isnan(block.column(2)[2]));
}

TEST_CASE("compiled model rejects a probability outside [0, 1] and invalid conditional parameters", "[sample]") {
  Model model("ranges");
  model.input("a", uniform(0, 1));
  NodeInfo probability;
  probability.unit = "probability";
  model.derived("double_a", parse_expression("2 * a"), probability);
  model.add_output("double_a");
  const CompiledModel compiled(model);
  const std::vector<double> ua = {0.1, 0.75};
  const std::vector<const double*> uniforms = {ua.data()};
  Block block;
  EvaluationWorkspace workspace;
  try {
    compiled.evaluate(uniforms, 2, block, workspace, 0);
    FAIL("no error");
  } catch (const NumericalError& error) {
    const std::string message = error.what();
    INFO(message);
    REQUIRE(message.find("node 'double_a' is 1.5, outside [0, 1]") != std::string::npos);
    REQUIRE(message.find("at sample 1 with a = 0.75") != std::string::npos);
  }

  Model conditional("conditional");
  conditional.input("s", uniform(-1, 1));
  conditional.input("y", parse_distribution("normal(0, s)"));
  conditional.add_output("y");
  const CompiledModel compiled_conditional(conditional);
  const std::vector<double> us = {0.75, 0.25};
  const std::vector<double> uy = {0.5, 0.5};
  const std::vector<const double*> uniforms_conditional = {us.data(), uy.data()};
  try {
    compiled_conditional.evaluate(uniforms_conditional, 2, block, workspace, 7);
    FAIL("no error");
  } catch (const NumericalError& error) {
    const std::string message = error.what();
    INFO(message);
    REQUIRE(message.find("node 'y'") != std::string::npos);
    REQUIRE(message.find("at sample 8 with s = -0.5") != std::string::npos);
  }
}

TEST_CASE("compiled model applies a scenario and checks the number of uniform columns", "[sample]") {
  Model model("scenario");
  model.input("a", uniform(0, 1));
  model.derived("b", parse_expression("a + 1"));
  model.add_output("b");
  Scenario high;
  high.name = "high";
  Node replacement;
  replacement.name = "a";
  replacement.kind = NodeKind::input;
  replacement.distribution = parse_distribution("uniform(10, 11)");
  high.overrides.push_back(replacement);
  model.scenarios.push_back(high);

  const CompiledModel compiled(model, "high");
  REQUIRE(compiled.scenario() == "high");
  const std::vector<double> ua = {0.5};
  const std::vector<const double*> uniforms = {ua.data()};
  Block block;
  EvaluationWorkspace workspace;
  compiled.evaluate(uniforms, 1, block, workspace);
  REQUIRE(block.column(1)[0] == Approx(11.5));
  REQUIRE_THROWS_AS(compiled.evaluate({}, 1, block, workspace), Error);
  REQUIRE_THROWS_AS(CompiledModel(model, "nonexistent"), ModelError);
}
