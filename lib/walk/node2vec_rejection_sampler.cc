// node2vec by rejection sampling (KnightKing, Yang et al. SOSP 2019): draw a
// first-order neighbour, accept it with probability alpha over an envelope,
// the previous node folded out of it (node2vec_envelope.h). Exact, O(E)
// memory, and each trial costs at most one binary search.
#include "walk/neighbor_sampler.h"
#include "walk/node2vec_envelope.h"
#include "walk/walk_sampler.h"

namespace wb {
namespace {

class Node2vecRejectionSampler : public WalkSampler {
 public:
  void prepare(const Graph& graph, const WalkOptions& options, const Progress&) override {
    graph_ = &graph;
    envelope_ = Node2vecEnvelope::make(options.p, options.q);
    neighbors_.prepare(graph);
  }

  int64_t walk(NodeId start, int64_t length, Rng& rng, NodeId* out) const override {
    out[0] = start;
    if (length < 2) return 1;
    if (graph_->degree(start) == 0) return 1;
    NodeId previous = start;
    NodeId current = graph_->targets[neighbors_.sample_arc(start, rng)];
    out[1] = current;
    for (int64_t step = 2; step < length; ++step) {
      if (graph_->degree(current) == 0) return step;
      const double share = return_share(current, previous);
      NodeId next;
      for (;;) {
        next = graph_->targets[neighbors_.sample_arc(current, rng)];
        const double u = rng.uniform();
        if (u < share) {
          next = previous;
          break;
        }
        if (accepts(Node2vecEnvelope::rescale(u, share), previous, next)) break;
      }
      previous = current;
      current = next;
      out[step] = current;
    }
    return length;
  }

  // Each round takes one trial of every walk still going, in three passes:
  // draw the arcs (prefetching their targets), read the candidates (those
  // whose acceptance depends on an arc back to the previous node prefetch the
  // middle of their arcs), then run those arc tests side by side. A walk's
  // draws come in walk()'s order, so the walks are walk()'s, node for node.
  // A walk's share of outright returns is worked out once per step.
  void walk_batch(const NodeId* starts, int64_t count, int64_t length, Rng* rngs, NodeId* out,
                  int64_t* lengths) const override {
    const Graph& graph = *graph_;
    int64_t going[kWalkBatch], steps[kWalkBatch], arcs[kWalkBatch], tested[kWalkBatch];
    int64_t share_step[kWalkBatch];  // the step shares[i] was worked out for
    double draws[kWalkBatch] = {};   // read only from the second step on
    double shares[kWalkBatch] = {};
    const NodeId* search_base[kWalkBatch];
    int64_t search_span[kWalkBatch];
    NodeId search_key[kWalkBatch];
    int64_t active = 0;
    for (int64_t i = 0; i < count; ++i) {
      out[i * length] = starts[i];
      lengths[i] = 1;
      steps[i] = 1;
      share_step[i] = 0;
      if (length >= 2) going[active++] = i;
    }
    while (active > 0) {
      int64_t kept = 0;
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        const NodeId current = out[i * length + steps[i] - 1];
        if (graph.degree(current) == 0) {
          lengths[i] = steps[i];
          continue;
        }
        if (steps[i] >= 2 && share_step[i] != steps[i]) {
          shares[i] = return_share(current, out[i * length + steps[i] - 2]);
          share_step[i] = steps[i];
        }
        arcs[i] = neighbors_.sample_arc(current, rngs[i]);
        if (steps[i] >= 2) draws[i] = rngs[i].uniform();  // the first step is unbiased
        __builtin_prefetch(&graph.targets[arcs[i]]);
        going[kept++] = i;
      }
      active = kept;
      int64_t num_tested = 0;
      kept = 0;
      for (int64_t a = 0; a < active; ++a) {
        const int64_t i = going[a];
        if (steps[i] >= 2 && draws[i] < shares[i]) {  // the previous node, outright
          take_step(i, out[i * length + steps[i] - 2], length, out, steps, lengths);
          if (steps[i] < length) going[kept++] = i;
          continue;
        }
        if (steps[i] >= 2) draws[i] = Node2vecEnvelope::rescale(draws[i], shares[i]);
        const NodeId candidate = graph.targets[arcs[i]];
        if (steps[i] >= 2 && draws[i] >= envelope_.sure_acceptance &&
            candidate != out[i * length + steps[i] - 2]) {
          __builtin_prefetch(&graph.offsets[candidate]);
          tested[num_tested++] = i;
          continue;
        }
        if (steps[i] < 2 || accepts(draws[i], out[i * length + steps[i] - 2], candidate)) {
          take_step(i, candidate, length, out, steps, lengths);
        }
        if (steps[i] < length) going[kept++] = i;
      }
      // The arc tests, candidate -> previous: a binary search in the
      // candidate's sorted arcs, the searches advanced a probe each in turn,
      // each prefetching its next probe while the others take theirs.
      for (int64_t t = 0; t < num_tested; ++t) {
        const int64_t i = tested[t];
        const NodeId candidate = graph.targets[arcs[i]];
        search_base[t] = graph.neighbors_begin(candidate);
        search_span[t] = graph.degree(candidate);
        search_key[t] = out[i * length + steps[i] - 2];
        __builtin_prefetch(search_base[t] + search_span[t] / 2);
      }
      for (bool searching = num_tested > 0; searching;) {
        searching = false;
        for (int64_t t = 0; t < num_tested; ++t) {
          if (search_span[t] <= 1) continue;
          const int64_t half = search_span[t] / 2;
          search_base[t] += search_base[t][half] <= search_key[t] ? half : 0;
          search_span[t] -= half;
          __builtin_prefetch(search_base[t] + search_span[t] / 2);
          searching = true;
        }
      }
      for (int64_t t = 0; t < num_tested; ++t) {
        const int64_t i = tested[t];
        const bool links_back = search_span[t] > 0 && *search_base[t] == search_key[t];
        if (envelope_.accepts(draws[i], false, links_back)) {
          take_step(i, graph.targets[arcs[i]], length, out, steps, lengths);
        }
        if (steps[i] < length) going[kept++] = i;
      }
      active = kept;
    }
  }

  CudaWalkMethod cuda_method() const override { return CudaWalkMethod::kNode2vecRejection; }
  int64_t memory_bytes() const override { return neighbors_.memory_bytes(); }

 private:
  // Walk i moves to `candidate`; a finished walk gets its length.
  void take_step(int64_t i, NodeId candidate, int64_t length, NodeId* out, int64_t* steps,
                 int64_t* lengths) const {
    out[i * length + steps[i]] = candidate;
    if (++steps[i] == length) {
      lengths[i] = length;
    } else {
      __builtin_prefetch(&graph_->offsets[candidate]);
    }
  }

  // The chance that a step from `current` proposes `previous` outright.
  double return_share(NodeId current, NodeId previous) const {
    if (!envelope_.folds_return()) return 0;
    double back_weight = 1;  // an undirected unweighted graph's arc back
    if (graph_->weighted() || graph_->directed) {
      const int64_t arc = graph_->find_arc(current, previous);
      back_weight = arc < 0 ? 0.0 : graph_->weight(arc);
    }
    return envelope_.return_share(neighbors_.out_weight(current), back_weight);
  }

  // A rescaled trial draw accepts `candidate` after `previous`. Below the
  // smallest alpha's share every candidate passes, and the arc test (a binary
  // search) is skipped: with p = q = 1 it never runs.
  bool accepts(double rescaled, NodeId previous, NodeId candidate) const {
    if (rescaled < envelope_.sure_acceptance) return true;
    const bool is_previous = candidate == previous;
    return envelope_.accepts(rescaled, is_previous,
                             !is_previous && graph_->has_arc(candidate, previous));
  }

  const Graph* graph_ = nullptr;
  Node2vecEnvelope envelope_;
  NeighborSampler neighbors_;
};

}  // namespace

std::unique_ptr<WalkSampler> make_node2vec_rejection_sampler() {
  return std::make_unique<Node2vecRejectionSampler>();
}

}  // namespace wb
