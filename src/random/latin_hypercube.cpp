#include "pdoom/random/latin_hypercube.hpp"

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"

#include <algorithm>
#include <bit>
#include <string>

namespace pdoom {
namespace {

// The Feistel round function: a keyed multiply-xorshift-multiply; its top bits are well mixed.
constexpr std::uint64_t round_function(std::uint64_t low, std::uint64_t key) noexcept {
  std::uint64_t x = (low ^ key) * 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 31;
  return x * 0x94d049bb133111ebULL;
}

constexpr std::uint64_t low_mask(unsigned bits) noexcept {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

// The block index reserved for the permutation's keys: sample blocks never get this far.
constexpr std::uint64_t permutation_block = ~std::uint64_t{0};

// Both ends of the open unit interval as doubles: uniforms must never be exactly 0 or 1.
constexpr double smallest_open = 0x1.0p-53;
constexpr double largest_open = 1.0 - 0x1.0p-53;

}  // namespace

StratumPermutation::StratumPermutation(std::uint64_t size, std::uint64_t seed, std::string_view key)
    : size_(size), high_bits_(0), low_bits_(0), round_keys_{} {
  if (size == 0) throw Error("latin hypercube: the number of strata must be positive");
  // Smallest power-of-two domain >= size, at least 4 so that both Feistel halves have a bit.
  const unsigned bits = std::max(2U, static_cast<unsigned>(std::bit_width(size - 1)));
  high_bits_ = bits / 2;
  low_bits_ = bits - high_bits_;
  Engine engine = make_stream(seed, key, permutation_block);
  for (auto& round_key : round_keys_) round_key = engine();
}

std::uint64_t StratumPermutation::permute_domain(std::uint64_t x) const noexcept {
  // Rotating Feistel rounds on a domain of high_bits_ + low_bits_ bits: the high part is XORed with a
  // keyed function of the low part, then the parts swap places. Each round is invertible, so the
  // composition is a bijection of the domain, whatever the round function.
  const std::uint64_t high_mask = low_mask(high_bits_);
  const std::uint64_t lower_mask = low_mask(low_bits_);
  for (const std::uint64_t round_key : round_keys_) {
    const std::uint64_t high = x >> low_bits_;
    const std::uint64_t low = x & lower_mask;
    const std::uint64_t mixed = (high ^ (round_function(low, round_key) >> (64 - high_bits_))) & high_mask;
    x = (low << high_bits_) | mixed;
  }
  return x;
}

std::uint64_t StratumPermutation::operator()(std::uint64_t index) const noexcept {
  // Cycle walking: following the domain permutation's cycle from an index below size_ must come back
  // below size_, and doing so for every index gives a bijection of [0, size_).
  std::uint64_t x = permute_domain(index);
  while (x >= size_) x = permute_domain(x);
  return x;
}

void latin_hypercube_fill(std::uint64_t seed, std::string_view key, std::uint64_t first, std::uint64_t total,
                          std::uint64_t block_index, std::span<double> u) {
  if (total == 0) throw Error("latin hypercube: the run has no samples");
  if (first > total || u.size() > total - first) {
    throw Error("latin hypercube: samples [" + std::to_string(first) + ", " + std::to_string(first) + " + " +
                std::to_string(u.size()) + ") exceed the run of " + std::to_string(total));
  }
  const StratumPermutation permutation(total, seed, key);
  Engine engine = make_stream(seed, key, block_index);
  const double width = 1.0 / static_cast<double>(total);
  // Strata in batches: the Feistel rounds of independent indices overlap in the pipeline, and only the
  // few that fall outside [0, total) walk on.
  constexpr std::size_t batch = 8;
  std::uint64_t strata[batch];
  for (std::size_t start = 0; start < u.size(); start += batch) {
    const std::size_t count = std::min(batch, u.size() - start);
    for (std::size_t k = 0; k < count; ++k) strata[k] = permutation.permute_domain(first + start + k);
    for (std::size_t k = 0; k < count; ++k) {
      while (strata[k] >= total) strata[k] = permutation.permute_domain(strata[k]);
      const double value = (static_cast<double>(strata[k]) + uniform_open(engine)) * width;
      u[start + k] = std::clamp(value, smallest_open, largest_open);
    }
  }
}

}  // namespace pdoom
