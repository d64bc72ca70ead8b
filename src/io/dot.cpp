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
    if (!word.empty()) line += (line.empty() ? "" : " ") + std::string(word);
    if (end < text.size() && text[end] == '\n' && !line.empty()) {
      lines.push_back(std::move(line));
      line.clear();
    }
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string shortened(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

std::string quoted(std::string_view text) { return "\"" + dot_escaped(text) + "\""; }

// The distribution in words when its parameters are constants, else as written with what it depends on.
std::string distribution_text(const DistributionCall& call) {
  try {
    if (const std::optional<Distribution> constant = constant_distribution(call)) {
      return call.to_string() + ": " + describe_in_words(*constant);
    }
  } catch (const Error&) {
    // An invalid distribution is validate()'s business; the drawing shows it as written.
  }
  return call.to_string();
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
      for (std::string& line : wrapped(distribution_text(*node.distribution), wrap_width)) {
        lines.push_back(std::move(line));
      }
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
