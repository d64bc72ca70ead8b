#pragma once
// A precomputed piecewise-polynomial quantile function (private to src/dist).
//
// Layout: u in (0, 0.5] uses v = u, u in (0.5, 1) uses v = 1 - u (exact in floating point), so each
// half is a function of v in (0, 0.5] and the upper tail keeps full precision. v is split into octaves
// [2^-(j+2), 2^-(j+1)) read straight from its exponent bits, each octave into 2^k equal segments read
// from its leading mantissa bits (k adapts per octave), and each segment holds a degree-7 polynomial
// (8 coefficients: one 64-byte cache line) interpolating the exact quantile at Chebyshev-Lobatto
// points. A lookup is a few integer operations, one load and an Estrin evaluation: no search, no
// branch that depends on the data except the rare fall-back.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace pdoom::detail {

/// The exact quantile the table approximates: at v (upper = false) or at 1 - v (upper = true), v in (0, 0.5].
class ExactQuantileRef {
 public:
  template <class F>
  ExactQuantileRef(const F& function) noexcept  // NOLINT(google-explicit-constructor)
      : object_(&function),
        call_([](const void* object, double v, bool upper) { return (*static_cast<const F*>(object))(v, upper); }) {}
  double operator()(double v, bool upper) const { return call_(object_, v, upper); }

 private:
  const void* object_;
  double (*call_)(const void*, double, bool);
};

class QuantileTable {
 public:
  /// Octaves covered on each side: v >= 2^-(octave_count + 1), about 1.2e-10. Beyond, callers fall back
  /// to the exact function (probability 2.3e-10 per uniform draw).
  static constexpr int octave_count = 32;
  /// Relative accuracy asked of every segment; segments that cannot meet it hold NaN and fall back.
  static constexpr double tolerance = 1e-10;

  /// Tabulates `exact`. Errors are relative to max(|Q|, zero_scale): pass 0 for a quantile of one sign,
  /// or a small multiple of the spread for one that crosses zero (where relative error means nothing).
  /// Values are clamped to the support [low, high]: a polynomial may overshoot an end by an ulp.
  [[nodiscard]] static QuantileTable build(ExactQuantileRef exact, double zero_scale, double low, double high);

  /// The tabulated quantile at u, or NaN where the table does not reach (u outside the covered octaves,
  /// a segment that failed, or u not a number). Inline: it is the whole of a draw.
  [[nodiscard]] double lookup(double u) const noexcept {
    // Branch-free on purpose: which half u falls in is a coin flip, and a mispredicted branch costs
    // more than the whole evaluation. 1 - u is exact for u >= 0.5, and min() picks it exactly then.
    const bool upper = u > 0.5;
    double v = std::min(u, 1.0 - u);
    v = std::min(v, below_half);  // u = 0.5 evaluates the last segment at its (open) end
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
    // Biased exponent 1021 is the octave [0.25, 0.5); smaller v, zero and NaN give large values.
    const std::uint64_t octave = std::uint64_t{1021} - (bits >> 52);
    if (octave >= static_cast<std::uint64_t>(octave_count)) [[unlikely]] return nan_value();
    const Octave& o = octaves_[static_cast<std::size_t>(upper) * octave_count + octave];
    const std::uint64_t mantissa = bits & mantissa_mask;
    const double* c = segments_[o.first + (mantissa >> o.shift)].coefficients;
    const std::uint64_t within = mantissa & ((std::uint64_t{1} << o.shift) - 1);
    const double t = static_cast<double>(static_cast<std::int64_t>(within)) * o.scale - 1.0;
    // Estrin's scheme: a dependency chain of three multiply-adds instead of Horner's seven. (Plain
    // a * b + c: std::fma is a slow library call unless the target has FMA instructions.)
    const double t2 = t * t;
    const double t4 = t2 * t2;
    const double p03 = (c[3] * t + c[2]) * t2 + (c[1] * t + c[0]);
    const double p47 = (c[7] * t + c[6]) * t2 + (c[5] * t + c[4]);
    // Clamp with the value as first argument of min/max, which keeps a NaN (the fall-back signal).
    return std::max(std::min(p47 * t4 + p03, high_), low_);
  }

  [[nodiscard]] std::size_t segment_count() const noexcept { return segments_.size(); }
  /// Fraction of uniform draws that the table answers without falling back (1 - probability of NaN).
  [[nodiscard]] double coverage() const noexcept { return coverage_; }

 private:
  static constexpr double below_half = 0x1.fffffffffffffp-2;  // the largest double below 0.5
  static constexpr std::uint64_t mantissa_mask = (std::uint64_t{1} << 52) - 1;
  static constexpr double nan_value() noexcept { return std::numeric_limits<double>::quiet_NaN(); }

  struct Octave {
    std::uint32_t first = 0;  // index of its first segment
    std::uint32_t shift = 52; // mantissa bits below the segment index
    double scale = 0;         // 2^(1 - shift): maps the remaining bits to [0, 2)
  };
  struct alignas(64) Segment {
    double coefficients[8];  // monomials in t in [-1, 1)
  };

  std::array<Octave, 2 * octave_count> octaves_{};
  std::vector<Segment> segments_;
  double coverage_ = 0;
  double low_ = -std::numeric_limits<double>::infinity();
  double high_ = std::numeric_limits<double>::infinity();
};

}  // namespace pdoom::detail
