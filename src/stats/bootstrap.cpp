#include "pdoom/stats/bootstrap.hpp"

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace pdoom {
namespace {

void check_level(double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw Error("bootstrap: confidence level " + std::to_string(level) + " must lie strictly between 0 and 1");
  }
}

// Lemire's multiply-shift with rejection: an unbiased draw from [0, bound).
std::uint64_t bounded(Engine& engine, std::uint64_t bound) noexcept {
  using wide = pcg_extras::pcg128_t;
  wide product = static_cast<wide>(engine()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<wide>(engine()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

}  // namespace

void bootstrap_indices(std::uint64_t seed, std::uint64_t resample, std::size_t population,
                       std::span<std::size_t> indices) {
  if (indices.empty()) return;
  if (population == 0) throw Error("bootstrap: cannot resample from an empty population");
  Engine engine = make_stream(seed, "bootstrap", resample);
  for (std::size_t& index : indices) index = static_cast<std::size_t>(bounded(engine, population));
}

ConfidenceInterval percentile_interval(double estimate, std::span<const double> replicates, double level) {
  check_level(level);
  std::vector<double> finite;
  finite.reserve(replicates.size());
  for (const double value : replicates) {
    if (std::isfinite(value)) finite.push_back(value);
  }
  ConfidenceInterval interval;
  interval.estimate = estimate;
  interval.level = level;
  if (finite.empty()) {
    interval.lower = interval.upper = std::numeric_limits<double>::quiet_NaN();
    return interval;
  }
  const double tail = (1.0 - level) / 2.0;
  const double probabilities[] = {tail, 1.0 - tail};
  const auto bounds = quantiles_in_place(finite, probabilities);
  interval.lower = bounds[0];
  interval.upper = bounds[1];
  return interval;
}

std::vector<ConfidenceInterval> bootstrap_intervals(
    std::size_t n, std::size_t resamples, std::uint64_t seed, double level,
    const std::function<std::vector<double>(std::span<const std::size_t>)>& statistic) {
  if (n == 0) throw Error("bootstrap: no rows");
  if (resamples == 0) throw Error("bootstrap: the number of resamples must be positive");
  check_level(level);
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  const std::vector<double> estimate = statistic(indices);
  const std::size_t components = estimate.size();
  // replicates[c * resamples + r]: component c of resample r.
  std::vector<double> replicates(components * resamples);
  for (std::size_t r = 0; r < resamples; ++r) {
    bootstrap_indices(seed, r, n, indices);
    const std::vector<double> values = statistic(indices);
    if (values.size() != components) {
      throw Error("bootstrap: the statistic returned " + std::to_string(values.size()) + " values, then " +
                  std::to_string(components));
    }
    for (std::size_t c = 0; c < components; ++c) replicates[c * resamples + r] = values[c];
  }
  std::vector<ConfidenceInterval> intervals;
  intervals.reserve(components);
  for (std::size_t c = 0; c < components; ++c) {
    intervals.push_back(
        percentile_interval(estimate[c], std::span<const double>(replicates).subspan(c * resamples, resamples),
                            level));
  }
  return intervals;
}

ConfidenceInterval bootstrap_interval(std::span<const double> data, std::size_t resamples, std::uint64_t seed,
                                      double level, const std::function<double(std::span<const double>)>& statistic) {
  if (data.empty()) throw Error("bootstrap: no data");
  if (resamples == 0) throw Error("bootstrap: the number of resamples must be positive");
  check_level(level);
  const double estimate = statistic(data);
  std::vector<std::size_t> indices(data.size());
  std::vector<double> resampled(data.size());
  std::vector<double> replicates(resamples);
  for (std::size_t r = 0; r < resamples; ++r) {
    bootstrap_indices(seed, r, data.size(), indices);
    for (std::size_t i = 0; i < indices.size(); ++i) resampled[i] = data[indices[i]];
    replicates[r] = statistic(resampled);
  }
  return percentile_interval(estimate, replicates, level);
}

}  // namespace pdoom
