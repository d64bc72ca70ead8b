#include "pdoom/stats/streaming_summary.hpp"

#include "pdoom/error.hpp"

#include <utility>

namespace pdoom {

StreamingSummary::StreamingSummary(std::vector<double> thresholds, int mantissa_bits, std::size_t max_buckets)
    : sketch_(mantissa_bits, max_buckets), exceedances_(std::move(thresholds)) {}

void StreamingSummary::add(double x) {
  sketch_.add(x);  // validates first, so the parts never disagree about what was counted
  moments_.add(x);
  exceedances_.add(x);
}

void StreamingSummary::add(std::span<const double> values) {
  sketch_.add(values);
  moments_.add(values);
  exceedances_.add(values);
}

void StreamingSummary::merge(const StreamingSummary& other) {
  if (other.exceedances_.thresholds() != exceedances_.thresholds()) {
    throw Error("streaming summary: cannot merge summaries with different thresholds");
  }
  sketch_.merge(other.sketch_);
  moments_.merge(other.moments_);
  exceedances_.merge(other.exceedances_);
}

Summary StreamingSummary::summary() const {
  if (moments_.count() == 0) throw Error("streaming summary: no values");
  Summary summary;
  summary.count = moments_.count();
  summary.mean = moments_.mean();
  summary.sd = moments_.sd();
  summary.standard_error = moments_.standard_error();
  summary.min = moments_.min();
  summary.max = moments_.max();
  const auto q = sketch_.quantiles(summary_probabilities);
  summary.p01 = q[0];
  summary.p05 = q[1];
  summary.p25 = q[2];
  summary.p50 = q[3];
  summary.p75 = q[4];
  summary.p95 = q[5];
  summary.p99 = q[6];
  summary.quantile_relative_error = sketch_.relative_accuracy();
  return summary;
}

}  // namespace pdoom
