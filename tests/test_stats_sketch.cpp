// Tests of the streaming quantile sketch and the streaming summary against exact quantiles.

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/quantile_sketch.hpp"
#include "pdoom/stats/streaming_summary.hpp"
#include "pdoom/stats/summary.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

enum class Shape { uniform, lognormal_sigma_10, atom_at_zero, unit_interval_skewed, normal };

std::vector<double> sample(Shape shape, std::size_t n, std::uint64_t seed) {
  pdoom::Engine engine = pdoom::make_stream(seed, "sketch-test", static_cast<std::uint64_t>(shape));
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values(n);
  for (double& v : values) {
    const double u = pdoom::uniform_open(engine);
    switch (shape) {
      case Shape::uniform: v = u; break;
      case Shape::lognormal_sigma_10: v = std::exp(10.0 * normal(engine)); break;
      case Shape::atom_at_zero: v = u < 0.3 ? 0.0 : std::exp(-3.0 + normal(engine)); break;
      case Shape::unit_interval_skewed: v = std::pow(u, 4.0); break;
      case Shape::normal: v = normal(engine); break;
    }
  }
  return values;
}

std::vector<double> probability_grid() {
  std::vector<double> grid;
  for (int i = 0; i <= 1000; ++i) grid.push_back(i / 1000.0);
  for (const double q : pdoom::summary_probabilities) grid.push_back(q);
  grid.push_back(1e-6);
  grid.push_back(1.0 - 1e-6);
  return grid;
}

// The documented bound: |sketch(q) - Q7(q)| <= alpha max(|x_(j)|, |x_(j+1)|), plus a few ulps for the
// interpolation arithmetic on both sides.
bool within_bound(const pdoom::QuantileSketch& sketch, const std::vector<double>& sorted, double q,
                  double& worst_ratio) {
  const std::size_t n = sorted.size();
  const double h = static_cast<double>(n - 1) * q;
  const auto j = static_cast<std::size_t>(std::floor(h));
  const double scale = std::max(std::fabs(sorted[j]), std::fabs(sorted[std::min(j + 1, n - 1)]));
  const double error = std::fabs(sketch.quantile(q) - pdoom::quantile_sorted(sorted, q));
  const double allowed = sketch.relative_accuracy() * scale;
  if (allowed > 0.0) worst_ratio = std::max(worst_ratio, error / allowed);
  return error <= allowed + 8.0 * std::numeric_limits<double>::epsilon() * scale;
}

}  // namespace

TEST_CASE("sketch quantiles are within the documented bound on 10^6 samples", "[stats]") {
  const auto grid = probability_grid();
  for (const Shape shape : {Shape::uniform, Shape::lognormal_sigma_10, Shape::atom_at_zero,
                            Shape::unit_interval_skewed, Shape::normal}) {
    const auto data = sample(shape, 1000000, 1);
    pdoom::QuantileSketch sketch;
    sketch.add(data);
    auto sorted = data;
    std::sort(sorted.begin(), sorted.end());
    INFO("shape " << static_cast<int>(shape));
    CHECK(sketch.count() == data.size());
    CHECK_FALSE(sketch.collapsed());
    CHECK(sketch.min() == sorted.front());
    CHECK(sketch.max() == sorted.back());
    CHECK(sketch.quantile(0.0) == sorted.front());
    CHECK(sketch.quantile(1.0) == sorted.back());
    double worst_ratio = 0.0;
    int failures = 0;
    for (const double q : grid) failures += within_bound(sketch, sorted, q, worst_ratio) ? 0 : 1;
    CHECK(failures == 0);
    INFO("worst error / bound " << worst_ratio << ", buckets " << sketch.bucket_count());
    CHECK(worst_ratio <= 1.0 + 1e-9);
  }
  CHECK(pdoom::QuantileSketch().relative_accuracy() == Approx(1.0 / 1025.0));
  CHECK(pdoom::QuantileSketch(4).relative_accuracy() == Approx(1.0 / 33.0));
}

TEST_CASE("sketch with few mantissa bits still meets its coarser bound", "[stats]") {
  const auto data = sample(Shape::normal, 100000, 2);
  pdoom::QuantileSketch sketch(3);
  sketch.add(data);
  auto sorted = data;
  std::sort(sorted.begin(), sorted.end());
  double worst_ratio = 0.0;
  int failures = 0;
  for (const double q : probability_grid()) failures += within_bound(sketch, sorted, q, worst_ratio) ? 0 : 1;
  CHECK(failures == 0);
  // With 1/17 relative accuracy the bound is not vacuous: the errors come close to it.
  CHECK(worst_ratio > 0.3);
}

TEST_CASE("sketch merges are exact and independent of order", "[stats]") {
  const auto data = sample(Shape::lognormal_sigma_10, 200000, 3);
  pdoom::QuantileSketch whole;
  whole.add(data);
  std::vector<pdoom::QuantileSketch> parts(10);
  for (std::size_t i = 0; i < data.size(); ++i) parts[i % 10].add(data[i]);
  pdoom::QuantileSketch forward;
  for (const auto& part : parts) forward.merge(part);
  pdoom::QuantileSketch backward;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) backward.merge(*it);
  for (const double q : probability_grid()) {
    CHECK(forward.quantile(q) == whole.quantile(q));
    CHECK(backward.quantile(q) == whole.quantile(q));
  }
  CHECK(forward.count() == whole.count());
  CHECK(forward.bucket_count() == whole.bucket_count());
}

TEST_CASE("sketch folds its smallest buckets when over budget, deterministically", "[stats]") {
  const auto data = sample(Shape::lognormal_sigma_10, 50000, 4);
  // 40000 buckets keep 78 octaves of the ~120 that lognormal(0, 10) spans at this size: the lowest fold.
  constexpr std::size_t budget = 40000;
  pdoom::QuantileSketch whole(9, budget);
  whole.add(data);
  CHECK(whole.collapsed());
  CHECK(whole.bucket_count() <= budget);
  std::vector<pdoom::QuantileSketch> parts(7, pdoom::QuantileSketch(9, budget));
  for (std::size_t i = 0; i < data.size(); ++i) parts[(i * 31) % 7].add(data[i]);
  pdoom::QuantileSketch forward(9, budget);
  for (const auto& part : parts) forward.merge(part);
  pdoom::QuantileSketch backward(9, budget);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) backward.merge(*it);
  const auto reference = whole.buckets();
  for (const auto* merged : {&forward, &backward}) {
    const auto buckets = merged->buckets();
    REQUIRE(buckets.size() == reference.size());
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      CHECK(buckets[i].count == reference[i].count);
      CHECK(buckets[i].representative == reference[i].representative);
    }
  }
  // Above the folded range the bound still holds.
  auto sorted = data;
  std::sort(sorted.begin(), sorted.end());
  const double kept_from = reference.front().upper;
  double worst_ratio = 0.0;
  int checked = 0;
  for (const double q : probability_grid()) {
    const auto j = static_cast<std::size_t>(std::floor(static_cast<double>(sorted.size() - 1) * q));
    if (sorted[j] < kept_from) continue;
    ++checked;
    CHECK(within_bound(whole, sorted, q, worst_ratio));
  }
  CHECK(checked > 100);
}

TEST_CASE("sketch rejects bad values and parameters", "[stats]") {
  pdoom::QuantileSketch sketch;
  CHECK_THROWS_AS(sketch.quantile(0.5), pdoom::Error);
  CHECK_THROWS_AS(sketch.add(std::numeric_limits<double>::quiet_NaN()), pdoom::Error);
  CHECK_THROWS_AS(sketch.add(std::numeric_limits<double>::infinity()), pdoom::Error);
  CHECK_THROWS_AS(sketch.add(-std::numeric_limits<double>::infinity()), pdoom::Error);
  sketch.add(1.0);
  CHECK(sketch.count() == 1);
  CHECK(sketch.quantile(0.5) == 1.0);
  CHECK_THROWS_AS(sketch.quantile(1.1), pdoom::Error);
  CHECK_THROWS_AS(pdoom::QuantileSketch(0), pdoom::Error);
  CHECK_THROWS_AS(pdoom::QuantileSketch(21), pdoom::Error);
  CHECK_THROWS_AS(pdoom::QuantileSketch(9, 8), pdoom::Error);
  pdoom::QuantileSketch other(8);
  CHECK_THROWS_AS(sketch.merge(other), pdoom::Error);
  // Extremes: the largest and smallest normal doubles, subnormals (counted as zero) and negative zero.
  pdoom::QuantileSketch extremes;
  for (const double v : {std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                         std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(), -0.0}) {
    extremes.add(v);
  }
  CHECK(extremes.quantile(0.0) == -std::numeric_limits<double>::max());
  CHECK(extremes.quantile(1.0) == std::numeric_limits<double>::max());
  CHECK(extremes.quantile(0.5) == 0.0);  // the median is a zero-bucket value
  CHECK(std::isfinite(extremes.quantile(0.9)));
}

TEST_CASE("streaming summary agrees with the exact summary", "[stats]") {
  const auto data = sample(Shape::atom_at_zero, 300000, 5);
  pdoom::StreamingSummary first({0.0, 0.05});
  pdoom::StreamingSummary second({0.0, 0.05});
  first.add(std::span<const double>(data).first(100000));
  for (std::size_t i = 100000; i < data.size(); ++i) second.add(data[i]);
  first.merge(second);
  const auto streamed = first.summary();
  const auto exact = pdoom::summarize(data);
  CHECK(streamed.count == exact.count);
  CHECK(streamed.mean == Approx(exact.mean).epsilon(1e-12));
  CHECK(streamed.sd == Approx(exact.sd).epsilon(1e-9));
  CHECK(streamed.standard_error == Approx(exact.standard_error).epsilon(1e-9));
  CHECK(streamed.min == exact.min);
  CHECK(streamed.max == exact.max);
  const double alpha = first.sketch().relative_accuracy();
  CHECK(streamed.quantile_relative_error == alpha);
  const double exact_quantiles[] = {exact.p01, exact.p05, exact.p25, exact.p50, exact.p75, exact.p95, exact.p99};
  const double streamed_quantiles[] = {streamed.p01, streamed.p05, streamed.p25, streamed.p50,
                                       streamed.p75, streamed.p95, streamed.p99};
  for (int i = 0; i < 7; ++i) {
    // Type-7 neighbours are within a hair of each other at n = 3e5, so alpha |Q7| plus 1e-12 suffices.
    CHECK(std::fabs(streamed_quantiles[i] - exact_quantiles[i]) <= alpha * std::fabs(exact_quantiles[i]) * 1.01 + 1e-12);
  }
  const auto above = static_cast<std::uint64_t>(std::count_if(data.begin(), data.end(), [](double x) { return x > 0.05; }));
  CHECK(first.exceedances().exceedances(1) == above);
  CHECK(first.exceedances().probability(0) == Approx(0.7).margin(4.0 * std::sqrt(0.21 / 300000.0)));
  CHECK_THROWS_AS(pdoom::StreamingSummary().summary(), pdoom::Error);
  pdoom::StreamingSummary different({1.0});
  CHECK_THROWS_AS(first.merge(different), pdoom::Error);
}
