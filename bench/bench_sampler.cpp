// Sampler throughput: whole runs of the six-beta model (exact and streaming summaries, 1 and 2
// threads, each design), one block through CompiledModel::evaluate, and the ordered block loop alone.
// Items per second are samples per second.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/sample/block_loop.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sample/run.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

namespace {

pdoom::Model six_betas() {
  constexpr std::array<std::array<double, 2>, 6> shapes = {
      {{6.5, 3.5}, {8, 2}, {4, 6}, {6.5, 3.5}, {4, 6}, {9.5, 0.5}}};
  constexpr std::array<const char*, 6> input_names = {"p1", "p2", "p3", "p4", "p5", "p6"};
  pdoom::Model model("six-betas");
  pdoom::NodeInfo probability;
  probability.unit = "probability";
  pdoom::Expression product(1.0);
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const auto input = model.input(input_names[k], pdoom::beta(shapes[k][0], shapes[k][1]), probability);
    product = k == 0 ? input : product * input;
  }
  model.derived("product", product, probability);
  model.add_output("product");
  return model;
}

// Arguments: samples, threads, streaming (0/1), design index.
void run_six_betas(benchmark::State& state) {
  const pdoom::CompiledModel compiled(six_betas());
  pdoom::RunOptions options;
  options.samples = static_cast<std::uint64_t>(state.range(0));
  options.threads = static_cast<unsigned>(state.range(1));
  options.memory_budget_bytes = state.range(2) != 0 ? 0 : std::size_t{1} << 40;
  options.design = static_cast<pdoom::Design>(state.range(3));
  for (auto _ : state) {
    const pdoom::RunResult result = pdoom::run(compiled, options);
    benchmark::DoNotOptimize(result.summaries.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::string(pdoom::design_name(options.design)) + (state.range(2) != 0 ? " streaming" : " exact"));
}
BENCHMARK(run_six_betas)
    ->ArgNames({"samples", "threads", "streaming", "design"})
    ->Args({1 << 20, 1, 0, 0})
    ->Args({1 << 20, 1, 1, 0})
    ->Args({1 << 20, 2, 1, 0})
    ->Args({1 << 20, 1, 1, 1})
    ->Args({1 << 20, 1, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One block of the six-beta model: uniforms given, quantiles and product and checks.
void evaluate_block(benchmark::State& state) {
  const pdoom::CompiledModel compiled(six_betas());
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::vector<double>> uniforms(6, std::vector<double>(n));
  std::vector<const double*> pointers;
  for (std::size_t k = 0; k < 6; ++k) {
    pdoom::Engine engine = pdoom::make_stream(1, "bench", k);
    for (auto& u : uniforms[k]) u = pdoom::uniform_open(engine);
    pointers.push_back(uniforms[k].data());
  }
  pdoom::Block block;
  pdoom::EvaluationWorkspace workspace;
  for (auto _ : state) {
    compiled.evaluate(pointers, n, block, workspace);
    benchmark::DoNotOptimize(block.values.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(evaluate_block)->Arg(1024)->Arg(4096)->Arg(16384);

// The ordered block loop with empty tasks: its cost per block (synchronisation only).
void block_loop_overhead(benchmark::State& state) {
  pdoom::BlockLoopTasks tasks;
  std::uint64_t sum = 0;
  tasks.process = [](std::uint64_t block, std::size_t, std::size_t) { benchmark::DoNotOptimize(block); };
  tasks.commit = [&sum](std::uint64_t block, std::size_t) { sum += block; };
  for (auto _ : state) {
    pdoom::for_each_block_ordered(10000, static_cast<unsigned>(state.range(0)), 8, tasks);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(block_loop_overhead)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
