// Output files are all-or-nothing, and Ctrl-C stops a run quickly: each guarantee tested by forcing the
// failure (a NaN in the middle of a run, SIGINT during the run and during the writing of a large CSV)
// and checking that an existing output is byte-identical afterwards and no temporary file remains.

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH

#include "cli_runner.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

using pdoom_test::CliOutcome;
using pdoom_test::quoted;
using pdoom_test::read_text;
using pdoom_test::run_pdoom;
using pdoom_test::write_text;

// Two cheap inputs: 10^10 samples run for minutes.
const std::string small_model = pdoom_test::product_model_toml("small");

// NaN at the first sample whose u exceeds 0.9999: about sample 10^4, in the middle of a 10^6-sample run.
const char* const nan_model = R"toml(
[model]
name = "nan-midway"
outputs = ["y"]

[nodes.u]
dist = "uniform(0, 1)"

[nodes.y]
expr = "if(u > 0.9999, log(-u), u)"
)toml";

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = pdoom_test::scratch_dir("atomic-test") / name;
  fs::remove_all(folder.parent_path());
  fs::create_directories(folder);
  return folder;
}

std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("a run that fails midway leaves existing outputs byte-identical and no temporary file", "[cli][atomic]") {
  const fs::path folder = fresh_folder("nan");
  write_text(folder / "model.toml", nan_model);
  const std::string old_content = "previous results, which must survive\n";
  for (const char* name : {"out.json", "out.csv", "out.html"}) write_text(folder / name, old_content);
  const auto before = names_in(folder);

  const CliOutcome outcome =
      run_pdoom("run " + quoted((folder / "model.toml").string()) + " -n 1000000 --threads 2 --json " +
                quoted((folder / "out.json").string()) + " --csv " + quoted((folder / "out.csv").string()) +
                " --html " + quoted((folder / "out.html").string()));
  INFO(outcome.err);
  CHECK(outcome.status == 1);
  CHECK(outcome.out.empty());
  CHECK(pdoom_test::lines_of(outcome.err).size() == 1);
  CHECK_THAT(outcome.err, Catch::StartsWith("error: ") && Catch::Contains("node 'y' is NaN at sample") &&
                              Catch::Contains("u = "));
  for (const char* name : {"out.json", "out.csv", "out.html"}) CHECK(read_text(folder / name) == old_content);
  CHECK(names_in(folder) == before);
  fs::remove_all(folder.parent_path());
}

TEST_CASE("Ctrl-C stops a long run within a second, prints the partial summary and exits 130", "[cli][atomic][interrupt]") {
  const fs::path folder = fresh_folder("sigint");
  write_text(folder / "model.toml", small_model);
  const std::string old_json = "{\"previous\": true}\n";
  write_text(folder / "run.json", old_json);
  const auto before = names_in(folder);

  pdoom_test::CliRunOptions options;
  options.signal_after = std::chrono::milliseconds(1000);
  options.timeout = std::chrono::seconds(120);
  const CliOutcome outcome = run_pdoom("run " + quoted((folder / "model.toml").string()) +
                                           " --samples 1e10 --threads 2 --json " + quoted((folder / "run.json").string()),
                                       options);
  INFO("stderr: " << outcome.err);
  INFO("stdout: " << outcome.out);
  CHECK(outcome.status == 130);
  CHECK(outcome.signal == 0);
  CHECK_FALSE(outcome.timed_out);
  // "Within a second" with room for a loaded machine: the run polls between blocks of 4096 samples.
  CHECK(outcome.seconds_after_signal >= 0);
  CHECK(outcome.seconds_after_signal <= 1.5);
  // The summary on stdout says it is partial and how far it got; stderr says so too.
  CHECK_THAT(outcome.out, Catch::Contains("partial: stopped after ") && Catch::Contains("of 10000000000"));
  CHECK_THAT(outcome.out, Catch::Contains("doom"));
  CHECK_THAT(outcome.err, Catch::Contains("interrupted: summary of the ") && Catch::Contains("no files written"));
  // A file output is all-or-nothing: an interrupted run writes none (docs/reliability.md), so the old
  // file is untouched and no temporary file is left.
  CHECK(read_text(folder / "run.json") == old_json);
  CHECK(names_in(folder) == before);
  fs::remove_all(folder.parent_path());
}

TEST_CASE("Ctrl-C with --json - prints complete JSON marked partial", "[cli][atomic][interrupt]") {
  const fs::path folder = fresh_folder("sigint-json");
  write_text(folder / "model.toml", small_model);
  pdoom_test::CliRunOptions options;
  options.signal_after = std::chrono::milliseconds(700);
  options.timeout = std::chrono::seconds(120);
  const CliOutcome outcome =
      run_pdoom("run " + quoted((folder / "model.toml").string()) + " --samples 1e10 --json -", options);
  INFO("stderr: " << outcome.err);
  CHECK(outcome.status == 130);
  CHECK(outcome.seconds_after_signal <= 1.5);
  const auto json = nlohmann::json::parse(outcome.out);  // throws (fails) if incomplete
  CHECK(json["partial"] == true);
  CHECK(json["samples_requested"] == 10000000000ULL);
  const auto samples = json["samples"].get<std::uint64_t>();
  CHECK(samples > 0);
  CHECK(samples < 10000000000ULL);
  CHECK(json["outputs"]["doom"]["count"] == samples);
  // Partial results are still honest estimates: E[a b] = 0.2 * 0.75 = 0.15.
  const double mean = json["outputs"]["doom"]["mean"].get<double>();
  const double stderr_of_mean = json["outputs"]["doom"]["stderr"].get<double>();
  CHECK(std::abs(mean - 0.15) < 5 * stderr_of_mean + 1e-12);
  fs::remove_all(folder.parent_path());
}

TEST_CASE("Ctrl-C stops sensitivity, compare, panel and report at once with one line and exit 130, writing no file", "[cli][atomic][interrupt]") {
  // These commands have no partial result to show: the first Ctrl-C ends them with a line saying so.
  const fs::path folder = fresh_folder("sigint-analyses");
  write_text(folder / "model.toml", small_model);
  std::string other = small_model;
  other.replace(other.find("uniform(0.5, 1)"), 15, "uniform(0.6, 1)");
  write_text(folder / "other.toml", other);
  write_text(folder / "panel.toml",
             "[panel]\nmodel = \"model.toml\"\noutput = \"doom\"\n\n[[forecasters]]\nname = \"x\"\n"
             "values = { a = 0.2, b = 0.6 }\n\n[[forecasters]]\nname = \"y\"\nvalues = { a = 0.4, b = 0.9 }\n");
  const std::string old_content = "previous results, which must survive\n";
  write_text(folder / "out.json", old_content);
  write_text(folder / "out.html", old_content);
  const auto before = names_in(folder);
  const std::string model = quoted((folder / "model.toml").string());
  const std::string json = " --json " + quoted((folder / "out.json").string());
  const std::string html = " --html " + quoted((folder / "out.html").string());
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"sensitivity", "sensitivity " + model + " -m tornado -n 1e10" + json},
      {"compare", "compare " + model + " " + quoted((folder / "other.toml").string()) + " -n 1e12" + json + html},
      {"panel", "panel " + quoted((folder / "panel.toml").string()) + " -n 1e12" + json},
      {"report", "report " + model + " -n 1000 --sensitivity-samples 1e9 --sobol-samples 0 --scenario-samples 0" + html},
  };
  pdoom_test::CliRunOptions options;
  options.signal_after = std::chrono::milliseconds(1000);
  options.timeout = std::chrono::seconds(120);
  for (const auto& [name, arguments] : commands) {
    const CliOutcome outcome = run_pdoom(arguments, options);
    INFO(name << " stderr: " << outcome.err);
    CHECK(outcome.status == 130);
    CHECK(outcome.signal == 0);
    CHECK_FALSE(outcome.timed_out);
    // The handler ends the program at once (typically within 10 ms); 3 s leaves room for a loaded machine.
    CHECK(outcome.seconds_after_signal >= 0);
    CHECK(outcome.seconds_after_signal <= 3.0);
    CHECK(outcome.out.empty());
    CHECK(outcome.err == "interrupted: " + name + " stopped before it finished: no results (no files written)\n");
    CHECK(read_text(folder / "out.json") == old_content);
    CHECK(read_text(folder / "out.html") == old_content);
    CHECK(names_in(folder) == before);
  }
  fs::remove_all(folder.parent_path());
}

TEST_CASE("Ctrl-C at any moment of a large CSV write leaves the old file or the complete new one", "[cli][atomic][interrupt]") {
  const fs::path folder = fresh_folder("sigint-csv");
  write_text(folder / "model.toml", small_model);
  const std::string old_csv = "a,b,doom\n0.1,0.6,0.06\n";
  constexpr int samples = 500000;
  int interrupted_while_running = 0;
  int ended_by_signal = 0;
  int completed = 0;
  for (const int delay_ms : {50, 150, 250, 350, 450, 600, 800}) {
    INFO("signal after " << delay_ms << " ms");
    write_text(folder / "samples.csv", old_csv);
    const auto before = names_in(folder);
    pdoom_test::CliRunOptions options;
    options.signal_after = std::chrono::milliseconds(delay_ms);
    options.timeout = std::chrono::seconds(120);
    const CliOutcome outcome = run_pdoom("run " + quoted((folder / "model.toml").string()) + " --quiet --threads 1 -n " +
                                             std::to_string(samples) + " --csv " + quoted((folder / "samples.csv").string()),
                                         options);
    INFO("status " << outcome.status << ", signal " << outcome.signal << ", stderr: " << outcome.err);
    // No temporary file, whenever the signal came.
    CHECK(names_in(folder) == before);
    const std::string csv = read_text(folder / "samples.csv");
    if (outcome.status == 0) {
      ++completed;  // the signal came after the end
    } else if (outcome.status == 130) {
      ++interrupted_while_running;  // stopped between blocks: no file written
      CHECK(csv == old_csv);
    } else {
      // Ended by the signal (while writing: the temporary file was removed first; or before the run began).
      CHECK(outcome.signal == SIGINT);
      ++ended_by_signal;
    }
    if (csv != old_csv) {
      // Replaced: then complete, every sample and the header, ending with a line break.
      CHECK(std::count(csv.begin(), csv.end(), '\n') == samples + 1);
      CHECK(csv.back() == '\n');
    }
  }
  WARN("SIGINT landed " << interrupted_while_running << " times during the run, " << ended_by_signal
                        << " times it ended the program (during the CSV write), " << completed << " times after the end");
  fs::remove_all(folder.parent_path());
}

TEST_CASE("outputs through a symbolic link replace its target, pipes are written in place", "[cli][atomic]") {
  const fs::path folder = fresh_folder("special");
  write_text(folder / "model.toml", small_model);
  const std::string model = quoted((folder / "model.toml").string());
  const CliOutcome dot = run_pdoom("graph " + model);
  REQUIRE(dot.status == 0);

  // A link: the link stays, the file it points to gets the new content and keeps its permissions.
  write_text(folder / "real.dot", "old\n");
  fs::permissions(folder / "real.dot", fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink("real.dot", folder / "link.dot");
  CHECK(run_pdoom("graph " + model + " -o " + quoted((folder / "link.dot").string())).status == 0);
  CHECK(fs::is_symlink(folder / "link.dot"));
  CHECK(read_text(folder / "real.dot") == dot.out);
  CHECK((fs::status(folder / "real.dot").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));

  // A named pipe stays a pipe (renaming over it would replace it by a file) and receives the output.
  const fs::path fifo = folder / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opened for reading and writing, so that neither side blocks; the DOT fits in the pipe's buffer.
  const int reader = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  REQUIRE(reader >= 0);
  const CliOutcome piped = run_pdoom("graph " + model + " -o " + quoted(fifo.string()));
  CHECK(piped.status == 0);
  std::string received;
  char buffer[4096];
  for (ssize_t n = 0; (n = ::read(reader, buffer, sizeof buffer)) > 0;) received.append(buffer, static_cast<std::size_t>(n));
  ::close(reader);
  CHECK(received == dot.out);
  CHECK(fs::is_fifo(fifo));
  CHECK(names_in(folder) == std::set<std::string>{"model.toml", "real.dot", "link.dot", "pipe"});
  fs::remove_all(folder.parent_path());
}

#endif  // PDOOM_CLI_PATH
