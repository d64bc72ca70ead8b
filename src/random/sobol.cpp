#include "pdoom/random/sobol.hpp"

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "../vector_clones.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <bit>
#include <string>

namespace pdoom {
namespace {

constexpr unsigned bits_per_coordinate = 64;

// Reverses the bit order of a 32-bit word: the hash scramble works on the reversed value, where
// carries and multiplications propagate from the most significant input bits towards the less
// significant ones, as a nested scramble requires.
constexpr std::uint32_t reverse_bits(std::uint32_t x) noexcept {
  x = ((x >> 1) & 0x55555555U) | ((x & 0x55555555U) << 1);
  x = ((x >> 2) & 0x33333333U) | ((x & 0x33333333U) << 2);
  x = ((x >> 4) & 0x0F0F0F0FU) | ((x & 0x0F0F0F0FU) << 4);
  return __builtin_bswap32(x);
}

// Vegdahl's improved Laine-Karras permutation: every step (x ^= x * even, x += c, x *= odd) is a
// bijection in which output bit k depends only on input bits 0..k.
constexpr std::uint32_t laine_karras(std::uint32_t x, std::uint32_t seed) noexcept {
  x ^= x * 0x3d20adeaU;
  x += seed;
  x *= (seed >> 16) | 1U;
  x ^= x * 0x05526c56U;
  x ^= x * 0x53a22864U;
  return x;
}

// Wellons's "lowbias32" integer hash (a bijection of 32-bit words with low bias), used to derive the
// digital shift of the lower half from the upper input bits. 32-bit multiplications vectorise (AVX2
// has them); the 64-bit SplitMix finaliser used before does not, and was half of the design's time.
constexpr std::uint32_t hash32(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  return x ^ (x >> 16);
}

// Centre of the 2^-52 cell holding the 64-bit fixed-point value: an odd multiple of 2^-53, exactly
// representable, so the result lies in [2^-53, 1 - 2^-53] and never rounds to 0 or 1. Built from the
// bits of a double in [1, 2) rather than by converting a 64-bit integer (which has no single x86-64
// instruction before AVX-512); every step is exact, so this equals ((x >> 11) | 1) * 2^-53.
inline double to_open_unit(std::uint64_t x) noexcept {
  return (std::bit_cast<double>(0x3FF0000000000000ULL | (x >> 12)) - 1.0) + 0x1.0p-53;
}

// The scramble itself, inlined into the loop of SobolSequence::fill (a call per coordinate cost about
// a tenth of the design's time).
[[gnu::always_inline]] inline std::uint64_t scramble(std::uint64_t x, std::uint32_t scramble_seed) noexcept {
  const auto top = static_cast<std::uint32_t>(x >> 32);
  const std::uint32_t scrambled_top = reverse_bits(laine_karras(reverse_bits(top), scramble_seed));
  // Below 2^-32 a random digital shift keyed by the top input bits: a uniform position inside each
  // elementary interval of width 2^-32, independent between intervals (what Owen's scramble gives
  // there when no two points share an interval, i.e. up to 2^32 points).
  // The key is a hash of the seed so that nearby seeds do not give translated shift patterns.
  const std::uint32_t shift = hash32(top + hash32(scramble_seed ^ 0x9e3779b9U));
  return (static_cast<std::uint64_t>(scrambled_top) << 32) | ((x & 0xFFFFFFFFULL) ^ shift);
}

// u[j] = to_open_unit(scramble(raw[j], scramble_seed)): element-wise, so it vectorises, on 8 lanes
// with AVX2.
PDOOM_VECTOR_CLONES void scramble_to_unit(const std::uint64_t* raw, double* u, std::size_t n,
                                          std::uint32_t scramble_seed) noexcept {
  for (std::size_t j = 0; j < n; ++j) u[j] = to_open_unit(scramble(raw[j], scramble_seed));
}

}  // namespace

std::size_t sobol_max_dimensions() noexcept {
  return boost::random::default_sobol_table::max_dimension;
}

std::uint32_t sobol_scramble_seed(std::uint64_t seed, std::string_view key) noexcept {
  Engine engine = make_stream(seed, key, 0);
  return static_cast<std::uint32_t>(engine() >> 32);
}

std::uint64_t owen_scramble(std::uint64_t x, std::uint32_t scramble_seed) noexcept {
  return scramble(x, scramble_seed);
}

SobolSequence::SobolSequence(std::size_t dimensions) : dimensions_(dimensions) {
  if (dimensions == 0 || dimensions > sobol_max_dimensions()) {
    throw Error("sobol: the number of dimensions (" + std::to_string(dimensions) +
                ") must be between 1 and " + std::to_string(sobol_max_dimensions()));
  }
  directions_.resize(bits_per_coordinate * dimensions);
  boost::random::sobol engine(dimensions);
  // Boost's seed(s) loads the point of natural index gray(s + 1); with s = 2^(r+1) - 2 that index is
  // 2^r, whose point is the direction number v_r itself (one XOR per dimension, no stepping).
  for (unsigned r = 0; r < bits_per_coordinate; ++r) {
    const std::uint64_t sequence =
        r + 1 == bits_per_coordinate ? ~std::uint64_t{1} : (std::uint64_t{2} << r) - 2;
    engine.seed(sequence);
    for (std::size_t d = 0; d < dimensions; ++d) {
      directions_[bits_per_coordinate * d + r] = engine();
    }
  }
}

std::uint64_t SobolSequence::raw_point(std::size_t dimension, std::uint64_t index) const {
  if (dimension >= dimensions_) {
    throw Error("sobol: dimension " + std::to_string(dimension) + " is not below " +
                std::to_string(dimensions_));
  }
  const std::uint64_t* v = directions_.data() + bits_per_coordinate * dimension;
  std::uint64_t gray = index ^ (index >> 1);
  std::uint64_t x = 0;
  for (unsigned r = 0; gray != 0; ++r, gray >>= 1) {
    if (gray & 1U) x ^= v[r];
  }
  return x;
}

void SobolSequence::fill(std::uint64_t seed, std::string_view key, std::size_t dimension, std::uint64_t first,
                         std::span<double> u) const {
  if (u.empty()) return;
  if (u.size() > ~std::uint64_t{0} - first) {
    throw Error("sobol: sample range [" + std::to_string(first) + ", +" + std::to_string(u.size()) +
                ") exceeds 2^64 - 1");
  }
  std::uint64_t x = raw_point(dimension, first);
  const std::uint64_t* v = directions_.data() + bits_per_coordinate * dimension;
  const std::uint32_t scramble_seed = sobol_scramble_seed(seed, key);
  std::uint64_t index = first;
  const std::size_t n = u.size();
  // Two passes per chunk: the Gray-code recurrence is serial (each point from the one before), the
  // scramble is not and vectorises when it runs on its own.
  constexpr std::size_t chunk = 512;
  std::uint64_t raw[chunk];
  for (std::size_t start = 0; start < n; start += chunk) {
    const std::size_t length = std::min(chunk, n - start);
    for (std::size_t j = 0; j < length; ++j) {
      raw[j] = x;
      if (start + j + 1 == n) break;  // index + 1 could overflow after the last sample
      // Gray-code order: the next point differs from this one by the direction number of the lowest
      // set bit of index + 1.
      ++index;
      x ^= v[std::countr_zero(index)];
    }
    scramble_to_unit(raw, u.data() + start, length, scramble_seed);
  }
}

void sobol_block(std::uint64_t seed, std::span<const std::string> keys, std::uint64_t first, std::size_t n,
                 std::span<double> out) {
  if (keys.empty()) throw Error("sobol_block: no keys");
  if (out.size() != n * keys.size()) {
    throw Error("sobol_block: output holds " + std::to_string(out.size()) + " values, expected " +
                std::to_string(n) + " x " + std::to_string(keys.size()));
  }
  const SobolSequence sequence(keys.size());
  for (std::size_t d = 0; d < keys.size(); ++d) {
    sequence.fill(seed, keys[d], d, first, out.subspan(d * n, n));
  }
}

}  // namespace pdoom
