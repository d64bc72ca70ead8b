// Placeholder entry point until the CLI lands (issue 3); replaced there.
#include <cstdio>
int main() {
  std::puts("pdoom 0.1.0");
  return 0;
}
