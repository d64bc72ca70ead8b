#include "pdoom/random/stream.hpp"

namespace pdoom {
namespace {

// SplitMix64's finaliser: a bijective mix so that nearby seeds and blocks give unrelated states.
constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

pcg_extras::pcg128_t join(std::uint64_t high, std::uint64_t low) noexcept {
  return (pcg_extras::pcg128_t(high) << 64) | pcg_extras::pcg128_t(low);
}

}  // namespace

std::uint64_t stream_key(std::string_view key) noexcept {
  // FNV-1a: fixed by its definition, so keys hash the same on every platform and release.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return mix(hash);
}

Engine make_stream(std::uint64_t seed, std::string_view key, std::uint64_t block) noexcept {
  const std::uint64_t seeded_key = stream_key(key) ^ mix(seed);
  // pcg64's stream selector keeps distinct (key, block) pairs on distinct sequences;
  // the state mixes all three so that the sequences also start at unrelated points.
  const auto state = join(mix(seed ^ mix(block)), mix(seeded_key + block));
  const auto selector = join(seeded_key, block);
  return Engine(state, selector);
}

}  // namespace pdoom
