// Shapley plans: exact over all subsets, or antithetic permutation sampling.

#include "pdoom/audit/shapley.hpp"

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <string>

namespace pdoom {

ShapleyPlan ShapleyPlan::exact(std::size_t players) {
  if (players > max_exact_players) {
    throw Error("exact Shapley values of " + std::to_string(players) + " players would need 2^" +
                std::to_string(players) + " coalitions; at most " + std::to_string(max_exact_players) +
                " players are supported");
  }
  ShapleyPlan plan;
  plan.players_ = players;
  plan.exact_ = true;
  plan.coalitions_ = std::size_t{1} << players;
  plan.full_ = plan.coalitions_ - 1;
  return plan;
}

ShapleyPlan ShapleyPlan::sampled(std::size_t players, std::size_t permutations, std::uint64_t seed) {
  if (players == 0) throw Error("sampled Shapley values need at least one player");
  if (permutations == 0) throw Error("sampled Shapley values need at least one permutation");
  // At least two antithetic pairs, so that a standard error exists.
  const std::size_t pairs = std::max<std::size_t>(2, (permutations + 1) / 2);
  ShapleyPlan plan;
  plan.players_ = players;
  plan.exact_ = false;

  std::map<std::vector<bool>, std::size_t> index_of;
  auto coalition_index = [&](const std::vector<bool>& membership) {
    const auto [it, inserted] = index_of.emplace(membership, plan.membership_.size());
    if (inserted) plan.membership_.push_back(membership);
    return it->second;
  };
  coalition_index(std::vector<bool>(players, false));  // index 0: the empty coalition
  plan.full_ = coalition_index(std::vector<bool>(players, true));

  Engine engine = make_stream(seed, "shapley", 0);
  std::vector<std::size_t> order(players);
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    for (std::size_t i = 0; i < players; ++i) order[i] = i;
    // Fisher-Yates with a bounded draw by rejection, so that every order is equally likely.
    for (std::size_t i = players - 1; i > 0; --i) {
      const std::uint64_t range = i + 1;
      const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % range);
      std::uint64_t draw = 0;
      do {
        draw = engine();
      } while (draw >= limit);
      std::swap(order[i], order[static_cast<std::size_t>(draw % range)]);
    }
    for (int direction = 0; direction < 2; ++direction) {
      std::vector<std::size_t> permutation = order;
      if (direction == 1) std::reverse(permutation.begin(), permutation.end());
      std::vector<std::size_t> chain;
      chain.reserve(players + 1);
      std::vector<bool> membership(players, false);
      chain.push_back(0);
      for (const std::size_t player : permutation) {
        membership[player] = true;
        chain.push_back(coalition_index(membership));
      }
      plan.permutations_.push_back(std::move(permutation));
      plan.chains_.push_back(std::move(chain));
    }
  }
  plan.coalitions_ = plan.membership_.size();
  return plan;
}

ShapleyPlan ShapleyPlan::automatic(std::size_t players, std::size_t exact_limit, std::size_t permutations,
                                   std::uint64_t seed) {
  if (players <= std::min(exact_limit, max_exact_players)) return exact(players);
  return sampled(players, permutations, seed);
}

std::vector<std::size_t> ShapleyPlan::members(std::size_t coalition) const {
  if (coalition >= coalitions_) throw Error("ShapleyPlan::members: no coalition " + std::to_string(coalition));
  std::vector<std::size_t> result;
  for (std::size_t player = 0; player < players_; ++player) {
    if (contains(coalition, player)) result.push_back(player);
  }
  return result;
}

bool ShapleyPlan::contains(std::size_t coalition, std::size_t player) const {
  if (player >= players_ || coalition >= coalitions_) return false;
  if (exact_) return ((coalition >> player) & 1U) != 0;
  return membership_[coalition][player];
}

ShapleyShares ShapleyPlan::shares(std::span<const double> values) const {
  if (values.size() != coalitions_) {
    throw Error("ShapleyPlan::shares: " + std::to_string(values.size()) + " values given for " +
                std::to_string(coalitions_) + " coalitions");
  }
  const std::size_t n = players_;
  ShapleyShares result;
  result.shares.assign(n, 0.0);
  result.stderrs.assign(n, 0.0);
  if (n == 0) return result;

  if (exact_) {
    // weight[s] = s! (n - s - 1)! / n! = 1 / (n * C(n - 1, s)).
    std::vector<double> weight(n);
    double binomial = 1.0;  // C(n - 1, s)
    for (std::size_t s = 0; s < n; ++s) {
      weight[s] = 1.0 / (static_cast<double>(n) * binomial);
      binomial = binomial * static_cast<double>(n - 1 - s) / static_cast<double>(s + 1);
    }
    for (std::size_t player = 0; player < n; ++player) {
      const std::size_t bit = std::size_t{1} << player;
      double share = 0.0;
      for (std::size_t mask = 0; mask < coalitions_; ++mask) {
        if ((mask & bit) != 0) continue;
        share += weight[static_cast<std::size_t>(std::popcount(mask))] * (values[mask | bit] - values[mask]);
      }
      result.shares[player] = share;
    }
    return result;
  }

  // Sampled: permutations come in antithetic pairs (2k, 2k + 1); the pair means are independent.
  // Two passes over the pair means (not sum of squares minus squared sum, which cancels badly).
  const std::size_t pairs = permutations_.size() / 2;
  std::vector<double> pair_means(pairs * n, 0.0);  // [pair][player]
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    double* pair_mean = pair_means.data() + pair * n;
    for (std::size_t which = 2 * pair; which < 2 * pair + 2; ++which) {
      const auto& permutation = permutations_[which];
      const auto& chain = chains_[which];
      for (std::size_t k = 0; k < n; ++k) {
        pair_mean[permutation[k]] += 0.5 * (values[chain[k + 1]] - values[chain[k]]);
      }
    }
  }
  const double count = static_cast<double>(pairs);
  for (std::size_t player = 0; player < n; ++player) {
    double sum = 0.0;
    for (std::size_t pair = 0; pair < pairs; ++pair) sum += pair_means[pair * n + player];
    const double mean = sum / count;
    double squares = 0.0;
    for (std::size_t pair = 0; pair < pairs; ++pair) {
      const double deviation = pair_means[pair * n + player] - mean;
      squares += deviation * deviation;
    }
    result.shares[player] = mean;
    result.stderrs[player] = std::sqrt(squares / (count - 1.0) / count);
  }
  return result;
}

}  // namespace pdoom
