#pragma once
// Latin hypercube sampling over a whole run without storing a permutation: a keyed bijection of
// [0, total) sends sample i to its stratum, so any block of samples can be filled on its own.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace pdoom {

/// A pseudo-random bijection of [0, size) keyed by (seed, key): a 4-round Feistel network on the
/// smallest power-of-two domain (at least 4) covering `size`, restricted to [0, size) by cycle walking
/// (fewer than 2 rounds of walking on average since the domain is under twice the size).
class StratumPermutation {
 public:
  /// The permutation of [0, size) for (seed, key).  @throws Error if size is 0.
  StratumPermutation(std::uint64_t size, std::uint64_t seed, std::string_view key);

  /// The image of index in [0, size); the result is also in [0, size). Precondition: index < size().
  [[nodiscard]] std::uint64_t operator()(std::uint64_t index) const noexcept;

  /// The size of the permuted range.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// One pass of the Feistel network: a bijection of its power-of-two domain (the smallest covering size(),
  /// at least 4); operator() repeats it until the result is below size(). Precondition: x in that domain.
  [[nodiscard]] std::uint64_t permute_domain(std::uint64_t x) const noexcept;

 private:
  std::uint64_t size_;
  unsigned high_bits_;  // width of the part that gets mixed each round
  unsigned low_bits_;   // width of the part that feeds the round function
  std::array<std::uint64_t, 4> round_keys_;
};

/// Fills u with the Latin-hypercube uniforms of samples [first, first+u.size()) of a run of `total`:
/// sample i lies in stratum [s/total, (s+1)/total) with s = StratumPermutation(total, seed, key)(i),
/// at a position drawn from make_stream(seed, key, block_index); values are clamped strictly inside (0,1).
/// @throws Error if total is 0 or first + u.size() > total.
void latin_hypercube_fill(std::uint64_t seed, std::string_view key, std::uint64_t first, std::uint64_t total,
                          std::uint64_t block_index, std::span<double> u);

}  // namespace pdoom
