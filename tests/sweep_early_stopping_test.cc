// The median stopping rule, and the recorder that applies it to a run.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "exec/experiment_runner.h"
#include "sweep/early_stopping.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

EarlyStoppingSettings median_rule(int64_t min_trials, int64_t warmup_steps) {
  EarlyStoppingSettings settings;
  settings.rule = "median";
  settings.min_trials = min_trials;
  settings.warmup_steps = warmup_steps;
  return settings;
}

// Loss points at steps 10, 20, ..., 10 * values.size().
LossCurve curve(const std::vector<double>& values) {
  LossCurve points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.push_back({static_cast<int64_t>(10 * (i + 1)), values[i]});
  }
  return points;
}

class MemoryRecorder : public Recorder {
 public:
  void metric(const std::string& key, int64_t step, double value) override {
    metrics.push_back({key, step, value});
  }
  void timing(const std::string&, double) override { ++timings; }
  void score(const std::string&, double) override { ++scores; }
  void artifact(const std::string&, const std::string&, int64_t) override { ++artifacts; }
  void input(const std::string&, const std::string&, int64_t, const std::string&) override {
    ++inputs;
  }
  void flush() override { ++flushes; }
  struct Point {
    std::string key;
    int64_t step;
    double value;
  };
  std::vector<Point> metrics;
  int timings = 0, scores = 0, artifacts = 0, inputs = 0, flushes = 0;
};

}  // namespace

TEST_CASE("the median is taken over finished curves that reach the step", "[sweep]") {
  const MedianStoppingRule rule(
      median_rule(3, 0), {curve({5, 4, 3}), curve({6, 5, 4}), curve({7, 6, 5}), curve({9, 8})});
  REQUIRE(rule.median_at(10) == Approx(6.5));  // 5, 6, 7, 9
  REQUIRE(rule.median_at(25) == Approx(5));    // 4, 5, 6: the short curve ends at 20
  REQUIRE(rule.median_at(30) == Approx(4));    // the short curve does not reach 30
  REQUIRE(std::isnan(rule.median_at(40)));     // no curve reaches 40
  REQUIRE(rule.median_at(5) == Approx(6.5));   // before the first point: the first point
}

TEST_CASE("a trial stops only past warmup, with enough trials, when worse than the median",
          "[sweep]") {
  const std::vector<LossCurve> curves = {curve({5, 4, 3}), curve({6, 5, 4}), curve({7, 6, 5})};
  const MedianStoppingRule rule(median_rule(3, 20), curves);
  REQUIRE_FALSE(rule.should_stop(10, 100.0));  // warmup
  REQUIRE(rule.should_stop(20, 5.5));          // median at 20 is 5
  REQUIRE_FALSE(rule.should_stop(20, 5.0));    // equal to the median: keep going
  REQUIRE_FALSE(rule.should_stop(20, 4.0));

  const MedianStoppingRule too_few(median_rule(4, 0), curves);
  REQUIRE_FALSE(too_few.should_stop(20, 100.0));
  EarlyStoppingSettings off = median_rule(1, 0);
  off.rule = "none";
  REQUIRE_FALSE(MedianStoppingRule(off, curves).should_stop(20, 100.0));
}

TEST_CASE("only finished, unpruned trials give reference curves", "[sweep]") {
  const auto run = [](const std::string& status, std::vector<std::string> tags, double loss) {
    RunDetails details;
    details.summary.status = status;
    details.summary.tags = std::move(tags);
    details.metrics["train/loss"] = curve({loss});
    details.metrics["train/learning_rate"] = curve({0.01});
    return details;
  };
  const auto curves = finished_loss_curves({run("finished", {}, 1.0), run("failed", {}, 2.0),
                                            run("finished", {kPrunedTag}, 3.0),
                                            run("running", {}, 4.0), run("finished", {"x"}, 5.0)});
  REQUIRE(curves.size() == 2);
  REQUIRE(curves[0][0].value == 1.0);
  REQUIRE(curves[1][0].value == 5.0);
}

TEST_CASE("the early stopping recorder forwards everything, then prunes", "[sweep]") {
  MemoryRecorder inner;
  EarlyStoppingRecorder recorder(
      inner, MedianStoppingRule(median_rule(1, 20), {curve({5, 4, 3}), curve({5, 4, 3})}));
  recorder.metric("train/loss", 10, 9.0);  // worse, but within the warmup
  recorder.metric("train/learning_rate", 10, 0.01);
  recorder.timing("walk", 1.0);
  recorder.score("graph/nodes", 10);
  recorder.artifact("npy", "x.npy", 4);
  recorder.input("graph", "g.txt", 6, "ab");
  recorder.flush();
  recorder.metric("train/loss", 20, 3.5);  // best so far 3.5 < median 4
  REQUIRE_THROWS_AS(recorder.metric("train/loss", 30, 3.5), TrialPruned);  // 3.5 > 3
  REQUIRE_THROWS_WITH(recorder.metric("train/loss", 30, 3.4),
                      Contains("pruned at step 30 by the median rule"));
  REQUIRE(inner.metrics.size() == 5);  // the point that pruned is kept
  REQUIRE(inner.metrics[3].step == 30);
  REQUIRE(inner.timings == 1);
  REQUIRE(inner.scores == 1);
  REQUIRE(inner.artifacts == 1);
  REQUIRE(inner.inputs == 1);
  REQUIRE(inner.flushes == 1);
}
