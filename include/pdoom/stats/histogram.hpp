#pragma once
// Histograms with linear or logarithmic bins, from samples or from a quantile sketch.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pdoom {

class QuantileSketch;

/// How bin edges are spaced.
enum class BinScale { linear, log };

/// Counts per bin: bin i is [edges[i], edges[i+1]), the last bin also holding its upper edge.
struct Histogram {
  std::vector<double> edges;           ///< bins + 1 ascending edges
  std::vector<std::uint64_t> counts;   ///< one count per bin
  std::uint64_t underflow = 0;         ///< values below edges.front() (with log bins: values <= 0)
  std::uint64_t overflow = 0;          ///< values above edges.back()
};

/// `bins` equal-width (linear) or equal-ratio (log) bins spanning the data's range (for log: the range
/// of its positive values; the others are underflow). A range of one value v gets edges around it:
/// [v - 0.5, v + 0.5] (linear; [v - |v|/2, v + |v|/2] when |v| > 1) or [v / 2, 2 v] (log).
/// @throws Error if bins is 0, data is empty, holds a non-finite value, or (log) has no positive value.
[[nodiscard]] Histogram histogram(std::span<const double> data, std::size_t bins,
                                  BinScale scale = BinScale::linear);

/// Counts of data in the bins given by ascending `edges` (at least 2, finite, strictly increasing).
/// @throws Error if the edges are invalid or a value is NaN.
[[nodiscard]] Histogram histogram(std::span<const double> data, std::vector<double> edges);

/// An approximate histogram of the values a sketch has counted, each bucket's count going to the bin of
/// its representative (so a count may land one bin off near an edge, by at most the sketch's relative
/// accuracy). Bins span [sketch.min(), sketch.max()] as for data.
/// @throws Error if the sketch is empty, bins is 0, or (log) the sketch saw no positive value.
[[nodiscard]] Histogram histogram(const QuantileSketch& sketch, std::size_t bins,
                                  BinScale scale = BinScale::linear);

}  // namespace pdoom
