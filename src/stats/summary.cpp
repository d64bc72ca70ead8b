#include "pdoom/stats/summary.hpp"

#include "pdoom/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

namespace pdoom {
namespace {

// Below this size a copy and nth_element is as fast as anything.
constexpr std::size_t radix_threshold = std::size_t{1} << 16;
// Buckets of the radix pass: 2^16 counts fit in the L2 cache.
constexpr unsigned radix_bits = 16;

void check_probability(double q) {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw Error("quantile: probability " + std::to_string(q) + " is outside [0, 1]");
  }
}

// Type 7's interpolation between neighbouring order statistics.
double interpolate(double low, double high, double fraction) noexcept {
  return fraction == 0.0 ? low : low + fraction * (high - low);
}

// An unsigned key with the order of the doubles (for non-NaN values): flip all bits of negatives,
// only the sign bit of the others.
inline std::uint64_t order_key(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

// Places the order statistics at the sorted `positions` into their places, selecting around the
// middle position first so that the work is O(n log k) for k positions.
void select_positions(std::span<double> data, std::size_t first, std::size_t last,
                      std::span<const std::size_t> positions) {
  if (positions.empty() || first >= last) return;
  const std::size_t middle = positions.size() / 2;
  const std::size_t position = positions[middle];
  std::nth_element(data.begin() + static_cast<std::ptrdiff_t>(first),
                   data.begin() + static_cast<std::ptrdiff_t>(position),
                   data.begin() + static_cast<std::ptrdiff_t>(last));
  select_positions(data, first, position, positions.first(middle));
  select_positions(data, position + 1, last, positions.subspan(middle + 1));
}

// The order statistics at the sorted, distinct `positions` (0-based ranks), data left untouched.
std::vector<double> order_statistics(std::span<const double> data, const std::vector<std::size_t>& positions) {
  const std::size_t n = data.size();
  std::vector<double> result(positions.size());
  if (n < radix_threshold) {
    std::vector<double> copy(data.begin(), data.end());
    select_positions(copy, 0, n, positions);
    for (std::size_t i = 0; i < positions.size(); ++i) result[i] = copy[positions[i]];
    return result;
  }
  // Radix selection: one pass counts the values per bucket of their leading key bits (below the
  // prefix that all keys share), a second gathers only the buckets that hold a wanted rank, and
  // selection finishes inside those. O(n) with no copy of the data.
  std::uint64_t key_min = ~std::uint64_t{0};
  std::uint64_t key_max = 0;
  for (const double x : data) {
    const std::uint64_t key = order_key(x);
    key_min = std::min(key_min, key);
    key_max = std::max(key_max, key);
  }
  if (key_min == key_max) {
    std::fill(result.begin(), result.end(), data[0]);
    return result;
  }
  const auto shared = static_cast<unsigned>(std::countl_zero(key_min ^ key_max));
  const unsigned width = std::min(radix_bits, 64 - shared);
  const unsigned shift = 64 - shared - width;
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  const auto bucket_of = [shift, mask](double x) { return static_cast<std::size_t>((order_key(x) >> shift) & mask); };

  std::vector<std::uint64_t> counts(std::size_t{1} << width, 0);
  for (const double x : data) ++counts[bucket_of(x)];

  // For each wanted rank: its bucket and its rank inside the bucket.
  std::vector<std::size_t> bucket_of_position(positions.size());
  std::vector<std::size_t> rank_in_bucket(positions.size());
  {
    std::size_t bucket = 0;
    std::uint64_t before = 0;  // values in buckets below `bucket`
    for (std::size_t i = 0; i < positions.size(); ++i) {
      while (before + counts[bucket] <= positions[i]) before += counts[bucket++];
      bucket_of_position[i] = bucket;
      rank_in_bucket[i] = positions[i] - before;
    }
  }
  // Slot of each target bucket (0 = not wanted).
  std::vector<std::uint32_t> slot(counts.size(), 0);
  std::vector<std::vector<double>> gathered;
  for (const std::size_t bucket : bucket_of_position) {
    if (slot[bucket] == 0) {
      gathered.emplace_back().reserve(counts[bucket]);
      slot[bucket] = static_cast<std::uint32_t>(gathered.size());
    }
  }
  for (const double x : data) {
    const std::uint32_t s = slot[bucket_of(x)];
    if (s != 0) gathered[s - 1].push_back(x);
  }
  for (std::size_t i = 0; i < positions.size();) {
    // Positions of one bucket are consecutive, since buckets are ordered like the values.
    std::size_t end = i;
    std::vector<std::size_t> ranks;
    while (end < positions.size() && bucket_of_position[end] == bucket_of_position[i]) {
      ranks.push_back(rank_in_bucket[end++]);
    }
    auto& values = gathered[slot[bucket_of_position[i]] - 1];
    select_positions(values, 0, values.size(), ranks);
    for (std::size_t k = i; k < end; ++k) result[k] = values[rank_in_bucket[k]];
    i = end;
  }
  return result;
}

void check_no_nan(std::span<const double> data) {
  bool has_nan = false;
  for (const double value : data) has_nan |= std::isnan(value);
  if (has_nan) throw Error("statistics: the data hold a NaN");
}

// Type-7 quantiles without the argument checks.
std::vector<double> type7_quantiles(std::span<const double> data, std::span<const double> probabilities) {
  const std::size_t n = data.size();
  std::vector<std::size_t> positions;
  positions.reserve(2 * probabilities.size());
  for (const double q : probabilities) {
    const auto low = static_cast<std::size_t>(std::floor(static_cast<double>(n - 1) * q));
    positions.push_back(low);
    positions.push_back(std::min(low + 1, n - 1));
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  const std::vector<double> statistics = order_statistics(data, positions);
  const auto statistic_at = [&](std::size_t position) {
    return statistics[static_cast<std::size_t>(std::lower_bound(positions.begin(), positions.end(), position) -
                                               positions.begin())];
  };
  std::vector<double> result;
  result.reserve(probabilities.size());
  for (const double q : probabilities) {
    const double h = static_cast<double>(n - 1) * q;
    const auto low = static_cast<std::size_t>(std::floor(h));
    const std::size_t high = std::min(low + 1, n - 1);
    result.push_back(interpolate(statistic_at(low), statistic_at(high), h - static_cast<double>(low)));
  }
  return result;
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw Error("quantile: no data");
  check_probability(q);
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto low = static_cast<std::size_t>(std::floor(h));
  const std::size_t high = std::min(low + 1, sorted.size() - 1);
  return interpolate(sorted[low], sorted[high], h - static_cast<double>(low));
}

std::vector<double> quantiles(std::span<const double> data, std::span<const double> probabilities) {
  if (data.empty()) throw Error("quantile: no data");
  for (const double q : probabilities) check_probability(q);
  check_no_nan(data);
  return type7_quantiles(data, probabilities);
}

std::vector<double> quantiles_in_place(std::span<double> data, std::span<const double> probabilities) {
  return quantiles(std::span<const double>(data), probabilities);
}

Summary summarize(std::span<const double> data) {
  if (data.empty()) throw Error("summary: no data");
  Summary summary;
  summary.count = data.size();
  // Two passes for the moments (accurate sd); the NaN check rides on the first.
  double sum = 0.0;
  double low = data[0];
  double high = data[0];
  bool has_nan = false;
  for (const double value : data) {
    sum += value;
    low = std::min(low, value);
    high = std::max(high, value);
    has_nan |= std::isnan(value);
  }
  if (has_nan) throw Error("summary: the data hold a NaN");
  const double n = static_cast<double>(data.size());
  // Extreme magnitudes: a sum of values near the largest double overflows, and squared deviations
  // overflow above ~1e154 or underflow below ~1e-154 (a standard error of 0 for 1e-300-sized values).
  // Those cases are recomputed in long double (x87: exponents to 1e4932); others stay in double.
  const double magnitude = std::max(std::fabs(low), std::fabs(high));
  const bool extreme = magnitude > 1e150 || (magnitude < 1e-150 && magnitude > 0.0);
  if (!std::isfinite(sum)) {
    long double wide = 0.0L;
    for (const double value : data) wide += value;
    summary.mean = static_cast<double>(wide / static_cast<long double>(n));
  } else {
    summary.mean = sum / n;
  }
  long double squares = 0.0L;
  if (extreme) {
    for (const double value : data) {
      const long double deviation = static_cast<long double>(value) - static_cast<long double>(summary.mean);
      squares += deviation * deviation;
    }
  } else {
    double narrow = 0.0;
    for (const double value : data) {
      const double deviation = value - summary.mean;
      narrow += deviation * deviation;
    }
    squares = narrow;
  }
  summary.sd = data.size() > 1 ? static_cast<double>(std::sqrt(squares / (static_cast<long double>(n) - 1.0L))) : 0.0;
  summary.standard_error = summary.sd / std::sqrt(n);
  summary.min = low;
  summary.max = high;
  const auto q = type7_quantiles(data, summary_probabilities);
  summary.p01 = q[0];
  summary.p05 = q[1];
  summary.p25 = q[2];
  summary.p50 = q[3];
  summary.p75 = q[4];
  summary.p95 = q[5];
  summary.p99 = q[6];
  return summary;
}

Summary summarize_in_place(std::span<double> data) { return summarize(std::span<const double>(data)); }

}  // namespace pdoom
