// The TOML model writer: the documented layout, in declaration order, with exact numbers.

#include "pdoom/io/model_file.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace pdoom {

namespace {

bool is_bare_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string toml_key(std::string_view key) { return is_bare_key(key) ? std::string(key) : toml_quoted(key); }

// Shortest text that reads back to the same double, always with a float's syntax.
std::string toml_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

void escape_into(std::string& out, char c, bool keep_newline) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    case '\n': out += keep_newline ? "\n" : "\\n"; return;
    default: break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7f) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(byte));
    out += buffer;
  } else {
    out += c;
  }
}

// Text with line breaks reads best as a multi-line basic string; its first newline right after the
// opening quotes is dropped by TOML, so the text starts on the next line.
std::string toml_text(std::string_view text) {
  if (text.find('\n') == std::string_view::npos) return toml_quoted(text);
  std::string out = "\"\"\"\n";
  for (const char c : text) escape_into(out, c, true);
  out += "\"\"\"";
  return out;
}

std::string toml_strings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? ", " : "") + toml_quoted(values[i]);
  return out + "]";
}

void write_line(std::string& out, std::string_view key, const std::string& value) {
  out += key;
  out += " = ";
  out += value;
  out += '\n';
}

void write_node_body(std::string& out, const Node& node) {
  if (!node.info.label.empty()) write_line(out, "label", toml_text(node.info.label));
  if (node.distribution) write_line(out, "dist", toml_quoted(node.distribution->to_string()));
  if (node.expression) write_line(out, "expr", toml_quoted(node.expression->to_string()));
  if (!node.info.unit.empty()) write_line(out, "unit", toml_quoted(node.info.unit));
  if (!node.info.groups.empty()) write_line(out, "groups", toml_strings(node.info.groups));
  if (!node.info.rationale.empty()) write_line(out, "rationale", toml_text(node.info.rationale));
  if (!node.info.source.empty()) write_line(out, "source", toml_text(node.info.source));
}

}  // namespace

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) escape_into(out, c, false);
  out += '"';
  return out;
}

std::string write_model(const Model& model) {
  std::string out = "[model]\n";
  write_line(out, "name", toml_quoted(model.name));
  if (!model.title.empty()) write_line(out, "title", toml_text(model.title));
  if (!model.description.empty()) write_line(out, "description", toml_text(model.description));
  if (!model.authors.empty()) write_line(out, "authors", toml_strings(model.authors));
  if (!model.sources.empty()) write_line(out, "sources", toml_strings(model.sources));
  write_line(out, "outputs", toml_strings(model.outputs));
  if (model.claimed) write_line(out, "claimed", toml_number(*model.claimed));

  for (const Node& node : model.nodes()) {
    out += "\n[nodes." + toml_key(node.name) + "]\n";
    write_node_body(out, node);
  }
  for (const Scenario& scenario : model.scenarios) {
    const std::string prefix = "scenarios." + toml_key(scenario.name);
    out += "\n[" + prefix + "]\n";
    if (!scenario.description.empty()) write_line(out, "description", toml_text(scenario.description));
    for (const Node& change : scenario.overrides) {
      out += "\n[" + prefix + ".nodes." + toml_key(change.name) + "]\n";
      write_node_body(out, change);
    }
  }
  for (const Correlation& correlation : model.correlations) {
    out += "\n[[correlations]]\n";
    write_line(out, "nodes", toml_strings({correlation.first, correlation.second}));
    write_line(out, "rank", toml_number(correlation.rank_correlation));
  }
  return out;
}

}  // namespace pdoom
