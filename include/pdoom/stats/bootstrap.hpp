#pragma once
// Percentile bootstrap confidence intervals with a deterministic resample stream: resample r always
// draws the same rows, from make_stream(seed, "bootstrap", r), whatever thread computes it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace pdoom {

/// An estimate with a confidence interval at `level` (e.g. 0.95).
struct ConfidenceInterval {
  double estimate = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  double level = 0.0;
};

/// Fills `indices` with the rows of bootstrap resample `resample`: indices.size() draws, uniform with
/// replacement from [0, population), from make_stream(seed, "bootstrap", resample) (unbiased, Lemire's
/// method).  @throws Error if population is 0 and indices is not empty.
void bootstrap_indices(std::uint64_t seed, std::uint64_t resample, std::size_t population,
                       std::span<std::size_t> indices);

/// The percentile interval of the replicates: their type-7 quantiles at (1 - level) / 2 and
/// (1 + level) / 2, non-finite replicates left out (NaN bounds when none is finite).
/// @throws Error if level is not inside (0, 1).
[[nodiscard]] ConfidenceInterval percentile_interval(double estimate, std::span<const double> replicates,
                                                     double level);

/// A vector-valued statistic of rows [0, n) given by row indices, bootstrapped jointly: the estimate is
/// the statistic on indices 0..n-1, replicate r the statistic on bootstrap_indices(seed, r, n); one
/// percentile interval per component. Serial: to use threads, compute replicates with
/// bootstrap_indices in any order and call percentile_interval.
/// @throws Error if n or resamples is 0, level is not inside (0, 1), or the statistic's result changes size.
[[nodiscard]] std::vector<ConfidenceInterval> bootstrap_intervals(
    std::size_t n, std::size_t resamples, std::uint64_t seed, double level,
    const std::function<std::vector<double>(std::span<const std::size_t>)>& statistic);

/// A scalar statistic of one sample, bootstrapped: the statistic sees resampled values.
/// @throws Error if data is empty, resamples is 0 or level is not inside (0, 1).
[[nodiscard]] ConfidenceInterval bootstrap_interval(std::span<const double> data, std::size_t resamples,
                                                    std::uint64_t seed, double level,
                                                    const std::function<double(std::span<const double>)>& statistic);

}  // namespace pdoom
