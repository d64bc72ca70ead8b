#include "pdoom/stats/exceedance.hpp"

#include "pdoom/error.hpp"

#include <cmath>
#include <string>

namespace pdoom {
namespace {

void check_index(std::size_t i, std::size_t size) {
  if (i >= size) {
    throw Error("exceedance: threshold index " + std::to_string(i) + " is out of range (" + std::to_string(size) +
                " thresholds)");
  }
}

}  // namespace

ExceedanceCounter::ExceedanceCounter(std::vector<double> thresholds)
    : thresholds_(std::move(thresholds)), exceedances_(thresholds_.size(), 0) {
  for (const double threshold : thresholds_) {
    if (std::isnan(threshold)) throw Error("exceedance: a threshold is NaN");
  }
}

void ExceedanceCounter::add(double x) noexcept {
  ++count_;
  for (std::size_t i = 0; i < thresholds_.size(); ++i) exceedances_[i] += x > thresholds_[i] ? 1 : 0;
}

void ExceedanceCounter::add(std::span<const double> values) noexcept {
  count_ += values.size();
  for (std::size_t i = 0; i < thresholds_.size(); ++i) {
    const double threshold = thresholds_[i];
    std::uint64_t above = 0;
    for (const double value : values) above += value > threshold ? 1 : 0;
    exceedances_[i] += above;
  }
}

void ExceedanceCounter::merge(const ExceedanceCounter& other) {
  if (other.thresholds_ != thresholds_) throw Error("exceedance: cannot merge counters with different thresholds");
  count_ += other.count_;
  for (std::size_t i = 0; i < exceedances_.size(); ++i) exceedances_[i] += other.exceedances_[i];
}

std::uint64_t ExceedanceCounter::exceedances(std::size_t i) const {
  check_index(i, thresholds_.size());
  return exceedances_[i];
}

double ExceedanceCounter::probability(std::size_t i) const {
  check_index(i, thresholds_.size());
  return count_ > 0 ? static_cast<double>(exceedances_[i]) / static_cast<double>(count_) : 0.0;
}

double ExceedanceCounter::standard_error(std::size_t i) const {
  const double p = probability(i);
  return count_ > 0 ? std::sqrt(p * (1.0 - p) / static_cast<double>(count_)) : 0.0;
}

}  // namespace pdoom
