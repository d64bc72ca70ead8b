#include "pdoom/random/design.hpp"

#include "pdoom/error.hpp"
#include "pdoom/random/latin_hypercube.hpp"
#include "pdoom/random/sobol.hpp"
#include "pdoom/random/stream.hpp"

#include <string>

namespace pdoom {

std::optional<Design> parse_design(std::string_view name) noexcept {
  if (name == "mc") return Design::mc;
  if (name == "lhs") return Design::lhs;
  if (name == "sobol") return Design::sobol;
  return std::nullopt;
}

std::string_view design_name(Design design) noexcept {
  switch (design) {
    case Design::mc: return "mc";
    case Design::lhs: return "lhs";
    case Design::sobol: return "sobol";
  }
  return "unknown";
}

void fill_uniforms(Design design, std::uint64_t seed, std::string_view key, std::size_t dimension,
                   std::size_t dimensions, std::uint64_t first, std::size_t n, std::uint64_t total,
                   std::uint64_t block_index, std::span<double> u) {
  if (u.size() != n) {
    throw Error("fill_uniforms: the output holds " + std::to_string(u.size()) + " values, expected " +
                std::to_string(n));
  }
  if (first > total || n > total - first) {
    throw Error("fill_uniforms: samples [" + std::to_string(first) + ", " + std::to_string(first) + " + " +
                std::to_string(n) + ") exceed the run of " + std::to_string(total));
  }
  if (dimension >= dimensions) {
    throw Error("fill_uniforms: dimension " + std::to_string(dimension) + " is not below the number of inputs (" +
                std::to_string(dimensions) + ")");
  }
  switch (design) {
    case Design::mc: {
      Engine engine = make_stream(seed, key, block_index);
      for (double& value : u) value = uniform_open(engine);
      return;
    }
    case Design::lhs:
      latin_hypercube_fill(seed, key, first, total, block_index, u);
      return;
    case Design::sobol: {
      if (dimensions > sobol_max_dimensions()) {
        throw Error("fill_uniforms: the sobol design supports at most " + std::to_string(sobol_max_dimensions()) +
                    " inputs, the model has " + std::to_string(dimensions));
      }
      // Only the dimensions up to this input's are needed: Sobol dimension d does not depend on later ones.
      const SobolSequence sequence(dimension + 1);
      sequence.fill(seed, key, dimension, first, u);
      return;
    }
  }
  throw Error("fill_uniforms: unknown design");
}

}  // namespace pdoom
