// The TOML model loader: toml++ gives each value's line and column; every error carries them.

#include "pdoom/io/model_file.hpp"

#include "pdoom/expr/parser.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>
#include <utility>

namespace pdoom {

namespace {

constexpr std::array<std::string_view, 4> root_keys = {"model", "nodes", "scenarios", "correlations"};
constexpr std::array<std::string_view, 7> model_keys = {"name",    "title",   "description", "authors",
                                                        "sources", "outputs", "claimed"};
constexpr std::array<std::string_view, 7> node_keys = {"label", "dist", "expr", "unit", "groups", "rationale",
                                                       "source"};
constexpr std::array<std::string_view, 2> scenario_keys = {"description", "nodes"};
constexpr std::array<std::string_view, 2> correlation_keys = {"nodes", "rank"};

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "floating-point number";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

// toml++ says "Error while parsing key-value pair: cannot redefine existing string 'dist'"; the
// cause reads better first: "cannot redefine existing string 'dist' (while parsing key-value pair)".
std::string syntax_message(std::string_view description) {
  constexpr std::string_view lead = "Error while parsing ";
  const std::size_t colon = description.find(": ");
  if (!description.starts_with(lead) || colon == std::string_view::npos) return std::string(description);
  const std::string_view context = description.substr(lead.size(), colon - lead.size());
  return std::string(description.substr(colon + 2)) + " (while parsing " + std::string(context) + ")";
}

// A name as it may appear in a message: hostile files can hold megabyte-long keys.
std::string shown(std::string_view name) { return abbreviated(name); }

class Reader {
 public:
  Reader(std::string_view text, std::string file, std::vector<Diagnostic>* warnings)
      : text_(text), file_(std::move(file)), warnings_(warnings) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  Model read() {
    toml::table root;
    try {
      root = toml::parse(text_, std::string_view(file_));
    } catch (const toml::parse_error& failure) {
      fail(at(failure.source()), "invalid TOML: " + syntax_message(failure.description()));
    }
    check_keys(root, root_keys, "the file", "");

    const toml::node* model_node = root.get("model");
    if (model_node == nullptr) {
      fail(SourceLocation{file_, 1, 1}, "missing [model] table: a model file needs [model] with 'name' and 'outputs'");
    }
    Model model;
    read_model_table(table_of(*model_node, "model", "the file"), model);

    const toml::node* nodes_node = root.get("nodes");
    if (nodes_node == nullptr || (nodes_node->is_table() && nodes_node->as_table()->empty())) {
      fail(nodes_node ? at(*nodes_node) : model.location, "the model has no nodes: add [nodes.NAME] tables");
    }
    for (const auto& [name, value] : in_declaration_order(table_of(*nodes_node, "nodes", "the file"))) {
      Node node = read_node(name, *value, false, "node '" + shown(name) + "'");
      model.add(std::move(node));  // rejects invalid names with the node's location
    }

    if (const toml::node* scenarios = root.get("scenarios")) {
      for (const auto& [name, value] : in_declaration_order(table_of(*scenarios, "scenarios", "the file"))) {
        model.scenarios.push_back(read_scenario(name, *value));
      }
    }
    if (const toml::node* correlations = root.get("correlations")) {
      const toml::array* list = correlations->as_array();
      if (list == nullptr) {
        fail(at(*correlations),
             "'correlations' must be an array of tables ([[correlations]]), got " + type_name(*correlations));
      }
      for (const toml::node& entry : *list) model.correlations.push_back(read_correlation(entry));
    }
    return model;
  }

 private:
  SourceLocation at(const toml::source_region& region) const {
    return SourceLocation{file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  SourceLocation at(const toml::node& node) const { return at(node.source()); }

  [[noreturn]] void fail(SourceLocation location, std::string message) const {
    throw ModelError(std::move(location), std::move(message));
  }

  void warn(SourceLocation location, std::string node, std::string message) const {
    if (warnings_ != nullptr) {
      warnings_->push_back({Diagnostic::Severity::warning, std::move(location), std::move(node), std::move(message)});
    }
  }

  // The text of a 1-based line, without its newline.
  std::string_view line_text(std::size_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    const std::size_t begin = line_starts_[line - 1];
    const std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    return text_.substr(begin, end - begin);
  }

  // Where the text of a string value starts: one column after a single-line string's quote. A
  // multi-line string's text does not map onto one line's columns, so only its line is given.
  SourceLocation text_start(const toml::node& value) const {
    SourceLocation where = at(value);
    const std::string_view line = line_text(static_cast<std::size_t>(where.line));
    const auto column = static_cast<std::size_t>(where.column);
    if (column == 0 || column > line.size()) return where;
    const std::string_view from = line.substr(column - 1);
    if (from.starts_with("\"\"\"") || from.starts_with("'''")) {
      where.column = 0;
    } else if (from.starts_with('"') || from.starts_with('\'')) {
      where.column += 1;
    }
    return where;
  }

  void check_keys(const toml::table& table, std::span<const std::string_view> known, const std::string& owner,
                  const std::string& node) const {
    const std::vector<std::string> candidates(known.begin(), known.end());
    for (const auto& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string message = "unknown key '" + shown(key.str()) + "' in " + owner + "; it is ignored";
      if (const auto closest = closest_name(key.str(), candidates)) {
        message = "unknown key '" + shown(key.str()) + "' in " + owner + "; did you mean '" + *closest + "'?";
      }
      warn(at(key.source()), node, message);
    }
  }

  [[noreturn]] void wrong_type(const toml::node& value, std::string_view key, std::string_view wanted,
                               const std::string& owner) const {
    fail(at(value), "'" + std::string(key) + "' must be " + std::string(wanted) + ", got " + type_name(value) + " (" +
                        owner + ")");
  }

  const toml::table& table_of(const toml::node& value, std::string_view key, const std::string& owner) const {
    if (const toml::table* table = value.as_table()) return *table;
    wrong_type(value, key, "a table", owner);
  }

  std::string string_of(const toml::node& value, std::string_view key, const std::string& owner) const {
    if (const auto* text = value.as_string()) return text->get();
    wrong_type(value, key, "a string", owner);
  }

  double number_of(const toml::node& value, std::string_view key, const std::string& owner) const {
    if (!value.is_number()) wrong_type(value, key, "a number", owner);
    const double number = value.value<double>().value_or(0.0);
    if (!std::isfinite(number)) fail(at(value), "'" + std::string(key) + "' must be finite (" + owner + ")");
    return number;
  }

  std::vector<std::string> strings_of(const toml::node& value, std::string_view key, const std::string& owner,
                                      std::vector<SourceLocation>* locations = nullptr) const {
    const toml::array* list = value.as_array();
    if (list == nullptr) wrong_type(value, key, "an array of strings", owner);
    std::vector<std::string> result;
    for (const toml::node& element : *list) {
      if (!element.is_string()) {
        fail(at(element), "'" + std::string(key) + "' must be an array of strings, got an element of type " +
                              type_name(element) + " (" + owner + ")");
      }
      result.push_back(element.as_string()->get());
      if (locations != nullptr) locations->push_back(text_start(element));
    }
    return result;
  }

  // A table's entries in the order they were written (toml++ keeps them sorted by key).
  static std::vector<std::pair<std::string, const toml::node*>> in_declaration_order(const toml::table& table) {
    std::vector<std::pair<std::string, const toml::node*>> entries;
    std::vector<std::pair<std::uint64_t, std::size_t>> keys;
    for (const auto& [key, value] : table) {
      const toml::source_position where = key.source().begin;
      keys.emplace_back((static_cast<std::uint64_t>(where.line) << 32) | where.column, entries.size());
      entries.emplace_back(std::string(key.str()), &value);
    }
    std::stable_sort(keys.begin(), keys.end());
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    ordered.reserve(entries.size());
    for (const auto& [position, index] : keys) ordered.push_back(std::move(entries[index]));
    return ordered;
  }

  void read_model_table(const toml::table& table, Model& model) const {
    const std::string owner = "[model]";
    check_keys(table, model_keys, owner, "");
    model.location = at(table);
    const toml::node* name = table.get("name");
    if (name == nullptr) fail(model.location, "[model] needs a 'name' ([a-z0-9_-]+)");
    model.name = string_of(*name, "name", owner);
    if (!is_valid_model_name(model.name)) {
      fail(text_start(*name), "invalid model name '" + shown(model.name) + "': model names are [a-z0-9_-]+");
    }
    if (const toml::node* title = table.get("title")) model.title = string_of(*title, "title", owner);
    if (const toml::node* text = table.get("description")) model.description = string_of(*text, "description", owner);
    if (const toml::node* authors = table.get("authors")) model.authors = strings_of(*authors, "authors", owner);
    if (const toml::node* sources = table.get("sources")) model.sources = strings_of(*sources, "sources", owner);
    const toml::node* outputs = table.get("outputs");
    if (outputs == nullptr) fail(model.location, "[model] needs 'outputs': the nodes reported as results");
    model.outputs = strings_of(*outputs, "outputs", owner, &model.output_locations);
    if (model.outputs.empty()) fail(at(*outputs), "'outputs' is empty: name at least one node");
    if (const toml::node* claimed = table.get("claimed")) {
      const double value = number_of(*claimed, "claimed", owner);
      if (value < 0 || value > 1) fail(at(*claimed), "'claimed' must lie in [0, 1], got " + std::to_string(value));
      model.claimed = value;
    }
  }

  Node read_node(const std::string& name, const toml::node& value, bool is_override, const std::string& owner) const {
    const toml::table* table = value.as_table();
    if (table == nullptr) {
      fail(at(value), owner + " must be a table with 'dist' or 'expr', got " + type_name(value));
    }
    check_keys(*table, node_keys, owner, name);
    Node node;
    node.name = name;
    node.location = at(*table);
    if (node.location.line == 0) node.location = at(value);
    if (const toml::node* field = table->get("label")) node.info.label = string_of(*field, "label", owner);
    if (const toml::node* field = table->get("rationale")) node.info.rationale = string_of(*field, "rationale", owner);
    if (const toml::node* field = table->get("source")) node.info.source = string_of(*field, "source", owner);
    if (const toml::node* field = table->get("unit")) node.info.unit = string_of(*field, "unit", owner);
    if (const toml::node* field = table->get("groups")) node.info.groups = strings_of(*field, "groups", owner);

    const toml::node* dist = table->get("dist");
    const toml::node* expr = table->get("expr");
    const std::string what = is_override ? "the override of '" + shown(name) + "'" : "node '" + shown(name) + "'";
    if (dist != nullptr && expr != nullptr) {
      fail(node.location,
           what + " has both 'dist' and 'expr': an input has a distribution, a derived node an expression");
    }
    if (dist == nullptr && expr == nullptr && !is_override) {
      fail(node.location, what + " has neither 'dist' (an input) nor 'expr' (a derived node)");
    }
    if (dist != nullptr) {
      if (!dist->is_string()) wrong_type(*dist, "dist", "a string such as \"beta_ci(0.1, 0.5)\"", owner);
      node.kind = NodeKind::input;
      node.definition = text_start(*dist);
      try {
        node.distribution = parse_distribution(dist->as_string()->get());
      } catch (const ExpressionError& failure) {
        fail(location_in_definition(node, failure.column()), "distribution of '" + shown(name) + "': " + failure.message());
      }
    }
    if (expr != nullptr) {
      node.kind = NodeKind::derived;
      node.definition = text_start(*expr);
      if (expr->is_number()) {
        // A plain number is accepted as the constant expression it obviously means.
        node.expression = Expression(number_of(*expr, "expr", owner));
      } else if (expr->is_string()) {
        try {
          node.expression = parse_expression(expr->as_string()->get());
        } catch (const ExpressionError& failure) {
          fail(location_in_definition(node, failure.column()), "expression of '" + shown(name) + "': " + failure.message());
        }
      } else {
        wrong_type(*expr, "expr", "a string or a number", owner);
      }
    }
    return node;
  }

  Scenario read_scenario(const std::string& name, const toml::node& value) const {
    const std::string owner = "scenario '" + shown(name) + "'";
    const toml::table& table = table_of(value, name, "scenarios");
    check_keys(table, scenario_keys, owner, "");
    Scenario scenario;
    scenario.name = name;
    scenario.location = at(table);
    if (const toml::node* text = table.get("description")) scenario.description = string_of(*text, "description", owner);
    if (const toml::node* nodes = table.get("nodes")) {
      for (const auto& [node_name, node_value] : in_declaration_order(table_of(*nodes, "nodes", owner))) {
        scenario.overrides.push_back(read_node(
            node_name, *node_value, true, "the override of '" + shown(node_name) + "' in " + owner));
      }
    }
    return scenario;
  }

  Correlation read_correlation(const toml::node& value) const {
    const std::string owner = "a correlation";
    const toml::table* table = value.as_table();
    if (table == nullptr) {
      fail(at(value), "each entry of 'correlations' must be a table with 'nodes' and 'rank', got " + type_name(value));
    }
    check_keys(*table, correlation_keys, owner, "");
    Correlation correlation;
    correlation.location = at(*table);
    const toml::node* nodes = table->get("nodes");
    if (nodes == nullptr) fail(correlation.location, "a correlation needs 'nodes = [\"a\", \"b\"]'");
    const std::vector<std::string> names = strings_of(*nodes, "nodes", owner);
    if (names.size() != 2) {
      fail(at(*nodes), "a correlation's 'nodes' must name exactly two nodes, got " + std::to_string(names.size()));
    }
    correlation.first = names[0];
    correlation.second = names[1];
    const toml::node* rank = table->get("rank");
    if (rank == nullptr) fail(correlation.location, "a correlation needs 'rank', a Spearman rank correlation in [-1, 1]");
    correlation.rank_correlation = number_of(*rank, "rank", owner);
    return correlation;
  }

  std::string_view text_;
  std::string file_;
  std::vector<Diagnostic>* warnings_;
  std::vector<std::size_t> line_starts_;
};

std::string read_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw ModelError(SourceLocation{name, 0, 0}, "cannot read model file: no such file");
  }
  if (std::filesystem::is_directory(status)) {
    throw ModelError(SourceLocation{name, 0, 0}, "cannot read model file: it is a directory");
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw ModelError(SourceLocation{name, 0, 0}, std::string("cannot read model file: ") + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << stream.rdbuf();
  if (stream.bad()) {
    throw ModelError(SourceLocation{name, 0, 0}, std::string("cannot read model file: ") + std::strerror(errno));
  }
  return std::move(contents).str();
}

void keep_warnings(std::vector<Diagnostic>& found, std::vector<Diagnostic>* warnings) {
  if (warnings == nullptr) return;
  for (Diagnostic& diagnostic : found) {
    if (diagnostic.severity == Diagnostic::Severity::warning) warnings->push_back(std::move(diagnostic));
  }
}

}  // namespace

Model read_model_text(std::string_view text, std::string file_name, std::vector<Diagnostic>* warnings) {
  return Reader(text, std::move(file_name), warnings).read();
}

Model read_model(const std::filesystem::path& path, std::vector<Diagnostic>* warnings) {
  const std::string text = read_file(path);
  return read_model_text(text, path.string(), warnings);
}

Model parse_model(std::string_view text, std::string file_name, std::vector<Diagnostic>* warnings) {
  std::vector<Diagnostic> found;
  Model model = read_model_text(text, std::move(file_name), &found);
  std::vector<Diagnostic> checks = require_valid(model);
  found.insert(found.end(), std::make_move_iterator(checks.begin()), std::make_move_iterator(checks.end()));
  keep_warnings(found, warnings);
  return model;
}

Model load_model(const std::filesystem::path& path, std::vector<Diagnostic>* warnings) {
  const std::string text = read_file(path);
  return parse_model(text, path.string(), warnings);
}

}  // namespace pdoom
