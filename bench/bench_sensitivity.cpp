// Benchmarks of the sensitivity layer. The headline: Sobol indices of the Ishigami function (a = 7,
// b = 0.1) with N = 2^20 base samples, 5.2 million evaluations, end to end (design, evaluation,
// estimators, 100 bootstrap resamples) on 1 and 2 threads. The pieces beside it say where the time goes:
// the scrambled Sobol uniforms alone, the engine's 5.2 million evaluations alone, and a hand-written C++
// loop computing the same estimators from the same uniforms (the floor a generic engine is measured
// against). Reference: a straightforward numpy implementation of the same estimators took 0.38 s here.

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/random/sobol.hpp"
#include "pdoom/sample/compiled_model.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"
#include "pdoom/sensitivity/sobol_indices.hpp"
#include "pdoom/sensitivity/tornado.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace {

constexpr std::uint64_t ishigami_base_samples = std::uint64_t{1} << 20;
constexpr double ishigami_a = 7;
constexpr double ishigami_b = 0.1;

pdoom::Model ishigami() {
  const double pi = std::numbers::pi;
  pdoom::Model model("ishigami");
  const auto x1 = model.input("x1", pdoom::uniform(-pi, pi));
  const auto x2 = model.input("x2", pdoom::uniform(-pi, pi));
  const auto x3 = model.input("x3", pdoom::uniform(-pi, pi));
  model.derived("y", sin(x1) + ishigami_a * pow(sin(x2), 2.0) + ishigami_b * pow(x3, 4.0) * sin(x1));
  model.add_output("y");
  return model;
}

// pdoom::sobol_analysis end to end; range(0) = threads, range(1) = bootstrap resamples, range(2) = rows
// per block (0: the default).
void BM_SobolIshigami(benchmark::State& state) {
  const pdoom::Model model = ishigami();
  pdoom::SensitivityOptions options;
  options.samples = ishigami_base_samples;
  options.threads = static_cast<unsigned>(state.range(0));
  options.bootstrap_resamples = static_cast<std::size_t>(state.range(1));
  if (state.range(2) > 0) options.block_size = static_cast<std::size_t>(state.range(2));
  double first = 0;
  for (auto _ : state) {
    const pdoom::SobolResult result = pdoom::sobol_analysis(model, options);
    first = result.inputs.front().first_order.value;
    benchmark::ClobberMemory();  // not DoNotOptimize(double&): its "+m,r" constraint garbles doubles with GCC 12
  }
  state.counters["evaluations"] = static_cast<double>(ishigami_base_samples * 5);
  state.counters["S1_x1"] = first;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ishigami_base_samples * 5));
}
BENCHMARK(BM_SobolIshigami)
    ->ArgNames({"threads", "resamples", "block"})
    ->Args({1, 100, 0})
    ->Args({2, 100, 0})
    ->Args({2, 0, 0})
    ->Args({1, 100, 512})
    ->Args({1, 100, 1024})
    ->Args({1, 100, 16384})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// The 2D = 6 scrambled Sobol coordinates of N = 2^20 rows, one thread, blocks of 4096.
void BM_SobolUniformsIshigami(benchmark::State& state) {
  const pdoom::SobolSequence sequence(6);
  const std::vector<std::string> keys = {"x1", "x2", "x3", "x1/B", "x2/B", "x3/B"};
  std::vector<double> u(4096);
  for (auto _ : state) {
    for (std::uint64_t first = 0; first < ishigami_base_samples; first += u.size()) {
      for (std::size_t d = 0; d < keys.size(); ++d) sequence.fill(1, keys[d], d, first, u);
      benchmark::DoNotOptimize(u.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ishigami_base_samples * 6));
}
BENCHMARK(BM_SobolUniformsIshigami)->Unit(benchmark::kMillisecond);

// The engine alone: 5 * 2^20 evaluations of the compiled Ishigami model in blocks of 4096, one thread.
void BM_EngineIshigami(benchmark::State& state) {
  const pdoom::CompiledModel compiled(ishigami());
  const std::size_t n = 4096;
  std::vector<double> u(3 * n);
  for (std::size_t i = 0; i < u.size(); ++i) u[i] = (static_cast<double>(i % n) + 0.5) / static_cast<double>(n);
  const std::vector<const double*> pointers = {u.data(), u.data() + n, u.data() + 2 * n};
  pdoom::Block block;
  pdoom::EvaluationWorkspace workspace;
  for (auto _ : state) {
    for (std::uint64_t done = 0; done < ishigami_base_samples * 5; done += n) {
      compiled.evaluate(pointers, n, block, workspace);
      benchmark::DoNotOptimize(block.values.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ishigami_base_samples * 5));
}
BENCHMARK(BM_EngineIshigami)->Unit(benchmark::kMillisecond);

// The engine as sobol_analysis uses it: the model compiled with split formulas, f(A) and f(B) evaluated
// in full, then the three f(A_B^i) recombined from them (only what mixes input i with the others is
// recomputed). 2^20 rows in blocks of 4096, one thread; fixed uniforms.
void BM_EngineRecombinedIshigami(benchmark::State& state) {
  const pdoom::CompiledModel compiled(ishigami(), {}, pdoom::CompileOptions{.split_by_inputs = true});
  const std::size_t n = 4096;
  std::vector<double> u(6 * n);
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = (static_cast<double>((i * 7919) % n) + 0.5) / static_cast<double>(n);
  }
  const std::size_t output = *compiled.column("y");
  pdoom::Block a, b, mixed;
  pdoom::EvaluationWorkspace workspace;
  for (auto _ : state) {
    for (std::uint64_t done = 0; done < ishigami_base_samples; done += n) {
      std::vector<const double*> pointers = {u.data() + 3 * n, u.data() + 4 * n, u.data() + 5 * n};
      compiled.evaluate(pointers, n, b, workspace);
      pointers = {u.data(), u.data() + n, u.data() + 2 * n};
      compiled.evaluate(pointers, n, a, workspace);
      for (std::size_t i = 0; i < 3; ++i) {
        pointers[i] = u.data() + (3 + i) * n;
        const std::size_t swapped[] = {i};
        const auto f = compiled.evaluate_recombined(pointers, n, a, b, swapped, output, mixed, workspace);
        benchmark::DoNotOptimize(f.data());
        pointers[i] = u.data() + i * n;
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ishigami_base_samples * 5));
}
BENCHMARK(BM_EngineRecombinedIshigami)->Unit(benchmark::kMillisecond);

// The floor: the same estimators, hand-written for this model (uniform quantile inlined, f computed
// directly, sums accumulated on the fly), from the same Sobol uniforms, one thread, no bootstrap.
void BM_HandWrittenIshigami(benchmark::State& state) {
  const pdoom::SobolSequence sequence(6);
  const std::vector<std::string> keys = {"x1", "x2", "x3", "x1/B", "x2/B", "x3/B"};
  const std::size_t n = 4096;
  std::vector<double> u(6 * n);
  const double pi = std::numbers::pi;
  const auto f = [&](double u1, double u2, double u3) {
    const double x1 = -pi + 2 * pi * u1;
    const double x2 = -pi + 2 * pi * u2;
    const double x3 = -pi + 2 * pi * u3;
    const double s1 = std::sin(x1);
    const double s2 = std::sin(x2);
    const double x3_squared = x3 * x3;
    return s1 + ishigami_a * s2 * s2 + ishigami_b * x3_squared * x3_squared * s1;
  };
  double s1_x1 = 0;
  for (auto _ : state) {
    double sum = 0, squares = 0, p[3] = {0, 0, 0}, t[3] = {0, 0, 0};
    for (std::uint64_t first = 0; first < ishigami_base_samples; first += n) {
      for (std::size_t d = 0; d < 6; ++d) sequence.fill(1, keys[d], d, first, std::span<double>(u).subspan(d * n, n));
      for (std::size_t row = 0; row < n; ++row) {
        const double* a = &u[row];
        const double fa = f(a[0], a[n], a[2 * n]);
        const double fb = f(a[3 * n], a[4 * n], a[5 * n]);
        const double fab[3] = {f(a[3 * n], a[n], a[2 * n]), f(a[0], a[4 * n], a[2 * n]), f(a[0], a[n], a[5 * n])};
        sum += fa + fb;
        squares += fa * fa + fb * fb;
        for (int i = 0; i < 3; ++i) {
          p[i] += fb * (fab[i] - fa);
          t[i] += (fa - fab[i]) * (fa - fab[i]);
        }
      }
    }
    const double count = 2.0 * static_cast<double>(ishigami_base_samples);
    const double variance = (squares - sum * sum / count) / (count - 1);
    s1_x1 = p[0] / static_cast<double>(ishigami_base_samples) / variance;  // uncentred: fine for timing
    benchmark::DoNotOptimize(t);
  }
  state.counters["S1_x1"] = s1_x1;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ishigami_base_samples * 5));
}
BENCHMARK(BM_HandWrittenIshigami)->Unit(benchmark::kMillisecond);

// Tornado and rank on the same model, 2^18 samples, 2 threads (7 and 1 evaluation sets).
void BM_TornadoIshigami(benchmark::State& state) {
  const pdoom::Model model = ishigami();
  pdoom::SensitivityOptions options;
  options.samples = std::uint64_t{1} << 18;
  options.threads = 2;
  double baseline = 0;
  for (auto _ : state) {
    baseline = pdoom::tornado_analysis(model, options).baseline;
    benchmark::ClobberMemory();
  }
  state.counters["baseline"] = baseline;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * options.samples * 7));
}
BENCHMARK(BM_TornadoIshigami)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

void BM_RankIshigami(benchmark::State& state) {
  const pdoom::Model model = ishigami();
  pdoom::SensitivityOptions options;
  options.samples = std::uint64_t{1} << 18;
  options.threads = 2;
  double prcc = 0;
  for (auto _ : state) {
    prcc = pdoom::rank_analysis(model, options).inputs.front().prcc;
    benchmark::ClobberMemory();
  }
  state.counters["prcc_x1"] = prcc;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * options.samples));
}
BENCHMARK(BM_RankIshigami)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

}  // namespace
