#include <catch2/catch.hpp>
#include <filesystem>

#include "config/experiment_config.h"
#include "core/errors.h"
#include "test_support.h"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

const char* kMinimal = R"(
[graph]
path = "edges.txt"
)";

ExperimentConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return parse_experiment_config(text, "exp.toml", overrides);
}

}  // namespace

TEST_CASE("defaults fill every setting the file leaves out", "[config]") {
  const auto config = parse(kMinimal);
  REQUIRE(config.experiment.name == "exp");
  REQUIRE(config.train.dimension == 128);
  REQUIRE(config.walk.sampler == "node2vec");
  REQUIRE(config.eval.test_fraction == 0.5);
}

TEST_CASE("values are read with their types", "[config]") {
  const auto config = parse(R"(
[experiment]
seed = 7
device = "cpu"
[graph]
generator = "ecommerce"
[graph.ecommerce]
users = 100
items = 50
[walk]
p = 0.25
q = 4
[train]
dimension = 64
amp = "bf16"
[eval]
operators = ["hadamard"]
task = "node_classification"
labels = "labels.txt"
validation_fraction = 0.2
classifier_l2_choices = [1, 0.1, 1e-3]
)");
  REQUIRE(config.experiment.seed == 7);
  REQUIRE(config.graph.ecommerce.users == 100);
  REQUIRE(config.walk.p == 0.25);
  REQUIRE(config.walk.q == 4.0);  // an integer where a number is expected is fine
  REQUIRE(config.train.amp == "bf16");
  REQUIRE(config.eval.operators == std::vector<std::string>{"hadamard"});
  REQUIRE(config.eval.classifier_l2_choices == std::vector<double>{1, 0.1, 1e-3});
}

TEST_CASE("bad settings name the file, line and key", "[config]") {
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\ndimension = 0\n"),
                      Contains("exp.toml:4") && Contains("train.dimension") && Contains("got 0"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[walk]\np = 0\n"), Contains("walk.p"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\nwindow = \"ten\"\n"),
                      Contains("exp.toml:4") && Contains("expected an integer"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\ndimensions = 8\n"),
                      Contains("exp.toml:4") && Contains("unknown key train.dimensions"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[trian]\nx = 1\n"),
                      Contains("unknown section [trian]"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\ntest_fraction = 1.0\n"),
                      Contains("eval.test_fraction") && Contains("(0, 1)"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\namp = \"fp8\"\n"),
                      Contains("train.amp") && Contains("\"bf16\""));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\ndirected = 1\n"),
                      Contains("graph.directed") && Contains("true or false"));
  REQUIRE_THROWS_WITH(parse("[graph\npath = 1\n"), Contains("exp.toml:1") && Contains("syntax"));
  REQUIRE_THROWS_AS(parse("[train]\ndimension = 10000000\n"), ConfigError);
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\nclassifier_l2_choices = [1, \"a\"]\n"),
                      Contains("exp.toml:4") && Contains("expected a list of numbers"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\nclassifier_l2_choices = [1, 0]\n"),
                      Contains("eval.classifier_l2_choices") && Contains("got 0"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\nvalidation_edges = \"unseen\"\n"),
                      Contains("exp.toml:4") && Contains("\"held_out\""));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\nvalidation_edges = \"held_out\"\n"),
                      Contains("eval.validation_fraction > 0"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\nvalidation_edges = \"held_out\"\n"
                            "validation_fraction = 0.5\n"),
                      Contains("eval.test_fraction + eval.validation_fraction < 1"));
  REQUIRE(parse("[graph]\npath = \"x\"\n[eval]\nvalidation_edges = \"held_out\"\n"
                "validation_fraction = 0.1\n")
              .eval.validation_edges == "held_out");
}

TEST_CASE("a table header cut short by a comment is a syntax error, not a crash", "[config]") {
  // Found by tools/fuzz.sh: toml++ 3.3.0 asserts on this input in debug builds.
  REQUIRE_THROWS_WITH(parse("[#"), Contains("exp.toml:1") && Contains("TOML syntax error"));
}

TEST_CASE("toml++ reads only ASCII: non-ASCII outside strings is refused, inside escaped",
          "[config]") {
  // toml++ 3.3.0 reaches undefined behaviour when its whitespace tests meet
  // many non-ASCII characters (found by tools/fuzz.sh).
  REQUIRE_THROWS_WITH(
      parse("[graph]\npath = \xe2\x80\x9cx\xe2\x80\x9d\n"),
      Contains("exp.toml:2") && Contains("non-ASCII") && Contains("typographic quotes"));
  REQUIRE_THROWS_WITH(parse("\xef\xb9\xbf"), Contains("exp.toml:1"));
  // The fuzzer's inputs: a backslash before U+FEFB (line 3: lines after an
  // escaped line end still count), a quote glued to a value, a bracket glued
  // to one. Each is a clean syntax error now.
  REQUIRE_THROWS_WITH(parse("[experiment]\nname = \"\"\"a\\\n\\\xef\xbb\xbb\"\"\"\n"),
                      Contains("exp.toml:3") && Contains("backslash before a non-ASCII"));
  REQUIRE_THROWS_WITH(parse("[experiment]\nname = 2\"\xc3\xa9\"\n"),
                      Contains("exp.toml:2") && Contains("TOML syntax error"));
  REQUIRE_THROWS_WITH(parse("[experiment]\nname = 1[\"\xc7\x81\"]\n"),
                      Contains("exp.toml:2") && Contains("TOML syntax error"));
  REQUIRE_THROWS_WITH(parse("[experiment]\nname = \"\xc3\x28\"\n"),
                      Contains("exp.toml:2") && Contains("invalid UTF-8"));
  REQUIRE_THROWS_WITH(parse("[experiment]\nname = \"\"\"a\\\n\"\"\"\ndimension = \xe2\x80\x9c"),
                      Contains("exp.toml:4") && Contains("outside a quoted string"));
  // Valid TOML reads as it did: strings of every kind, keys, comments.
  const auto config = parse(
      "# caf\xc3\xa9\n[experiment]\nname = \"caf\xc3\xa9 \\\" \xc3\xa9 \xf0\x9f\x99\x82\"\n"
      "[graph]\npath = 'C:\\d\xc3\xa9j\xc3\xa0 \"vu\"'\n"
      "[eval]\nlabels = \"\"\"\\\n\n  \xef\xbb\xbb\"\"\"\n"
      "operators = [ # the best \xe2\x9c\x93\n  \"hadamard\",'average']\n"
      "[\"train\"]\ntrainer = \'\'\'fused\'\'\'\n");
  REQUIRE(config.experiment.name == "caf\xc3\xa9 \" \xc3\xa9 \xf0\x9f\x99\x82");
  REQUIRE(config.graph.path == "C:\\d\xc3\xa9j\xc3\xa0 \"vu\"");
  REQUIRE(config.eval.labels == "\xef\xbb\xbb");
  REQUIRE(config.eval.operators == std::vector<std::string>{"hadamard", "average"});
  REQUIRE(config.train.trainer == "fused");
}

TEST_CASE("conflicting options are refused", "[config]") {
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\ngenerator = \"ecommerce\"\n"),
                      Contains("exactly one of graph.path"));
  REQUIRE_THROWS_WITH(parse("[experiment]\ndevice = \"cpu\"\n[graph]\npath = \"x\"\n"
                            "[train]\namp = \"fp16\"\n"),
                      Contains("fp16"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\ntask = \"node_classification\"\n"),
                      Contains("eval.labels"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\nnegative_sharing = \"window\"\n"),
                      Contains("needs train.trainer = \"fused\""));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\nnegative_sharing = \"batch\"\n"
                            "trainer = \"fused\"\n"),
                      Contains("needs train.trainer = \"torch\""));
  REQUIRE_THROWS_WITH(parse("[experiment]\ndevice = \"cpu\"\n[graph]\npath = \"x\"\n"
                            "[train]\ntrainer = \"fused\"\nstorage = \"bf16\"\n"),
                      Contains("train.storage"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\ntrain_fraction = 1.0\n"),
                      Contains("eval.train_fraction"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\ntask = \"node_classification\"\n"
                            "labels = \"l.txt\"\nclassifier_l2_choices = [1, 0.1]\n"),
                      Contains("eval.validation_fraction > 0"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[eval]\ntask = \"link_prediction\"\n"
                            "validation_fraction = 0.2\nclassifier_l2_choices = [1, 0.1]\n"),
                      Contains("eval.task = \"node_classification\""));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\ntrainer = \"external\"\n"),
                      Contains("needs train.embeddings"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\nembeddings = \"e.txt\"\n"),
                      Contains("other trainers train their own"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\nembeddings_ids = \"ids.txt\"\n"),
                      Contains("train.embeddings_ids"));
  REQUIRE_THROWS_WITH(parse("[graph]\npath = \"x\"\n[train]\ntrainer = \"external\"\n"
                            "embeddings = \"e.txt\"\n[export]\nformats = [\"walks\"]\n"),
                      Contains("draws no walks"));
  // Switching the evaluation off leaves the choices inert, not wrong.
  REQUIRE(parse("[graph]\npath = \"x\"\n[eval]\ntask = \"none\"\n"
                "classifier_l2_choices = [1, 0.1]\n")
              .eval.classifier_l2_choices.size() == 2);
}

TEST_CASE("overrides given with --set are typed and validated like the file", "[config]") {
  const auto config = parse(kMinimal, {"train.dimension=32", "walk.sampler=uniform",
                                       "graph.ecommerce.users=10", "eval.operators=[\"average\"]"});
  REQUIRE(config.train.dimension == 32);
  REQUIRE(config.walk.sampler == "uniform");
  REQUIRE(config.graph.ecommerce.users == 10);
  REQUIRE(config.eval.operators == std::vector<std::string>{"average"});
  REQUIRE_THROWS_WITH(parse(kMinimal, {"train.dimension=-1"}), Contains("--set train.dimension"));
  REQUIRE_THROWS_WITH(parse(kMinimal, {"train.nope=1"}), Contains("--set train.nope"));
  REQUIRE_THROWS_WITH(parse(kMinimal, {"dimension"}), Contains("section.key=value"));
}

TEST_CASE("the resolved config round-trips through TOML", "[config]") {
  const auto config = parse(kMinimal, {"walk.p=0.25", "train.epochs=3"});
  const auto again = parse(to_toml(config));
  REQUIRE(to_toml(again) == to_toml(config));
  REQUIRE(again.walk.p == 0.25);
  REQUIRE(again.train.epochs == 3);
  const auto pairs = flatten(config);
  REQUIRE(std::find(pairs.begin(), pairs.end(),
                    std::pair<std::string, std::string>{"train.epochs", "3"}) != pairs.end());

  const auto chosen =
      parse(kMinimal, {"eval.task=\"node_classification\"", "eval.labels=\"l.txt\"",
                       "eval.validation_fraction=0.2", "eval.classifier_l2_choices=[0.5, 2]"});
  REQUIRE(parse(to_toml(chosen)).eval.classifier_l2_choices == std::vector<double>{0.5, 2});
  const auto chosen_pairs = flatten(chosen);
  REQUIRE(std::find(chosen_pairs.begin(), chosen_pairs.end(),
                    std::pair<std::string, std::string>{"eval.classifier_l2_choices", "0.5,2"}) !=
          chosen_pairs.end());
}

TEST_CASE("edge list paths resolve against the experiment file", "[config]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "experiments");
  const auto path = dir.write("experiments/x.toml", "[graph]\npath = \"../data/g.txt\"\n");
  const auto config = load_experiment_config(path);
  REQUIRE(config.graph.path == (dir.path() / "data/g.txt").string());
  const auto external =
      load_experiment_config(dir.write("experiments/e.toml",
                                       "[graph]\npath = \"/g.txt\"\n[train]\ntrainer = "
                                       "\"external\"\nembeddings = \"../vectors/e.npy\"\n"
                                       "embeddings_ids = \"ids.txt\"\n"));
  REQUIRE(external.graph.path == "/g.txt");
  REQUIRE(external.train.embeddings == (dir.path() / "vectors/e.npy").string());
  REQUIRE(external.train.embeddings_ids == (dir.path() / "experiments/ids.txt").string());
  REQUIRE_THROWS_WITH(load_experiment_config(dir.file("none.toml")), Contains("not found"));
}

TEST_CASE("file names set by overrides resolve against their own folder", "[config]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "experiments");
  const auto path = dir.write("experiments/x.toml",
                              "[graph]\npath = \"../data/g.txt\"\n[train]\ntrainer = \"external\"\n"
                              "embeddings = \"e.npy\"\n");
  const std::string shell = (dir.path() / "shell").string();
  // A name typed after --set means what it means where it was typed...
  const auto set = load_experiment_config(
      path, {"graph.path=\"g2.txt\"", "train.embeddings_ids=ids.txt"}, shell);
  CHECK(set.graph.path == (dir.path() / "shell/g2.txt").string());
  CHECK(set.train.embeddings_ids == (dir.path() / "shell/ids.txt").string());
  // ...while the names the file gives still resolve against the file.
  CHECK(set.train.embeddings == (dir.path() / "experiments/e.npy").string());
  // Absolute names are kept; without a folder for them, overrides resolve as the file does.
  CHECK(load_experiment_config(path, {"graph.path=\"/g.txt\""}, shell).graph.path == "/g.txt");
  CHECK(load_experiment_config(path, {"graph.path=\"g2.txt\""}).graph.path ==
        (dir.path() / "experiments/g2.txt").string());
}
