// Nanoseconds per draw for every distribution family (docs/performance.md), beside the std:: and
// Boost.Math equivalents where they exist, plus the conditional path (parameters that change per
// sample) and the cost of building a fast quantile table.
#include <pdoom/dist/distribution.hpp>

#include <benchmark/benchmark.h>
#include <boost/math/distributions/beta.hpp>

#include <random>
#include <vector>

namespace {

using pdoom::Distribution;

Distribution family(int index) {
  switch (index) {
    case 0: return pdoom::point(0.3);
    case 1: return pdoom::uniform(0, 1);
    case 2: return pdoom::loguniform(0.01, 10);
    case 3: return pdoom::normal(0, 1);
    case 4: return pdoom::lognormal(0, 1);
    case 5: return pdoom::beta(2.31, 4.02);
    case 6: return pdoom::beta_ci(0.45, 0.8);
    case 7: return pdoom::logitnormal_ci(0.01, 0.3);
    case 8: return pdoom::triangular(0, 1, 3);
    case 9: return pdoom::pert(0, 1, 3);
    case 10: return pdoom::gamma(2.5, 1);
    case 11: return pdoom::bernoulli(0.3);
    case 12: return pdoom::mixture({0.3, 0.7}, {pdoom::beta(2, 8), pdoom::beta(6, 2)});
    case 13: return pdoom::truncated(pdoom::beta(2, 5), 0.1, 0.6);
    default: return pdoom::empirical({0.1, 0.2, 0.25, 0.4, 0.5, 0.9});
  }
}

// sample(d, engine) for a distribution prepared as the sampler prepares constant inputs.
void BM_sample(benchmark::State& state) {
  const Distribution d = family(static_cast<int>(state.range(0))).with_fast_quantile();
  state.SetLabel(d.written());
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  double sum = 0;
  for (auto _ : state) sum += pdoom::sample(d, engine);
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_sample)->DenseRange(0, 14);

// The same without a table: the exact quantile (own beta inversion, Boost gamma, root finding for mixtures).
void BM_sample_exact(benchmark::State& state) {
  const Distribution d = family(static_cast<int>(state.range(0)));
  state.SetLabel(d.written());
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  double sum = 0;
  for (auto _ : state) sum += pdoom::sample(d, engine);
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_sample_exact)->Arg(5)->Arg(9)->Arg(10)->Arg(12)->Arg(13);

// A block of 4096 quantiles through the span overload (how the sampler calls it).
void BM_quantile_block_beta(benchmark::State& state) {
  const Distribution d = pdoom::beta(2.31, 4.02).with_fast_quantile();
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  std::vector<double> u(4096), out(4096);
  for (auto& v : u) v = pdoom::uniform_open(engine);
  for (auto _ : state) {
    pdoom::quantile(d, u, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * u.size()));
}
BENCHMARK(BM_quantile_block_beta);

void BM_uniform_open(benchmark::State& state) {
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  double sum = 0;
  for (auto _ : state) sum += pdoom::uniform_open(engine);
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_uniform_open);

// ---- std:: and Boost equivalents, with the same engine ----

template <class D>
void std_draw(benchmark::State& state, D distribution) {
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  double sum = 0;
  for (auto _ : state) sum += static_cast<double>(distribution(engine));
  benchmark::DoNotOptimize(sum);
}
void BM_std_uniform(benchmark::State& state) { std_draw(state, std::uniform_real_distribution<double>(0, 1)); }
void BM_std_normal(benchmark::State& state) { std_draw(state, std::normal_distribution<double>(0, 1)); }
void BM_std_lognormal(benchmark::State& state) { std_draw(state, std::lognormal_distribution<double>(0, 1)); }
void BM_std_gamma(benchmark::State& state) { std_draw(state, std::gamma_distribution<double>(2.5, 1)); }
void BM_std_bernoulli(benchmark::State& state) { std_draw(state, std::bernoulli_distribution(0.3)); }
BENCHMARK(BM_std_uniform);
BENCHMARK(BM_std_normal);
BENCHMARK(BM_std_lognormal);
BENCHMARK(BM_std_gamma);
BENCHMARK(BM_std_bernoulli);

// Beta as X / (X + Y) from two std::gamma_distribution draws (not a quantile transform).
void BM_std_beta_from_gammas(benchmark::State& state) {
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  std::gamma_distribution<double> x(2.31, 1), y(4.02, 1);
  double sum = 0;
  for (auto _ : state) {
    const double gx = x(engine);
    sum += gx / (gx + y(engine));
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_std_beta_from_gammas);

void BM_boost_beta_quantile(benchmark::State& state) {
  const boost::math::beta_distribution<> r(2.31, 4.02);
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  double sum = 0;
  for (auto _ : state) sum += quantile(r, pdoom::uniform_open(engine));
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_boost_beta_quantile);

// ---- conditional distributions: new parameters every sample ----

// quantile_conditional over a block: beta_mean(m_i, 20) with m_i varying, as when the mean is a node.
void BM_conditional_beta_mean_block(benchmark::State& state) {
  const std::size_t n = 4096;
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  std::vector<double> means(n), concentration(n, 20), p(n), out(n);
  for (std::size_t i = 0; i < n; ++i) {
    means[i] = 0.05 + 0.9 * pdoom::uniform_open(engine);
    p[i] = pdoom::uniform_open(engine);
  }
  const std::vector<std::span<const double>> arguments{means, concentration};
  for (auto _ : state) {
    pdoom::quantile_conditional("beta_mean", arguments, p, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_conditional_beta_mean_block)->Unit(benchmark::kMicrosecond);

void BM_conditional_normal_block(benchmark::State& state) {
  const std::size_t n = 4096;
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  std::vector<double> means(n), sd(n, 0.3), p(n), out(n);
  for (std::size_t i = 0; i < n; ++i) {
    means[i] = pdoom::uniform_open(engine);
    p[i] = pdoom::uniform_open(engine);
  }
  const std::vector<std::span<const double>> arguments{means, sd};
  for (auto _ : state) {
    pdoom::quantile_conditional("normal", arguments, p, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_conditional_normal_block)->Unit(benchmark::kMicrosecond);

// make_distribution + quantile per sample: building a Distribution for every draw.
void BM_conditional_make_distribution(benchmark::State& state) {
  pdoom::Engine engine = pdoom::make_stream(1, "bench", 0);
  std::vector<pdoom::DistributionArgument> arguments{0.5, 20.0};
  double sum = 0;
  for (auto _ : state) {
    arguments[0] = 0.05 + 0.9 * pdoom::uniform_open(engine);
    sum += pdoom::quantile(pdoom::make_distribution("beta_mean", arguments), pdoom::uniform_open(engine));
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_conditional_make_distribution);

// ---- one-off costs ----

void BM_build_table(benchmark::State& state) {
  const Distribution d = family(static_cast<int>(state.range(0)));
  state.SetLabel(d.written());
  for (auto _ : state) benchmark::DoNotOptimize(d.with_fast_quantile());
}
BENCHMARK(BM_build_table)->Arg(5)->Arg(9)->Arg(10)->Arg(12)->Arg(13)->Unit(benchmark::kMillisecond);

void BM_beta_ci_fit(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(pdoom::beta_ci(0.45, 0.8));
}
BENCHMARK(BM_beta_ci_fit)->Unit(benchmark::kMicrosecond);

}  // namespace
