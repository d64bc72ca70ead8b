#pragma once
// The scenario graph as Graphviz DOT, for `pdoom graph` and reports: plain, or annotated from a run
// (nodes shaded by their influence on an output, sampled distributions summarised).

#include "pdoom/model/model.hpp"
#include "pdoom/fwd.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace pdoom {

/// What a run adds to the drawing. The writer only draws these numbers; graph_annotations() makes them.
struct GraphAnnotations {
  /// The node the influence is measured on (named in the legend; drawn with a double outline).
  std::string output;
  /// How the numbers were obtained, for the legend ("20000 samples, seed 20180606").
  std::string provenance;
  /// Node name -> Spearman rank correlation with `output`, in [-1, 1]; the fill shows its absolute
  /// value (influence_colour). Nodes not listed (not upstream of the output, fixed) stay unfilled.
  std::map<std::string, double, std::less<>> correlation;
  /// Node name -> one line on its sampled distribution ("median 4.3%, 90% in [1.2%, 12%]"), shown for
  /// derived nodes and for inputs whose distribution depends on other nodes (the others are in words).
  std::map<std::string, std::string, std::less<>> summary;
};

/// The model as a DOT digraph: inputs as ellipses (name, label, the distribution in words), derived nodes
/// as boxes (name, label, formula), outputs drawn bold and filled, edges from each node to the nodes
/// that use it. References to unknown nodes are left out, so it also draws models that do not validate.
[[nodiscard]] std::string to_dot(const Model& model);

/// to_dot with a run's annotations: each node listed in `annotations.correlation` is filled with
/// influence_colour(|rho|) and its label gains "rho +0.56 with OUTPUT"; summaries are added to labels;
/// `annotations.output` gets a double outline; a legend (a plaintext node "pdoom legend", which no model
/// node can be called) shows the colour scale and the provenance. Outputs other than the shaded one keep
/// their bold outline. @throws Error if a correlation is not a number in [-1, 1].
[[nodiscard]] std::string to_dot(const Model& model, const GraphAnnotations& annotations);

/// The fill for an influence in [0, 1]: ColorBrewer's sequential "Oranges" (9 classes) interpolated
/// linearly in RGB, from #fff5eb at 0 to #7f2704 at 1; darker is more influential. Values outside [0, 1]
/// are clamped. Returns "#rrggbb".
[[nodiscard]] std::string influence_colour(double influence);

/// Annotations from a run that kept samples: the Spearman correlation with `output` of every node upstream
/// of it that varies in the kept samples (inputs and derived nodes; not `output` itself), and for every
/// node its median and 90% interval from the run's summaries (percentages for probability nodes).
/// @throws Error if the run kept no samples, or `output` is not a node of the model and the run.
[[nodiscard]] GraphAnnotations graph_annotations(const Model& model, const RunResult& result,
                                                 std::string_view output);

/// `text` inside a DOT double-quoted string: quotes and backslashes escaped, line breaks as "\n".
[[nodiscard]] std::string dot_escaped(std::string_view text);

}  // namespace pdoom
