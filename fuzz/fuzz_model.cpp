// libFuzzer target: the TOML model loader, validation, the writer, compilation and a tiny run.
// Any input must load or give a pdoom::Error with a message: never a crash, hang or sanitizer report;
// a model that loads must run (or fail with a NumericalError naming the node) in every scenario.
#include "pdoom/error.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/model/validate.hpp"
#include "pdoom/sample/run.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<pdoom::Diagnostic> warnings;
  pdoom::Model model;
  try {
    model = pdoom::parse_model(text, "fuzz.toml", &warnings);
  } catch (const pdoom::Error& error) {
    if (std::string_view(error.what()).empty()) std::abort();
    return 0;
  }
  // A valid model written back must load again.
  const std::string written = pdoom::write_model(model);
  try {
    (void)pdoom::parse_model(written, "fuzz-written.toml", nullptr);
  } catch (const pdoom::Error&) {
    std::abort();
  }
  // A few samples in one thread, in small blocks, through the base model and every scenario: reaches
  // the distribution constructors, the copula and the block programs with the model's own parameters.
  pdoom::RunOptions options;
  options.samples = 24;
  options.block_size = 8;
  options.threads = 1;
  std::vector<std::string> scenarios{""};
  for (const pdoom::Scenario& scenario : model.scenarios) scenarios.push_back(scenario.name);
  for (const std::string& scenario : scenarios) {
    options.scenario = scenario;
    try {
      (void)pdoom::run(model, options);
    } catch (const pdoom::Error& error) {
      if (std::string_view(error.what()).empty()) std::abort();
    }
  }
  return 0;
}
