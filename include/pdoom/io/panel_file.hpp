#pragma once
// Panel files (TOML): a model structure and several forecasters' values for its nodes.
//
//   [panel]
//   name = "xpt-2022"                  # optional
//   model = "structure.toml"           # required, relative to the panel file
//   output = "doom"                    # optional: the node compared (default: the model's first output)
//   description = "..."                # optional
//
//   [[forecasters]]
//   name = "superforecasters"
//   values = { timelines = "0.65", alignment_hard = "beta_ci(0.2, 0.5)", power_seeking = 0.4 }

#include "pdoom/audit/panel.hpp"
#include "pdoom/model/validate.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

/// Loads a panel file and the model it names; warnings (unknown keys, the model's own) go to `warnings`.
/// @throws ModelError("FILE:LINE:COL: message") for an unreadable file, TOML syntax, wrong types, a missing
/// key, a value that is neither a number nor a distribution, a node the model lacks, duplicate forecaster
/// names, or an invalid model.
[[nodiscard]] Panel load_panel(const std::filesystem::path& path, std::vector<Diagnostic>* warnings = nullptr);

/// As load_panel from text; a relative model path is resolved against `directory`.
[[nodiscard]] Panel parse_panel(std::string_view text, std::string file_name, const std::filesystem::path& directory,
                                std::vector<Diagnostic>* warnings = nullptr);

}  // namespace pdoom
