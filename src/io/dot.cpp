// Graphviz DOT output of a scenario graph.

#include "pdoom/io/dot.hpp"

#include "pdoom/model/validate.hpp"

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

std::string to_dot(const Model& model) {
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
    if (node.distribution) {
      shape = "ellipse";
      for (std::string& line : distribution_lines(*node.distribution)) lines.push_back(std::move(line));
    } else {
      shape = "box";
      style = "rounded";
      if (node.expression) lines.push_back("= " + shortened(node.expression->to_string(), formula_width));
    }
    std::string label;
    for (std::size_t i = 0; i < lines.size(); ++i) label += (i > 0 ? "\n" : "") + lines[i];
    out += "  " + quoted(node.name) + " [shape=" + shape + ", label=" + quoted(label);
    if (outputs.contains(node.name)) {
      style += style.empty() ? "bold,filled" : ",bold,filled";
      out += ", penwidth=2, fillcolor=\"#f4cccc\"";
    }
    if (!style.empty()) out += ", style=" + quoted(style);
    out += "];\n";
  }

  out += "\n";
  for (const Node& node : model.nodes()) {
    for (const std::string& parent : node.parents()) {
      if (model.find(parent) != nullptr) out += "  " + quoted(parent) + " -> " + quoted(node.name) + ";\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace pdoom
