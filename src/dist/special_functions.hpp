#pragma once
// Special functions behind the distribution families (private to src/dist). Every quantile takes the
// pair (p, q) with p + q = 1 and works from the smaller one, so that upper tails keep full relative
// precision: quantile(1 - 1e-15) is asked as q = 1e-15, never as a rounded p.

namespace pdoom::detail {

/// P(X <= x) and P(X > x), each to full relative precision (neither computed as 1 - the other when small).
struct Tails {
  double lower;
  double upper;
};

// ---- standard normal ----

/// Phi^-1: Wichura's AS 241 (relative error about 1e-16); p + q = 1, p, q in [0, 1].
[[nodiscard]] double normal_quantile(double p, double q) noexcept;
/// (Phi(z), Phi(-z)).
[[nodiscard]] Tails normal_tails(double z) noexcept;

// ---- beta ----

/// Beta(a, b) with its normalising constant computed once.
struct BetaShape {
  double a = 1;
  double b = 1;
  double log_beta = 0;     ///< log B(a, b)
  bool use_series = true;  ///< false: a + b too large for the continued fraction, Boost's ibeta instead
};

/// @pre a > 0, b > 0 and finite.
[[nodiscard]] BetaShape beta_shape(double a, double b) noexcept;
/// (I_x(a, b), 1 - I_x(a, b)).
[[nodiscard]] Tails beta_tails(const BetaShape& shape, double x);
/// The inverse of I_x(a, b): the x with P(X <= x) = p (p <= q) or P(X > x) = q (q < p); agrees with
/// Boost's ibeta_inv to about 1e-15 relative and, unlike Boost 1.74, never throws in the tails.
[[nodiscard]] double beta_quantile(const BetaShape& shape, double p, double q);

// ---- gamma (unit scale) ----

/// (P(shape, x), Q(shape, x)), the regularised incomplete gamma functions.
[[nodiscard]] Tails gamma_tails(double shape, double x);
/// Their inverse in x, from the smaller of p and q.
[[nodiscard]] double gamma_quantile(double shape, double p, double q);

// ---- numerical integration ----

/// A callable double -> double passed by reference without std::function's allocation.
class FunctionRef {
 public:
  template <class F>
  FunctionRef(const F& function) noexcept  // NOLINT(google-explicit-constructor)
      : object_(&function), call_([](const void* object, double x) { return (*static_cast<const F*>(object))(x); }) {}
  double operator()(double x) const { return call_(object_, x); }

 private:
  const void* object_;
  double (*call_)(const void*, double);
};

/// The integral of f over [a, b] (finite) by adaptive Gauss-Kronrod to the given relative tolerance.
[[nodiscard]] double integrate(FunctionRef f, double a, double b, double relative_tolerance);

}  // namespace pdoom::detail
