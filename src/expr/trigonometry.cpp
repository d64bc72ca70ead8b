#include "trigonometry.hpp"

#include "../vector_clones.hpp"

namespace pdoom::detail::trigonometry {

PDOOM_VECTOR_CLONES void block(const double* x, double* out, std::size_t n, std::uint64_t quarter_turns) noexcept {
  if (all_within_limit(x, n)) {
    for (std::size_t i = 0; i < n; ++i) out[i] = sin_quadrant(x[i], quarter_turns);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    out[i] = std::abs(v) <= fast_trigonometry_limit ? sin_quadrant(v, quarter_turns)
             : quarter_turns == 0                     ? std::sin(v)
                                                      : std::cos(v);
  }
}

}  // namespace pdoom::detail::trigonometry
