#pragma once
// Running count, mean, centred sum of squares, min and max; mergeable (Chan et al.'s pairwise update).

#include <cstdint>
#include <limits>
#include <span>

namespace pdoom {

/// Mergeable first and second moments. Results depend on the order of add/merge calls only through
/// rounding, and are bit-identical whenever the same calls happen in the same order.
class Moments {
 public:
  /// Adds one value (Welford's update).
  void add(double x) noexcept;

  /// Adds a span: a two-pass mean and sum of squares of the span, merged in (faster and more accurate
  /// than one add per value).
  void add(std::span<const double> values) noexcept;

  /// Adds everything `other` has seen (Chan, Golub & LeVeque's parallel update).
  void merge(const Moments& other) noexcept;

  /// The number of values seen.
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

  /// Their mean (0 when empty).
  [[nodiscard]] double mean() const noexcept { return mean_; }

  /// Their centred sum of squares, sum (x - mean)^2.
  [[nodiscard]] double sum_of_squares() const noexcept { return m2_; }

  /// The sample variance with denominator count - 1 (0 for fewer than two values).
  [[nodiscard]] double variance() const noexcept;

  /// The sample standard deviation, sqrt(variance()).
  [[nodiscard]] double sd() const noexcept;

  /// The standard error of the mean, sd() / sqrt(count) (0 when empty).
  [[nodiscard]] double standard_error() const noexcept;

  /// The smallest value seen (+inf when empty).
  [[nodiscard]] double min() const noexcept { return min_; }

  /// The largest value seen (-inf when empty).
  [[nodiscard]] double max() const noexcept { return max_; }

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace pdoom
