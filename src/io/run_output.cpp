// Run results as JSON (nlohmann, ordered so that nodes keep the model's order), CSV and terminal tables.

#include "pdoom/io/run_output.hpp"

#include "pdoom/error.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

namespace pdoom {
namespace {

using Json = nlohmann::ordered_json;

// NaN and infinities are not JSON numbers: write null.
Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

// "0.01", "0.5", "1e-06": the shortest text that reads back to the threshold.
std::string threshold_key(double t) { return fmt::format("{}", t); }

Json summary_json(const RunResult& result, std::size_t node) {
  const Summary& s = result.summaries[node];
  Json out = {{"mean", number(s.mean)}, {"sd", number(s.sd)},   {"stderr", number(s.standard_error)},
              {"min", number(s.min)},   {"max", number(s.max)}, {"p01", number(s.p01)},
              {"p05", number(s.p05)},   {"p25", number(s.p25)}, {"p50", number(s.p50)},
              {"p75", number(s.p75)},   {"p95", number(s.p95)}, {"p99", number(s.p99)}};
  out["count"] = s.count;
  out["at_median"] = node < result.at_medians.size() ? number(result.at_medians[node]) : Json(nullptr);
  Json exceedance = Json::object();
  for (std::size_t t = 0; t < result.thresholds.size(); ++t) {
    const double p = node < result.exceedance.size() && t < result.exceedance[node].size()
                         ? result.exceedance[node][t]
                         : std::nan("");
    exceedance[threshold_key(result.thresholds[t])] = number(p);
  }
  out["exceedance"] = std::move(exceedance);
  return out;
}

Json run_object(const RunResult& result) {
  Json out = Json::object();
  out["model"] = result.model;
  out["samples"] = result.samples;
  out["seed"] = result.seed;
  out["design"] = std::string(design_name(result.design));
  out["scenario"] = result.scenario.empty() ? Json(nullptr) : Json(result.scenario);
  Json outputs = Json::object();
  for (const std::size_t column : result.outputs) outputs[result.node_names[column]] = summary_json(result, column);
  out["outputs"] = std::move(outputs);
  Json nodes = Json::object();
  for (std::size_t column = 0; column < result.node_names.size(); ++column) {
    nodes[result.node_names[column]] = summary_json(result, column);
  }
  out["nodes"] = std::move(nodes);
  out["samples_requested"] = result.samples_requested;
  out["partial"] = result.partial;
  out["block_size"] = result.block_size;
  out["summaries"] = result.exact ? "exact" : "streaming";
  out["quantile_relative_error"] = result.quantile_relative_error;
  Json thresholds = Json::array();
  for (const double t : result.thresholds) thresholds.push_back(t);
  out["thresholds"] = std::move(thresholds);
  Json correlations = Json::array();
  for (const auto& c : result.correlations) {
    correlations.push_back({{"first", c.first},
                            {"second", c.second},
                            {"target", number(c.target)},
                            {"implemented", number(c.implemented)},
                            {"achieved", number(c.achieved)}});
  }
  out["correlations"] = std::move(correlations);
  out["correlations_repaired"] = result.correlations_repaired;
  return out;
}

// ---- text ----

// A probability as a percentage with three significant digits ("5.12%", "0.0412%"); other values with
// four ("1.234e+04", "0.3127").
std::string show(double x, bool probability) {
  if (std::isnan(x)) return "n/a";
  if (probability) {
    // Near certainty, three significant digits would round 99.97% to "100%": show the complement's digits.
    const double complement = 100.0 * (1.0 - x);
    if (x < 1.0 && complement > 0.0 && complement < 0.5) {
      const int decimals = std::min(8, 1 - static_cast<int>(std::floor(std::log10(complement))));
      return fmt::format("{:.{}f}%", 100.0 * x, decimals);
    }
    return fmt::format("{:.3g}%", 100.0 * x);
  }
  return fmt::format("{:.4g}", x);
}

std::string show_error(double x, bool probability) {
  if (std::isnan(x)) return "n/a";
  if (probability) return fmt::format("{:.2g}%", 100.0 * x);
  return fmt::format("{:.2g}", x);
}

// "5.12% ± 0.031%".
std::string mean_and_error(const Summary& s, bool probability) {
  return fmt::format("{} ± {}", show(s.mean, probability), show_error(s.standard_error, probability));
}

// The central 90% interval, "[1.2%, 34%]".
std::string interval(const Summary& s, bool probability) {
  return fmt::format("[{}, {}]", show(s.p05, probability), show(s.p95, probability));
}

// Left-aligned columns separated by two spaces; the header underlined by the table's width.
std::string table(const std::vector<std::vector<std::string>>& rows, std::string_view indent = "  ") {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line(indent);
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      line += c + 1 < rows[r].size() ? fmt::format("{:<{}}  ", rows[r][c], widths[c]) : rows[r][c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

bool all_probabilities(const RunResult& result) {
  return !result.outputs.empty() && std::all_of(result.outputs.begin(), result.outputs.end(), [&](std::size_t c) {
    return c < result.probability.size() && result.probability[c];
  });
}

std::string threshold_label(double t, bool percent) {
  return percent ? fmt::format("P(>{:.3g}%)", 100.0 * t) : fmt::format("P(>{:.4g})", t);
}

std::string heading(const RunResult& result) {
  std::string text = fmt::format("{}: {} samples, design {}, seed {}", result.model, result.samples,
                                 design_name(result.design), result.seed);
  text += result.scenario.empty() ? ", base model" : fmt::format(", scenario '{}'", result.scenario);
  if (result.partial) text += fmt::format(" (partial: stopped after {} of {})", result.samples, result.samples_requested);
  return text + "\n";
}

std::string outputs_table(const RunResult& result) {
  const bool percent = all_probabilities(result);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"output", "mean ± stderr", "median", "90% interval"};
  for (const double t : result.thresholds) header.push_back(threshold_label(t, percent));
  header.push_back("at input medians");
  rows.push_back(std::move(header));
  for (const std::size_t c : result.outputs) {
    const Summary& s = result.summaries[c];
    const bool p = c < result.probability.size() && result.probability[c];
    std::vector<std::string> row = {
        result.node_names[c], mean_and_error(s, p), show(s.p50, p),
        interval(s, p)};
    for (std::size_t t = 0; t < result.thresholds.size(); ++t) {
      row.push_back(show(result.exceedance[c][t], true));
    }
    row.push_back(c < result.at_medians.size() ? show(result.at_medians[c], p) : "n/a");
    rows.push_back(std::move(row));
  }
  return table(rows);
}

std::string nodes_table(const RunResult& result) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"node", "mean", "sd", "5%", "50%", "95%", "at medians"});
  for (std::size_t c = 0; c < result.node_names.size(); ++c) {
    const Summary& s = result.summaries[c];
    const bool p = c < result.probability.size() && result.probability[c];
    rows.push_back({result.node_names[c], show(s.mean, p), show(s.sd, p), show(s.p05, p), show(s.p50, p),
                    show(s.p95, p), c < result.at_medians.size() ? show(result.at_medians[c], p) : "n/a"});
  }
  return table(rows);
}

std::string notes(const RunResult& result) {
  std::string text;
  if (!result.exact) {
    text += fmt::format(
        "note: streaming summaries (too many samples to keep within the memory budget): mean, sd, min and "
        "max are exact; quantiles are within {:.3g}% relative of the exact ones.\n",
        100.0 * result.quantile_relative_error);
  }
  if (result.design == Design::sobol) {
    text += "note: with the sobol design the stderr shown is the Monte Carlo formula sd/sqrt(n), an "
            "overestimate for randomised QMC; compare several seeds for its true error.\n";
  }
  if (!result.correlations.empty()) {
    text += "rank correlations (target, achieved):";
    for (const auto& c : result.correlations) {
      text += fmt::format(" {}~{} {:.3g}, {:.3g};", c.first, c.second, c.target, c.achieved);
    }
    text.back() = '\n';
    if (result.correlations_repaired) {
      text += "note: the target correlations were not jointly possible and were repaired to the nearest "
              "feasible ones.\n";
    }
  }
  return text;
}

void append_row(std::string& out, const RunResult& result, std::size_t row) {
  const auto& values = *result.values;
  for (Eigen::Index c = 0; c < values.cols(); ++c) {
    if (c > 0) out += ',';
    fmt::format_to(std::back_inserter(out), "{}", values(static_cast<Eigen::Index>(row), c));
  }
  out += '\n';
}

}  // namespace

std::string run_json(const RunResult& result) { return run_object(result).dump(2) + "\n"; }

std::string scenarios_json(std::span<const RunResult> results) {
  if (results.empty()) throw Error("scenarios_json: no runs");
  const RunResult& base = results.front();
  Json out = Json::object();
  out["model"] = base.model;
  out["samples"] = base.samples;
  out["seed"] = base.seed;
  out["design"] = std::string(design_name(base.design));
  Json runs = Json::array();
  for (const auto& result : results) runs.push_back(run_object(result));
  out["runs"] = std::move(runs);
  Json differences = Json::object();
  for (std::size_t r = 1; r < results.size(); ++r) {
    Json entry = Json::object();
    for (const std::size_t column : results[r].outputs) {
      const std::string& name = results[r].node_names[column];
      const auto base_column = base.column(name);
      entry[name] = base_column ? number(results[r].summaries[column].mean - base.summaries[*base_column].mean)
                                : Json(nullptr);
    }
    differences[results[r].scenario] = std::move(entry);
  }
  out["differences"] = std::move(differences);
  return out.dump(2) + "\n";
}

void write_samples_csv(std::ostream& out, const RunResult& result) {
  if (!result.values) throw Error("write_samples_csv: the run kept no samples");
  std::string buffer;
  for (std::size_t c = 0; c < result.node_names.size(); ++c) {
    if (c > 0) buffer += ',';
    buffer += result.node_names[c];  // node names are identifiers: no quoting needed
  }
  buffer += '\n';
  const auto rows = static_cast<std::size_t>(result.values->rows());
  for (std::size_t row = 0; row < rows; ++row) {
    append_row(buffer, result, row);
    if (buffer.size() > (std::size_t{1} << 20)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

RunTextParts run_text_parts(const RunResult& result) {
  return {heading(result), outputs_table(result), nodes_table(result), notes(result)};
}

std::string run_text(const RunResult& result) {
  const RunTextParts parts = run_text_parts(result);
  std::string text = parts.heading;
  text += '\n';
  text += parts.outputs;
  text += '\n';
  text += parts.nodes;
  if (!parts.notes.empty()) {
    text += '\n';
    text += parts.notes;
  }
  return text;
}

std::string scenarios_text(std::span<const RunResult> results) {
  if (results.empty()) throw Error("scenarios_text: no runs");
  const RunResult& base = results.front();
  std::string text = fmt::format("{}: {} samples, design {}, seed {}, {} scenario(s) beside the base model "
                                 "(same random numbers)\n\n",
                                 base.model, base.samples, design_name(base.design), base.seed, results.size() - 1);
  const bool percent = all_probabilities(base);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"output", "scenario", "mean ± stderr", "difference", "median", "90% interval"};
  for (const double t : base.thresholds) header.push_back(threshold_label(t, percent));
  rows.push_back(std::move(header));
  for (const std::size_t base_column : base.outputs) {
    const std::string& name = base.node_names[base_column];
    for (const auto& result : results) {
      const auto column = result.column(name);
      if (!column) continue;
      const Summary& s = result.summaries[*column];
      const bool p = *column < result.probability.size() && result.probability[*column];
      std::vector<std::string> row = {
          name, result.scenario.empty() ? "(base)" : result.scenario,
          mean_and_error(s, p),
          result.scenario.empty() ? "" : fmt::format("{}{}", s.mean >= base.summaries[base_column].mean ? "+" : "",
                                                     show(s.mean - base.summaries[base_column].mean, p)),
          show(s.p50, p), interval(s, p)};
      for (std::size_t t = 0; t < result.thresholds.size(); ++t) row.push_back(show(result.exceedance[*column][t], true));
      rows.push_back(std::move(row));
    }
  }
  text += table(rows);
  return text;
}

}  // namespace pdoom
