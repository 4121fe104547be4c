#pragma once
// Every experiment setting, listed once with its allowed values. Reading,
// writing back to TOML and flattening for the store all walk this list, so a
// new setting is added here and nowhere else.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "config/experiment_config.h"

namespace wb {

struct IntRange {
  int64_t min = 0;
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct RealRange {
  double min = 0;
  double max = std::numeric_limits<double>::max();
  bool min_exclusive = false;
  bool max_exclusive = false;
};

using Choices = std::vector<std::string>;

// Settings that say where a run executes rather than what it computes: a
// sweep may not vary them, and they are left out of a trial's identity, so a
// sweep resumed on another device or with more workers reuses its finished
// trials, and reports group runs that differ only in them.
inline const std::vector<std::string>& execution_settings() {
  static const std::vector<std::string> settings = {"experiment.device", "experiment.threads",
                                                    "walk.storage", "walk.max_memory_gb",
                                                    "walk.spill_directory"};
  return settings;
}
inline bool is_execution_setting(const std::string& key) {
  const auto& settings = execution_settings();
  return std::find(settings.begin(), settings.end(), key) != settings.end();
}

// Visitor needs: section(name), field(key, int64_t&, IntRange), field(key,
// double&, RealRange), field(key, bool&), field(key, std::string&, Choices),
// field(key, std::vector<std::string>&, Choices). Empty Choices: any text.
template <class Visitor>
void visit_config_fields(ExperimentConfig& c, Visitor& v) {
  constexpr double kHuge = 1e12;
  v.section("experiment");
  v.field("name", c.experiment.name, Choices{});
  v.field("seed", c.experiment.seed, IntRange{0, std::numeric_limits<int64_t>::max()});
  v.field("device", c.experiment.device, Choices{"auto", "cpu", "cuda"});
  v.field("threads", c.experiment.threads, IntRange{0, 4096});

  v.section("graph");
  v.field("path", c.graph.path, Choices{});
  v.field("generator", c.graph.generator, Choices{"", "ecommerce"});
  v.field("directed", c.graph.directed);
  v.field("weighted", c.graph.weighted);
  v.field("separator", c.graph.separator, Choices{"auto", "whitespace", "tab", "comma"});
  v.field("header", c.graph.header);
  v.field("comment_prefixes", c.graph.comment_prefixes, Choices{});
  v.field("self_loops", c.graph.self_loops, Choices{"drop", "keep"});
  v.field("duplicates", c.graph.duplicates, Choices{"first", "sum", "max", "error"});

  v.section("graph.ecommerce");
  auto& e = c.graph.ecommerce;
  v.field("users", e.users, IntRange{1, 1'000'000'000});
  v.field("items", e.items, IntRange{1, 1'000'000'000});
  v.field("categories", e.categories, IntRange{1, 1'000'000'000});
  v.field("purchases_per_user", e.purchases_per_user, RealRange{1.0, 1e6});
  v.field("zipf_exponent", e.zipf_exponent, RealRange{0.0, 10.0});
  v.field("categories_per_user", e.categories_per_user, IntRange{1, 1'000'000});
  v.field("in_category_probability", e.in_category_probability, RealRange{0.0, 1.0});
  v.field("seed", e.seed, IntRange{0, std::numeric_limits<int64_t>::max()});

  v.section("walk");
  v.field("sampler", c.walk.sampler, Choices{});
  v.field("walks_per_node", c.walk.walks_per_node, IntRange{1, 100'000});
  v.field("walk_length", c.walk.walk_length, IntRange{2, 1'000'000});
  v.field("p", c.walk.p, RealRange{0.0, kHuge, true});
  v.field("q", c.walk.q, RealRange{0.0, kHuge, true});
  v.field("max_alias_memory_gb", c.walk.max_alias_memory_gb, RealRange{0.0, 1e6, true});
  v.field("storage", c.walk.storage, Choices{"auto", "memory", "file", "regenerate"});
  v.field("max_memory_gb", c.walk.max_memory_gb, RealRange{0.0, 1e6});
  v.field("spill_directory", c.walk.spill_directory, Choices{});

  v.section("train");
  v.field("trainer", c.train.trainer, Choices{});
  v.field("embeddings", c.train.embeddings, Choices{});
  v.field("embeddings_ids", c.train.embeddings_ids, Choices{});
  v.field("dimension", c.train.dimension, IntRange{1, 65'536});
  v.field("window", c.train.window, IntRange{1, 10'000});
  v.field("dynamic_window", c.train.dynamic_window);
  v.field("negatives", c.train.negatives, IntRange{1, 1'000});
  v.field("negative_sampler", c.train.negative_sampler, Choices{});
  v.field("negative_exponent", c.train.negative_exponent, RealRange{0.0, 2.0});
  v.field("subsample", c.train.subsample, RealRange{0.0, 1.0});
  v.field("epochs", c.train.epochs, IntRange{1, 100'000});
  v.field("learning_rate", c.train.learning_rate, RealRange{0.0, 100.0, true});
  v.field("final_learning_rate_fraction", c.train.final_learning_rate_fraction,
          RealRange{0.0, 1.0});
  v.field("lr_schedule", c.train.lr_schedule, Choices{"linear", "constant"});
  v.field("batch_size", c.train.batch_size, IntRange{1, 1 << 26});
  v.field("shuffle_batches", c.train.shuffle_batches, IntRange{1, 1 << 16});
  v.field("amp", c.train.amp, Choices{"off", "bf16", "fp16"});
  v.field("negative_sharing", c.train.negative_sharing, Choices{"none", "window", "batch"});
  v.field("negative_chunk", c.train.negative_chunk, IntRange{1, 1 << 20});
  v.field("batching", c.train.batching, Choices{"auto", "host", "device"});
  v.field("storage", c.train.storage, Choices{"fp32", "bf16", "fp16"});
  v.field("stochastic_rounding", c.train.stochastic_rounding);
  v.field("deterministic", c.train.deterministic);
  v.field("log_every", c.train.log_every, IntRange{1, 1'000'000'000});
  v.field("checkpoint_every", c.train.checkpoint_every, IntRange{0, 100'000});

  v.section("eval");
  v.field("task", c.eval.task, Choices{"link_prediction", "node_classification", "none"});
  v.field("test_fraction", c.eval.test_fraction, RealRange{0.0, 1.0, true, true});
  v.field("operators", c.eval.operators,
          Choices{"hadamard", "average", "weighted_l1", "weighted_l2"});
  v.field("heuristics", c.eval.heuristics,
          Choices{"common_neighbors", "jaccard", "adamic_adar", "preferential_attachment"});
  v.field("classifier_l2", c.eval.classifier_l2, RealRange{0.0, kHuge, true});
  v.field("classifier_l2_choices", c.eval.classifier_l2_choices, RealRange{0.0, kHuge, true});
  v.field("normalize_choices", c.eval.normalize_choices, Choices{"none", "l2"});
  v.field("split_seed", c.eval.split_seed, IntRange{0, std::numeric_limits<int64_t>::max()});
  v.field("max_test_edges", c.eval.max_test_edges,
          IntRange{0, std::numeric_limits<int64_t>::max()});
  v.field("labels", c.eval.labels, Choices{});
  v.field("labels_header", c.eval.labels_header);
  v.field("train_fraction", c.eval.train_fraction, RealRange{0.0, 1.0, true, true});
  v.field("repeats", c.eval.repeats, IntRange{1, 1000});
  v.field("validation_fraction", c.eval.validation_fraction, RealRange{0.0, 1.0, false, true});
  v.field("validation_edges", c.eval.validation_edges, Choices{"seen", "held_out"});

  v.section("export");
  v.field("formats", c.export_.formats, Choices{"npy", "pt", "word2vec", "walks"});
  v.field("directory", c.export_.directory, Choices{});
}

}  // namespace wb
