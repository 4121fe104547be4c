#pragma once
// Ranking metrics for scored node pairs. roc_auc and average_precision match
// scikit-learn's roc_auc_score and average_precision_score exactly (ties
// included), so numbers compare with published node2vec results; hits_at_k
// and mean_reciprocal_rank follow the OGB link-prediction evaluator.
#include <cstdint>
#include <vector>

namespace wb {

// labels[i] is 1 for a positive and 0 for a negative. Throws Error when the
// sizes differ, a label is neither 0 nor 1, or either class is missing, and
// NumericError when a score is NaN.
double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels);
double average_precision(const std::vector<double>& scores, const std::vector<int>& labels);
// Both from one sort of the scores.
struct RankingScores {
  double roc_auc = 0;
  double average_precision = 0;
};
RankingScores ranking_scores(const std::vector<double>& scores, const std::vector<int>& labels);

// Fraction of positives scored strictly above the k-th highest negative
// (OGB's Hits@K). With fewer than k negatives every positive counts as a hit,
// as in OGB. Throws Error when there are no positives or k < 1.
double hits_at_k(const std::vector<double>& positive_scores,
                 const std::vector<double>& negative_scores, int64_t k);

// Mean over positives of 1 / rank, where positive i is ranked against its own
// negatives negative_scores[i] and ties with a negative count half (OGB's MRR:
// the average of the optimistic and pessimistic ranks). Throws Error when the
// sizes differ or there are no positives.
double mean_reciprocal_rank(const std::vector<double>& positive_scores,
                            const std::vector<std::vector<double>>& negative_scores);
// 1 / rank of one positive among its negatives, ties counted as half.
double reciprocal_rank(double positive_score, const std::vector<double>& negative_scores);
// mean_reciprocal_rank where positive i's negatives are `per_positive` draws
// from negative_scores: draws (i * per_positive ...] of Rng(seed, stream),
// whatever the thread count, and the same MRR (per-chunk sums added in order).
double sampled_mean_reciprocal_rank(const std::vector<double>& positive_scores,
                                    const std::vector<double>& negative_scores,
                                    int64_t per_positive, uint64_t seed, uint64_t stream,
                                    int threads);

// F1 of multi-label predictions as scikit-learn's f1_score: micro pools true
// and false positives and negatives over all labels; macro averages each
// label's F1 over all num_labels labels, a label never true nor predicted
// counting 0 (sklearn's zero_division). Label sets must be sorted.
struct F1Scores {
  double micro = 0;
  double macro = 0;
};
F1Scores f1_scores(const std::vector<std::vector<int32_t>>& truth,
                   const std::vector<std::vector<int32_t>>& predicted, int64_t num_labels);

}  // namespace wb
