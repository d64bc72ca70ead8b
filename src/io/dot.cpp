// Graphviz DOT output of a scenario graph.

#include "pdoom/io/dot.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/html_report.hpp"
#include "pdoom/io/svg.hpp"
#include "pdoom/io/terminal.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/sample/run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace pdoom {

namespace {

constexpr std::size_t wrap_width = 40;
constexpr std::size_t formula_width = 80;

// Breaks text into lines of about `width` characters at spaces, for labels that stay narrow.
std::vector<std::string> wrapped(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!word.empty()) {
      if (!line.empty()) line += ' ';
      line += word;
    }
    if (end < text.size() && text[end] == '\n' && !line.empty()) {
      lines.push_back(std::move(line));
      line.clear();
    }
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string shortened(const std::string& text, std::size_t width) { return abbreviated(text, width - 3); }

std::string quoted(std::string_view text) {
  std::string out = "\"";  // appended piecewise: `"x" + string` trips GCC 12's false -Wrestrict
  out += dot_escaped(text);
  out += '"';
  return out;
}

// The call as written, then (when its parameters are constants) the distribution in words.
std::vector<std::string> distribution_lines(const DistributionCall& call) {
  std::vector<std::string> lines{shortened(call.to_string(), formula_width)};
  try {
    if (const std::optional<Distribution> constant = constant_distribution(call)) {
      for (std::string& line : wrapped(describe_in_words(*constant), wrap_width)) lines.push_back(std::move(line));
    }
  } catch (const Error&) {
    // An invalid distribution is validate()'s business; the drawing shows it as written.
  }
  return lines;
}

// ColorBrewer "Oranges", 9 classes (Cynthia Brewer, colorbrewer2.org): light to dark.
constexpr std::array<std::array<int, 3>, 9> oranges = {{{0xff, 0xf5, 0xeb},
                                                        {0xfe, 0xe6, 0xce},
                                                        {0xfd, 0xd0, 0xa2},
                                                        {0xfd, 0xae, 0x6b},
                                                        {0xfd, 0x8d, 0x3c},
                                                        {0xf1, 0x69, 0x13},
                                                        {0xd9, 0x48, 0x01},
                                                        {0xa6, 0x36, 0x03},
                                                        {0x7f, 0x27, 0x04}}};

// Above this influence the fill is dark enough that black text is hard to read.
constexpr double white_text_from = 0.65;

// The legend: the colour scale in five steps and what it measures, as an HTML-like label.
std::string legend(const GraphAnnotations& annotations) {
  std::string cells;
  for (const double v : {0.0, 0.2, 0.4, 0.6, 0.8, 1.0}) {
    const std::string text = fmt::format("{:.1f}", v);
    cells += "<td bgcolor=\"" + influence_colour(v) + "\">" +
             (v >= white_text_from ? "<font color=\"white\">" + text + "</font>" : text) + "</td>";
  }
  std::string caption = "fill: influence on " + html_escaped(annotations.output) +
                        " = |Spearman rank correlation|";
  if (!annotations.provenance.empty()) caption += "<br/>" + html_escaped(annotations.provenance);
  caption += "<br/>double outline: " + html_escaped(annotations.output) + "; unfilled: does not feed it, or fixed";
  std::string out = "  \"pdoom legend\" [shape=plaintext, label=<<table border=\"0\" cellborder=\"1\" "
                    "cellspacing=\"0\" cellpadding=\"4\"><tr><td colspan=\"6\">";
  out += caption;
  out += "</td></tr><tr>";
  out += cells;
  out += "</tr></table>>];\n";
  return out;
}

std::string draw(const Model& model, const GraphAnnotations* annotations) {
  const std::set<std::string> outputs(model.outputs.begin(), model.outputs.end());
  std::string out = "digraph " + quoted(model.name.empty() ? "model" : model.name) + " {\n";
  out += "  graph [rankdir=LR, fontname=\"Helvetica\"";
  if (!model.title.empty()) out += ", label=" + quoted(model.title) + ", labelloc=t";
  out += "];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=11];\n";
  out += "  edge [color=\"#555555\"];\n\n";

  for (const Node& node : model.nodes()) {
    std::vector<std::string> lines{node.name};
    for (std::string& line : wrapped(node.info.label, wrap_width)) lines.push_back(std::move(line));
    std::string shape;
    std::string style;
    bool in_words = false;
    if (node.distribution) {
      shape = "ellipse";
      const std::vector<std::string> described = distribution_lines(*node.distribution);
      in_words = described.size() > 1;
      lines.insert(lines.end(), described.begin(), described.end());
    } else {
      shape = "box";
      style = "rounded";
      if (node.expression) lines.push_back("= " + shortened(node.expression->to_string(), formula_width));
    }
    const double* correlation = nullptr;
    if (annotations != nullptr) {
      const auto summary = annotations->summary.find(node.name);
      if (summary != annotations->summary.end() && !in_words) lines.push_back(summary->second);
      const auto found = annotations->correlation.find(node.name);
      if (found != annotations->correlation.end()) {
        correlation = &found->second;
        const double shown = std::abs(found->second) < 0.005 ? 0.0 : found->second;  // no "-0.00"
        lines.push_back(fmt::format("rho {:+.2f} with {}", shown, annotations->output));
      }
    }
    std::string label;
    for (std::size_t i = 0; i < lines.size(); ++i) label += (i > 0 ? "\n" : "") + lines[i];
    out += "  " + quoted(node.name) + " [shape=" + shape + ", label=" + quoted(label);
    const bool shaded_output = annotations != nullptr && node.name == annotations->output;
    if (shaded_output) {
      // The node everything is measured against.
      out += ", peripheries=2";
    }
    if (correlation != nullptr) {
      const double influence = std::abs(*correlation);
      style += style.empty() ? "filled" : ",filled";
      out += ", fillcolor=\"" + influence_colour(influence) + "\"";
      if (influence >= white_text_from) out += ", fontcolor=\"white\"";
    }
    if (outputs.contains(node.name)) {
      style += ",bold";
      out += ", penwidth=2";
      if (correlation == nullptr) {
        style += ",filled";
        out += ", fillcolor=\"#f4cccc\"";
      }
    }
    if (!style.empty() && style.front() == ',') style.erase(0, 1);
    if (!style.empty()) out += ", style=" + quoted(style);
    out += "];\n";
  }
  if (annotations != nullptr) out += legend(*annotations);

  out += "\n";
  for (const Node& node : model.nodes()) {
    for (const std::string& parent : node.parents()) {
      if (model.find(parent) != nullptr) out += "  " + quoted(parent) + " -> " + quoted(node.name) + ";\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace

std::string dot_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string to_dot(const Model& model) { return draw(model, nullptr); }

std::string to_dot(const Model& model, const GraphAnnotations& annotations) {
  for (const auto& [name, rho] : annotations.correlation) {
    if (!(rho >= -1 && rho <= 1)) throw Error(fmt::format("to_dot: the correlation of '{}' is not in [-1, 1]", name));
  }
  return draw(model, &annotations);
}

std::string influence_colour(double influence) {
  const double v = std::isnan(influence) ? 0.0 : std::clamp(influence, 0.0, 1.0);
  const double position = v * static_cast<double>(oranges.size() - 1);
  const auto lower = std::min(static_cast<std::size_t>(position), oranges.size() - 2);
  const double f = position - static_cast<double>(lower);
  std::array<int, 3> rgb{};
  for (std::size_t k = 0; k < 3; ++k) {
    rgb[k] = static_cast<int>(std::lround((1 - f) * oranges[lower][k] + f * oranges[lower + 1][k]));
  }
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

GraphAnnotations graph_annotations(const Model& model, const RunResult& result, std::string_view output) {
  if (!result.values) throw Error("graph_annotations: the run kept no samples");
  const Graph graph(model);
  const auto node = graph.index(output);
  const auto output_column = result.column(output);
  if (!node || !output_column) throw Error(fmt::format("graph_annotations: no node '{}'", output));
  GraphAnnotations annotations;
  annotations.output = std::string(output);
  const auto varies = [&result](std::size_t column) {
    return result.summaries[column].min < result.summaries[column].max;
  };
  if (varies(*output_column)) {
    std::vector<std::size_t> columns;
    for (const std::size_t upstream : graph.upstream(*node)) {
      const auto column = result.column(model.nodes()[upstream].name);
      if (column && *column != *output_column && varies(*column)) columns.push_back(*column);
    }
    for (const RankEntry& entry : drivers_from_samples(result, *output_column, columns).inputs) {
      annotations.correlation[entry.input] = std::clamp(entry.spearman, -1.0, 1.0);
    }
  }
  for (std::size_t c = 0; c < result.node_names.size(); ++c) {
    const Summary& s = result.summaries[c];
    const bool probability = c < result.probability.size() && result.probability[c];
    const auto show = [probability](double x) { return probability ? svg::short_percent(x) : svg::short_number(x); };
    annotations.summary[result.node_names[c]] =
        fmt::format("median {}, 90% in [{}, {}]", show(s.p50), show(s.p05), show(s.p95));
  }
  return annotations;
}

}  // namespace pdoom
