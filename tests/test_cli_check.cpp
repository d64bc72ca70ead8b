// The pdoom executable's first subcommands (check, graph) and its exit-status contract: 0 success,
// 1 invalid model ("error: FILE:LINE:COL: ..." on stderr), 2 bad usage.

#include <catch2/catch.hpp>

#ifdef PDOOM_CLI_PATH

#include "cli_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Outcome = pdoom_test::CliOutcome;
using pdoom_test::lines_of;
using pdoom_test::quoted;
using pdoom_test::read_text;
using pdoom_test::run_pdoom;
using pdoom_test::write_text;

const fs::path data_dir = PDOOM_TEST_DATA_DIR;

// A scratch directory of this test process.
fs::path scratch_dir() { return pdoom_test::scratch_dir("cli-test"); }

const std::string good_model = (data_dir / "good" / "carlsmith-mini.toml").string();

}  // namespace

TEST_CASE("pdoom prints its version and help and exits 0", "[cli]") {
  const Outcome version = run_pdoom("--version");
  CHECK(version.status == 0);
  CHECK_THAT(version.out, Catch::StartsWith("pdoom 0."));
  const Outcome help = run_pdoom("--help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("check"));
  CHECK_THAT(help.out, Catch::Contains("graph"));
  const Outcome check_help = run_pdoom("check --help");
  CHECK(check_help.status == 0);
  CHECK_THAT(check_help.out, Catch::Contains("MODEL"));
  const Outcome graph_help = run_pdoom("graph --help");
  CHECK(graph_help.status == 0);
  CHECK_THAT(graph_help.out, Catch::Contains("--output"));
}

TEST_CASE("bad usage exits 2 with a message", "[cli]") {
  const Outcome nothing = run_pdoom("");
  CHECK(nothing.status == 2);
  CHECK_THAT(nothing.err, Catch::StartsWith("error: no command given"));
  CHECK_THAT(nothing.err, Catch::Contains("check"));  // followed by the help

  const Outcome unknown = run_pdoom("frobnicate");
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::StartsWith("error: "));
  CHECK_THAT(unknown.err, Catch::Contains("frobnicate"));

  const Outcome missing = run_pdoom("check");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::StartsWith("error: "));
  CHECK_THAT(missing.err, Catch::Contains("MODEL"));

  const Outcome option = run_pdoom("check " + quoted(good_model) + " --frobnicate");
  CHECK(option.status == 2);
  CHECK_THAT(option.err, Catch::Contains("--frobnicate"));

  const Outcome extra = run_pdoom("graph " + quoted(good_model) + " " + quoted(good_model));
  CHECK(extra.status == 2);
  CHECK(extra.out.empty());
}

TEST_CASE("pdoom check summarises a valid model and exits 0", "[cli]") {
  // Without lints: this model is a six-premise chain, which the conjunctive-chain lint flags (tested below).
  const Outcome outcome = run_pdoom("check --no-lint " + quoted(good_model));
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK_THAT(outcome.out,
             Catch::StartsWith("model  carlsmith-mini: Is power-seeking AI an existential risk? (six premises)\n"));
  CHECK_THAT(outcome.out, Catch::Contains("\ninputs (6)\n  timelines       beta_ci(0.45, 0.8)   between 45"));
  CHECK_THAT(outcome.out, Catch::Contains("\nderived (1)\n  doom            = timelines * incentives"));
  CHECK_THAT(outcome.out, Catch::Contains("\noutputs  doom\n"));
  CHECK_THAT(outcome.out, Catch::Contains("claimed  0.05"));
  CHECK_THAT(outcome.out, Catch::Contains("scenarios (1)\n  slow_takeoff: overrides timelines"));
  CHECK_THAT(outcome.out, Catch::Contains("correlations (1)\n  timelines ~ incentives  rank 0.4"));
  CHECK_THAT(outcome.out, Catch::EndsWith("ok: no errors, 0 warnings\n"));
  CHECK(lines_of(outcome.out).size() < 40);  // one screen
}

TEST_CASE("pdoom check prints warnings on stderr and still exits 0", "[cli]") {
  const fs::path file = scratch_dir() / "warned.toml";
  write_text(file, "[model]\nname = \"w\"\noutputs = [\"doom\"]\n[nodes.doom]\nexpr = \"0.5\"\nrationle = \"x\"\n");
  const Outcome outcome = run_pdoom("check " + quoted(file.string()));
  CHECK(outcome.status == 0);
  CHECK(outcome.err ==
        "warning: " + file.string() + ":6:1: unknown key 'rationle' in node 'doom'; did you mean 'rationale'?\n");
  CHECK_THAT(outcome.out, Catch::EndsWith("ok: no errors, 1 warning\n"));
}

TEST_CASE("pdoom check reports an invalid model as error FILE LINE COL and exits 1", "[cli]") {
  const std::string path = (data_dir / "bad" / "unknown-node.toml").string();
  const Outcome outcome = run_pdoom("check " + quoted(path));
  CHECK(outcome.status == 1);
  CHECK(outcome.out.empty());
  CHECK(outcome.err ==
        "error: " + path + ":10:9: unknown node 'timelnes' in expression of 'doom'; did you mean 'timelines'?\n");

  // Every graph problem at once, in file order.
  const fs::path file = scratch_dir() / "two-errors.toml";
  write_text(file, "[model]\nname = \"e\"\noutputs = [\"dom\"]\n[nodes.doom]\nexpr = \"a + b\"\n");
  const Outcome both = run_pdoom("check " + quoted(file.string()));
  CHECK(both.status == 1);
  const auto lines = lines_of(both.err);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::StartsWith("error: " + file.string() + ":3:13: unknown node 'dom' in outputs"));
  CHECK_THAT(lines[1], Catch::StartsWith("error: " + file.string() + ":5:9: unknown node 'a'"));
  CHECK_THAT(lines[2], Catch::StartsWith("error: " + file.string() + ":5:13: unknown node 'b'"));
}

TEST_CASE("pdoom check fails with exit 1 on every file of the malformed corpus", "[cli]") {
  for (const auto& entry : fs::directory_iterator(data_dir / "bad")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string path = entry.path().string();
    INFO(path);
    const std::string text = read_text(entry.path());
    // "# expect: LINE:COL: fragment"
    const std::string expectation = text.substr(10, text.find('\n') - 10);
    const std::size_t second_colon = expectation.find(':', expectation.find(':') + 1);
    std::string where = expectation.substr(0, second_colon);
    if (where.size() > 2 && where.compare(where.size() - 2, 2, ":0") == 0) where.resize(where.size() - 2);
    const Outcome outcome = run_pdoom("check " + quoted(path));
    CHECK(outcome.status == 1);
    CHECK(outcome.out.empty());
    CHECK_THAT(outcome.err, Catch::Contains("error: " + path + ":" + where + ": "));
    CHECK_THAT(outcome.err, Catch::Contains(expectation.substr(second_colon + 2)));
  }
}

TEST_CASE("unreadable model files exit 1 naming the path", "[cli]") {
  const std::string missing = (data_dir / "no-such-file.toml").string();
  const Outcome outcome = run_pdoom("check " + quoted(missing));
  CHECK(outcome.status == 1);
  CHECK(outcome.err == "error: " + missing + ": cannot read model file: no such file\n");
  const Outcome directory = run_pdoom("graph " + quoted(data_dir.string()));
  CHECK(directory.status == 1);
  CHECK_THAT(directory.err, Catch::Contains("it is a directory"));
}

TEST_CASE("hostile input gives an error, never a crash", "[cli]") {
  const fs::path directory = scratch_dir();
  const fs::path binary = directory / "binary.toml";
  write_text(binary, std::string("\x00\xff\xfe[model\x01]\n", 12));
  CHECK(run_pdoom("check " + quoted(binary.string())).status == 1);

  const fs::path nested = directory / "nested.toml";
  write_text(nested, "[model]\nname = \"n\"\noutputs = [\"doom\"]\n[nodes.doom]\nexpr = \"" +
                         std::string(200000, '(') + "1" + std::string(200000, ')') + "\"\n");
  const Outcome deep = run_pdoom("check " + quoted(nested.string()));
  CHECK(deep.status == 1);
  CHECK_THAT(deep.err, Catch::StartsWith("error: " + nested.string() + ":5:"));

  const fs::path long_name = directory / "long-name.toml";
  write_text(long_name, "[model]\nname = \"n\"\noutputs = [\"doom\"]\n[nodes.doom]\nexpr = \"" +
                            std::string(1'000'000, 'x') + "\"\n");
  const Outcome named = run_pdoom("check " + quoted(long_name.string()));
  CHECK(named.status == 1);
  CHECK(named.err.size() < 1000);  // the name is shortened in the message

  const fs::path arrays = directory / "arrays.toml";
  write_text(arrays, "a = " + std::string(100000, '[') + "\n");
  CHECK(run_pdoom("check " + quoted(arrays.string())).status == 1);
}

TEST_CASE("pdoom graph writes DOT to stdout or atomically to a file", "[cli]") {
  const Outcome outcome = run_pdoom("graph " + quoted(good_model));
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::StartsWith("digraph \"carlsmith-mini\" {"));
  CHECK_THAT(outcome.out, Catch::Contains("\"timelines\" -> \"doom\";"));

  const fs::path directory = scratch_dir() / "graph-output";
  fs::remove_all(directory);
  fs::create_directories(directory);
  const fs::path file = directory / "model.dot";
  const Outcome written = run_pdoom("graph " + quoted(good_model) + " -o " + quoted(file.string()));
  CHECK(written.status == 0);
  CHECK(written.out.empty());
  CHECK(read_text(file) == outcome.out);
  // Nothing else is left in the directory: the temporary file was renamed.
  CHECK(std::distance(fs::directory_iterator(directory), fs::directory_iterator()) == 1);

  const fs::path unwritable = directory / "no-such-dir" / "model.dot";
  const Outcome failed = run_pdoom("graph " + quoted(good_model) + " --output " + quoted(unwritable.string()));
  CHECK(failed.status == 1);
  CHECK_THAT(failed.err, Catch::StartsWith("error: cannot write '" + unwritable.string() + "'"));
  CHECK_FALSE(fs::exists(unwritable));

  const Outcome invalid = run_pdoom("graph " + quoted((data_dir / "bad" / "cycle.toml").string()));
  CHECK(invalid.status == 1);
  CHECK_THAT(invalid.err, Catch::Contains("cycle: a -> doom -> a"));
  fs::remove_all(scratch_dir());
}

TEST_CASE("pdoom check runs the lints on a valid model: warnings on stderr, exit 0", "[cli]") {
  const Outcome outcome = run_pdoom("check " + quoted(good_model));
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.err, Catch::Contains("warning: "));
  CHECK_THAT(outcome.err, Catch::Contains("[conjunctive-chain] 'doom' multiplies 6 probabilities"));
  CHECK_THAT(outcome.out, Catch::EndsWith("warnings\n"));
}

TEST_CASE("pdoom run --html writes one self-contained report, and nothing when the folder is missing", "[cli]") {
  const fs::path report = scratch_dir() / "run-report.html";
  fs::remove(report);
  const Outcome outcome = run_pdoom("run --samples 20000 --quiet --html " + quoted(report.string()) + " " +
                                    quoted(good_model));
  CHECK(outcome.status == 0);
  REQUIRE(fs::exists(report));
  const std::string html = read_text(report);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("<svg"));
  CHECK_THAT(html, Catch::Contains("carlsmith-mini"));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));

  const fs::path missing = scratch_dir() / "no-such-folder" / "report.html";
  const Outcome failed = run_pdoom("run --samples 2000 --quiet --html " + quoted(missing.string()) + " " +
                                   quoted(good_model));
  CHECK(failed.status == 1);
  CHECK_THAT(failed.err, Catch::StartsWith("error: "));
  CHECK_FALSE(fs::exists(missing.parent_path()));
}

#endif  // PDOOM_CLI_PATH
