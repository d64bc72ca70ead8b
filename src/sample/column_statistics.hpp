#pragma once
// Private to the sampler: the per-block statistics of a column in one fused pass (plus the centred
// pass), written for the hot path of streaming runs. They match stats/moments.hpp's definitions
// (two-pass mean and centred sum of squares per block, Chan et al.'s merge in block order) but
// reading each column twice instead of four times makes streaming summaries about 3x cheaper.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace pdoom::sample_detail {

/// Count, mean, centred sum of squares, min and max of some values; mergeable in a fixed order.
struct ColumnMoments {
  std::uint64_t count = 0;
  double mean = 0;
  long double m2 = 0;  // long double: squared deviations of values beyond 1e+-154 neither overflow nor underflow
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  /// The moments of one block of finite values; counts[t] += #{x > thresholds[t]} on the way.
  static ColumnMoments of_block(std::span<const double> x, std::span<const double> thresholds,
                                std::uint64_t* counts) noexcept {
    ColumnMoments block;
    const std::size_t n = x.size();
    if (n == 0) return block;
    // Four interleaved partial sums break the dependency chain of one running sum (no -ffast-math
    // needed); the order is fixed, so the result is the same on every run.
    double sum[4] = {0, 0, 0, 0};
    double low[4] = {x[0], x[0], x[0], x[0]};
    double high[4] = {x[0], x[0], x[0], x[0]};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      for (std::size_t k = 0; k < 4; ++k) {
        const double v = x[i + k];
        sum[k] += v;
        low[k] = v < low[k] ? v : low[k];
        high[k] = v > high[k] ? v : high[k];
      }
    }
    for (; i < n; ++i) {
      sum[0] += x[i];
      low[0] = std::min(low[0], x[i]);
      high[0] = std::max(high[0], x[i]);
    }
    block.count = n;
    block.mean = ((sum[0] + sum[1]) + (sum[2] + sum[3])) / static_cast<double>(n);
    block.min = std::min(std::min(low[0], low[1]), std::min(low[2], low[3]));
    block.max = std::max(std::max(high[0], high[1]), std::max(high[2], high[3]));
    const double magnitude = std::max(std::fabs(block.min), std::fabs(block.max));
    if (!std::isfinite(block.mean) || magnitude > 1e150 || (magnitude < 1e-150 && magnitude > 0.0)) {
      // Extreme magnitudes (rare, so the slow path costs nothing in general): the sum in long double
      // (values near the largest double), squared deviations too (they would overflow or underflow).
      long double wide = 0.0L;
      for (std::size_t j = 0; j < n; ++j) wide += x[j];
      block.mean = static_cast<double>(wide / static_cast<long double>(n));
      long double squares = 0.0L;
      for (std::size_t j = 0; j < n; ++j) {
        const long double d = static_cast<long double>(x[j]) - static_cast<long double>(block.mean);
        squares += d * d;
      }
      block.m2 = squares;
      count_above(x, thresholds, counts);
      return block;
    }
    double squares[4] = {0, 0, 0, 0};
    i = 0;
    for (; i + 4 <= n; i += 4) {
      for (std::size_t k = 0; k < 4; ++k) {
        const double d = x[i + k] - block.mean;
        squares[k] += d * d;
      }
    }
    for (; i < n; ++i) squares[0] += (x[i] - block.mean) * (x[i] - block.mean);
    block.m2 = (squares[0] + squares[1]) + (squares[2] + squares[3]);
    count_above(x, thresholds, counts);
    return block;
  }

  /// counts[t] += #{x > thresholds[t]}.
  static void count_above(std::span<const double> x, std::span<const double> thresholds, std::uint64_t* counts) noexcept {
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      const double threshold = thresholds[t];
      std::uint64_t above = 0;
      for (const double value : x) above += value > threshold ? 1 : 0;
      counts[t] += above;
    }
  }

  /// Adds another set of values (Chan, Golub & LeVeque's pairwise update).
  void merge(const ColumnMoments& other) noexcept {
    if (other.count == 0) return;
    if (count == 0) {
      *this = other;
      return;
    }
    const double n_a = static_cast<double>(count);
    const double n_b = static_cast<double>(other.count);
    const double n = n_a + n_b;
    if (!std::isfinite(mean) || !std::isfinite(other.mean)) {
      // A block's sum overflowed (values near the largest double): the mean is +-inf as in an exact
      // summary (inf - inf would make it NaN), NaN only for overflows of both signs; the spread is inf.
      mean += other.mean;
      m2 = std::numeric_limits<double>::infinity();
      count += other.count;
      min = std::min(min, other.min);
      max = std::max(max, other.max);
      return;
    }
    const double delta = other.mean - mean;
    mean += delta * (n_b / n);
    const auto wide_delta = static_cast<long double>(delta);
    m2 += other.m2 + wide_delta * wide_delta * static_cast<long double>(n_a * n_b / n);
    count += other.count;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
};

}  // namespace pdoom::sample_detail
