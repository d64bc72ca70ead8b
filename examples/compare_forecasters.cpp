// expect: largest share: disempowerment, difference agrees with the closed form: yes
//
// Two forecasters, one argument: both accept Carlsmith's six-premise chain but disagree on two premises
// (power-seeking and disempowerment, where the 2023 superforecasters differed most from him). How big
// is the difference in p-doom, and which disagreement explains how much of it?
//
//   forecaster A (Carlsmith)                    forecaster B
//   power_seeking  0.65 --.                      power_seeking  0.25 --.
//   disempowerment 0.40 --+--> doom              disempowerment 0.05 --+--> doom
//   (other four premises shared: 0.65, 0.80, 0.40, 0.95)
//
// Both models use the same node names, so their inputs share random numbers (common random numbers):
// the difference of means is estimated from per-sample differences and is far more precise than the
// difference of two independent estimates.

#include "pdoom/audit/compare.hpp"
#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/builder.hpp"
#include "pdoom/model/model.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace {

pdoom::Model forecaster(const std::string& name, double power_seeking, double disempowerment) {
  using namespace pdoom;
  Model model{name};
  NodeInfo probability;
  probability.unit = "probability";
  const double credences[] = {0.65, 0.80, 0.40, power_seeking, disempowerment, 0.95};
  const char* names[] = {"timelines", "incentives", "alignment_difficulty", "power_seeking", "disempowerment",
                         "catastrophe"};
  Expression doom = 1.0;
  for (int i = 0; i < 6; ++i) doom = doom * model.input(names[i], beta_mean(credences[i], 10), probability);
  model.derived("doom", doom, probability);
  model.add_output("doom");
  return model;
}

}  // namespace

int main() {
  using namespace pdoom;
  const Model a = forecaster("forecaster-a", 0.65, 0.40);
  const Model b = forecaster("forecaster-b", 0.25, 0.05);

  CompareOptions options;
  options.samples = 200000;
  options.seed = 3;
  const Comparison comparison = compare(a, b, options);

  // Independent premises: each mean is the product of the premises' means.
  const double shared = 0.65 * 0.80 * 0.40 * 0.95;
  const double closed_form = shared * 0.25 * 0.05 - shared * 0.65 * 0.40;
  const bool agrees = std::abs(comparison.difference - closed_form) <= 4 * comparison.difference_stderr;

  std::printf("p-doom: A %.5f +- %.5f, B %.5f +- %.5f\n", comparison.mean_a, comparison.stderr_a, comparison.mean_b,
              comparison.stderr_b);
  std::printf("difference B - A %.6f +- %.6f (paired, common random numbers)\n", comparison.difference,
              comparison.difference_stderr);
  std::printf("difference agrees with the closed form %.6f: %s\n", closed_form, agrees ? "yes" : "no");
  std::printf("Shapley attribution of the difference (%s):\n", comparison.exact ? "exact" : "sampled");
  double total = 0;
  for (const Change& change : comparison.attribution) {
    std::printf("  %-16s %+.6f\n", change.name.c_str(), change.share);
    total += change.share;
  }
  std::printf("  shares add up to %+.6f\n", total);
  std::printf("largest share: %s, difference agrees with the closed form: %s\n",
              comparison.attribution.front().name.c_str(), agrees ? "yes" : "no");
  return agrees ? 0 : 1;
}
