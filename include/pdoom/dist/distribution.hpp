#pragma once
// The closed set of distribution families as immutable value types. Parameters are validated once,
// at construction; queries are free functions. Boost.Math stays in src/.

#include "pdoom/random/stream.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pdoom {

/// The distribution families. The `*_ci` and `beta_mean` constructors produce one of these.
enum class Family {
  point, uniform, loguniform, normal, lognormal, beta, logitnormal,
  triangular, pert, gamma, bernoulli, mixture, truncated, empirical
};

/// The family's name as written in model files ("logitnormal", "pert", ...).
[[nodiscard]] std::string_view family_name(Family family) noexcept;

/// One probability distribution over the reals. Cheap to copy (shared immutable state).
class Distribution {
 public:
  /// point(0).
  Distribution();

  [[nodiscard]] Family family() const noexcept;
  /// The family's canonical parameters, e.g. (a, b) for beta, (mu, sigma) for lognormal,
  /// (min, mode, max) for triangular and pert, (shape, scale) for gamma, (lo, hi) for truncated.
  [[nodiscard]] std::span<const double> parameters() const noexcept;
  /// Mixture components, or the one base distribution of a truncated; empty otherwise.
  [[nodiscard]] std::span<const Distribution> components() const noexcept;
  /// Mixture weights normalised to sum to 1, or the values of an empirical; empty otherwise.
  [[nodiscard]] std::span<const double> values() const noexcept;
  /// The constructor call that made it, for messages and round-trips: "beta_ci(0.45, 0.8)".
  [[nodiscard]] const std::string& written() const noexcept;

  /// A copy that answers `quantile` through a precomputed table (beta, pert, gamma, lognormal,
  /// logitnormal, loguniform, mixtures and their truncations; about 10 ns per draw), agreeing with the
  /// exact quantile to 1e-9 relative error, or to 1e-12 of the interquartile range where the quantile
  /// crosses zero. Building it costs 1-3 ms (tens for a mixture): worth it when one distribution is
  /// sampled many times. Other families are already as fast and come back unchanged.
  [[nodiscard]] Distribution with_fast_quantile() const;
  /// Whether `quantile` is already fast: a table, or a closed form that needs none.
  [[nodiscard]] bool has_fast_quantile() const noexcept;

  struct State;
  explicit Distribution(std::shared_ptr<const State> state) noexcept;
  [[nodiscard]] const State& state() const noexcept { return *state_; }

 private:
  std::shared_ptr<const State> state_;
};

// ---- constructors; each @throws ParameterError naming the parameter, its value and the rule ----

/// Always x.
[[nodiscard]] Distribution point(double x);
/// Uniform on [a, b], a < b.
[[nodiscard]] Distribution uniform(double a, double b);
/// log x uniform on [log a, log b], 0 < a < b.
[[nodiscard]] Distribution loguniform(double a, double b);
/// Normal with mean and sd > 0.
[[nodiscard]] Distribution normal(double mean, double sd);
/// The normal whose central `level` interval is [lo, hi].
[[nodiscard]] Distribution normal_ci(double lo, double hi, double level = 0.9);
/// exp(normal(mu, sigma)).
[[nodiscard]] Distribution lognormal(double mu, double sigma);
/// The lognormal whose central `level` interval is [lo, hi], 0 < lo < hi.
[[nodiscard]] Distribution lognormal_ci(double lo, double hi, double level = 0.9);
/// Beta(a, b), a, b > 0.
[[nodiscard]] Distribution beta(double a, double b);
/// The beta whose central `level` interval is [lo, hi] to 1e-8; @throws when no beta fits.
[[nodiscard]] Distribution beta_ci(double lo, double hi, double level = 0.9);
/// Beta with the given mean in (0, 1) and concentration a + b > 0.
[[nodiscard]] Distribution beta_mean(double mean, double concentration);
/// logistic(normal(mu, sigma)): a probability whose log-odds are normal.
[[nodiscard]] Distribution logitnormal(double mu, double sigma);
/// The logit-normal whose central `level` interval is [lo, hi], 0 < lo < hi < 1.
[[nodiscard]] Distribution logitnormal_ci(double lo, double hi, double level = 0.9);
/// Triangular on [min, max] with the given mode.
[[nodiscard]] Distribution triangular(double min, double mode, double max);
/// PERT (a scaled beta with shape 4) on [min, max] with the given mode.
[[nodiscard]] Distribution pert(double min, double mode, double max);
/// Gamma with shape > 0 and scale > 0.
[[nodiscard]] Distribution gamma(double shape, double scale);
/// 1 with probability p, else 0.
[[nodiscard]] Distribution bernoulli(double p);
/// Mixture; weights are non-negative with a positive sum and are normalised.
[[nodiscard]] Distribution mixture(std::vector<double> weights, std::vector<Distribution> components);
/// `base` conditioned on [lo, hi]; @throws when the interval has no probability under base.
[[nodiscard]] Distribution truncated(Distribution base, double lo, double hi);
/// Resamples the given finite values with equal weight (e.g. survey answers).
[[nodiscard]] Distribution empirical(std::vector<double> values);

/// An argument of a constructor call: a number or a nested distribution (mixture, truncated).
using DistributionArgument = std::variant<double, Distribution>;

/// Calls the constructor named as in model files ("beta_ci", "mixture", ...) with these arguments.
/// mixture takes (w1, d1, w2, d2, ...); truncated takes (d, lo, hi); empirical takes its values.
/// @throws ParameterError for an unknown name, a wrong number or kind of argument, or bad values.
[[nodiscard]] Distribution make_distribution(std::string_view constructor,
                                             const std::vector<DistributionArgument>& arguments);
/// Quantiles of a distribution whose numeric arguments change from sample to sample (one conditional on
/// other nodes): out[i] = quantile(make_distribution(constructor, {arguments[0][i], arguments[1][i], ...}), p[i]),
/// without building a Distribution per sample (about 0.3 microseconds per beta draw, see docs/performance.md).
/// For every constructor with numeric arguments only; beta_ci solves for its shape per sample, which is slow.
/// @throws ParameterError as the constructor would, for the first sample with invalid arguments; for
/// mixture, truncated and empirical (build those per sample with make_distribution); for mismatched sizes.
void quantile_conditional(std::string_view constructor, std::span<const std::span<const double>> arguments,
                          std::span<const double> p, std::span<double> out);
/// The names make_distribution accepts, in the order of the documentation.
[[nodiscard]] std::span<const std::string_view> distribution_constructors() noexcept;
/// Whether argument i of the constructor is a distribution rather than a number.
[[nodiscard]] bool argument_is_distribution(std::string_view constructor, std::size_t index) noexcept;

// ---- queries ----

/// The p-quantile, p in (0, 1); p at 0 or 1 gives the support's end. Exact (agrees with Boost.Math to
/// about 1e-12) unless d has a fast table, which agrees with the exact value to 1e-9 relative.
/// @throws ParameterError when p is not in [0, 1].
[[nodiscard]] double quantile(const Distribution& d, double p);
/// quantile() over a block: out[i] = quantile(d, p[i]); the family is dispatched once.
void quantile(const Distribution& d, std::span<const double> p, std::span<double> out);
/// P(X <= x).
[[nodiscard]] double cdf(const Distribution& d, double x);
/// One draw: quantile(d, uniform_open(engine)).
[[nodiscard]] double sample(const Distribution& d, Engine& engine);
/// The mean (finite for every family here). Numerical for logitnormal and most truncations (to about
/// 1e-10), computed on first use and cached.
[[nodiscard]] double mean(const Distribution& d);
/// The variance.
[[nodiscard]] double variance(const Distribution& d);
/// The median, quantile(d, 0.5).
[[nodiscard]] double median(const Distribution& d);
/// The smallest closed interval holding all the probability (may be infinite).
[[nodiscard]] std::pair<double, double> support(const Distribution& d);
/// Whether every value lies in [0, 1], so it can be used as a probability.
[[nodiscard]] bool is_probability(const Distribution& d);
/// One line for people: "beta(2.31, 4.02): mean 0.365, 90% CI [0.12, 0.65]".
[[nodiscard]] std::string describe(const Distribution& d);
/// The central 90% interval in words, as percentages for a probability: "between 45% and 80%, 90% credible",
/// "between 0.1 and 3.2, 90% credible", or "exactly 3" for a point.
[[nodiscard]] std::string describe_in_words(const Distribution& d);

}  // namespace pdoom
