#pragma once
// What several test files share: closed forms they compare against and the text of the small models they
// run. Header-only; every function is inline. Running the `pdoom` executable is cli_runner.hpp's job.

#include <cmath>
#include <string>

namespace pdoom_test {

/// Spearman's rank correlation of two jointly normal variables whose Pearson correlation is `r`:
/// (6 / pi) asin(r / 2).
inline double spearman_of_normal(double r) { return 6.0 / M_PI * std::asin(r / 2.0); }

namespace test_support_detail {

// Appended one by one: `"literal" + std::string` trips GCC 12's false -Wrestrict (bug 105329).
template <typename... Parts>
std::string concatenated(const Parts&... parts) {
  std::string text;
  ((text += parts), ...);
  return text;
}

}  // namespace test_support_detail

/// The TOML text of a model called `name` with one input, `input` ~ `distribution`, and one output node,
/// `output` = `formula`, declared in that order: ("heavy", "z", "normal(0, 50)", "x", "10 ^ z").
inline std::string input_and_formula_toml(const std::string& name, const std::string& input,
                                          const std::string& distribution, const std::string& output,
                                          const std::string& formula) {
  return test_support_detail::concatenated("\n[model]\nname = \"", name, "\"\noutputs = [\"", output, "\"]\n\n[nodes.",
                                           input, "]\ndist = \"", distribution, "\"\n\n[nodes.", output,
                                           "]\nexpr = \"", formula, "\"\n");
}

/// The TOML text of a model called `name`: doom = a * b with a ~ beta(2, 8) and b ~ uniform(0.5, 1), all
/// three probabilities, so E[doom] = 0.2 * 0.75 = 0.15. Two cheap inputs: about 10^8 samples a second on
/// one core.
inline std::string product_model_toml(const std::string& name) {
  return test_support_detail::concatenated("\n[model]\nname = \"", name,
                                           "\"\noutputs = [\"doom\"]\n"
                                           "\n[nodes.a]\ndist = \"beta(2, 8)\"\nunit = \"probability\"\n"
                                           "\n[nodes.b]\ndist = \"uniform(0.5, 1)\"\nunit = \"probability\"\n"
                                           "\n[nodes.doom]\nexpr = \"a * b\"\nunit = \"probability\"\n");
}

}  // namespace pdoom_test
