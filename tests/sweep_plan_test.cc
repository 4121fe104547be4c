// Trial plans: grid expansion, deterministic random draws within their
// bounds, and trial keys that are stable and tell trials apart.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/errors.h"
#include "store/run_store.h"
#include "sweep/sweep_config.h"
#include "sweep/trial_plan.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

const char* kBaseExperiment = R"(
[experiment]
name = "base"
seed = 42
[graph]
generator = "ecommerce"
)";

SweepConfig sweep_from(const test::TempDir& dir, const std::string& body) {
  dir.write("base.toml", kBaseExperiment);
  return load_sweep_config(dir.write("s.toml", "[sweep]\nexperiment = \"base.toml\"\n" + body));
}

const char* kRandomSweep = R"(method = "random"
trials = 200
seed = 7
[parameters]
"train.learning_rate" = { distribution = "log_uniform", min = 0.001, max = 0.1 }
"train.dimension" = { distribution = "int_uniform", min = 16, max = 128 }
"train.negative_exponent" = { distribution = "uniform", min = 0.5, max = 1.0 }
"train.window" = { distribution = "choice", values = [5, 10] }
)";

}  // namespace

TEST_CASE("a grid has one trial per combination and seed", "[sweep]") {
  test::TempDir dir;
  const SweepConfig sweep = sweep_from(dir, R"(seeds = [1, 2]
[parameters]
"walk.p" = [0.25, 0.5, 1, 2, 4]
"walk.q" = [0.25, 0.5, 1, 2, 4]
"train.window" = [5, 10]
)");
  const TrialPlan plan = plan_trials(sweep);
  REQUIRE(plan.trials.size() == 5 * 5 * 2 * 2);
  REQUIRE(plan.points == 50);
  std::set<std::string> keys;
  std::set<std::pair<double, double>> pq;
  for (const Trial& trial : plan.trials) {
    keys.insert(trial.key);
    pq.emplace(trial.config.walk.p, trial.config.walk.q);
  }
  REQUIRE(keys.size() == plan.trials.size());
  REQUIRE(pq.size() == 25);
  // Seed by seed, the first parameter varying slowest.
  REQUIRE(plan.trials[0].seed == 1);
  REQUIRE(plan.trials[49].seed == 1);
  REQUIRE(plan.trials[50].seed == 2);
  REQUIRE(plan.trials[50].point == plan.trials[0].point);
  REQUIRE(plan.trials[1].values ==
          SettingValues{{"walk.p", "0.25"}, {"walk.q", "0.25"}, {"train.window", "10"}});
  REQUIRE(plan.trials[1].config.train.window == 10);
  REQUIRE(plan.trials[1].config.experiment.seed == 1);
  REQUIRE(plan.trials[1].config.experiment.name == "base");
}

TEST_CASE("without seeds a grid uses the experiment's seed, and trials caps it", "[sweep]") {
  test::TempDir dir;
  const TrialPlan plan = plan_trials(sweep_from(dir, R"(trials = 3
[parameters]
"walk.p" = [0.25, 0.5, 1, 2]
)"));
  REQUIRE(plan.trials.size() == 3);
  REQUIRE(plan.grid_points == 4);
  REQUIRE(plan.trials[2].config.walk.p == 1.0);
  for (const Trial& trial : plan.trials) REQUIRE(trial.config.experiment.seed == 42);
}

TEST_CASE("random search is deterministic from its seed and stays within bounds", "[sweep]") {
  test::TempDir dir;
  const SweepConfig sweep = sweep_from(dir, kRandomSweep);
  const TrialPlan plan = plan_trials(sweep);
  const TrialPlan again = plan_trials(sweep);
  REQUIRE(plan.trials.size() == 200);
  int below_geometric_mean = 0;
  std::set<int64_t> windows;
  for (size_t i = 0; i < plan.trials.size(); ++i) {
    const TrainSection& train = plan.trials[i].config.train;
    REQUIRE(plan.trials[i].values == again.trials[i].values);
    REQUIRE(plan.trials[i].key == again.trials[i].key);
    REQUIRE(train.learning_rate >= 0.001);
    REQUIRE(train.learning_rate <= 0.1);
    REQUIRE(train.dimension >= 16);
    REQUIRE(train.dimension <= 128);
    REQUIRE(plan.trials[i].values[1].second.find('.') == std::string::npos);  // integral text
    REQUIRE(train.negative_exponent >= 0.5);
    REQUIRE(train.negative_exponent <= 1.0);
    windows.insert(train.window);
    below_geometric_mean += train.learning_rate < 0.01;
  }
  REQUIRE(windows == std::set<int64_t>{5, 10});
  // Log-uniform: half the draws below the geometric mean of the bounds (a
  // uniform draw would put 9% there). 200 draws: 100 +- 7 (sd), so 70..130.
  REQUIRE(below_geometric_mean > 70);
  REQUIRE(below_geometric_mean < 130);

  SweepConfig other_seed = sweep;
  other_seed.seed = 8;
  REQUIRE(plan_trials(other_seed).trials[0].values != plan.trials[0].values);
  // A larger budget keeps the earlier draws, so a resumed sweep finds them done.
  SweepConfig larger = sweep;
  larger.trials = 250;
  const TrialPlan extended = plan_trials(larger);
  REQUIRE(extended.trials.size() == 250);
  for (size_t i = 0; i < plan.trials.size(); ++i) {
    REQUIRE(extended.trials[i].key == plan.trials[i].key);
  }
}

TEST_CASE("random search over a small choice space keeps each trial once", "[sweep]") {
  test::TempDir dir;
  const TrialPlan plan = plan_trials(sweep_from(dir, R"(method = "random"
trials = 50
seeds = [1, 2]
[parameters]
"train.window" = [5, 10]
)"));
  REQUIRE(plan.trials.size() == 4);
  REQUIRE(plan.points == 2);
}

TEST_CASE("trial keys are stable FNV-1a hashes of the resolved settings", "[sweep]") {
  // FNV-1a 64 of "a=1\n", computed independently.
  REQUIRE(trial_key({{"a", "1"}}) == "ed9ed282c45f76f4");
  REQUIRE(trial_key({{"a", "1"}, {"b", "2"}}) == trial_key({{"b", "2"}, {"a", "1"}}));
  REQUIRE(trial_key({{"a", "1"}}) != trial_key({{"a", "2"}}));
  REQUIRE(trial_key({{"a", "12"}}) != trial_key({{"a1", "2"}}));

  test::TempDir dir;
  const SweepConfig sweep = sweep_from(dir, "seeds = [1, 2]\n[parameters]\n\"walk.p\" = [1, 2]\n");
  const TrialPlan plan = plan_trials(sweep);
  REQUIRE(plan.trials[0].key == trial_key(flatten(plan.trials[0].config)));
  // Where a trial runs is not part of what it is.
  const TrialPlan on_cpu =
      plan_trials(sweep, {"experiment.device=\"cpu\"", "experiment.threads=3"});
  REQUIRE(on_cpu.trials[0].config.experiment.threads == 3);
  for (size_t i = 0; i < plan.trials.size(); ++i)
    REQUIRE(on_cpu.trials[i].key == plan.trials[i].key);
  // Replicates share a point key, not a trial key.
  const auto seed1 = flatten(plan.trials[0].config);
  const auto seed2 = flatten(plan.trials[2].config);
  REQUIRE(plan.trials[0].values == plan.trials[2].values);
  REQUIRE(trial_key(seed1) != trial_key(seed2));
  REQUIRE(point_key(seed1) == point_key(seed2));
  REQUIRE(point_key(seed1) != point_key(flatten(plan.trials[1].config)));
}

TEST_CASE("settings at their defaults are not part of a trial's identity", "[sweep]") {
  test::TempDir dir;
  const SweepConfig sweep = sweep_from(dir, "seeds = [1]\n[parameters]\n\"walk.p\" = [1, 2]\n");
  const TrialPlan plan = plan_trials(sweep);
  const SettingValues settings = flatten(plan.trials[1].config);  // walk.p = 2
  // A run recorded before a key existed lacks it; at its default the key is the same.
  SettingValues earlier;
  for (const auto& [name, value] : settings) {
    if (name != "train.subsample" && name != "eval.validation_fraction") {
      earlier.emplace_back(name, value);
    }
  }
  REQUIRE(earlier.size() + 2 == settings.size());
  REQUIRE(trial_key(earlier) == plan.trials[1].key);
  REQUIRE(point_key(earlier) == point_key(settings));
  // Away from its default a setting counts, and walk.p = 1 (its default) is
  // still another trial than walk.p = 2.
  SettingValues subsampled = settings;
  for (auto& [name, value] : subsampled) {
    if (name == "train.subsample") value = "0.001";
  }
  REQUIRE(trial_key(subsampled) != plan.trials[1].key);
  REQUIRE(plan.trials[0].key != plan.trials[1].key);
}

TEST_CASE("runs keyed by an earlier key function are found and re-keyed", "[sweep]") {
  test::TempDir dir;
  const SweepConfig sweep = sweep_from(dir, "seeds = [1]\n[parameters]\n\"walk.p\" = [1, 2]\n");
  const TrialPlan plan = plan_trials(sweep);
  RunStore store(dir.file("runs.db"));
  const int64_t sweep_id = store.ensure_sweep("s", "spec", "link/hadamard/roc_auc", "maximize");
  std::vector<int64_t> ids;
  for (const Trial& trial : plan.trials) {
    RunStart start;
    start.experiment = "base";
    start.params = flatten(trial.config);
    start.sweep_id = sweep_id;
    start.trial_key = trial.index == 0 ? trial.key : "0123456789abcdef";  // stale
    ids.push_back(store.begin_run(start));
  }
  const auto stale = stale_trial_keys(store.sweep_runs(sweep_id));
  REQUIRE(stale == std::map<int64_t, std::string>{{ids[1], plan.trials[1].key}});
  store.set_trial_keys(sweep_id, stale);
  REQUIRE(store.find_run(ids[1])->summary.trial_key == plan.trials[1].key);
  REQUIRE(stale_trial_keys(store.sweep_runs(sweep_id)).empty());
  // Only the sweep's own runs, and nothing changed when one is not.
  RunStart plain_start;
  plain_start.experiment = "base";
  const int64_t plain = store.begin_run(plain_start);
  REQUIRE_THROWS_WITH(store.set_trial_keys(sweep_id, {{ids[0], "x"}, {plain, "y"}}),
                      Contains("is not a run of sweep"));
  REQUIRE(store.find_run(ids[0])->summary.trial_key == plan.trials[0].key);
}

TEST_CASE("file names among a sweep's settings resolve against the sweep file", "[sweep]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "experiments");
  std::filesystem::create_directories(dir.path() / "sweeps");
  dir.write("experiments/base.toml", "[graph]\npath = \"../data/a.txt\"\n");
  const SweepConfig sweep = load_sweep_config(
      dir.write("sweeps/s.toml",
                "[sweep]\nexperiment = \"../experiments/base.toml\"\n[parameters]\n"
                "\"graph.path\" = [\"graphs/b.txt\", \"/abs/c.txt\"]\n"));
  const TrialPlan plan = plan_trials(sweep);
  REQUIRE(plan.trials.size() == 2);
  CHECK(plan.trials[0].config.graph.path == (dir.path() / "sweeps/graphs/b.txt").string());
  CHECK(plan.trials[1].config.graph.path == "/abs/c.txt");
}

TEST_CASE("a combination the experiment refuses is located in the sweep file", "[sweep]") {
  test::TempDir dir;
  dir.write("cpu.toml", std::string(kBaseExperiment) + "[train]\namp = \"bf16\"\n");
  const SweepConfig sweep = load_sweep_config(dir.write(
      "s.toml", "[sweep]\nexperiment = \"cpu.toml\"\n[parameters]\n\"train.amp\" = [\"fp16\"]\n"));
  REQUIRE_THROWS_WITH(plan_trials(sweep, {"experiment.device=\"cpu\""}),
                      Contains(dir.file("s.toml")) && Contains("train.amp=fp16") &&
                          Contains("needs experiment.device = \"cuda\""));
}
