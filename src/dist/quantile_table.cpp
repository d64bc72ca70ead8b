#include "quantile_table.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace pdoom::detail {
namespace {

constexpr int degree = 7;
constexpr int node_count = degree + 1;
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
// Subdivisions per octave: 2^3 to 2^9 segments.
constexpr int min_bits = 3;
constexpr int max_bits = 9;

// Chebyshev-Lobatto points cos(pi k / 7), k = 0..7, from +1 down to -1.
std::array<double, node_count> lobatto_points() {
  std::array<double, node_count> points{};
  for (int k = 0; k < node_count; ++k) points[k] = std::cos(M_PI * k / degree);
  points[0] = 1;
  points[degree] = -1;
  return points;
}

// Monomial coefficients of the Chebyshev polynomials T_0..T_7 (row k holds T_k).
constexpr double chebyshev_monomials[node_count][node_count] = {
    {1, 0, 0, 0, 0, 0, 0, 0},          {0, 1, 0, 0, 0, 0, 0, 0},
    {-1, 0, 2, 0, 0, 0, 0, 0},         {0, -3, 0, 4, 0, 0, 0, 0},
    {1, 0, -8, 0, 8, 0, 0, 0},         {0, 5, 0, -20, 0, 16, 0, 0},
    {-1, 0, 18, 0, -48, 0, 32, 0},     {0, -7, 0, 56, 0, -112, 0, 64}};

struct Fit {
  double monomial[node_count];
  double error_estimate;  // absolute
};

// Interpolates values at the Lobatto points (values[k] at cos(pi k / 7)) by a degree-7 polynomial:
// Chebyshev coefficients by the discrete cosine transform (type I), then monomials. The error estimate
// is the size of the two highest Chebyshev coefficients: for a smooth function they decay
// geometrically, so this overstates the interpolation error, which is what a safety check wants.
Fit fit(const std::array<double, node_count>& values) {
  double chebyshev[node_count];
  for (int j = 0; j < node_count; ++j) {
    double sum = 0;
    for (int k = 0; k < node_count; ++k) {
      const double weight = (k == 0 || k == degree) ? 0.5 : 1.0;
      sum += weight * values[k] * std::cos(M_PI * j * k / degree);
    }
    chebyshev[j] = sum * 2.0 / degree;
  }
  chebyshev[0] *= 0.5;
  chebyshev[degree] *= 0.5;
  Fit result{};
  for (int i = 0; i < node_count; ++i) {
    double sum = 0;
    for (int j = 0; j < node_count; ++j) sum += chebyshev[j] * chebyshev_monomials[j][i];
    result.monomial[i] = sum;
  }
  result.error_estimate = std::fabs(chebyshev[degree - 1]) + std::fabs(chebyshev[degree]);
  return result;
}

double evaluate(const double* c, double t) noexcept {
  // Estrin's scheme: a dependency chain of three multiply-adds instead of Horner's seven. (Plain
  // a * b + c: std::fma is a slow library call unless the target has FMA instructions.)
  const double t2 = t * t;
  const double t4 = t2 * t2;
  const double p01 = c[1] * t + c[0];
  const double p23 = c[3] * t + c[2];
  const double p45 = c[5] * t + c[4];
  const double p67 = c[7] * t + c[6];
  const double p03 = p23 * t2 + p01;
  const double p47 = p67 * t2 + p45;
  return p47 * t4 + p03;
}

}  // namespace

QuantileTable QuantileTable::build(ExactQuantileRef exact, double zero_scale, double low, double high) {
  QuantileTable table;
  table.low_ = low;
  table.high_ = high;
  const auto points = lobatto_points();
  double uncovered = 0;  // probability mass (in u) sent to the fall-back
  for (int side = 0; side < 2; ++side) {
    const bool upper = side == 1;
    for (int octave = 0; octave < octave_count; ++octave) {
      const double octave_low = std::ldexp(1.0, -(octave + 2));  // v at the octave's start
      std::vector<Segment> accepted;
      int bits = min_bits;
      for (;; ++bits) {
        const int count = 1 << bits;
        // v(s, t) for segment s, t in [-1, 1]; the mantissa fraction is linear in v within an octave.
        const auto v_at = [&](int segment, double t) {
          const double fraction = (segment + 0.5 * (t + 1)) / count;
          return std::min(octave_low * (1 + fraction), QuantileTable::below_half);
        };
        std::vector<Segment> segments(count);
        bool all_good = true;
        double previous_end = exact(v_at(0, -1), upper);  // shared endpoint of adjacent segments
        for (int s = 0; s < count; ++s) {
          std::array<double, node_count> values{};
          values[degree] = previous_end;  // t = -1
          for (int k = 0; k < degree; ++k) values[k] = exact(v_at(s, points[k]), upper);
          previous_end = values[0];       // t = +1 starts the next segment
          const Fit f = fit(values);
          // Check also between nodes, at t = 0, so that a kink or jump cannot hide behind decaying coefficients.
          const double middle = exact(v_at(s, 0.0), upper);
          double smallest = std::fabs(middle);
          bool finite = std::isfinite(middle);
          for (const double value : values) {
            smallest = std::min(smallest, std::fabs(value));
            finite = finite && std::isfinite(value);
          }
          const double allowed = tolerance * std::max(smallest, zero_scale);
          const double middle_error = std::fabs(evaluate(f.monomial, 0.0) - middle);
          const bool good = finite && smallest >= std::numeric_limits<double>::min() * 0x1.0p+60 &&
                            f.error_estimate <= allowed && middle_error <= allowed;
          // A segment of zeros (an atom at 0) is exact whatever its size.
          bool all_zero = finite;
          for (const double value : values) all_zero = all_zero && value == 0;
          if (good || (all_zero && middle == 0)) {
            std::copy(std::begin(f.monomial), std::end(f.monomial), segments[s].coefficients);
          } else {
            std::fill(std::begin(segments[s].coefficients), std::end(segments[s].coefficients), not_a_number);
            all_good = false;
            if (bits < max_bits) break;  // refine the whole octave
            uncovered += octave_low / count;
          }
        }
        if (all_good || bits >= max_bits) {
          accepted = std::move(segments);
          break;
        }
      }
      Octave& o = table.octaves_[side * octave_count + octave];
      o.first = static_cast<std::uint32_t>(table.segments_.size());
      o.shift = static_cast<std::uint32_t>(52 - bits);
      o.scale = std::ldexp(1.0, 1 - static_cast<int>(o.shift));
      table.segments_.insert(table.segments_.end(), accepted.begin(), accepted.end());
    }
  }
  const double tails = 2 * std::ldexp(1.0, -(octave_count + 1));
  table.coverage_ = 1 - tails - uncovered;
  return table;
}

}  // namespace pdoom::detail
