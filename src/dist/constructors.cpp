// Distribution constructors: validation (once, here), canonical parameters, the text they were written as.
#include "state.hpp"

#include "pdoom/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

namespace pdoom {
namespace detail {

std::string format_exact(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

std::string format_short(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";
  char buffer[64];
  const double magnitude = std::fabs(x);
  std::string text;
  if (magnitude >= 1e-4 && magnitude < 1e6) {
    const int digits_before = static_cast<int>(std::floor(std::log10(magnitude)));
    const int decimals = std::max(0, 2 - digits_before);
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
    text = buffer;
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2e", x);
    text = buffer;
    const auto e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') != std::string::npos) {
      while (mantissa.back() == '0') mantissa.pop_back();
      if (mantissa.back() == '.') mantissa.pop_back();
    }
    text = mantissa + text.substr(e);
  }
  return text == "-0" ? "0" : text;
}

}  // namespace detail

namespace {

using detail::format_exact;
using State = Distribution::State;

// ---- the constructor names and their arities ----

enum class Constructor {
  point, uniform, loguniform, normal, normal_ci, lognormal, lognormal_ci, beta, beta_ci, beta_mean,
  logitnormal, logitnormal_ci, triangular, pert, gamma, bernoulli, mixture, truncated, empirical
};

constexpr std::array<std::string_view, 19> constructor_names = {
    "point", "uniform", "loguniform", "normal", "normal_ci", "lognormal", "lognormal_ci", "beta", "beta_ci",
    "beta_mean", "logitnormal", "logitnormal_ci", "triangular", "pert", "gamma", "bernoulli", "mixture",
    "truncated", "empirical"};

// Parameter names as used in messages, per constructor.
constexpr std::array<std::array<std::string_view, 3>, 16> parameter_names = {{
    {"x", "", ""},          {"a", "b", ""},          {"a", "b", ""},         {"mean", "sd", ""},
    {"lo", "hi", "level"},  {"mu", "sigma", ""},     {"lo", "hi", "level"},  {"a", "b", ""},
    {"lo", "hi", "level"},  {"mean", "concentration", ""}, {"mu", "sigma", ""}, {"lo", "hi", "level"},
    {"min", "mode", "max"}, {"min", "mode", "max"},  {"shape", "scale", ""}, {"p", "", ""},
}};

struct Arity {
  std::size_t least;
  std::size_t most;
};

constexpr Arity arity(Constructor c) noexcept {
  switch (c) {
    case Constructor::point:
    case Constructor::bernoulli: return {1, 1};
    case Constructor::normal_ci:
    case Constructor::lognormal_ci:
    case Constructor::beta_ci:
    case Constructor::logitnormal_ci: return {2, 3};
    case Constructor::triangular:
    case Constructor::pert:
    case Constructor::truncated: return {3, 3};
    case Constructor::mixture: return {2, std::numeric_limits<std::size_t>::max()};
    case Constructor::empirical: return {1, std::numeric_limits<std::size_t>::max()};
    default: return {2, 2};
  }
}

bool find_constructor(std::string_view name, Constructor& found) noexcept {
  for (std::size_t i = 0; i < constructor_names.size(); ++i) {
    if (constructor_names[i] == name) {
      found = static_cast<Constructor>(i);
      return true;
    }
  }
  return false;
}

std::string_view name_of(Constructor c) noexcept { return constructor_names[static_cast<std::size_t>(c)]; }

// ---- validation ----

[[noreturn]] void fail(std::string message) { throw ParameterError(std::move(message)); }

std::string quoted(std::string_view constructor, std::string_view parameter, double value) {
  return std::string(constructor) + ": " + std::string(parameter) + " (" + format_exact(value) + ")";
}

void require_finite(std::string_view c, std::string_view name, double value) {
  if (!std::isfinite(value)) fail(quoted(c, name, value) + " must be a finite number");
}

void require_positive(std::string_view c, std::string_view name, double value) {
  if (!(value > 0) || !std::isfinite(value)) fail(quoted(c, name, value) + " must be a positive finite number");
}

void require_below(std::string_view c, std::string_view low_name, double low, std::string_view high_name, double high) {
  if (!(low < high)) fail(quoted(c, low_name, low) + " must be below " + std::string(high_name) + " (" + format_exact(high) + ")");
}

// Limits found by fuzz/fuzz_distribution: beta shapes beyond a + b = 1e12 (beta_ci's fit has the same
// bound) make Boost's incomplete beta stall for minutes, gamma shapes beyond 1e10 give NaN quantiles
// (either is a point for any model); triangular and PERT square or scale their range; an interval
// constructor with a level so small that its sd overflows (normal_ci(0, 1e300, 1e-9)) has NaN quantiles.
void require_at_most(std::string_view c, std::string_view name, double value, double limit) {
  if (!(value <= limit)) fail(quoted(c, name, value) + " must be at most " + format_exact(limit));
}

// Shapes below the smallest normal double: Boost's incomplete gamma fails (NaN quantiles and cdf), and
// the beta's continued fraction runs on subnormal arithmetic, 10 s for a quantile table. Such a gamma
// or beta is a point at 0 (or 1) for every probability a double can hold anyway.
void require_at_least(std::string_view c, std::string_view name, double value, double limit) {
  if (!(value >= limit)) fail(quoted(c, name, value) + " must be at least " + format_exact(limit));
}

void require_open_unit(std::string_view c, std::string_view name, double value) {
  if (!(value > 0 && value < 1)) fail(quoted(c, name, value) + " must lie strictly between 0 and 1");
}

// The standard normal deviate bounding a central interval of the given level.
double interval_deviate(double level) {
  const double tail = 0.5 * (1 - level);
  return detail::normal_quantile(1 - tail, tail);
}

double logit(double x) { return std::log(x) - std::log1p(-x); }

// The canonical family and parameters of a constructor with numeric arguments, validated. This is the
// whole of the per-sample work of a conditional distribution, so it allocates nothing.
struct Canonical {
  Family family = Family::point;
  std::array<double, 3> parameters{};
  std::size_t count = 0;
};

Canonical canonical(Constructor c, const double* args, std::size_t n) {
  const std::string_view name = name_of(c);
  const auto& names = parameter_names[static_cast<std::size_t>(c)];
  const auto param = [&](std::size_t i) { return names[i]; };
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(args[i])) fail(quoted(name, param(i), args[i]) + " must be a number");
  }
  const double level = n > 2 ? args[2] : 0.9;
  const auto check_level = [&] {
    if (n > 2) require_open_unit(name, "level", level);
  };
  Canonical out;
  const auto set = [&](Family f, std::initializer_list<double> values) {
    out.family = f;
    out.count = 0;
    for (const double v : values) out.parameters[out.count++] = v;
  };
  switch (c) {
    case Constructor::point:
      require_finite(name, "x", args[0]);
      set(Family::point, {args[0]});
      break;
    case Constructor::uniform:
      require_finite(name, "a", args[0]);
      require_finite(name, "b", args[1]);
      require_below(name, "a", args[0], "b", args[1]);
      set(Family::uniform, {args[0], args[1]});
      break;
    case Constructor::loguniform:
      require_positive(name, "a", args[0]);
      require_positive(name, "b", args[1]);
      require_below(name, "a", args[0], "b", args[1]);
      set(Family::loguniform, {args[0], args[1]});
      out.parameters[2] = std::log(args[1] / args[0]);  // log(b / a), kept beyond the visible parameters
      break;
    case Constructor::normal:
      require_finite(name, "mean", args[0]);
      require_positive(name, "sd", args[1]);
      set(Family::normal, {args[0], args[1]});
      break;
    case Constructor::normal_ci: {
      require_finite(name, "lo", args[0]);
      require_finite(name, "hi", args[1]);
      require_below(name, "lo", args[0], "hi", args[1]);
      require_finite(name, "hi - lo", args[1] - args[0]);
      check_level();
      const double sd = (args[1] - args[0]) / (2 * interval_deviate(level));
      require_finite(name, "implied sd", sd);
      set(Family::normal, {0.5 * args[0] + 0.5 * args[1], sd});
      break;
    }
    case Constructor::lognormal:
      require_finite(name, "mu", args[0]);
      require_positive(name, "sigma", args[1]);
      set(Family::lognormal, {args[0], args[1]});
      break;
    case Constructor::lognormal_ci: {
      require_positive(name, "lo", args[0]);
      require_positive(name, "hi", args[1]);
      require_below(name, "lo", args[0], "hi", args[1]);
      check_level();
      const double log_lo = std::log(args[0]), log_hi = std::log(args[1]);
      const double sigma = (log_hi - log_lo) / (2 * interval_deviate(level));
      require_finite(name, "implied sigma", sigma);
      set(Family::lognormal, {0.5 * (log_lo + log_hi), sigma});
      break;
    }
    case Constructor::beta:
      require_positive(name, "a", args[0]);
      require_positive(name, "b", args[1]);
      require_at_most(name, "a + b", args[0] + args[1], 1e12);
      require_at_least(name, "a", args[0], std::numeric_limits<double>::min());
      require_at_least(name, "b", args[1], std::numeric_limits<double>::min());
      set(Family::beta, {args[0], args[1]});
      break;
    case Constructor::beta_ci: {
      require_open_unit(name, "lo", args[0]);
      require_open_unit(name, "hi", args[1]);
      require_below(name, "lo", args[0], "hi", args[1]);
      check_level();
      double a = 0, b = 0;
      detail::fit_beta_interval(args[0], args[1], level, a, b);
      set(Family::beta, {a, b});
      break;
    }
    case Constructor::beta_mean: {
      require_open_unit(name, "mean", args[0]);
      require_positive(name, "concentration", args[1]);
      require_at_most(name, "concentration", args[1], 1e12);
      const double a = args[0] * args[1], b = (1 - args[0]) * args[1];
      if (!(a >= std::numeric_limits<double>::min()) || !(b >= std::numeric_limits<double>::min())) {
        fail(std::string(name) + ": mean (" + format_exact(args[0]) + ") and concentration (" + format_exact(args[1]) +
             ") give a shape that underflows below " + format_exact(std::numeric_limits<double>::min()));
      }
      set(Family::beta, {a, b});
      break;
    }
    case Constructor::logitnormal:
      require_finite(name, "mu", args[0]);
      require_positive(name, "sigma", args[1]);
      set(Family::logitnormal, {args[0], args[1]});
      break;
    case Constructor::logitnormal_ci: {
      require_open_unit(name, "lo", args[0]);
      require_open_unit(name, "hi", args[1]);
      require_below(name, "lo", args[0], "hi", args[1]);
      check_level();
      const double low = logit(args[0]), high = logit(args[1]);
      const double sigma = (high - low) / (2 * interval_deviate(level));
      require_finite(name, "implied sigma", sigma);
      set(Family::logitnormal, {0.5 * (low + high), sigma});
      break;
    }
    case Constructor::triangular:
    case Constructor::pert: {
      require_finite(name, "min", args[0]);
      require_finite(name, "mode", args[1]);
      require_finite(name, "max", args[2]);
      require_below(name, "min", args[0], "max", args[2]);
      require_at_most(name, "max - min", args[2] - args[0], 1e150);
      if (!(args[1] >= args[0] && args[1] <= args[2])) {
        fail(quoted(name, "mode", args[1]) + " must lie in [min, max] = [" + format_exact(args[0]) + ", " +
             format_exact(args[2]) + "]");
      }
      set(c == Constructor::pert ? Family::pert : Family::triangular, {args[0], args[1], args[2]});
      break;
    }
    case Constructor::gamma:
      require_positive(name, "shape", args[0]);
      require_at_most(name, "shape", args[0], 1e10);
      require_at_least(name, "shape", args[0], std::numeric_limits<double>::min());
      require_positive(name, "scale", args[1]);
      set(Family::gamma, {args[0], args[1]});
      break;
    case Constructor::bernoulli:
      if (!(args[0] >= 0 && args[0] <= 1)) fail(quoted(name, "p", args[0]) + " must lie in [0, 1]");
      set(Family::bernoulli, {args[0]});
      break;
    default:
      fail(std::string(name) + " takes distributions or a list of values, not numeric parameters alone");
  }
  return out;
}

detail::BetaShape pert_shape(double min, double mode, double max) {
  const double range = max - min;
  return detail::beta_shape(1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range);
}

std::string call_text(std::string_view name, const double* args, std::size_t n) {
  std::string text(name);
  text += '(';
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) text += ", ";
    text += format_exact(args[i]);
  }
  text += ')';
  return text;
}

// One allocation, no formatting: this runs once per sample for a conditional distribution.
Distribution from_canonical(const Canonical& canon, Constructor c, const double* args, std::size_t n) {
  auto state = std::make_shared<State>();
  state->family = canon.family;
  state->parameters = canon.parameters;
  state->parameter_count = canon.count;
  state->constructor = name_of(c);
  std::copy(args, args + n, state->arguments.begin());
  state->argument_count = n;
  state->written_lazy = true;
  if (canon.family == Family::beta) state->beta = detail::beta_shape(canon.parameters[0], canon.parameters[1]);
  if (canon.family == Family::pert) state->beta = pert_shape(canon.parameters[0], canon.parameters[1], canon.parameters[2]);
  return Distribution(std::move(state));
}

Distribution numeric(Constructor c, std::initializer_list<double> args) {
  return from_canonical(canonical(c, args.begin(), args.size()), c, args.begin(), args.size());
}

// The *_ci constructors leave out the default level from their written form.
Distribution interval(Constructor c, double lo, double hi, double level) {
  return level == 0.9 ? numeric(c, {lo, hi}) : numeric(c, {lo, hi, level});
}

}  // namespace

// ---- State ----

Distribution::State::State(const State& other)
    : family(other.family),
      parameters(other.parameters),
      parameter_count(other.parameter_count),
      components(other.components),
      values(other.values),
      constructor(other.constructor),
      arguments(other.arguments),
      argument_count(other.argument_count),
      written_lazy(false),
      written_text(other.written()),
      beta(other.beta),
      below_low(other.below_low),
      at_or_above_low(other.at_or_above_low),
      at_or_below_high(other.at_or_below_high),
      above_high(other.above_high),
      mass(other.mass),
      table(other.table) {}

const std::string& Distribution::State::written() const {
  if (written_lazy) {
    std::call_once(written_once, [this] { written_text = call_text(constructor, arguments.data(), argument_count); });
  }
  return written_text;
}

// ---- Distribution ----

Distribution::Distribution() : Distribution(point(0)) {}

Distribution::Distribution(std::shared_ptr<const State> state) noexcept : state_(std::move(state)) {}

Family Distribution::family() const noexcept { return state_->family; }
std::span<const double> Distribution::parameters() const noexcept {
  return {state_->parameters.data(), state_->parameter_count};
}
std::span<const Distribution> Distribution::components() const noexcept { return state_->components; }
std::span<const double> Distribution::values() const noexcept { return state_->values; }
const std::string& Distribution::written() const noexcept { return state_->written(); }

std::string_view family_name(Family family) noexcept {
  switch (family) {
    case Family::point: return "point";
    case Family::uniform: return "uniform";
    case Family::loguniform: return "loguniform";
    case Family::normal: return "normal";
    case Family::lognormal: return "lognormal";
    case Family::beta: return "beta";
    case Family::logitnormal: return "logitnormal";
    case Family::triangular: return "triangular";
    case Family::pert: return "pert";
    case Family::gamma: return "gamma";
    case Family::bernoulli: return "bernoulli";
    case Family::mixture: return "mixture";
    case Family::truncated: return "truncated";
    case Family::empirical: return "empirical";
  }
  return "unknown";
}

// ---- constructors ----

Distribution point(double x) { return numeric(Constructor::point, {x}); }
Distribution uniform(double a, double b) { return numeric(Constructor::uniform, {a, b}); }
Distribution loguniform(double a, double b) { return numeric(Constructor::loguniform, {a, b}); }
Distribution normal(double mean, double sd) { return numeric(Constructor::normal, {mean, sd}); }
Distribution normal_ci(double lo, double hi, double level) { return interval(Constructor::normal_ci, lo, hi, level); }
Distribution lognormal(double mu, double sigma) { return numeric(Constructor::lognormal, {mu, sigma}); }
Distribution lognormal_ci(double lo, double hi, double level) { return interval(Constructor::lognormal_ci, lo, hi, level); }
Distribution beta(double a, double b) { return numeric(Constructor::beta, {a, b}); }
Distribution beta_ci(double lo, double hi, double level) { return interval(Constructor::beta_ci, lo, hi, level); }
Distribution beta_mean(double mean, double concentration) { return numeric(Constructor::beta_mean, {mean, concentration}); }
Distribution logitnormal(double mu, double sigma) { return numeric(Constructor::logitnormal, {mu, sigma}); }
Distribution logitnormal_ci(double lo, double hi, double level) {
  return interval(Constructor::logitnormal_ci, lo, hi, level);
}
Distribution triangular(double min, double mode, double max) { return numeric(Constructor::triangular, {min, mode, max}); }
Distribution pert(double min, double mode, double max) { return numeric(Constructor::pert, {min, mode, max}); }
Distribution gamma(double shape, double scale) { return numeric(Constructor::gamma, {shape, scale}); }
Distribution bernoulli(double p) { return numeric(Constructor::bernoulli, {p}); }

Distribution mixture(std::vector<double> weights, std::vector<Distribution> components) {
  if (components.empty()) fail("mixture: needs at least one component");
  if (weights.size() != components.size()) {
    fail("mixture: " + std::to_string(weights.size()) + " weights for " + std::to_string(components.size()) + " components");
  }
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0) || !std::isfinite(weights[i])) {
      fail(quoted("mixture", "weight " + std::to_string(i + 1), weights[i]) + " must be a non-negative finite number");
    }
    total += weights[i];
  }
  if (!(total > 0) || !std::isfinite(total)) fail("mixture: the weights must have a positive finite sum (got " + format_exact(total) + ")");
  auto state = std::make_shared<State>();
  state->family = Family::mixture;
  state->written_text = "mixture(";
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (i > 0) state->written_text += ", ";
    state->written_text += format_exact(weights[i]) + ", " + components[i].written();
    weights[i] /= total;
  }
  state->written_text += ')';
  state->values = std::move(weights);
  state->components = std::move(components);
  return Distribution(std::move(state));
}

Distribution truncated(Distribution base, double lo, double hi) {
  if (std::isnan(lo)) fail(quoted("truncated", "lo", lo) + " must be a number");
  if (std::isnan(hi)) fail(quoted("truncated", "hi", hi) + " must be a number");
  require_below("truncated", "lo", lo, "hi", hi);
  auto state = std::make_shared<State>();
  state->family = Family::truncated;
  state->parameters = {lo, hi, 0};
  state->parameter_count = 2;
  state->written_text = "truncated(" + base.written() + ", " + format_exact(lo) + ", " + format_exact(hi) + ")";
  const detail::Tails at_low = detail::tails(base.state(), lo, false);   // (P(X < lo), P(X >= lo))
  const detail::Tails at_high = detail::tails(base.state(), hi, true);   // (P(X <= hi), P(X > hi))
  state->below_low = at_low.lower;
  state->at_or_above_low = at_low.upper;
  state->at_or_below_high = at_high.lower;
  state->above_high = at_high.upper;
  // Subtract the two small numbers, never two numbers near 1.
  state->mass = at_low.lower <= 0.5 ? at_high.lower - at_low.lower : at_low.upper - at_high.upper;
  if (!(state->mass > 0)) {
    fail("truncated: the interval [" + format_exact(lo) + ", " + format_exact(hi) + "] has no probability under " +
         base.written());
  }
  state->components.push_back(std::move(base));
  return Distribution(std::move(state));
}

Distribution empirical(std::vector<double> values) {
  if (values.empty()) fail("empirical: needs at least one value");
  for (std::size_t i = 0; i < values.size(); ++i) {
    require_finite("empirical", "value " + std::to_string(i + 1), values[i]);
  }
  auto state = std::make_shared<State>();
  state->family = Family::empirical;
  state->written_text = call_text("empirical", values.data(), values.size());
  std::sort(values.begin(), values.end());
  state->values = std::move(values);
  return Distribution(std::move(state));
}

// ---- by name ----

std::span<const std::string_view> distribution_constructors() noexcept { return constructor_names; }

bool argument_is_distribution(std::string_view constructor, std::size_t index) noexcept {
  if (constructor == "mixture") return index % 2 == 1;
  if (constructor == "truncated") return index == 0;
  return false;
}

Distribution make_distribution(std::string_view constructor, const std::vector<DistributionArgument>& arguments) {
  Constructor c{};
  if (!find_constructor(constructor, c)) {
    std::string known;
    for (const auto name : constructor_names) known += (known.empty() ? "" : ", ") + std::string(name);
    fail("unknown distribution '" + std::string(constructor) + "' (known: " + known + ")");
  }
  const Arity expected = arity(c);
  const std::size_t n = arguments.size();
  if (n < expected.least || n > expected.most) {
    std::string count = std::to_string(expected.least);
    if (expected.most == std::numeric_limits<std::size_t>::max()) count = "at least " + count;
    else if (expected.most != expected.least) count += " or " + std::to_string(expected.most);
    fail(std::string(constructor) + ": takes " + count + " argument" + (expected.least == 1 && expected.most == 1 ? "" : "s") +
         ", got " + std::to_string(n));
  }
  if (c == Constructor::mixture && n % 2 != 0) {
    fail("mixture: takes pairs of a weight and a distribution (w1, d1, w2, d2, ...), got " + std::to_string(n) + " arguments");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool wants_distribution = argument_is_distribution(constructor, i);
    if (wants_distribution != std::holds_alternative<Distribution>(arguments[i])) {
      fail(std::string(constructor) + ": argument " + std::to_string(i + 1) + " must be " +
           (wants_distribution ? "a distribution" : "a number") + ", got " + (wants_distribution ? "a number" : "a distribution"));
    }
  }
  if (c == Constructor::mixture) {
    std::vector<double> weights;
    std::vector<Distribution> components;
    for (std::size_t i = 0; i < n; i += 2) {
      weights.push_back(std::get<double>(arguments[i]));
      components.push_back(std::get<Distribution>(arguments[i + 1]));
    }
    return mixture(std::move(weights), std::move(components));
  }
  if (c == Constructor::truncated) {
    return truncated(std::get<Distribution>(arguments[0]), std::get<double>(arguments[1]), std::get<double>(arguments[2]));
  }
  std::vector<double> numbers;
  numbers.reserve(n);
  for (const auto& argument : arguments) numbers.push_back(std::get<double>(argument));
  if (c == Constructor::empirical) return empirical(std::move(numbers));
  return from_canonical(canonical(c, numbers.data(), n), c, numbers.data(), n);
}

// ---- conditional distributions: parameters that change from sample to sample ----

void quantile_conditional(std::string_view constructor, std::span<const std::span<const double>> arguments,
                          std::span<const double> p, std::span<double> out) {
  Constructor c{};
  if (!find_constructor(constructor, c)) fail("unknown distribution '" + std::string(constructor) + "'");
  if (c == Constructor::mixture || c == Constructor::truncated || c == Constructor::empirical) {
    fail(std::string(constructor) + ": a conditional " + std::string(constructor) +
         " is built per sample with make_distribution, not through quantile_conditional");
  }
  const Arity expected = arity(c);
  if (arguments.size() < expected.least || arguments.size() > expected.most) {
    fail(std::string(constructor) + ": takes " + std::to_string(expected.least) +
         (expected.most != expected.least ? " or " + std::to_string(expected.most) : "") + " arguments, got " +
         std::to_string(arguments.size()));
  }
  if (out.size() != p.size()) fail("quantile_conditional: " + std::to_string(p.size()) + " probabilities but " + std::to_string(out.size()) + " outputs");
  for (const auto& column : arguments) {
    if (column.size() != p.size()) {
      fail("quantile_conditional: an argument has " + std::to_string(column.size()) + " values for " + std::to_string(p.size()) + " probabilities");
    }
  }
  std::array<double, 3> args{};
  detail::BetaShape shape;
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (std::size_t j = 0; j < arguments.size(); ++j) args[j] = arguments[j][i];
    const Canonical canon = canonical(c, args.data(), arguments.size());
    if (canon.family == Family::beta) shape = detail::beta_shape(canon.parameters[0], canon.parameters[1]);
    else if (canon.family == Family::pert) shape = pert_shape(canon.parameters[0], canon.parameters[1], canon.parameters[2]);
    const double u = p[i];
    if (!(u >= 0 && u <= 1)) fail("quantile: p (" + format_exact(u) + ") must lie in [0, 1]");
    out[i] = detail::simple_quantile(canon.family, canon.parameters.data(), shape, u, 1 - u);
  }
}

}  // namespace pdoom
