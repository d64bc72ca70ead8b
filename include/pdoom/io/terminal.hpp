#pragma once
// Compact terminal summaries of a run: an outputs table, a one-line unicode histogram per output, the top
// drivers by rank correlation as bars, and warnings. Colour (ANSI) only when the caller says the stream is
// a terminal: the library never inspects file descriptors itself.

#include "pdoom/sample/run.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace pdoom {

/// How to draw for a terminal.
struct TerminalStyle {
  bool colour = false;        ///< ANSI colours (set only when the stream is a terminal)
  std::size_t width = 80;     ///< columns available
  std::size_t histogram_bins = 24;
  std::size_t top_drivers = 5;
};

/// One line of block characters (▁▂▃▄▅▆▇█), one per bin, heights proportional to the counts (a bin with
/// a count above 0 gets at least ▁; an empty bin is a space). Empty input gives "".
[[nodiscard]] std::string histogram_line(std::span<const std::uint64_t> counts);

/// The histogram line of `values` in `bins` bins, log-spaced when every value is positive and they span
/// at least two orders of magnitude (as the report's histograms). Empty or non-finite data gives "".
[[nodiscard]] std::string histogram_line(std::span<const double> values, std::size_t bins);

/// Spearman correlation of every input with output column `output` from the kept samples of a run, by
/// decreasing |rho| (PRCC left 0). Inputs that are constant in the run get 0. @throws Error if the run
/// kept no samples or `output` is not a column.
[[nodiscard]] RankResult drivers_from_samples(const RunResult& result, std::size_t output);

/// Horizontal bars of |rho| for the first `style.top_drivers` entries: name, signed value, a bar of █
/// scaled to the largest |rho| (green when positive, red when negative, in colour).
[[nodiscard]] std::string driver_bars(const RankResult& drivers, const TerminalStyle& style = {});

/// The compact summary `pdoom run` prints: per output one row (mean ± standard error, median, 90%
/// interval, P(>1%, 10%, 50%) for probabilities, at-medians value), its histogram line (when samples
/// were kept), the top drivers (from `drivers`, one per output in output order, may be empty) and
/// warnings (partial run, streaming quantile bound, repaired correlations, plus `warnings`).
[[nodiscard]] std::string terminal_summary(const RunResult& result, std::span<const RankResult> drivers,
                                           std::span<const std::string> warnings = {},
                                           const TerminalStyle& style = {});

}  // namespace pdoom
