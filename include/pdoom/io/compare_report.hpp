#pragma once
// The comparison as a self-contained HTML page in the style of the run report: the two means and their
// difference, a waterfall chart of the Shapley attribution from A's mean to B's, and the node table.
// What `pdoom compare --html` writes.

#include "pdoom/audit/compare.hpp"
#include "pdoom/model/model.hpp"

#include <optional>
#include <string>

namespace pdoom {

/// Everything the comparison page shows. Only `comparison` is required; the models, when given, add
/// their titles and the nodes' labels (they should be the models that were compared).
struct CompareReportData {
  Comparison comparison;
  std::optional<Model> model_a;
  std::optional<Model> model_b;
  /// Who wrote the file, e.g. "pdoom 0.1.0".
  std::string generator = "pdoom";
};

/// The HTML document: headline (A's mean, B's mean, B - A, each with its Monte Carlo standard error);
/// the waterfall chart (A's mean, one bar per change in the order of comparison.attribution, i.e. by
/// decreasing |share|, with 95% error bars where a share's standard error is not 0, ending at B's mean)
/// and the same changes as a table; irrelevant changes; the node table (every node's summary in A and B,
/// changed or not, nodes in one model only); the notes. Every text is HTML-escaped; no scripts and no URLs
/// except the SVG namespace.
[[nodiscard]] std::string compare_html(const CompareReportData& data);

}  // namespace pdoom
