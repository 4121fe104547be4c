#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "core/errors.h"
#include "core/random.h"
#include "eval/edge_features.h"
#include "eval/metrics.h"

using wb::average_precision;
using wb::roc_auc;

TEST_CASE("roc_auc and average_precision on a small example", "[eval]") {
  // Sorted by score: 0.8(+) 0.4(-) 0.35(+) 0.1(-). Three of the four
  // positive/negative pairs are ordered correctly; AP = 0.5 * 1 + 0.5 * 2/3.
  const std::vector<double> scores = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int> labels = {0, 0, 1, 1};
  CHECK(roc_auc(scores, labels) == Approx(0.75));
  CHECK(average_precision(scores, labels) == Approx(5.0 / 6.0));
}

TEST_CASE("roc_auc and average_precision with tied scores", "[eval]") {
  // Positives 0.5, 0.2, 0.5; negatives 0.5, 0.9.
  // AUC: each 0.5 positive ties one negative (1/2) and loses to 0.9; 0.2 loses
  // to both: (0.5 + 0.5) / 6.
  // AP: thresholds 0.9 (P=0, R=0), 0.5 (tp=2 of 4, R=2/3), 0.2 (tp=3 of 5, R=1):
  // 2/3 * 1/2 + 1/3 * 3/5.
  const std::vector<double> scores = {0.5, 0.5, 0.2, 0.9, 0.5};
  const std::vector<int> labels = {1, 0, 1, 0, 1};
  CHECK(roc_auc(scores, labels) == Approx(1.0 / 6.0));
  CHECK(average_precision(scores, labels) == Approx(2.0 / 6.0 + 1.0 / 5.0));

  // All scores equal: a coin flip, and precision is the positive rate.
  const std::vector<double> flat = {0.3, 0.3, 0.3, 0.3, 0.3};
  CHECK(roc_auc(flat, labels) == Approx(0.5));
  CHECK(average_precision(flat, labels) == Approx(3.0 / 5.0));

  // Both from one sort: the same numbers.
  const wb::RankingScores both = wb::ranking_scores(scores, labels);
  CHECK(both.roc_auc == Approx(1.0 / 6.0));
  CHECK(both.average_precision == Approx(2.0 / 6.0 + 1.0 / 5.0));
  CHECK_THROWS_AS(wb::ranking_scores(scores, {1, 1, 1, 1, 1}), wb::Error);
}

TEST_CASE("roc_auc and average_precision agree with a direct count on many ties", "[eval]") {
  // 2,000 scores on 20 levels: every tie run mixes classes, and the sort has
  // to keep each score with its own label.
  std::vector<double> scores;
  std::vector<int> labels;
  for (int i = 0; i < 2000; ++i) {
    scores.push_back(static_cast<double>((i * 7919) % 20));
    labels.push_back((i * 104729) % 3 == 0 ? 1 : 0);
  }
  double wins = 0;
  int64_t positives = 0, negatives = 0;
  for (size_t a = 0; a < scores.size(); ++a) {
    if (labels[a] != 1) continue;
    ++positives;
    for (size_t b = 0; b < scores.size(); ++b) {
      if (labels[b] != 0) continue;
      wins += scores[a] > scores[b] ? 1.0 : scores[a] == scores[b] ? 0.5 : 0.0;
    }
  }
  for (int label : labels) negatives += label == 0 ? 1 : 0;
  const double expected_auc = wins / static_cast<double>(positives * negatives);
  // AP: precision at each distinct level, weighted by the positives it adds.
  double expected_ap = 0;
  for (int level = 19; level >= 0; --level) {
    int64_t at_or_above = 0, positives_at_or_above = 0, positives_at = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      if (scores[i] >= level) {
        ++at_or_above;
        positives_at_or_above += labels[i];
        if (scores[i] == level) positives_at += labels[i];
      }
    }
    expected_ap += static_cast<double>(positives_at) / static_cast<double>(positives) *
                   static_cast<double>(positives_at_or_above) / static_cast<double>(at_or_above);
  }
  CHECK(roc_auc(scores, labels) == Approx(expected_auc).epsilon(1e-12));
  CHECK(average_precision(scores, labels) == Approx(expected_ap).epsilon(1e-12));
  const wb::RankingScores both = wb::ranking_scores(scores, labels);
  CHECK(both.roc_auc == roc_auc(scores, labels));
  CHECK(both.average_precision == average_precision(scores, labels));
}

TEST_CASE("perfect and inverted rankings", "[eval]") {
  const std::vector<double> scores = {0.9, 0.8, 0.7, 0.2, 0.1};
  const std::vector<int> perfect = {1, 1, 1, 0, 0};
  const std::vector<int> inverted = {0, 0, 1, 1, 1};
  CHECK(roc_auc(scores, perfect) == Approx(1.0));
  CHECK(average_precision(scores, perfect) == Approx(1.0));
  CHECK(roc_auc(scores, inverted) == Approx(0.0));
  // Positives at ranks 3, 4, 5: (1/3 + 2/4 + 3/5) / 3.
  CHECK(average_precision(scores, inverted) == Approx((1.0 / 3 + 2.0 / 4 + 3.0 / 5) / 3));
}

TEST_CASE("metrics reject unusable input", "[eval]") {
  const std::vector<double> scores = {0.1, 0.2, 0.3};
  CHECK_THROWS_AS(roc_auc(scores, {1, 1, 1}), wb::Error);
  CHECK_THROWS_AS(roc_auc(scores, {0, 0, 0}), wb::Error);
  CHECK_THROWS_AS(average_precision(scores, {1, 1, 1}), wb::Error);
  CHECK_THROWS_AS(average_precision(scores, {0, 0, 0}), wb::Error);
  CHECK_THROWS_AS(roc_auc(scores, {0, 1}), wb::Error);
  CHECK_THROWS_AS(roc_auc(scores, {0, 1, 2}), wb::Error);
  const std::vector<double> with_nan = {0.1, std::numeric_limits<double>::quiet_NaN(), 0.3};
  CHECK_THROWS_AS(roc_auc(with_nan, {0, 1, 1}), wb::NumericError);
}

TEST_CASE("hits_at_k follows OGB", "[eval]") {
  const std::vector<double> positives = {0.9, 0.5, 0.3};
  const std::vector<double> negatives = {0.1, 0.8, 0.2, 0.4};
  CHECK(wb::hits_at_k(positives, negatives, 1) == Approx(1.0 / 3.0));  // above 0.8
  CHECK(wb::hits_at_k(positives, negatives, 2) == Approx(2.0 / 3.0));  // above 0.4
  CHECK(wb::hits_at_k(positives, negatives, 4) == Approx(1.0));        // above 0.1
  CHECK(wb::hits_at_k(positives, negatives, 10) == Approx(1.0));       // too few negatives
  // A tie with the k-th negative is not a hit.
  CHECK(wb::hits_at_k({0.4}, negatives, 2) == Approx(0.0));
  CHECK_THROWS_AS(wb::hits_at_k({}, negatives, 1), wb::Error);
  CHECK_THROWS_AS(wb::hits_at_k(positives, negatives, 0), wb::Error);
}

TEST_CASE("mean_reciprocal_rank counts ties as half", "[eval]") {
  // 0.5 against {0.6, 0.5, 0.1}: one above, one tied -> rank 2.5.
  // 1.0 against {0.1}: rank 1.
  const double mrr = wb::mean_reciprocal_rank({0.5, 1.0}, {{0.6, 0.5, 0.1}, {0.1}});
  CHECK(mrr == Approx((1.0 / 2.5 + 1.0) / 2.0));
  CHECK_THROWS_AS(wb::mean_reciprocal_rank({0.5}, {}), wb::Error);
}

TEST_CASE("a generator that discards n draws is where n draws leave it", "[eval]") {
  for (const uint64_t n : {0, 1, 7, 100, 123457}) {
    wb::Rng skipped(7, 0x3ee7), stepped(7, 0x3ee7);
    skipped.discard(n);
    for (uint64_t i = 0; i < n; ++i) stepped.next();
    INFO(n);
    REQUIRE(skipped.next() == stepped.next());
  }
}

TEST_CASE("sampled MRR draws as one pass in order whatever the thread count", "[eval]") {
  // More positives than three chunks of the threaded pass, ties included.
  wb::Rng rng(11, 0);
  std::vector<double> positives(50000), negatives(30000);
  for (double& s : positives) s = static_cast<double>(rng.below(1000)) / 1000.0;
  for (double& s : negatives) s = static_cast<double>(rng.below(700)) / 1000.0;
  // The reference: one generator, each positive's 20 draws in turn.
  wb::Rng draws(3, 5);
  std::vector<double> drawn(20);
  double sum = 0;
  for (double positive : positives) {
    for (double& s : drawn) s = negatives[draws.below(negatives.size())];
    sum += wb::reciprocal_rank(positive, drawn);
  }
  const double expected = sum / static_cast<double>(positives.size());
  const double one = wb::sampled_mean_reciprocal_rank(positives, negatives, 20, 3, 5, 1);
  CHECK(one == Approx(expected).epsilon(1e-12));
  CHECK(wb::sampled_mean_reciprocal_rank(positives, negatives, 20, 3, 5, 3) == one);
  CHECK(wb::sampled_mean_reciprocal_rank(positives, negatives, 20, 4, 5, 1) != one);
  CHECK_THROWS_AS(wb::sampled_mean_reciprocal_rank({}, negatives, 20, 3, 5, 1), wb::Error);
}

TEST_CASE("edge operators on tiny vectors", "[eval]") {
  wb::Matrix emb(3, 3);
  emb.values = {1, -2, 3, 3, 2, -1, 0, 0, 0};
  const std::vector<wb::NodePair> pairs = {{0, 1}, {1, 0}};
  const std::vector<std::pair<wb::EdgeOperator, std::vector<float>>> expected = {
      {wb::EdgeOperator::kAverage, {2, 0, 1}},
      {wb::EdgeOperator::kHadamard, {3, -4, -3}},
      {wb::EdgeOperator::kWeightedL1, {2, 4, 4}},
      {wb::EdgeOperator::kWeightedL2, {4, 16, 16}},
  };
  wb::Matrix features;  // filled again for each operator, as the evaluation does
  for (const auto& [op, values] : expected) {
    INFO(wb::name(op));
    wb::edge_features_into(features, emb, pairs, op);
    REQUIRE(features.rows == 2);
    REQUIRE(features.cols == 3);
    for (int64_t j = 0; j < 3; ++j) {
      CHECK(features.row(0)[j] == Approx(values[j]));
      CHECK(features.row(1)[j] == Approx(values[j]));  // every operator is symmetric
    }
  }
  CHECK_THROWS_AS(wb::edge_features_into(features, emb, {{0, 3}}, wb::EdgeOperator::kHadamard),
                  wb::DataError);
}

TEST_CASE("edge operator names round-trip", "[eval]") {
  REQUIRE(wb::all_edge_operators().size() == 4);
  for (wb::EdgeOperator op : wb::all_edge_operators()) {
    CHECK(wb::parse_edge_operator(wb::name(op)) == op);
  }
  CHECK(wb::name(wb::EdgeOperator::kWeightedL1) == "weighted_l1");
  CHECK_THROWS_AS(wb::parse_edge_operator("l1"), wb::ConfigError);
}
