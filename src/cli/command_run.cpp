// `pdoom run MODEL`: sample the model and summarise every node (terminal table, JSON, CSV of samples).

#include "cli_common.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/html_report.hpp"
#include "pdoom/io/run_output.hpp"
#include "pdoom/sample/run.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pdoom::cli {

namespace {

struct RunCommandOptions {
  std::string model;
  std::string samples = "100000";
  std::string seed = std::to_string(default_seed);
  std::string threads = "0";
  std::string design = "mc";
  std::string scenario;
  bool all_scenarios = false;
  std::string json;
  std::string csv;
  std::string html;
  bool quiet = false;
};

constexpr unsigned max_threads = 4096;
// Interrupted by Ctrl-C: the shell's convention (128 + SIGINT), distinct from the documented 0/1/2.
constexpr int exit_interrupted = 130;

// A non-negative integer written in decimal ("100000") or scientific notation with an integral value
// ("1e6", "2.5e5"); nullopt when malformed, negative, fractional or beyond 64 bits.
std::optional<std::uint64_t> parse_count(const std::string& text) {
  std::size_t i = 0;
  std::string digits;
  std::size_t fraction_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      digits += text[i++];
      ++fraction_digits;
    }
  }
  if (digits.empty()) return std::nullopt;
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && text[i] == '+') ++i;
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - start < 6) {
      exponent = exponent * 10 + (text[i++] - '0');
    }
    if (i == start) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  exponent -= static_cast<long>(fraction_digits);
  // Drop the fraction's trailing zeros ("2.50e5"); what remains must be absorbed by the exponent.
  while (exponent < 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0) return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  for (const char c : digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  for (long e = 0; e < exponent && value != 0; ++e) {
    if (value > limit / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

std::string check_samples(const std::string& text) {
  const auto value = parse_count(text);
  if (!value) {
    return "samples must be a whole number from 1 to 2^64 - 1 (e.g. 100000 or 1e6), not '" + text + "'";
  }
  if (*value == 0) return "samples must be at least 1";
  return {};
}

std::string check_seed(const std::string& text) {
  if (!parse_count(text)) return "seed must be a whole number from 0 to 2^64 - 1, not '" + text + "'";
  return {};
}

std::string check_threads(const std::string& text) {
  const auto value = parse_count(text);
  if (!value || *value > max_threads) {
    return fmt::format("threads must be a whole number from 0 (every core) to {}, not '{}'", max_threads, text);
  }
  return {};
}

// Ctrl-C asks the run to stop after the blocks in flight; a second Ctrl-C ends the program at once.
volatile std::sig_atomic_t interrupt_requested = 0;

extern "C" void on_interrupt(int /*signal*/) {
  interrupt_requested = 1;
  std::signal(SIGINT, SIG_DFL);
}

class InterruptGuard {
 public:
  InterruptGuard() : previous_(std::signal(SIGINT, on_interrupt)) { interrupt_requested = 0; }
  ~InterruptGuard() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_)(int);
};

// A progress bar on stderr, drawn only when stderr is a terminal and the run has lasted half a second.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total_runs)
      : enabled_(enabled && ::isatty(STDERR_FILENO) != 0), runs_(total_runs),
        start_(std::chrono::steady_clock::now()) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { clear(); }

  void next_run() { ++run_; }

  // Called serially by the sampler after each block.
  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double fraction = (static_cast<double>(run_) + static_cast<double>(done) / static_cast<double>(total)) /
                            static_cast<double>(runs_);
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r[%s%s] %3.0f%%  %llu / %llu samples%s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), 100.0 * fraction,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 runs_ > 1 ? fmt::format(" (run {} of {})", run_ + 1, runs_).c_str() : "");
    std::fflush(stderr);
    drawn_ = true;
  }

  void clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r%*s\r", 78, "");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  std::uint64_t runs_;
  std::uint64_t run_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

// Streams the CSV to a temporary file beside the destination, then renames it over the destination,
// so that a failure never leaves a partial file.
void write_csv_atomically(const std::string& destination, const RunResult& result) {
  if (destination == "-") {
    std::ostringstream stream;
    write_samples_csv(stream, result);
    write_output("-", stream.str());
    return;
  }
  const std::filesystem::path target(destination);
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  const std::filesystem::path temporary =
      directory / fmt::format(".{}.tmp-{}", target.filename().string(), static_cast<long>(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write '" + destination + "': cannot create a file in " + directory.string());
    write_samples_csv(out, result);
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error("cannot write '" + destination + "': write failed (disk full?)");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error("cannot write '" + destination + "': " + error.message());
  }
}

int run_command(const RunCommandOptions& command) {
  const bool json_to_stdout = command.json == "-";
  const bool table = !command.quiet && !json_to_stdout;
  const Model model = load_model_for_command(command.model, command.quiet);

  RunOptions options;
  options.samples = *parse_count(command.samples);
  options.seed = *parse_count(command.seed);
  options.threads = static_cast<unsigned>(*parse_count(command.threads));
  options.design = *parse_design(command.design);
  options.scenario = command.scenario;
  // The HTML report draws histograms from the kept samples.
  options.keep_samples = !command.csv.empty() || !command.html.empty();
  // Histograms need no more than 2^20 samples: a 10^9-sample run must not keep them all for the report.
  if (command.csv.empty()) options.max_kept_samples = std::uint64_t{1} << 20;

  const std::uint64_t runs = command.all_scenarios ? 1 + model.scenarios.size() : 1;
  ProgressBar progress(!command.quiet, runs);
  options.progress = [&progress](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };
  options.cancelled = [] { return interrupt_requested != 0; };

  std::vector<RunResult> results;
  {
    InterruptGuard guard;
    if (command.all_scenarios) {
      RunOptions each = options;
      each.scenario.clear();
      results.push_back(run(model, each));
      for (const Scenario& scenario : model.scenarios) {
        if (results.back().partial) break;
        progress.next_run();
        each.scenario = scenario.name;
        results.push_back(run(model, each));
      }
    } else {
      results.push_back(run(model, options));
    }
  }
  progress.clear();

  const bool interrupted = results.back().partial;
  if (interrupted) {
    // No output files from an interrupted run; the partial summary goes to the terminal only.
    std::fprintf(stderr, "interrupted: summary of the %llu samples completed (no files written)\n",
                 static_cast<unsigned long long>(results.back().samples));
    if (json_to_stdout) {
      write_output("-", command.all_scenarios ? scenarios_json(results) : run_json(results.front()));
    } else if (!command.quiet) {
      write_output("-", command.all_scenarios ? scenarios_text(results) : run_text(results.front()));
    }
    return exit_interrupted;
  }

  const std::string json =
      command.json.empty() ? std::string() : (command.all_scenarios ? scenarios_json(results) : run_json(results.front()));
  if (!command.json.empty() && !json_to_stdout) write_output(command.json, json);
  if (!command.csv.empty()) write_csv_atomically(command.csv, results.front());
  if (!command.html.empty()) {
    ReportOptions report;
    report.seed = options.seed;
    report.threads = options.threads;
    write_output(command.html, html_report(make_report_data(model, results.front(), report)));
  }
  if (json_to_stdout) write_output("-", json);
  if (table) write_output("-", command.all_scenarios ? scenarios_text(results) : run_text(results.front()));
  return exit_success;
}

}  // namespace

void add_run_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Sample a model: every node's mean, standard error, quantiles and P(> threshold)");
  command->add_option("MODEL", options->model, "model file (TOML)")->required();
  command->add_option("-n,--samples", options->samples, "number of samples (e.g. 100000 or 1e6)")
      ->check(check_samples)
      ->capture_default_str();
  command->add_option("-s,--seed", options->seed, "random seed (results are reproducible for a given seed)")
      ->check(check_seed)
      ->capture_default_str();
  command->add_option("-t,--threads", options->threads, "worker threads; 0 means every core (results do not depend on it)")
      ->check(check_threads)
      ->capture_default_str();
  command->add_option("--design", options->design, "how inputs are sampled: mc, lhs (Latin hypercube) or sobol (randomised QMC)")
      ->check(CLI::IsMember({"mc", "lhs", "sobol"}))
      ->capture_default_str();
  CLI::Option* scenario = command->add_option("--scenario", options->scenario, "apply this scenario of the model");
  CLI::Option* all = command->add_flag("--all-scenarios", options->all_scenarios,
                                       "run the base model and every scenario on the same random numbers, side by side");
  all->excludes(scenario);
  command->add_option("--json", options->json, "write the results as JSON to FILE, or to stdout alone with '-'");
  CLI::Option* csv = command->add_option("--csv", options->csv, "write every sample (one column per node) as CSV to FILE");
  csv->excludes(all);
  CLI::Option* html = command->add_option(
      "--html", options->html, "write a self-contained HTML report (charts, drivers, assumptions, scenarios) to FILE");
  html->excludes(all);
  command->add_flag("-q,--quiet", options->quiet, "no table, no progress bar, no warnings");
  command->callback([options, &result] { result.exit_code = run_command(*options); });
}

}  // namespace pdoom::cli
