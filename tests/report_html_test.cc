// The report pages: the HTML has its sections and charts and nothing from the
// network, the Markdown has the same tables, and the page renders in a real
// browser (headless Chromium, when installed) with its charts in the DOM.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/compare_report.h"
#include "report/html_document.h"
#include "report/markdown_table.h"
#include "report/report_files.h"
#include "report/run_comparison.h"
#include "report/sweep_report.h"
#include "report/sweep_summary.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;
using wb::test::count_of;
using wb::test::read_file;

namespace {

// Every http:// or https:// in the page other than the SVG namespace, which
// names the vocabulary and is never fetched.
std::vector<std::string> external_urls(const std::string& html) {
  const std::string svg_namespace = "http://www.w3.org/2000/svg";
  std::vector<std::string> urls;
  for (const std::string scheme : {"http://", "https://"}) {
    for (size_t at = html.find(scheme); at != std::string::npos; at = html.find(scheme, at + 1)) {
      if (html.compare(at, svg_namespace.size(), svg_namespace) != 0) {
        urls.push_back(html.substr(at, 60));
      }
    }
  }
  return urls;
}

RunDetails run(int64_t id, const std::string& device, const std::string& amp, double train,
               double auc) {
  RunDetails details;
  details.summary.id = id;
  details.summary.experiment = "shop <2024> & co";
  details.summary.status = "finished";
  details.summary.device = device;
  details.params = {{"graph.generator", "ecommerce"},
                    {"train.amp", amp},
                    {"train.trainer", "torch"},
                    {"walk.p", "1"}};
  details.environment = {{"cpu_model", "Test CPU"}, {"torch_version", "2.11.0"}};
  if (device == "cuda") details.environment.emplace_back("gpu0_name", "Test GPU");
  details.timings = {{"load", 0.5}, {"walk", 2.0}, {"train", train}, {"eval", 1.0}};
  details.summary.scores = {{"link/hadamard/roc_auc", auc},
                            {"train/pairs_per_second", 1e6 / train},
                            {"walk/steps_per_second", 5e6},
                            {"resources/peak_memory_mib", 400}};
  details.metrics["train/loss"] = {{0, 4.0}, {100, 3.0}, {200, 2.0 + train / 100}};
  return details;
}

RunComparison sample_comparison() {
  return compare_runs({run(1, "cpu", "off", 10, 0.90), run(2, "cpu", "off", 12, 0.91),
                       run(3, "cuda", "off", 1, 0.905), run(4, "cuda", "off", 1.2, 0.9),
                       run(5, "cuda", "bf16", 0.8, 0.899)});
}

std::string shell_output(const std::string& command, int& exit_code) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = pclose(pipe);
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("the comparison page has every section, its charts and no external URL", "[report]") {
  test::TempDir dir;
  const RunComparison comparison = sample_comparison();
  const ReportPaths paths = write_report_files(
      dir.file("out/report"), compare_report_title(comparison), [&](ReportDocument& document) {
        write_compare_report(comparison, {"cuda / fused / fp32 skipped: CPU only."}, document);
      });
  const std::string html = read_file(paths.html);
  INFO(html.substr(0, 2000));
  REQUIRE(paths.html == dir.file("out/report/report.html"));
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  REQUIRE_THAT(html, Contains("<title>CPU versus GPU: shop &lt;2024&gt; &amp; co</title>"));
  for (const char* section : {"Summary", "Time per phase", "Throughput and memory",
                              "Link prediction (ROC-AUC parity)", "Training loss", "Environment"}) {
    REQUIRE_THAT(html, Contains(std::string("<h2>") + section + "</h2>"));
  }
  REQUIRE_THAT(html, Contains("cuda / fused / fp32 skipped: CPU only."));
  REQUIRE(count_of(html, "<svg") == 2);       // phase bars, loss curves
  REQUIRE(count_of(html, "<polyline") == 5);  // one loss curve per run
  REQUIRE(count_of(html, "<table>") == 7);
  REQUIRE(count_of(html, "<style>") == 1);
  REQUIRE(html.find("<script") == std::string::npos);
  REQUIRE(html.find("<link") == std::string::npos);
  REQUIRE(html.find("@import") == std::string::npos);
  REQUIRE(external_urls(html).empty());
  REQUIRE_THAT(html, Contains("Test GPU"));

  const std::string markdown = read_file(paths.markdown);
  REQUIRE(markdown.rfind("# CPU versus GPU: shop <2024> & co\n", 0) == 0);
  REQUIRE_THAT(markdown, Contains(markdown_table(compare_summary_table(comparison))));
  REQUIRE_THAT(markdown, Contains(markdown_table(phase_time_table(comparison))));
  REQUIRE_THAT(markdown, Contains(markdown_table(environment_table(comparison))));
  REQUIRE_THAT(markdown, Contains("*Chart in report.html: "));
  REQUIRE(markdown.find("<svg") == std::string::npos);
}

TEST_CASE("the phase and speed-up tables read as a person expects", "[report]") {
  const RunComparison comparison = sample_comparison();
  REQUIRE(markdown_table(phase_speedup_table(comparison)) ==
          "| variant                 |  load |  walk | train |  eval | end to end |\n"
          "| ----------------------- | ----: | ----: | ----: | ----: | ---------: |\n"
          "| cpu / torch / fp32      | 1.00x | 1.00x | 1.00x | 1.00x |      1.00x |\n"
          "| cuda / torch / fp32     | 1.00x | 1.00x | 10.0x | 1.00x |      3.15x |\n"
          "| cuda / torch / amp bf16 | 1.00x | 1.00x | 13.8x | 1.00x |      3.37x |\n");
  REQUIRE(markdown_table(auc_table(comparison)) ==
          "| variant                 |        hadamard | hadamard vs baseline |\n"
          "| ----------------------- | --------------: | -------------------: |\n"
          "| cpu / torch / fp32      | 0.9050 ± 0.0071 |              +0.0000 |\n"
          "| cuda / torch / fp32     | 0.9025 ± 0.0035 |              -0.0025 |\n"
          "| cuda / torch / amp bf16 |          0.8990 |              -0.0060 |\n");
}

TEST_CASE("the sweep page ranks the points and charts each parameter", "[report]") {
  SweepRecord sweep{1, "p-q", "", "link/hadamard/roc_auc", "maximize", ""};
  std::vector<RunDetails> runs;
  const auto add = [&](int64_t id, const std::string& p, const std::string& sampler,
                       const std::string& seed, double auc, const std::string& status) {
    RunDetails details;
    details.summary.id = id;
    details.summary.status = status;
    details.params = {{"experiment.seed", seed},
                      {"walk.sampler", sampler},
                      {"walk.p", p},
                      {"train.dimension", "16"}};
    details.summary.scores = {{"link/hadamard/roc_auc", auc}};
    runs.push_back(details);
  };
  add(1, "0.5", "node2vec", "1", 0.80, "finished");
  add(2, "0.5", "node2vec", "2", 0.82, "finished");
  add(3, "2", "node2vec", "1", 0.90, "finished");
  add(4, "2", "uniform", "1", 0.70, "finished");
  add(5, "4", "uniform", "1", 0.99, "failed");
  const SweepSummary summary = summarize_sweep(sweep, runs);
  REQUIRE(summary.varied_keys == std::vector<std::string>{"walk.sampler", "walk.p"});
  REQUIRE(summary.left_out == 1);
  REQUIRE(markdown_table(sweep_leaderboard_table(summary)) ==
          "| rank | walk.sampler | walk.p | link/hadamard/roc_auc |   n | runs |\n"
          "| ---: | -----------: | -----: | --------------------: | --: | ---- |\n"
          "|    1 |     node2vec |      2 |                0.9000 |   1 | 3    |\n"
          "|    2 |     node2vec |    0.5 |       0.8100 ± 0.0141 |   2 | 1, 2 |\n"
          "|    3 |      uniform |      2 |                0.7000 |   1 | 4    |\n");

  HtmlDocument page(sweep_report_title(summary));
  write_sweep_report(summary, page);
  const std::string html = page.str();
  REQUIRE(count_of(html, "<svg") == 3);  // a scatter per parameter, parallel coordinates
  REQUIRE(count_of(html, "<circle") == 2 * 4);
  REQUIRE(count_of(html, "<polyline") == 3);  // one line per point
  REQUIRE(external_urls(html).empty());

  sweep.goal = "minimize";
  REQUIRE(summarize_sweep(sweep, runs).points.front().values ==
          std::vector<std::string>{"uniform", "2"});
  for (auto& details : runs) details.summary.status = "running";
  REQUIRE_THROWS_WITH(summarize_sweep(sweep, runs), Contains("no finished run"));
}

TEST_CASE("the comparison page renders in headless Chromium", "[report]") {
  if (!on_path("chromium")) {
    WARN("chromium is not installed (tools/install_test_tools.sh installs it): skipped");
    return;
  }
  test::TempDir dir;
  const RunComparison comparison = sample_comparison();
  const ReportPaths paths = write_report_files(
      dir.file("report"), compare_report_title(comparison),
      [&](ReportDocument& document) { write_compare_report(comparison, {}, document); });
  const std::string url = "file://" + std::filesystem::absolute(paths.html).string();
  // --no-sandbox: CI runs as root; a private profile keeps runs independent.
  const std::string chromium =
      "chromium --headless --no-sandbox --disable-gpu "
      "--user-data-dir=" +
      dir.file("profile") + " ";
  int exit_code = -1;
  const std::string dom =
      shell_output(chromium + "--dump-dom '" + url + "' 2>/dev/null", exit_code);
  INFO(dom.substr(0, 1000));
  REQUIRE(exit_code == 0);
  REQUIRE_THAT(dom, Contains("<title>CPU versus GPU: shop &lt;2024&gt; &amp; co</title>"));
  // The parser placed every chart element where the file has it: nothing was
  // dropped or re-nested by markup errors.
  const std::string html = read_file(paths.html);
  REQUIRE(count_of(dom, "<svg") == count_of(html, "<svg"));
  REQUIRE(count_of(dom, "<polyline") == count_of(html, "<polyline"));
  REQUIRE(count_of(dom, "<rect") == count_of(html, "<rect"));
  REQUIRE(count_of(dom, "<table>") == count_of(html, "<table>"));

  const std::string png = dir.file("report.png");
  const std::string log =
      shell_output(chromium + "--hide-scrollbars --window-size=1280,2400 --screenshot=" + png +
                       " '" + url + "' 2>&1",
                   exit_code);
  INFO(log);
  REQUIRE(exit_code == 0);
  REQUIRE(std::filesystem::exists(png));
  REQUIRE(std::filesystem::file_size(png) > 50 * 1024);  // a blank page is a few kB
  REQUIRE(read_file(png).compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
}
