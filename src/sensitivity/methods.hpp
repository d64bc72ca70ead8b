#pragma once
// Private to the sensitivity layer: the methods on an already prepared model, so that one analysis
// running several methods prepares (validates, prunes, compiles) the model once.

#include "pdoom/sensitivity/rank_correlation.hpp"
#include "pdoom/sensitivity/sobol_indices.hpp"
#include "pdoom/sensitivity/tornado.hpp"
#include "prepared_model.hpp"

namespace pdoom::sensitivity_detail {

[[nodiscard]] TornadoResult tornado_prepared(const PreparedModel& prepared, const SensitivityOptions& options);
[[nodiscard]] RankResult rank_prepared(const PreparedModel& prepared, const SensitivityOptions& options);
[[nodiscard]] SobolResult sobol_prepared(const PreparedModel& prepared, const SensitivityOptions& options);

/// @throws Error explaining why Sobol indices are refused for correlated inputs.
void refuse_correlated(const PreparedModel& prepared);

}  // namespace pdoom::sensitivity_detail
