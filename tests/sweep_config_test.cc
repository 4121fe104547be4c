// Sweep files: what they may say, and how each mistake is reported (file,
// line, key) before any trial starts.
#include "sweep/sweep_config.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/errors.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

const char* kBaseExperiment = R"(
[experiment]
name = "base"
[graph]
generator = "ecommerce"
[eval]
operators = ["hadamard"]
)";

// A sweep file beside a valid base experiment; `body` follows the [sweep] header.
struct SweepFiles {
  test::TempDir dir;
  std::string path;
  explicit SweepFiles(const std::string& body) {
    dir.write("base.toml", kBaseExperiment);
    path = dir.write("pq.toml", "[sweep]\nexperiment = \"base.toml\"\n" + body);
  }
  SweepConfig load() const { return load_sweep_config(path); }
};

}  // namespace

TEST_CASE("a sweep file is read with its defaults", "[sweep]") {
  const SweepFiles files(R"(seeds = [3, 1]
pinned = ["eval.split_seed"]
[sweep.early_stopping]
rule = "median"
[parameters]
"walk.q" = [0.5, 2]
"walk.p" = [0.25, 1, "x"]
)");
  // "x" is not a number: rejected by the experiment, on its line.
  REQUIRE_THROWS_WITH(files.load(), Contains("pq.toml:9:") && Contains("parameters.walk.p") &&
                                        Contains("does not accept \"x\""));

  const SweepFiles good(R"(seeds = [3, 1]
pinned = ["eval.split_seed"]
[sweep.early_stopping]
rule = "median"
[parameters]
"walk.q" = [0.5, 2]
[parameters.walk]
p = [0.25, 1]
)");
  const SweepConfig sweep = good.load();
  REQUIRE(sweep.name == "pq");
  REQUIRE(sweep.method == "grid");
  REQUIRE(sweep.metric == "link/hadamard/roc_auc");
  REQUIRE(sweep.goal == "maximize");
  REQUIRE(sweep.max_attempts == 2);
  REQUIRE(sweep.seeds == std::vector<int64_t>{3, 1});
  REQUIRE(sweep.early_stopping.rule == "median");
  REQUIRE(sweep.early_stopping.min_trials == 3);
  REQUIRE(sweep.experiment_path == good.dir.file("base.toml"));
  // File order, not toml++'s sorted order; nested tables give dotted names.
  REQUIRE(sweep.parameters.size() == 2);
  REQUIRE(sweep.parameters[0].name == "walk.q");
  REQUIRE(sweep.parameters[1].name == "walk.p");
  REQUIRE(sweep.parameters[1].values == std::vector<std::string>{"0.25", "1"});
  REQUIRE(sweep.parameters[0].values == std::vector<std::string>{"0.5", "2"});
  REQUIRE_THAT(sweep.spec_toml, Contains(good.dir.file("base.toml")));
}

TEST_CASE("distributions are read with their bounds", "[sweep]") {
  const SweepFiles files(R"(method = "random"
trials = 10
[parameters]
"train.learning_rate" = { distribution = "log_uniform", min = 0.001, max = 0.1 }
"train.dimension" = { distribution = "int_uniform", min = 16, max = 128 }
"train.window" = { distribution = "choice", values = [5, 10] }
"train.negative_exponent" = { distribution = "uniform", min = 0.5, max = 1 }
"walk.sampler" = ["node2vec", "node2vec-rejection"]
)");
  const SweepConfig sweep = files.load();
  REQUIRE(sweep.parameters.size() == 5);
  REQUIRE(sweep.parameters[0].kind == ParameterKind::kLogUniform);
  REQUIRE(sweep.parameters[0].min == 0.001);
  REQUIRE(sweep.parameters[1].kind == ParameterKind::kIntUniform);
  REQUIRE(sweep.parameters[1].max == 128);
  REQUIRE(sweep.parameters[2].kind == ParameterKind::kChoice);
  REQUIRE(sweep.parameters[2].values == std::vector<std::string>{"5", "10"});
  REQUIRE(sweep.parameters[3].kind == ParameterKind::kUniform);
  REQUIRE(sweep.parameters[4].values ==
          std::vector<std::string>{"\"node2vec\"", "\"node2vec-rejection\""});
}

TEST_CASE("each bad sweep file names the file, line and key", "[sweep]") {
  struct Case {
    const char* what;
    std::string body;
    std::string location;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"an unknown parameter", "[parameters]\n\"walk.pp\" = [1, 2]\n",
       "pq.toml:4:", "parameters.walk.pp: not a setting of the experiment (walk has: "},
      {"an unknown section of parameters", "[parameters]\n\"walks.p\" = [1, 2]\n",
       "pq.toml:4:", "parameters.walks.p: not a setting"},
      {"an empty grid", "[parameters]\n\"walk.p\" = []\n",
       "pq.toml:4:", "parameters.walk.p: empty list"},
      {"min >= max",
       "method = \"random\"\ntrials = 2\n[parameters]\n"
       "\"train.learning_rate\" = { distribution = \"uniform\", min = 0.1, max = 0.1 }\n",
       "pq.toml:6:", "parameters.train.learning_rate.min: min (0.1) must be below max (0.1)"},
      {"log_uniform from 0",
       "method = \"random\"\ntrials = 2\n[parameters]\n"
       "\"train.learning_rate\" = { distribution = \"log_uniform\", min = 0, max = 0.1 }\n",
       "pq.toml:6:", "log_uniform needs min > 0"},
      {"int bounds that are not integers",
       "method = \"random\"\ntrials = 2\n[parameters]\n"
       "\"train.dimension\" = { distribution = \"int_uniform\", min = 16, max = 64.5 }\n",
       "pq.toml:6:", "parameters.train.dimension.max: int_uniform bounds must be integers"},
      {"a range the experiment refuses",
       "method = \"random\"\ntrials = 2\n[parameters]\n"
       "\"train.dimension\" = { distribution = \"int_uniform\", min = 0, max = 64 }\n",
       "pq.toml:6:", "parameters.train.dimension: the experiment does not accept 0"},
      {"a pinned key varied", "pinned = [\"walk.p\"]\n[parameters]\n\"walk.p\" = [1, 2]\n",
       "pq.toml:5:", "parameters.walk.p: pinned by sweep.pinned (line 3)"},
      {"an unknown pinned key", "pinned = [\"walk.pp\"]\n[parameters]\n\"walk.p\" = [1, 2]\n",
       "pq.toml:3:", "sweep.pinned: walk.pp is not a setting"},
      {"an unknown [sweep] key", "trails = 5\n[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "sweep.trails: unknown key"},
      {"an unknown early stopping key",
       "[sweep.early_stopping]\nrule = \"median\"\npatience = 3\n"
       "[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:5:", "sweep.early_stopping.patience: unknown key"},
      {"a distribution in a grid",
       "[parameters]\n"
       "\"walk.p\" = { distribution = \"uniform\", min = 0.5, max = 2 }\n",
       "pq.toml:4:", "needs sweep.method = \"random\""},
      {"random search without a budget", "method = \"random\"\n[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "sweep.trials: random search needs a budget"},
      {"a value listed twice", "[parameters]\n\"walk.p\" = [1, 2, 1]\n",
       "pq.toml:4:", "the value 1 is listed twice"},
      {"the seed as a parameter", "[parameters]\n\"experiment.seed\" = [1, 2]\n",
       "pq.toml:4:", "replicate seeds are listed in sweep.seeds"},
      {"a device as a parameter", "[parameters]\n\"experiment.device\" = [\"cpu\"]\n",
       "pq.toml:4:", "says where a trial runs"},
      {"a metric the experiment does not score",
       "metric = \"link/average/roc_auc\"\n"
       "[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "sweep.metric: the base experiment does not score the operator \"average\""},
      {"a metric link prediction does not record",
       "metric = \"link/hadamard/auc\"\n"
       "[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "MEASURE one of roc_auc, ap, hits@20, hits@50, hits@100, mrr, val_roc_auc"},
      {"a validation metric without validation",
       "metric = \"link/hadamard/val_roc_auc\"\n"
       "[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "validation scores need eval.validation_fraction > 0"},
      {"a bad goal", "goal = \"max\"\n[parameters]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "sweep.goal: unknown value \"max\""},
      {"nothing to vary", "seeds = [1]\n", "pq.toml", "[parameters]: nothing to vary"},
      {"an unknown section", "[parameter]\n\"walk.p\" = [1]\n",
       "pq.toml:3:", "unknown section [parameter]"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const SweepFiles files(c.body);
    REQUIRE_THROWS_AS(files.load(), ConfigError);
    REQUIRE_THROWS_WITH(files.load(), Contains(files.dir.file(c.location)) && Contains(c.message));
  }
}

TEST_CASE("a missing or invalid base experiment is reported at sweep.experiment", "[sweep]") {
  test::TempDir dir;
  const auto missing =
      dir.write("a.toml", "[sweep]\nexperiment = \"nope.toml\"\n[parameters]\n\"walk.p\" = [1]\n");
  REQUIRE_THROWS_WITH(load_sweep_config(missing), Contains(dir.file("a.toml:2:")) &&
                                                      Contains("experiment file not found") &&
                                                      Contains(dir.file("nope.toml")));

  dir.write("bad.toml", "[graph]\ngenerator = \"ecommerce\"\n[walk]\nbogus = 1\n");
  const auto invalid =
      dir.write("b.toml", "[sweep]\nexperiment = \"bad.toml\"\n[parameters]\n\"walk.p\" = [1]\n");
  REQUIRE_THROWS_WITH(load_sweep_config(invalid),
                      Contains(dir.file("b.toml:2:")) && Contains("does not validate") &&
                          Contains("bad.toml:4: unknown key walk.bogus"));

  const auto no_experiment = dir.write("c.toml", "[sweep]\n[parameters]\n\"walk.p\" = [1]\n");
  REQUIRE_THROWS_WITH(load_sweep_config(no_experiment),
                      Contains("c.toml") && Contains("sweep.experiment: name the base experiment"));
  REQUIRE_THROWS_WITH(load_sweep_config(dir.file("none.toml")), Contains("sweep file not found"));
}

TEST_CASE("the shipped sweep files validate", "[sweep]") {
  const std::string root = std::string(WB_SOURCE_DIR) + "/sweeps/";
  const SweepConfig pq = load_sweep_config(root + "ecommerce-pq.toml");
  REQUIRE(pq.method == "grid");
  REQUIRE(pq.parameters.size() == 2);
  REQUIRE(pq.parameters[0].values.size() == 5);
  const SweepConfig random = load_sweep_config(root + "ecommerce-lr-dim.toml");
  REQUIRE(random.method == "random");
  REQUIRE(random.early_stopping.rule == "median");
  // Every file: the paper's Facebook and AstroPh sweeps once ranked by a
  // metric the checker refused.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.path().extension() != ".toml") continue;
    INFO(entry.path());
    REQUIRE_NOTHROW(load_sweep_config(entry.path().string()));
    ++files;
  }
  REQUIRE(files >= 7);
}
