// Sensitivity reports as JSON (nlohmann, ordered so that inputs stay ranked) and as terminal tables.

#include "pdoom/io/sensitivity_output.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace pdoom {
namespace {

using Json = nlohmann::ordered_json;

void estimate_fields(const Estimate& estimate, const std::string& prefix, Json& into) {
  into[prefix] = estimate.value;
  into[prefix + "_conf"] = estimate.half_width();
  into[prefix + "_low"] = estimate.low;
  into[prefix + "_high"] = estimate.high;
}

Json sobol_index_json(const SobolIndex& index, bool with_members) {
  Json entry = Json::object();
  if (with_members) entry["inputs"] = index.inputs;
  estimate_fields(index.first_order, "S1", entry);
  estimate_fields(index.total, "ST", entry);
  return entry;
}

Json tornado_json(const TornadoResult& tornado) {
  Json inputs = Json::object();
  for (const auto& entry : tornado.inputs) {
    Json item = {{"low", entry.low}, {"high", entry.high}, {"swing", entry.swing},
                 {"swing_stderr", entry.swing_stderr}};
    if (entry.low_value) item["low_value"] = *entry.low_value;
    if (entry.high_value) item["high_value"] = *entry.high_value;
    inputs[entry.input] = std::move(item);
  }
  return {{"samples", tornado.samples},
          {"low_quantile", tornado.low_quantile},
          {"high_quantile", tornado.high_quantile},
          {"baseline", tornado.baseline},
          {"baseline_stderr", tornado.baseline_stderr},
          {"inputs", std::move(inputs)}};
}

Json rank_json(const RankResult& rank) {
  Json inputs = Json::object();
  for (const auto& entry : rank.inputs) inputs[entry.input] = {{"spearman", entry.spearman}, {"prcc", entry.prcc}};
  return {{"samples", rank.samples}, {"inputs", std::move(inputs)}};
}

Json sobol_json(const SobolResult& sobol) {
  Json inputs = Json::object();
  for (const auto& index : sobol.inputs) inputs[index.name] = sobol_index_json(index, false);
  Json groups = Json::object();
  for (const auto& index : sobol.groups) groups[index.name] = sobol_index_json(index, true);
  Json out = {{"base_samples", sobol.base_samples},
              {"evaluations", sobol.evaluations},
              {"design", std::string(design_name(sobol.design))},
              {"mean", sobol.mean},
              {"variance", sobol.variance},
              {"confidence_level", sobol.confidence_level},
              {"bootstrap_resamples", sobol.bootstrap_resamples},
              {"bootstrap_unit_rows", sobol.bootstrap_unit_rows},
              {"inputs", std::move(inputs)},
              {"groups", std::move(groups)}};
  estimate_fields(sobol.sum_first_order, "sum_S1", out);
  out["interactions"] = 1.0 - sobol.sum_first_order.value;
  return out;
}

// ---- text ----

std::string repeat(const std::string& piece, std::size_t count) {
  std::string text;
  text.reserve(piece.size() * count);
  for (std::size_t i = 0; i < count; ++i) text += piece;
  return text;
}

// A left-aligned bar of `fraction` of `width` characters, in eighths of a character when unicode.
std::string bar(double fraction, std::size_t width, bool unicode) {
  fraction = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  if (!unicode) return std::string(static_cast<std::size_t>(std::lround(fraction * static_cast<double>(width))), '#');
  static const char* const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto total = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(width * 8)));
  return repeat("█", total / 8) + eighths[total % 8];
}

std::size_t name_width(const std::vector<std::string>& names, std::size_t minimum) {
  std::size_t width = minimum;
  for (const auto& name : names) width = std::max(width, name.size());
  return width;
}

std::string percent_label(double quantile) { return fmt::format("p{:g}", quantile * 100); }

// "5th", "95th", "2.5th", "1st", "22nd", "33rd" percentile.
std::string percentile_words(double quantile) {
  const double percent = quantile * 100;
  std::string suffix = "th";
  if (percent == std::floor(percent)) {
    const auto whole = static_cast<long>(percent);
    if (whole % 100 < 11 || whole % 100 > 13) {
      if (whole % 10 == 1) suffix = "st";
      if (whole % 10 == 2) suffix = "nd";
      if (whole % 10 == 3) suffix = "rd";
    }
  }
  return fmt::format("{:g}{}", percent, suffix);
}

void tornado_text(std::string& out, const TornadoResult& tornado, const SensitivityTextStyle& style) {
  out += fmt::format("Tornado: mean of {} with one input held at its {} and its {} percentile, the others uncertain\n",
                     tornado.output, percentile_words(tornado.low_quantile), percentile_words(tornado.high_quantile));
  out += fmt::format("  baseline (nothing held): {:.4g} ± {:.2g} ({} samples per bar)\n", tornado.baseline,
                     tornado.baseline_stderr, tornado.samples);
  if (tornado.inputs.empty()) {
    out += "  the output depends on no uncertain input\n";
    return;
  }
  std::vector<std::string> names;
  double reach = 0;  // largest distance of a bar end from the baseline
  for (const auto& entry : tornado.inputs) {
    names.push_back(entry.input);
    reach = std::max({reach, std::abs(entry.low - tornado.baseline), std::abs(entry.high - tornado.baseline)});
  }
  const std::size_t width = name_width(names, 5);
  const std::size_t half = std::max<std::size_t>(1, style.bar_width / 2);
  out += fmt::format("  {:<{}}  {:>11}  {:>11}  {:>11}\n", "input", width,
                     "at " + percent_label(tornado.low_quantile), "at " + percent_label(tornado.high_quantile),
                     "swing");
  const std::string full = style.unicode ? "█" : "#";
  const std::string thin = style.unicode ? "▏" : "'";
  const std::string axis = style.unicode ? "│" : "|";
  const double step = reach / static_cast<double>(half);
  for (const auto& entry : tornado.inputs) {
    // Each side of the axis has `half` cells of `step`; a cell is drawn when its centre lies between the
    // two means, so a bar shows where the output goes, whether or not it straddles the baseline.
    const double lower = std::min(entry.low, entry.high);
    const double upper = std::max(entry.low, entry.high);
    std::vector<bool> filled(2 * half, false);
    bool any = false;
    for (std::size_t cell = 0; cell < 2 * half && reach > 0; ++cell) {
      const double offset = (static_cast<double>(cell) + 0.5) * step - reach;
      const double centre = tornado.baseline + offset;
      filled[cell] = lower <= centre && centre <= upper;
      any = any || filled[cell];
    }
    std::size_t marked = 2 * half;  // a bar narrower than a cell: a thin mark where it is
    if (!any && reach > 0 && std::abs(entry.swing) > 1e-12 * reach) {
      const double position = ((lower + upper) / 2 - tornado.baseline + reach) / step;
      marked = static_cast<std::size_t>(std::clamp(position, 0.0, static_cast<double>(2 * half - 1)));
    }
    std::string drawn;
    for (std::size_t cell = 0; cell < 2 * half; ++cell) {
      if (cell == half) drawn += axis;
      drawn += filled[cell] ? full : cell == marked ? thin : std::string(" ");
    }
    drawn.erase(drawn.find_last_not_of(' ') + 1);
    // Means differ by rounding only when the output ignores the input at both quantiles.
    const double swing = std::abs(entry.swing) <= 1e-12 * std::max(std::abs(entry.low), std::abs(entry.high))
                             ? 0.0
                             : entry.swing;
    out += fmt::format("  {:<{}}  {:>11.4g}  {:>11.4g}  {:>+11.4g}  {}\n", entry.input, width, entry.low, entry.high,
                       swing, drawn);
  }
}

void rank_text(std::string& out, const RankResult& rank, const SensitivityTextStyle& style) {
  out += fmt::format("Rank correlations of the inputs with {} ({} samples)\n", rank.output, rank.samples);
  if (rank.inputs.empty()) {
    out += "  the output depends on no uncertain input\n";
    return;
  }
  std::vector<std::string> names;
  for (const auto& entry : rank.inputs) names.push_back(entry.input);
  const std::size_t width = name_width(names, 5);
  out += fmt::format("  {:<{}}  {:>9}  {:>9}  |Spearman|\n", "input", width, "Spearman", "PRCC");
  for (const auto& entry : rank.inputs) {
    out += fmt::format("  {:<{}}  {:>+9.3f}  {:>+9.3f}  {}\n", entry.input, width, entry.spearman, entry.prcc,
                       bar(std::abs(entry.spearman), style.bar_width, style.unicode));
  }
}

void sobol_rows(std::string& out, const std::vector<SobolIndex>& indices, std::size_t width,
                const SensitivityTextStyle& style) {
  for (const auto& index : indices) {
    // The solid part is the first-order share, the light part what interactions add up to the total.
    const double first = std::clamp(index.first_order.value, 0.0, 1.0);
    const double total = std::clamp(index.total.value, first, 1.0);
    std::string drawn = bar(first, style.bar_width, style.unicode);
    const auto extra = static_cast<std::size_t>(
        std::lround((total - first) * static_cast<double>(style.bar_width)));
    drawn += repeat(style.unicode ? "░" : ".", extra);
    out += fmt::format("  {:<{}}  {:>6.3f} ± {:<6.3f}  {:>6.3f} ± {:<6.3f}  {}\n", index.name, width,
                       index.first_order.value, index.first_order.half_width(), index.total.value,
                       index.total.half_width(), drawn);
  }
}

void sobol_text(std::string& out, const SobolResult& sobol, const SensitivityTextStyle& style) {
  out += fmt::format("Sobol indices of {} ({} base samples, {} evaluations, {} design", sobol.output,
                     sobol.base_samples, sobol.evaluations, design_name(sobol.design));
  if (sobol.bootstrap_resamples > 0) {
    out += fmt::format("; ± half-width of {:g}% bootstrap intervals", sobol.confidence_level * 100);
  }
  out += ")\n";
  if (sobol.inputs.empty()) {
    out += "  the output depends on no uncertain input\n";
    return;
  }
  if (!(sobol.variance > 0)) {
    out += "  the output does not vary: every index is 0\n";
    return;
  }
  std::vector<std::string> names;
  for (const auto& index : sobol.inputs) names.push_back(index.name);
  for (const auto& index : sobol.groups) names.push_back(index.name);
  const std::size_t width = name_width(names, 5);
  out += fmt::format("  {:<{}}  {:^15}  {:^15}  {}\n", "input", width, "first order S1", "total ST",
                     style.unicode ? "█ S1  ░ ST - S1" : "# S1  . ST - S1");
  sobol_rows(out, sobol.inputs, width, style);
  if (!sobol.groups.empty()) {
    out += "  groups:\n";
    sobol_rows(out, sobol.groups, width, style);
  }
  const Estimate& sum = sobol.sum_first_order;
  out += fmt::format("  sum of first-order indices: {:.3f}", sum.value);
  if (sobol.bootstrap_resamples > 0) out += fmt::format(" [{:.3f}, {:.3f}]", sum.low, sum.high);
  const double interactions = std::max(0.0, 1.0 - sum.value);
  out += fmt::format(": interactions between inputs account for about {:.0f}% of the variance\n",
                     interactions * 100);
}

}  // namespace

std::string sensitivity_json(const SensitivityReport& report) {
  Json json = {{"model", report.model}, {"output", report.output}};
  json["scenario"] = report.scenario.empty() ? Json(nullptr) : Json(report.scenario);
  json["seed"] = report.seed;
  json["samples"] = report.samples;
  if (report.tornado) json["tornado"] = tornado_json(*report.tornado);
  if (report.rank) json["rank"] = rank_json(*report.rank);
  if (report.sobol) json["sobol"] = sobol_json(*report.sobol);
  json["notes"] = report.notes;
  return json.dump(2) + "\n";
}

std::string sensitivity_text(const SensitivityReport& report, const SensitivityTextStyle& style) {
  std::string out = fmt::format("Sensitivity of {}", report.output);
  if (!report.model.empty()) out += fmt::format(" in model {}", report.model);
  if (!report.scenario.empty()) out += fmt::format(", scenario {}", report.scenario);
  out += fmt::format(" (seed {})\n", report.seed);
  if (report.tornado) {
    out += "\n";
    tornado_text(out, *report.tornado, style);
  }
  if (report.rank) {
    out += "\n";
    rank_text(out, *report.rank, style);
  }
  if (report.sobol) {
    out += "\n";
    sobol_text(out, *report.sobol, style);
  }
  for (const auto& note : report.notes) out += fmt::format("\nnote: {}\n", note);
  return out;
}

}  // namespace pdoom
