#pragma once
// Sampling designs: how the uniforms that drive each input are laid out over the samples of a run.
// Every design gives one uniform in (0, 1) per input and sample, so copulas, distributions and
// sensitivity analysis work the same way whatever the design.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pdoom {

/// The sampling design of a run.
enum class Design {
  mc,     ///< plain Monte Carlo: independent uniforms from the (seed, key, block) stream
  lhs,    ///< Latin hypercube over the whole run: each of `total` strata of each input hit exactly once
  sobol,  ///< randomised Sobol quasi-Monte Carlo (Owen-style hash scrambling keyed by seed and input)
};

/// The design named `name` ("mc", "lhs", "sobol"); nullopt for any other name.
[[nodiscard]] std::optional<Design> parse_design(std::string_view name) noexcept;

/// The name of a design as `parse_design` reads it ("mc", "lhs", "sobol").
[[nodiscard]] std::string_view design_name(Design design) noexcept;

/// Fills u[0..n) with the uniforms in (0,1) driving input `key` (dimension index `dimension` among
/// `dimensions` inputs) for samples [first, first+n) of a run of `total` samples; `n` is u.size().
/// mc and lhs use the stream make_stream(seed, key, block_index); sobol ignores block_index (its points
/// depend on the sample index only) and builds its direction numbers on each call: a caller filling many
/// blocks should hold a SobolSequence (sobol.hpp) instead.
/// @throws Error if first + n > total, dimension >= dimensions, or (sobol) dimensions exceeds
///         sobol_max_dimensions().
void fill_uniforms(Design design, std::uint64_t seed, std::string_view key, std::size_t dimension,
                   std::size_t dimensions, std::uint64_t first, std::size_t n, std::uint64_t total,
                   std::uint64_t block_index, std::span<double> u);

}  // namespace pdoom
