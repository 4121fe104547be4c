#pragma once
// The conditions of `workbench runs list --where`: "params.train.dimension=128",
// "scores.link/hadamard/roc_auc>=0.9". Parsed once, then tested against each
// run's params and scores.
#include <map>
#include <string>

namespace wb {

struct RunCondition {
  enum class Source { kParams, kScores };
  enum class Op { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

  std::string text;  // as given, for messages
  Source source = Source::kParams;
  std::string key;  // "train.dimension", "link/hadamard/roc_auc"
  Op op = Op::kEqual;
  std::string value;  // surrounding quotes removed
};

// "section.key op value" with section params or scores and op one of
// = != < <= > >=; spaces around the key and the value are ignored, and the
// value may be quoted. Throws wb::Error naming the condition when it is
// malformed, or compares a score with something that is not a number.
RunCondition parse_run_condition(const std::string& text);

// Whether a run with these params and scores satisfies the condition. Values
// that both read as numbers compare as numbers ("0.10" = "0.1"), others as
// text. A run without the key never matches, not even for !=; a NaN score
// matches only !=.
bool condition_holds(const RunCondition& condition,
                     const std::map<std::string, std::string>& params,
                     const std::map<std::string, double>& scores);

}  // namespace wb
