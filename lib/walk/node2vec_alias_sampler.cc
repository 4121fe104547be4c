// node2vec with exact alias tables, one per arc t -> v over v's neighbours
// (Grover & Leskovec 2016): O(1) per step, but memory grows with the sum over
// arcs of the target's degree, so the size is estimated and checked first.
#include <algorithm>
#include <vector>

#include "core/errors.h"
#include "core/memory_size.h"
#include "core/parallel.h"
#include "walk/neighbor_sampler.h"
#include "walk/node2vec_bias.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

// The nodes x with an arc x -> t, by t: t's neighbours on an undirected
// graph; on a directed one, the sources of its in-arcs, gathered once.
class LinksBack {
 public:
  explicit LinksBack(const Graph& graph) : graph_(graph) {
    if (!graph.directed) return;
    offsets_.assign(static_cast<size_t>(graph.num_nodes()) + 1, 0);
    for (NodeId target : graph.targets) ++offsets_[target + 1];
    for (int64_t t = 0; t < graph.num_nodes(); ++t) offsets_[t + 1] += offsets_[t];
    sources_.resize(graph.targets.size());
    std::vector<int64_t> cursor(offsets_.begin(), offsets_.end() - 1);
    for (NodeId x = 0; x < graph.num_nodes(); ++x) {
      for (const NodeId* target = graph.neighbors_begin(x); target != graph.neighbors_end(x);
           ++target) {
        sources_[cursor[*target]++] = x;
      }
    }
  }

  template <class Visit>
  void for_each(NodeId t, Visit visit) const {
    if (!graph_.directed) {
      for (const NodeId* x = graph_.neighbors_begin(t); x != graph_.neighbors_end(t); ++x)
        visit(*x);
      return;
    }
    for (int64_t i = offsets_[t]; i < offsets_[t + 1]; ++i) visit(sources_[i]);
  }

 private:
  const Graph& graph_;
  std::vector<int64_t> offsets_;  // directed graphs only
  std::vector<NodeId> sources_;
};

class Node2vecAliasSampler : public WalkSampler {
 public:
  void prepare(const Graph& graph, const WalkOptions& options, const Progress& progress) override {
    graph_ = &graph;
    neighbors_.prepare(graph);
    plan_tables(graph, options);
    const Node2vecBias bias{1.0 / options.p, 1.0 / options.q};
    const LinksBack links_back(graph);
    parallel_for_chunks(
        graph.num_nodes(), 64, options.threads, progress, "alias", [&](int64_t begin, int64_t end) {
          std::vector<double> weights;
          AliasScratch scratch;
          for (int64_t t = begin; t < end; ++t) {
            build_tables_from(static_cast<NodeId>(t), bias, links_back, weights, scratch);
          }
        });
  }

  int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const override {
    out[0] = start;
    if (length < 2 || graph_->degree(start) == 0) return 1;
    int64_t arc = neighbors_.sample_arc(start, rng);  // the step just taken
    NodeId current = graph_->targets[arc];
    out[1] = current;
    for (int64_t step = 2; step < length; ++step) {
      const int64_t degree = graph_->degree(current);
      if (degree == 0) return step;
      const int64_t table = table_offsets_[arc];
      arc = graph_->offsets[current] +
            draw_alias(probability_.data() + table, alias_.data() + table, degree, rng);
      current = graph_->targets[arc];
      out[step] = current;
    }
    return length;
  }

  // Each round takes one step of every walk still going, in three passes, each
  // prefetching what the next reads: draw the slot of the arc's table (and
  // prefetch the slot), resolve it to an arc (and prefetch its target and its
  // own table's offset), then read the target (and prefetch its arc range).
  // A step is four dependent cache misses on a graph larger than the cache;
  // the walks of a batch wait on them together. A walk's draws come in
  // walk()'s order (draw_alias's two), so the walks are walk()'s, node for node.
  void walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs, NodeId* out,
                  int64_t* lengths) const override {
    const Graph& graph = *graph_;
    int64_t going[kWalkBatch], arcs[kWalkBatch], entries[kWalkBatch], slots[kWalkBatch];
    float draws[kWalkBatch];
    int64_t active = 0;
    for (int64_t i = 0; i < count; ++i) {
      out[i * length] = starts[i];
      lengths[i] = 1;
      if (length < 2 || graph.degree(starts[i]) == 0) continue;
      arcs[i] = neighbors_.sample_arc(starts[i], rngs[i]);
      __builtin_prefetch(&graph.targets[arcs[i]]);
      __builtin_prefetch(&table_offsets_[arcs[i]]);
      lengths[i] = length;
      going[active++] = i;
    }
    for (int64_t a = 0; a < active; ++a) {
      const int64_t i = going[a];
      const NodeId next = graph.targets[arcs[i]];
      out[i * length + 1] = next;
      __builtin_prefetch(&graph.offsets[next]);
    }
    for (int64_t step = 2; step < length && active > 0; ++step) {
      int64_t kept = 0;
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        const NodeId current = out[i * length + step - 1];
        const int64_t degree = graph.degree(current);
        if (degree == 0) {
          lengths[i] = step;
          continue;
        }
        slots[i] = static_cast<int64_t>(rngs[i].below(static_cast<uint64_t>(degree)));
        draws[i] = rngs[i].uniform_float();
        entries[i] = table_offsets_[arcs[i]] + slots[i];
        __builtin_prefetch(&probability_[entries[i]]);
        __builtin_prefetch(&alias_[entries[i]]);
        going[kept++] = i;
      }
      active = kept;
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        const NodeId current = out[i * length + step - 1];
        const int64_t local = draws[i] < probability_[entries[i]] ? slots[i] : alias_[entries[i]];
        arcs[i] = graph.offsets[current] + local;
        __builtin_prefetch(&graph.targets[arcs[i]]);
        __builtin_prefetch(&table_offsets_[arcs[i]]);
      }
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        const NodeId next = graph.targets[arcs[i]];
        out[i * length + step] = next;
        __builtin_prefetch(&graph.offsets[next]);
      }
    }
  }

  // Same distribution as the alias tables, without their O(sum of degree^2) memory.
  CudaWalkMethod cuda_method() const override { return CudaWalkMethod::kNode2vecRejection; }
  int64_t memory_bytes() const override {
    return static_cast<int64_t>(probability_.size() * (sizeof(float) + sizeof(int32_t)) +
                                table_offsets_.size() * sizeof(int64_t)) +
           neighbors_.memory_bytes();
  }

 private:
  void plan_tables(const Graph& graph, const WalkOptions& options) {
    table_offsets_.assign(graph.num_arcs() + 1, 0);
    for (int64_t a = 0; a < graph.num_arcs(); ++a) {
      table_offsets_[a + 1] = table_offsets_[a] + graph.degree(graph.targets[a]);
    }
    const double entries = static_cast<double>(table_offsets_.back());
    const double bytes = entries * (sizeof(float) + sizeof(int32_t)) +
                         static_cast<double>(table_offsets_.size() * sizeof(int64_t));
    const double limit = std::min(options.max_alias_memory_gb * kGiB, 0.8 * usable_memory_bytes());
    if (bytes > limit) {
      table_offsets_.clear();
      throw ResourceError("walk.sampler = \"node2vec\": the exact alias tables need " +
                          format_gib(bytes) + " (" + std::to_string(static_cast<int64_t>(entries)) +
                          " entries), more than the limit of " + format_gib(limit) +
                          " (walk.max_alias_memory_gb or 80% of the memory this process may use); "
                          "use walk.sampler = "
                          "\"node2vec-rejection\", which is exact in O(E) memory");
    }
    probability_.resize(static_cast<size_t>(entries));
    alias_.resize(static_cast<size_t>(entries));
  }

  // The tables of every arc t -> v. Node2vecBias asks, for each of v's
  // neighbours x, whether x links back to t: a binary search per entry, most
  // of the time spent building the tables. Marking t's linking nodes once
  // makes each test one read of a node-indexed array.
  void build_tables_from(NodeId t, const Node2vecBias& bias, const LinksBack& links_back,
                         std::vector<double>& weights, AliasScratch& scratch) {
    const Graph& graph = *graph_;
    // Per worker thread, and left all -1 after each node: the threads are the
    // workers of this call, and a table the size of the graph per chunk of 64
    // nodes would cost more than the tests it saves.
    thread_local std::vector<NodeId> marked_by;
    if (marked_by.size() < static_cast<size_t>(graph.num_nodes())) {
      marked_by.resize(static_cast<size_t>(graph.num_nodes()), -1);
    }
    links_back.for_each(t, [&](NodeId x) { marked_by[x] = t; });
    for (int64_t arc = graph.offsets[t]; arc < graph.offsets[t + 1]; ++arc) {
      const NodeId v = graph.targets[arc];
      const int64_t degree = graph.degree(v);
      if (degree == 0) continue;
      weights.resize(degree);
      for (int64_t k = 0; k < degree; ++k) {
        const int64_t next_arc = graph.offsets[v] + k;
        const NodeId x = graph.targets[next_arc];
        const double alpha = x == t              ? bias.return_weight
                             : marked_by[x] == t ? 1.0
                                                 : bias.inout_weight;
        weights[k] = graph.weight(next_arc) * alpha;
      }
      const int64_t table = table_offsets_[arc];
      build_alias(weights.data(), degree, probability_.data() + table, alias_.data() + table,
                  scratch);
    }
    links_back.for_each(t, [&](NodeId x) { marked_by[x] = -1; });
  }

  const Graph* graph_ = nullptr;
  NeighborSampler neighbors_;
  std::vector<int64_t> table_offsets_;  // per arc: where its table starts
  std::vector<float> probability_;
  std::vector<int32_t> alias_;
};

}  // namespace

std::unique_ptr<WalkSampler> make_node2vec_alias_sampler() {
  return std::make_unique<Node2vecAliasSampler>();
}

}  // namespace wb
