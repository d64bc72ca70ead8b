#pragma once
// Exceedance counts P(X > t) for a fixed list of thresholds, mergeable.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pdoom {

/// Counts of values strictly above each threshold; integers, so merging is exact and order-free.
class ExceedanceCounter {
 public:
  /// A counter for these thresholds (any order, kept as given).  @throws Error if a threshold is NaN.
  explicit ExceedanceCounter(std::vector<double> thresholds = {});

  /// Counts one value.
  void add(double x) noexcept;

  /// Counts every value of a span.
  void add(std::span<const double> values) noexcept;

  /// Adds another counter's counts.  @throws Error if the thresholds differ.
  void merge(const ExceedanceCounter& other);

  /// The thresholds, as given.
  [[nodiscard]] const std::vector<double>& thresholds() const noexcept { return thresholds_; }

  /// The number of values counted.
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

  /// The number of values above threshold i.  @throws Error if i is out of range.
  [[nodiscard]] std::uint64_t exceedances(std::size_t i) const;

  /// The estimated P(X > thresholds()[i]) (0 when empty).  @throws Error if i is out of range.
  [[nodiscard]] double probability(std::size_t i) const;

  /// Its binomial standard error sqrt(p (1 - p) / count) (0 when empty).  @throws Error if i is out of range.
  [[nodiscard]] double standard_error(std::size_t i) const;

 private:
  std::vector<double> thresholds_;
  std::vector<std::uint64_t> exceedances_;
  std::uint64_t count_ = 0;
};

}  // namespace pdoom
