#pragma once
// Compact terminal summaries of a run: an outputs table, a one-line unicode histogram per output, the top
// drivers by rank correlation as bars, and warnings. Colour (ANSI) only when the caller says the stream is
// a terminal: the library never inspects file descriptors itself.

#include "pdoom/sample/run.hpp"
#include "pdoom/sensitivity/rank_correlation.hpp"

#include <cstddef>
#include <cstdint>
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
  bool all_nodes = false;     ///< also the table of every node (mean, sd, 5%, 50%, 95%, at medians)
};

/// One line of block characters (▁▂▃▄▅▆▇█), one per bin, heights proportional to the counts (a bin with
/// a count above 0 gets at least ▁; an empty bin is a space). Empty input gives "".
[[nodiscard]] std::string histogram_line(std::span<const std::uint64_t> counts);

/// The histogram line of `values` in `bins` bins spanning their 1st to 99th percentile (the whole range
/// for fewer than 100 values or when those percentiles coincide), equal-ratio bins when that range is
/// positive and spans at least two orders of magnitude (as the report's histograms), else equal-width.
/// Empty or non-finite data gives "".
[[nodiscard]] std::string histogram_line(std::span<const double> values, std::size_t bins);

/// Spearman correlation with output column `output` of each of `columns` (columns of the run, e.g. the
/// inputs upstream of the output; empty means every input of the run), from the run's kept samples, by
/// decreasing |rho| (ties keep the given order; PRCC left 0). A constant column, or a constant output,
/// gets 0. @throws Error if the run kept no samples or a column is out of range.
[[nodiscard]] RankResult drivers_from_samples(const RunResult& result, std::size_t output,
                                              std::span<const std::size_t> columns = {});

/// Horizontal bars of |rho| for the first `style.top_drivers` entries: name, signed value, a bar of █
/// scaled to the largest |rho| (in colour: red when the input raises the output, green when it lowers it).
[[nodiscard]] std::string driver_bars(const RankResult& drivers, const TerminalStyle& style = {});

/// The compact summary `pdoom run` prints: the heading and outputs table of run_text (mean ± standard
/// error, median, 90% interval, P(> thresholds), value at the inputs' medians); then per output its
/// histogram line between the smallest and largest kept value (when samples were kept) and its top
/// drivers (from `drivers`, matched by output name, may be empty); the every-node table when
/// `style.all_nodes`; then run_text's notes and warnings (partial run, repaired correlations, plus
/// `warnings`).
[[nodiscard]] std::string terminal_summary(const RunResult& result, std::span<const RankResult> drivers,
                                           std::span<const std::string> warnings = {},
                                           const TerminalStyle& style = {});

}  // namespace pdoom
