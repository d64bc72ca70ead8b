// expect: bottleneck_strength = 0\.95: faster alignment raises p-doom
//
// Loading a model file and changing one assumption in code. The flagship model
// (models/alignment-bottleneck.toml) says alignment progress lowers the chance that a deployed system
// is misaligned but, where alignment is the bottleneck to deployment, also raises how much gets
// deployed. Here we set that one assumption, bottleneck_strength, to 0.95 and see how the effect of
// three-times-faster alignment research (the file's `fast-alignment` scenario) changes.
//
//   alignment_pace --> alignment_progress --+--> misaligned ------------.
//                                           '--> autonomous_deployment --+--> doom
//                          bottleneck_strength --^    (the assumption we change)

#include "pdoom/expr/parser.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/sample/run.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// p-doom without and with the fast-alignment scenario on the same random numbers: the mean of the
// per-sample differences and its standard error.
void effect_of_fast_alignment(const pdoom::Model& model, const char* name, double& difference, double& stderr_) {
  using namespace pdoom;
  RunOptions options;
  options.samples = 100000;
  options.seed = 9;
  options.keep_samples = true;
  const RunResult slow = run(model, options);
  options.scenario = "fast-alignment";
  const RunResult fast = run(model, options);
  const auto column = static_cast<Eigen::Index>(*slow.column("doom"));
  const Eigen::ArrayXd d = fast.values->col(column) - slow.values->col(column);
  difference = d.mean();
  stderr_ = std::sqrt((d - d.mean()).square().sum() / static_cast<double>(d.size() - 1) / static_cast<double>(d.size()));
  std::printf("%-28s p-doom %.4f -> %.4f with fast alignment: %+.4f +- %.4f\n", name, slow.summary("doom").mean,
              fast.summary("doom").mean, difference, stderr_);
}

}  // namespace

int main() {
  using namespace pdoom;
  Model model = load_model(std::string(PDOOM_SOURCE_DIR) + "/models/alignment-bottleneck.toml");

  double base_difference = 0, base_stderr = 0;
  effect_of_fast_alignment(model, "as in the file:", base_difference, base_stderr);

  // Change one assumption: deployment waits almost entirely for alignment.
  Node bottleneck = *model.find("bottleneck_strength");
  bottleneck.distribution = parse_distribution("point(0.95)");
  bottleneck.info.rationale = "Set in code: autonomous deployment waits for alignment.";
  model.replace(bottleneck);

  double strong_difference = 0, strong_stderr = 0;
  effect_of_fast_alignment(model, "bottleneck_strength = 0.95:", strong_difference, strong_stderr);

  const auto verdict = [](double difference, double stderr_) {
    if (difference > 4 * stderr_) return "raises";
    if (difference < -4 * stderr_) return "lowers";
    return "does not measurably change";
  };
  std::printf("as in the file: faster alignment %s p-doom\n", verdict(base_difference, base_stderr));
  std::printf("bottleneck_strength = 0.95: faster alignment %s p-doom\n", verdict(strong_difference, strong_stderr));
  return 0;
}
