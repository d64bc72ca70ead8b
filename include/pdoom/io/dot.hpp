#pragma once
// The scenario graph as Graphviz DOT, for `pdoom graph` and reports.

#include "pdoom/model/model.hpp"

#include <string>
#include <string_view>

namespace pdoom {

/// The model as a DOT digraph: inputs as ellipses (name, label, the distribution in words), derived nodes
/// as boxes (name, label, formula), outputs drawn bold and filled, edges from each node to the nodes
/// that use it. References to unknown nodes are left out, so it also draws models that do not validate.
[[nodiscard]] std::string to_dot(const Model& model);

/// `text` inside a DOT double-quoted string: quotes and backslashes escaped, line breaks as "\n".
[[nodiscard]] std::string dot_escaped(std::string_view text);

}  // namespace pdoom
