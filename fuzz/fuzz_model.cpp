// libFuzzer target: the TOML model loader, validation, compilation and the writer.
// Any input must load or give a pdoom::Error with a message: never a crash, hang or sanitizer report.
#include "pdoom/error.hpp"
#include "pdoom/io/model_file.hpp"
#include "pdoom/model/validate.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<pdoom::Diagnostic> warnings;
    const pdoom::Model model = pdoom::parse_model(text, "fuzz.toml", &warnings);
    // A valid model written back must load again.
    (void)pdoom::parse_model(pdoom::write_model(model), "fuzz-written.toml", nullptr);
  } catch (const pdoom::Error&) {
  }
  return 0;
}
