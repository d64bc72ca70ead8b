// Two translation units include the umbrella header and link into one program.
#include <pdoom/pdoom.hpp>

#include <cstdio>

double second_unit_mean();

int main() {
  const double here = pdoom::mean(pdoom::beta(2, 6));
  const double there = second_unit_mean();
  if (here != there) return 1;
  std::printf("two units agree: %g\n", here);
  return 0;
}
