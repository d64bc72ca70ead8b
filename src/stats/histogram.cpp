#include "pdoom/stats/histogram.hpp"

#include "pdoom/error.hpp"
#include "pdoom/stats/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pdoom {
namespace {

// Edges spanning [low, high] in `bins` steps, widened around a single value.
std::vector<double> make_edges(double low, double high, std::size_t bins, BinScale scale) {
  if (low == high) {
    if (scale == BinScale::log) {
      low /= 2.0;
      high *= 2.0;
    } else {
      const double half_width = std::max(0.5, std::fabs(low) / 2.0);
      low -= half_width;
      high += half_width;
    }
  }
  std::vector<double> edges(bins + 1);
  if (scale == BinScale::log) {
    const double log_low = std::log(low);
    const double step = (std::log(high) - log_low) / static_cast<double>(bins);
    for (std::size_t i = 0; i <= bins; ++i) edges[i] = std::exp(log_low + step * static_cast<double>(i));
  } else {
    const double step = (high - low) / static_cast<double>(bins);
    for (std::size_t i = 0; i <= bins; ++i) edges[i] = low + step * static_cast<double>(i);
  }
  // The ends exactly at the range, so that the extreme values fall inside.
  edges.front() = low;
  edges.back() = high;
  return edges;
}

// Counts `count` at x into the histogram by binary search on the edges.
void count_value(Histogram& histogram, double x, std::uint64_t count) {
  const auto& edges = histogram.edges;
  if (x < edges.front()) {
    histogram.underflow += count;
  } else if (x > edges.back()) {
    histogram.overflow += count;
  } else {
    const auto upper = std::upper_bound(edges.begin(), edges.end(), x);
    const auto bin = std::min(static_cast<std::size_t>(upper - edges.begin()) - 1, histogram.counts.size() - 1);
    histogram.counts[bin] += count;
  }
}

void check_bins(std::size_t bins) {
  if (bins == 0) throw Error("histogram: the number of bins must be positive");
}

}  // namespace

Histogram histogram(std::span<const double> data, std::size_t bins, BinScale scale) {
  check_bins(bins);
  if (data.empty()) throw Error("histogram: no data");
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const double x : data) {
    if (!std::isfinite(x)) throw Error("histogram: the data hold a non-finite value");
    if (scale == BinScale::log && !(x > 0.0)) continue;
    low = std::min(low, x);
    high = std::max(high, x);
  }
  if (low > high) throw Error("histogram: log bins need at least one positive value");
  Histogram result;
  result.edges = make_edges(low, high, bins, scale);
  result.counts.assign(bins, 0);
  for (const double x : data) {
    if (scale == BinScale::log && !(x > 0.0)) {
      ++result.underflow;
    } else {
      count_value(result, x, 1);
    }
  }
  return result;
}

Histogram histogram(std::span<const double> data, std::vector<double> edges) {
  if (edges.size() < 2) throw Error("histogram: at least two edges are needed");
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i])) throw Error("histogram: edge " + std::to_string(i) + " is not finite");
    if (i > 0 && !(edges[i] > edges[i - 1])) throw Error("histogram: the edges must increase strictly");
  }
  Histogram result;
  result.counts.assign(edges.size() - 1, 0);
  result.edges = std::move(edges);
  for (const double x : data) {
    if (std::isnan(x)) throw Error("histogram: the data hold a NaN");
    count_value(result, x, 1);
  }
  return result;
}

Histogram histogram(const QuantileSketch& sketch, std::size_t bins, BinScale scale) {
  check_bins(bins);
  if (sketch.count() == 0) throw Error("histogram: the sketch is empty");
  const auto buckets = sketch.buckets();
  double low = sketch.min();
  const double high = sketch.max();
  if (scale == BinScale::log) {
    if (!(high > 0.0)) throw Error("histogram: log bins need at least one positive value");
    low = high;
    for (const auto& bucket : buckets) {
      if (bucket.representative > 0.0) {
        low = std::min(low, std::max(bucket.lower, sketch.min()));
        break;
      }
    }
  }
  Histogram result;
  result.edges = make_edges(low, high, bins, scale);
  result.counts.assign(bins, 0);
  for (const auto& bucket : buckets) {
    if (scale == BinScale::log && !(bucket.representative > 0.0)) {
      result.underflow += bucket.count;
    } else {
      // Representatives lie within the exact range, so nothing spills over.
      count_value(result, std::clamp(bucket.representative, low, high), bucket.count);
    }
  }
  return result;
}

}  // namespace pdoom
