#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "core/errors.h"
#include "core/parallel.h"
#include "core/random.h"

namespace wb {
namespace {

struct ClassCounts {
  int64_t positives = 0;
  int64_t negatives = 0;
};

ClassCounts check_binary_input(const std::vector<double>& scores, const std::vector<int>& labels,
                               const char* metric) {
  if (scores.size() != labels.size()) {
    throw Error(std::string(metric) + ": " + std::to_string(scores.size()) + " scores but " +
                std::to_string(labels.size()) + " labels");
  }
  ClassCounts counts;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) throw NumericError(std::string(metric) + ": a score is NaN");
    if (labels[i] == 1) {
      ++counts.positives;
    } else if (labels[i] == 0) {
      ++counts.negatives;
    } else {
      throw Error(std::string(metric) + ": label " + std::to_string(labels[i]) +
                  " is neither 0 nor 1");
    }
  }
  if (counts.positives == 0 || counts.negatives == 0) {
    throw Error(std::string(metric) + " needs both positives and negatives (got " +
                std::to_string(counts.positives) + " and " + std::to_string(counts.negatives) +
                ")");
  }
  return counts;
}

// A score with its label, sorted as one record: sorting indices by score
// instead made every comparison two random reads into the scores, and on the
// 4M test pairs of a large graph each metric's sort took seconds.
struct Scored {
  double score;
  int label;
};

// The pairs ordered by score, highest first; the order inside a tie does not
// matter because both metrics treat a run of equal scores as one threshold.
std::vector<Scored> sorted_by_score_descending(const std::vector<double>& scores,
                                               const std::vector<int>& labels) {
  std::vector<Scored> sorted(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) sorted[i] = {scores[i], labels[i]};
  std::sort(sorted.begin(), sorted.end(),
            [](const Scored& a, const Scored& b) { return a.score > b.score; });
  return sorted;
}

// Mann-Whitney U: each positive wins against the negatives scored below it
// and half-wins against the negatives it ties with, which is exactly the area
// under sklearn's trapezoidal ROC curve.
double roc_auc_of_sorted(const std::vector<Scored>& sorted, const ClassCounts& counts) {
  double wins = 0.0;
  int64_t negatives_above = 0;
  for (size_t begin = 0; begin < sorted.size();) {
    size_t end = begin;
    int64_t tie_positives = 0;
    int64_t tie_negatives = 0;
    while (end < sorted.size() && sorted[end].score == sorted[begin].score) {
      (sorted[end].label == 1 ? tie_positives : tie_negatives) += 1;
      ++end;
    }
    const int64_t negatives_below = counts.negatives - negatives_above - tie_negatives;
    wins += static_cast<double>(tie_positives) *
            (static_cast<double>(negatives_below) + 0.5 * static_cast<double>(tie_negatives));
    negatives_above += tie_negatives;
    begin = end;
  }
  return wins / (static_cast<double>(counts.positives) * static_cast<double>(counts.negatives));
}

// One threshold per distinct score: AP = sum_n (R_n - R_{n-1}) * P_n.
double average_precision_of_sorted(const std::vector<Scored>& sorted, const ClassCounts& counts) {
  double ap = 0.0;
  int64_t true_positives = 0;
  int64_t predicted = 0;
  for (size_t begin = 0; begin < sorted.size();) {
    size_t end = begin;
    int64_t tie_positives = 0;
    while (end < sorted.size() && sorted[end].score == sorted[begin].score) {
      tie_positives += sorted[end].label == 1 ? 1 : 0;
      ++end;
    }
    true_positives += tie_positives;
    predicted += static_cast<int64_t>(end - begin);
    const double recall_gain =
        static_cast<double>(tie_positives) / static_cast<double>(counts.positives);
    const double precision = static_cast<double>(true_positives) / static_cast<double>(predicted);
    ap += recall_gain * precision;
    begin = end;
  }
  return ap;
}

}  // namespace

double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  const ClassCounts counts = check_binary_input(scores, labels, "roc_auc");
  return roc_auc_of_sorted(sorted_by_score_descending(scores, labels), counts);
}

double average_precision(const std::vector<double>& scores, const std::vector<int>& labels) {
  const ClassCounts counts = check_binary_input(scores, labels, "average_precision");
  return average_precision_of_sorted(sorted_by_score_descending(scores, labels), counts);
}

RankingScores ranking_scores(const std::vector<double>& scores, const std::vector<int>& labels) {
  const ClassCounts counts = check_binary_input(scores, labels, "roc_auc");
  const std::vector<Scored> sorted = sorted_by_score_descending(scores, labels);
  return {roc_auc_of_sorted(sorted, counts), average_precision_of_sorted(sorted, counts)};
}

double hits_at_k(const std::vector<double>& positive_scores,
                 const std::vector<double>& negative_scores, int64_t k) {
  if (positive_scores.empty()) throw Error("hits_at_k needs at least one positive");
  if (k < 1) throw Error("hits_at_k needs k >= 1, got " + std::to_string(k));
  if (static_cast<int64_t>(negative_scores.size()) < k) return 1.0;
  std::vector<double> negatives = negative_scores;
  std::nth_element(negatives.begin(), negatives.begin() + (k - 1), negatives.end(),
                   std::greater<double>());
  const double kth_best_negative = negatives[static_cast<size_t>(k - 1)];
  int64_t hits = 0;
  for (double score : positive_scores) hits += score > kth_best_negative ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(positive_scores.size());
}

double mean_reciprocal_rank(const std::vector<double>& positive_scores,
                            const std::vector<std::vector<double>>& negative_scores) {
  if (positive_scores.empty()) throw Error("mean_reciprocal_rank needs at least one positive");
  if (positive_scores.size() != negative_scores.size()) {
    throw Error("mean_reciprocal_rank: " + std::to_string(positive_scores.size()) +
                " positives but " + std::to_string(negative_scores.size()) + " negative lists");
  }
  double sum = 0.0;
  for (size_t i = 0; i < positive_scores.size(); ++i) {
    sum += reciprocal_rank(positive_scores[i], negative_scores[i]);
  }
  return sum / static_cast<double>(positive_scores.size());
}

double sampled_mean_reciprocal_rank(const std::vector<double>& positive_scores,
                                    const std::vector<double>& negative_scores,
                                    int64_t per_positive, uint64_t seed, uint64_t stream,
                                    int threads) {
  if (positive_scores.empty() || negative_scores.empty() || per_positive < 1) {
    throw Error("sampled_mean_reciprocal_rank needs positives, negatives and per_positive >= 1");
  }
  // Each positive draws its own stretch of one stream (Rng::discard), so
  // chunks of positives run on threads; a chunk's draws go to random places
  // in the negatives, and one thread alone waits on a cache miss per draw.
  constexpr int64_t kChunk = 1 << 14;
  const auto count = static_cast<int64_t>(positive_scores.size());
  std::vector<double> chunk_sums(static_cast<size_t>((count + kChunk - 1) / kChunk));
  parallel_for_chunks(count, kChunk, threads, {}, "eval", [&](int64_t begin, int64_t end) {
    Rng rng(seed, stream);
    rng.discard(static_cast<uint64_t>(begin * per_positive));
    // A positive's draws are all made, and their scores prefetched, before
    // any is read: their cache misses overlap instead of following each other.
    std::vector<uint64_t> picks(static_cast<size_t>(per_positive));
    std::vector<double> drawn(static_cast<size_t>(per_positive));
    double sum = 0.0;
    for (int64_t i = begin; i < end; ++i) {
      for (uint64_t& pick : picks) {
        pick = rng.below(negative_scores.size());
        __builtin_prefetch(&negative_scores[pick]);
      }
      for (size_t k = 0; k < picks.size(); ++k) drawn[k] = negative_scores[picks[k]];
      sum += reciprocal_rank(positive_scores[i], drawn);
    }
    chunk_sums[begin / kChunk] = sum;
  });
  double total = 0.0;
  for (double sum : chunk_sums) total += sum;
  return total / static_cast<double>(count);
}

double reciprocal_rank(double positive_score, const std::vector<double>& negative_scores) {
  int64_t above = 0;
  int64_t tied = 0;
  for (double negative : negative_scores) {
    above += negative > positive_score ? 1 : 0;
    tied += negative == positive_score ? 1 : 0;
  }
  return 1.0 / (1.0 + static_cast<double>(above) + 0.5 * static_cast<double>(tied));
}

F1Scores f1_scores(const std::vector<std::vector<int32_t>>& truth,
                   const std::vector<std::vector<int32_t>>& predicted, int64_t num_labels) {
  if (truth.size() != predicted.size()) throw Error("f1_scores: label sets of different lengths");
  std::vector<int64_t> true_positives(num_labels), false_positives(num_labels),
      false_negatives(num_labels);
  for (size_t i = 0; i < truth.size(); ++i) {
    const auto& t = truth[i];
    const auto& p = predicted[i];
    size_t a = 0, b = 0;
    while (a < t.size() || b < p.size()) {  // merge the two sorted sets
      if (b == p.size() || (a < t.size() && t[a] < p[b])) {
        ++false_negatives[t[a++]];
      } else if (a == t.size() || p[b] < t[a]) {
        ++false_positives[p[b++]];
      } else {
        ++true_positives[t[a]];
        ++a, ++b;
      }
    }
  }
  auto f1 = [](int64_t tp, int64_t fp, int64_t fn) {
    const int64_t denominator = 2 * tp + fp + fn;
    return denominator == 0 ? 0.0 : 2.0 * tp / static_cast<double>(denominator);
  };
  F1Scores scores;
  int64_t tp = 0, fp = 0, fn = 0;
  for (int64_t l = 0; l < num_labels; ++l) {
    scores.macro += f1(true_positives[l], false_positives[l], false_negatives[l]);
    tp += true_positives[l], fp += false_positives[l], fn += false_negatives[l];
  }
  scores.macro /= static_cast<double>(num_labels);
  scores.micro = f1(tp, fp, fn);
  return scores;
}

}  // namespace wb
