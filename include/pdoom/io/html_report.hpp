#pragma once
// The self-contained HTML report: one file with inline CSS and SVG charts, no scripts, no external URLs,
// readable offline and printable. What `pdoom report` and `pdoom run --html` write.

#include "pdoom/model/model.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/sample/run.hpp"
#include "pdoom/sensitivity/analysis.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pdoom {

/// Everything a report shows. Only `model` and `run` are required; empty parts leave their section
/// with a short note saying why it is empty.
struct ReportData {
  Model model;
  /// The main run. Histograms and CDFs need its kept samples (RunOptions::keep_samples); without them
  /// the CDF is drawn through the summary's quantiles and the histogram is left out.
  RunResult run;
  /// Sensitivity of the outputs (one report per output analysed; tornado, rank and Sobol as available).
  std::vector<SensitivityReport> sensitivity;
  /// The base model and every scenario on the same random numbers (run_scenarios), when it has any.
  std::vector<RunResult> scenarios;
  /// Warnings to show (model lints, repaired correlations, ...).
  std::vector<std::string> warnings;
  /// Who wrote the file, e.g. "pdoom 0.1.0".
  std::string generator = "pdoom";
};

/// How make_report_data analyses a model beyond the main run.
struct ReportOptions {
  std::uint64_t seed = default_seed;
  unsigned threads = 0;
  /// Samples per evaluation set of the tornado and rank analyses.
  std::uint64_t sensitivity_samples = std::uint64_t{1} << 13;
  /// Sobol indices when the output's inputs are uncorrelated (base samples below; 0 leaves them out).
  std::uint64_t sobol_samples = std::uint64_t{1} << 12;
  /// Samples per scenario run (0 leaves scenarios out).
  std::uint64_t scenario_samples = 20000;
};

/// The report data of a model and its main run: tornado and rank (and Sobol when the inputs are
/// uncorrelated and options.sobol_samples > 0) of every output, and the scenarios' runs when the model
/// has scenarios. @throws as run(), tornado_analysis, rank_analysis and sobol_analysis.
[[nodiscard]] ReportData make_report_data(const Model& model, RunResult run, const ReportOptions& options = {});

/// The HTML document. Every text from the model is HTML-escaped; the only URLs in it are the SVG
/// namespace. @throws Error if the run has no node of an output the model names.
[[nodiscard]] std::string html_report(const ReportData& data);

/// The one-sentence reading of the gap between the mean and the output at the inputs' medians (after
/// Sandberg, Drexler and Ord 2018). `probability` formats the values as percentages.
[[nodiscard]] std::string median_gap_sentence(double mean, double at_medians, bool probability);

/// `text` with &, <, >, " and ' replaced by entities.
[[nodiscard]] std::string html_escaped(std::string_view text);

}  // namespace pdoom
