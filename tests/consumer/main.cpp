// A program outside the pdoom tree that links the library the way a user would.
#include <pdoom/pdoom.hpp>

#include <cstdio>

int main() {
  const pdoom::Distribution d = pdoom::beta(2, 6);
  pdoom::Engine engine = pdoom::make_stream(pdoom::default_seed, "consumer", 0);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) sum += pdoom::sample(d, engine);
  std::printf("consumer: mean of beta(2, 6) = %.2f (sampled %.4f)\n", pdoom::mean(d), sum / n);
  return sum / n > 0.24 && sum / n < 0.26 ? 0 : 1;
}
