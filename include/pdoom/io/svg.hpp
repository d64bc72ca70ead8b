#pragma once
// A small SVG chart writer for reports: axes with nice ticks, histograms (linear or log x), CDF lines,
// horizontal bar charts with error bars, tornado and waterfall charts, and layered DAG drawings.
// Every chart is one self-contained <svg> element (no ids, no scripts, no external references), so
// several can sit inline in one HTML page. All text is XML-escaped.

#include "pdoom/stats/histogram.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdoom::svg {

/// Tick positions with their labels.
struct Ticks {
  std::vector<double> values;       ///< ascending
  std::vector<std::string> labels;  ///< one per value
};

/// About `target` ticks at 1, 2 or 5 times a power of ten, the first <= lo and the last >= hi (so they
/// cover the range). A degenerate range (lo == hi) is widened around its value. Labels as percentages
/// when `percent`. Non-finite bounds give no ticks.
[[nodiscard]] Ticks nice_ticks(double lo, double hi, int target = 6, bool percent = false);

/// Powers of ten covering [lo, hi] for a log axis (lo > 0); at least two. Labels like "0.01%" when
/// `percent`, otherwise "1e-3" style or plain for moderate exponents.
[[nodiscard]] Ticks log_ticks(double lo, double hi, bool percent = false);

/// Text with &, <, >, " and ' replaced by entities; control characters other than tab and newline are
/// dropped (they are not allowed in XML 1.0).
[[nodiscard]] std::string xml_escaped(std::string_view text);

/// A compact number for labels: 3 significant digits, "1.2e-05" style beyond [1e-3, 1e5).
[[nodiscard]] std::string short_number(double value);

/// A compact percentage for a probability: "12%", "1.5%", "0.012%".
[[nodiscard]] std::string short_percent(double probability);

/// Size and texts common to the charts.
struct ChartOptions {
  double width = 640;
  double height = 300;
  std::string title;
  std::string x_label;
  std::string y_label;
  bool percent = false;  ///< values on the value axis are probabilities shown as percentages
  std::string colour = "#3b6ea8";
};

/// A histogram as bars. With `log_x` the bins are drawn at their positions on a log scale (use log bins
/// so that they have equal widths); bins at or below 0 are then left out.
[[nodiscard]] std::string histogram_chart(const Histogram& histogram, const ChartOptions& options,
                                          bool log_x = false);

/// The empirical CDF through the points (x[i], p[i]), x ascending, p in [0, 1], drawn as a step-free
/// line. Points with x <= 0 are left out when `log_x`.
[[nodiscard]] std::string cdf_chart(std::span<const double> x, std::span<const double> p,
                                    const ChartOptions& options, bool log_x = false);

/// One bar of a horizontal bar chart with an error bar from low to high.
struct Bar {
  std::string label;
  double value = 0;
  double low = 0;
  double high = 0;
};

/// Horizontal bars from 0 to each value with error bars [low, high], one row per bar, labels left.
[[nodiscard]] std::string bar_chart(std::span<const Bar> bars, const ChartOptions& options);

/// A second series beside the first in a grouped bar chart (e.g. Sobol first-order and total).
[[nodiscard]] std::string grouped_bar_chart(std::span<const Bar> first, std::span<const Bar> second,
                                            std::string_view first_name, std::string_view second_name,
                                            const ChartOptions& options);

/// One input's bar in a tornado chart: the output at the input's low and at its high setting.
struct TornadoBar {
  std::string label;
  double low = 0;   ///< output with the input low
  double high = 0;  ///< output with the input high
};

/// A tornado chart: one row per bar (in the given order, widest first is customary), each spanning
/// from its low to its high value around the vertical baseline line; the low side and the high side
/// are coloured differently.
[[nodiscard]] std::string tornado_chart(std::span<const TornadoBar> bars, double baseline,
                                        const ChartOptions& options);

/// One step of a waterfall chart.
struct WaterfallStep {
  std::string label;
  double delta = 0;
  /// Half-width of an error bar drawn around the step's end (e.g. 1.96 standard errors); 0 draws none.
  double error = 0;
};

/// A waterfall chart: a bar for `start`, one floating bar per step (rising red, falling green: for a
/// risk, up is bad), and a total bar at start + sum of the deltas. Each bar's <rect> carries its exact
/// ends as data-from and data-to (shortest round-trip decimals), so that readers and tests need not
/// invert the pixel scale.
[[nodiscard]] std::string waterfall_chart(double start, std::string_view start_label,
                                          std::span<const WaterfallStep> steps, std::string_view end_label,
                                          const ChartOptions& options);

/// A node of a DAG drawing.
struct DagNode {
  std::string name;     ///< drawn in the box
  std::string tooltip;  ///< <title> text (label, distribution); may be empty
  bool input = false;   ///< drawn as a rounded box
  bool output = false;  ///< drawn bold and filled
  double shade = 0;     ///< 0..1: fill intensity (e.g. influence on the output)
};

/// Longest-path layers and in-layer order of a DAG.
struct DagLayout {
  std::vector<std::size_t> layer;  ///< per node: 0 for a node with no parents, else 1 + max of its parents'
  std::vector<std::vector<std::size_t>> layers;  ///< nodes of each layer, in drawing order
};

/// Layers a DAG by longest path from its sources (every edge goes from a lower to a higher layer) and
/// orders each layer by barycentres of the neighbours (a few down and up sweeps) to reduce crossings.
/// Edges are (from, to) node indices. @throws Error on an index out of range or a cycle.
[[nodiscard]] DagLayout layer_dag(std::size_t node_count,
                                  std::span<const std::pair<std::size_t, std::size_t>> edges);

/// The DAG drawn left to right by layers: boxes with the node names, edges as curves with arrowheads.
/// The width follows the layer count, the height the largest layer. @throws as layer_dag.
[[nodiscard]] std::string dag_chart(std::span<const DagNode> nodes,
                                    std::span<const std::pair<std::size_t, std::size_t>> edges,
                                    const ChartOptions& options);

}  // namespace pdoom::svg
