// `pdoom run MODEL`: sample the model and summarise it (terminal summary, JSON, CSV of samples, HTML).

#include "cli_common.hpp"

#include "pdoom/error.hpp"
#include "pdoom/io/html_report.hpp"
#include "pdoom/io/run_output.hpp"
#include "pdoom/io/terminal.hpp"
#include "pdoom/model/graph.hpp"
#include "pdoom/sample/run.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
  bool all_nodes = false;
};

constexpr unsigned max_threads = 4096;

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

// The CSV of every sample, streamed (it can be gigabytes) and written atomically like every output.
void write_csv_atomically(const std::string& destination, const RunResult& result) {
  write_output_with(destination, [&result](std::ostream& stream) { write_samples_csv(stream, result); });
}

// The terminal summary keeps the first 2^15 samples for its histogram lines and drivers: Spearman's rho
// within about 0.006 (one standard error) and a smooth 24-bin histogram, in about 256 KiB per node
// however many samples the run draws (the 10^8-sample figures are in docs/reports.md).
constexpr std::uint64_t summary_kept_samples = std::uint64_t{1} << 15;

// Colour and width for stdout: colour only on a terminal, and not when NO_COLOR is set or TERM=dumb.
TerminalStyle stdout_style(bool all_nodes) {
  TerminalStyle style;
  style.all_nodes = all_nodes;
  if (::isatty(STDOUT_FILENO) == 0) return style;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  style.colour = (no_color == nullptr || *no_color == '\0') && !(term != nullptr && std::string(term) == "dumb");
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) style.width = size.ws_col;
  return style;
}

// Each output's uncertain upstream inputs ranked by Spearman's rho with it, from the kept samples.
std::vector<RankResult> summary_drivers(const Model& model, const RunResult& result) {
  std::vector<RankResult> drivers;
  if (!result.values || result.values->rows() < 3) return drivers;
  const Model applied = result.scenario.empty() ? Model(model) : apply_scenario(model, result.scenario);
  const Graph graph(applied);
  auto varies = [&result](std::size_t column) { return result.summaries[column].min < result.summaries[column].max; };
  for (const std::size_t output : result.outputs) {
    const auto node = graph.index(result.node_names[output]);
    if (!node || !varies(output)) continue;
    std::vector<std::size_t> columns;
    for (const std::size_t input : graph.upstream_inputs(*node)) {
      const auto column = result.column(applied.nodes()[input].name);
      // Fixed inputs (point values, or fixed by the scenario) cannot drive anything.
      if (column && *column != output && varies(*column)) columns.push_back(*column);
    }
    if (!columns.empty()) drivers.push_back(drivers_from_samples(result, output, columns));
  }
  return drivers;
}

// Called after every file is written: it drops the kept samples beyond the summary's 2^15 (kept for
// --csv or --html), since ranking 2^20 samples per input would take seconds.
std::string summary_text(const Model& model, RunResult& result, bool all_nodes) {
  if (result.values && static_cast<std::uint64_t>(result.values->rows()) > summary_kept_samples) {
    result.values = Eigen::ArrayXXd(result.values->topRows(static_cast<Eigen::Index>(summary_kept_samples)));
  }
  const std::vector<RankResult> drivers = summary_drivers(model, result);
  return terminal_summary(result, drivers, {}, stdout_style(all_nodes));
}

int run_command(const RunCommandOptions& command) {
  const bool json_to_stdout = command.json == "-";
  const bool table = !command.quiet && !json_to_stdout;
  check_output_destinations({command.json, command.csv, command.html});
  const Model model = load_model_for_command(command.model, command.quiet);
  if (!command.csv.empty()) {
    check_kept_samples_fit(*parse_count(command.samples), model.nodes().size(), "--csv keeps every sample until it is written");
  }

  RunOptions options;
  options.samples = *parse_count(command.samples);
  options.seed = *parse_count(command.seed);
  options.threads = static_cast<unsigned>(*parse_count(command.threads));
  options.design = *parse_design(command.design);
  options.scenario = command.scenario;
  // The HTML report and the terminal summary draw histograms (and rank drivers) from kept samples.
  const bool summary = table && !command.all_scenarios;
  options.keep_samples = !command.csv.empty() || !command.html.empty() || summary;
  // Histograms need no more than 2^20 samples: a 10^9-sample run must not keep them all for the report.
  if (command.csv.empty()) {
    options.max_kept_samples = command.html.empty() ? summary_kept_samples : std::uint64_t{1} << 20;
  }

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
      write_output("-", command.all_scenarios ? scenarios_text(results)
                                              : summary_text(model, results.front(), command.all_nodes));
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
  if (table) {
    write_output("-", command.all_scenarios ? scenarios_text(results)
                                            : summary_text(model, results.front(), command.all_nodes));
  }
  return exit_success;
}

}  // namespace

void add_run_command(CLI::App& app, CommandResult& result) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Sample a model and summarise its outputs (mean, quantiles, P(> threshold), histogram, top drivers)");
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
  command->add_flag("-q,--quiet", options->quiet,
                    "print nothing on success (no summary, no progress bar, no model warnings): for scripts");
  command->add_flag("--nodes", options->all_nodes, "also print the table of every node (mean, sd, 5%, 50%, 95%)");
  command->callback([options, &result] { result.exit_code = run_command(*options); });
}

}  // namespace pdoom::cli
