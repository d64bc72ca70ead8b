// Tests of exact summaries, quantiles (type 7), moments, exceedance counts, histograms and bootstrap.

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/bootstrap.hpp"
#include "pdoom/stats/exceedance.hpp"
#include "pdoom/stats/histogram.hpp"
#include "pdoom/stats/moments.hpp"
#include "pdoom/stats/quantile_sketch.hpp"
#include "pdoom/stats/summary.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace {

std::vector<double> normal_sample(std::size_t n, std::uint64_t seed, double mean = 0.0, double sd = 1.0) {
  pdoom::Engine engine = pdoom::make_stream(seed, "stats-test", 0);
  std::normal_distribution<double> normal(mean, sd);
  std::vector<double> values(n);
  for (double& v : values) v = normal(engine);
  return values;
}

}  // namespace

TEST_CASE("quantile_sorted follows hyndman-fan type 7", "[stats]") {
  const std::vector<double> data = {1.0, 2.0, 3.0, 4.0};
  // h = 3q: q = 0.5 -> 2.5, q = 0.25 -> h 0.75 -> 1.75, q = 0.1 -> 1.3 (numpy.quantile's "linear").
  CHECK(pdoom::quantile_sorted(data, 0.5) == Approx(2.5));
  CHECK(pdoom::quantile_sorted(data, 0.25) == Approx(1.75));
  CHECK(pdoom::quantile_sorted(data, 0.1) == Approx(1.3));
  CHECK(pdoom::quantile_sorted(data, 0.0) == 1.0);
  CHECK(pdoom::quantile_sorted(data, 1.0) == 4.0);
  const std::vector<double> single = {7.0};
  CHECK(pdoom::quantile_sorted(single, 0.3) == 7.0);
  CHECK_THROWS_AS(pdoom::quantile_sorted(data, 1.5), pdoom::Error);
  CHECK_THROWS_AS(pdoom::quantile_sorted(data, -0.1), pdoom::Error);
  CHECK_THROWS_AS(pdoom::quantile_sorted(std::vector<double>{}, 0.5), pdoom::Error);
}

TEST_CASE("selection quantiles equal quantiles of the sorted data", "[stats]") {
  auto data = normal_sample(10001, 1);
  for (std::size_t i = 0; i < data.size(); i += 7) data[i] = std::round(data[i]);  // ties
  std::vector<double> probabilities;
  for (int i = 0; i <= 100; ++i) probabilities.push_back(i / 100.0);
  probabilities.push_back(0.999);
  probabilities.push_back(0.0001);
  auto sorted = data;
  std::sort(sorted.begin(), sorted.end());
  const auto selected = pdoom::quantiles(data, probabilities);
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    CHECK(selected[i] == pdoom::quantile_sorted(sorted, probabilities[i]));
  }
  std::vector<double> with_nan = {1.0, NAN, 2.0};
  CHECK_THROWS_AS(pdoom::quantiles(with_nan, probabilities), pdoom::Error);
}

TEST_CASE("radix quantiles of large samples equal quantiles of the sorted data", "[stats]") {
  std::vector<double> probabilities;
  for (int i = 0; i <= 200; ++i) probabilities.push_back(i / 200.0);
  probabilities.push_back(1e-5);
  probabilities.push_back(1.0 - 1e-5);
  // Mixed signs, exact ties, zeros of both signs, an atom with far outliers, and a narrow range.
  auto mixed = normal_sample(300001, 11);
  for (std::size_t i = 0; i < mixed.size(); i += 5) mixed[i] = std::round(mixed[i] * 4.0) / 4.0;
  for (std::size_t i = 1; i < mixed.size(); i += 97) mixed[i] = (i % 2 == 0) ? 0.0 : -0.0;
  std::vector<double> atom(200000, 0.0);
  atom[17] = 1e300;
  atom[99] = -1e-300;
  atom[12345] = 3.0;
  auto narrow = normal_sample(100000, 12, 0.5, 1e-9);
  for (const auto* data : {&mixed, &atom, &narrow}) {
    auto sorted = *data;
    std::sort(sorted.begin(), sorted.end());
    const auto selected = pdoom::quantiles(*data, probabilities);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
      CHECK(selected[i] == pdoom::quantile_sorted(sorted, probabilities[i]));
    }
  }
  const std::vector<double> constant(70000, 2.5);
  CHECK(pdoom::quantiles(constant, probabilities)[7] == 2.5);
}

TEST_CASE("summarize gives exact moments and quantiles", "[stats]") {
  const std::vector<double> data = {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};
  const pdoom::Summary s = pdoom::summarize(data);
  CHECK(s.count == 8);
  CHECK(s.mean == Approx(5.0));
  CHECK(s.sd == Approx(std::sqrt(32.0 / 7.0)));  // sum of squared deviations 32, n - 1 = 7
  CHECK(s.standard_error == Approx(std::sqrt(32.0 / 7.0) / std::sqrt(8.0)));
  CHECK(s.min == 2.0);
  CHECK(s.max == 9.0);
  CHECK(s.p50 == Approx(4.5));
  CHECK(s.p25 == Approx(4.0));             // h = 1.75 between 4 and 4
  CHECK(s.p75 == Approx(5.5));             // h = 5.25: 5 + 0.25 * 2
  CHECK(s.p01 == Approx(2.0 + 0.07 * 2));  // h = 0.07
  CHECK(s.p99 == Approx(7.0 + 0.93 * 2));  // h = 6.93
  CHECK(s.quantile_relative_error == 0.0);
  const std::vector<double> one = {3.0};
  const auto single = pdoom::summarize(one);
  CHECK(single.sd == 0.0);
  CHECK(single.p05 == 3.0);
  CHECK_THROWS_AS(pdoom::summarize(std::vector<double>{}), pdoom::Error);
  CHECK_THROWS_AS(pdoom::summarize(std::vector<double>{1.0, NAN}), pdoom::Error);
}

TEST_CASE("summary of a large normal sample agrees with the distribution", "[stats]") {
  const std::size_t n = 200000;
  const auto data = normal_sample(n, 2, 3.0, 2.0);
  const auto s = pdoom::summarize(data);
  // Mean within 4 standard errors; sd within 4 of its standard errors sigma / sqrt(2n).
  CHECK(std::fabs(s.mean - 3.0) < 4.0 * 2.0 / std::sqrt(static_cast<double>(n)));
  CHECK(std::fabs(s.sd - 2.0) < 4.0 * 2.0 / std::sqrt(2.0 * static_cast<double>(n)));
  // Median within 4 standard errors sqrt(pi/2) sigma / sqrt(n); 1.2815515655446004 is z_0.9 (Boost's value).
  CHECK(std::fabs(s.p50 - 3.0) < 4.0 * std::sqrt(std::acos(-1.0) / 2.0) * 2.0 / std::sqrt(static_cast<double>(n)));
  CHECK(s.p05 < s.p25);
  CHECK(s.p25 < s.p50);
}

TEST_CASE("moments merge like one pass", "[stats]") {
  const auto data = normal_sample(100000, 3, 1e6, 1.0);  // large mean: a naive sum of squares would fail
  pdoom::Moments single;
  for (const double x : data) single.add(x);
  pdoom::Moments spans;
  pdoom::Moments merged;
  for (std::size_t start = 0; start < data.size(); start += 4096) {
    const std::size_t n = std::min<std::size_t>(4096, data.size() - start);
    const auto part = std::span<const double>(data).subspan(start, n);
    spans.add(part);
    pdoom::Moments block;
    block.add(part);
    merged.merge(block);
  }
  const auto exact = pdoom::summarize(data);
  for (const pdoom::Moments* m : {&single, &spans, &merged}) {
    CHECK(m->count() == data.size());
    // Welford's running mean drifts by about sqrt(n) eps relative: 1e-12 is ample, 1e-9 would hide a bug.
    CHECK(m->mean() == Approx(exact.mean).epsilon(1e-12));
    CHECK(m->sd() == Approx(exact.sd).epsilon(1e-9));
    CHECK(m->standard_error() == Approx(exact.standard_error).epsilon(1e-9));
    CHECK(m->min() == exact.min);
    CHECK(m->max() == exact.max);
  }
  // Same order of merges, same bits.
  pdoom::Moments again;
  for (std::size_t start = 0; start < data.size(); start += 4096) {
    pdoom::Moments block;
    block.add(std::span<const double>(data).subspan(start, std::min<std::size_t>(4096, data.size() - start)));
    again.merge(block);
  }
  CHECK(again.mean() == merged.mean());
  CHECK(again.sum_of_squares() == merged.sum_of_squares());
  pdoom::Moments empty;
  CHECK(empty.count() == 0);
  CHECK(empty.variance() == 0.0);
  empty.merge(pdoom::Moments{});
  CHECK(empty.count() == 0);
}

TEST_CASE("exceedance counts are exact and mergeable", "[stats]") {
  const auto data = normal_sample(10000, 4);
  pdoom::ExceedanceCounter whole({0.0, 1.0, -1.0});
  whole.add(data);
  pdoom::ExceedanceCounter first({0.0, 1.0, -1.0});
  pdoom::ExceedanceCounter second({0.0, 1.0, -1.0});
  for (std::size_t i = 0; i < data.size(); ++i) (i < 3000 ? first : second).add(data[i]);
  first.merge(second);
  for (std::size_t t = 0; t < 3; ++t) {
    const double threshold = whole.thresholds()[t];
    const auto expected =
        static_cast<std::uint64_t>(std::count_if(data.begin(), data.end(), [&](double x) { return x > threshold; }));
    CHECK(whole.exceedances(t) == expected);
    CHECK(first.exceedances(t) == expected);
    const double p = static_cast<double>(expected) / 10000.0;
    CHECK(whole.probability(t) == p);
    CHECK(whole.standard_error(t) == Approx(std::sqrt(p * (1 - p) / 10000.0)));
  }
  // P(Z > 1) = 0.15865525393145707 (Boost): within 4 binomial standard errors.
  CHECK(std::fabs(whole.probability(1) - 0.15865525393145707) < 4.0 * whole.standard_error(1));
  CHECK_THROWS_AS(whole.exceedances(3), pdoom::Error);
  pdoom::ExceedanceCounter other({0.5});
  CHECK_THROWS_AS(whole.merge(other), pdoom::Error);
  CHECK_THROWS_AS(pdoom::ExceedanceCounter({NAN}), pdoom::Error);
}

TEST_CASE("histograms count every value once", "[stats]") {
  const std::vector<double> data = {0.0, 1.0, 2.0, 3.0, 4.0, 10.0};
  const auto h = pdoom::histogram(data, 5);
  REQUIRE(h.edges.size() == 6);
  CHECK(h.edges.front() == 0.0);
  CHECK(h.edges.back() == 10.0);
  CHECK(h.counts == std::vector<std::uint64_t>{2, 2, 1, 0, 1});  // [0,2) [2,4) [4,6) [6,8) [8,10]
  CHECK(h.underflow == 0);
  CHECK(h.overflow == 0);

  const auto log_h = pdoom::histogram(data, 2, pdoom::BinScale::log);
  CHECK(log_h.underflow == 1);  // the zero
  CHECK(log_h.edges[1] == Approx(std::sqrt(10.0)));
  CHECK(log_h.counts == std::vector<std::uint64_t>{3, 2});  // 1, 2, 3 below sqrt(10); 4, 10 above

  const auto given = pdoom::histogram(data, std::vector<double>{0.5, 2.5, 5.0});
  CHECK(given.counts == std::vector<std::uint64_t>{2, 2});
  CHECK(given.underflow == 1);
  CHECK(given.overflow == 1);

  const auto constant = pdoom::histogram(std::vector<double>{2.0, 2.0}, 4);
  CHECK(std::accumulate(constant.counts.begin(), constant.counts.end(), std::uint64_t{0}) == 2);

  CHECK_THROWS_AS(pdoom::histogram(data, 0), pdoom::Error);
  CHECK_THROWS_AS(pdoom::histogram(std::vector<double>{}, 3), pdoom::Error);
  CHECK_THROWS_AS(pdoom::histogram(std::vector<double>{-1.0, 0.0}, 3, pdoom::BinScale::log), pdoom::Error);
  CHECK_THROWS_AS(pdoom::histogram(data, std::vector<double>{1.0, 1.0}), pdoom::Error);
}

TEST_CASE("a histogram from a sketch matches the data's up to edge effects", "[stats]") {
  const auto data = normal_sample(100000, 5);
  pdoom::QuantileSketch sketch;
  sketch.add(data);
  const auto exact = pdoom::histogram(data, 20);
  const auto approximate = pdoom::histogram(sketch, 20);
  CHECK(approximate.edges == exact.edges);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < 20; ++i) {
    total += approximate.counts[i];
    // Only values within the sketch's relative accuracy of an edge can change bin: a few hundred at most.
    CHECK(std::fabs(static_cast<double>(approximate.counts[i]) - static_cast<double>(exact.counts[i])) <
          0.02 * static_cast<double>(exact.counts[i]) + 50.0);
  }
  CHECK(total == data.size());
}

TEST_CASE("bootstrap resamples are deterministic and in range", "[stats]") {
  std::vector<std::size_t> a(1000);
  std::vector<std::size_t> b(1000);
  std::vector<std::size_t> c(1000);
  pdoom::bootstrap_indices(9, 3, 1000, a);
  pdoom::bootstrap_indices(9, 3, 1000, b);
  pdoom::bootstrap_indices(9, 4, 1000, c);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::all_of(a.begin(), a.end(), [](std::size_t i) { return i < 1000; }));
  // Each row appears Binomial(1000, 1/1000) times: about 1 - 1/e = 63.2% of rows appear at all
  // (sd of that share about 0.015).
  std::vector<char> seen(1000, 0);
  for (const std::size_t i : a) seen[i] = 1;
  const double share = std::accumulate(seen.begin(), seen.end(), 0.0) / 1000.0;
  CHECK(std::fabs(share - (1.0 - std::exp(-1.0))) < 0.06);
  CHECK_THROWS_AS(pdoom::bootstrap_indices(1, 1, 0, a), pdoom::Error);
}

TEST_CASE("percentile bootstrap intervals cover the mean at about their level", "[stats]") {
  const auto mean_of = [](std::span<const double> values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  };
  // 200 data sets of 100 normals: the 90% interval for the mean should cover 0 about 90% of the time;
  // the percentile bootstrap runs slightly narrow at n = 100 (about 89%). Binomial sd 0.021: allow 4 sd.
  int covered = 0;
  for (std::uint64_t set = 0; set < 200; ++set) {
    const auto data = normal_sample(100, 100 + set);
    const auto interval = pdoom::bootstrap_interval(data, 400, set, 0.9, mean_of);
    CHECK(interval.lower <= interval.estimate);
    CHECK(interval.estimate <= interval.upper);
    covered += interval.lower <= 0.0 && 0.0 <= interval.upper;
  }
  CHECK(std::fabs(covered / 200.0 - 0.89) < 4 * 0.021);

  // The joint (row) form agrees with the scalar form on the same resamples.
  const auto data = normal_sample(500, 7);
  const auto scalar = pdoom::bootstrap_interval(data, 100, 1, 0.95, mean_of);
  const auto joint = pdoom::bootstrap_intervals(500, 100, 1, 0.95, [&](std::span<const std::size_t> rows) {
    double sum = 0.0;
    for (const std::size_t r : rows) sum += data[r];
    return std::vector<double>{sum / static_cast<double>(rows.size()), 2.0};
  });
  REQUIRE(joint.size() == 2);
  CHECK(joint[0].estimate == Approx(scalar.estimate).epsilon(1e-14));
  CHECK(joint[0].lower == Approx(scalar.lower).epsilon(1e-14));
  CHECK(joint[0].upper == Approx(scalar.upper).epsilon(1e-14));
  CHECK(joint[1].lower == 2.0);
  // Width of a 95% interval for the mean: about 2 * 1.96 sd / sqrt(n); within 25% with 100 resamples.
  CHECK(scalar.upper - scalar.lower == Approx(2 * 1.959963984540054 / std::sqrt(500.0)).epsilon(0.25));
  CHECK_THROWS_AS(pdoom::bootstrap_interval(data, 100, 1, 1.0, mean_of), pdoom::Error);
  CHECK_THROWS_AS(pdoom::bootstrap_interval(data, 0, 1, 0.9, mean_of), pdoom::Error);
  CHECK_THROWS_AS(pdoom::percentile_interval(0.0, data, 0.0), pdoom::Error);
}
