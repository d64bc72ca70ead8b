// Guarantees of a run, checked against closed forms (docs/reliability.md): a fixed-seed model gives
// bit-identical results on 1, 2 and 7 threads for each block size, the two block sizes agree within
// their standard errors, and both agree with the closed forms; a run whose exact storage exceeds the
// memory budget switches to streaming summaries at exactly the documented size, with quantiles within
// the documented relative error of the closed form; keeping more samples than memory holds is refused
// with a message.

#include "pdoom/error.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/sample/run.hpp"

#include <boost/math/distributions/lognormal.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <utility>
#include <string>
#include <vector>

namespace {

using namespace pdoom;

// Every node has a closed-form mean; a conditional input and a correlation-free mix of families.
const char* const golden_toml = R"toml(
[model]
name = "golden"
outputs = ["doom", "either", "scaled", "event"]

[nodes.a]
dist = "beta(2, 8)"
unit = "probability"

[nodes.b]
dist = "uniform(0.5, 1)"
unit = "probability"

[nodes.s]
dist = "lognormal(0, 0.5)"

[nodes.event]
dist = "bernoulli(a)"
unit = "probability"

[nodes.doom]
expr = "a * b"
unit = "probability"

[nodes.either]
expr = "any(a, b)"
unit = "probability"

[nodes.scaled]
expr = "s * b"
)toml";

// E[a] = 0.2, E[b] = 0.75, E[s] = exp(1/8); independent inputs.
struct ClosedForm {
  const char* node;
  double mean;
};
const ClosedForm closed_forms[] = {
    {"a", 0.2},
    {"b", 0.75},
    {"s", 1.1331484530668263},             // exp(0.125)
    {"event", 0.2},                        // E[bernoulli(a)] = E[a]
    {"doom", 0.2 * 0.75},
    {"either", 1 - (1 - 0.2) * (1 - 0.75)},  // any(a, b) = 1 - (1 - a)(1 - b)
    {"scaled", 1.1331484530668263 * 0.75},
};

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

// Every number of the two results, bit for bit.
void require_identical(const RunResult& x, const RunResult& y) {
  REQUIRE(x.node_names == y.node_names);
  REQUIRE(x.samples == y.samples);
  for (std::size_t j = 0; j < x.summaries.size(); ++j) {
    INFO("node " << x.node_names[j]);
    const Summary& p = x.summaries[j];
    const Summary& q = y.summaries[j];
    const std::pair<double, double> pairs[] = {{p.mean, q.mean}, {p.sd, q.sd}, {p.standard_error, q.standard_error},
                                               {p.min, q.min},   {p.max, q.max}, {p.p01, q.p01},
                                               {p.p05, q.p05},   {p.p25, q.p25}, {p.p50, q.p50},
                                               {p.p75, q.p75},   {p.p95, q.p95}, {p.p99, q.p99}};
    for (const auto& [u, v] : pairs) CHECK(same_bits(u, v));
    for (std::size_t t = 0; t < x.thresholds.size(); ++t) CHECK(same_bits(x.exceedance[j][t], y.exceedance[j][t]));
  }
}

}  // namespace

TEST_CASE("golden model: bit-identical for 1, 2 and 7 threads per block size, and equal to the closed forms", "[sample][golden]") {
  const Model model = read_model_text(golden_toml, "golden.toml");
  RunOptions options;
  options.samples = 200000;
  options.seed = 424242;
  std::vector<RunResult> by_block_size;
  for (const std::size_t block_size : {std::size_t{1000}, std::size_t{4096}}) {
    INFO("block size " << block_size);
    options.block_size = block_size;
    options.threads = 1;
    const RunResult one = run(model, options);
    options.threads = 2;
    const RunResult two = run(model, options);
    options.threads = 7;
    const RunResult seven = run(model, options);
    require_identical(one, two);
    require_identical(one, seven);
    for (const ClosedForm& expected : closed_forms) {
      INFO("node " << expected.node);
      const Summary& s = one.summary(expected.node);
      CHECK(std::abs(s.mean - expected.mean) < 4 * s.standard_error);
    }
    by_block_size.push_back(one);
  }
  // The block size is part of the streams' identity: other draws, the same distribution.
  const RunResult& small = by_block_size[0];
  const RunResult& large = by_block_size[1];
  CHECK_FALSE(same_bits(small.summary("doom").mean, large.summary("doom").mean));
  for (const ClosedForm& expected : closed_forms) {
    INFO("node " << expected.node);
    const Summary& x = small.summary(expected.node);
    const Summary& y = large.summary(expected.node);
    // The first block's draws are shared (same stream start), so the two means are positively correlated:
    // the independent-runs bound sqrt(se1^2 + se2^2) is conservative.
    CHECK(std::abs(x.mean - y.mean) < 4 * std::hypot(x.standard_error, y.standard_error));
  }
}

TEST_CASE("the memory budget switches to streaming at exactly samples x nodes x 8 bytes", "[sample][memory]") {
  const Model model = read_model_text(golden_toml, "golden.toml");
  RunOptions options;
  options.samples = 10000;
  options.block_size = 1000;
  const std::size_t nodes = model.nodes().size();
  const std::size_t exact_bytes = options.samples * nodes * sizeof(double);
  options.memory_budget_bytes = exact_bytes;
  const RunResult fits = run(model, options);
  CHECK(fits.exact);
  CHECK(fits.quantile_relative_error == 0);
  options.memory_budget_bytes = exact_bytes - 1;
  const RunResult streams = run(model, options);
  CHECK_FALSE(streams.exact);
  CHECK(streams.quantile_relative_error > 0);
  CHECK(streams.quantile_relative_error <= 1.0 / 1025 + 1e-15);
  // Same draws: moments agree to rounding, whichever mode summarised them.
  CHECK(streams.summary("scaled").mean == Approx(fits.summary("scaled").mean).epsilon(1e-12));
}

TEST_CASE("streaming quantiles of a lognormal are within the documented error of the closed form", "[sample][memory]") {
  // 10^6 samples of lognormal(0, 1) with a 1 MiB budget (the exact run would need 16 MB): streaming.
  const Model model = read_model_text(R"toml(
[model]
name = "lognormal"
outputs = ["y"]

[nodes.x]
dist = "lognormal(0, 1)"

[nodes.y]
expr = "x"
)toml",
                                      "lognormal.toml");
  RunOptions options;
  options.samples = 1000000;
  options.seed = 11;
  options.memory_budget_bytes = std::size_t{1} << 20;
  const RunResult result = run(model, options);
  REQUIRE_FALSE(result.exact);
  const double alpha = result.quantile_relative_error;
  const Summary& y = result.summary("y");
  const boost::math::lognormal_distribution<double> law(0.0, 1.0);
  const double n = static_cast<double>(options.samples);
  const std::pair<double, double> checks[] = {{0.01, y.p01}, {0.05, y.p05}, {0.25, y.p25}, {0.5, y.p50},
                                             {0.75, y.p75}, {0.95, y.p95}, {0.99, y.p99}};
  for (const auto& [p, estimate] : checks) {
    INFO("quantile " << p);
    const double q = boost::math::quantile(law, p);
    // Sampling error of the p-quantile, sqrt(p (1 - p) / n) / f(q), plus the sketch's relative error.
    const double sampling = std::sqrt(p * (1 - p) / n) / boost::math::pdf(law, q);
    CHECK(std::abs(estimate - q) <= 4 * sampling + alpha * q);
  }
  CHECK(std::abs(y.mean - std::exp(0.5)) < 4 * y.standard_error);
}

TEST_CASE("keeping more samples than memory can hold is refused with a message, not a crash", "[sample][memory]") {
  const Model model = read_model_text(golden_toml, "golden.toml");
  RunOptions options;
  options.samples = std::uint64_t{1} << 50;  // 7 nodes x 8 bytes x 2^50 = 63 PiB: beyond any address space
  options.keep_samples = true;
  CHECK_THROWS_AS(run(model, options), Error);
  CHECK_THROWS_WITH(run(model, options), Catch::Contains("not enough memory to keep") && Catch::Contains("GiB"));
}
