#include "pdoom/stats/moments.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pdoom {

void Moments::add(double x) noexcept {
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void Moments::add(std::span<const double> values) noexcept {
  if (values.empty()) return;
  Moments block;
  double sum = 0.0;
  double low = values[0];
  double high = values[0];
  for (const double value : values) {
    sum += value;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  block.count_ = values.size();
  block.mean_ = sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (const double value : values) {
    const double deviation = value - block.mean_;
    squares += deviation * deviation;
  }
  block.m2_ = squares;
  block.min_ = low;
  block.max_ = high;
  merge(block);
}

void Moments::merge(const Moments& other) noexcept {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  if (!std::isfinite(mean_) || !std::isfinite(other.mean_)) {
    // An overflowed sum: keep the mean +-inf (inf - inf would make it NaN) and the spread inf.
    mean_ += other.mean_;
    m2_ = std::numeric_limits<double>::infinity();
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    return;
  }
  const double delta = other.mean_ - mean_;
  mean_ += delta * (n_b / n);
  m2_ += other.m2_ + delta * delta * (n_a * n_b / n);
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Moments::variance() const noexcept {
  return count_ > 1 ? m2_ / static_cast<double>(count_ - 1) : 0.0;
}

double Moments::sd() const noexcept { return std::sqrt(variance()); }

double Moments::standard_error() const noexcept {
  return count_ > 0 ? sd() / std::sqrt(static_cast<double>(count_)) : 0.0;
}

}  // namespace pdoom
