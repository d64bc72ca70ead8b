// Several sensitivity methods on one prepared model.

#include "pdoom/sensitivity/analysis.hpp"

#include "methods.hpp"
#include "pdoom/error.hpp"

#include <algorithm>
#include <array>

namespace pdoom {

namespace {
constexpr std::array<std::string_view, 3> method_names = {"tornado", "rank", "sobol"};
}  // namespace

std::optional<SensitivityMethod> parse_sensitivity_method(std::string_view name) noexcept {
  for (std::size_t i = 0; i < method_names.size(); ++i) {
    if (method_names[i] == name) return static_cast<SensitivityMethod>(i);
  }
  return std::nullopt;
}

std::string_view sensitivity_method_name(SensitivityMethod method) noexcept {
  return method_names[static_cast<std::size_t>(method)];
}

bool has_correlated_inputs(const Model& model, const SensitivityOptions& options) {
  return sensitivity_detail::prepare_model(model, options).copula.has_value();
}

SensitivityReport sensitivity_analysis(const Model& model, const std::vector<SensitivityMethod>& methods,
                                       const SensitivityOptions& options, bool skip_sobol_if_correlated) {
  using namespace sensitivity_detail;
  const auto wanted = [&](SensitivityMethod method) {
    return std::find(methods.begin(), methods.end(), method) != methods.end();
  };
  const PreparedModel prepared = prepare_model(model, options);
  SensitivityReport report;
  report.model = model.name;
  report.output = prepared.output;
  report.scenario = options.scenario;
  report.samples = options.samples;
  report.seed = options.seed;
  bool run_sobol = wanted(SensitivityMethod::sobol);
  if (run_sobol && prepared.copula && skip_sobol_if_correlated) {
    run_sobol = false;
    try {
      refuse_correlated(prepared);
    } catch (const Error& error) {
      report.notes.emplace_back(std::string("Sobol indices skipped. ") + error.what());
    }
  }
  // Refuse before spending time on the other methods.
  if (run_sobol) refuse_correlated(prepared);
  if (wanted(SensitivityMethod::tornado)) report.tornado = tornado_prepared(prepared, options);
  if (wanted(SensitivityMethod::rank)) report.rank = rank_prepared(prepared, options);
  if (run_sobol) report.sobol = sobol_prepared(prepared, options);
  return report;
}

}  // namespace pdoom
