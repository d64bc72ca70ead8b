#pragma once
// Output of the audit layer for programs (JSON) and for people (terminal tables with bars):
// `pdoom compare` and `pdoom panel`.

#include "pdoom/audit/compare.hpp"
#include "pdoom/audit/panel.hpp"

#include <string>

namespace pdoom {

/// The comparison as JSON (DESIGN.md's contract): {"output", "a": {"model", "mean"}, "b": {"model",
/// "mean"}, "difference", "attribution": {CHANGE: SHARE}, "nodes": {NODE: {"a": SUMMARY|null,
/// "b": SUMMARY|null, "changed"}}}, plus "difference_stderr", "a"/"b" "stderr", "samples", "seed",
/// "exact", "permutations", "hybrids", "changes": [{"name", "nodes", "share", "stderr", "reason"}] (by
/// decreasing |share|: what a waterfall chart draws, from A's mean to B's), per node "definition_a",
/// "definition_b", "in_a", "in_b", "irrelevant_changes" and "notes". SUMMARY as in `run`'s JSON; NaN is
/// null. Two-space indentation, ending in a newline.
[[nodiscard]] std::string compare_json(const Comparison& comparison);

/// The comparison for people: the two means and the difference with its standard error, then the
/// attribution sorted by |share| with bars, then the changed nodes with both definitions.
[[nodiscard]] std::string compare_text(const Comparison& comparison);

/// The panel as JSON: {"panel", "model", "output", "samples", "seed", "premises": [NODE...],
/// "forecasters": [{"name", "mean", "stderr", "premises": {NODE: MEAN}}], "aggregates": {NAME:
/// {"of_outputs", "of_premises", "premises": {NODE: VALUE}}}, "disagreement": {"scale", "variance",
/// "exact", "premises": {NODE: {"share", "fraction", "stderr"}}}, "notes"}.
[[nodiscard]] std::string panel_json(const PanelResult& panel);

/// The panel for people: forecasters with bars, aggregates (of outputs vs of premises), and the premises
/// that explain the disagreement.
[[nodiscard]] std::string panel_text(const PanelResult& panel);

}  // namespace pdoom
