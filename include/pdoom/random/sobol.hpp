#pragma once
// Randomised Sobol quasi-Monte Carlo. Direction numbers are those of Boost.Random's sobol engine
// (Joe & Kuo 2008, new-joe-kuo-6), read once per run; points are taken in Gray-code order, so that
// samples [0, 2^k) form a (t, k, d)-net and every 1D projection of them is stratified into 2^k cells.
//
// Randomisation: Owen-style nested uniform scrambling computed by a hash, after Laine & Karras (2011)
// and Burley, "Practical Hash-based Owen Scrambling" (JCGT 2020), with Vegdahl's improved
// Laine-Karras permutation (2021). The top 32 bits of each coordinate are scrambled by the 32-bit
// permutation applied to the bit-reversed value (each output bit depends only on that bit and the
// bits above it, which is what a nested scramble is); the lower 32 bits get a random digital shift
// keyed by the top 32 input bits (a 32-bit integer hash of them and the seed): a uniform position
// inside each elementary interval of width 2^-32, independent between intervals, as Owen's scramble
// gives while no two points share one (n <= 2^32).
// The scramble seed of an input is drawn from make_stream(seed, key, 0), so each input (by name) gets
// its own independent scramble and several seeds give an error estimate.
// This is an approximation of a fully random nested scramble: its quality rests on the hash.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// The largest number of dimensions the Sobol design supports (Boost.Random's table).
[[nodiscard]] std::size_t sobol_max_dimensions() noexcept;

/// The 32-bit scramble seed of input `key` under run seed `seed`: first draw of make_stream(seed, key, 0).
[[nodiscard]] std::uint32_t sobol_scramble_seed(std::uint64_t seed, std::string_view key) noexcept;

/// Nested (Owen-style) hash scramble of a 64-bit fixed-point coordinate in [0, 1) (see the header
/// comment): a bijection of 64-bit integers whose top k output bits depend only on the top k input bits.
[[nodiscard]] std::uint64_t owen_scramble(std::uint64_t x, std::uint32_t scramble_seed) noexcept;

/// Direction numbers of the first `dimensions` Sobol dimensions, built once and reused for every block.
class SobolSequence {
 public:
  /// Reads the direction numbers from Boost.Random.  @throws Error if dimensions is 0 or exceeds
  /// sobol_max_dimensions().
  explicit SobolSequence(std::size_t dimensions);

  /// The number of dimensions held.
  [[nodiscard]] std::size_t dimensions() const noexcept { return dimensions_; }

  /// The unscrambled 64-bit fixed-point coordinate `dimension` of the point of sample `index`
  /// (the Sobol point whose natural index is the Gray code of `index`).
  /// @throws Error if dimension >= dimensions().
  [[nodiscard]] std::uint64_t raw_point(std::size_t dimension, std::uint64_t index) const;

  /// Fills u with coordinate `dimension` of samples [first, first+u.size()), scrambled for input `key`
  /// under `seed` and mapped strictly inside (0,1) at the centre of a 2^-52 cell.
  /// @throws Error if dimension >= dimensions() or first + u.size() overflows 2^64 - 1.
  void fill(std::uint64_t seed, std::string_view key, std::size_t dimension, std::uint64_t first,
            std::span<double> u) const;

 private:
  std::size_t dimensions_;
  std::vector<std::uint64_t> directions_;  // 64 per dimension: directions_[64 * d + r] = v_r
};

/// All dimensions of a block at once: out (size n * keys.size(), column-major) gets in column d the
/// uniforms of input keys[d] as dimension d, for samples [first, first+n).
/// @throws Error if out.size() != n * keys.size(), keys is empty or too many for sobol_max_dimensions().
void sobol_block(std::uint64_t seed, std::span<const std::string> keys, std::uint64_t first, std::size_t n,
                 std::span<double> out);

}  // namespace pdoom
