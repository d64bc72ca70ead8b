#pragma once
// Sensitivity results for programs (the JSON of DESIGN.md) and for people (ranked tables with bars).

#include "pdoom/sensitivity/analysis.hpp"

#include <cstddef>
#include <string>

namespace pdoom {

/// The report as JSON: {"model", "output", "scenario", "seed", "samples", then "tornado", "rank" and
/// "sobol" for the methods that ran, and "notes"}. Inputs appear in ranked order. Sobol entries carry
/// "S1", "S1_conf" (half-width of the interval), "S1_low", "S1_high" and the same for "ST". Indented
/// with two spaces, ending in a newline.
[[nodiscard]] std::string sensitivity_json(const SensitivityReport& report);

/// How the terminal tables are drawn.
struct SensitivityTextStyle {
  bool unicode = true;         ///< block characters for bars; '#' and '|' otherwise
  std::size_t bar_width = 24;  ///< characters of the longest bar
};

/// The report as ranked tables with bars: tornado (low and high bars around the baseline), rank
/// correlations, Sobol indices with intervals and the sum of first-order indices; then the notes.
[[nodiscard]] std::string sensitivity_text(const SensitivityReport& report, const SensitivityTextStyle& style = {});

}  // namespace pdoom
