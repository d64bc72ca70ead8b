// Hostile command lines for every subcommand: bad sample counts, thread counts, missing, unreadable and
// folder-shaped model files, unknown scenarios and output nodes, outputs in missing folders. Each must
// give exactly one line on stderr that starts with "error: " and names the problem, the documented
// exit status (1 bad input, 2 usage), nothing on stdout and no file left behind.

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH

#include "cli_runner.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using pdoom_test::CliOutcome;
using pdoom_test::quoted;
using pdoom_test::run_pdoom;
using pdoom_test::write_text;

const char* const model_text = R"toml(
[model]
name = "hostile"
outputs = ["doom"]

[nodes.a]
dist = "beta(2, 8)"
unit = "probability"
label = "a"
source = "test"

[nodes.b]
dist = "uniform(0.5, 1)"
unit = "probability"
label = "b"
source = "test"

[nodes.doom]
expr = "a * b"
unit = "probability"
label = "doom"

[scenarios.sure.nodes.b]
dist = "point(1)"
)toml";

fs::path scratch() { return pdoom_test::scratch_dir("hostile-test"); }

// The scratch folder of a test case, removed with everything in it at the end of the case.
struct ScratchFolder {
  fs::path path;
  ScratchFolder() = default;
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// Writes the model and a panel over it into the scratch folder.
void prepare(ScratchFolder& scratch_folder) {
  scratch_folder.path = scratch();
  const fs::path& folder = scratch_folder.path;
  write_text(folder / "model.toml", model_text);
  write_text(folder / "panel.toml",
             "[panel]\nmodel = \"model.toml\"\noutput = \"doom\"\n\n[[forecasters]]\nname = \"x\"\n"
             "values = { a = 0.2, b = 0.6 }\n\n[[forecasters]]\nname = \"y\"\nvalues = { a = 0.4, b = 0.9 }\n");
}

// One subcommand: how to call it on the test model with few samples, given the model argument(s).
struct Command {
  std::string name;
  bool takes_samples = true;  // -n/--samples and -t/--threads
  std::uint64_t minimum_samples = 1;
};

const std::vector<Command> sampling_commands = {
    {"run", true, 1}, {"sensitivity", true, 1}, {"compare", true, 1},
    {"report", true, 2}, {"explain", true, 0}, {"panel", true, 1},
};

// `pdoom NAME <model arguments> EXTRA` with a small, fast workload.
std::string call(const std::string& name, const fs::path& folder, const std::string& model, const std::string& extra) {
  const std::string m = quoted((folder / model).string());
  const std::string other = quoted((folder / "model.toml").string());
  if (name == "run") return "run " + m + " " + extra;
  if (name == "sensitivity") return "sensitivity " + m + " -m tornado " + extra;
  if (name == "compare") return "compare " + other + " " + m + " " + extra;
  if (name == "report") {
    return "report " + m + " --sensitivity-samples 64 --sobol-samples 0 --scenario-samples 0 --quiet " + extra;
  }
  if (name == "panel") return "panel " + m + " " + extra;
  return name + " " + m + " " + extra;
}

// A report needs --html; the others run without an output file.
std::string needed_output(const std::string& name, const fs::path& folder) {
  return name == "report" ? "--html " + quoted((folder / "report.html").string()) : std::string();
}

std::string model_of(const std::string& name) { return name == "panel" ? "panel.toml" : "model.toml"; }

// The contract for a rejected command line.
void require_one_line_error(const CliOutcome& outcome, int status, const std::vector<std::string>& fragments) {
  INFO("stderr: " << outcome.err);
  INFO("stdout: " << outcome.out);
  CHECK(outcome.status == status);
  CHECK(outcome.signal == 0);
  CHECK(outcome.out.empty());
  const auto lines = pdoom_test::lines_of(outcome.err);
  CHECK(lines.size() == 1);
  CHECK_THAT(outcome.err, Catch::StartsWith("error: "));
  CHECK_THAT(outcome.err, Catch::EndsWith("\n"));
  for (const auto& fragment : fragments) CHECK_THAT(outcome.err, Catch::Contains(fragment));
}

// The files of a folder other than the test's own inputs.
std::vector<std::string> stray_files(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name != "model.toml" && name != "panel.toml" && name != "unreadable.toml" && name != "a-folder") {
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace

TEST_CASE("hostile sample counts give one line and exit 2 for every command", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  for (const Command& command : sampling_commands) {
    const std::string base = needed_output(command.name, folder);
    for (const std::string value : {"0", "-5", "abc", "99999999999999999999999", "1.5", "1e", ""}) {
      if (value == "0" && command.minimum_samples == 0) continue;
      INFO(command.name << " --samples '" << value << "'");
      const CliOutcome outcome =
          run_pdoom(call(command.name, folder, model_of(command.name), base + " --samples " + quoted(value)));
      if (value == "0") {
        require_one_line_error(outcome, 2, {"--samples", "at least " + std::to_string(command.minimum_samples)});
      } else if (value.empty()) {
        require_one_line_error(outcome, 2, {"--samples"});
      } else {
        require_one_line_error(outcome, 2, {"--samples", "whole number", "'" + value + "'", "pdoom " + command.name});
      }
    }
    CHECK(stray_files(folder).empty());
  }
}

TEST_CASE("explain accepts --samples 0 as documented: no rank correlations", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  const CliOutcome outcome = run_pdoom(call("explain", folder, "model.toml", "--samples 0"));
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::Contains("doom"));
}

TEST_CASE("threads 0 means every core, a negative or huge thread count is usage", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  for (const Command& command : sampling_commands) {
    INFO(command.name);
    const std::string base = needed_output(command.name, folder) + " --samples 200";
    const CliOutcome every_core = run_pdoom(call(command.name, folder, model_of(command.name), base + " --threads 0"));
    CHECK(every_core.status == 0);
    CHECK(every_core.signal == 0);
    for (const std::string value : {"-1", "abc", "4097", "99999999999999999999999"}) {
      INFO("--threads " << value);
      require_one_line_error(run_pdoom(call(command.name, folder, model_of(command.name), base + " --threads " + value)),
                             2, {"--threads", value});
    }
  }
  fs::remove(folder / "report.html");
  CHECK(stray_files(folder).empty());
}

TEST_CASE("a missing model file or a folder given as the model exits 1 naming the path", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  fs::create_directories(folder / "a-folder");
  std::vector<std::string> commands = {"check", "graph"};
  for (const Command& command : sampling_commands) commands.push_back(command.name);
  for (const std::string& name : commands) {
    const std::string base = needed_output(name, folder);
    INFO(name);
    const std::string missing = (folder / "no-such-model.toml").string();
    require_one_line_error(run_pdoom(call(name, folder, "no-such-model.toml", base)), 1,
                           {missing, "cannot read", "no such file"});
    // (a panel file says "cannot read panel file", a model "cannot read model file")
    const std::string directory = (folder / "a-folder").string();
    require_one_line_error(run_pdoom(call(name, folder, "a-folder", base)), 1, {directory, "it is a directory"});
  }
  CHECK(stray_files(folder).empty());
}

TEST_CASE("an unreadable model file exits 1 naming the path", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  const fs::path unreadable = folder / "unreadable.toml";
  write_text(unreadable, model_text);
  fs::permissions(unreadable, fs::perms::none);
  // Root reads a chmod 000 file: pdoom then runs as user nobody, if that is possible here.
  pdoom_test::CliRunOptions options;
  options.as_unprivileged_user = true;
  const CliOutcome probe = run_pdoom("--version", options);
  if (probe.status != 0) {
    WARN("SKIPPED: cannot run pdoom as an unprivileged user here (root reads a chmod 000 file): " << probe.err);
    fs::permissions(unreadable, fs::perms::owner_read | fs::perms::owner_write);
    return;
  }
  for (const std::string name : {"check", "graph", "run", "sensitivity", "compare", "explain"}) {
    INFO(name);
    const CliOutcome outcome = run_pdoom(call(name, folder, "unreadable.toml", ""), options);
    if (outcome.status == 0) {
      WARN("SKIPPED: the chmod 000 file was readable (file system without permissions?)");
      break;
    }
    require_one_line_error(outcome, 1, {unreadable.string(), "cannot read", "ermission denied"});
  }
  fs::permissions(unreadable, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_CASE("an unknown scenario exits 1 naming it and the scenarios there are", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  for (const std::string name : {"run", "sensitivity", "report", "explain"}) {
    INFO(name);
    const CliOutcome outcome =
        run_pdoom(call(name, folder, "model.toml", needed_output(name, folder) + " -n 100 --scenario nope"));
    require_one_line_error(outcome, 1, {"unknown scenario 'nope'", "'sure'", (folder / "model.toml").string()});
  }
  for (const std::string option : {"--scenario-a", "--scenario-b"}) {
    INFO(option);
    require_one_line_error(run_pdoom(call("compare", folder, "model.toml", "-n 100 " + option + " nope")), 1,
                           {"unknown scenario 'nope'"});
  }
  CHECK(stray_files(folder).empty());
}

TEST_CASE("an unknown output node exits 1 naming it", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  for (const std::string name : {"sensitivity", "compare", "panel"}) {
    INFO(name);
    const CliOutcome outcome = run_pdoom(call(name, folder, model_of(name), "-n 100 --output nope"));
    require_one_line_error(outcome, 1, {"'nope'"});
  }
}

TEST_CASE("an output file in a missing folder exits 1 before any work, writing nothing", "[cli][hostile]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  const fs::path missing = folder / "no-such-folder" / "out.file";
  const std::string target = quoted(missing.string());
  struct Case {
    std::string name;
    std::string option;
  };
  const std::vector<Case> cases = {
      {"run", "--json"},    {"run", "--csv"},     {"run", "--html"},   {"sensitivity", "--json"}, {"compare", "--json"},
      {"compare", "--html"}, {"panel", "--json"}, {"report", "--html"}, {"explain", "--output"},   {"graph", "--output"},
  };
  for (const Case& c : cases) {
    INFO(c.name << " " << c.option);
    // A huge sample count: the check must come before the work, or this would take hours.
    std::string samples = "-n 1000000000000";
    if (c.name == "graph") samples.clear();
    if (c.name == "report") samples = "-n 100000000";
    if (c.name == "explain") samples = "-n 4000000000";
    const CliOutcome outcome = run_pdoom(call(c.name, folder, model_of(c.name), samples + " " + c.option + " " + target));
    require_one_line_error(outcome, 1, {"cannot write '" + missing.string() + "'", "no such folder"});
    CHECK(outcome.seconds < 30);
    CHECK_FALSE(fs::exists(missing.parent_path()));
  }
  // An existing folder given as the output file.
  fs::create_directories(folder / "a-folder");
  require_one_line_error(run_pdoom(call("run", folder, "model.toml", "-n 100 --json " + quoted((folder / "a-folder").string()))),
                         1, {"it is a folder"});
  // Two outputs, the second one impossible: the first one is not written either.
  const fs::path json = folder / "run.json";
  const CliOutcome both =
      run_pdoom(call("run", folder, "model.toml", "-n 100 --json " + quoted(json.string()) + " --csv " + target));
  require_one_line_error(both, 1, {"no such folder"});
  CHECK_FALSE(fs::exists(json));
  CHECK(stray_files(folder).empty());
}

TEST_CASE("a run too large to keep in memory is refused at once with the sizes, exit 1", "[cli][hostile][memory]") {
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  const fs::path csv = folder / "samples.csv";
  // 10^12 samples x 3 nodes x 8 bytes = 22 TiB, kept until the CSV is written: refused before any work.
  const CliOutcome outcome = run_pdoom(call("run", folder, "model.toml", "-n 1e12 --csv " + quoted(csv.string())));
  require_one_line_error(outcome, 1, {"--csv keeps every sample", "1000000000000 samples x 3 values", "GiB", "use fewer samples"});
  CHECK(outcome.seconds < 30);
  CHECK_FALSE(fs::exists(csv));
  CHECK(stray_files(folder).empty());
  // Rank and Sobol analyses and explain's rank correlations keep every evaluation too.
  require_one_line_error(run_pdoom("sensitivity " + quoted((folder / "model.toml").string()) + " -m rank -n 1e12"), 1,
                         {"rank and Sobol analyses keep every evaluation", "GiB"});
  require_one_line_error(run_pdoom("explain " + quoted((folder / "model.toml").string()) + " -n 4e9"), 1,
                         {"explain's rank correlations keep every sample", "GiB"});
}

TEST_CASE("compare and panel keep no samples: 10^12 samples are not refused and stay within a few MiB", "[cli][hostile][memory]") {
  // Their memory is per-block scratch plus the run's own budget (streaming summaries beyond 256 MiB),
  // so no size is refused up front. Stopped after 2 s of sampling, they must not have grown beyond a
  // 1000-sample run by more than 64 MiB: 2 s of samples kept would be hundreds of MiB. (Relative, since
  // a sanitizer build starts near 90 MiB.)
  ScratchFolder scratch_folder;
  prepare(scratch_folder);
  const fs::path& folder = scratch_folder.path;
  pdoom_test::CliRunOptions options;
  options.signal_after = std::chrono::milliseconds(2000);
  options.timeout = std::chrono::seconds(120);
  for (const std::string name : {"compare", "panel"}) {
    const std::string extra = name == "compare" ? " --threads 2 --scenario-b sure" : " --threads 2";
    const CliOutcome small = run_pdoom(call(name, folder, model_of(name), "-n 1000" + extra));
    const CliOutcome outcome = run_pdoom(call(name, folder, model_of(name), "-n 1e12" + extra), options);
    INFO(name << " stderr: " << outcome.err);
    CHECK(small.status == 0);
    CHECK(outcome.status == 130);  // still sampling when interrupted, not refused (1)
    CHECK(outcome.out.empty());
    CHECK_THAT(outcome.err, Catch::StartsWith("interrupted: " + name));
    INFO("peak memory: " << small.peak_rss_kib << " KiB for 1000 samples, " << outcome.peak_rss_kib << " KiB");
    CHECK(small.peak_rss_kib > 0);
    CHECK(outcome.peak_rss_kib - small.peak_rss_kib < 64 * 1024);
  }
  CHECK(stray_files(folder).empty());
}

#endif  // PDOOM_CLI_PATH
