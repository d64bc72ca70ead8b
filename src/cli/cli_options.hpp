#pragma once
// Command-line options that several subcommands share (samples, seed, threads, the compared node, --json)
// and the usual way of emitting their results, so that every subcommand spells and checks them alike.

#include "cli_common.hpp"

#include "pdoom/random/stream.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace pdoom::cli {

/// How many samples, from which seed, on how many threads.
struct SamplingOptions {
  std::uint64_t samples = 10000;
  std::uint64_t seed = default_seed;
  unsigned threads = 0;  ///< 0: every core
};

/// Adds -n,--samples (1 to 2^40, described by `samples_help`), -s,--seed and -t,--threads (0 to 4096),
/// in that order, with their defaults shown in --help. Each takes a whole number ("1e6" too, see
/// require_count); a bad value is a usage error (exit 2).
void add_sampling_options(CLI::App& command, SamplingOptions& options, const std::string& samples_help);

/// Adds -s,--seed (any 64-bit whole number) and -t,--threads (0 to 4096; 0: every core), with their
/// defaults shown in --help: for subcommands whose sample counts have other bounds than
/// add_sampling_options's. A bad value is a usage error (exit 2).
void add_seed_and_threads(CLI::App& command, std::uint64_t& seed, unsigned& threads);

/// Adds -o,--output NODE: the node a command reports on.
void add_output_option(CLI::App& command, std::string& output, const std::string& help);

/// Adds --json FILE|-.
void add_json_option(CLI::App& command, std::string& json, const std::string& help);

/// Emits a command's results. With `json_destination` "-": each note on stderr as "PREFIX: note", then
/// the JSON alone on stdout. Otherwise the JSON is written atomically to `json_destination` when it is
/// not empty, then the text goes to stdout. `make_json` and `make_text` are called only when needed.
/// @throws Error as write_output.
template <class MakeJson, class MakeText>
void write_results(const std::string& json_destination, const std::vector<std::string>& notes,
                   std::string_view note_prefix, MakeJson&& make_json, MakeText&& make_text) {
  if (json_destination == "-") {
    for (const std::string& note : notes) {
      std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(note_prefix.size()), note_prefix.data(), note.c_str());
    }
    write_output("-", make_json());
    return;
  }
  if (!json_destination.empty()) write_output(json_destination, make_json());
  write_output("-", make_text());
}

}  // namespace pdoom::cli
