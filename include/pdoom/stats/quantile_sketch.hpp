#pragma once
// A mergeable streaming quantile sketch with a relative-error guarantee, for runs too large to keep.
//
// Values are counted in logarithmic buckets read straight off the bits of the double (HDR-histogram
// style, as DDSketch does with a log): a bucket is a run of doubles sharing their exponent and top m
// mantissa bits, so its upper edge is at most (1 + 2^-m) times its lower edge. Negative values go into
// a mirror set of buckets on |x|; zero (and |x| below DBL_MIN, 2^-1022) is counted exactly on its own.
//
// Error bound. Let x_(0) <= ... <= x_(n-1) be the values seen, q in [0, 1], h = (n - 1) q, j = floor h.
// quantile(q) interpolates between the representatives of the buckets holding x_(j) and x_(j+1) as
// type 7 does between the order statistics, and each representative r of a value x satisfies
// |r - x| <= alpha |x| with alpha = 1 / (2^(m+1) + 1) (9.756e-4 for the default m = 9). Hence
//     |quantile(q) - Q7(q)| <= alpha * max(|x_(j)|, |x_(j+1)|),
// where Q7 is the exact type-7 quantile; quantile(0) and quantile(1) are the exact min and max.
// The bound holds for order statistics whose |x| is not below the lowest kept bucket of its sign:
// each sign keeps at most max_buckets buckets (8 bytes each; the storage window holds at most
// 1.5 max_buckets + 64 of them), and beyond that the buckets of smallest |x| are folded into the lowest
// kept one (`collapsed()` says whether that ever happened). The default 2^20 buckets cover every
// binade of the normal doubles (2046 binades x 2^9 buckets at m = 9), so with the default nothing is
// ever folded, even for 10^normal(0, 50) heavy tails spanning 400 orders of magnitude. Storage is a
// window over the buckets actually used: a quantity spanning a few decades needs a few kilobytes, the
// whole double range at most 12 MiB per sign.
//
// Counts are integers, so merging is exact; folding depends only on the largest bucket ever seen,
// so the result is identical whatever the order of add and merge calls.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace pdoom {

/// A mergeable quantile sketch with relative accuracy relative_accuracy() (see the header comment).
class QuantileSketch {
 public:
  /// Default mantissa bits per bucket: relative accuracy 1/1025.
  static constexpr int default_mantissa_bits = 9;
  /// Default bound on the number of buckets per sign.
  static constexpr std::size_t default_max_buckets = std::size_t{1} << 20;

  /// One bucket in ascending order of value: [lower, upper) (negated and swapped for negative values).
  struct Bucket {
    double lower;
    double upper;
    double representative;  ///< the value reported for every member: within alpha relative of each
    std::uint64_t count;
  };

  /// An empty sketch.  @throws Error if mantissa_bits is outside [1, 20] or max_buckets < 16.
  explicit QuantileSketch(int mantissa_bits = default_mantissa_bits,
                          std::size_t max_buckets = default_max_buckets);

  /// Counts one value.  @throws Error if x is NaN or infinite.
  void add(double x);

  /// Counts every value of a span.  @throws Error on a NaN or infinite value (those before it stay counted).
  void add(std::span<const double> values);

  /// Adds everything `other` counted.  @throws Error if the two differ in mantissa bits or max buckets.
  void merge(const QuantileSketch& other);

  /// The number of values counted.
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

  /// alpha = 1 / (2^(m+1) + 1): the relative error of every bucket's representative.
  [[nodiscard]] double relative_accuracy() const noexcept;

  /// The exact smallest value counted (+inf when empty).
  [[nodiscard]] double min() const noexcept { return min_; }

  /// The exact largest value counted (-inf when empty).
  [[nodiscard]] double max() const noexcept { return max_; }

  /// Whether buckets were ever folded to respect max_buckets (the bound then fails below the fold).
  [[nodiscard]] bool collapsed() const noexcept { return positive_.collapsed || negative_.collapsed; }

  /// The number of non-empty buckets, including the zero bucket.
  [[nodiscard]] std::size_t bucket_count() const noexcept;

  /// The q-quantile within the documented bound.  @throws Error if empty or q is outside [0, 1].
  [[nodiscard]] double quantile(double q) const;

  /// quantile() at each probability.  @throws as quantile().
  [[nodiscard]] std::vector<double> quantiles(std::span<const double> probabilities) const;

  /// The non-empty buckets in ascending order of value (the zero bucket as [0, 0] when present).
  [[nodiscard]] std::vector<Bucket> buckets() const;

 private:
  // Counts per bucket key for one sign, stored densely over a window of keys.
  struct Store {
    std::vector<std::uint64_t> counts;
    std::int64_t offset = 0;   // key of counts[0]
    std::int64_t min_key = 0;  // smallest non-empty key (valid when total > 0)
    std::int64_t max_key = 0;  // largest non-empty key (valid when total > 0)
    std::uint64_t total = 0;
    bool collapsed = false;

    void add(std::int64_t key, std::uint64_t count, std::size_t max_buckets);
    void reserve_window(std::int64_t low, std::int64_t high, std::size_t max_buckets);
  };

  [[nodiscard]] std::int64_t key_of(double magnitude) const noexcept;
  [[nodiscard]] double lower_edge(std::int64_t key) const noexcept;
  [[nodiscard]] double representative(std::int64_t key) const noexcept;
  [[nodiscard]] double value_at_rank(std::uint64_t rank) const;

  int mantissa_bits_;
  std::size_t max_buckets_;
  Store positive_;
  Store negative_;
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace pdoom
