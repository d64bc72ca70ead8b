// Tests of the sampling designs: mc, Latin hypercube (stratification over blocks), randomised Sobol.

#include "pdoom/error.hpp"
#include "pdoom/random/design.hpp"
#include "pdoom/random/latin_hypercube.hpp"
#include "pdoom/random/sobol.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/stats/rank.hpp"

#include <boost/random/sobol.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace {

using pdoom::Design;

// Fills the whole run [0, total) block by block with the given (cycled) block sizes.
std::vector<double> fill_run(Design design, std::uint64_t seed, const std::string& key, std::size_t dimension,
                             std::size_t dimensions, std::uint64_t total, const std::vector<std::size_t>& sizes) {
  std::vector<double> u(total);
  std::uint64_t first = 0;
  for (std::uint64_t block = 0; first < total; ++block) {
    const std::size_t n = std::min<std::uint64_t>(sizes[block % sizes.size()], total - first);
    pdoom::fill_uniforms(design, seed, key, dimension, dimensions, first, n, total, block,
                         std::span<double>(u).subspan(first, n));
    first += n;
  }
  return u;
}

bool all_open(const std::vector<double>& u) {
  return std::all_of(u.begin(), u.end(), [](double x) { return x > 0.0 && x < 1.0; });
}

double sample_sd(const std::vector<double>& values) {
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  double squares = 0.0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

TEST_CASE("design names parse and format", "[random]") {
  for (const Design design : {Design::mc, Design::lhs, Design::sobol}) {
    const auto parsed = pdoom::parse_design(pdoom::design_name(design));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == design);
  }
  CHECK(pdoom::design_name(Design::lhs) == "lhs");
  CHECK_FALSE(pdoom::parse_design("MC").has_value());
  CHECK_FALSE(pdoom::parse_design("").has_value());
  CHECK_FALSE(pdoom::parse_design("latin").has_value());
}

TEST_CASE("mc design draws the keyed block stream", "[random]") {
  std::vector<double> u(100);
  pdoom::fill_uniforms(Design::mc, 7, "alpha", 0, 3, 200, 100, 1000, 2, u);
  pdoom::Engine engine = pdoom::make_stream(7, "alpha", 2);
  for (const double value : u) CHECK(value == pdoom::uniform_open(engine));
  CHECK(all_open(u));
}

TEST_CASE("fill_uniforms validates its arguments", "[random]") {
  std::vector<double> u(10);
  for (const Design design : {Design::mc, Design::lhs, Design::sobol}) {
    CHECK_THROWS_AS(pdoom::fill_uniforms(design, 1, "x", 0, 1, 95, 10, 100, 0, u), pdoom::Error);
    CHECK_THROWS_AS(pdoom::fill_uniforms(design, 1, "x", 2, 2, 0, 10, 100, 0, u), pdoom::Error);
    CHECK_THROWS_AS(pdoom::fill_uniforms(design, 1, "x", 0, 1, 0, 9, 100, 0, u), pdoom::Error);
  }
  const std::size_t too_many = pdoom::sobol_max_dimensions() + 1;
  CHECK_THROWS_AS(pdoom::fill_uniforms(Design::sobol, 1, "x", 0, too_many, 0, 10, 100, 0, u), pdoom::Error);
  CHECK_THROWS_AS(pdoom::SobolSequence(0), pdoom::Error);
  CHECK_THROWS_AS(pdoom::SobolSequence(too_many), pdoom::Error);
  CHECK(pdoom::sobol_max_dimensions() == 3667);
}

TEST_CASE("stratum permutation is a bijection of the integers below its size", "[random]") {
  for (const std::uint64_t size : {1ULL, 2ULL, 3ULL, 5ULL, 1000ULL, 4096ULL, 4097ULL, 100003ULL}) {
    const pdoom::StratumPermutation permutation(size, 42, "node");
    std::vector<char> hit(size, 0);
    for (std::uint64_t i = 0; i < size; ++i) {
      const std::uint64_t image = permutation(i);
      REQUIRE(image < size);
      REQUIRE(hit[image] == 0);
      hit[image] = 1;
    }
  }
  // Different keys and seeds give different permutations (a coincidence has probability ~1/1000!).
  const pdoom::StratumPermutation a(1000, 42, "node");
  const pdoom::StratumPermutation b(1000, 42, "other");
  const pdoom::StratumPermutation c(1000, 43, "node");
  int same_b = 0;
  int same_c = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    same_b += a(i) == b(i);
    same_c += a(i) == c(i);
  }
  // A random permutation has Poisson(1) fixed points relative to another: 20 would be absurd.
  CHECK(same_b < 20);
  CHECK(same_c < 20);
  CHECK_THROWS_AS(pdoom::StratumPermutation(0, 1, "x"), pdoom::Error);
}

TEST_CASE("lhs hits every stratum exactly once across blocks of different sizes", "[random]") {
  for (const std::uint64_t total : {1ULL, 7ULL, 1000ULL, 1024ULL, 4097ULL, 20011ULL}) {
    for (const auto& sizes : {std::vector<std::size_t>{1, 7, 100, 333}, std::vector<std::size_t>{4096},
                              std::vector<std::size_t>{1000, 17}}) {
      const auto u = fill_run(Design::lhs, 99, "capabilities", 0, 1, total, sizes);
      REQUIRE(all_open(u));
      std::vector<int> hits(total, 0);
      for (const double value : u) {
        const auto stratum = static_cast<std::uint64_t>(std::floor(value * static_cast<double>(total)));
        REQUIRE(stratum < total);
        ++hits[stratum];
      }
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
  }
}

TEST_CASE("lhs strata do not depend on the block partition and differ between keys", "[random]") {
  const std::uint64_t total = 5000;
  const auto a = fill_run(Design::lhs, 3, "x", 0, 2, total, {4096});
  const auto b = fill_run(Design::lhs, 3, "x", 0, 2, total, {13, 1000});
  const auto c = fill_run(Design::lhs, 3, "y", 1, 2, total, {4096});
  int same_key_same_stratum = 0;
  int other_key_same_stratum = 0;
  for (std::uint64_t i = 0; i < total; ++i) {
    const auto stratum = [&](double v) { return static_cast<std::uint64_t>(v * static_cast<double>(total)); };
    same_key_same_stratum += stratum(a[i]) == stratum(b[i]);
    other_key_same_stratum += stratum(a[i]) == stratum(c[i]);
  }
  CHECK(same_key_same_stratum == static_cast<int>(total));
  CHECK(other_key_same_stratum < 20);  // Poisson(1) coincidences expected
}

TEST_CASE("lhs strata of different inputs are unrelated", "[random]") {
  // The keyed permutations must look independent: the Spearman correlation between two inputs' columns,
  // and between the sample index and the stratum, is 0 up to its standard error 1 / sqrt(n - 1).
  const std::uint64_t total = 100000;
  const auto a = fill_run(Design::lhs, 5, "alignment", 0, 2, total, {4096});
  const auto b = fill_run(Design::lhs, 5, "timelines", 1, 2, total, {4096});
  std::vector<double> index(total);
  std::iota(index.begin(), index.end(), 0.0);
  const double tolerance = 5.0 / std::sqrt(static_cast<double>(total - 1));
  CHECK(std::fabs(pdoom::spearman(a, b)) < tolerance);
  CHECK(std::fabs(pdoom::spearman(index, a)) < tolerance);
  // Neighbouring samples land in unrelated strata too (lag-1 rank correlation).
  const std::vector<double> head(a.begin(), a.end() - 1);
  const std::vector<double> tail(a.begin() + 1, a.end());
  CHECK(std::fabs(pdoom::spearman(head, tail)) < tolerance);
}

TEST_CASE("sobol raw points match Boost.Random's engine", "[random]") {
  const std::size_t dimensions = 12;
  const pdoom::SobolSequence sequence(dimensions);
  // The first direction number of dimension 0 is 1/2.
  CHECK(sequence.raw_point(0, 0) == 0);
  CHECK(sequence.raw_point(0, 1) == (std::uint64_t{1} << 63));
  boost::random::sobol engine(dimensions);
  // Boost's seed(s) yields our sample s + 1 (it starts after the origin).
  for (const std::uint64_t index : {1ULL, 2ULL, 3ULL, 17ULL, 1000ULL, 65535ULL, 65536ULL, 123456789ULL}) {
    engine.seed(index - 1);
    for (std::size_t d = 0; d < dimensions; ++d) {
      REQUIRE(sequence.raw_point(d, index) == engine());
    }
  }
  CHECK_THROWS_AS(sequence.raw_point(dimensions, 0), pdoom::Error);
}

TEST_CASE("owen scramble is nested and keyed", "[random]") {
  pdoom::Engine engine = pdoom::make_stream(5, "scramble-test", 0);
  const std::uint32_t seed = pdoom::sobol_scramble_seed(1, "a");
  CHECK(seed != pdoom::sobol_scramble_seed(2, "a"));
  CHECK(seed != pdoom::sobol_scramble_seed(1, "b"));
  for (int trial = 0; trial < 2000; ++trial) {
    const std::uint64_t x = engine();
    const unsigned shared = static_cast<unsigned>(engine() % 64);
    // y shares the top `shared` bits of x and differs below.
    const std::uint64_t low_mask = shared == 0 ? ~std::uint64_t{0} : (~std::uint64_t{0} >> shared);
    const std::uint64_t y = (x & ~low_mask) | (engine() & low_mask);
    const std::uint64_t sx = pdoom::owen_scramble(x, seed);
    const std::uint64_t sy = pdoom::owen_scramble(y, seed);
    REQUIRE((sx & ~low_mask) == (sy & ~low_mask));
    if (x != y) REQUIRE(sx != sy);  // a bijection
  }
}

TEST_CASE("scrambled sobol projections of 2^k points are stratified", "[random]") {
  const std::size_t dimensions = 10;
  const pdoom::SobolSequence sequence(dimensions);
  for (const unsigned k : {1U, 4U, 10U, 16U}) {
    const std::size_t n = std::size_t{1} << k;
    for (const std::uint64_t start_block : {0ULL, 3ULL}) {
      const std::uint64_t first = start_block * n;  // any aligned block of 2^k samples is a net too
      std::vector<std::vector<double>> columns(dimensions, std::vector<double>(n));
      for (std::size_t d = 0; d < dimensions; ++d) {
        sequence.fill(2024, std::string("input").append(std::to_string(d)), d, first, columns[d]);
        REQUIRE(all_open(columns[d]));
        std::vector<int> hits(n, 0);
        for (const double value : columns[d]) ++hits[static_cast<std::size_t>(value * static_cast<double>(n))];
        REQUIRE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
      }
      // Dimensions 0 and 1 form a (0, k, 2)-net: every elementary box of area 2^-k holds one point.
      for (unsigned a = 0; a <= k; ++a) {
        const std::size_t cells_x = std::size_t{1} << a;
        const std::size_t cells_y = std::size_t{1} << (k - a);
        std::vector<int> hits(n, 0);
        for (std::size_t j = 0; j < n; ++j) {
          const auto cx = static_cast<std::size_t>(columns[0][j] * static_cast<double>(cells_x));
          const auto cy = static_cast<std::size_t>(columns[1][j] * static_cast<double>(cells_y));
          ++hits[cx * cells_y + cy];
        }
        REQUIRE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
      }
    }
  }
}

TEST_CASE("sobol values depend on the sample index only, not the block layout", "[random]") {
  const auto whole = fill_run(Design::sobol, 11, "p", 2, 5, 3000, {3000});
  const auto pieces = fill_run(Design::sobol, 11, "p", 2, 5, 3000, {1, 100, 999, 7});
  CHECK(whole == pieces);
  const std::vector<std::string> keys = {"a", "b", "c"};
  std::vector<double> block(3 * 500);
  pdoom::sobol_block(11, keys, 250, 500, block);
  for (std::size_t d = 0; d < keys.size(); ++d) {
    std::vector<double> column(500);
    pdoom::fill_uniforms(Design::sobol, 11, keys[d], d, keys.size(), 250, 500, 5000, 0, column);
    CHECK(std::equal(column.begin(), column.end(), block.begin() + static_cast<std::ptrdiff_t>(d * 500)));
  }
  CHECK_THROWS_AS(pdoom::sobol_block(11, keys, 0, 10, std::span<double>(block).first(29)), pdoom::Error);
}

// fill() scrambles in a vectorised loop (compiled for AVX2 too); each value must be the documented one:
// the scramble of the raw point, at the centre of its 2^-52 cell, ((x >> 11) | 1) * 2^-53. Lengths that
// are not multiples of the vector width or of fill's internal chunk, and a start that is not aligned.
TEST_CASE("sobol fill equals the scalar scramble of each raw point", "[random]") {
  const pdoom::SobolSequence sequence(4);
  for (const std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{513}, std::size_t{1030}}) {
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{77}, (std::uint64_t{1} << 40) + 3}) {
      for (std::size_t d = 0; d < sequence.dimensions(); ++d) {
        std::string key("k");  // append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string
        key.append(std::to_string(d));
        std::vector<double> u(n);
        sequence.fill(9, key, d, first, u);
        const std::uint32_t seed = pdoom::sobol_scramble_seed(9, key);
        for (std::size_t j = 0; j < n; ++j) {
          const std::uint64_t x = pdoom::owen_scramble(sequence.raw_point(d, first + j), seed);
          const double expected = static_cast<double>((x >> 11) | 1U) * 0x1p-53;
          INFO("dimension " << d << ", sample " << first + j);
          REQUIRE(u[j] == expected);
        }
      }
    }
  }
}

TEST_CASE("randomised sobol beats mc on a smooth integrand", "[random]") {
  // f(u) = prod_{d<6} (1/2 + u_d) has mean exactly 1. Spread of the 2^16-sample mean over 20 seeds:
  // QMC must be at least 5x tighter than MC (the target).
  const std::size_t dimensions = 6;
  const std::uint64_t total = std::uint64_t{1} << 16;
  const pdoom::SobolSequence sequence(dimensions);
  std::vector<double> qmc_means;
  std::vector<double> mc_means;
  std::vector<double> product(total);
  std::vector<double> column(total);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const Design design : {Design::sobol, Design::mc}) {
      std::fill(product.begin(), product.end(), 1.0);
      for (std::size_t d = 0; d < dimensions; ++d) {
        const std::string key = std::string("x").append(std::to_string(d));
        if (design == Design::sobol) {
          sequence.fill(seed, key, d, 0, column);
        } else {
          column = fill_run(design, seed, key, d, dimensions, total, {4096});
        }
        for (std::size_t j = 0; j < total; ++j) product[j] *= 0.5 + column[j];
      }
      const double mean = std::accumulate(product.begin(), product.end(), 0.0) / static_cast<double>(total);
      (design == Design::sobol ? qmc_means : mc_means).push_back(mean);
    }
  }
  const double qmc_spread = sample_sd(qmc_means);
  const double mc_spread = sample_sd(mc_means);
  // Var f = (13/12)^6 - 1, so MC's spread should be near sqrt(0.617 / 65536) = 3.07e-3.
  CHECK(mc_spread == Approx(std::sqrt((std::pow(13.0 / 12.0, 6) - 1.0) / static_cast<double>(total)))
                         .epsilon(0.5));
  CHECK(qmc_spread * 5.0 <= mc_spread);
  // Randomised QMC is unbiased: the mean over seeds is within 4 of its standard errors of 1 (the floor
  // guards against a spread that is zero up to rounding).
  const double grand = std::accumulate(qmc_means.begin(), qmc_means.end(), 0.0) / 20.0;
  CHECK(std::fabs(grand - 1.0) <= 4.0 * qmc_spread / std::sqrt(20.0) + 1e-12);
  INFO("QMC spread " << qmc_spread << ", MC spread " << mc_spread << ", ratio " << mc_spread / qmc_spread);
}
