#pragma once
// Model files in TOML (docs/model-format.md): loading with file:line:column in every error, writing
// back to TOML that loads to an equal model.

#include "pdoom/model/model.hpp"
#include "pdoom/model/validate.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Loads and validates a model file; warnings (unknown keys, repaired correlations, ...) are appended
/// to `warnings` when given. @throws ModelError("FILE:LINE:COL: message") for an unreadable file, a TOML
/// syntax error, a wrong value type, an expression error or the first error validate() finds.
[[nodiscard]] Model load_model(const std::filesystem::path& path, std::vector<Diagnostic>* warnings = nullptr);

/// As load_model, from text; `file_name` is used in locations only.
/// @throws ModelError as load_model.
[[nodiscard]] Model parse_model(std::string_view text, std::string file_name,
                                std::vector<Diagnostic>* warnings = nullptr);

/// Reads a model file without validating the graph (names, references, cycles, parameters): for tools
/// that report every problem at once through validate(). @throws ModelError for an unreadable file, TOML
/// syntax, value types, missing required keys and expression syntax.
[[nodiscard]] Model read_model(const std::filesystem::path& path, std::vector<Diagnostic>* warnings = nullptr);

/// As read_model, from text. @throws ModelError as read_model.
[[nodiscard]] Model read_model_text(std::string_view text, std::string file_name,
                                    std::vector<Diagnostic>* warnings = nullptr);

/// The model as TOML in the documented format; load_model of the text gives an equal model (same
/// metadata, nodes in the same order, same expressions and distributions, scenarios, correlations).
[[nodiscard]] std::string write_model(const Model& model);

/// A TOML basic string literal with quotes and every needed escape: "a \"b\"\n" -> "\"a \\\"b\\\"\\n\"".
[[nodiscard]] std::string toml_quoted(std::string_view text);

}  // namespace pdoom
