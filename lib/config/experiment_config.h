#pragma once
// The resolved, validated experiment: every setting with its default, as plain
// structs handed down to each stage. Parsed and checked in one place
// (config_parser.cc); the list of fields lives in config_fields.h.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wb {

struct ExperimentSection {
  std::string name;  // defaults to the TOML file's stem
  int64_t seed = 42;
  std::string device = "auto";  // auto | cpu | cuda
  int64_t threads = 0;          // 0: all hardware threads
};

struct EcommerceSection {
  int64_t users = 20000;
  int64_t items = 5000;
  int64_t categories = 50;
  double purchases_per_user = 8.0;
  double zipf_exponent = 1.0;
  int64_t categories_per_user = 2;
  double in_category_probability = 0.9;
  int64_t seed = 1;  // kept apart from experiment.seed so replicate seeds share one graph
};

struct GraphSection {
  std::string path;       // an edge list; relative paths resolve against the TOML file
  std::string generator;  // "ecommerce", instead of a path
  bool directed = false;
  bool weighted = false;
  std::string separator = "auto";  // auto | whitespace | tab | comma
  bool header = false;
  std::string comment_prefixes = "#%";
  std::string self_loops = "drop";   // drop | keep
  std::string duplicates = "first";  // first | sum | max | error
  EcommerceSection ecommerce;
};

struct WalkSection {
  std::string sampler = "node2vec";  // a name in the walk sampler registry
  int64_t walks_per_node = 10;
  int64_t walk_length = 80;
  double p = 1.0;
  double q = 1.0;
  double max_alias_memory_gb = 8.0;  // the exact node2vec sampler refuses larger tables
  // Where the corpus is kept: "memory", "file" (mapped), "regenerate" (drawn
  // again as the fused CPU trainer reads it), or "auto": memory up to
  // max_memory_gb, above it regenerate where the trainer can, else a file.
  std::string storage = "auto";
  double max_memory_gb = 0;     // "auto"'s limit; 0: half the usable memory (RAM or cgroup limit)
  std::string spill_directory;  // a corpus file's folder; "": $TMPDIR, else /var/tmp
};

struct TrainSection {
  std::string trainer = "torch";  // a name in the trainer registry
  // trainer = "external": vectors trained elsewhere, scored on this run's
  // split (word2vec text or .npy; relative paths resolve against the TOML
  // file). No walks are drawn.
  std::string embeddings;
  std::string embeddings_ids;  // a .npy's node id per row, one per line
  int64_t dimension = 128;
  int64_t window = 10;
  bool dynamic_window = true;  // word2vec's random shrinking of the window
  int64_t negatives = 5;
  std::string negative_sampler = "unigram";  // a name in the negative sampler registry
  double negative_exponent = 0.75;           // unigram frequency ** exponent
  // word2vec's sub-sampling of frequent nodes (gensim's `sample`, 1e-3 there
  // and in the node2vec reference code); 0 keeps every node.
  double subsample = 0;
  int64_t epochs = 1;
  double learning_rate = 0.025;
  double final_learning_rate_fraction = 1e-4;
  std::string lr_schedule = "linear";  // linear | constant
  int64_t batch_size = 1024;
  // torch: pairs of this many batches are pooled and shuffled, so a batch
  // mixes many walks. In walk order (1) a batch is one or two walks' pairs; a
  // walk trapped in a tiny component then repeats one pair hundreds of times
  // in a batch, and the summed gradient blows its rows up.
  int64_t shuffle_batches = 64;
  std::string amp = "off";  // off | bf16 | fp16
  // none: k fresh negatives per pair; window (fused trainers): k negatives per
  // center shared by its whole window; batch (torch): k * chunk negatives per
  // chunk of pairs, scored as one matrix product.
  std::string negative_sharing = "none";
  int64_t negative_chunk = 256;  // pairs sharing negatives with negative_sharing = "batch"
  // torch: where batches are made. host: pair by pair on one CPU thread (the
  // reference order); device: with tensor operations on the training device;
  // auto: device on CUDA, host on the CPU.
  std::string batching = "auto";
  std::string storage = "fp32";     // fused CUDA tables: fp32 | bf16 | fp16 (fp32 arithmetic)
  bool stochastic_rounding = true;  // for bf16/fp16 storage
  bool deterministic = false;       // fused: one thread / one warp, reproducible bit for bit
  int64_t log_every = 100;          // steps between recorded loss points
  // Epochs between checkpoints (0: only when interrupted), in the run's
  // artifact folder, for `workbench run --resume`.
  int64_t checkpoint_every = 0;
};

struct EvalSection {
  std::string task = "link_prediction";  // link_prediction | node_classification | none
  double test_fraction = 0.5;
  std::vector<std::string> operators = {"hadamard", "average", "weighted_l1", "weighted_l2"};
  // link_prediction: the graph heuristics scored on the same split, the
  // baselines to beat. Each costs a binary search per neighbour of a pair's
  // smaller side: on graphs with hubs of millions of edges, list fewer or none.
  std::vector<std::string> heuristics = {"common_neighbors", "jaccard", "adamic_adar",
                                         "preferential_attachment"};
  double classifier_l2 = 1.0;
  // node_classification: candidate l2 strengths; when given, the one with the
  // best validation Macro-F1 (eval.validation_fraction of each split's
  // training nodes, averaged over the splits) is refitted and tested. Labels
  // as skewed as Wikipedia's need far weaker regularisation than PPI's.
  std::vector<double> classifier_l2_choices;
  // node_classification: the embedding rows as given ("none") or scaled to unit
  // length ("l2") before the classifier; with both, chosen on validation nodes
  // together with the l2 strength.
  std::vector<std::string> normalize_choices = {"none"};
  int64_t split_seed = 1;
  // link_prediction: > 0 scores at most this many of the held-out edges (a
  // seeded sample; every one of them is still hidden from the walks), with as
  // many non-edges, and fits the edge classifier on as many training edges.
  // The scoring's edge features grow with the pairs: 4M pairs of 128 floats
  // are 2 GB per matrix, so a graph of 100M edges needs a cap. 0: all.
  int64_t max_test_edges = 0;
  // node_classification: a labels file (relative paths resolve against the
  // TOML file), the fraction of labelled nodes that trains, repeated splits.
  std::string labels;
  bool labels_header = false;
  double train_fraction = 0.5;
  int64_t repeats = 10;
  // > 0: a validation score from the training part only (node classification:
  // a share of the training nodes; link prediction: of the classifier's
  // training pairs), for sweeps to select on without touching the test pairs.
  double validation_fraction = 0;
  // link_prediction, where the validation pairs come from: "seen" (the
  // classifier's training pairs, edges the walks saw: cheap, runs high) or
  // "held_out" (validation_fraction of the graph's edges removed from the
  // walks' graph as the test edges are, as OGB does: scores like the test).
  std::string validation_edges = "seen";
};

struct ExportSection {
  std::vector<std::string> formats = {"npy", "pt", "word2vec"};  // and "walks" (text corpus)
  std::string directory;                                         // empty: runs/artifacts/run-<id>
};

struct ExperimentConfig {
  std::string source_path;  // the TOML file it came from
  ExperimentSection experiment;
  GraphSection graph;
  WalkSection walk;
  TrainSection train;
  EvalSection eval;
  ExportSection export_;
};

// Reads, merges `overrides` ("section.key=value", values in TOML syntax; a bare
// word is taken as a string) and validates. Throws ConfigError naming the file,
// line and key of the first problem. Relative file names (graph.path,
// eval.labels, train.embeddings, train.embeddings_ids) resolve against the
// folder of the file that gave them: the experiment file's, or for one set
// by `overrides`, `overrides_directory` (the current directory for --set, the
// sweep file's folder for a sweep's settings; empty: the experiment file's).
ExperimentConfig load_experiment_config(const std::string& path,
                                        const std::vector<std::string>& overrides = {},
                                        const std::string& overrides_directory = "");
ExperimentConfig parse_experiment_config(const std::string& toml_text,
                                         const std::string& source_name,
                                         const std::vector<std::string>& overrides = {});

// The full resolved config, defaults included, as TOML text.
std::string to_toml(const ExperimentConfig& config);
// "section.key" -> value text, for the run store and comparisons.
std::vector<std::pair<std::string, std::string>> flatten(const ExperimentConfig& config);
// Whether a flattened setting holds its built-in default (as flatten writes
// it). Identities of runs (sweep trial keys, report groupings) leave such
// settings out, so a key added later, whose default keeps the earlier
// behaviour, groups new runs with the runs recorded before it existed.
bool is_default_setting(const std::string& key, const std::string& value);

}  // namespace wb
