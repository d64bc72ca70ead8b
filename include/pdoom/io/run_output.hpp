#pragma once
// Run results for programs (the JSON contract of `pdoom run` in DESIGN.md, and CSV of kept samples)
// and for people (a terminal table, outputs first).

#include "pdoom/sample/run.hpp"

#include <cstddef>
#include <ostream>
#include <span>
#include <string>

namespace pdoom {

/// The run as JSON: {"model", "samples", "seed", "design", "scenario": NAME|null, "outputs": {NODE: SUMMARY},
/// "nodes": {NODE: SUMMARY}} with SUMMARY = {"mean", "sd", "stderr", "min", "max", "p01", "p05", "p25",
/// "p50", "p75", "p95", "p99"} (the contract), plus: per SUMMARY "count", "at_median" (the value with every
/// input at its median) and "exceedance" ({THRESHOLD: P(node > THRESHOLD)}); at the top "samples_requested",
/// "partial", "block_size", "summaries" ("exact" or "streaming"), "quantile_relative_error" (0 when exact),
/// "thresholds", and "correlations" ([{"first", "second", "target", "implemented", "achieved"}]) with
/// "correlations_repaired". Nodes in model order, outputs in the model's output order; NaN is written as
/// null. Indented with two spaces, ending in a newline.
[[nodiscard]] std::string run_json(const RunResult& result);

/// Several runs of one model side by side (run_scenarios): {"model", "samples", "seed", "design",
/// "runs": [RUN, ...]} where each RUN is run_json's object (base model first, "scenario": null), and
/// "differences": {SCENARIO: {OUTPUT: mean - base mean}} (exact differences: common random numbers).
/// @throws Error if `results` is empty.
[[nodiscard]] std::string scenarios_json(std::span<const RunResult> results);

/// Writes the kept samples as CSV: a header of node names, then one row per sample, every value with
/// the shortest text that reads back to the same double.  @throws Error if the result kept no samples.
void write_samples_csv(std::ostream& out, const RunResult& result);

/// The run for people: a heading, the outputs (mean ± standard error, median, 90% interval, P(> t),
/// value at the inputs' medians), then every node (mean, sd, 5%, 50%, 95%), then notes (streaming
/// bound, partial run, correlations). Probabilities are shown as percentages.
[[nodiscard]] std::string run_text(const RunResult& result);

/// run_text in pieces, for pages composed around them (the terminal summary of `pdoom run`).
struct RunTextParts {
  std::string heading;  ///< "MODEL: N samples, design D, seed S, base model" and a newline
  std::string outputs;  ///< the outputs table
  std::string nodes;    ///< the every-node table
  std::string notes;    ///< notes (streaming bound, Sobol error, correlations), "" when there are none
};

/// The pieces run_text joins (with blank lines between them).
[[nodiscard]] RunTextParts run_text_parts(const RunResult& result);

/// Several runs side by side: one row per output and run, with the difference from the base model.
/// @throws Error if `results` is empty.
[[nodiscard]] std::string scenarios_text(std::span<const RunResult> results);

}  // namespace pdoom
