// Runs as a table, and its CSV and JSON forms (`runs compare`, `runs export`).
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "store/run_table.h"

namespace {

wb::RunDetails make_run(int64_t id, const std::string& dimension, double auc) {
  wb::RunDetails run;
  run.summary.id = id;
  run.summary.experiment = "karate";
  run.summary.status = "finished";
  run.summary.device = "cpu";
  run.summary.seed = 42;
  run.summary.started_at = "2024-01-01T00:00:00.000Z";
  run.summary.ended_at = "2024-01-01T00:00:01.500Z";
  run.summary.seconds = 1.5;
  run.summary.scores = {{"link/dot/roc_auc", auc}};
  run.params = {{"train.dimension", dimension}, {"walk.p", "0.5"}};
  run.timings = {{"walk", 0.25}, {"train", 1.0}, {"walk", 0.25}};
  return run;
}

std::string csv_of(const wb::RunTable& table) {
  std::ostringstream out;
  wb::write_csv(table, out);
  return out.str();
}

std::string json_of(const wb::RunTable& table) {
  std::ostringstream out;
  wb::write_json(table, out);
  return out.str();
}

}  // namespace

TEST_CASE("format_number writes the shortest text that reads back", "[store]") {
  CHECK(wb::format_number(0.1) == "0.1");
  CHECK(wb::format_number(128) == "128");
  CHECK(wb::format_number(-2.5e-7) == "-2.5e-07");
  CHECK(std::stod(wb::format_number(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(wb::format_number(std::nan("")) == "nan");
}

TEST_CASE("a run table has one row per run and the union of their fields", "[store]") {
  wb::RunDetails second = make_run(2, "128", 0.75);
  second.summary.sweep = "pq";
  second.params.emplace_back("walk.q", "2");
  second.summary.scores["link/dot/ap"] = 0.5;
  const wb::RunTable table = wb::build_run_table({make_run(1, "64", 0.5), second});

  CHECK(table.columns == std::vector<std::string>{
                             "id", "experiment", "sweep", "status", "device", "seed", "started_at",
                             "ended_at", "seconds", "params.train.dimension", "params.walk.p",
                             "params.walk.q", "scores.link/dot/ap", "scores.link/dot/roc_auc",
                             "timings.walk", "timings.train", "timings.total"});
  REQUIRE(table.rows.size() == 2);
  const auto& first = table.rows[0];
  CHECK(first[table.column("timings.walk")].number == 0.5);  // both walk timings added
  CHECK(first[table.column("timings.total")].number == 1.5);
  CHECK(first[table.column("params.walk.q")].kind == wb::TableCell::Kind::kMissing);
  CHECK(first[table.column("sweep")].kind == wb::TableCell::Kind::kMissing);
  CHECK(first[table.column("params.train.dimension")].kind == wb::TableCell::Kind::kNumber);
  CHECK(table.column("nothing") == table.columns.size());

  CHECK(table.differs(table.column("params.train.dimension")));
  CHECK(table.differs(table.column("params.walk.q")));  // missing in one run
  CHECK_FALSE(table.differs(table.column("params.walk.p")));
  CHECK_FALSE(table.differs(table.column("device")));
}

TEST_CASE("CSV export quotes fields and leaves missing cells empty", "[store]") {
  wb::RunDetails run = make_run(7, "64", 0.5);
  run.summary.experiment = "a, \"quoted\" name";
  run.params = {{"export.formats", "npy,pt"}};
  run.timings.clear();
  run.summary.ended_at.clear();
  run.summary.seconds = -1;
  CHECK(csv_of(wb::build_run_table({run})) ==
        "id,experiment,sweep,status,device,seed,started_at,ended_at,seconds,"
        "params.export.formats,scores.link/dot/roc_auc\n"
        "7,\"a, \"\"quoted\"\" name\",,finished,cpu,42,2024-01-01T00:00:00.000Z,,,"
        "\"npy,pt\",0.5\n");
}

TEST_CASE("JSON export writes numbers as numbers and missing or NaN as null", "[store]") {
  wb::RunDetails run = make_run(3, "64", std::nan(""));
  run.summary.experiment = "line\nbreak \"q\"";
  run.params = {{"train.dimension", "64"}, {"walk.sampler", "node2vec"}, {"walk.p", ".5"}};
  run.timings = {{"train", 0.125}};
  CHECK(json_of(wb::build_run_table({run})) ==
        "[\n  {\"id\": 3, \"experiment\": \"line\\nbreak \\\"q\\\"\", \"sweep\": null, "
        "\"status\": \"finished\", \"device\": \"cpu\", \"seed\": 42, "
        "\"started_at\": \"2024-01-01T00:00:00.000Z\", "
        "\"ended_at\": \"2024-01-01T00:00:01.500Z\", \"seconds\": 1.5, "
        "\"params.train.dimension\": 64, \"params.walk.sampler\": \"node2vec\", "
        "\"params.walk.p\": 0.5, \"scores.link/dot/roc_auc\": null, \"timings.train\": 0.125, "
        "\"timings.total\": 0.125}\n]\n");
  CHECK(json_of(wb::build_run_table({})) == "[]\n");
}
