// The comparison as an HTML page, on the run report's skeleton.

#include "pdoom/io/compare_report.hpp"

#include "html_page.hpp"

#include "pdoom/io/html_report.hpp"
#include "pdoom/io/svg.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace pdoom {

namespace {

using html::value_text;

// Differences and errors as in `pdoom compare`'s table: percentage points for probabilities.
std::string difference_text(double x, bool probability) {
  if (!std::isfinite(x)) return "n/a";
  return probability ? fmt::format("{:+.3g} pp", 100 * x) : fmt::format("{:+.4g}", x);
}

// A standard error below sqrt(machine epsilon) of the output's scale is the square root of rounding
// residue in a variance (point values give about 1e-9), not Monte Carlo error.
double rounding_residue(const Comparison& c) {
  return 1.5e-8 * std::max({std::abs(c.mean_a), std::abs(c.mean_b), 1e-300});
}

std::string error_text(double x, bool probability, double residue) {
  if (!std::isfinite(x)) return "n/a";
  if (std::abs(x) <= residue) return "0";
  return probability ? fmt::format("{:.2g} pp", 100 * x) : fmt::format("{:.2g}", x);
}

std::string model_title(const std::optional<Model>& model, const std::string& name) {
  return model && !model->title.empty() ? model->title : name;
}

const Node* find_node(const std::optional<Model>& model, const std::string& name) {
  return model ? model->find(name) : nullptr;
}

// A node's values are shown as percentages when either model declares it a probability, or (without the
// models) when every summary lies in [0, 1].
bool node_is_probability(const CompareReportData& data, const NodeComparison& node) {
  const Node* a = find_node(data.model_a, node.name);
  const Node* b = find_node(data.model_b, node.name);
  if (a || b) return (a && a->is_probability()) || (b && b->is_probability());
  bool inside = node.a || node.b;
  for (const auto* s : {&node.a, &node.b}) {
    if (*s) inside = inside && (*s)->min >= 0 && (*s)->max <= 1;
  }
  return inside;
}

std::string summary_cell(const std::optional<Summary>& summary, bool present, const std::string& definition,
                         bool probability) {
  if (!present) return "<td class=\"note\">absent</td>";
  std::string out = "<td><code>" + html_escaped(definition) + "</code>";
  if (summary) {
    out += "<br>" + html_escaped(html::mean_and_error(*summary, probability)) + "<br><span class=\"note\">90%: [" +
           html_escaped(value_text(summary->p05, probability)) + ", " +
           html_escaped(value_text(summary->p95, probability)) + "]</span>";
  }
  return out + "</td>";
}

std::string attribution_section(const CompareReportData& data, bool probability) {
  const Comparison& c = data.comparison;
  std::string out = "<h2 id=\"attribution\">Which changes make the difference</h2>\n";
  if (c.attribution.empty()) {
    out += "<p class=\"note\">No changed node can affect " + html_escaped(c.output) + ": the difference is 0.</p>\n";
  } else {
    out += "<p class=\"note\">" +
           html_escaped(fmt::format(
               "Shapley values ({}): each change's average effect over every order in which the changes could be "
               "applied to A one by one, on the same random numbers ({} hybrid models evaluated). The shares add "
               "up to B \u2212 A exactly. The chart starts at A's mean, adds the shares from the largest |share| "
               "down and ends at B's mean; whiskers (where the error is not 0) are 95% intervals (\u00b11.96 standard "
               "errors{}).",
               c.exact ? "exact" : fmt::format("sampled over {} permutations", c.permutations), c.hybrids,
               c.exact ? ", Monte Carlo" : ", Monte Carlo and permutation sampling")) +
           "</p>\n";
  }
  const double residue = rounding_residue(c);
  std::vector<svg::WaterfallStep> steps;
  for (const Change& change : c.attribution) {
    const double error =
        std::isfinite(change.share_stderr) && change.share_stderr > residue ? 1.96 * change.share_stderr : 0.0;
    steps.push_back({change.name, change.share, error});
  }
  svg::ChartOptions options;
  options.width = 760;
  options.percent = probability;
  options.title = "From A's mean of " + c.output + " to B's: the Shapley share of each change";
  options.x_label = "mean of " + c.output;
  out += "<div class=\"chart\">" +
         svg::waterfall_chart(c.mean_a, "A: " + c.model_a, steps, "B: " + c.model_b, options) + "</div>\n";
  if (!c.attribution.empty()) {
    out += "<table><tr><th class=\"num\">#</th><th>change</th><th>nodes</th><th class=\"num\">share \u00b1 s.e.</th>"
           "<th class=\"num\">of B \u2212 A</th><th class=\"num\">running total</th><th>why grouped</th></tr>\n";
    out += "<tr><td></td><td>A: " + html_escaped(c.model_a) + "</td><td></td><td></td><td></td><td class=\"num\">" +
           html_escaped(value_text(c.mean_a, probability)) + "</td><td></td></tr>\n";
    double level = c.mean_a;
    for (std::size_t i = 0; i < c.attribution.size(); ++i) {
      const Change& change = c.attribution[i];
      level += change.share;
      std::string nodes;
      for (const std::string& node : change.nodes) nodes += (nodes.empty() ? "" : ", ") + node;
      const std::string fraction =
          c.difference != 0 && std::isfinite(c.difference) ? fmt::format("{:.1f}%", 100 * change.share / c.difference) : "";
      out += fmt::format("<tr><td class=\"num\">{}</td><td><b>{}</b></td><td>{}</td><td class=\"num\">{} \u00b1 {}</td>"
                         "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                         i + 1, html_escaped(change.name), html_escaped(nodes),
                         html_escaped(difference_text(change.share, probability)),
                         html_escaped(error_text(change.share_stderr, probability, residue)), html_escaped(fraction),
                         html_escaped(value_text(level, probability)), html_escaped(change.reason));
    }
    out += "<tr><td></td><td>B: " + html_escaped(c.model_b) + "</td><td></td><td class=\"num\">" +
           html_escaped(difference_text(c.difference, probability)) + " \u00b1 " +
           html_escaped(error_text(c.difference_stderr, probability, rounding_residue(c))) + "</td><td class=\"num\">100%</td><td class=\"num\">" +
           html_escaped(value_text(c.mean_b, probability)) + "</td><td></td></tr>\n</table>\n";
  }
  if (!c.irrelevant_changes.empty()) {
    std::string names;
    for (const std::string& name : c.irrelevant_changes) names += (names.empty() ? "" : ", ") + name;
    out += "<p class=\"note\">Changed but unable to affect " + html_escaped(c.output) + " (share 0): " +
           html_escaped(names) + ".</p>\n";
  }
  return out;
}

std::string nodes_section(const CompareReportData& data) {
  const Comparison& c = data.comparison;
  std::string out = "<h2 id=\"nodes\">Every node in A and B</h2>\n";
  out += "<p class=\"note\">Nodes matched by name, A's order first, then the nodes only in B. Changed rows are "
         "highlighted; each cell gives the definition, the mean \u00b1 Monte Carlo standard error and the 90% "
         "interval from a run of that model with the same samples and seed.</p>\n";
  out += "<table><tr><th>node</th><th>label</th><th>status</th><th>in A: " + html_escaped(c.model_a) +
         "</th><th>in B: " + html_escaped(c.model_b) + "</th><th class=\"num\">B \u2212 A of the mean</th></tr>\n";
  for (const NodeComparison& node : c.nodes) {
    const bool probability = node_is_probability(data, node);
    const Node* in_a = find_node(data.model_a, node.name);
    const Node* in_b = find_node(data.model_b, node.name);
    std::string label = in_a ? in_a->info.label : "";
    if (in_b && in_b->info.label != label) label += (label.empty() ? "" : " / B: ") + in_b->info.label;
    const bool irrelevant = std::find(c.irrelevant_changes.begin(), c.irrelevant_changes.end(), node.name) !=
                            c.irrelevant_changes.end();
    const std::string status = !node.in_b   ? "only in A"
                               : !node.in_a ? "only in B"
                               : !node.changed ? "unchanged"
                               : irrelevant    ? "changed (cannot affect the output)"
                                               : "changed";
    const std::string difference =
        node.a && node.b ? difference_text(node.b->mean - node.a->mean, probability) : std::string();
    out += std::string(node.changed ? "<tr class=\"changed\">" : "<tr>") + "<td><b>" + html_escaped(node.name) +
           "</b></td><td>" + html_escaped(label) + "</td><td>" + html_escaped(status) + "</td>" +
           summary_cell(node.a, node.in_a, node.definition_a, probability) +
           summary_cell(node.b, node.in_b, node.definition_b, probability) + "<td class=\"num\">" +
           html_escaped(difference) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string compare_html(const CompareReportData& data) {
  const Comparison& c = data.comparison;
  const bool probability = c.mean_a >= 0 && c.mean_a <= 1 && c.mean_b >= 0 && c.mean_b <= 1;
  const std::string title_a = model_title(data.model_a, c.model_a);
  const std::string title_b = model_title(data.model_b, c.model_b);
  std::string out = html::page_start(title_a + " vs " + title_b + " \u2014 pdoom comparison");
  out += "<header id=\"summary\">\n<h1>" + html_escaped(title_a) + " <span class=\"note\">vs</span> " +
         html_escaped(title_b) + "</h1>\n";
  out += "<p class=\"meta\">A: model <code>" + html_escaped(c.model_a) + "</code> &#183; B: model <code>" +
         html_escaped(c.model_b) + "</code> &#183; compared on <b>" + html_escaped(c.output) + "</b></p>\n";
  out += "<p class=\"meta\">" +
         html_escaped(fmt::format("{} samples, seed {}, common random numbers; {} Shapley values over {} hybrid models",
                                  c.samples, c.seed, c.exact ? "exact" : "sampled", c.hybrids)) +
         "</p>\n</header>\n";
  out += "<section id=\"difference\">\n<h2>The difference</h2>\n<div class=\"headline\">";
  out += html::stat_box(value_text(c.mean_a, probability) + " \u00b1 " + value_text(c.stderr_a, probability),
                        "mean of " + c.output + " in A (" + c.model_a + ")");
  out += html::stat_box(value_text(c.mean_b, probability) + " \u00b1 " + value_text(c.stderr_b, probability),
                        "mean of " + c.output + " in B (" + c.model_b + ")");
  out += html::stat_box(difference_text(c.difference, probability) + " \u00b1 " + error_text(c.difference_stderr, probability, rounding_residue(c)),
                        "B \u2212 A \u00b1 Monte Carlo standard error (paired)");
  out += "</div>\n";
  if (!c.attribution.empty()) {
    const Change& largest = c.attribution.front();
    out += "<div class=\"gap\">" +
           html_escaped(fmt::format("The largest share of B \u2212 A comes from {}: {}{}.", largest.name,
                                    difference_text(largest.share, probability),
                                    c.difference != 0 && std::isfinite(c.difference)
                                        ? fmt::format(" of {} ({:.0f}%)", difference_text(c.difference, probability),
                                                      100 * largest.share / c.difference)
                                        : std::string())) +
           "</div>\n";
  }
  out += "</section>\n<section>\n" + attribution_section(data, probability) + "</section>\n";
  out += "<section>\n" + nodes_section(data) + "</section>\n";
  if (!c.notes.empty()) {
    out += "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n";
    for (const std::string& note : c.notes) out += "<li>" + html_escaped(note) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
  out += html::page_end("Generated by " + data.generator +
                        ". Both models and every hybrid run on the same random numbers (per-node streams), so the "
                        "shares are exact up to the sample. The same files, seed and options reproduce these "
                        "numbers exactly.");
  return out;
}

}  // namespace pdoom
