#pragma once
// Shapley values of a cooperative game whose value function is expensive: a plan lists the coalitions
// to evaluate (every subset when exact, the prefixes of sampled permutations otherwise), the caller
// evaluates them all at once (e.g. in one pass over blocks of common random numbers), and the plan turns
// their values into shares. The shares always add up to v(all players) - v(no player).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pdoom {

/// Shapley shares of the players, and the standard error that sampling permutations adds (0 when exact).
struct ShapleyShares {
  std::vector<double> shares;
  std::vector<double> stderrs;
};

/// Which coalitions to evaluate and how to combine their values into Shapley shares.
class ShapleyPlan {
 public:
  /// The largest number of players an exact plan accepts (2^20 coalitions).
  static constexpr std::size_t max_exact_players = 20;

  /// Every subset of `players`: coalition index = bit mask of its members.
  /// @throws Error if players > max_exact_players.
  [[nodiscard]] static ShapleyPlan exact(std::size_t players);
  /// `permutations` random orders of the players (rounded up to an even number: each order is paired
  /// with its reverse, antithetic sampling), drawn from make_stream(seed, "shapley", 0).
  /// @throws Error if players or permutations is 0.
  [[nodiscard]] static ShapleyPlan sampled(std::size_t players, std::size_t permutations, std::uint64_t seed);
  /// exact(players) when players <= exact_limit (and <= max_exact_players), else sampled(...).
  [[nodiscard]] static ShapleyPlan automatic(std::size_t players, std::size_t exact_limit,
                                             std::size_t permutations, std::uint64_t seed);

  [[nodiscard]] std::size_t players() const noexcept { return players_; }
  [[nodiscard]] bool is_exact() const noexcept { return exact_; }
  /// The number of sampled permutations (0 for an exact plan).
  [[nodiscard]] std::size_t permutation_count() const noexcept { return permutations_.size(); }
  /// The number of distinct coalitions whose values `shares` needs.
  [[nodiscard]] std::size_t coalition_count() const noexcept { return coalitions_; }
  /// Members of coalition c, ascending.
  [[nodiscard]] std::vector<std::size_t> members(std::size_t coalition) const;
  /// Whether player p belongs to coalition c.
  [[nodiscard]] bool contains(std::size_t coalition, std::size_t player) const;
  /// Index of the empty coalition.
  [[nodiscard]] std::size_t empty_coalition() const noexcept { return 0; }
  /// Index of the coalition of every player.
  [[nodiscard]] std::size_t full_coalition() const noexcept { return full_; }

  /// Shapley shares from values[c] = v(coalition c). Exact plans: sum over S not containing i of
  /// |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)); sampled plans: mean marginal contribution over the
  /// permutations, with the standard error over antithetic pairs. @throws Error on a size mismatch.
  [[nodiscard]] ShapleyShares shares(std::span<const double> values) const;

 private:
  std::size_t players_ = 0;
  bool exact_ = true;
  std::size_t full_ = 0;
  std::size_t coalitions_ = 1;
  std::vector<std::vector<bool>> membership_;          // sampled plans only
  std::vector<std::vector<std::size_t>> permutations_;  // sampled: the order of players
  std::vector<std::vector<std::size_t>> chains_;        // sampled: coalition after k players (k = 0..n)
};

}  // namespace pdoom
