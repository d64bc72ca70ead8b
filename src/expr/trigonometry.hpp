#pragma once
// Private to the expression engine: sin and cos written so that a loop over a block vectorises.
//
// Why: glibc's scalar sin costs about 80 instructions a call and cannot be vectorised without
// -ffast-math; in the Ishigami sensitivity benchmark it was 40% of the run. Here the argument is reduced
// by the Cody-Waite method with pi/2 split into three 33-bit pieces (every product q * piece is exact for
// |q| < 2^20), carrying the reduced argument as a double-double, and both fdlibm kernels (the FreeBSD
// msun polynomials for sin and cos on [-pi/4, pi/4], which take the tail into account) are evaluated and
// the quadrant's result picked with bit masks: no branch, no table, no call. Measured error against long
// double: at most 1 ulp (tests/test_expr_trigonometry.cpp). Arguments beyond `fast_trigonometry_limit`
// in magnitude, infinities and NaN go to std::sin / std::cos, whose reduction is exact for every double.
//
// The scalar functions and the block loops share one inline implementation, so a value computed through
// evaluate_scalar equals the block program's bit for bit.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace pdoom::detail {

/// Largest |x| reduced here: q = round(x * 2 / pi) stays below 2^19, so q times each 33-bit piece of
/// pi/2 is exact.
inline constexpr double fast_trigonometry_limit = 8.0e5;

namespace trigonometry {

inline constexpr double inverse_half_pi = 0x1.45f306dc9c883p-1;
inline constexpr double half_pi_1 = 0x1.921fb544p+0;      // first 33 bits of pi/2
inline constexpr double half_pi_2 = 0x1.0b4611a6p-34;     // next 33 bits
inline constexpr double half_pi_3 = 0x1.3198a2ep-69;      // next 29 bits
inline constexpr double half_pi_3_tail = 8.47842766036889956997e-32;  // pi/2 - the three pieces
inline constexpr double shifter = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits

// The rounding error of s = a + b (Knuth's TwoSum, valid for any magnitudes).
[[gnu::always_inline]] inline double sum_error(double a, double b, double s) noexcept {
  const double b_virtual = s - a;
  return (a - (s - b_virtual)) + (b - b_virtual);
}

// sin(x + y) for |x| <= pi/4, |y| tiny (FreeBSD msun k_sin.c).
[[gnu::always_inline]] inline double sin_kernel(double x, double y) noexcept {
  constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03,
                   s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06,
                   s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
  const double z = x * x;
  const double w = z * z;
  const double r = s2 + z * (s3 + z * s4) + z * w * (s5 + z * s6);
  const double v = z * x;
  return x - ((z * (0.5 * y - v * r) - y) - v * s1);
}

// cos(x + y) for |x| <= pi/4, |y| tiny (FreeBSD msun k_cos.c).
[[gnu::always_inline]] inline double cos_kernel(double x, double y) noexcept {
  constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03,
                   c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07,
                   c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double w = z * z;
  const double r = z * (c1 + z * (c2 + z * c3)) + w * w * (c4 + z * (c5 + z * c6));
  const double half_z = 0.5 * z;
  const double one_minus = 1.0 - half_z;
  return one_minus + (((1.0 - one_minus) - half_z) + (z * r - x * y));
}

// sin(x) when quarter_turns is 0, cos(x) when it is 1; requires |x| <= fast_trigonometry_limit.
[[gnu::always_inline]] inline double sin_quadrant(double x, std::uint64_t quarter_turns) noexcept {
  const double shifted = x * inverse_half_pi + shifter;
  const double q = shifted - shifter;
  // The low bits of the shifted value's mantissa hold q mod 4 (two's complement for q < 0).
  const std::uint64_t quadrant = std::bit_cast<std::uint64_t>(shifted) + quarter_turns;
  const double a = x - q * half_pi_1;  // exact: both products are exact, and Sterbenz applies
  const double b = q * half_pi_2;
  const double r1 = a - b;
  const double e1 = sum_error(a, -b, r1);
  const double c = q * half_pi_3;
  const double r2 = r1 - c;
  const double e2 = sum_error(r1, -c, r2);
  const double tail = (e1 + e2) - q * half_pi_3_tail;
  const double head = r2 + tail;
  const double low = tail - (head - r2);
  const double s = sin_kernel(head, low);
  const double co = cos_kernel(head, low);
  const std::uint64_t use_cos = std::uint64_t{0} - (quadrant & 1U);
  std::uint64_t bits = (std::bit_cast<std::uint64_t>(co) & use_cos) | (std::bit_cast<std::uint64_t>(s) & ~use_cos);
  bits ^= (quadrant & 2U) << 62;
  // sin(-0) is -0, but the reduction above gives +0: put x's sign back when x is a zero and this is sin.
  // Integer arithmetic instead of a comparison, because a select would stop GCC vectorising the loop.
  const std::uint64_t x_bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t magnitude_twice = x_bits << 1;
  const std::uint64_t is_zero = ((magnitude_twice - 1) >> 63) & ~(magnitude_twice >> 63);
  bits |= x_bits & ((is_zero & (1U - (quarter_turns & 1U))) << 63);
  return std::bit_cast<double>(bits);
}

// One pass: whether every |x| is within the fast range (false for NaN and infinities). Compares bit
// patterns, which order non-negative doubles (NaN and inf above every finite value) and vectorise.
inline bool all_within_limit(const double* x, std::size_t n) noexcept {
  constexpr std::uint64_t limit_bits = std::bit_cast<std::uint64_t>(fast_trigonometry_limit);
  std::uint64_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t magnitude = std::bit_cast<std::uint64_t>(x[i]) & 0x7fffffffffffffffULL;
    outside |= (limit_bits - magnitude) >> 63;
  }
  return outside == 0;
}

// out[i] = sin_quadrant(x[i], quarter_turns), or std::sin / std::cos where |x[i]| is too large or not
// finite (trigonometry.cpp; compiled for AVX2 too, where it runs on 4 lanes instead of 2).
void block(const double* x, double* out, std::size_t n, std::uint64_t quarter_turns) noexcept;

}  // namespace trigonometry

/// sin(x), within 1 ulp; the same value as sin_block gives for x.
inline double fast_sin(double x) noexcept {
  return std::abs(x) <= fast_trigonometry_limit ? trigonometry::sin_quadrant(x, 0) : std::sin(x);
}
/// cos(x), within 1 ulp; the same value as cos_block gives for x.
inline double fast_cos(double x) noexcept {
  return std::abs(x) <= fast_trigonometry_limit ? trigonometry::sin_quadrant(x, 1) : std::cos(x);
}
/// out[i] = fast_sin(x[i]) for i < n (out may equal x).
inline void sin_block(const double* x, double* out, std::size_t n) noexcept { trigonometry::block(x, out, n, 0); }
/// out[i] = fast_cos(x[i]) for i < n (out may equal x).
inline void cos_block(const double* x, double* out, std::size_t n) noexcept { trigonometry::block(x, out, n, 1); }

}  // namespace pdoom::detail
