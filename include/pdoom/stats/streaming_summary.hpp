#pragma once
// A Summary in bounded memory: exact moments, sketched quantiles, exceedance counts; mergeable.

#include "pdoom/stats/exceedance.hpp"
#include "pdoom/stats/moments.hpp"
#include "pdoom/stats/quantile_sketch.hpp"
#include "pdoom/stats/summary.hpp"

#include <span>
#include <vector>

namespace pdoom {

/// Moments + QuantileSketch + ExceedanceCounter for one column of samples. Merging in a fixed order
/// gives bit-identical results (the sketch and the counts are exact integers; the moments follow the
/// order of merges).
class StreamingSummary {
 public:
  /// An empty summary tracking P(X > t) for each threshold.  @throws as the parts' constructors.
  explicit StreamingSummary(std::vector<double> thresholds = {},
                            int mantissa_bits = QuantileSketch::default_mantissa_bits,
                            std::size_t max_buckets = QuantileSketch::default_max_buckets);

  /// Adds one value.  @throws Error if x is NaN or infinite.
  void add(double x);

  /// Adds a span of values.  @throws Error on a NaN or infinite value (the summary is then unusable).
  void add(std::span<const double> values);

  /// Adds everything `other` has seen.  @throws Error if their thresholds or sketch parameters differ.
  void merge(const StreamingSummary& other);

  /// The number of values seen.
  [[nodiscard]] std::uint64_t count() const noexcept { return moments_.count(); }

  /// The summary: exact mean, sd, standard error, min, max; quantiles within the sketch's bound
  /// (recorded in Summary::quantile_relative_error).  @throws Error if nothing was added.
  [[nodiscard]] Summary summary() const;

  /// The moments part.
  [[nodiscard]] const Moments& moments() const noexcept { return moments_; }

  /// The quantile sketch part.
  [[nodiscard]] const QuantileSketch& sketch() const noexcept { return sketch_; }

  /// The exceedance counts part.
  [[nodiscard]] const ExceedanceCounter& exceedances() const noexcept { return exceedances_; }

 private:
  Moments moments_;
  QuantileSketch sketch_;
  ExceedanceCounter exceedances_;
};

}  // namespace pdoom
