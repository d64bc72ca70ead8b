#pragma once
// Private to the sample layer: formulas split into parts by the inputs they depend on.
//
// In a recombined design (Sobol's A_B^i) one input changes and everything else repeats an earlier
// evaluation. A node that mixes changed and unchanged inputs must be recomputed, but inside its
// formula a costly subexpression of the unchanged inputs alone (sin(x2) in the Ishigami function) need
// not be: as a part with a column of its own, it is taken from the earlier evaluation. Only whole
// subtrees become parts, so the operations and their order, and hence every bit of the result, are
// those of the unsplit formula.

#include "pdoom/expr/expression.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdoom::sample_detail {

/// A subexpression evaluated as a column of its own.
struct FormulaPart {
  std::string name;                  ///< "#k": never a valid node name, so it cannot clash with one
  Expression expression;             ///< refers to nodes and to earlier parts
  std::vector<std::size_t> inputs;   ///< the inputs it depends on, ascending positions
};

/// Splits formulas into parts, sharing equal parts between formulas.
class FormulaSplitter {
 public:
  /// The ascending input positions that the node called `name` depends on (itself, for an input).
  using InputsOf = std::function<std::vector<std::size_t>(std::string_view)>;

  explicit FormulaSplitter(InputsOf inputs_of);

  /// `formula` with each costly subexpression that depends on a non-empty proper subset of its
  /// parent's inputs replaced by a reference to a part (recursively: parts are split too). New parts
  /// are appended to parts().
  [[nodiscard]] Expression split(const Expression& formula);

  /// Every part made so far, each after the parts it refers to.
  [[nodiscard]] const std::vector<FormulaPart>& parts() const noexcept { return parts_; }

 private:
  struct Rewritten {
    Expression expression;
    double cost = 0;  // of the work left inline, in units of one addition per sample
  };

  const std::vector<std::size_t>& inputs_of(const Expression& expression);
  Rewritten rewrite(const Expression& expression, const std::vector<std::size_t>& inputs);
  std::string part_for(const Expression& expression, const std::vector<std::size_t>& inputs);

  InputsOf node_inputs_;
  std::vector<FormulaPart> parts_;
  std::map<const void*, std::vector<std::size_t>> inputs_memo_;
  std::map<std::pair<const void*, std::vector<std::size_t>>, Rewritten> rewrite_memo_;
};

}  // namespace pdoom::sample_detail
