#pragma once
// Random streams keyed by (seed, key, block): a node's draws depend on its name, not on
// what else is in the model or which thread runs the block.

#include <pcg_random.hpp>

#include <cstdint>
#include <string_view>

namespace pdoom {

/// The engine used everywhere in pdoom.
using Engine = pcg64;

/// The seed used when the user gives none, so that two people running one file see the same numbers.
inline constexpr std::uint64_t default_seed = 20180606;

/// A 64-bit hash of a key (a node's name), stable across platforms and releases.
[[nodiscard]] std::uint64_t stream_key(std::string_view key) noexcept;

/// The engine for one (seed, key, block); independent streams for distinct triples.
[[nodiscard]] Engine make_stream(std::uint64_t seed, std::string_view key, std::uint64_t block) noexcept;

/// A uniform strictly inside (0, 1): (k + 1/2) / 2^52 for a 52-bit k, so quantile transforms stay finite.
/// The grid is symmetric (u and 1 - u both occur) and every value is exact: with 53 random bits the
/// largest (k + 1/2) / 2^53 would round to 1.
[[nodiscard]] inline double uniform_open(Engine& engine) noexcept {
  return (static_cast<double>(engine() >> 12) + 0.5) * 0x1.0p-52;
}

}  // namespace pdoom
