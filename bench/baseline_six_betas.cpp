// The six-beta benchmark of issue 4 and DESIGN.md: six independent betas multiplied, with summaries
// (mean, sd, min, max, 7 quantiles) of all seven columns, measured against plain C++ loops in the
// same process so that the ratios do not depend on the machine's load at another time.
//
//   baseline_six_betas compare [N] [T]   plain loop (pcg64 + std::gamma_distribution betas, columns kept,
//                                        nth_element quantiles), then the same-distribution loop
//                                        (pdoom's streams and fast quantiles, 1 thread), then pdoom::run
//                                        on 1 and on T threads; prints times and ratios (default 1e7, 2)
//   baseline_six_betas threads [N]       pdoom::run on 1 and 2 threads, alternated 3 times (default 1e8)
//   baseline_six_betas rss [N] [T]       only pdoom::run, then the peak resident set size (getrusage)
//   baseline_six_betas sobol [N] [S]     spread of the product's mean over S seeds, mc vs sobol (2^16, 20)

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/sample/run.hpp"

#include <pcg_random.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<std::array<double, 2>, 6> shapes = {
    {{6.5, 3.5}, {8, 2}, {4, 6}, {6.5, 3.5}, {4, 6}, {9.5, 0.5}}};
constexpr std::array<const char*, 6> input_names = {"p1", "p2", "p3", "p4", "p5", "p6"};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Every node has unit "probability": pdoom checks each value lies in [0, 1] (the plain loops check nothing).
pdoom::Model six_betas() {
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

// What a plain program computes per column: mean, sd, min, max and 7 type-7 quantiles (nth_element).
struct ColumnSummary {
  double mean = 0, sd = 0, min = 0, max = 0;
  std::array<double, 7> quantiles{};
};

ColumnSummary summarize_column(std::vector<double>& x) {
  ColumnSummary s;
  const auto n = static_cast<double>(x.size());
  s.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double squares = 0;
  for (const double v : x) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / (n - 1));
  const auto [low, high] = std::minmax_element(x.begin(), x.end());
  s.min = *low;
  s.max = *high;
  constexpr std::array<double, 7> probabilities = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  for (std::size_t q = 0; q < 7; ++q) {
    const double h = (n - 1) * probabilities[q];
    const auto j = static_cast<std::size_t>(h);
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(j), x.end());
    const double below = x[j];
    const double above = j + 1 < x.size() ? *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(j) + 1, x.end()) : below;
    s.quantiles[q] = below + (h - static_cast<double>(j)) * (above - below);
  }
  return s;
}

// The plain loop of the issue: pcg64, betas as X / (X + Y) of two std::gamma_distribution draws.
double plain_loop(std::uint64_t n, double& check) {
  const auto start = Clock::now();
  pcg64 engine(pdoom::default_seed);
  std::vector<std::gamma_distribution<double>> x, y;
  for (const auto& s : shapes) {
    x.emplace_back(s[0], 1.0);
    y.emplace_back(s[1], 1.0);
  }
  std::vector<std::vector<double>> columns(7, std::vector<double>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    double product = 1;
    for (std::size_t k = 0; k < 6; ++k) {
      const double a = x[k](engine);
      const double b = y[k](engine);
      const double v = a / (a + b);
      columns[k][i] = v;
      product *= v;
    }
    columns[6][i] = product;
  }
  check = 0;
  for (auto& column : columns) check += summarize_column(column).quantiles[3];
  return seconds_since(start);
}

// The same distributions drawn the way pdoom draws them (its streams, fast quantile tables), in a
// hand-written single-threaded loop with the plain loop's summaries: the engine-overhead reference.
double same_distribution_loop(std::uint64_t n, double& check) {
  const auto start = Clock::now();
  std::vector<pdoom::Distribution> distributions;
  for (const auto& s : shapes) distributions.push_back(pdoom::beta(s[0], s[1]).with_fast_quantile());
  std::vector<std::vector<double>> columns(7, std::vector<double>(n));
  constexpr std::uint64_t block = 4096;
  std::vector<double> u(block);
  for (std::uint64_t first = 0, b = 0; first < n; first += block, ++b) {
    const auto m = static_cast<std::size_t>(std::min(block, n - first));
    for (std::size_t k = 0; k < 6; ++k) {
      pdoom::Engine engine = pdoom::make_stream(pdoom::default_seed, input_names[k], b);
      for (std::size_t i = 0; i < m; ++i) u[i] = pdoom::uniform_open(engine);
      pdoom::quantile(distributions[k], std::span<const double>(u.data(), m),
                      std::span<double>(columns[k].data() + first, m));
    }
    for (std::size_t i = 0; i < m; ++i) {
      double product = 1;
      for (std::size_t k = 0; k < 6; ++k) product *= columns[k][first + i];
      columns[6][first + i] = product;
    }
  }
  check = 0;
  for (auto& column : columns) check += summarize_column(column).quantiles[3];
  return seconds_since(start);
}

// The least a program can do with those draws: the same streams and quantiles, the product, and a
// running mean per column (no quantiles, no checks): the floor for pdoom's per-sample cost.
double draws_only_loop(std::uint64_t n, double& check) {
  const auto start = Clock::now();
  std::vector<pdoom::Distribution> distributions;
  for (const auto& s : shapes) distributions.push_back(pdoom::beta(s[0], s[1]).with_fast_quantile());
  constexpr std::uint64_t block = 4096;
  std::vector<std::vector<double>> columns(7, std::vector<double>(block));
  std::vector<double> u(block);
  std::array<double, 7> sums{};
  for (std::uint64_t first = 0, b = 0; first < n; first += block, ++b) {
    const auto m = static_cast<std::size_t>(std::min(block, n - first));
    for (std::size_t k = 0; k < 6; ++k) {
      pdoom::Engine engine = pdoom::make_stream(pdoom::default_seed, input_names[k], b);
      for (std::size_t i = 0; i < m; ++i) u[i] = pdoom::uniform_open(engine);
      pdoom::quantile(distributions[k], std::span<const double>(u.data(), m), std::span<double>(columns[k].data(), m));
    }
    for (std::size_t i = 0; i < m; ++i) {
      double product = 1;
      for (std::size_t k = 0; k < 6; ++k) product *= columns[k][i];
      columns[6][i] = product;
    }
    for (std::size_t k = 0; k < 7; ++k) sums[k] += std::accumulate(columns[k].begin(), columns[k].begin() + static_cast<std::ptrdiff_t>(m), 0.0);
  }
  check = sums[6] / static_cast<double>(n);
  return seconds_since(start);
}

double pdoom_run(const pdoom::Model& model, std::uint64_t n, unsigned threads, double& check,
                 pdoom::Design design = pdoom::Design::mc, std::uint64_t seed = pdoom::default_seed) {
  const auto start = Clock::now();
  pdoom::RunOptions options;
  options.samples = n;
  options.threads = threads;
  options.design = design;
  options.seed = seed;
  const pdoom::RunResult result = pdoom::run(model, options);
  check = result.summary("product").mean;
  return seconds_since(start);
}

// User + system CPU seconds of the whole process so far (all threads).
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

std::uint64_t count_argument(int argc, char** argv, int index, std::uint64_t fallback) {
  return argc > index ? static_cast<std::uint64_t>(std::strtod(argv[index], nullptr)) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "compare";
  const pdoom::Model model = six_betas();
  double check = 0;
  if (mode == "compare") {
    const std::uint64_t n = count_argument(argc, argv, 2, 10'000'000);
    const auto threads = static_cast<unsigned>(count_argument(argc, argv, 3, 2));
    const double plain = plain_loop(n, check);
    std::printf("plain loop (pcg64 + std::gamma betas, nth_element), 1 thread: %8.3f s   (check %.6f)\n", plain, check);
    const double hand = same_distribution_loop(n, check);
    std::printf("hand loop (pdoom streams + fast quantiles), 1 thread:        %8.3f s   (check %.6f)\n", hand, check);
    const double draws = draws_only_loop(n, check);
    std::printf("draws-only loop (same draws, product, column sums), 1 thread: %8.3f s   (mean %.6f)\n", draws, check);
    const double one = pdoom_run(model, n, 1, check);
    std::printf("pdoom::run, 1 thread:                                         %8.3f s   (mean %.6f)\n", one, check);
    const double many = pdoom_run(model, n, threads, check);
    std::printf("pdoom::run, %u threads:                                        %8.3f s   (mean %.6f)\n", threads, many, check);
    std::printf("\nsamples %llu\n", static_cast<unsigned long long>(n));
    std::printf("pdoom %u threads / plain loop:           %.3f   (target <= 0.5)\n", threads, many / plain);
    std::printf("pdoom 1 thread / hand loop (overhead):   %.3f   (target <= 1.5)\n", one / hand);
    std::printf("pdoom 1 thread / draws-only loop:        %.3f   (the cost of summaries, checks, scheduling)\n", one / draws);
    std::printf("pdoom 1 thread / %u threads (speed-up):   %.3f\n", threads, one / many);
  } else if (mode == "threads") {
    const std::uint64_t n = count_argument(argc, argv, 2, 100'000'000);
    double best_one = 1e300, best_two = 1e300;
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double cpu_before = process_cpu_seconds();
      const double one = pdoom_run(model, n, 1, check);
      const double cpu_middle = process_cpu_seconds();
      const double two = pdoom_run(model, n, 2, check);
      const double cpu_after = process_cpu_seconds();
      // CPU seconds show whether the two threads did the same total work as one (no spinning, no
      // duplicated work): on a busy machine the wall-clock speed-up cannot show what an idle one gives.
      std::printf("repeat %d: 1 thread %.3f s (cpu %.3f s), 2 threads %.3f s (cpu %.3f s), speed-up %.3f\n", repeat,
                  one, cpu_middle - cpu_before, two, cpu_after - cpu_middle, one / two);
      best_one = std::min(best_one, one);
      best_two = std::min(best_two, two);
    }
    std::printf("samples %llu: best 1 thread %.3f s, best 2 threads %.3f s, speed-up %.3f (target >= 1.8)\n",
                static_cast<unsigned long long>(n), best_one, best_two, best_one / best_two);
  } else if (mode == "rss") {
    const std::uint64_t n = count_argument(argc, argv, 2, 10'000'000);
    const auto threads = static_cast<unsigned>(count_argument(argc, argv, 3, 2));
    const double time = pdoom_run(model, n, threads, check);
    std::printf("samples %llu, %u threads: %.3f s, mean %.6f, peak RSS %.1f MiB\n",
                static_cast<unsigned long long>(n), threads, time, check, peak_rss_mib());
  } else if (mode == "sobol") {
    const std::uint64_t n = count_argument(argc, argv, 2, 1 << 16);
    const std::uint64_t seeds = count_argument(argc, argv, 3, 20);
    const auto spread = [&](pdoom::Design design) {
      std::vector<double> means;
      for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        pdoom_run(model, n, 2, check, design, seed);
        means.push_back(check);
      }
      const double mean = std::accumulate(means.begin(), means.end(), 0.0) / static_cast<double>(seeds);
      double sum = 0;
      for (const double m : means) sum += (m - mean) * (m - mean);
      return std::sqrt(sum / static_cast<double>(seeds - 1));
    };
    const double mc = spread(pdoom::Design::mc);
    const double lhs = spread(pdoom::Design::lhs);
    const double sobol = spread(pdoom::Design::sobol);
    std::printf("samples %llu, %llu seeds: sd of the mean: mc %.3e, lhs %.3e, sobol %.3e; mc / sobol = %.1f "
                "(target >= 5)\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(seeds), mc, lhs, sobol, mc / sobol);
  } else {
    std::fprintf(stderr, "usage: %s compare|threads|rss|sobol [N] [T or seeds]\n", argv[0]);
    return 2;
  }
  return 0;
}
