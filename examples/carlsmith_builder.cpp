// expect: point estimate 0\.051376, mean within 4 standard errors of the product: yes
//
// Building Carlsmith's (2022) six-premise model in C++ with the builder API, then running it twice:
// with uncertainty around each credence, and with every premise at his point value.
//
//   timelines   incentives   alignment_difficulty   power_seeking   disempowerment   catastrophe
//       |            |                |                    |               |                |
//       '------------'----------------'--------+-----------'---------------'----------------'
//                                              v
//                                        doom = product
//
// Each premise is conditional on the ones before it, so doom is their product (the chain rule).

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"
#include "pdoom/sample/run.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

namespace {

struct Premise {
  const char* name;
  const char* label;
  double credence;  // Carlsmith's point value
};

constexpr std::array<Premise, 6> premises = {{
    {"timelines", "APS systems possible and financially feasible by 2070", 0.65},
    {"incentives", "Strong incentives to build and deploy them", 0.80},
    {"alignment_difficulty", "Aligned systems much harder to build than attractive misaligned ones", 0.40},
    {"power_seeking", "Some misaligned systems seek power in high-impact ways", 0.65},
    {"disempowerment", "That scales to the full disempowerment of humanity", 0.40},
    {"catastrophe", "That disempowerment is an existential catastrophe", 0.95},
}};

// The model with each premise's distribution made from its credence by `premise_distribution`.
pdoom::Model carlsmith(const std::function<pdoom::Distribution(double)>& premise_distribution) {
  using namespace pdoom;
  Model model{"carlsmith"};
  model.title = "Is power-seeking AI an existential risk?";
  Expression doom = 1.0;
  for (const Premise& premise : premises) {
    NodeInfo info;
    info.label = premise.label;
    info.unit = "probability";
    info.source = "Carlsmith (2022)";
    doom = doom * model.input(premise.name, premise_distribution(premise.credence), info);
  }
  NodeInfo info;
  info.label = "Existential catastrophe from power-seeking AI by 2070";
  info.unit = "probability";
  model.derived("doom", doom, info);
  model.add_output("doom");
  return model;
}

}  // namespace

int main() {
  using namespace pdoom;
  RunOptions options;
  options.samples = 200000;
  options.seed = 7;

  // Uncertainty: a beta with mean exactly the credence and concentration a + b = 10.
  const Model uncertain = carlsmith([](double credence) { return beta_mean(credence, 10); });
  const RunResult result = run(uncertain, options);
  const Summary& doom = result.summary("doom");

  // Point estimates: every premise fixed at the credence.
  const Model fixed = carlsmith([](double credence) { return point(credence); });
  const Summary& point_doom = run(fixed, options).summary("doom");

  double product = 1;
  for (const Premise& premise : premises) product *= premise.credence;
  // Independent premises: E[product] = product of means = product of credences.
  const bool agrees = std::abs(doom.mean - product) <= 4 * doom.standard_error;

  std::printf("Carlsmith (2022), six premises, %llu samples\n", static_cast<unsigned long long>(result.samples));
  std::printf("  point estimate %.6f (every sample: min %.6f, max %.6f)\n", point_doom.mean, point_doom.min,
              point_doom.max);
  std::printf("  with uncertainty: mean %.5f +- %.5f, median %.5f, 90%% interval [%.5f, %.5f]\n", doom.mean,
              doom.standard_error, doom.p50, doom.p05, doom.p95);
  std::printf("  mean within 4 standard errors of the product: %s\n", agrees ? "yes" : "no");
  std::printf("  the median is %.0f%% of the mean: a product of uncertain premises is right-skewed\n",
              100 * doom.p50 / doom.mean);
  std::printf("point estimate %.6f, mean within 4 standard errors of the product: %s\n", point_doom.mean,
              agrees ? "yes" : "no");
  return agrees ? 0 : 1;
}
