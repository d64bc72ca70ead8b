// Means, variances and descriptions for people.
#include "state.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace pdoom {
namespace {

using State = Distribution::State;
using detail::format_short;

struct Moments {
  double mean;
  double variance;
};

Moments moments_of(const State& s);

// E[g(X)] = integral over z of g(Q(Phi(z))) phi(z): the normal-score substitution hands each quantile
// evaluation both tail probabilities exactly, and the integrand dies off like phi(z) at both ends.
template <class G>
double expect_over_scores(const State& s, const G& g) {
  const auto integrand = [&](double z) {
    const detail::Tails t = detail::normal_tails(z);
    const double density = 0.3989422804014326779 * std::exp(-0.5 * z * z);
    return g(detail::exact_quantile(s, t.lower, t.upper)) * density;
  };
  // Beyond |z| = 38 the normal density underflows.
  return detail::integrate(integrand, -38.0, 38.0, 1e-12);
}

Moments numeric_moments(const State& s) {
  const double mean = expect_over_scores(s, [](double x) { return x; });
  const double variance = expect_over_scores(s, [mean](double x) { return (x - mean) * (x - mean); });
  return {mean, variance};
}

Moments discrete_truncated(const State& s);

Moments compute(const State& s) {
  const double* a = s.parameters.data();
  switch (s.family) {
    case Family::point: return {a[0], 0};
    case Family::uniform: return {0.5 * (a[0] + a[1]), (a[1] - a[0]) * (a[1] - a[0]) / 12};
    case Family::loguniform: {
      // Mean in closed form; the variance by quadrature, since E[X^2] - mean^2 cancels when b/a is near 1.
      const double span = std::log(a[1] / a[0]);
      const double mean = (a[1] - a[0]) / span;
      const auto deviation = [&](double u) {
        const double d = a[0] * std::exp(u * span) - mean;
        return d * d;
      };
      return {mean, detail::integrate(deviation, 0.0, 1.0, 1e-13)};
    }
    case Family::normal: return {a[0], a[1] * a[1]};
    case Family::lognormal: {
      const double s2 = a[1] * a[1];
      return {std::exp(a[0] + 0.5 * s2), std::expm1(s2) * std::exp(2 * a[0] + s2)};
    }
    case Family::beta: {
      const double total = a[0] + a[1];
      return {a[0] / total, a[0] * a[1] / (total * total * (total + 1))};
    }
    case Family::logitnormal: {
      // No closed form: integrate against the normal density of the log-odds.
      const auto at = [&](double z) { return 1 / (1 + std::exp(-(a[0] + a[1] * z))); };
      const auto weight = [](double z) { return 0.3989422804014326779 * std::exp(-0.5 * z * z); };
      const double mean = detail::integrate([&](double z) { return at(z) * weight(z); }, -38.0, 38.0, 1e-13);
      const double variance = detail::integrate(
          [&](double z) {
            const double d = at(z) - mean;
            return d * d * weight(z);
          },
          -38.0, 38.0, 1e-13);
      return {mean, variance};
    }
    case Family::triangular: {
      const double x = a[0], m = a[1], y = a[2];
      return {(x + m + y) / 3, (x * x + m * m + y * y - x * m - x * y - m * y) / 18};
    }
    case Family::pert: {
      const double range = a[2] - a[0];
      const double alpha = s.beta.a, beta = s.beta.b, total = alpha + beta;
      return {a[0] + range * alpha / total, range * range * alpha * beta / (total * total * (total + 1))};
    }
    case Family::gamma: return {a[0] * a[1], a[0] * a[1] * a[1]};
    case Family::bernoulli: return {a[0], a[0] * (1 - a[0])};
    case Family::empirical: {
      double mean = 0;
      for (const double v : s.values) mean += v;
      mean /= static_cast<double>(s.values.size());
      double variance = 0;
      for (const double v : s.values) variance += (v - mean) * (v - mean);
      return {mean, variance / static_cast<double>(s.values.size())};
    }
    case Family::mixture: {
      // Law of total variance, summed without the cancellation of E[X^2] - E[X]^2.
      double mean = 0;
      std::vector<Moments> parts;
      for (std::size_t k = 0; k < s.components.size(); ++k) {
        parts.push_back(s.values[k] > 0 ? moments_of(s.components[k].state()) : Moments{0, 0});
        mean += s.values[k] * parts.back().mean;
      }
      double variance = 0;
      for (std::size_t k = 0; k < s.components.size(); ++k) {
        if (s.values[k] == 0) continue;
        const double d = parts[k].mean - mean;
        variance += s.values[k] * (parts[k].variance + d * d);
      }
      return {mean, variance};
    }
    case Family::truncated: {
      const State& base = s.components[0].state();
      const double lo = s.parameters[0], hi = s.parameters[1];
      if (base.family == Family::uniform) {
        const double x = std::max(lo, base.parameters[0]), y = std::min(hi, base.parameters[1]);
        return {0.5 * (x + y), (y - x) * (y - x) / 12};
      }
      if (base.family == Family::mixture) {
        // A truncated mixture is the mixture of the truncated components, reweighted by their mass.
        std::vector<double> weights;
        std::vector<Distribution> parts;
        for (std::size_t k = 0; k < base.components.size(); ++k) {
          if (base.values[k] == 0) continue;
          const State& c = base.components[k].state();
          const double mass = detail::tails(c, hi, true).lower - detail::tails(c, lo, false).lower;
          if (!(mass > 0)) continue;
          weights.push_back(base.values[k] * mass);
          parts.push_back(truncated(base.components[k], lo, hi));
        }
        return moments_of(mixture(std::move(weights), std::move(parts)).state());
      }
      if (detail::is_discrete_part(s)) return discrete_truncated(s);
      return numeric_moments(s);
    }
  }
  return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
}

// Truncations of point, bernoulli and empirical (mixtures were split above): sum over the atoms.
Moments discrete_truncated(const State& s) {
  const State& base = s.components[0].state();
  const double lo = s.parameters[0], hi = s.parameters[1];
  std::vector<double> atoms;
  std::vector<double> weights;
  if (base.family == Family::point) return {base.parameters[0], 0};
  if (base.family == Family::bernoulli) {
    const double pi = base.parameters[0];
    if (lo <= 0 && 0 <= hi) atoms.push_back(0), weights.push_back(1 - pi);
    if (lo <= 1 && 1 <= hi) atoms.push_back(1), weights.push_back(pi);
  } else if (base.family == Family::empirical) {
    for (const double v : base.values) {
      if (v >= lo && v <= hi) atoms.push_back(v), weights.push_back(1);
    }
  } else if (base.family == Family::truncated) {
    // truncated(truncated(d, l1, h1), l2, h2) is truncated(d, max(l1, l2), min(h1, h2)).
    return moments_of(truncated(base.components[0], std::max(lo, base.parameters[0]), std::min(hi, base.parameters[1])).state());
  } else {
    return numeric_moments(s);
  }
  double total = 0, mean = 0;
  for (std::size_t i = 0; i < atoms.size(); ++i) total += weights[i], mean += weights[i] * atoms[i];
  mean /= total;
  double variance = 0;
  for (std::size_t i = 0; i < atoms.size(); ++i) variance += weights[i] * (atoms[i] - mean) * (atoms[i] - mean);
  return {mean, variance / total};
}

Moments moments_of(const State& s) {
  std::call_once(s.moments_once, [&] {
    const Moments m = compute(s);
    s.mean = m.mean;
    s.variance = std::max(m.variance, 0.0);
  });
  return {s.mean, s.variance};
}

// The family and parameters, rounded for people: "beta(2.31, 4.02)".
std::string canonical_text(const State& s) {
  std::string text(family_name(s.family));
  text += '(';
  if (s.family == Family::mixture) {
    for (std::size_t k = 0; k < s.components.size(); ++k) {
      if (k > 0) text += ", ";
      text += format_short(s.values[k]) + ", " + canonical_text(s.components[k].state());
    }
  } else if (s.family == Family::truncated) {
    text += canonical_text(s.components[0].state()) + ", " + format_short(s.parameters[0]) + ", " + format_short(s.parameters[1]);
  } else if (s.family == Family::empirical) {
    text += std::to_string(s.values.size()) + (s.values.size() == 1 ? " value" : " values");
  } else {
    for (std::size_t i = 0; i < s.parameter_count; ++i) {
      if (i > 0) text += ", ";
      text += format_short(s.parameters[i]);
    }
  }
  return text + ')';
}

std::string percent(double x) {
  // Two significant digits, or enough to show how far from 100% a value near it is.
  const double value = 100 * x;
  if (value > 90 && value < 100) {
    // Enough decimals to show the gap to 100% to one significant digit (99.9%, 99.95%); the gap is
    // rounded to that digit first, so 0.0999999 counts as 0.1.
    char rounded[32];
    std::snprintf(rounded, sizeof rounded, "%.0e", 100 - value);
    const double gap = std::strtod(rounded, nullptr);
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(gap) + 1e-9)));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return std::string(buffer) + "%";
  }
  if (value >= 10) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return std::string(buffer) + "%";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2g", value);
  return std::string(buffer) + "%";
}

}  // namespace

double mean(const Distribution& d) { return moments_of(d.state()).mean; }

double variance(const Distribution& d) { return moments_of(d.state()).variance; }

std::string describe(const Distribution& d) {
  const State& s = d.state();
  std::string text = canonical_text(s);
  // Show the constructor call too when it says something the canonical form does not (beta_ci, normal_ci, ...).
  const std::string_view family = family_name(s.family);
  const std::string_view written = s.written();
  const bool same_constructor = written.substr(0, written.find('(')) == family;
  if (!same_constructor && s.family != Family::mixture && s.family != Family::truncated) text = s.written() + " = " + text;
  text += ": mean " + format_short(mean(d)) + ", 90% CI [" + format_short(quantile(d, 0.05)) + ", " +
          format_short(quantile(d, 0.95)) + "]";
  return text;
}

std::string describe_in_words(const Distribution& d) {
  const double low = quantile(d, 0.05), high = quantile(d, 0.95);
  const bool probability = is_probability(d);
  const auto show = [&](double x) { return probability ? percent(x) : format_short(x); };
  if (low == high) return "exactly " + show(low);
  return "between " + show(low) + " and " + show(high) + ", 90% credible";
}

}  // namespace pdoom
