#include "pdoom/stats/quantile_sketch.hpp"

#include "pdoom/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

namespace pdoom {
namespace {

constexpr int mantissa_width = 52;

double interpolate(double low, double high, double fraction) noexcept {
  return fraction == 0.0 ? low : low + fraction * (high - low);
}

[[noreturn]] void throw_not_finite(double x) {
  throw Error("quantile sketch: cannot count the non-finite value " + std::to_string(x));
}

}  // namespace

QuantileSketch::QuantileSketch(int mantissa_bits, std::size_t max_buckets)
    : mantissa_bits_(mantissa_bits), max_buckets_(max_buckets) {
  if (mantissa_bits < 1 || mantissa_bits > 20) {
    throw Error("quantile sketch: mantissa bits (" + std::to_string(mantissa_bits) + ") must lie in [1, 20]");
  }
  if (max_buckets < 16) {
    throw Error("quantile sketch: max buckets (" + std::to_string(max_buckets) + ") must be at least 16");
  }
}

double QuantileSketch::relative_accuracy() const noexcept {
  return 1.0 / (std::ldexp(1.0, mantissa_bits_ + 1) + 1.0);
}

// The key is the double's exponent and top mantissa bits: monotone in the magnitude, no log needed.
std::int64_t QuantileSketch::key_of(double magnitude) const noexcept {
  return static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(magnitude) >> (mantissa_width - mantissa_bits_));
}

double QuantileSketch::lower_edge(std::int64_t key) const noexcept {
  return std::bit_cast<double>(static_cast<std::uint64_t>(key) << (mantissa_width - mantissa_bits_));
}

// The harmonic mean 2 l u / (l + u) of the bucket's edges: the point whose largest relative error over
// [l, u) is smallest, (u - l) / (u + l) <= 1 / (2^(m+1) + 1). Written to avoid overflow near DBL_MAX.
double QuantileSketch::representative(std::int64_t key) const noexcept {
  const double lower = lower_edge(key);
  const double upper = lower_edge(key + 1);
  if (!std::isfinite(upper)) return lower;
  return lower * (2.0 / (1.0 + lower / upper));
}

void QuantileSketch::Store::reserve_window(std::int64_t low, std::int64_t high, std::size_t max_buckets) {
  const auto size = static_cast<std::int64_t>(counts.size());
  if (!counts.empty() && low >= offset && high < offset + size) return;
  // Slack on both sides keeps regrowth amortised; the window stays below 1.5 max_buckets + 64.
  const std::int64_t width = high - low + 1;
  const std::int64_t extra =
      std::min<std::int64_t>(width, static_cast<std::int64_t>(max_buckets)) / 4 + 16;
  const std::int64_t new_offset = low - extra;
  std::vector<std::uint64_t> grown(static_cast<std::size_t>(width + 2 * extra), 0);
  if (total > 0) {
    for (std::int64_t key = min_key; key <= max_key; ++key) {
      if (key >= offset && key < offset + size) {
        grown[static_cast<std::size_t>(key - new_offset)] = counts[static_cast<std::size_t>(key - offset)];
      }
    }
  }
  counts.swap(grown);
  offset = new_offset;
}

void QuantileSketch::Store::add(std::int64_t key, std::uint64_t count, std::size_t max_buckets) {
  if (count == 0) return;
  const auto span = static_cast<std::int64_t>(max_buckets) - 1;
  if (total == 0) {
    reserve_window(key, key, max_buckets);
    min_key = key;
    max_key = key;
  } else if (key > max_key) {
    // A new largest key: keys below key - span are folded into the lowest kept bucket. Where the
    // mass ends up depends only on the largest key, so the order of additions does not matter.
    const std::int64_t lowest = key - span;
    if (lowest > min_key) {
      collapsed = true;
      std::uint64_t folded = 0;
      const std::int64_t end = std::min(lowest - 1, max_key);
      for (std::int64_t k = min_key; k <= end; ++k) {
        auto& slot = counts[static_cast<std::size_t>(k - offset)];
        folded += slot;
        slot = 0;
      }
      min_key = lowest;
      max_key = key;
      reserve_window(lowest, key, max_buckets);
      counts[static_cast<std::size_t>(lowest - offset)] += folded;
    } else {
      reserve_window(min_key, key, max_buckets);
      max_key = key;
    }
  } else if (key < min_key) {
    const std::int64_t lowest = max_key - span;
    if (key < lowest) {
      key = lowest;
      collapsed = true;
    }
    reserve_window(key, max_key, max_buckets);
    min_key = key;
  }
  counts[static_cast<std::size_t>(key - offset)] += count;
  total += count;
}

void QuantileSketch::add(double x) {
  const double magnitude = std::fabs(x);
  if (!(magnitude <= std::numeric_limits<double>::max())) throw_not_finite(x);
  ++count_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  if (magnitude < std::numeric_limits<double>::min()) {
    ++zero_count_;
    return;
  }
  Store& store = x > 0 ? positive_ : negative_;
  const std::int64_t key = key_of(magnitude);
  if (store.total != 0 && key >= store.min_key && key <= store.max_key) {
    ++store.counts[static_cast<std::size_t>(key - store.offset)];
    ++store.total;
  } else {
    store.add(key, 1, max_buckets_);
  }
}

void QuantileSketch::add(std::span<const double> values) {
  // Validation and the range in one branch-free pass; the counting loop then has no checks left.
  double low = min_;
  double high = max_;
  bool finite = true;
  for (const double value : values) {
    low = std::min(low, value);
    high = std::max(high, value);
    finite &= std::fabs(value) <= std::numeric_limits<double>::max();
  }
  if (!finite) {
    for (const double value : values) add(value);  // counts up to the offending value, then throws
    return;
  }
  min_ = low;
  max_ = high;
  count_ += values.size();
  // The hot loop keeps the positive store's window in locals (the compiler cannot, since the counts
  // could alias the store's fields) and leaves everything else to the general path.
  std::uint64_t* counts = positive_.counts.data();
  std::int64_t offset = positive_.offset;
  std::int64_t first_key = positive_.total != 0 ? positive_.min_key : 1;
  std::int64_t last_key = positive_.total != 0 ? positive_.max_key : 0;
  std::uint64_t counted = 0;
  for (const double value : values) {
    if (value >= std::numeric_limits<double>::min()) {
      const std::int64_t key = key_of(value);
      if (key >= first_key && key <= last_key) {
        ++counts[static_cast<std::size_t>(key - offset)];
        ++counted;
        continue;
      }
      positive_.total += counted;
      counted = 0;
      positive_.add(key, 1, max_buckets_);
      counts = positive_.counts.data();
      offset = positive_.offset;
      first_key = positive_.min_key;
      last_key = positive_.max_key;
    } else if (value <= -std::numeric_limits<double>::min()) {
      negative_.add(key_of(-value), 1, max_buckets_);
    } else {
      ++zero_count_;
    }
  }
  positive_.total += counted;
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.mantissa_bits_ != mantissa_bits_ || other.max_buckets_ != max_buckets_) {
    throw Error("quantile sketch: cannot merge sketches with different parameters");
  }
  const auto merge_store = [this](Store& into, const Store& from) {
    if (from.total == 0) return;
    // Largest key first, so that any folding happens once.
    for (std::int64_t key = from.max_key; key >= from.min_key; --key) {
      into.add(key, from.counts[static_cast<std::size_t>(key - from.offset)], max_buckets_);
    }
    into.collapsed = into.collapsed || from.collapsed;
  };
  merge_store(positive_, other.positive_);
  merge_store(negative_, other.negative_);
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::size_t QuantileSketch::bucket_count() const noexcept {
  std::size_t result = zero_count_ > 0 ? 1 : 0;
  for (const Store* store : {&positive_, &negative_}) {
    if (store->total == 0) continue;
    for (std::int64_t key = store->min_key; key <= store->max_key; ++key) {
      result += store->counts[static_cast<std::size_t>(key - store->offset)] != 0 ? 1 : 0;
    }
  }
  return result;
}

double QuantileSketch::value_at_rank(std::uint64_t rank) const {
  // Ascending order: negative buckets from the largest |x| down, then zeros, then positive buckets up.
  double value = 0.0;
  if (rank < negative_.total) {
    std::uint64_t seen = 0;
    for (std::int64_t key = negative_.max_key; key >= negative_.min_key; --key) {
      seen += negative_.counts[static_cast<std::size_t>(key - negative_.offset)];
      if (seen > rank) {
        value = -representative(key);
        break;
      }
    }
  } else if (rank - negative_.total < zero_count_) {
    value = 0.0;
  } else {
    const std::uint64_t positive_rank = rank - negative_.total - zero_count_;
    std::uint64_t seen = 0;
    for (std::int64_t key = positive_.min_key; key <= positive_.max_key; ++key) {
      seen += positive_.counts[static_cast<std::size_t>(key - positive_.offset)];
      if (seen > positive_rank) {
        value = representative(key);
        break;
      }
    }
  }
  // Clamping to the exact range can only move the value towards the true order statistic.
  return std::clamp(value, min_, max_);
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0) throw Error("quantile sketch: no values counted");
  if (!(q >= 0.0 && q <= 1.0)) {
    throw Error("quantile sketch: probability " + std::to_string(q) + " is outside [0, 1]");
  }
  const double h = static_cast<double>(count_ - 1) * q;
  const auto low = static_cast<std::uint64_t>(std::floor(h));
  const std::uint64_t high = std::min(low + 1, count_ - 1);
  // The extreme order statistics are known exactly.
  const auto order_statistic = [this](std::uint64_t rank) {
    if (rank == 0) return min_;
    if (rank == count_ - 1) return max_;
    return value_at_rank(rank);
  };
  const double fraction = h - static_cast<double>(low);
  const double low_value = order_statistic(low);
  return fraction == 0.0 ? low_value : interpolate(low_value, order_statistic(high), fraction);
}

std::vector<double> QuantileSketch::quantiles(std::span<const double> probabilities) const {
  std::vector<double> result;
  result.reserve(probabilities.size());
  for (const double q : probabilities) result.push_back(quantile(q));
  return result;
}

std::vector<QuantileSketch::Bucket> QuantileSketch::buckets() const {
  std::vector<Bucket> result;
  if (negative_.total > 0) {
    for (std::int64_t key = negative_.max_key; key >= negative_.min_key; --key) {
      const std::uint64_t count = negative_.counts[static_cast<std::size_t>(key - negative_.offset)];
      if (count != 0) result.push_back({-lower_edge(key + 1), -lower_edge(key), -representative(key), count});
    }
  }
  if (zero_count_ > 0) result.push_back({0.0, 0.0, 0.0, zero_count_});
  if (positive_.total > 0) {
    for (std::int64_t key = positive_.min_key; key <= positive_.max_key; ++key) {
      const std::uint64_t count = positive_.counts[static_cast<std::size_t>(key - positive_.offset)];
      if (count != 0) result.push_back({lower_edge(key), lower_edge(key + 1), representative(key), count});
    }
  }
  return result;
}

}  // namespace pdoom
