// Compact terminal summaries of runs.

#include "pdoom/io/terminal.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/svg.hpp"
#include "pdoom/stats/histogram.hpp"
#include "pdoom/stats/rank.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
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

// Whether positive data spanning two orders of magnitude or more: then log bins show its shape.
bool wants_log_scale(std::span<const double> values) {
  double lo = INFINITY, hi = 0;
  for (const double v : values) {
    if (!(v > 0)) return false;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return hi >= 100 * lo;
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
  if (values.empty() || bins == 0) return {};
  for (const double v : values) {
    if (!std::isfinite(v)) return {};
  }
  const Histogram h = histogram(values, bins, wants_log_scale(values) ? BinScale::log : BinScale::linear);
  return histogram_line(h.counts);
}

RankResult drivers_from_samples(const RunResult& result, std::size_t output) {
  if (!result.values) throw Error("drivers_from_samples: the run kept no samples");
  if (output >= result.node_names.size()) throw Error("drivers_from_samples: no such output column");
  const Eigen::ArrayXXd& values = *result.values;
  RankResult drivers;
  drivers.output = result.node_names[output];
  drivers.samples = static_cast<std::uint64_t>(values.rows());
  if (values.rows() < 2) return drivers;
  const Eigen::ArrayXd out_column = values.col(static_cast<Eigen::Index>(output));
  const std::span<const double> y(out_column.data(), static_cast<std::size_t>(out_column.size()));
  const bool output_constant = out_column.maxCoeff() == out_column.minCoeff();
  for (const std::size_t input : result.inputs) {
    const Eigen::ArrayXd column = values.col(static_cast<Eigen::Index>(input));
    RankEntry entry;
    entry.input = result.node_names[input];
    if (!output_constant && column.maxCoeff() != column.minCoeff()) {
      entry.spearman = spearman(std::span<const double>(column.data(), static_cast<std::size_t>(column.size())), y);
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
  const std::size_t used = 2 + name_width + 2 + 6 + 2;
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
    out += fmt::format("  {:<{}}  {:+.2f}  {}\n", name, name_width, entry.spearman,
                       styled(bar, entry.spearman >= 0 ? red : green, style));
  }
  return out;
}

std::string terminal_summary(const RunResult& result, std::span<const RankResult> drivers,
                             std::span<const std::string> warnings, const TerminalStyle& style) {
  std::string out = styled(fmt::format("{}{}: {} samples, seed {}, design {}", result.model,
                                       result.scenario.empty() ? "" : " [" + result.scenario + "]", result.samples,
                                       result.seed, design_name(result.design)),
                           bold, style) +
                    "\n";
  for (std::size_t k = 0; k < result.outputs.size(); ++k) {
    const std::size_t column = result.outputs[k];
    const Summary& s = result.summaries[column];
    const bool probability = column < result.probability.size() && result.probability[column];
    out += "\n" + styled(result.node_names[column], bold, style) + "\n";
    out += fmt::format("  mean {} \u00b1 {}   median {}   90% interval [{}, {}]\n", value_text(s.mean, probability),
                       value_text(s.standard_error, probability), value_text(s.p50, probability),
                       value_text(s.p05, probability), value_text(s.p95, probability));
    if (column < result.exceedance.size() && !result.thresholds.empty()) {
      std::string line = " ";
      for (std::size_t t = 0; t < result.thresholds.size() && t < result.exceedance[column].size(); ++t) {
        line += fmt::format("  P(>{}) {}", value_text(result.thresholds[t], probability),
                            svg::short_percent(result.exceedance[column][t]));
      }
      out += line + "\n";
    }
    if (column < result.at_medians.size()) {
      out += fmt::format("  at the inputs' medians {} (mean {})\n", value_text(result.at_medians[column], probability),
                         value_text(s.mean, probability));
    }
    if (result.values) {
      const Eigen::ArrayXd values = result.values->col(static_cast<Eigen::Index>(column));
      const std::string line =
          histogram_line(std::span<const double>(values.data(), static_cast<std::size_t>(values.size())),
                         style.histogram_bins);
      if (!line.empty()) {
        out += fmt::format("  {} {} {}{}\n", value_text(s.min, probability), styled(line, yellow, style),
                           value_text(s.max, probability),
                           wants_log_scale(std::span<const double>(values.data(), static_cast<std::size_t>(values.size())))
                               ? " (log scale)"
                               : "");
      }
    }
    for (const RankResult& ranking : drivers) {
      if (ranking.output != result.node_names[column] || ranking.inputs.empty()) continue;
      out += styled("  top drivers (Spearman rank correlation)", dim, style) + "\n";
      out += driver_bars(ranking, style);
    }
  }
  std::vector<std::string> notes(warnings.begin(), warnings.end());
  if (result.partial) notes.push_back(fmt::format("partial run: {} of {} samples", result.samples, result.samples_requested));
  if (!result.exact) {
    notes.push_back(fmt::format("streaming summaries: quantiles within {:.2g} relative", result.quantile_relative_error));
  }
  if (result.correlations_repaired) notes.push_back("the correlations were not jointly feasible and were repaired");
  if (!notes.empty()) out += "\n";
  for (const std::string& note : notes) out += styled("warning: ", yellow, style) + note + "\n";
  return out;
}

}  // namespace pdoom
