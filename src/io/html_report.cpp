// The self-contained HTML report.

#include "pdoom/io/html_report.hpp"

#include "html_page.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/explain.hpp"
#include "pdoom/io/svg.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/stats/histogram.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pdoom {

namespace {

// The page skeleton, value formatting and headline boxes are shared with the comparison report.
using html::mean_and_error;
using html::stat_box;
using html::value_text;

std::string paragraphs(std::string_view text) {
  // Blank lines separate paragraphs; single line breaks inside one are spaces.
  std::string out, paragraph;
  std::size_t start = 0;
  auto flush = [&] {
    if (!paragraph.empty()) out += "<p>" + html_escaped(paragraph) + "</p>\n";
    paragraph.clear();
  };
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += line;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  flush();
  return out;
}

// Whether positive values spanning two orders of magnitude between the 1st and 99th percentiles.
bool wants_log_axis(const Summary& s) { return s.min > 0 && s.p01 > 0 && s.p99 >= 100 * s.p01; }

std::string output_section(const ReportData& data, std::size_t column) {
  const RunResult& run = data.run;
  const std::string& name = run.node_names[column];
  const Node* node = data.model.find(name);
  const Summary& s = run.summaries[column];
  const bool probability = column < run.probability.size() && run.probability[column];
  std::string out = "<h3>" + html_escaped(name) + (node && !node->info.label.empty() ? ": " + html_escaped(node->info.label) : "") +
                    "</h3>\n<div class=\"headline\">";
  out += stat_box(mean_and_error(s, probability),
                  "mean \u00b1 Monte Carlo standard error");
  out += stat_box(value_text(s.p50, probability), "median");
  out += stat_box("[" + value_text(s.p05, probability) + ", " + value_text(s.p95, probability) + "]",
                  "90% interval (5th to 95th percentile)");
  const bool has_at_medians = column < run.at_medians.size() && std::isfinite(run.at_medians[column]);
  if (has_at_medians) out += stat_box(value_text(run.at_medians[column], probability), "output at the inputs' medians");
  out += "</div>\n";
  if (column < run.exceedance.size() && !run.thresholds.empty()) {
    out += "<table><tr>";
    for (const double t : run.thresholds) out += "<th class=\"num\">P(" + html_escaped(name) + " &gt; " + html_escaped(value_text(t, probability)) + ")</th>";
    out += "</tr><tr>";
    for (std::size_t i = 0; i < run.thresholds.size() && i < run.exceedance[column].size(); ++i) {
      out += "<td class=\"num\">" + html_escaped(svg::short_percent(run.exceedance[column][i])) + "</td>";
    }
    out += "</tr></table>\n";
  }
  if (has_at_medians) {
    out += "<div class=\"gap\">" + html_escaped(median_gap_sentence(s.mean, run.at_medians[column], probability)) + "</div>\n";
  }
  // Charts: histogram and CDF from the kept samples, else a CDF through the summary's quantiles.
  const bool log_axis = wants_log_axis(s);
  svg::ChartOptions options;
  options.width = 540;
  options.height = 280;
  options.percent = probability;
  options.x_label = name + (log_axis ? " (log scale)" : "");
  std::string histogram_svg, cdf_svg;
  std::vector<double> xs, ps;
  if (run.values && static_cast<std::size_t>(run.values->rows()) >= 2) {
    const Eigen::ArrayXd values = run.values->col(static_cast<Eigen::Index>(column));
    std::vector<double> sorted(values.data(), values.data() + values.size());
    std::sort(sorted.begin(), sorted.end());
    options.title = "Distribution of " + name;
    if (sorted.front() < sorted.back()) {
      const Histogram h = histogram(sorted, 40, log_axis ? BinScale::log : BinScale::linear);
      histogram_svg = svg::histogram_chart(h, options, log_axis);
    }
    const std::size_t points = std::min<std::size_t>(sorted.size(), 400);
    for (std::size_t i = 0; i < points; ++i) {
      const std::size_t rank = points == 1 ? 0 : i * (sorted.size() - 1) / (points - 1);
      xs.push_back(sorted[rank]);
      ps.push_back(static_cast<double>(rank + 1) / static_cast<double>(sorted.size()));
    }
  } else {
    xs = {s.min, s.p01, s.p05, s.p25, s.p50, s.p75, s.p95, s.p99, s.max};
    ps = {0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0};
  }
  options.title = "Cumulative distribution of " + name;
  cdf_svg = svg::cdf_chart(xs, ps, options, log_axis);
  out += "<div class=\"charts\">";
  if (!histogram_svg.empty()) out += "<div class=\"chart\">" + histogram_svg + "</div>";
  out += "<div class=\"chart\">" + cdf_svg + "</div></div>\n";
  if (histogram_svg.empty()) {
    out += "<p class=\"note\">No histogram: the run did not keep its samples (or the output is constant).</p>\n";
  }
  return out;
}

std::string graph_section(const ReportData& data) {
  const Model& model = data.model;
  const Graph graph(model);
  std::vector<svg::DagNode> nodes;
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  // Shade inputs by |Spearman| with the first output analysed, relative to the largest.
  const RankResult* ranking = nullptr;
  for (const SensitivityReport& report : data.sensitivity) {
    if (report.rank) {
      ranking = &*report.rank;
      break;
    }
  }
  double largest = 0;
  if (ranking) {
    for (const RankEntry& entry : ranking->inputs) largest = std::max(largest, std::abs(entry.spearman));
  }
  for (std::size_t i = 0; i < model.nodes().size(); ++i) {
    const Node& node = model.nodes()[i];
    svg::DagNode drawn;
    drawn.name = node.name;
    drawn.input = node.kind == NodeKind::input;
    drawn.output = std::find(model.outputs.begin(), model.outputs.end(), node.name) != model.outputs.end();
    drawn.tooltip = node.name + (node.info.label.empty() ? "" : ": " + node.info.label) + "\n" +
                    (drawn.input ? distribution_in_words(node) : node.expression ? node.expression->to_string() : "");
    if (ranking && largest > 0) {
      for (const RankEntry& entry : ranking->inputs) {
        if (entry.input == node.name) drawn.shade = std::abs(entry.spearman) / largest;
      }
    }
    nodes.push_back(std::move(drawn));
    for (const std::size_t parent : graph.parents(i)) edges.emplace_back(parent, i);
  }
  svg::ChartOptions options;
  options.width = 600;
  std::string out = "<h2 id=\"graph\">Scenario graph</h2>\n";
  out += "<p class=\"note\">Inputs (rounded) on the left, each formula after the nodes it uses, outputs dark. ";
  if (ranking) out += "Inputs are shaded by their rank correlation with " + html_escaped(ranking->output) + " (darker orange: stronger). ";
  out += "Hover a node for its label and distribution.</p>\n";
  out += "<div class=\"chart\">" + svg::dag_chart(nodes, edges, options) + "</div>\n";
  return out;
}

std::string drivers_section(const ReportData& data) {
  std::string out = "<h2 id=\"drivers\">What drives the result</h2>\n";
  if (data.sensitivity.empty()) return out + "<p class=\"note\">No sensitivity analysis was run.</p>\n";
  for (const SensitivityReport& report : data.sensitivity) {
    const Node* node = data.model.find(report.output);
    const bool probability = node && node->is_probability();
    out += "<h3>Drivers of " + html_escaped(report.output) + "</h3>\n<div class=\"charts\">";
    if (report.tornado && !report.tornado->inputs.empty()) {
      std::vector<svg::TornadoBar> bars;
      for (const TornadoEntry& entry : report.tornado->inputs) {
        if (bars.size() == 15) break;
        bars.push_back({entry.input, entry.low, entry.high});
      }
      svg::ChartOptions options;
      options.width = 540;
      options.percent = probability;
      options.title = fmt::format("Tornado: mean of {} with one input at its {:g}th / {:g}th percentile", report.output,
                                  100 * report.tornado->low_quantile, 100 * report.tornado->high_quantile);
      options.x_label = "mean of " + report.output + " (line: baseline " +
                        value_text(report.tornado->baseline, probability) + ")";
      out += "<div class=\"chart\">" + svg::tornado_chart(bars, report.tornado->baseline, options) + "</div>";
    }
    if (report.sobol && !report.sobol->inputs.empty()) {
      std::vector<svg::Bar> first, total;
      for (const SobolIndex& index : report.sobol->inputs) {
        if (first.size() == 15) break;
        first.push_back({index.name, index.first_order.value, index.first_order.low, index.first_order.high});
        total.push_back({index.name, index.total.value, index.total.low, index.total.high});
      }
      svg::ChartOptions options;
      options.width = 540;
      options.title = fmt::format("Sobol indices of {} ({:g}% bootstrap intervals)", report.output,
                                  100 * report.sobol->confidence_level);
      options.x_label = "share of the variance";
      out += "<div class=\"chart\">" + svg::grouped_bar_chart(first, total, "first order S1", "total ST", options) + "</div>";
    }
    out += "</div>\n";
    if (report.rank && !report.rank->inputs.empty()) {
      out += fmt::format("<table><tr><th>input</th><th class=\"num\">Spearman</th><th class=\"num\">PRCC</th><th>dependence</th>{}</tr>\n",
                         report.sobol ? "<th class=\"num\">S1</th><th class=\"num\">ST</th>" : "");
      for (const RankEntry& entry : report.rank->inputs) {
        out += "<tr><td>" + html_escaped(entry.input) + "</td>" +
               fmt::format("<td class=\"num\">{:+.3f}</td><td class=\"num\">{:+.3f}</td><td>{}</td>", entry.spearman,
                           entry.prcc, dependence_in_words(entry.spearman));
        if (report.sobol) {
          const auto found = std::find_if(report.sobol->inputs.begin(), report.sobol->inputs.end(),
                                          [&](const SobolIndex& index) { return index.name == entry.input; });
          if (found != report.sobol->inputs.end()) {
            out += fmt::format("<td class=\"num\">{:.3f} \u00b1 {:.3f}</td><td class=\"num\">{:.3f} \u00b1 {:.3f}</td>",
                               found->first_order.value, found->first_order.half_width(), found->total.value,
                               found->total.half_width());
          } else {
            out += "<td></td><td></td>";
          }
        }
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
    for (const std::string& note : report.notes) out += "<p class=\"note\">" + html_escaped(note) + "</p>\n";
  }
  return out;
}

std::string assumptions_section(const Model& model) {
  std::string out = "<h2 id=\"assumptions\">Assumptions</h2>\n";
  out += "<table><tr><th>node</th><th>label</th><th>distribution or formula</th><th>rationale</th><th>source</th></tr>\n";
  const Graph graph(model);
  for (const std::size_t index : graph.order()) {
    const Node& node = model.nodes()[index];
    std::string definition;
    if (node.kind == NodeKind::input && node.distribution) {
      definition = html_escaped(distribution_in_words(node)) + "<br><code>" + html_escaped(node.distribution->to_string()) + "</code>";
    } else if (node.expression) {
      definition = "<code>= " + html_escaped(node.expression->to_string()) + "</code>";
    }
    out += "<tr><td><b>" + html_escaped(node.name) + "</b></td><td>" + html_escaped(node.info.label) + "</td><td>" +
           definition + "</td><td>" + html_escaped(node.info.rationale) + "</td><td>" + html_escaped(node.info.source) +
           "</td></tr>\n";
  }
  out += "</table>\n";
  if (!model.correlations.empty()) {
    out += "<p>Rank correlations between inputs:</p><table><tr><th>first</th><th>second</th><th class=\"num\">Spearman</th></tr>\n";
    for (const Correlation& c : model.correlations) {
      out += "<tr><td>" + html_escaped(c.first) + "</td><td>" + html_escaped(c.second) + "</td>" +
             fmt::format("<td class=\"num\">{:+.2f}</td></tr>\n", c.rank_correlation);
    }
    out += "</table>\n";
  }
  return out;
}

std::string scenarios_section(const ReportData& data) {
  std::string out = "<h2 id=\"scenarios\">Scenarios</h2>\n";
  if (data.model.scenarios.empty()) return out + "<p class=\"note\">The model defines no scenarios.</p>\n";
  if (data.scenarios.empty()) return out + "<p class=\"note\">The scenarios were not run for this report.</p>\n";
  out += "<p class=\"note\">Every scenario runs on the same random numbers as the base model, so differences between "
         "columns are due to the overrides, not to sampling noise.</p>\n";
  for (const Scenario& scenario : data.model.scenarios) {
    if (!scenario.description.empty()) {
      out += "<p><b>" + html_escaped(scenario.name) + "</b>: " + html_escaped(scenario.description) + "</p>\n";
    }
  }
  const RunResult& base = data.scenarios.front();
  for (const std::size_t column : base.outputs) {
    const std::string& name = base.node_names[column];
    const bool probability = column < base.probability.size() && base.probability[column];
    out += "<h3>" + html_escaped(name) + "</h3>\n<table><tr><th></th>";
    for (const RunResult& result : data.scenarios) {
      out += "<th class=\"num\">" + html_escaped(result.scenario.empty() ? "base model" : result.scenario) + "</th>";
    }
    out += "</tr>\n";
    auto row = [&](const std::string& what, auto&& cell) {
      out += "<tr><th>" + html_escaped(what) + "</th>";
      for (const RunResult& result : data.scenarios) {
        const std::optional<std::size_t> c = result.column(name);
        out += "<td class=\"num\">" + (c ? html_escaped(cell(result, *c)) : std::string("&#8212;")) + "</td>";
      }
      out += "</tr>\n";
    };
    row("mean", [&](const RunResult& r, std::size_t c) {
      return mean_and_error(r.summaries[c], probability);
    });
    row("difference from base", [&](const RunResult& r, std::size_t c) {
      const double d = r.summaries[c].mean - base.summaries[column].mean;
      return (d > 0 ? "+" : "") + value_text(d, probability);
    });
    row("median", [&](const RunResult& r, std::size_t c) { return value_text(r.summaries[c].p50, probability); });
    row("90% interval", [&](const RunResult& r, std::size_t c) {
      return "[" + value_text(r.summaries[c].p05, probability) + ", " + value_text(r.summaries[c].p95, probability) + "]";
    });
    for (std::size_t t = 0; t < base.thresholds.size(); ++t) {
      row("P(> " + value_text(base.thresholds[t], probability) + ")", [&](const RunResult& r, std::size_t c) {
        return c < r.exceedance.size() && t < r.exceedance[c].size() ? svg::short_percent(r.exceedance[c][t]) : std::string("-");
      });
    }
    row("at the inputs' medians", [&](const RunResult& r, std::size_t c) {
      return c < r.at_medians.size() ? value_text(r.at_medians[c], probability) : std::string("-");
    });
    out += "</table>\n";
    std::vector<svg::Bar> bars;
    for (const RunResult& r : data.scenarios) {
      if (const std::optional<std::size_t> c = r.column(name)) {
        const Summary& s = r.summaries[*c];
        bars.push_back({r.scenario.empty() ? "base model" : r.scenario, s.mean, s.p05, s.p95});
      }
    }
    svg::ChartOptions options;
    options.width = 640;
    options.percent = probability;
    options.title = "Mean of " + name + " by scenario (whiskers: 90% interval)";
    out += "<div class=\"chart\">" + svg::bar_chart(bars, options) + "</div>\n";
  }
  return out;
}

}  // namespace

std::string html_escaped(std::string_view text) { return svg::xml_escaped(text); }

std::string median_gap_sentence(double mean, double at_medians, bool probability) {
  const std::string m = value_text(mean, probability), a = value_text(at_medians, probability);
  const double scale = std::max(std::abs(mean), std::abs(at_medians));
  if (scale == 0 || std::abs(mean - at_medians) <= 0.1 * scale) {
    return fmt::format("With every input at its median the model gives {}, close to the mean {}: here the point "
                       "estimate tells nearly the same story as the full uncertainty (unlike the cases Sandberg, "
                       "Drexler and Ord describe, where the two differ greatly).", a, m);
  }
  if (mean > at_medians && at_medians == 0) {
    return fmt::format("With every input at its median the model gives {}, but the mean over the uncertainty is {}: "
                       "as Sandberg, Drexler and Ord showed for the Fermi paradox, the uncertain inputs' tails weigh "
                       "more than their central values, so a point estimate from medians understates the expected "
                       "value.", a, m);
  }
  if (mean > at_medians) {
    return fmt::format("With every input at its median the model gives {}, but the mean over the uncertainty is {} "
                       "({:.2g} times as much): as Sandberg, Drexler and Ord showed for the Fermi paradox, the "
                       "uncertain inputs' tails weigh more than their central values, so a point estimate from "
                       "medians understates the expected value.", a, m, at_medians != 0 ? mean / at_medians : INFINITY);
  }
  return fmt::format("With every input at its median the model gives {}, but the mean over the uncertainty is only {}: "
                     "as Sandberg, Drexler and Ord stress, propagating the uncertainty can tell a different story "
                     "from a point estimate; here unfavourable combinations of inputs pull the expected value below "
                     "what the medians suggest.", a, m);
}

ReportData make_report_data(const Model& model, RunResult run, const ReportOptions& options) {
  ReportData data;
  data.model = model;
  const Model analysed = run.scenario.empty() ? model : apply_scenario(model, run.scenario);
  for (const std::string& output : analysed.outputs) {
    SensitivityOptions sensitivity;
    sensitivity.output = output;
    sensitivity.scenario = run.scenario;
    sensitivity.samples = std::max<std::uint64_t>(options.sensitivity_samples, 3);
    sensitivity.seed = options.seed;
    sensitivity.threads = options.threads;
    SensitivityReport report =
        sensitivity_analysis(model, {SensitivityMethod::tornado, SensitivityMethod::rank}, sensitivity);
    if (options.sobol_samples > 0) {
      if (has_correlated_inputs(model, sensitivity)) {
        report.notes.push_back("Sobol indices left out: they assume independent inputs, and this model correlates "
                               "some of the inputs of " + output + ".");
      } else {
        SensitivityOptions sobol = sensitivity;
        sobol.samples = options.sobol_samples;
        report.sobol = sobol_analysis(model, sobol);
      }
    }
    data.sensitivity.push_back(std::move(report));
  }
  if (!model.scenarios.empty() && options.scenario_samples > 0) {
    RunOptions scenario_options;
    scenario_options.samples = options.scenario_samples;
    scenario_options.seed = options.seed;
    scenario_options.threads = options.threads;
    scenario_options.design = run.design;
    // A failing scenario (e.g. a probability out of range under its overrides) costs its section only.
    try {
      data.scenarios = run_scenarios(model, scenario_options);
    } catch (const Error& error) {
      data.warnings.push_back(std::string("The scenarios could not be run: ") + error.what());
    }
  }
  if (run.correlations_repaired) {
    data.warnings.push_back("The rank correlations were not jointly feasible and were repaired to the nearest feasible set.");
  }
  data.run = std::move(run);
  return data;
}

std::string html_report(const ReportData& data) {
  const Model& model = data.model;
  const RunResult& run = data.run;
  const std::string title = model.title.empty() ? model.name : model.title;
  std::string out = html::page_start(title + " \u2014 pdoom report");
  out += "<header id=\"summary\">\n<h1>" + html_escaped(title) + "</h1>\n";
  out += "<p class=\"meta\">Model <code>" + html_escaped(model.name) + "</code>" +
         (run.scenario.empty() ? std::string() : ", scenario <b>" + html_escaped(run.scenario) + "</b>") +
         fmt::format(" &#183; {} samples ({}), seed {}", run.samples, design_name(run.design), run.seed) + "</p>\n";
  if (!model.authors.empty()) {
    std::string authors;
    for (const std::string& author : model.authors) authors += (authors.empty() ? "" : "; ") + author;
    out += "<p class=\"meta\">Authors: " + html_escaped(authors) + "</p>\n";
  }
  out += "</header>\n";
  for (const std::string& warning : data.warnings) out += "<div class=\"warning\">" + html_escaped(warning) + "</div>\n";
  if (run.partial) out += "<div class=\"warning\">Partial run: the numbers cover only the completed samples.</div>\n";
  out += "<section id=\"description\">\n<h2>The argument</h2>\n" + paragraphs(model.description);
  if (model.claimed) out += "<p>The authors' stated bottom line: <b>" + html_escaped(svg::short_percent(*model.claimed)) + "</b>.</p>\n";
  if (!model.sources.empty()) {
    out += "<h3>Sources</h3>\n<ul class=\"sources\">\n";
    for (const std::string& source : model.sources) out += "<li>" + html_escaped(source) + "</li>\n";
    out += "</ul>\n";
  }
  out += "</section>\n<section id=\"outputs\">\n<h2>Results</h2>\n";
  if (!run.exact) {
    out += fmt::format("<p class=\"note\">Streaming summaries: quantiles are within {:.2g} relative of the exact values.</p>\n",
                       run.quantile_relative_error);
  }
  for (const std::string& output : model.outputs) {
    const std::optional<std::size_t> column = run.column(output);
    if (!column) throw Error("html_report: the run has no node '" + output + "'");
    out += output_section(data, *column);
  }
  out += "</section>\n<section>\n" + graph_section(data) + "</section>\n";
  out += "<section>\n" + drivers_section(data) + "</section>\n";
  out += "<section>\n" + assumptions_section(model) + "</section>\n";
  out += "<section>\n" + scenarios_section(data) + "</section>\n";
  out += html::page_end("Generated by " + data.generator +
                        ". Mean \u00b1 Monte Carlo standard error; intervals are percentiles of the sampled outputs. "
                        "The same model file, seed and options reproduce these numbers exactly.");
  return out;
}

}  // namespace pdoom
