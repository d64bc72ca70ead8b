// `pdoom explain`: the model as a readable argument.

#include "pdoom/io/explain.hpp"

#include "pdoom/io/svg.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/model/validate.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace pdoom {

namespace {

// The ranking's entry for `input`, if the output depends on it.
const RankEntry* find_entry(const RankResult& ranking, std::string_view input) {
  for (const RankEntry& entry : ranking.inputs) {
    if (entry.input == input) return &entry;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent) {
  // Paragraphs are separated by blank lines; single line breaks inside one are reflowed as spaces.
  std::vector<std::string> paragraphs{""};
  std::size_t line_start = 0;
  while (line_start <= text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) {
      if (!paragraphs.back().empty()) paragraphs.emplace_back();
    } else {
      if (!paragraphs.back().empty()) paragraphs.back() += ' ';
      paragraphs.back() += line;
    }
    if (line_end == text.size()) break;
    line_start = line_end + 1;
  }
  if (paragraphs.size() > 1 && paragraphs.back().empty()) paragraphs.pop_back();
  std::string out;
  for (std::size_t p = 0; p < paragraphs.size(); ++p) {
    if (p > 0) out += "\n";
    const std::string_view paragraph = paragraphs[p];
    std::string line;
    std::size_t line_columns = 0;
    std::size_t position = 0;
    bool wrote = false;
    while (position < paragraph.size()) {
      std::size_t space = paragraph.find(' ', position);
      if (space == std::string_view::npos) space = paragraph.size();
      const std::string_view word = paragraph.substr(position, space - position);
      position = space + 1;
      if (word.empty()) continue;
      std::size_t word_columns = 0;
      for (const char c : word) word_columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
      if (!line.empty() && indent.size() + line_columns + 1 + word_columns > width) {
        out += std::string(indent) + line + "\n";
        wrote = true;
        line.clear();
        line_columns = 0;
      }
      if (!line.empty()) {
        line += ' ';
        ++line_columns;
      }
      line += word;
      line_columns += word_columns;
    }
    if (!line.empty() || !wrote) out += line.empty() ? "\n" : std::string(indent) + line + "\n";
  }
  return out;
}

std::string distribution_in_words(const Node& node) {
  if (!node.distribution) return {};
  const DistributionCall& call = *node.distribution;
  try {
    if (const std::optional<Distribution> constant = constant_distribution(call)) return describe_in_words(*constant);
  } catch (const Error&) {
    return call.to_string();  // invalid parameters are validate()'s business
  }
  return fmt::format("depends on {}: {}", join(call.variables(), ", "), call.to_string());
}

std::string_view dependence_in_words(double spearman) noexcept {
  const double size = std::abs(spearman);
  if (size >= 0.5) return "strong";
  if (size >= 0.3) return "moderate";
  if (size >= 0.1) return "weak";
  return "negligible";
}

std::string explain_text(const Model& model, std::span<const RankResult> rankings, std::size_t width) {
  std::string out;
  const std::string title = model.title.empty() ? model.name : model.title;
  out += title + "\n" + std::string(std::min<std::size_t>(title.size(), width), '=') + "\n\n";
  if (!model.description.empty()) out += wrap_text(model.description, width) + "\n";
  if (!model.authors.empty()) out += wrap_text("Authors: " + join(model.authors, "; "), width, "");
  if (!model.sources.empty()) {
    out += "Sources:\n";
    for (const std::string& source : model.sources) out += wrap_text("- " + source, width, "    ").replace(0, 4, "  ");
  }
  out += fmt::format("\nOutputs: {}\n", join(model.outputs, ", "));
  if (model.claimed) out += fmt::format("The authors' stated bottom line: {}\n", svg::short_percent(*model.claimed));

  const Graph graph(model);
  out += "\nThe argument, step by step (each node after the ones it uses):\n";
  std::size_t step = 0;
  for (const std::size_t index : graph.order()) {
    const Node& node = model.nodes()[index];
    ++step;
    const bool is_output = std::find(model.outputs.begin(), model.outputs.end(), node.name) != model.outputs.end();
    out += fmt::format("\n{}. {}{}\n", step, node.name, is_output ? "  [output]" : "");
    if (!node.info.label.empty()) out += wrap_text(node.info.label, width, "   ");
    if (node.kind == NodeKind::input && node.distribution) {
      out += wrap_text("Assumption: " + distribution_in_words(node) + "  [" + node.distribution->to_string() + "]",
                       width, "   ");
    } else if (node.expression) {
      out += wrap_text("Computed as: " + node.expression->to_string(), width, "   ");
    }
    if (!node.info.unit.empty()) out += wrap_text("Unit: " + node.info.unit, width, "   ");
    if (!node.info.rationale.empty()) out += wrap_text("Why: " + node.info.rationale, width, "   ");
    if (!node.info.source.empty()) out += wrap_text("Source: " + node.info.source, width, "   ");
    if (node.kind == NodeKind::input) {
      for (const RankResult& ranking : rankings) {
        if (const RankEntry* entry = find_entry(ranking, node.name)) {
          out += wrap_text(fmt::format("Influence on {}: Spearman {:+.2f} ({}{})", ranking.output, entry->spearman,
                                       dependence_in_words(entry->spearman),
                                       entry->spearman == 0 ? "" : entry->spearman > 0 ? ", raises it" : ", lowers it"),
                           width, "   ");
        }
      }
    }
  }
  for (const RankResult& ranking : rankings) {
    if (ranking.inputs.empty()) continue;
    out += fmt::format("\nWhat {} depends on most (Spearman rank correlation, {} samples):\n", ranking.output,
                       ranking.samples);
    std::size_t shown = 0;
    for (const RankEntry& entry : ranking.inputs) {
      if (shown++ == 8) break;
      out += fmt::format("  {:+.2f}  {} ({})\n", entry.spearman, entry.input, dependence_in_words(entry.spearman));
    }
  }
  return out;
}

std::string explain(const Model& model, const ExplainOptions& options) {
  const Model applied = options.scenario.empty() ? model : apply_scenario(model, options.scenario);
  std::vector<RankResult> rankings;
  if (options.samples > 0) {
    for (const std::string& output : applied.outputs) {
      SensitivityOptions sensitivity;
      sensitivity.output = output;
      sensitivity.samples = std::max<std::uint64_t>(options.samples, 3);
      sensitivity.seed = options.seed;
      sensitivity.threads = options.threads;
      rankings.push_back(rank_analysis(applied, sensitivity));
    }
  }
  return explain_text(applied, rankings, options.width);
}

}  // namespace pdoom
