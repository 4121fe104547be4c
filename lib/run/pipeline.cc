#include "run/pipeline.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "core/errors.h"
#include "core/memory_size.h"
#include "eval/link_prediction.h"
#include "eval/link_split.h"
#include "eval/node_classification.h"
#include "graph/ecommerce_generator.h"
#include "graph/edge_list_reader.h"
#include "run/exporter.h"
#include "run/run_inputs.h"
#include "train/negative_sampler.h"
#include "walk/walk_sampler.h"
#include "walk/walk_storage.h"

namespace wb {
namespace {

using Clock = std::chrono::steady_clock;

double peak_memory_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Times one phase, records it, and logs it with the memory high-water mark.
class PhaseTimer {
 public:
  PhaseTimer(const std::string& phase, Recorder& recorder, RunOutcome& outcome,
             const PipelineHooks& hooks)
      : phase_(phase),
        recorder_(recorder),
        outcome_(outcome),
        hooks_(hooks),
        start_(Clock::now()) {}
  double stop() {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    recorder_.timing(phase_, seconds);
    outcome_.timings[phase_] = seconds;
    if (hooks_.log) {
      char line[160];
      std::snprintf(line, sizeof(line), "%-10s %8.2f s   peak memory %.0f MiB", phase_.c_str(),
                    seconds, peak_memory_mib());
      hooks_.log(line);
    }
    return seconds;
  }

 private:
  std::string phase_;
  Recorder& recorder_;
  RunOutcome& outcome_;
  const PipelineHooks& hooks_;
  Clock::time_point start_;
};

EdgeList load_edges(const GraphSection& g, int threads) {
  if (g.generator == "ecommerce") {
    EcommerceGraphOptions options;
    options.users = g.ecommerce.users;
    options.items = g.ecommerce.items;
    options.categories = g.ecommerce.categories;
    options.purchases_per_user = g.ecommerce.purchases_per_user;
    options.zipf_exponent = g.ecommerce.zipf_exponent;
    options.categories_per_user = g.ecommerce.categories_per_user;
    options.in_category_probability = g.ecommerce.in_category_probability;
    options.seed = static_cast<uint64_t>(g.ecommerce.seed);
    return generate_ecommerce_graph(options);
  }
  EdgeListFormat format;
  format.separator = g.separator == "tab"          ? Separator::kTab
                     : g.separator == "comma"      ? Separator::kComma
                     : g.separator == "whitespace" ? Separator::kWhitespace
                                                   : Separator::kAuto;
  format.comment_prefixes = g.comment_prefixes;
  format.header = g.header;
  format.weighted = g.weighted;
  EdgeListReadOptions read;
  read.threads = threads;
  return read_edge_list(g.path, format, read);
}

GraphBuildOptions build_options(const GraphSection& g) {
  GraphBuildOptions options;
  options.directed = g.directed;
  options.self_loops = g.self_loops == "keep" ? SelfLoopPolicy::kKeep : SelfLoopPolicy::kDrop;
  options.duplicates = g.duplicates == "sum"     ? DuplicatePolicy::kSum
                       : g.duplicates == "max"   ? DuplicatePolicy::kMax
                       : g.duplicates == "error" ? DuplicatePolicy::kError
                                                 : DuplicatePolicy::kFirst;
  return options;
}

void log_line(const PipelineHooks& hooks, const std::string& line) {
  if (hooks.log) hooks.log(line);
}

LinkPredictionOptions link_options(const EvalSection& eval, const RunContext& context) {
  LinkPredictionOptions options;
  options.classifier.device = context.device;
  options.classifier.threads = context.threads;
  options.validation_fraction = eval.validation_fraction;
  options.operators.clear();
  for (const auto& name : eval.operators) options.operators.push_back(parse_edge_operator(name));
  options.heuristics.clear();
  for (const auto& name : eval.heuristics) options.heuristics.push_back(parse_link_heuristic(name));
  options.classifier.l2 = eval.classifier_l2;
  return options;
}

// Says where a corpus that is not simply kept in memory goes, and why.
void log_storage_plan(const PipelineHooks& hooks, const WalkStoragePlan& plan,
                      const std::string& setting) {
  if (plan.in_memory()) return;
  const std::string why = setting == "auto"
                              ? ", over walk.max_memory_gb (" + format_gib(plan.limit_bytes) + "),"
                              : " (walk.storage = \"" + setting + "\")";
  log_line(hooks, "walks: " + format_gib(plan.bytes) + why +
                      (plan.in_file() ? " go to a mapped file in " + plan.spill_directory
                                      : " are drawn again as the trainer reads them, not stored"));
}

// The walk phase: plans where the corpus goes, checks the tables and walks
// fit, draws them and records what that cost.
Walks draw_walks(WalkSampler& sampler, const ExperimentConfig& config, const RunContext& context,
                 const Graph& train_graph, bool trainer_regenerates, Recorder& recorder,
                 RunOutcome& outcome, const PipelineHooks& hooks) {
  PhaseTimer walk_timer("walk", recorder, outcome, hooks);
  WalkOptions walk_options;
  walk_options.walks_per_node = config.walk.walks_per_node;
  walk_options.walk_length = config.walk.walk_length;
  walk_options.p = config.walk.p;
  walk_options.q = config.walk.q;
  walk_options.seed = static_cast<uint64_t>(config.experiment.seed);
  walk_options.threads = context.threads;
  walk_options.max_alias_memory_gb = config.walk.max_alias_memory_gb;
  walk_options.storage = config.walk.storage;
  walk_options.max_memory_gb = config.walk.max_memory_gb;
  walk_options.spill_directory = config.walk.spill_directory;
  walk_options.device = context.device;
  const WalkStoragePlan storage =
      plan_walk_storage(walk_options, train_graph.num_nodes(), trainer_regenerates);
  log_storage_plan(hooks, storage, config.walk.storage);
  if (context.device == "cpu") {
    check_host_table_memory(train_graph.num_nodes(), config.train.dimension,
                            storage.in_memory() ? storage.bytes : 0.0, usable_memory_bytes());
  }
  Walks walks = generate_walks(sampler, train_graph, walk_options, storage, hooks.progress);
  const double walk_seconds = walk_timer.stop();
  recorder.score("walk/steps_per_second", static_cast<double>(walks.steps()) / walk_seconds);
  recorder.score("walk/table_memory_mib", static_cast<double>(sampler.memory_bytes()) / (1 << 20));
  recorder.score("walk/corpus_mib", storage.bytes / (1 << 20));
  recorder.score("walk/corpus_in_file", walks.in_file() ? 1 : 0);
  recorder.score("walk/corpus_regenerated", walks.regenerated() ? 1 : 0);
  return walks;
}

}  // namespace

void check_components(const ExperimentConfig& config) {
  make_walk_sampler(config.walk.sampler);
  make_trainer(config.train.trainer);
  make_negative_sampler(config.train.negative_sampler);
}

const std::vector<std::string>& pipeline_phases() {
  static const std::vector<std::string> phases = {"load",  "preprocess", "walk",
                                                  "train", "eval",       "export"};
  return phases;
}

RunOutcome run_pipeline(const ExperimentConfig& config, const RunContext& context,
                        Recorder& recorder, const PipelineHooks& hooks) {
  RunOutcome outcome;
  const Progress& progress = hooks.progress;
  // Found missing after the graph and its split, they would cost minutes on a
  // large graph.
  for (const auto& [key, path] :
       {std::pair{"train.embeddings", &config.train.embeddings},
        std::pair{"train.embeddings_ids", &config.train.embeddings_ids}}) {
    std::error_code ec;
    if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
      throw DataError(located(*path, 0, std::string(key) + ": file not found"));
    }
  }

  PhaseTimer load("load", recorder, outcome, hooks);
  // The inputs are hashed beside the parse, on a core it leaves idle at times
  // (on two cores a 534 MB file's load took 0.06-0.4 s longer this way, 0.5-
  // 0.65 s hashing first: README "Which data a run read"). A load that fails
  // stops the hashing rather than wait for it; `stop_digests` outlives the
  // future, whose destructor waits.
  std::atomic<bool> stop_digests{false};
  auto inputs = std::async(context.threads > 1 ? std::launch::async : std::launch::deferred,
                           digest_inputs, input_files_of(config), &stop_digests);
  EdgeList edges;
  try {
    edges = load_edges(config.graph, context.threads);
  } catch (...) {
    stop_digests = true;
    throw;
  }
  check_and_record_inputs(inputs.get(), context.resumed_inputs, recorder);
  load.stop();
  progress.throw_if_stopping();

  PhaseTimer preprocess("preprocess", recorder, outcome, hooks);
  GraphBuildStats build_stats;
  GraphBuildOptions graph_options = build_options(config.graph);
  graph_options.threads = context.threads;
  Graph graph = build_graph(std::move(edges), graph_options, &build_stats);
  outcome.num_nodes = graph.num_nodes();
  outcome.num_edges = graph.num_edges();
  recorder.score("graph/nodes", static_cast<double>(graph.num_nodes()));
  recorder.score("graph/edges", static_cast<double>(graph.num_edges()));
  log_line(hooks, "graph: " + std::to_string(graph.num_nodes()) + " nodes, " +
                      std::to_string(graph.num_edges()) + " edges (" +
                      std::to_string(build_stats.self_loops_dropped) + " self-loops dropped, " +
                      std::to_string(build_stats.duplicates_merged) + " duplicates merged)");
  const bool link_prediction = config.eval.task == "link_prediction";
  LinkSplit split;
  if (link_prediction) {
    LinkSplitOptions split_options;
    split_options.test_fraction = config.eval.test_fraction;
    if (config.eval.validation_edges == "held_out") {
      split_options.validation_fraction = config.eval.validation_fraction;
    }
    split_options.seed = static_cast<uint64_t>(config.eval.split_seed);
    split_options.max_scored_edges = config.eval.max_test_edges;
    split = split_for_link_prediction(std::move(graph), split_options);
    check_link_prediction_memory(split, split.train_graph.num_nodes(), config.train.dimension,
                                 usable_memory_bytes());
    recorder.score("split/test_edges", static_cast<double>(split.test_edges.size()));
    std::string held = std::to_string(split.removed) + " held-out edges";
    if (static_cast<int64_t>(split.test_edges.size()) < split.removed) {
      held += " (" + std::to_string(split.test_edges.size()) + " of them scored)";
    }
    if (!split.validation_edges.empty()) {
      recorder.score("split/validation_edges", static_cast<double>(split.validation_edges.size()));
      held += " and " + std::to_string(split.validation_edges.size()) + " for validation";
    }
    log_line(hooks, "split: " + held + ", training on the residual graph");
  }
  // Labels are read before any walk, so a bad file fails in seconds.
  const bool node_classification = config.eval.task == "node_classification";
  NodeLabels labels;
  if (node_classification) {
    labels = read_node_labels(config.eval.labels, graph, config.eval.labels_header);
    recorder.score("node/labelled_nodes", static_cast<double>(labels.labelled_nodes()));
    log_line(hooks, "labels: " + std::to_string(labels.labelled_nodes()) + " labelled nodes, " +
                        std::to_string(labels.label_names.size()) + " labels" +
                        (labels.multi_label() ? " (multi-label)" : ""));
  }
  // A split took the graph: past it only the residual graph is walked, and
  // it holds the node names.
  const Graph& train_graph = link_prediction ? split.train_graph : graph;
  preprocess.stop();
  progress.throw_if_stopping();

  TrainOptions train_options;
  train_options.settings = config.train;
  train_options.device = context.device;
  train_options.threads = context.threads;
  train_options.seed = static_cast<uint64_t>(config.experiment.seed);
  const std::string checkpoint_path =
      context.artifact_directory.empty() ? "" : context.artifact_directory + "/checkpoint.bin";
  train_options.checkpoint = {checkpoint_path, config.train.checkpoint_every, context.resume};
  auto trainer = make_trainer(config.train.trainer);
  const auto& formats = config.export_.formats;
  const bool exports_walks = !context.artifact_directory.empty() &&
                             std::find(formats.begin(), formats.end(), "walks") != formats.end();

  train_options.node_ids = &train_graph.node_ids;
  // Regenerated walks are drawn again from the sampler as they are trained:
  // it lives as long as they do.
  std::unique_ptr<WalkSampler> sampler;
  Walks walks;
  if (trainer->needs_walks()) {
    sampler = make_walk_sampler(config.walk.sampler);
    walks = draw_walks(*sampler, config, context, train_graph,
                       trainer->reads_regenerated_walks(train_options) && !exports_walks, recorder,
                       outcome, hooks);
  }

  PhaseTimer train_timer("train", recorder, outcome, hooks);
  const Matrix embeddings = trainer->train(walks, train_graph.num_nodes(), train_options, recorder,
                                           progress, outcome.train);
  const double train_seconds = train_timer.stop();
  for (const auto& note : outcome.train.notes) log_line(hooks, note);
  if (trainer->needs_walks()) {
    recorder.score("train/pairs_per_second",
                   static_cast<double>(outcome.train.pairs) / train_seconds);
    recorder.score("train/final_loss", outcome.train.final_loss);
  }
  recorder.flush();
  progress.throw_if_stopping();
  // After the tables, the corpus is the run's largest allocation, and only
  // the walks export reads it again: evaluation builds its own features.
  if (!exports_walks) walks = Walks{};

  if (link_prediction) {
    PhaseTimer eval_timer("eval", recorder, outcome, hooks);
    for (const auto& [key, value] : evaluate_link_prediction(
             embeddings, split, link_options(config.eval, context), progress)) {
      recorder.score(key, value);
      outcome.scores[key] = value;
    }
    eval_timer.stop();
  }

  if (node_classification) {
    PhaseTimer eval_timer("eval", recorder, outcome, hooks);
    NodeClassificationOptions options;
    options.train_fraction = config.eval.train_fraction;
    options.repeats = config.eval.repeats;
    options.validation_fraction = config.eval.validation_fraction;
    options.seed = static_cast<uint64_t>(config.eval.split_seed);
    options.classifier.l2 = config.eval.classifier_l2;
    options.l2_choices = config.eval.classifier_l2_choices;
    options.normalize_choices = config.eval.normalize_choices;
    options.classifier.device = context.device;
    options.threads = context.threads;
    for (const auto& [key, value] :
         evaluate_node_classification(embeddings, labels, options, progress)) {
      recorder.score(key, value);
      outcome.scores[key] = value;
    }
    eval_timer.stop();
  }

  if (!context.artifact_directory.empty()) {
    PhaseTimer export_timer("export", recorder, outcome, hooks);
    export_run(config, train_graph.node_ids, walks, embeddings, link_prediction ? &split : nullptr,
               context.artifact_directory, recorder);
    export_timer.stop();
  }
  recorder.score("resources/peak_memory_mib", peak_memory_mib());
  recorder.flush();
  // A finished run needs no checkpoint; it is as large as the tables.
  if (!checkpoint_path.empty()) std::filesystem::remove(checkpoint_path);
  return outcome;
}

}  // namespace wb
