#pragma once
// The shared immutable state behind pdoom::Distribution, and the internal functions of the dist layer.
// Private to src/dist.

#include "pdoom/dist/distribution.hpp"

#include "quantile_table.hpp"
#include "special_functions.hpp"

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pdoom {

struct Distribution::State {
  Family family = Family::point;
  std::array<double, 3> parameters{};     // canonical parameters, see Distribution::parameters();
                                          // loguniform keeps log(b / a) in the unused third slot
  std::size_t parameter_count = 0;
  std::vector<Distribution> components;   // mixture components, or the base of a truncated
  std::vector<double> values;             // mixture weights (normalised) or empirical values (sorted)

  // The constructor call that made it. Numeric constructors keep their name and arguments and format
  // the text on first use: a conditional distribution is built once per sample and rarely printed.
  std::string_view constructor;           // static storage (the constructor table)
  std::array<double, 3> arguments{};
  std::size_t argument_count = 0;
  bool written_lazy = false;
  mutable std::once_flag written_once;
  mutable std::string written_text;

  detail::BetaShape beta;                 // beta and pert: shape with its normalising constant
  // truncated: the base's probabilities around [lo, hi], each without cancellation
  double below_low = 0;        // P(X < lo)
  double at_or_above_low = 1;  // P(X >= lo)
  double at_or_below_high = 1; // P(X <= hi)
  double above_high = 0;       // P(X > hi)
  double mass = 1;             // P(lo <= X <= hi)

  std::shared_ptr<const detail::QuantileTable> table;  // set by with_fast_quantile for costly families

  // Moments computed on first use: numerical integration (logit-normal, truncated) costs milliseconds,
  // too much for constructors that may run once per sample.
  mutable std::once_flag moments_once;
  mutable double mean = 0;
  mutable double variance = 0;

  State() = default;
  /// A copy with fresh lazy caches (a once_flag cannot be copied); the text is copied formatted.
  State(const State& other);
  State& operator=(const State&) = delete;

  /// The constructor call as text, formatted on first use for numeric constructors.
  [[nodiscard]] const std::string& written() const;
};

namespace detail {

using State = Distribution::State;

/// The quantile of a family with numeric parameters only (not mixture, truncated, empirical); `beta`
/// is the shape of a beta or pert. p + q = 1, the smaller carries the precision.
[[nodiscard]] double simple_quantile(Family family, const double* parameters, const BetaShape& beta, double p, double q);
/// The quantile from first principles (no table): p + q = 1, the smaller carries the precision.
[[nodiscard]] double exact_quantile(const State& s, double p, double q);
/// inclusive: (P(X <= x), P(X > x)); otherwise (P(X < x), P(X >= x)).
[[nodiscard]] Tails tails(const State& s, double x, bool inclusive);
/// Whether the family's exact quantile is costly enough (root finding, inverse special functions)
/// that with_fast_quantile builds a table.
[[nodiscard]] bool wants_table(const State& s) noexcept;
/// Whether the distribution has atoms (point masses).
[[nodiscard]] bool is_discrete_part(const State& s) noexcept;

/// Solves beta_ci: the (a, b) whose central `level` interval is [lo, hi].
/// @throws ParameterError when no beta fits to 1e-8.
void fit_beta_interval(double lo, double hi, double level, double& a, double& b);

/// Shortest text that reads back as the same double ("0.45", "1e-05", "inf").
[[nodiscard]] std::string format_exact(double x);
/// Three significant digits for people ("0.365", "1.2e-05", "4020").
[[nodiscard]] std::string format_short(double x);

}  // namespace detail
}  // namespace pdoom
