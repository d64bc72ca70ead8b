// libFuzzer target: distributions built from `dist` strings with constant arguments, then every query
// (quantiles at ordinary and extreme p, cdf, moments, descriptions) and the per-sample path
// quantile_conditional. Any input must give a distribution or a pdoom::Error: never a crash, hang or
// sanitizer report; quantiles of p in (0, 1) are never NaN, never leave the support and never decrease in p.
#include "pdoom/dist/distribution.hpp"
#include "pdoom/error.hpp"
#include "pdoom/expr/parser.hpp"
#include "pdoom/expr/program.hpp"
#include "pdoom/model/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace {

constexpr double probabilities[] = {0x1p-1074, 1e-300, 1e-12, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-12, 0.9999999999999999};

void query(const pdoom::Distribution& d) {
  const auto [lo, hi] = pdoom::support(d);
  double previous = lo;
  for (const double p : probabilities) {
    const double q = pdoom::quantile(d, p);
    if (std::isnan(q) || q < lo || q > hi) std::abort();
    if (q < previous) std::abort();  // the probabilities ascend, so must the quantiles
    previous = q;
    (void)pdoom::cdf(d, q);
  }
  std::vector<double> block(std::begin(probabilities), std::end(probabilities));
  std::vector<double> out(block.size());
  pdoom::quantile(d, block, out);
  if (!std::is_sorted(out.begin(), out.end())) std::abort();
  (void)pdoom::quantile(d, 0.0);
  (void)pdoom::quantile(d, 1.0);
  constexpr double infinity = std::numeric_limits<double>::infinity();
  for (const double x : {-infinity, -1e308, -1.0, 0.0, 0.5, 1.0, 1e308, infinity, std::numeric_limits<double>::quiet_NaN()})
    (void)pdoom::cdf(d, x);
  (void)pdoom::mean(d);
  (void)pdoom::variance(d);
  (void)pdoom::median(d);
  (void)pdoom::is_probability(d);
  (void)pdoom::describe(d);
  (void)pdoom::describe_in_words(d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<pdoom::DistributionCall> call;
  try {
    call = pdoom::parse_distribution(text);
  } catch (const pdoom::ExpressionError&) {
    return 0;
  }
  std::optional<pdoom::Distribution> distribution;
  try {
    distribution = pdoom::constant_distribution(*call);
  } catch (const pdoom::Error&) {
    return 0;
  }
  if (!distribution) return 0;
  query(*distribution);

  // The per-sample path must agree with the constructor on what is valid.
  std::vector<double> numbers;
  for (const auto& argument : call->arguments) {
    if (!argument.expression) return 0;  // nested distributions: not supported per sample
    numbers.push_back(pdoom::evaluate_scalar(*argument.expression, [](std::string_view) { return 0.0; }));
  }
  const std::size_t n = std::size(probabilities);
  std::vector<std::vector<double>> columns;
  for (const double number : numbers) columns.emplace_back(n, number);
  std::vector<std::span<const double>> arguments(columns.begin(), columns.end());
  std::vector<double> out(n);
  try {
    pdoom::quantile_conditional(call->constructor, arguments, probabilities, out);
  } catch (const pdoom::ParameterError&) {
    // Only the constructors the per-sample path does not take may fail here.
    if (call->constructor != "mixture" && call->constructor != "truncated" && call->constructor != "empirical")
      std::abort();
  }
  return 0;
}
