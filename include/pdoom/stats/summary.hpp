#pragma once
// Exact summaries of a column of samples: moments and quantiles by one documented definition.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace pdoom {

/// The probabilities of the quantiles in a Summary, in member order p01 ... p99.
inline constexpr std::array<double, 7> summary_probabilities = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

/// The summary of one node's samples (the JSON contract's SUMMARY, plus the count).
struct Summary {
  double mean = 0.0;
  double sd = 0.0;              ///< sample standard deviation (denominator count - 1; 0 for one sample)
  double standard_error = 0.0;  ///< Monte Carlo standard error of the mean, sd / sqrt(count)
  double min = 0.0;
  double max = 0.0;
  double p01 = 0.0;             ///< quantiles: Hyndman & Fan type 7 (numpy's default) when exact
  double p05 = 0.0;
  double p25 = 0.0;
  double p50 = 0.0;
  double p75 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;
  std::uint64_t count = 0;
  /// 0 when the quantiles are exact; otherwise the streaming sketch's bound: each quantile q is within
  /// quantile_relative_error * max(|x_(j)|, |x_(j+1)|) of the exact type-7 value (see quantile_sketch.hpp).
  double quantile_relative_error = 0.0;
};

/// The q-quantile of ascending data by Hyndman & Fan's type 7: with h = (n - 1) q,
/// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).  @throws Error if data is empty or q is
/// outside [0, 1].
[[nodiscard]] double quantile_sorted(std::span<const double> sorted, double q);

/// Type-7 quantiles of unsorted data at each probability, exact, in O(n): a radix pass on the bits of
/// the values finds the few buckets holding the wanted ranks, selection finishes inside them.
/// @throws Error if data is empty, holds a NaN, or a probability is outside [0, 1].
[[nodiscard]] std::vector<double> quantiles(std::span<const double> data, std::span<const double> probabilities);

/// The same; `data` may be reordered (kept for callers that own their column).  @throws as quantiles().
[[nodiscard]] std::vector<double> quantiles_in_place(std::span<double> data, std::span<const double> probabilities);

/// The exact summary of data: two passes for the moments, quantiles() for the quantiles (no copy).
/// @throws Error if data is empty or holds a NaN.
[[nodiscard]] Summary summarize(std::span<const double> data);

/// The exact summary of data, which may be reordered.  @throws as summarize().
[[nodiscard]] Summary summarize_in_place(std::span<double> data);

}  // namespace pdoom
