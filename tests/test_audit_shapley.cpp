// Shapley plans against closed forms: additive games (shares are the weights), the quadratic game
// v(S) = (sum of w over S)^2 (shares w_i * W, each pairwise interaction split equally), and y = a * b.

#include "pdoom/audit/shapley.hpp"
#include "pdoom/error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <vector>

namespace {

// v(S) for each coalition of a plan, from a function of its members.
template <class Game>
std::vector<double> coalition_values(const pdoom::ShapleyPlan& plan, Game game) {
  std::vector<double> values(plan.coalition_count());
  for (std::size_t c = 0; c < values.size(); ++c) values[c] = game(plan.members(c));
  return values;
}

}  // namespace

TEST_CASE("exact Shapley shares of y = a b between two point models", "[audit]") {
  // a: 0.5 -> 0.8, b: 0.4 -> 0.6. Closed form: share_a = (a1 - a0) (b0 + b1) / 2, share_b = (b1 - b0) (a0 + a1) / 2.
  const auto plan = pdoom::ShapleyPlan::exact(2);
  REQUIRE(plan.coalition_count() == 4);
  const double a0 = 0.5, a1 = 0.8, b0 = 0.4, b1 = 0.6;
  const auto values = coalition_values(plan, [&](const std::vector<std::size_t>& members) {
    double a = a0, b = b0;
    for (const auto player : members) (player == 0 ? a : b) = player == 0 ? a1 : b1;
    return a * b;
  });
  const auto shares = plan.shares(values);
  CHECK(shares.shares[0] == Approx((a1 - a0) * (b0 + b1) / 2).epsilon(1e-14));
  CHECK(shares.shares[1] == Approx((b1 - b0) * (a0 + a1) / 2).epsilon(1e-14));
  CHECK(shares.shares[0] + shares.shares[1] == Approx(a1 * b1 - a0 * b0).epsilon(1e-14));
  CHECK(shares.stderrs[0] == 0.0);
}

TEST_CASE("exact Shapley shares of the quadratic game are w_i times the total", "[audit]") {
  const std::vector<double> weights = {0.3, -0.1, 0.25, 0.05, 0.7};
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  const auto plan = pdoom::ShapleyPlan::exact(weights.size());
  const auto values = coalition_values(plan, [&](const std::vector<std::size_t>& members) {
    double sum = 0;
    for (const auto player : members) sum += weights[player];
    return sum * sum;
  });
  const auto shares = plan.shares(values);
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    CHECK(shares.shares[i] == Approx(weights[i] * total).margin(1e-14));
    sum += shares.shares[i];
  }
  CHECK(sum == Approx(total * total).margin(1e-14));
}

TEST_CASE("sampled Shapley shares add up exactly and are unbiased", "[audit]") {
  std::vector<double> weights(30);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 0.01 * static_cast<double>(i % 7) - 0.02;
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  const auto plan = pdoom::ShapleyPlan::automatic(weights.size(), 12, 400, 7);
  REQUIRE_FALSE(plan.is_exact());
  CHECK(plan.permutation_count() == 400);

  SECTION("additive game: every permutation gives the exact shares") {
    const auto values = coalition_values(plan, [&](const std::vector<std::size_t>& members) {
      double sum = 0;
      for (const auto player : members) sum += weights[player];
      return sum;
    });
    const auto shares = plan.shares(values);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      CHECK(shares.shares[i] == Approx(weights[i]).margin(1e-14));
      CHECK(shares.stderrs[i] == Approx(0.0).margin(1e-14));
    }
  }
  SECTION("quadratic game: within 4 standard errors of w_i W, sum exact") {
    const auto values = coalition_values(plan, [&](const std::vector<std::size_t>& members) {
      double sum = 0;
      for (const auto player : members) sum += weights[player];
      return sum * sum;
    });
    const auto shares = plan.shares(values);
    double sum = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      // Tolerance: the plan's own standard error over antithetic pairs (plus rounding).
      CHECK(std::abs(shares.shares[i] - weights[i] * total) <= 4 * shares.stderrs[i] + 1e-13);
      sum += shares.shares[i];
    }
    CHECK(sum == Approx(total * total).margin(1e-12));
  }
}

TEST_CASE("Shapley plans reject impossible sizes", "[audit]") {
  CHECK_THROWS_AS(pdoom::ShapleyPlan::exact(pdoom::ShapleyPlan::max_exact_players + 1), pdoom::Error);
  CHECK_THROWS_AS(pdoom::ShapleyPlan::sampled(0, 10, 1), pdoom::Error);
  const auto plan = pdoom::ShapleyPlan::exact(3);
  CHECK_THROWS_AS(plan.shares(std::vector<double>(7)), pdoom::Error);
  CHECK(plan.shares(std::vector<double>(8, 1.0)).shares == std::vector<double>(3, 0.0));
}
