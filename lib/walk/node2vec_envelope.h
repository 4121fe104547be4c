#pragma once
// The envelope of node2vec's rejection sampler, shared by the CPU and GPU
// walkers so that both take the same decisions from the same draws.
//
// A trial proposes an out-arc of the current node by weight and accepts its
// target x with probability alpha(x) / envelope. Bounding every alpha by the
// largest one wastes trials when 1/p stands out (p = 0.5, q = 2: most
// candidates would pass one time in four), yet only one candidate, the
// previous node, can carry 1/p. So the envelope is max(1, 1/q), the previous
// node's alpha is capped at it, and the part of 1/p above it becomes a
// separate proposal of the previous node outright (KnightKing's outlier
// folding, Yang et al. SOSP 2019). Each node still gets w * alpha in total:
// the previous node w * envelope from the arcs plus w * (1/p - envelope)
// outright. At p = 0.5, q = 2 a trial then passes about half the time, at
// p = 0.25, q = 4 about a quarter instead of a sixteenth.
//
// The arithmetic avoids a product feeding a sum, which nvcc would fuse into
// one rounding and the host compiler would not.
#include "core/host_device.h"

namespace wb {

struct Node2vecEnvelope {
  double return_weight = 1;     // 1/p
  double inout_weight = 1;      // 1/q
  double envelope = 1;          // max(1, 1/q): bounds alpha for all but the previous node
  double acceptance_scale = 1;  // 1 / envelope
  double return_excess = 0;     // max(0, 1/p - envelope), per unit of the back arc's weight
  double sure_acceptance = 1;   // a rescaled draw below this accepts any candidate

  static Node2vecEnvelope make(double p, double q) {
    Node2vecEnvelope e;
    e.return_weight = 1.0 / p;
    e.inout_weight = 1.0 / q;
    e.envelope = e.inout_weight > 1.0 ? e.inout_weight : 1.0;
    e.acceptance_scale = 1.0 / e.envelope;
    e.return_excess = e.return_weight > e.envelope ? e.return_weight - e.envelope : 0.0;
    double least = e.inout_weight < 1.0 ? e.inout_weight : 1.0;
    if (e.return_weight < least) least = e.return_weight;
    e.sure_acceptance = least * e.acceptance_scale;
    return e;
  }

  // Whether the previous node can be proposed outright: only then does a step
  // need the weight of the arc back to it.
  WB_HOST_DEVICE bool folds_return() const { return return_excess > 0; }

  // The chance that a trial proposes the previous node outright: its excess
  // over the excess plus the envelope times the current node's out-weight.
  // back_weight is the weight of the arc current -> previous, 0 if none.
  WB_HOST_DEVICE double return_share(double out_weight, double back_weight) const {
    if (return_excess == 0 || back_weight == 0) return 0;
    return 1.0 / (1.0 + (envelope * out_weight) / (return_excess * back_weight));
  }

  // A trial draws an arc, then u. u < share proposes the previous node (and
  // accepts it); otherwise u rescaled to [0, 1) decides on the arc's target.
  // Drawing the arc first keeps the walks of settings without folding (share
  // 0, as at p = q = 1) what they were before folding existed.
  WB_HOST_DEVICE static double rescale(double u, double share) {
    return share == 0 ? u : (u - share) / (1.0 - share);
  }

  // Acceptance of a candidate reached through an arc, for a rescaled draw.
  WB_HOST_DEVICE bool accepts(double rescaled, bool is_previous, bool links_back) const {
    const double alpha = is_previous  ? (return_weight < envelope ? return_weight : envelope)
                         : links_back ? 1.0
                                      : inout_weight;
    // alpha == envelope always passes: envelope * (1 / envelope) may round below 1.
    return alpha >= envelope || rescaled < alpha * acceptance_scale;
  }
};

}  // namespace wb
