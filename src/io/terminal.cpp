// Compact terminal summaries of runs.

#include "pdoom/io/terminal.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/run_output.hpp"
#include "pdoom/io/svg.hpp"
#include "pdoom/stats/histogram.hpp"
#include "pdoom/stats/rank.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pdoom {

namespace {

constexpr const char* bold = "\033[1m";
constexpr const char* dim = "\033[2m";
constexpr const char* green = "\033[32m";
constexpr const char* red = "\033[31m";
constexpr const char* yellow = "\033[33m";
constexpr const char* reset = "\033[0m";

std::string styled(const std::string& text, const char* code, const TerminalStyle& style) {
  return style.colour ? std::string(code) + text + reset : text;
}

std::string value_text(double value, bool probability) {
  return probability ? svg::short_percent(value) : svg::short_number(value);
}

// The histogram behind a histogram line: bins between the 1st and 99th percentiles (the extreme tails of
// a product of uncertain factors would otherwise squeeze the body into one bin), equal-ratio when that
// range is positive and spans two orders of magnitude or more (the report's rule), else equal-width.
// Falls back to the whole range when the percentiles coincide or there are fewer than 100 values.
struct LineHistogram {
  Histogram histogram;
  bool log = false;
  bool clipped = false;  ///< the range is the 1st-99th percentile, not min-max
};

std::optional<LineHistogram> line_histogram(std::span<const double> values, std::size_t bins) {
  if (values.empty() || bins == 0) return std::nullopt;
  for (const double v : values) {
    if (!std::isfinite(v)) return std::nullopt;
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  LineHistogram out;
  double lo = sorted.front();
  double hi = sorted.back();
  if (n >= 100 && sorted[(n - 1) / 100] < sorted[n - 1 - (n - 1) / 100]) {
    out.clipped = sorted[(n - 1) / 100] > lo || sorted[n - 1 - (n - 1) / 100] < hi;
    lo = sorted[(n - 1) / 100];
    hi = sorted[n - 1 - (n - 1) / 100];
  }
  if (!(lo < hi)) {
    out.histogram = histogram(values, bins, BinScale::linear);  // one value: histogram() centres a bin on it
    return out;
  }
  out.log = lo > 0 && hi >= 100 * lo;
  std::vector<double> edges(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) {
    const double f = static_cast<double>(i) / static_cast<double>(bins);
    edges[i] = out.log ? std::exp(std::log(lo) + f * (std::log(hi) - std::log(lo))) : lo + f * (hi - lo);
  }
  edges.front() = lo;
  edges.back() = hi;
  // A range of a few ulps (a constant up to rounding) cannot be cut into distinct bins: no line.
  if (std::adjacent_find(edges.begin(), edges.end(), std::greater_equal<>()) != edges.end()) return std::nullopt;
  out.histogram = histogram(values, std::move(edges));
  return out;
}

}  // namespace

std::string histogram_line(std::span<const std::uint64_t> counts) {
  static constexpr const char* blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                           "\u2585", "\u2586", "\u2587", "\u2588"};
  std::uint64_t largest = 0;
  for (const std::uint64_t c : counts) largest = std::max(largest, c);
  std::string out;
  for (const std::uint64_t c : counts) {
    if (c == 0 || largest == 0) {
      out += ' ';
      continue;
    }
    // ceil keeps any non-empty bin visible as at least the lowest block.
    const auto level = static_cast<std::size_t>(
        std::ceil(8.0 * static_cast<double>(c) / static_cast<double>(largest)));
    out += blocks[std::clamp<std::size_t>(level, 1, 8) - 1];
  }
  return out;
}

std::string histogram_line(std::span<const double> values, std::size_t bins) {
  const std::optional<LineHistogram> h = line_histogram(values, bins);
  return h ? histogram_line(h->histogram.counts) : std::string();
}

RankResult drivers_from_samples(const RunResult& result, std::size_t output, std::span<const std::size_t> columns) {
  if (!result.values) throw Error("drivers_from_samples: the run kept no samples");
  const Eigen::ArrayXXd& values = *result.values;
  const auto column_count = static_cast<std::size_t>(values.cols());
  if (output >= column_count) throw Error("drivers_from_samples: no such output column");
  if (columns.empty()) columns = result.inputs;
  for (const std::size_t column : columns) {
    if (column >= column_count) throw Error("drivers_from_samples: no such column");
  }
  RankResult drivers;
  drivers.output = result.node_names[output];
  drivers.samples = static_cast<std::uint64_t>(values.rows());
  const Eigen::ArrayXd out_column = values.col(static_cast<Eigen::Index>(output));
  const bool output_constant = values.rows() < 2 || out_column.maxCoeff() == out_column.minCoeff();
  // Spearman's rho is Pearson's r of the ranks: the output is ranked once, not once per input.
  const std::vector<double> y_ranks =
      output_constant ? std::vector<double>()
                      : ranks(std::span<const double>(out_column.data(), static_cast<std::size_t>(out_column.size())));
  for (const std::size_t input : columns) {
    const Eigen::ArrayXd column = values.col(static_cast<Eigen::Index>(input));
    RankEntry entry;
    entry.input = result.node_names[input];
    if (!output_constant && column.maxCoeff() != column.minCoeff()) {
      const std::vector<double> x_ranks =
          ranks(std::span<const double>(column.data(), static_cast<std::size_t>(column.size())));
      entry.spearman = pearson(x_ranks, y_ranks);
      if (!std::isfinite(entry.spearman)) entry.spearman = 0;
    }
    drivers.inputs.push_back(std::move(entry));
  }
  std::stable_sort(drivers.inputs.begin(), drivers.inputs.end(),
                   [](const RankEntry& a, const RankEntry& b) { return std::abs(a.spearman) > std::abs(b.spearman); });
  return drivers;
}

std::string driver_bars(const RankResult& drivers, const TerminalStyle& style) {
  const std::size_t count = std::min(style.top_drivers, drivers.inputs.size());
  if (count == 0) return {};
  std::size_t name_width = 4;
  for (std::size_t i = 0; i < count; ++i) name_width = std::max(name_width, drivers.inputs[i].input.size());
  name_width = std::min<std::size_t>(name_width, 28);
  const std::size_t used = 4 + name_width + 2 + 5 + 2;
  const std::size_t bar_width = style.width > used + 8 ? std::min<std::size_t>(style.width - used, 40) : 8;
  double largest = 0;
  for (std::size_t i = 0; i < count; ++i) largest = std::max(largest, std::abs(drivers.inputs[i].spearman));
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    const RankEntry& entry = drivers.inputs[i];
    std::string name = entry.input.size() > name_width ? entry.input.substr(0, name_width - 1) + "~" : entry.input;
    const auto length = largest > 0 ? static_cast<std::size_t>(std::lround(
                                          static_cast<double>(bar_width) * std::abs(entry.spearman) / largest))
                                    : 0;
    std::string bar;
    for (std::size_t k = 0; k < length; ++k) bar += "\u2588";
    // Red: raises the output (for p-doom, the bad direction), as the report's tornado and waterfall.
    const double shown = std::abs(entry.spearman) < 0.005 ? 0.0 : entry.spearman;  // no "-0.00"
    out += fmt::format("    {:<{}}  {:+.2f}  {}\n", name, name_width, shown,
                       styled(bar, entry.spearman >= 0 ? red : green, style));
  }
  return out;
}

std::string terminal_summary(const RunResult& result, std::span<const RankResult> drivers,
                             std::span<const std::string> warnings, const TerminalStyle& style) {
  const RunTextParts parts = run_text_parts(result);
  std::string out = styled(parts.heading.substr(0, parts.heading.find_last_not_of('\n') + 1), bold, style) + "\n\n";
  out += parts.outputs;
  const auto kept = result.values ? static_cast<std::uint64_t>(result.values->rows()) : 0;
  for (const std::size_t column : result.outputs) {
    const bool probability = column < result.probability.size() && result.probability[column];
    std::string block;
    if (result.values && kept > 0) {
      const Eigen::ArrayXd values = result.values->col(static_cast<Eigen::Index>(column));
      const std::span<const double> data(values.data(), static_cast<std::size_t>(values.size()));
      const std::optional<LineHistogram> h =
          values.maxCoeff() > values.minCoeff() ? line_histogram(data, style.histogram_bins) : std::nullopt;
      if (h) {
        const std::string range = h->clipped && h->log ? "  (1st to 99th percentile, log scale)"
                                  : h->clipped         ? "  (1st to 99th percentile)"
                                  : h->log             ? "  (log scale)"
                                                       : "";
        block += fmt::format("  {} {} {}{}\n", value_text(h->histogram.edges.front(), probability),
                             styled(histogram_line(h->histogram.counts), yellow, style),
                             value_text(h->histogram.edges.back(), probability), range);
      }
    }
    for (const RankResult& ranking : drivers) {
      if (ranking.output != result.node_names[column] || ranking.inputs.empty()) continue;
      block += styled(fmt::format("  top drivers (Spearman rank correlation over {} samples)", ranking.samples), dim,
                      style) +
               "\n";
      block += driver_bars(ranking, style);
    }
    if (!block.empty()) {
      // Appended piecewise: `"\n" + string` trips GCC 12's false -Wrestrict.
      out += '\n';
      out += styled(result.node_names[column], bold, style);
      out += '\n';
      out += block;
    }
  }
  if (style.all_nodes) {
    out += '\n';
    out += parts.nodes;
  }
  std::vector<std::string> notes;
  if (result.values && kept < result.samples) {
    notes.push_back(fmt::format("note: histograms and drivers use the first {} of the {} samples.\n", kept,
                                result.samples));
  }
  std::string tail = parts.notes;
  for (const std::string& note : notes) tail += note;
  std::vector<std::string> all_warnings(warnings.begin(), warnings.end());
  if (result.partial) {
    all_warnings.push_back(fmt::format("partial run: interrupted after {} of {} samples", result.samples,
                                       result.samples_requested));
  }
  for (const std::string& warning : all_warnings) tail += styled("warning: ", yellow, style) + warning + "\n";
  if (!tail.empty()) {
    out += '\n';
    out += tail;
  }
  return out;
}

}  // namespace pdoom
