// expect: Eigen mean of doom matches the run summary: yes
//
// Reading the sample columns of a run into Eigen for an analysis the library does not offer: how does
// p-doom in the flagship model (models/alignment-bottleneck.toml) depend on how far alignment has
// progressed when dangerous capabilities arrive?
//
//   capability_gap, capability_growth --> years_to_dangerous_capability --.
//   alignment_difficulty, alignment_pace, ai_assistance ------------------+--> alignment_progress
//   alignment_progress --> misaligned, autonomous_deployment --> doom
//
// keep_samples makes RunResult::values hold every sample (rows) of every node (columns).

#include "pdoom/io/model_file.hpp"
#include "pdoom/sample/run.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <string>

int main() {
  using namespace pdoom;
  const Model model = load_model(std::string(PDOOM_SOURCE_DIR) + "/models/alignment-bottleneck.toml");
  RunOptions options;
  options.samples = 100000;
  options.seed = 5;
  options.keep_samples = true;
  const RunResult result = run(model, options);

  const Eigen::ArrayXXd& values = *result.values;
  const Eigen::ArrayXd doom = values.col(static_cast<Eigen::Index>(*result.column("doom")));
  const Eigen::ArrayXd progress = values.col(static_cast<Eigen::Index>(*result.column("alignment_progress")));
  const Eigen::ArrayXd deployment = values.col(static_cast<Eigen::Index>(*result.column("autonomous_deployment")));

  // Mean of doom in bins of alignment progress: where is the risk concentrated?
  std::printf("alignment progress   share of samples   mean p-doom\n");
  const double edges[] = {0.0, 0.25, 0.5, 0.75, 0.999999, 1.0 + 1e-9};
  for (int bin = 0; bin < 5; ++bin) {
    const Eigen::Array<bool, Eigen::Dynamic, 1> in_bin = progress >= edges[bin] && progress < edges[bin + 1];
    const double count = static_cast<double>(in_bin.count());
    const double mean = count > 0 ? in_bin.select(doom, 0.0).sum() / count : 0.0;
    if (bin < 4) {
      std::printf("  [%.2f, %.2f)         %6.1f%%          %.4f\n", edges[bin], edges[bin + 1],
                  100 * count / static_cast<double>(doom.size()), mean);
    } else {
      std::printf("  solved (= 1)         %6.1f%%          %.4f\n", 100 * count / static_cast<double>(doom.size()), mean);
    }
  }

  // Pearson correlations of doom with progress and with deployment.
  const auto correlation = [](const Eigen::ArrayXd& x, const Eigen::ArrayXd& y) {
    const Eigen::ArrayXd dx = x - x.mean(), dy = y - y.mean();
    return (dx * dy).sum() / std::sqrt(dx.square().sum() * dy.square().sum());
  };
  std::printf("correlation of p-doom with alignment progress %+.3f, with autonomous deployment %+.3f\n",
              correlation(doom, progress), correlation(doom, deployment));

  const Eigen::Index n = doom.size();
  const double tail = static_cast<double>((doom > 0.1).count()) / static_cast<double>(n);
  std::printf("P(p-doom > 10%%) = %.4f (run's own exceedance %.4f)\n", tail,
              result.exceedance[*result.column("doom")][1]);
  const bool matches = std::abs(doom.mean() - result.summary("doom").mean) <= 1e-12;
  std::printf("Eigen mean of doom matches the run summary: %s (%.6f)\n", matches ? "yes" : "no", doom.mean());
  return matches ? 0 : 1;
}
