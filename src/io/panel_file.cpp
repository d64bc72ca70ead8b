// The panel file loader (toml++): every error carries file:line:column.

#include "pdoom/io/panel_file.hpp"

#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/io/model_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace pdoom {

namespace {

constexpr std::array<std::string_view, 2> root_keys = {"panel", "forecasters"};
constexpr std::array<std::string_view, 4> panel_keys = {"name", "model", "output", "description"};
constexpr std::array<std::string_view, 2> forecaster_keys = {"name", "values"};

class PanelReader {
 public:
  PanelReader(std::string_view text, std::string file, std::filesystem::path directory,
              std::vector<Diagnostic>* warnings)
      : text_(text), file_(std::move(file)), directory_(std::move(directory)), warnings_(warnings) {}

  Panel read() {
    toml::table root;
    try {
      root = toml::parse(text_, std::string_view(file_));
    } catch (const toml::parse_error& failure) {
      fail(at(failure.source()), "invalid TOML: " + std::string(failure.description()));
    }
    check_keys(root, root_keys, "the panel file");
    Panel panel;
    panel.location = SourceLocation{file_, 1, 1};
    const toml::node* header = root.get("panel");
    if (header == nullptr) fail(panel.location, "missing [panel] table with model = \"path/to/model.toml\"");
    const toml::table* table = header->as_table();
    if (table == nullptr) fail(at(*header), "'panel' must be a table");
    check_keys(*table, panel_keys, "[panel]");
    panel.location = at(*header);
    if (const toml::node* name = table->get("name")) panel.name = string_of(*name, "name");
    if (const toml::node* text = table->get("description")) panel.description = string_of(*text, "description");
    if (const toml::node* output = table->get("output")) panel.output = string_of(*output, "output");
    const toml::node* model = table->get("model");
    if (model == nullptr) fail(at(*header), "[panel] needs model = \"path/to/model.toml\" (relative to the panel file)");
    std::filesystem::path model_path = string_of(*model, "model");
    if (model_path.is_relative()) model_path = directory_ / model_path;
    if (!std::filesystem::exists(model_path)) {
      fail(text_start(*model), "model file '" + model_path.string() + "' does not exist");
    }
    panel.model = load_model(model_path, warnings_);
    if (!panel.output.empty() && panel.model.find(panel.output) == nullptr) {
      fail(text_start(*table->get("output")),
           "output '" + panel.output + "' is not a node of model '" + panel.model.name + "'");
    }

    const toml::node* forecasters = root.get("forecasters");
    if (forecasters == nullptr) fail(panel.location, "the panel has no [[forecasters]]");
    const toml::array* list = forecasters->as_array();
    if (list == nullptr) fail(at(*forecasters), "'forecasters' must be an array of tables ([[forecasters]])");
    std::set<std::string> names;
    for (const toml::node& entry : *list) {
      Forecaster forecaster = read_forecaster(entry, panel.model);
      if (!names.insert(forecaster.name).second) {
        fail(forecaster.location, "forecaster '" + forecaster.name + "' appears twice");
      }
      panel.forecasters.push_back(std::move(forecaster));
    }
    if (panel.forecasters.empty()) fail(at(*forecasters), "the panel has no forecasters");
    if (panel.name.empty()) panel.name = std::filesystem::path(file_).stem().string();
    return panel;
  }

 private:
  SourceLocation at(const toml::source_region& region) const {
    return SourceLocation{file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  SourceLocation at(const toml::node& node) const { return at(node.source()); }

  [[noreturn]] void fail(SourceLocation location, std::string message) const {
    throw ModelError(std::move(location), std::move(message));
  }

  // Where a one-line string's text starts: one column after its opening quote.
  SourceLocation text_start(const toml::node& value) const {
    SourceLocation where = at(value);
    if (!value.is_string() || where.line <= 0 || where.column <= 0) return where;
    std::size_t offset = 0;
    for (int line = 1; line < where.line && offset < text_.size(); ++line) {
      const std::size_t newline = text_.find('\n', offset);
      if (newline == std::string_view::npos) return where;
      offset = newline + 1;
    }
    offset += static_cast<std::size_t>(where.column - 1);
    if (offset >= text_.size()) return where;
    const std::string_view from = text_.substr(offset);
    if (from.starts_with("\"\"\"") || from.starts_with("'''")) {
      where.column = 0;
    } else if (from.starts_with('"') || from.starts_with('\'')) {
      where.column += 1;
    }
    return where;
  }

  void check_keys(const toml::table& table, std::span<const std::string_view> known, const std::string& owner) const {
    for (const auto& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string message = "unknown key '" + std::string(key.str()) + "' in " + owner + " (ignored)";
      std::vector<std::string> candidates(known.begin(), known.end());
      if (const auto suggestion = closest_name(key.str(), candidates)) message += "; did you mean '" + *suggestion + "'?";
      if (warnings_ != nullptr) {
        warnings_->push_back({Diagnostic::Severity::warning, at(key.source()), "", message});
      }
    }
  }

  std::string string_of(const toml::node& value, std::string_view key) const {
    if (const auto* text = value.as_string()) return text->get();
    fail(at(value), "'" + std::string(key) + "' must be a string");
  }

  // A number is point(x); a string is a distribution call ("beta_ci(0.2, 0.5)") or an expression,
  // which becomes point(expression) ("65%", "0.65").
  DistributionCall read_value(const toml::node& value, const std::string& node, const std::string& who) const {
    if (value.is_number()) {
      DistributionCall call;
      call.constructor = "point";
      call.arguments.push_back({Expression(value.value<double>().value_or(0.0)), nullptr});
      return call;
    }
    if (!value.is_string()) {
      fail(at(value), who + ": the value of '" + node + "' must be a number or a string such as \"beta_ci(0.2, 0.5)\"");
    }
    const std::string text = value.as_string()->get();
    SourceLocation where = text_start(value);
    std::size_t begin = 0;
    while (begin < text.size() && std::isspace(static_cast<unsigned char>(text[begin])) != 0) ++begin;
    std::size_t end = begin;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) ++end;
    std::size_t after = end;
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after])) != 0) ++after;
    const std::string_view word = std::string_view(text).substr(begin, end - begin);
    const auto constructors = distribution_constructors();
    const bool is_call = after < text.size() && text[after] == '(' &&
                         std::find(constructors.begin(), constructors.end(), word) != constructors.end();
    try {
      if (is_call) return parse_distribution(text);
      DistributionCall call;
      call.constructor = "point";
      call.arguments.push_back({parse_expression(text), nullptr});
      return call;
    } catch (const ExpressionError& failure) {
      if (where.column > 0) where.column += failure.column() - 1;
      fail(where, who + ", value of '" + node + "': " + failure.message());
    }
  }

  Forecaster read_forecaster(const toml::node& entry, const Model& model) const {
    const toml::table* table = entry.as_table();
    if (table == nullptr) fail(at(entry), "each [[forecasters]] entry must be a table");
    check_keys(*table, forecaster_keys, "[[forecasters]]");
    Forecaster forecaster;
    forecaster.location = at(entry);
    const toml::node* name = table->get("name");
    if (name == nullptr) fail(forecaster.location, "a forecaster needs name = \"...\"");
    forecaster.name = string_of(*name, "name");
    const std::string who = "forecaster '" + forecaster.name + "'";
    const toml::node* values = table->get("values");
    if (values == nullptr) fail(forecaster.location, who + " has no values = { node = \"distribution\", ... }");
    const toml::table* map = values->as_table();
    if (map == nullptr) fail(at(*values), who + ": 'values' must be a table, e.g. { timelines = \"0.65\" }");
    std::vector<std::pair<toml::source_position, std::string>> order;
    for (const auto& [key, value] : *map) order.emplace_back(key.source().begin, std::string(key.str()));
    std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
      return std::make_pair(x.first.line, x.first.column) < std::make_pair(y.first.line, y.first.column);
    });
    for (const auto& [position, key] : order) {
      const toml::node& value = *map->get(key);
      if (model.find(key) == nullptr) {
        std::vector<std::string> names;
        for (const Node& node : model.nodes()) names.push_back(node.name);
        std::string message = who + " sets '" + key + "', which model '" + model.name + "' does not have";
        if (const auto suggestion = closest_name(key, names)) message += "; did you mean '" + *suggestion + "'?";
        fail(at(value), message);
      }
      forecaster.values.emplace_back(key, read_value(value, key, who));
    }
    return forecaster;
  }

  std::string_view text_;
  std::string file_;
  std::filesystem::path directory_;
  std::vector<Diagnostic>* warnings_;
};

// The messages match the model loader's: "cannot read panel file: no such file" / "it is a directory"
// / the system's reason (a folder opens as an empty stream, so it must be caught before reading).
std::string read_text(const std::filesystem::path& path) {
  const SourceLocation where{path.string(), 0, 0};
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) throw ModelError(where, "cannot read panel file: no such file");
  if (std::filesystem::is_directory(status)) throw ModelError(where, "cannot read panel file: it is a directory");
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw ModelError(where, std::string("cannot read panel file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  if (stream.bad()) throw ModelError(where, std::string("cannot read panel file: ") + std::strerror(errno));
  return buffer.str();
}

}  // namespace

Panel parse_panel(std::string_view text, std::string file_name, const std::filesystem::path& directory,
                  std::vector<Diagnostic>* warnings) {
  return PanelReader(text, std::move(file_name), directory, warnings).read();
}

Panel load_panel(const std::filesystem::path& path, std::vector<Diagnostic>* warnings) {
  const std::string text = read_text(path);
  return parse_panel(text, path.string(), path.parent_path(), warnings);
}

}  // namespace pdoom
