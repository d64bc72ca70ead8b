// expect: largest total Sobol index: log10_abiogenesis
//
// Sensitivity analysis from C++: which assumptions decide whether we are alone in the galaxy, in the
// Drake-equation model of Sandberg, Drexler & Ord (2018) (models/fermi-sdo-2018.toml)?
//
//   star_formation  planet_fraction  habitable_planets  log10_abiogenesis  intelligence  communication  lifetime
//          \               \                 \           life_fraction          /             /          /
//           `---------------`-----------------`----------- civilisations -------'-------------'----------'
//                                                               |
//                                                     alone_in_galaxy (N < 1)
//
// Tornado: the mean of the output with one input held at its 5th / 95th percentile, the others uncertain.
// Sobol: the share of the output's variance each input explains alone (S1) and in total (ST).

#include "pdoom/io/model_file.hpp"
#include "pdoom/sensitivity/sobol_indices.hpp"
#include "pdoom/sensitivity/tornado.hpp"

#include <cstdio>
#include <string>

int main() {
  using namespace pdoom;
  const Model model = load_model(std::string(PDOOM_SOURCE_DIR) + "/models/fermi-sdo-2018.toml");

  SensitivityOptions options;
  options.output = "alone_in_galaxy";
  options.samples = 1 << 14;
  options.seed = 11;

  const TornadoResult tornado = tornado_analysis(model, options);
  std::printf("P(alone in the galaxy) = %.3f; tornado (input at its 5th / 95th percentile):\n", tornado.baseline);
  for (const TornadoEntry& entry : tornado.inputs) {
    std::printf("  %-18s %.3f .. %.3f  swing %+.3f\n", entry.input.c_str(), entry.low, entry.high, entry.swing);
  }

  const SobolResult sobol = sobol_analysis(model, options);
  std::printf("Sobol indices, %llu base samples (95%% bootstrap intervals):\n",
              static_cast<unsigned long long>(sobol.base_samples));
  for (const SobolIndex& index : sobol.inputs) {
    std::printf("  %-18s S1 %.3f [%.3f, %.3f]   ST %.3f [%.3f, %.3f]\n", index.name.c_str(),
                index.first_order.value, index.first_order.low, index.first_order.high, index.total.value,
                index.total.low, index.total.high);
  }
  std::printf("sum of first-order indices %.3f: %.0f%% of the variance comes from interactions\n",
              sobol.sum_first_order.value, 100 * (1 - sobol.sum_first_order.value));
  std::printf("largest total Sobol index: %s\n", sobol.inputs.front().name.c_str());
  return 0;
}
