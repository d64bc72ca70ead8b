// Audit results as JSON (nlohmann, ordered so that tables keep their order) and terminal tables.

#include "pdoom/io/compare_output.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace pdoom {

namespace {

using Json = nlohmann::ordered_json;

// NaN and infinities are not JSON numbers: write null.
Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json summary_json(const Summary& summary) {
  Json out = Json::object();
  out["mean"] = number(summary.mean);
  out["sd"] = number(summary.sd);
  out["stderr"] = number(summary.standard_error);
  out["min"] = number(summary.min);
  out["max"] = number(summary.max);
  out["p01"] = number(summary.p01);
  out["p05"] = number(summary.p05);
  out["p25"] = number(summary.p25);
  out["p50"] = number(summary.p50);
  out["p75"] = number(summary.p75);
  out["p95"] = number(summary.p95);
  out["p99"] = number(summary.p99);
  out["count"] = summary.count;
  return out;
}

Json strings(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const auto& value : values) out.push_back(value);
  return out;
}

// Values shown as percentages when the quantity is a probability, else in plain figures.
struct Style {
  bool percent = false;
  [[nodiscard]] std::string value(double x) const {
    if (!std::isfinite(x)) return "n/a";
    return percent ? fmt::format("{:.3g}%", 100 * x) : fmt::format("{:.4g}", x);
  }
  [[nodiscard]] std::string difference(double x) const {
    if (!std::isfinite(x)) return "n/a";
    return percent ? fmt::format("{:+.3g} pp", 100 * x) : fmt::format("{:+.4g}", x);
  }
  [[nodiscard]] std::string error(double x) const {
    if (!std::isfinite(x)) return "n/a";
    // Rounding noise of a constant output is not a Monte Carlo error worth showing.
    if (std::abs(x) < 1e-12) return "0";
    return percent ? fmt::format("{:.2g} pp", 100 * x) : fmt::format("{:.2g}", x);
  }
};

constexpr std::size_t bar_width = 20;

std::string repeat(std::string_view piece, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += piece;
  return out;
}

// A bar of `fraction` in [0, 1] of `width` cells, right-aligned when `leftward` (a negative value).
std::string half_bar(double fraction, std::size_t width, bool leftward) {
  const auto cells = static_cast<std::size_t>(std::lround(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(width)));
  const std::string drawn = repeat("█", cells);
  const std::string blank(width - cells, ' ');
  return leftward ? blank + drawn : drawn + blank;
}

// A diverging bar: negative values grow left of the axis, positive ones right of it.
std::string signed_bar(double value, double reach) {
  const double fraction = reach > 0 ? std::abs(value) / reach : 0.0;
  if (value < 0) return half_bar(fraction, bar_width, true) + "│" + std::string(bar_width, ' ');
  return std::string(bar_width, ' ') + "│" + half_bar(fraction, bar_width, false);
}

std::string shortened(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

}  // namespace

std::string compare_json(const Comparison& comparison) {
  Json out = Json::object();
  out["output"] = comparison.output;
  out["a"] = Json{{"model", comparison.model_a}, {"mean", number(comparison.mean_a)},
                  {"stderr", number(comparison.stderr_a)}};
  out["b"] = Json{{"model", comparison.model_b}, {"mean", number(comparison.mean_b)},
                  {"stderr", number(comparison.stderr_b)}};
  out["difference"] = number(comparison.difference);
  out["difference_stderr"] = number(comparison.difference_stderr);
  out["samples"] = comparison.samples;
  out["seed"] = comparison.seed;
  Json attribution = Json::object();
  for (const auto& change : comparison.attribution) attribution[change.name] = number(change.share);
  out["attribution"] = attribution;
  out["exact"] = comparison.exact;
  out["permutations"] = comparison.permutations;
  out["hybrids"] = comparison.hybrids;
  Json changes = Json::array();
  for (const auto& change : comparison.attribution) {
    changes.push_back(Json{{"name", change.name},
                           {"nodes", strings(change.nodes)},
                           {"share", number(change.share)},
                           {"stderr", number(change.share_stderr)},
                           {"reason", change.reason.empty() ? Json(nullptr) : Json(change.reason)}});
  }
  out["changes"] = changes;
  out["irrelevant_changes"] = strings(comparison.irrelevant_changes);
  Json nodes = Json::object();
  for (const auto& node : comparison.nodes) {
    Json row = Json::object();
    row["a"] = node.a ? summary_json(*node.a) : Json(nullptr);
    row["b"] = node.b ? summary_json(*node.b) : Json(nullptr);
    row["changed"] = node.changed;
    row["in_a"] = node.in_a;
    row["in_b"] = node.in_b;
    row["definition_a"] = node.in_a ? Json(node.definition_a) : Json(nullptr);
    row["definition_b"] = node.in_b ? Json(node.definition_b) : Json(nullptr);
    nodes[node.name] = row;
  }
  out["nodes"] = nodes;
  out["notes"] = strings(comparison.notes);
  return out.dump(2) + "\n";
}

std::string compare_text(const Comparison& comparison) {
  const bool probability = comparison.mean_a >= 0 && comparison.mean_a <= 1 && comparison.mean_b >= 0 &&
                           comparison.mean_b <= 1;
  const Style style{probability};
  std::string out;
  out += fmt::format("compare '{}': A = {}, B = {}  ({} samples, seed {}, common random numbers)\n\n",
                     comparison.output, comparison.model_a, comparison.model_b, comparison.samples, comparison.seed);
  out += fmt::format("  mean in A   {} ± {}\n", style.value(comparison.mean_a), style.error(comparison.stderr_a));
  out += fmt::format("  mean in B   {} ± {}\n", style.value(comparison.mean_b), style.error(comparison.stderr_b));
  out += fmt::format("  B - A       {} ± {}\n\n", style.difference(comparison.difference),
                     style.error(comparison.difference_stderr));

  if (comparison.attribution.empty()) {
    out += "no changed node can affect the output: the difference is 0\n";
  } else {
    out += fmt::format("attribution of B - A ({} Shapley values over {} hybrid models; shares add up to B - A)\n",
                       comparison.exact ? "exact" : "sampled", comparison.hybrids);
    std::size_t width = 6;
    for (const auto& change : comparison.attribution) width = std::max(width, std::min<std::size_t>(change.name.size(), 40));
    double reach = 0;
    for (const auto& change : comparison.attribution) reach = std::max(reach, std::abs(change.share));
    std::size_t share_width = 0;
    std::size_t error_width = 0;
    for (const auto& change : comparison.attribution) {
      share_width = std::max(share_width, style.difference(change.share).size());
      error_width = std::max(error_width, style.error(change.share_stderr).size());
    }
    for (const auto& change : comparison.attribution) {
      out += fmt::format("  {:<{}}  {:>{}} ± {:<{}}  {}\n", shortened(change.name, 40), width,
                         style.difference(change.share), share_width, style.error(change.share_stderr), error_width,
                         signed_bar(change.share, reach));
    }
    out += fmt::format("  {:<{}}  {:>{}}\n", "total", width, style.difference(comparison.difference), share_width);
  }
  if (!comparison.irrelevant_changes.empty()) {
    out += "\nchanged but cannot affect the output: ";
    for (std::size_t i = 0; i < comparison.irrelevant_changes.size(); ++i) {
      out += (i > 0 ? ", " : "") + comparison.irrelevant_changes[i];
    }
    out += "\n";
  }

  out += "\nchanged nodes\n";
  std::size_t width = 4;
  for (const auto& node : comparison.nodes) {
    if (node.changed) width = std::max(width, std::min<std::size_t>(node.name.size(), 30));
  }
  for (const auto& node : comparison.nodes) {
    if (!node.changed) continue;
    const std::string mean_a = node.a ? style.value(node.a->mean) : std::string();
    const std::string mean_b = node.b ? style.value(node.b->mean) : std::string();
    if (node.in_a && node.in_b) {
      out += fmt::format("  {:<{}}  A: {}{}\n", shortened(node.name, 30), width, shortened(node.definition_a, 60),
                         mean_a.empty() ? "" : "  (mean " + mean_a + ")");
      out += fmt::format("  {:<{}}  B: {}{}\n", "", width, shortened(node.definition_b, 60),
                         mean_b.empty() ? "" : "  (mean " + mean_b + ")");
    } else if (node.in_b) {
      out += fmt::format("  {:<{}}  only in B: {}\n", shortened(node.name, 30), width, shortened(node.definition_b, 60));
    } else {
      out += fmt::format("  {:<{}}  only in A: {}\n", shortened(node.name, 30), width, shortened(node.definition_a, 60));
    }
  }
  if (!comparison.notes.empty()) {
    out += "\nnotes\n";
    for (const auto& note : comparison.notes) out += "  - " + note + "\n";
  }
  return out;
}

std::string panel_json(const PanelResult& panel) {
  Json out = Json::object();
  out["panel"] = panel.panel;
  out["model"] = panel.model;
  out["output"] = panel.output;
  out["samples"] = panel.samples;
  out["seed"] = panel.seed;
  out["premises"] = strings(panel.premises);
  Json forecasters = Json::array();
  for (const auto& forecaster : panel.forecasters) {
    Json premises = Json::object();
    for (std::size_t k = 0; k < panel.premises.size() && k < forecaster.premises.size(); ++k) {
      premises[panel.premises[k]] = number(forecaster.premises[k]);
    }
    forecasters.push_back(Json{{"name", forecaster.name},
                               {"mean", number(forecaster.mean)},
                               {"stderr", number(forecaster.standard_error)},
                               {"premises", premises}});
  }
  out["forecasters"] = forecasters;
  Json aggregates = Json::object();
  for (const auto& aggregate : panel.aggregates) {
    Json premises = Json::object();
    for (std::size_t k = 0; k < panel.premises.size() && k < aggregate.premises.size(); ++k) {
      premises[panel.premises[k]] = number(aggregate.premises[k]);
    }
    aggregates[aggregate.name] = Json{{"of_outputs", number(aggregate.of_outputs)},
                                      {"of_premises", number(aggregate.of_premises)},
                                      {"premises", premises}};
  }
  out["aggregates"] = aggregates;
  Json shares = Json::object();
  for (const auto& share : panel.shares) {
    shares[share.node] = Json{{"share", number(share.share)},
                              {"fraction", number(share.fraction)},
                              {"stderr", number(share.standard_error)}};
  }
  out["disagreement"] = Json{{"scale", panel.scale},
                             {"variance", number(panel.disagreement)},
                             {"exact", panel.exact},
                             {"premises", shares}};
  out["notes"] = strings(panel.notes);
  return out.dump(2) + "\n";
}

std::string panel_text(const PanelResult& panel) {
  bool probability = true;
  for (const auto& forecaster : panel.forecasters) probability = probability && forecaster.mean >= 0 && forecaster.mean <= 1;
  const Style style{probability};
  std::string out;
  out += fmt::format("panel '{}' on model '{}': '{}' ({} samples per forecaster, seed {})\n\n", panel.panel,
                     panel.model, panel.output, panel.samples, panel.seed);
  std::size_t width = 10;
  for (const auto& forecaster : panel.forecasters) width = std::max(width, std::min<std::size_t>(forecaster.name.size(), 30));
  double reach = 0;
  for (const auto& forecaster : panel.forecasters) {
    if (std::isfinite(forecaster.mean)) reach = std::max(reach, std::abs(forecaster.mean));
  }
  out += "forecasters\n";
  std::size_t error_width = 0;
  for (const auto& forecaster : panel.forecasters) {
    error_width = std::max(error_width, style.error(forecaster.standard_error).size());
  }
  for (const auto& forecaster : panel.forecasters) {
    out += fmt::format("  {:<{}}  {:>9} ± {:<{}}  {}\n", shortened(forecaster.name, 30), width,
                       style.value(forecaster.mean), style.error(forecaster.standard_error), error_width,
                       half_bar(reach > 0 ? std::abs(forecaster.mean) / reach : 0.0, 2 * bar_width, false));
  }
  out += "\naggregates             of the outputs   of the premises, then the model\n";
  for (const auto& aggregate : panel.aggregates) {
    std::string name = aggregate.name;
    std::replace(name.begin(), name.end(), '_', ' ');
    out += fmt::format("  {:<22} {:>14}   {:>14}\n", name, style.value(aggregate.of_outputs),
                       style.value(aggregate.of_premises));
  }
  out += "  (pooling the premises and then multiplying is not pooling the answers: the two columns differ)\n";

  out += fmt::format("\nwhat the disagreement comes from: variance of the output's {} across forecasters = {:.4g}\n",
                     panel.scale, panel.disagreement);
  std::size_t premise_width = 6;
  for (const auto& share : panel.shares) premise_width = std::max(premise_width, std::min<std::size_t>(share.node.size(), 30));
  double share_reach = 0;
  for (const auto& share : panel.shares) share_reach = std::max(share_reach, std::abs(share.fraction));
  for (const auto& share : panel.shares) {
    out += fmt::format("  {:<{}}  {:>7.1f}%  {}\n", shortened(share.node, 30), premise_width, 100 * share.fraction,
                       signed_bar(share.fraction, share_reach));
  }
  if (!panel.notes.empty()) {
    out += "\nnotes\n";
    for (const auto& note : panel.notes) out += "  - " + note + "\n";
  }
  return out;
}

}  // namespace pdoom
